"""Figures and numbers of the Compare tab, from the engine's run results.

Each function takes the compared scenarios as a list of :class:`Entry`
(the first is the reference) and the language; nothing here runs a model.
Differences are paired by replication (common random numbers) through
:func:`sim.summary.paired_difference`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import cached_property

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from sim.categories import GROUP_LABELS, Channel
from sim.metrics import CAUSE_SERIES, ROUTE_OUTCOMES
from sim.runner import RunResult
from sim.summary import aggregate, paired_difference, t_interval

from . import i18n
from .i18n import t
from .theme import CAUSE_COLOURS, OUTCOME_COLOURS, base_layout, rgba

# figure heights in pixels (the page's graph boxes use the same)
HEIGHTS = {"ts": 420, "causes": 420, "groups": 640, "workload": 430, "sankey": 560, "concentration": 430}


@dataclass
class Entry:
    key: str  # browser-held scenario key
    label: str  # display name in the page's language
    colour: str
    result: RunResult

    @cached_property
    def summary(self) -> dict:
        """The run's summary, computed once (``RunResult.summary`` recomputes on every access)."""
        return self.result.summary


# -- headline numbers -----------------------------------------------------------------

CARD_METRICS = (
    # (card key, summary path, kind)
    ("non_take_up", ("non_take_up_rate",), "pct"),
    ("unclaimed", ("unclaimed_euros_per_month",), "eur"),
    ("delegated", ("delegated_total",), "hours"),
    ("concentration", ("concentration_index",), "index"),
)


def _with_total(summary: dict) -> dict:
    out = dict(summary)
    out["delegated_total"] = sum(summary["delegated_hours_per_month"].values())
    return out


def _get(node: dict, path: tuple) -> dict:
    for k in path:
        node = node[k]
    return node


def headline(entries: list[Entry]) -> dict:
    """``{card: [{"mean", "ci95", "diff", "diff_ci95"} per entry]}``; diff is B - reference, paired."""
    paths = [path for _, path, _ in CARD_METRICS]
    # only the card metrics: aggregating whole summaries (hundreds of leaves) is slow
    reps = [[{".".join(p): _get(_with_total(r.summary), p) for p in paths} for r in e.result.replications]
            for e in entries]
    aggs = [aggregate(r) for r in reps]
    diffs = [paired_difference(reps[0], r) if i > 0 and len(r) == len(reps[0]) else None
             for i, r in enumerate(reps)]
    out: dict = {}
    for card, path, _ in CARD_METRICS:
        rows = []
        for i, e in enumerate(entries):
            node = aggs[i][".".join(path)]
            row = {"mean": node["mean"], "ci95": node["ci95"], "diff": None, "diff_ci95": [None, None]}
            if diffs[i] is not None:
                d = diffs[i][".".join(path)]
                row["diff"], row["diff_ci95"] = d["mean"], d["ci95"]
            rows.append(row)
        out[card] = rows
    return out


def format_value(kind: str, x, lang: str, diff: bool = False) -> str:
    if kind == "pct":
        return i18n.pts(x, lang) if diff else i18n.pct(x, lang)
    if kind == "eur":
        return i18n.euros(x, lang, sign=diff)
    if kind == "hours":
        return f"{i18n.num(x, lang, 0, sign=diff)}{i18n.NBSP}h"
    return i18n.num(x, lang, 3, sign=diff)


def format_ci(kind: str, ci, lang: str, diff: bool = False) -> str:
    if not ci or ci[0] is None:
        return ""
    lo, hi = (format_value(kind, v, lang, diff) for v in ci)
    sep = " ; " if lang != "en" else ", "
    return f"[{lo}{sep}{hi}]"


# -- monthly series ---------------------------------------------------------------------

def monthly_rate(result: RunResult) -> np.ndarray:
    """Non-take-up rate per replication and month, all benefits: shape (R, months)."""
    rows = []
    for rep in result.replications:
        s = rep.series
        non = sum(s[c] for c in CAUSE_SERIES).sum(axis=1)
        elig = s["n_eligible"].sum(axis=1)
        rows.append(np.divide(non, elig, out=np.full_like(non, np.nan), where=elig > 0))
    return np.array(rows)


def band(values: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Mean and 95 % t-interval per column (over replications)."""
    mean, lo, hi = [], [], []
    for col in values.T:
        m, ci = t_interval(col)
        mean.append(m)
        lo.append(ci[0] if ci[0] is not None else m)
        hi.append(ci[1] if ci[1] is not None else m)
    return np.array(mean), np.array(lo), np.array(hi)


def fig_timeseries(entries: list[Entry], lang: str) -> go.Figure:
    fig = go.Figure()
    for e in entries:
        mean, lo, hi = band(monthly_rate(e.result))
        x = np.arange(len(mean))
        fig.add_trace(go.Scatter(x=np.r_[x, x[::-1]], y=np.r_[hi, lo[::-1]], fill="toself",
                                 fillcolor=rgba(e.colour, 0.18), line=dict(width=0),
                                 hoverinfo="skip", showlegend=False, legendgroup=e.key))
        fig.add_trace(go.Scatter(x=x, y=mean, name=e.label, legendgroup=e.key, mode="lines",
                                 line=dict(color=e.colour, width=3),
                                 hovertemplate="%{y:.1%}<extra>" + e.label + "</extra>"))
    report_start = entries[0].result.scenario.data["months"] - entries[0].result.scenario.data["report_months"]
    fig.add_vrect(x0=report_start, x1=len(mean) - 1, fillcolor="#F3F4F6", line_width=0, layer="below",
                  annotation_text=t("fig.report_window", lang), annotation_position="bottom right",
                  annotation_font=dict(size=13, color="#6B7280"))
    fig.update_xaxes(title_text=t("axis.month", lang))
    fig.update_yaxes(title_text=t("axis.rate", lang), tickformat=".0%", rangemode="tozero")
    return base_layout(fig, lang, height=HEIGHTS["ts"], margin=dict(l=70, r=24, t=60, b=60))


def fig_causes(entries: list[Entry], lang: str) -> go.Figure:
    fig = go.Figure()
    labels = [e.label for e in entries]
    for c, colour in zip(("non_knowledge", "non_proposition", "non_demand", "non_reception"), CAUSE_COLOURS):
        ys = [e.summary["non_take_up_by_cause"][c]["mean"] or 0.0 for e in entries]
        fig.add_trace(go.Bar(x=labels, y=ys, name=t(f"cause.{c}", lang), marker_color=colour,
                             text=[i18n.pct(y, lang) if y >= 0.015 else "" for y in ys],
                             textposition="inside", insidetextanchor="middle",
                             hovertemplate="%{y:.1%}<extra>" + t(f"cause.{c}", lang) + "</extra>"))
    fig.update_layout(barmode="stack", bargap=0.35)
    fig.update_yaxes(title_text=t("axis.rate", lang), tickformat=".0%")
    # the scenario's colour before its name, as in every other figure
    fig.update_xaxes(tickvals=labels, ticktext=[f"<span style='color:{e.colour}'>■</span> {wrap(e.label)}"
                                                for e in entries])
    return base_layout(fig, lang, height=HEIGHTS["causes"], margin=dict(l=70, r=24, t=90, b=60))


def wrap(text: str, width: int = 22) -> str:
    """Break a long label into lines (plotly's ``<br>``) at spaces."""
    lines, line = [], ""
    for word in text.split(" "):
        if line and len(line) + 1 + len(word) > width:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}".strip()
    return "<br>".join(lines + [line])


def fig_groups(entries: list[Entry], lang: str) -> go.Figure:
    groups = list(GROUP_LABELS)
    ncol = (len(groups) + 1) // 2
    fig = make_subplots(rows=2, cols=ncol, subplot_titles=[t(f"group.{g}", lang) for g in groups],
                        shared_yaxes=True, horizontal_spacing=0.04, vertical_spacing=0.2)
    traces, rows, cols = [], [], []  # added in one batch: much faster than one add_trace each
    for gi, g in enumerate(groups):
        cats = [i18n.label(g, lab, lang) for lab in GROUP_LABELS[g]]
        for e in entries:
            node = e.summary["by_group"][g]
            ys = [node[lab]["non_take_up_rate"]["mean"] for lab in GROUP_LABELS[g]]
            cis = [node[lab]["non_take_up_rate"]["ci95"] for lab in GROUP_LABELS[g]]
            has_ci = all(ci[0] is not None for ci in cis)
            err = dict(type="data", symmetric=False, thickness=1.5, width=3, color="#374151",
                       array=[ci[1] - y for ci, y in zip(cis, ys)],
                       arrayminus=[y - ci[0] for ci, y in zip(cis, ys)]) if has_ci else None
            traces.append(go.Bar(x=cats, y=ys, name=e.label, marker_color=e.colour, error_y=err,
                                 legendgroup=e.key, showlegend=gi == 0,
                                 hovertemplate="%{x}: %{y:.1%}<extra>" + e.label + "</extra>"))
            rows.append(gi // ncol + 1)
            cols.append(gi % ncol + 1)
    fig.add_traces(traces, rows=rows, cols=cols)
    fig.update_layout(barmode="group", bargap=0.25, bargroupgap=0.05)
    fig.update_yaxes(tickformat=".0%", rangemode="tozero")
    fig.update_yaxes(title_text=t("axis.rate", lang), row=1, col=1)
    fig.update_yaxes(title_text=t("axis.rate", lang), row=2, col=1)
    base_layout(fig, lang, height=HEIGHTS["groups"], margin=dict(l=70, r=20, t=95, b=40))
    fig.update_annotations(font_size=16)
    fig.update_xaxes(tickfont=dict(size=13))
    return fig


SERVICES = ("social_services", "associations", "relatives")
SERVICE_SERIES = {"social_services": "hours_social_services", "associations": "hours_associations",
                  "relatives": "hours_relatives"}


def fig_workload(entries: list[Entry], lang: str) -> go.Figure:
    fig = make_subplots(rows=1, cols=3, subplot_titles=[t(f"service.{s}", lang) for s in SERVICES],
                        shared_yaxes=True, horizontal_spacing=0.04)
    traces, cols = [], []
    for si, svc in enumerate(SERVICES):
        for e in entries:
            vals = np.array([r.series[SERVICE_SERIES[svc]] for r in e.result.replications])
            mean, lo, hi = band(vals)
            x = np.arange(len(mean))
            if len(vals) > 1:
                traces.append(go.Scatter(x=np.r_[x, x[::-1]], y=np.r_[hi, lo[::-1]], fill="toself",
                                         fillcolor=rgba(e.colour, 0.15), line=dict(width=0),
                                         hoverinfo="skip", showlegend=False))
                cols.append(si + 1)
            traces.append(go.Scatter(x=x, y=mean, name=e.label, legendgroup=e.key, showlegend=si == 0,
                                     mode="lines", line=dict(color=e.colour, width=3),
                                     hovertemplate="%{y:,.0f} h<extra>" + e.label + "</extra>"))
            cols.append(si + 1)
    fig.add_traces(traces, rows=[1] * len(traces), cols=cols)
    fig.update_xaxes(title_text=t("axis.month", lang))
    fig.update_yaxes(title_text=t("axis.hours", lang), rangemode="tozero", row=1, col=1)
    base_layout(fig, lang, height=HEIGHTS["workload"], margin=dict(l=70, r=20, t=95, b=60))
    fig.update_annotations(font_size=16)
    return fig


# -- claim routes (Sankey) -----------------------------------------------------------------

ONLINE = {Channel.online_alone: "alone", Channel.online_relative: "relatives",
          Channel.social_services: "social_services", Channel.association: "association"}


def route_table(result: RunResult, benefit: str | None) -> np.ndarray:
    """Mean over replications of the last month's routes: (7 channels incl. none, 5 outcomes)."""
    tables = np.array([r.routes for r in result.replications])  # (R, nb, 7, 5)
    if benefit and benefit in result.scenario.benefits:
        tables = tables[:, result.scenario.benefits.index(benefit)]
    else:
        tables = tables.sum(axis=1)
    return tables.mean(axis=0)


def route_flows(routes: np.ndarray) -> list[tuple[tuple[int, str], tuple[int, str], float]]:
    """Links of the route diagram as ``((column, node), (column, node), households)``.

    Columns: 0 eligible households, 1 channel tried (none, online, counter,
    phone), 2 who helped an online claim, 3 outcome.  Counter, phone and "no
    attempt" go straight to the outcome.
    """
    flows: dict[tuple, float] = {}

    def add(a, b, v):
        if v > 0:
            flows[(a, b)] = flows.get((a, b), 0.0) + float(v)

    for ci in range(routes.shape[0]):
        row = routes[ci]
        ch = Channel(ci - 1) if ci > 0 else None
        first = (1, "none" if ch is None else "online" if ch in ONLINE else ch.name)
        add((0, "eligible"), first, row.sum())
        last = first
        if ch in ONLINE:
            last = (2, ONLINE[ch])
            add(first, last, row.sum())
        for oi, o in enumerate(ROUTE_OUTCOMES):
            add(last, (3, o), row[oi])
    return [(a, b, v) for (a, b), v in flows.items()]


NODE_ORDER = {0: ["eligible"], 1: ["online", "counter", "phone", "none"],
              2: list(ONLINE.values()), 3: list(ROUTE_OUTCOMES)}
NODE_X = {0: 0.001, 1: 0.25, 2: 0.55, 3: 0.999}


def fig_sankey(entry: Entry, benefit: str | None, lang: str) -> go.Figure:
    links = route_flows(route_table(entry.result, benefit))
    size: dict[tuple, float] = {}
    for a, b, v in links:
        size[b] = size.get(b, 0.0) + v
        if a[0] == 0:
            size[a] = size.get(a, 0.0) + v
    nodes = [(col, name) for col, names in NODE_ORDER.items() for name in names if size.get((col, name), 0) > 0]
    index = {n: i for i, n in enumerate(nodes)}
    label_key = {0: "sankey.eligible", 1: "sankey.{}", 2: "help.{}", 3: "outcome.{}"}
    text = {"none": "sankey.no_attempt", "online": "sankey.online", "counter": "sankey.counter",
            "phone": "sankey.phone"}
    labels, colours, xs, ys = [], [], [], []
    for col in NODE_ORDER:  # nodes are listed column by column, so positions follow node order
        column = [n for n in nodes if n[0] == col]
        total = sum(size[n] for n in column) or 1.0
        # each node's slot: its share of the column, but never less than one label's height
        slots = [max(size[n] / total, 0.09) for n in column]
        y = 0.0
        for n, slot in zip(column, slots):
            slot /= sum(slots)
            xs.append(NODE_X[col])
            ys.append(min(max(y + slot / 2, 0.001), 0.999))
            y += slot
            key = text[n[1]] if col == 1 else label_key[col].format(n[1])
            labels.append(t(key, lang))
            colours.append(entry.colour if col == 0 else OUTCOME_COLOURS[n[1]] if col == 3 else "#6B7280")
    link_colours = [rgba(OUTCOME_COLOURS[b[1]], 0.45) if b[0] == 3 else
                    rgba(entry.colour, 0.3) if a[0] == 0 else "rgba(156,163,175,0.35)" for a, b, _ in links]
    hover = "%{value:,.0f} " + t("unit.households", lang) + "<extra></extra>"
    fig = go.Figure(go.Sankey(
        arrangement="fixed", valueformat=",.0f",
        node=dict(label=labels, color=colours, x=xs, y=ys, pad=14, thickness=20, line=dict(width=0),
                  hovertemplate="%{label}: " + hover),
        link=dict(source=[index[a] for a, _, _ in links], target=[index[b] for _, b, _ in links],
                  value=[v for _, _, v in links], color=link_colours, hovertemplate=hover)))
    base_layout(fig, lang, height=HEIGHTS["sankey"], legend_top=False, margin=dict(l=10, r=10, t=20, b=20))
    fig.update_traces(textfont=dict(size=15, color="#111827"), selector=dict(type="sankey"))
    return fig


# -- inequality ----------------------------------------------------------------------------

def concentration_points(result: RunResult) -> tuple[np.ndarray, np.ndarray]:
    """Concentration curve by income quintile (poorest first), pooled over replications."""
    counts = sum(r.groups["counts"]["income_quintile"] for r in result.replications)  # (2, nb, 5)
    elig, non = counts[0].sum(axis=0), counts[1].sum(axis=0)
    x = np.r_[0.0, np.cumsum(elig) / max(elig.sum(), 1)]
    y = np.r_[0.0, np.cumsum(non) / max(non.sum(), 1)]
    return x, y


def fig_concentration(entries: list[Entry], lang: str) -> go.Figure:
    fig = go.Figure()
    fig.add_trace(go.Scatter(x=[0, 1], y=[0, 1], mode="lines", name=t("axis.equality", lang),
                             line=dict(color="#9CA3AF", dash="dash", width=2), hoverinfo="skip"))
    for e in entries:
        x, y = concentration_points(e.result)
        fig.add_trace(go.Scatter(x=x, y=y, name=e.label, mode="lines+markers",
                                 line=dict(color=e.colour, width=3), marker=dict(size=8),
                                 hovertemplate="%{x:.0%} → %{y:.0%}<extra>" + e.label + "</extra>"))
    fig.update_xaxes(title_text=t("axis.cum_eligible", lang), tickformat=".0%", range=[0, 1])
    fig.update_yaxes(title_text=t("axis.cum_ntu", lang), tickformat=".0%", range=[0, 1])
    return base_layout(fig, lang, height=HEIGHTS["concentration"], margin=dict(l=80, r=24, t=90, b=80))


def finite(x) -> bool:
    return x is not None and not (isinstance(x, float) and math.isnan(x))
