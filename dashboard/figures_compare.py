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
from sim.summary import aggregate, t_interval

from . import i18n
from .i18n import t
from .stats import paired
from .theme import CAUSE_COLOURS, OUTCOME_COLOURS, base_layout, rgba

# figure heights in pixels (the page's graph boxes use the same)
HEIGHTS = {"ts": 400, "causes": 420, "groups": 1040, "workload": 400, "sankey": 480, "concentration": 420}


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


CARD_KEYS = {"non_take_up": "non_take_up_rate", "unclaimed": "unclaimed_euros_per_month",
             "delegated": "delegated_hours_per_month.social_services", "concentration": "concentration_index"}


def headline(entries: list[Entry]) -> dict:
    """``{card: [{"mean", "ci95", "diff", "diff_ci95", "verdict"} per entry]}``; diff is
    B − reference, paired by replication (:func:`dashboard.stats.paired`); the verdict says
    whether its interval tells it from chance (``noise``, ``up``, ``down``, ``same``)."""
    paths = [path for _, path, _ in CARD_METRICS]
    # only the card metrics: aggregating whole summaries (hundreds of leaves) is slow
    reps = [[{".".join(p): _get(_with_total(r.summary), p) for p in paths} for r in e.result.replications]
            for e in entries]
    aggs = [aggregate(r) for r in reps]
    out: dict = {}
    for card, path, _ in CARD_METRICS:
        k = ".".join(path)
        rows = []
        for i, e in enumerate(entries):
            node = aggs[i][k]
            row = {"mean": node["mean"], "ci95": node["ci95"], "diff": None, "diff_ci95": [None, None],
                   "verdict": "reference" if i == 0 else "one"}
            if i > 0 and len(reps[i]) == len(reps[0]):
                p = paired([r[k] for r in reps[0]], [r[k] for r in reps[i]], CARD_KEYS[card])
                row["diff"], row["verdict"] = p.mean, p.verdict
                row["diff_ci95"] = list(p.ci) if p.ci else [None, None]
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


def _span(values: list[np.ndarray], pad: float = 0.15, least: float = 0.01) -> list[float]:
    """A y range that fits ``values`` (NaN ignored) with some room: the gap stays visible."""
    v = np.concatenate([np.ravel(x) for x in values]) if values else np.array([0.0])
    v = v[np.isfinite(v)]
    lo, hi = (float(v.min()), float(v.max())) if len(v) else (0.0, 1.0)
    span = max(hi - lo, least)
    mid = (hi + lo) / 2
    lo, hi = min(lo, mid - span / 2), max(hi, mid + span / 2)
    return [lo - pad * span, hi + pad * span]


def _report_window(fig: go.Figure, entries: list[Entry], months: int, lang: str) -> None:
    sc = entries[0].result.scenario.data
    fig.add_vrect(x0=sc["months"] - sc["report_months"], x1=months - 1, fillcolor="#F3F4F6", line_width=0,
                  layer="below", annotation_text=t("fig.report_window", lang), annotation_position="top left",
                  annotation_font=dict(size=13, color="#6B7280"))


def fig_timeseries(entries: list[Entry], lang: str) -> go.Figure:
    """Non-take-up rate month by month, each scenario with its 95 % band; the y axis fits
    the curves (not 0–100 %), so that a gap of a point or two shows."""
    fig = go.Figure()
    seen = []
    for e in entries:
        mean, lo, hi = band(monthly_rate(e.result))
        seen += [lo, hi]
        x = np.arange(len(mean))
        fig.add_trace(go.Scatter(x=np.r_[x, x[::-1]], y=np.r_[hi, lo[::-1]], fill="toself",
                                 fillcolor=rgba(e.colour, 0.18), line=dict(width=0),
                                 hoverinfo="skip", showlegend=False, legendgroup=e.key))
        fig.add_trace(go.Scatter(x=x, y=mean, name=e.label, legendgroup=e.key, mode="lines",
                                 line=dict(color=e.colour, width=3),
                                 hovertemplate="%{y:.1%}<extra>" + e.label + "</extra>"))
    _report_window(fig, entries, len(mean), lang)
    fig.update_xaxes(title_text=t("axis.month", lang))
    fig.update_yaxes(title_text=t("axis.rate", lang), tickformat=".0%", range=_span(seen, least=0.02))
    return base_layout(fig, lang, height=HEIGHTS["ts"], margin=dict(l=70, r=24, t=60, b=60))


def difference_band(ref: RunResult, other: RunResult) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Month by month, the paired difference of the non-take-up rate (other − reference) over
    replications: mean and 95 % t-interval, in rate units (0.01 = one point)."""
    a, b = monthly_rate(ref), monthly_rate(other)
    n = min(len(a), len(b))
    return band(b[:n] - a[:n])


def fig_difference(entries: list[Entry], lang: str) -> go.Figure:
    """The gap with the reference month by month, with its paired 95 % band; zero marked."""
    fig = go.Figure()
    seen = [np.array([0.0])]
    months = 0
    for e in entries[1:]:
        mean, lo, hi = difference_band(entries[0].result, e.result)
        seen += [lo, hi]
        x = np.arange(len(mean))
        months = len(mean)
        if len(e.result.replications) > 1:
            fig.add_trace(go.Scatter(x=np.r_[x, x[::-1]], y=np.r_[hi, lo[::-1]], fill="toself",
                                     fillcolor=rgba(e.colour, 0.2), line=dict(width=0),
                                     hoverinfo="skip", showlegend=False, legendgroup=e.key))
        fig.add_trace(go.Scatter(x=x, y=mean, name=e.label, legendgroup=e.key,
                                 mode="lines", line=dict(color=e.colour, width=3),
                                 customdata=np.c_[lo, hi] * 100,
                                 hovertemplate=("%{y:+.2%} [%{customdata[0]:+.2f} ; %{customdata[1]:+.2f}]"
                                                "<extra>" + e.label + "</extra>")))
    fig.add_hline(y=0, line=dict(color="#374151", width=1.5, dash="dot"))
    if months:
        _report_window(fig, entries, months, lang)
    fig.update_xaxes(title_text=t("axis.month", lang))
    fig.update_yaxes(title_text=t("axis.diff_points", lang), tickformat="+.1%", range=_span(seen, least=0.01),
                     zeroline=False)
    return base_layout(fig, lang, height=HEIGHTS["ts"], margin=dict(l=80, r=24, t=60, b=60))


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
    # the scenario's colour before its name, as in every other figure; names wrapped, never rotated
    width = max(10, 44 // max(len(entries), 1))
    fig.update_xaxes(tickvals=labels, tickangle=0, tickfont=dict(size=13),
                     ticktext=[f"<span style='color:{e.colour}'>■</span> {wrap(e.label, width)}" for e in entries])
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
    """Non-take-up by group, one panel per grouping (two columns), labels written flat."""
    groups = list(GROUP_LABELS)
    ncol = 2
    nrow = (len(groups) + ncol - 1) // ncol
    fig = make_subplots(rows=nrow, cols=ncol, subplot_titles=[t(f"group.{g}", lang) for g in groups],
                        shared_yaxes=True, horizontal_spacing=0.06, vertical_spacing=0.16)
    traces, rows, cols = [], [], []  # added in one batch: much faster than one add_trace each
    for gi, g in enumerate(groups):
        cats = [wrap(i18n.label(g, lab, lang), 14) for lab in GROUP_LABELS[g]]
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
    for r in range(1, nrow + 1):
        fig.update_yaxes(title_text=t("axis.rate", lang), row=r, col=1)
    base_layout(fig, lang, height=HEIGHTS["groups"], margin=dict(l=70, r=20, t=95, b=40))
    fig.update_annotations(font_size=16)
    fig.update_xaxes(tickfont=dict(size=12), tickangle=0)
    return fig


SERVICES = ("social_services", "associations", "relatives")
SERVICE_SERIES = {"social_services": "hours_social_services", "associations": "hours_associations",
                  "relatives": "hours_relatives"}


def fig_workload(entries: list[Entry], lang: str) -> go.Figure:
    """Hours of digital help per month by who gives it (one panel each, full width)."""
    fig = make_subplots(rows=1, cols=3, subplot_titles=[t(f"service.{s}", lang) for s in SERVICES],
                        shared_yaxes=False, horizontal_spacing=0.07)
    traces, cols = [], []
    for si, svc in enumerate(SERVICES):
        for e in entries:
            vals = np.array([r.series[SERVICE_SERIES[svc]] for r in e.result.replications])
            mean, lo, hi = band(vals)
            lo = np.maximum(lo, 0.0)  # hours are never negative: the interval is clipped at 0
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
    fig.update_yaxes(rangemode="tozero")
    fig.update_yaxes(title_text=t("axis.hours", lang), row=1, col=1)
    base_layout(fig, lang, height=HEIGHTS["workload"], margin=dict(l=70, r=20, t=95, b=60))
    fig.update_annotations(font_size=16)
    return fig


# -- claim routes (Sankey) -----------------------------------------------------------------

def route_table(result: RunResult, benefit: str | None) -> np.ndarray:
    """Mean over replications of the last month's routes: (7 channels incl. none, 5 outcomes)."""
    tables = np.array([r.routes for r in result.replications])  # (R, nb, 7, 5)
    if benefit and benefit in result.scenario.benefits:
        tables = tables[:, result.scenario.benefits.index(benefit)]
    else:
        tables = tables.sum(axis=1)
    return tables.mean(axis=0)


ROUTE_NODES = ("none", *(c.name for c in Channel))  # column 0 of the diagram, in order


def route_flows(routes: np.ndarray) -> list[tuple[str, str, float]]:
    """Links of the route diagram as ``(route, outcome, households)``: the route an eligible
    household last tried (``none``: no claim in the simulated months) and where it stands."""
    flows = []
    for ci in range(routes.shape[0]):
        for oi, o in enumerate(ROUTE_OUTCOMES):
            if routes[ci, oi] > 0:
                flows.append((ROUTE_NODES[ci], o, float(routes[ci, oi])))
    return flows


def flow_note(route: str, outcome: str, lang: str) -> str:
    """What a flow means, in one line (the hover of each link, and the legend below)."""
    if route == "none":
        return t(f"sankey.why_none.{outcome}", lang)
    return t("sankey.why_route", lang, route=t(f"channel.{route}", lang),
             outcome=t(f"outcome_long.{outcome}", lang))


def _cap(text: str) -> str:
    return text[:1].upper() + text[1:]


def fig_sankey(entry: Entry, benefit: str | None, lang: str, height: int | None = None) -> go.Figure:
    """Where the eligible households stand at the last month, by the route they last tried:
    one diagram per scenario (the page draws them side by side), every link explained in
    its hover text."""
    links = route_flows(route_table(entry.result, benefit))
    size: dict[tuple, float] = {}
    for a, b, v in links:
        size[(0, a)] = size.get((0, a), 0.0) + v
        size[(1, b)] = size.get((1, b), 0.0) + v
    total = sum(v for _, _, v in links) or 1.0
    nodes = [(0, r) for r in ROUTE_NODES if size.get((0, r), 0) > 0] + \
            [(1, o) for o in ROUTE_OUTCOMES if size.get((1, o), 0) > 0]
    index = {n: i for i, n in enumerate(nodes)}
    labels, colours, xs, ys = [], [], [], []
    for col in (0, 1):
        column = [n for n in nodes if n[0] == col]
        # each node's slot: its share of the column, but never less than one label's height
        slots = [max(size[n] / total, 0.07) for n in column]
        y = 0.0
        for n, slot in zip(column, slots):
            slot /= sum(slots)
            xs.append(0.001 if col == 0 else 0.999)
            ys.append(min(max(y + slot / 2, 0.001), 0.999))
            y += slot
            name = t("sankey.no_attempt", lang) if n[1] == "none" else (
                _cap(t(f"channel.{n[1]}", lang)) if col == 0 else t(f"outcome.{n[1]}", lang))
            labels.append(f"{name} {i18n.pct(size[n] / total, lang, 0)}")
            colours.append("#9CA3AF" if col == 0 and n[1] == "none" else
                           entry.colour if col == 0 else OUTCOME_COLOURS[n[1]])
    unit = t("unit.households", lang)
    notes = [flow_note(a, b, lang) for a, b, _ in links]
    fig = go.Figure(go.Sankey(
        arrangement="fixed", valueformat=",.0f",
        node=dict(label=labels, color=colours, x=xs, y=ys, pad=10, thickness=18, line=dict(width=0),
                  hovertemplate="%{label}: %{value:,.0f} " + unit + "<extra></extra>"),
        link=dict(source=[index[(0, a)] for a, _, _ in links], target=[index[(1, b)] for _, b, _ in links],
                  value=[v for _, _, v in links], customdata=notes,
                  color=[rgba(OUTCOME_COLOURS[b], 0.45) for _, b, _ in links],
                  hovertemplate="%{customdata}<br>%{value:,.0f} " + unit + "<extra></extra>")))
    base_layout(fig, lang, height=height or HEIGHTS["sankey"], legend_top=False,
                margin=dict(l=10, r=10, t=10, b=10))
    fig.update_traces(textfont=dict(size=14, color="#111827"), selector=dict(type="sankey"))
    return fig


def sankey_legend(lang: str) -> list[tuple[str, str]]:
    """Every kind of flow the diagrams draw and what it means: ``(name, meaning)``."""
    out = [(t("sankey.no_attempt", lang), t("sankey.legend_none", lang))]
    out += [(t(f"outcome.{o}", lang), t(f"sankey.legend.{o}", lang)) for o in ROUTE_OUTCOMES]
    return out


# -- inequality ----------------------------------------------------------------------------

def concentration_points(result: RunResult) -> tuple[np.ndarray, np.ndarray]:
    """Concentration curve by income quintile (poorest first), pooled over replications."""
    counts = sum(r.groups["counts"]["income_quintile"] for r in result.replications)  # (2, nb, 5)
    elig, non = counts[0].sum(axis=0), counts[1].sum(axis=0)
    x = np.r_[0.0, np.cumsum(elig) / max(elig.sum(), 1)]
    y = np.r_[0.0, np.cumsum(non) / max(non.sum(), 1)]
    return x, y


def fig_concentration(entries: list[Entry], lang: str) -> go.Figure:
    """How far non-take-up is concentrated among the poorest: by income quintile, the
    cumulative share of non-take-up minus the cumulative share of eligible households
    (0 everywhere: an even spread; above 0: concentrated among the poorest).  Drawn as a gap
    from equality, not as the raw curve, so that scenarios a point apart do not lie on top
    of each other."""
    fig = go.Figure()
    seen = [np.array([0.0])]
    for e in entries:
        x, y = concentration_points(e.result)
        gap = y - x
        seen.append(gap)
        fig.add_trace(go.Scatter(x=x, y=gap, name=e.label, mode="lines+markers",
                                 line=dict(color=e.colour, width=3), marker=dict(size=8),
                                 customdata=np.c_[y],
                                 hovertemplate=("%{x:.0%} → %{customdata[0]:.1%} (%{y:+.1%})<extra>"
                                                + e.label + "</extra>")))
    fig.add_hline(y=0, line=dict(color="#9CA3AF", width=2, dash="dash"),
                  annotation_text=t("axis.equality", lang), annotation_position="bottom right",
                  annotation_font=dict(size=13, color="#6B7280"))
    fig.update_xaxes(title_text=wrap(t("axis.cum_eligible", lang), 48), tickformat=".0%", range=[-0.02, 1.02])
    fig.update_yaxes(title_text=t("axis.concentration_gap", lang), tickformat="+.0%",
                     range=_span(seen, least=0.02))
    return base_layout(fig, lang, height=HEIGHTS["concentration"], margin=dict(l=80, r=24, t=60, b=80))


def finite(x) -> bool:
    return x is not None and not (isinstance(x, float) and math.isnan(x))
