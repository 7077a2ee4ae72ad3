"""Sweeps tab (researchers): a metric over two swept parameters, and sensitivity indices.

Result folders are listed on the server under the configured root
(:attr:`dashboard.config.Settings.results_root`, set by ``sim dashboard --results DIR``
or ``SIM_DASHBOARD_RESULTS``); the browser picks one by name and
:func:`dashboard.sweeps.open_sweep` re-checks it.  Every name shown comes from the
shared vocabulary (:mod:`sim.present`): parameters and metrics by their label and
unit, never by their dotted path; the analysis by its real name (factorial variance
decomposition, Sobol, Morris, RBD-FAST), with a warning when the design is too small
for the intervals drawn.
"""

from __future__ import annotations

from typing import Any

import re

import dash_bootstrap_components as dbc
import numpy as np
from dash import Input, Output, State, html, no_update

from sim import present

from . import i18n
from . import sweeps as sw
from .components import dropdown, field_label, graph, graph_card, stamp
from .figures_compare import wrap
from .i18n import t
from .theme import empty_figure, layout_dict

INDEX_COLOURS = {"S1": "#0072B2", "ST": "#D55E00", "mu_star": "#009E73", "sigma": "#CC79A7"}
HEIGHT = 480
SIZE = 15


def layout(lang: str, state) -> html.Div:
    keep = dict(persistence=True, persistence_type="session", clearable=False)
    root = str(state.settings.results_root)
    controls = dbc.Card(dbc.CardBody(dbc.Row([
        dbc.Col([field_label(t("sw.dir", lang), "sw-dir-help", t("sw.dir_how", lang, root=root)),
                 dropdown("sw-dir", lang, **keep),
                 html.Small(t("sw.dir_help", lang, root=root), className="text-muted d-block mt-1"),
                 dbc.Button(t("sw.refresh", lang), id="sw-refresh", size="sm", outline=True,
                            color="secondary", className="mt-2")], lg=4),
        dbc.Col([field_label(t("sw.metric", lang)), dropdown("sw-metric", lang, **keep)], lg=3),
        dbc.Col([field_label(t("sw.x", lang)), dropdown("sw-x", lang, **keep)], lg=2, md=6),
        dbc.Col([field_label(t("sw.y", lang)), dropdown("sw-y", lang, **keep)], lg=3, md=6),
    ], className="g-3")), className="panel")
    return html.Div(className="tab-body sweeps", children=[
        controls,
        html.Div(id="sw-message", className="mt-2"),
        html.Div(id="sw-warning"),
        dbc.Row([
            dbc.Col(graph_card(t("sw.heatmap", lang), "sw-fig-heatmap", HEIGHT), lg=7),
            dbc.Col(dbc.Card(dbc.CardBody([
                html.H3(t("sw.sensitivity", lang), id="sw-sensitivity-title", className="card-title-figure"),
                html.Div(id="sw-method", className="figure-note"),
                _graph("sw-fig-sensitivity"),
            ]), className="figure-card"), lg=5),
        ], className="g-3 mt-1"),
        stamp("sw-stamp"),
    ])


def _graph(gid: str):
    return graph(gid, HEIGHT)


def load(state, name: str) -> sw.Sweep:
    """Open a sweep folder, cached by the names and times of its Parquet parts."""
    s = state.settings
    if not isinstance(name, str) or name not in sw.list_sweeps(s.results_root):
        raise sw.SweepError("not a results folder under the configured root")  # never a path
    d = s.results_root / name
    files = sw._parquet_files(d, s.max_sweep_files) if d.is_dir() else []
    sig = tuple((f.name, f.stat().st_mtime_ns) for f in files)
    hit = state.sweeps.get(name)
    if hit and hit[0] == sig:
        return hit[1]
    sweep = sw.open_sweep(s.results_root, name, s.max_sweep_files, s.max_sweep_rows)
    state.sweeps[name] = (sig, sweep)
    while len(state.sweeps) > 8:
        state.sweeps.pop(next(iter(state.sweeps)))
    return sweep


class Names:
    """The labels (with units) of a sweep's parameters and metrics in one language."""

    def __init__(self, sweep: sw.Sweep, root, lang: str):
        self.lang = lang
        self.kinds = {p: sw.policy_type_of(root, sweep.name, p) for p in sweep.params}
        self.params = {p: sw.param_name(p, lang, self.kinds[p]) for p in sweep.params}
        self.short = {p: sw.param_name(p, lang, self.kinds[p], unit=False) for p in sweep.params}
        self.metrics = {m: _cap(sw.metric_name(m, lang)) for m in sweep.metrics}

    def metric_options(self) -> list[dict]:
        """The key metrics first (in the CLI's order), then the others by label."""
        key = [m for m in present.KEY_METRICS if m in self.metrics]
        rest = sorted((m for m in self.metrics if m not in key), key=lambda m: self.metrics[m].lower())
        return [{"label": self.metrics[m], "value": m} for m in key + rest]

    def param_options(self) -> list[dict]:
        return [{"label": self.params[p], "value": p} for p in self.params]


def _cap(text: str) -> str:
    return text[:1].upper() + text[1:]


def _tick(v, lang: str) -> str:
    """A parameter value as a tick: the page's decimal mark, no trailing zeros (0,5; 160)."""
    if isinstance(v, (bool, np.bool_)):
        return str(v)
    if isinstance(v, (int, np.integer, float, np.floating)):
        x = float(v)
        if x.is_integer():
            return i18n.num(x, lang, 0)
        text = i18n.num(x, lang, 3)
        return text.rstrip("0").rstrip(",.") if ("," in text or "." in text) else text
    return str(v)


def _value_format(metric: str) -> tuple[str, float]:
    """(d3 format, scale) of a metric's values on the heatmap."""
    return (".1%", 1.0) if present.is_rate(metric) else (",.3g", 1.0)


def fig_heatmap(sweep: sw.Sweep, metric: str, x: str, y: str | None, names: Names, lang: str) -> dict:
    g = sw.grid(sweep, metric, x, y)
    label = names.metrics[metric]
    fmt, _ = _value_format(metric)
    runs = t("sw.runs", lang)
    layout = layout_dict(lang, SIZE, HEIGHT, margin={"l": 20, "r": 20, "t": 30, "b": 20})
    if "y" not in g:
        xs = [_tick(v, lang) for v in g["x"]]
        data: list[dict[str, Any]] = [{"type": "scatter", "x": xs, "y": list(g["mean"]), "mode": "lines+markers",
                 "line": {"width": 3, "color": "#0072B2"}, "marker": {"size": 9},
                 "hovertemplate": f"{names.short[x]} = %{{x}}<br>{label} = %{{y:{fmt}}}<extra></extra>"}]
        layout["xaxis"].update(title={"text": names.params[x]}, type="category")
        layout["yaxis"].update(title={"text": label}, tickformat=fmt)
        layout["showlegend"] = False
        return {"data": data, "layout": layout}
    table = g.pivot(index="y", columns="x", values="mean").sort_index()
    counts = g.pivot(index="y", columns="x", values="count").reindex_like(table)
    text = np.vectorize(lambda v: "" if np.isnan(v) else f"{int(v)}")(counts.to_numpy(dtype=float))
    z = table.to_numpy(dtype=float)
    assert y is not None  # a grid with a y column is a heatmap of two parameters
    data = [{
        "type": "heatmap", "z": [[None if np.isnan(v) else float(v) for v in row] for row in z],
        "x": [_tick(v, lang) for v in table.columns], "y": [_tick(v, lang) for v in table.index],
        "colorscale": "Viridis", "reversescale": True,
        "colorbar": {"title": {"text": _wrap(label, 18), "side": "right"}, "tickformat": fmt},
        "texttemplate": f"%{{z:{fmt}}}", "textfont": {"size": 14}, "customdata": text.tolist(),
        "hovertemplate": (f"{names.short[x]} = %{{x}}<br>{names.short[y]} = %{{y}}<br>{label} = %{{z:{fmt}}}"
                          f"<br>%{{customdata}} {runs}<extra></extra>")}]
    layout["xaxis"].update(title={"text": names.params[x]}, type="category")
    layout["yaxis"].update(title={"text": _wrap(names.params[y], 34)}, type="category")
    layout["showlegend"] = False
    return {"data": data, "layout": layout}


def _wrap(text: str, width: int) -> str:
    """Lines of at most ``width`` characters, never breaking a number ("10 000")."""
    return wrap(re.sub(r"(\d) (\d{3})", "\\1\u00a0\\2", text), width)


# the indices each design computes, in the order drawn
DESIGN_INDICES = {"factorial": ("S1", "ST"), "sobol": ("S1", "ST"), "morris": ("mu_star", "sigma"),
                  "lhs": ("S1",)}


def index_label(design: str, idx: str, lang: str) -> str:
    key = f"sw.{design}.{idx}"
    return t(key, lang) if i18n.has(key) else t(f"sw.{idx}", lang)


def fig_sensitivity(sweep: sw.Sweep, metric: str, analysis: sw.Analysis, names: Names, lang: str) -> dict | None:
    entry = sweep.sensitivity.get(metric)
    if not entry:
        return None
    order = [i for i in DESIGN_INDICES.get(analysis.design, tuple(entry)) if i in entry] or list(entry)
    params = sorted({p for idx in order for p in entry[idx]},
                    key=lambda p: -max((entry[k].get(p, (0,))[0] or 0) for k in order))
    ys = [_wrap(names.short.get(p, present.param_label(p, lang)), 26) for p in params]
    data = []
    for idx in order:
        values = entry[idx]
        rows = [values.get(p, (None, None, None)) for p in params]
        has_ci = any(lo is not None for _, lo, _ in rows)
        name = index_label(analysis.design, idx, lang)
        data.append({
            "type": "bar", "orientation": "h", "y": ys, "x": [v for v, _, _ in rows], "name": name,
            "marker": {"color": INDEX_COLOURS[idx]},
            "error_x": {"type": "data", "symmetric": False, "visible": has_ci, "thickness": 1.5, "color": "#374151",
                        "array": [(hi - v) if hi is not None and v is not None else 0 for v, _, hi in rows],
                        "arrayminus": [(v - lo) if lo is not None and v is not None else 0 for v, lo, _ in rows]},
            "hovertemplate": "%{y}: %{x:.3f}<extra>" + name + "</extra>"})
    layout = layout_dict(lang, SIZE, HEIGHT, margin={"l": 10, "r": 20, "t": 70, "b": 20})
    layout.update(barmode="group", legend={"orientation": "h", "x": 0, "xanchor": "left", "y": 1.0,
                                           "yanchor": "bottom", "yref": "container", "font": {"size": SIZE - 1}})
    layout["legend"].update(y=0.995, yanchor="top")
    key = "sw.index_mu" if analysis.design == "morris" else "sw.index_share"
    layout["xaxis"].update(title={"text": _wrap(t(key, lang, unit=names.metrics[metric]), 40)}, rangemode="tozero")
    layout["yaxis"].update(autorange="reversed")
    return {"data": data, "layout": layout}


def method_text(a: sw.Analysis, lang: str) -> str:
    """What was computed, from how many points and replications."""
    design = a.design if a.design in DESIGN_INDICES else "unknown"
    return t(f"sw.method.{design}", lang, points=i18n.num(a.points, lang), r=a.replications)


def warning(a: sw.Analysis, sweep: sw.Sweep, metric: str, lang: str):
    """The warning shown when the intervals drawn rest on too few replications or samples."""
    few = sw.too_few(a)
    entry = sweep.sensitivity.get(metric) or {}
    bad = sw.degenerate(entry) if entry else False
    if few is None and not bad:
        return ""
    parts = []
    if few is not None:
        what, have, need = few
        parts.append(t(f"sw.few.{what}", lang, have=i18n.num(have, lang), need=i18n.num(need, lang)))
    if bad:
        parts.append(t("sw.degenerate", lang))
    return dbc.Alert(" ".join(parts), color="warning", className="py-2 mt-2 mb-0 sw-warning")


def register(app, state) -> None:
    root = state.settings.results_root

    @app.callback(Output("sw-dir", "options"), Output("sw-dir", "value"), Output("sw-message", "children"),
                  Input("sw-refresh", "n_clicks"), State("sw-dir", "value"), State("lang", "value"))
    def listing(_, current, lang):
        names = sw.list_sweeps(root)
        if not names:
            return [], None, dbc.Alert(t("sw.none", lang, root=str(root)), color="info", className="py-2 sw-empty")
        value = current if current in names else names[-1]
        return [{"label": n, "value": n} for n in names], value, ""

    @app.callback(Output("sw-metric", "options"), Output("sw-metric", "value"),
                  Output("sw-x", "options"), Output("sw-x", "value"),
                  Output("sw-y", "options"), Output("sw-y", "value"),
                  Output("sw-message", "children", allow_duplicate=True),
                  Input("sw-dir", "value"), State("sw-metric", "value"), State("sw-x", "value"),
                  State("sw-y", "value"), State("lang", "value"), prevent_initial_call=True)
    def choose(name, metric, x, y, lang):
        if not name:
            return [], None, [], None, [], None, no_update
        try:
            sweep = load(state, name)
        except sw.SweepError as err:
            return [], None, [], None, [], None, dbc.Alert(t("sw.error", lang, msg=_reason(err, lang)),
                                                           color="danger", className="py-2")
        if not sweep.params or not sweep.metrics:
            return [], None, [], None, [], None, dbc.Alert(t("sw.no_params", lang), color="warning",
                                                           className="py-2")
        names = Names(sweep, root, lang)
        params = names.param_options()
        metric = metric if metric in sweep.metrics else (
            "non_take_up_rate" if "non_take_up_rate" in sweep.metrics else sweep.metrics[0])
        x = x if x in sweep.params else sweep.params[0]
        y = y if y in sweep.params and y != x else next((p for p in sweep.params if p != x), x)
        info = html.Div(t("sw.loaded", lang, rows=i18n.num(len(sweep.data), lang),
                          points=i18n.num(sweep.points, lang), params=len(sweep.params)), className="meta-line")
        return names.metric_options(), metric, params, x, params, y, info

    @app.callback(Output("sw-fig-heatmap", "figure"), Output("sw-fig-sensitivity", "figure"),
                  Output("sw-sensitivity-title", "children"), Output("sw-method", "children"),
                  Output("sw-warning", "children"), Output("sw-stamp", "children"),
                  Input("sw-metric", "value"), Input("sw-x", "value"), Input("sw-y", "value"),
                  State("sw-dir", "value"), State("lang", "value"))
    def figures(metric, x, y, name, lang):
        title = t("sw.sensitivity", lang)
        if not (name and metric and x):
            return (empty_figure(lang, "sw.pick", HEIGHT), empty_figure(lang, "sw.pick", HEIGHT), title, "", "",
                    "empty")
        try:
            sweep = load(state, name)
        except sw.SweepError:
            return (empty_figure(lang, "sw.pick", HEIGHT), empty_figure(lang, "sw.pick", HEIGHT), title, "", "",
                    "error")
        if metric not in sweep.metrics or x not in sweep.params:
            return no_update, no_update, no_update, no_update, no_update, no_update
        y = y if y in sweep.params and y != x else None
        names = Names(sweep, root, lang)
        analysis = sw.analysis_of(sweep, root)
        sens = fig_sensitivity(sweep, metric, analysis, names, lang)
        if sens is None:
            sens = empty_figure(lang, "sw.no_sensitivity", height=HEIGHT)
        design = analysis.design if analysis.design in DESIGN_INDICES else "unknown"
        return (fig_heatmap(sweep, metric, x, y, names, lang), sens, t(f"sw.title.{design}", lang),
                method_text(analysis, lang), warning(analysis, sweep, metric, lang),
                f"{name}|{metric}|{x}|{y}|{lang}")


REASONS = ("not a results folder under the configured root", "outside the configured root",
           "no Parquet result files")


def _reason(err: Exception, lang: str) -> str:
    """The page's words for why a folder cannot be read (the engine's message in English)."""
    msg = str(err)
    for i, r in enumerate(REASONS):
        if msg == r:
            return t(f"sw.reason.{i}", lang)
    return msg if lang == "en" else t("sw.reason.other", lang)
