"""Plotly figures of a results directory (comparison or sweep), for the HTML report.

Every function takes pandas tables from :func:`sim.experiments.store.load_results`
and returns a ``plotly.graph_objects.Figure`` (or ``None`` when the data it
needs was not kept).  Rates are shown in %, money in EUR/month, time in hours/month.
Titles, legends and number separators follow ``lang`` (:mod:`sim.present`).
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots
from scipy import stats

from ..categories import GROUP_LABELS
from ..present import interval, is_rate, label, metric_label, plotly_separators
from ..texts import text

CAUSES = ("non_knowledge", "non_proposition", "non_demand", "non_reception")
ACTORS = ("social_services", "associations", "relatives")
GROUPS = tuple(GROUP_LABELS)


def cause_label(cause: str, lang: str) -> str:
    return metric_label(f"non_take_up_by_cause.{cause}", lang)


def actor_label(actor: str, lang: str) -> str:
    return label("service", actor, lang)
COLORS = ("#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b", "#e377c2",
          "#17becf", "#7f7f7f", "#bcbd22")
LAYOUT = dict(template="plotly_white", margin=dict(l=60, r=20, t=60, b=50),
              legend=dict(orientation="h", y=-0.18), font=dict(size=12))


def _rgba(hex_color: str, alpha: float) -> str:
    h = hex_color.lstrip("#")
    return f"rgba({int(h[0:2], 16)},{int(h[2:4], 16)},{int(h[4:6], 16)},{alpha})"


def _fig(title: str, lang: str = "en", **kw) -> go.Figure:
    fig = go.Figure()
    fig.update_layout(title=title, separators=plotly_separators(lang), **LAYOUT, **kw)
    return fig


def wide(aggregate: pd.DataFrame, field: str = "mean") -> pd.DataFrame:
    """(point x metric) table of one aggregate field."""
    return aggregate.pivot(index="point", columns="metric", values=field).sort_index()


def _err(agg_mean, agg_lo, agg_hi, metric, points, scale=1.0):
    m = agg_mean.loc[points, metric].to_numpy() * scale
    lo = agg_lo.loc[points, metric].to_numpy() * scale
    hi = agg_hi.loc[points, metric].to_numpy() * scale
    return m, np.nan_to_num(hi - m), np.nan_to_num(m - lo)


def monthly_band(ts: pd.DataFrame, column: str) -> pd.DataFrame:
    """Per (point, month): mean over replications and its 95 % t-interval."""
    g = ts.groupby(["point", "month"])[column]
    out = g.agg(["mean", "std", "count"]).reset_index()
    t = stats.t.ppf(0.975, np.maximum(out["count"] - 1, 1))
    half = np.where(out["count"] > 1, t * out["std"] / np.sqrt(out["count"]), 0.0)
    out["lo"], out["hi"] = out["mean"] - half, out["mean"] + half
    return out


# -- shared by comparisons and sweeps ---------------------------------------

def timeseries_bands(ts: pd.DataFrame | None, labels: dict[int, str], column="non_take_up_rate",
                     title: str | None = None, report_start: int | None = None,
                     lang: str = "en") -> go.Figure | None:
    if ts is None or column not in ts.columns:
        return None
    band = monthly_band(ts, column)
    fig = _fig(title or text("fig.ts", lang), lang, yaxis_title="%",
               xaxis_title=text("fig.month", lang), hovermode="x unified")
    for i, (point, name) in enumerate(labels.items()):
        b = band[band["point"] == point]
        if b.empty:
            continue
        c = COLORS[i % len(COLORS)]
        x = b["month"].tolist()
        fig.add_trace(go.Scatter(x=x + x[::-1], y=(100 * b["hi"]).tolist() + (100 * b["lo"]).tolist()[::-1],
                                 fill="toself", fillcolor=_rgba(c, 0.18), line=dict(width=0),
                                 hoverinfo="skip", showlegend=False,
                                 name=f"{name} {text('fig.ci', lang)}"))
        fig.add_trace(go.Scatter(x=x, y=100 * b["mean"], mode="lines", name=name,
                                 line=dict(color=c, width=2)))
    if report_start is not None:
        fig.add_vline(x=report_start, line_dash="dot", line_color="grey",
                      annotation_text=text("fig.window", lang), annotation_position="top right")
    return fig


# -- comparisons --------------------------------------------------------------

def key_metrics(mean, lo, hi, labels: dict[int, str], lang: str = "en") -> go.Figure:
    keys = ["non_take_up_rate", "persistent_non_take_up_rate",
            *[f"non_take_up_by_cause.{c}" for c in CAUSES]]
    metrics = [(m, metric_label(m, lang)) for m in keys if m in mean.columns]
    fig = _fig(text("fig.key_rates", lang), lang, yaxis_title="%", barmode="group")
    for i, (point, name) in enumerate(labels.items()):
        y, up, down = zip(*[(_err(mean, lo, hi, m, [point], 100)) for m, _ in metrics]) if metrics else ((), (), ())
        fig.add_trace(go.Bar(x=[lab for _, lab in metrics], y=[v[0] for v in y], name=name,
                             marker_color=COLORS[i % len(COLORS)],
                             error_y=dict(type="data", array=[v[0] for v in up],
                                          arrayminus=[v[0] for v in down])))
    return fig


def causes_stack(mean, labels: dict[int, str], lang: str = "en") -> go.Figure | None:
    cols = [f"non_take_up_by_cause.{c}" for c in CAUSES]
    if not all(c in mean.columns for c in cols):
        return None
    fig = _fig(text("fig.causes", lang), lang, barmode="stack",
               yaxis_title=text("fig.causes_axis", lang))
    names = list(labels.values())
    for j, c in enumerate(CAUSES):
        fig.add_trace(go.Bar(x=names, y=[100 * mean.loc[p, cols[j]] for p in labels],
                             name=cause_label(c, lang),
                             marker_color=COLORS[j]))
    return fig


def groups_panel(mean, lo, hi, labels: dict[int, str], lang: str = "en") -> go.Figure | None:
    shown = [g for g in GROUPS if any(c.startswith(f"by_group.{g}.") for c in mean.columns)]
    if not shown:
        return None
    ncol = 3
    nrow = math.ceil(len(shown) / ncol)
    fig = make_subplots(rows=nrow, cols=ncol, subplot_titles=[label("group", g, lang) for g in shown],
                        vertical_spacing=0.18)
    for k, g in enumerate(shown):
        cats = [lab for lab in GROUP_LABELS[g] if f"by_group.{g}.{lab}.non_take_up_rate" in mean.columns]
        cols = [f"by_group.{g}.{lab}.non_take_up_rate" for lab in cats]
        for i, (point, name) in enumerate(labels.items()):
            y = [100 * mean.loc[point, c] for c in cols]
            up = [100 * (hi.loc[point, c] - mean.loc[point, c]) for c in cols]
            down = [100 * (mean.loc[point, c] - lo.loc[point, c]) for c in cols]
            fig.add_trace(go.Bar(x=[label(g, lab, lang) for lab in cats], y=y, name=name,
                                 legendgroup=name, showlegend=(k == 0),
                                 marker_color=COLORS[i % len(COLORS)],
                                 error_y=dict(type="data", array=np.nan_to_num(up),
                                              arrayminus=np.nan_to_num(down))),
                          row=k // ncol + 1, col=k % ncol + 1)
    fig.update_layout(title=text("fig.groups", lang), barmode="group", height=360 * nrow,
                      separators=plotly_separators(lang), **LAYOUT)
    return fig


def workload(mean, lo, hi, labels: dict[int, str], lang: str = "en") -> go.Figure | None:
    cols = [f"delegated_hours_per_month.{a}" for a in ACTORS]
    if not all(c in mean.columns for c in cols):
        return None
    fig = _fig(text("fig.workload", lang), lang, barmode="group",
               yaxis_title=text("fig.hours", lang))
    for i, (point, name) in enumerate(labels.items()):
        y, up, down = [], [], []
        for c in cols:
            m, u, d = _err(mean, lo, hi, c, [point])
            y.append(m[0])
            up.append(u[0])
            down.append(d[0])
        fig.add_trace(go.Bar(x=[actor_label(a, lang) for a in ACTORS], y=y, name=name,
                             marker_color=COLORS[i % len(COLORS)],
                             error_y=dict(type="data", array=up, arrayminus=down)))
    return fig


def differences_forest(diff: pd.DataFrame | None, lang: str = "en") -> go.Figure | None:
    """Paired vs unpaired 95 % CIs of B−A for the main rates (percentage points)."""
    if diff is None or diff.empty:
        return None
    keep = ["non_take_up_rate", "persistent_non_take_up_rate",
            *[f"non_take_up_by_cause.{c}" for c in CAUSES], "autonomy_share",
            "social_services_digital_share", "credentials_held",
            *[f"group_gaps.{g}.gap" for g in GROUPS]]
    d = diff[diff["metric"].isin(keep)].copy()
    if d.empty:
        return None
    d["order"] = d["metric"].map({m: i for i, m in enumerate(keep)})
    d = d.sort_values(["scenario", "order"])
    fig = _fig(text("fig.forest", lang), lang, xaxis_title=text("fig.pp", lang),
               height=max(380, 34 * len(d) + 120))
    ylab = [f"{metric_label(m, lang)} ({s})" if d["scenario"].nunique() > 1 else metric_label(m, lang)
            for m, s in zip(d["metric"], d["scenario"])]
    for name, lo_c, hi_c, color, off in ((text("fig.paired", lang), "paired_ci_low",
                                          "paired_ci_high", COLORS[0], -0.15),
                                         (text("fig.unpaired", lang), "unpaired_ci_low",
                                          "unpaired_ci_high", COLORS[1], 0.15)):
        x = 100 * d["difference"]
        fig.add_trace(go.Scatter(
            x=x, y=ylab, mode="markers", name=name, marker=dict(color=color, size=8),
            error_x=dict(type="data", array=np.nan_to_num(100 * (d[hi_c] - d["difference"])),
                         arrayminus=np.nan_to_num(100 * (d["difference"] - d[lo_c])))))
    fig.add_vline(x=0, line_color="grey")
    fig.update_yaxes(autorange="reversed")
    return fig


# -- who pays: the cost ledger ---------------------------------------------------

LEDGER_BEARERS = ("agency", "social_services", "associations", "relatives", "households",
                  "programmes")


def bearer_label(bearer: str, lang: str) -> str:
    return label("bearer", bearer, lang)


def nodes_from_aggregate(mean: pd.DataFrame, lo: pd.DataFrame, hi: pd.DataFrame,
                         point) -> dict[str, dict]:
    """One point's flat ``metric -> {"mean", "ci95"}`` from the wide aggregate tables."""
    return {m: {"mean": _none(mean.loc[point, m]), "ci95": [_none(lo.loc[point, m]),
                                                          _none(hi.loc[point, m])]}
            for m in mean.columns}


def nodes_from_differences(diff: pd.DataFrame | None, scenario: str) -> dict[str, dict]:
    """The paired differences of one scenario (``differences`` table) as flat nodes."""
    if diff is None:
        return {}
    d = diff[diff["scenario"] == scenario]
    return {r.metric: {"mean": _none(r.difference), "ci95": [_none(r.paired_ci_low),
                                                             _none(r.paired_ci_high)]}
            for r in d.itertuples()}


def _none(v):
    return None if v is None or (isinstance(v, float) and math.isnan(v)) else float(v)


def cost_waterfall(nodes: dict[str, dict], lang: str = "en", diff: bool = True,
                   title: str | None = None) -> go.Figure | None:
    """"Qui paie ?": each bearer's euros a year as a waterfall, then the total.

    ``nodes``: flat ``metric -> {"mean": x, "ci95": [lo, hi]}`` holding the
    ``cost_ledger.*`` keys — a paired difference B − A (``diff``: what each bearer saves,
    to the left, or pays, to the right) as :attr:`sim.experiments.compare.Comparison.paired`
    or :func:`nodes_from_differences` give, or one scenario's summary (``diff=False``: the
    bearers' shares of the total) as :func:`nodes_from_aggregate` gives.  Bearers are rows
    (their names read horizontally, top to bottom), values in M€ a year, 95 % intervals in
    the labels and the hover.  Unclaimed benefits, a transfer and not a cost, are said
    above the bars, not stacked.  ``title``: ``None`` for the default, ``""`` for none (a
    page that titles the figure itself).  ``None`` when the keys are missing.
    """
    keys = [f"cost_ledger.{b}.euros_per_year" for b in LEDGER_BEARERS]
    if not all(k in nodes for k in keys):
        return None
    scale = 1e-6

    def txt(key: str) -> str:
        n = nodes[key]
        return interval(key, n["mean"], n["ci95"][0], n["ci95"][1], lang, diff)

    names = [bearer_label(b, lang) for b in LEDGER_BEARERS]
    x = [scale * (nodes[k]["mean"] or 0.0) for k in keys]
    total_key = "cost_ledger.total.euros_per_year"
    if title is None:
        title = text("fig.waterfall_diff" if diff else "fig.waterfall", lang)
    fig = _fig(title, lang, xaxis_title=text("fig.meuros_year", lang), showlegend=False)
    fig.add_trace(go.Waterfall(
        orientation="h", y=[*names, text("fig.total", lang)], x=[*x, 0.0],
        measure=["relative"] * len(x) + ["total"],
        text=[txt(k) for k in keys] + [txt(total_key) if total_key in nodes else ""],
        textposition="auto", hoverinfo="y+text",
        increasing=dict(marker=dict(color=COLORS[1])), decreasing=dict(marker=dict(color=COLORS[2])),
        totals=dict(marker=dict(color=COLORS[0])), connector=dict(line=dict(color="#999", width=1))))
    fig.update_yaxes(autorange="reversed", automargin=True)
    ends = np.cumsum([0.0, *x])  # room on both sides for the labels outside the short bars
    lo, hi = min(ends.min(), 0.0), max(ends.max(), 0.0)
    pad = 0.4 * ((hi - lo) or 1.0)
    fig.update_xaxes(range=[lo - pad, hi + pad], automargin=True)
    un = "cost_ledger.benefits.unclaimed_euros_per_year"
    if un in nodes and nodes[un]["mean"] is not None:  # a transfer: said, not stacked
        sep = ": " if lang == "en" else " : "
        fig.add_annotation(text=f"{text('fig.unclaimed', lang)}{sep}{txt(un)}",
                           xref="paper", yref="paper", x=1.0, y=1.0, yanchor="bottom",
                           showarrow=False, xanchor="right", font=dict(color=COLORS[4], size=13))
    fig.add_vline(x=0, line_color="grey")
    return fig


def pareto_front(trials: pd.DataFrame | None, front: dict | None, objective: str,
                 lang: str = "en") -> go.Figure | None:
    """``sim optimise``: every mix tried, by yearly cost (x) and one ``objective`` (y) —
    infeasible ones (over budget) crossed — and the re-evaluated front with its paired 95 %
    intervals.  ``trials``: ``OUT/trials.parquet``; ``front``: ``OUT/front.json``
    (:func:`sim.experiments.optimise.load_front`)."""
    if trials is None or front is None or objective not in trials.columns:
        return None
    cost = "cost_ledger.public_funding.euros_per_year"
    scale = 100 if is_rate(objective) else (1e-6 if "per_year" in objective else 1.0)
    fig = _fig(text("fig.pareto", lang, metric=metric_label(objective, lang)), lang,
               xaxis_title=text("fig.cost_axis", lang), yaxis_title=metric_label(objective, lang))
    for ok, name, symbol, color in ((False, text("fig.infeasible", lang), "x", "#bbbbbb"),
                                    (True, text("fig.feasible", lang), "circle", COLORS[0])):
        t = trials[trials["feasible"] == ok]
        fig.add_trace(go.Scatter(x=1e-6 * t["cost_euros_per_year"], y=scale * t[objective],
                                 mode="markers", name=name,
                                 marker=dict(symbol=symbol, color=color, size=7, opacity=0.6)))
    mixes = front.get("front", [])
    if mixes:
        x = [1e-6 * m["metrics"][cost]["difference"] for m in mixes]
        y = [scale * m["metrics"][objective]["mix"] for m in mixes]
        lo = [scale * (m["metrics"][objective]["difference"] - (m["metrics"][objective]["ci95"][0] or 0))
              for m in mixes]
        hi = [scale * ((m["metrics"][objective]["ci95"][1] or 0) - m["metrics"][objective]["difference"])
              for m in mixes]
        fig.add_trace(go.Scatter(x=x, y=y, mode="markers+text", text=[m["mix"] for m in mixes],
                                 textposition="top center", name=text("fig.front", lang),
                                 marker=dict(color=COLORS[1], size=11),
                                 error_y=dict(type="data", array=hi, arrayminus=lo)))
    budget = front.get("budget_euros_per_year")
    if budget is not None:
        fig.add_vline(x=1e-6 * budget, line_dash="dot", line_color="grey",
                      annotation_text=text("fig.budget", lang), annotation_position="top left")
    return fig


# -- sweeps -------------------------------------------------------------------

def _level_key(series: pd.Series, bins: int = 6):
    """Levels of a factor: its values if few, else quantile bins (label: bin middle)."""
    if series.dtype.kind not in "if" or series.nunique() <= 12:
        return series
    q = pd.qcut(series, bins, duplicates="drop")
    return q.map(lambda iv: round(float(iv.mid), 6)).astype(float)


def effect_by_level(design: pd.DataFrame, mean: pd.DataFrame, factor: str, metrics: list[str]) -> pd.DataFrame:
    """Mean of ``metrics`` over points, by level (or bin) of ``factor``."""
    df = mean[metrics].join(design.set_index("point")[[factor]])
    df["_level"] = _level_key(df[factor])
    return df.groupby("_level", sort=True)[metrics].mean()


def main_effects(design, mean, lo, hi, factors: list[str], metric: str,
                 lang: str = "en") -> go.Figure | None:
    if metric not in mean.columns or not factors:
        return None
    factors = factors[:6]
    ncol = min(3, len(factors))
    nrow = math.ceil(len(factors) / ncol)
    fig = make_subplots(rows=nrow, cols=ncol, subplot_titles=factors, vertical_spacing=0.2)
    pct = is_rate(metric)
    s = 100 if pct else 1
    d = design.set_index("point")
    for k, f in enumerate(factors):
        r, c = k // ncol + 1, k % ncol + 1
        x = d.loc[mean.index, f]
        up = np.nan_to_num(s * (hi[metric] - mean[metric]))
        down = np.nan_to_num(s * (mean[metric] - lo[metric]))
        fig.add_trace(go.Scatter(x=x, y=s * mean[metric], mode="markers",
                                 name=text("fig.point_ci", lang),
                                 legendgroup="p", showlegend=(k == 0),
                                 marker=dict(color=_rgba(COLORS[0], 0.45), size=6),
                                 error_y=dict(type="data", array=up, arrayminus=down, thickness=1,
                                              color=_rgba(COLORS[0], 0.3))), row=r, col=c)
        eff = effect_by_level(design, mean, f, [metric])
        fig.add_trace(go.Scatter(x=eff.index, y=s * eff[metric], mode="lines+markers",
                                 name=text("fig.mean_level", lang), legendgroup="m",
                                 showlegend=(k == 0),
                                 line=dict(color=COLORS[1], width=3)), row=r, col=c)
    title = text("fig.main_effects", lang, metric=metric_label(metric, lang)) + (" (%)" if pct else "")
    fig.update_layout(title=title, height=340 * nrow, separators=plotly_separators(lang), **LAYOUT)
    return fig


def heatmap(design, mean, factors: list[str], metric: str, lang: str = "en") -> go.Figure | None:
    if len(factors) != 2 or metric not in mean.columns:
        return None
    df = mean[[metric]].join(design.set_index("point")[factors])
    grid = df.pivot_table(index=factors[0], columns=factors[1], values=metric, aggfunc="mean")
    fig = _fig(text("fig.heatmap", lang, metric=metric_label(metric, lang) + " (%)", a=factors[0],
                    b=factors[1]), lang, xaxis_title=factors[1], yaxis_title=factors[0])
    fig.add_trace(go.Heatmap(z=100 * grid.to_numpy(), x=[str(v) for v in grid.columns],
                             y=[str(v) for v in grid.index], colorscale="Viridis",
                             colorbar=dict(title="%"),
                             hovertemplate=(f"{factors[0]}=%{{y}}<br>{factors[1]}=%{{x}}<br>"
                                            "%{z:.2f} %<extra></extra>")))
    return fig


def by_factor_lines(design, mean, factor: str, columns: dict[str, str], title: str, yaxis: str,
                    scale: float = 1.0, stack: bool = False, lang: str = "en") -> go.Figure | None:
    cols = [c for c in columns if c in mean.columns]
    if not cols:
        return None
    eff = effect_by_level(design, mean, factor, cols)
    fig = _fig(title, lang, xaxis_title=factor, yaxis_title=yaxis)
    for j, c in enumerate(cols):
        fig.add_trace(go.Scatter(x=eff.index, y=scale * eff[c], mode="lines+markers", name=columns[c],
                                 stackgroup="one" if stack else None,
                                 line=dict(color=COLORS[j % len(COLORS)])))
    return fig


def sensitivity_bars(res: dict | None, lang: str = "en") -> list[go.Figure]:
    if not res:
        return []
    figs = []
    for metric, node in res["metrics"].items():
        rows = node["factors"]
        names = [r["name"] for r in rows]
        fig = _fig(text("fig.sensitivity", lang, metric=metric_label(metric, lang),
                        design=res["design"]), lang, barmode="group")
        keys = (("mu_star", text("fig.mu_star", lang)),) if res["design"] == "morris" else \
            (("S1", text("fig.S1", lang)),) + ((("ST", text("fig.ST", lang)),)
                                               if res["design"] != "lhs" else ())
        for j, (k, name) in enumerate(keys):
            y = [r[k] if r[k] is not None else float("nan") for r in rows]
            up = [(r[f"{k}_ci"][1] - r[k]) if r[f"{k}_ci"][1] is not None and r[k] is not None else 0
                  for r in rows]
            down = [(r[k] - r[f"{k}_ci"][0]) if r[f"{k}_ci"][0] is not None and r[k] is not None else 0
                    for r in rows]
            fig.add_trace(go.Bar(x=names, y=y, name=name, marker_color=COLORS[j],
                                 error_y=dict(type="data", array=up, arrayminus=down)))
        figs.append(fig)
    return figs
