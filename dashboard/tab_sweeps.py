"""Sweeps tab (researchers): a metric over two swept parameters, and sensitivity indices.

Result folders are listed on the server under the configured root
(:attr:`dashboard.config.Settings.results_root`); the browser picks one by
name and :func:`dashboard.sweeps.open_sweep` re-checks it.
"""

from __future__ import annotations

import dash_bootstrap_components as dbc
import numpy as np
import plotly.graph_objects as go
from dash import Input, Output, State, html, no_update

from sim import present

from . import i18n
from . import sweeps as sw
from .components import dropdown, field_label, graph_card, stamp
from .i18n import t
from .theme import base_layout, empty_figure

INDEX_COLOURS = {"S1": "#0072B2", "ST": "#D55E00", "mu_star": "#009E73", "sigma": "#CC79A7"}


def layout(lang: str, state) -> html.Div:
    keep = dict(persistence=True, persistence_type="session", clearable=False)
    root = str(state.settings.results_root)
    controls = dbc.Card(dbc.CardBody(dbc.Row([
        dbc.Col([field_label(t("sw.dir", lang)),
                 dropdown("sw-dir", lang, **keep),
                 html.Small(t("sw.dir_help", lang, root=root), className="text-muted d-block mt-1"),
                 dbc.Button(t("sw.refresh", lang), id="sw-refresh", size="sm", outline=True,
                            color="secondary", className="mt-2")], lg=4),
        dbc.Col([field_label(t("sw.metric", lang)), dropdown("sw-metric", lang, **keep)], lg=3),
        dbc.Col([field_label(t("sw.x", lang)), dropdown("sw-x", lang, **keep)], lg=2, md=6),
        dbc.Col([field_label(t("sw.y", lang)), dropdown("sw-y", lang, **keep)], lg=3, md=6),
    ], className="g-3")), className="panel")
    return html.Div(className="tab-body", children=[
        controls,
        html.Div(id="sw-message", className="mt-2"),
        dbc.Row([
            dbc.Col(graph_card(t("sw.heatmap", lang), "sw-fig-heatmap", 480), lg=7),
            dbc.Col(graph_card(t("sw.sensitivity", lang), "sw-fig-sensitivity", 480), lg=5),
        ], className="g-3 mt-1"),
        stamp("sw-stamp"),
    ])


def metric_label(name: str, lang: str) -> str:
    return present.metric_label(name, lang)


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


def fig_heatmap(sweep: sw.Sweep, metric: str, x: str, y: str | None, lang: str) -> go.Figure:
    g = sw.grid(sweep, metric, x, y)
    label = metric_label(metric, lang)
    fmt = ".1%" if present.is_rate(metric) else ",.3g"
    if "y" not in g:
        fig = go.Figure(go.Scatter(x=g["x"], y=g["mean"], mode="lines+markers", line=dict(width=3, color="#0072B2"),
                                   marker=dict(size=9), hovertemplate=f"%{{x}} → %{{y:{fmt}}}<extra></extra>"))
        fig.update_xaxes(title_text=x)
        fig.update_yaxes(title_text=label, tickformat=fmt)
        return base_layout(fig, lang, height=480)
    table = g.pivot(index="y", columns="x", values="mean").sort_index()
    counts = g.pivot(index="y", columns="x", values="count").reindex_like(table)
    text = np.vectorize(lambda v: "" if np.isnan(v) else f"{int(v)}")(counts.to_numpy(dtype=float))
    fig = go.Figure(go.Heatmap(
        z=table.to_numpy(), x=[_tick(v) for v in table.columns], y=[_tick(v) for v in table.index],
        colorscale="Viridis", reversescale=True, colorbar=dict(title=dict(text=label, side="right"),
                                                            tickformat=fmt),
        texttemplate=f"%{{z:{fmt}}}", textfont=dict(size=14),
        customdata=text, hovertemplate=(f"{x} = %{{x}}<br>{y} = %{{y}}<br>{label} = %{{z:{fmt}}}"
                                        f"<br>%{{customdata}} {t('sw.runs', lang)}<extra></extra>")))
    fig.update_xaxes(title_text=x, type="category")
    fig.update_yaxes(title_text=y, type="category")
    return base_layout(fig, lang, height=480, legend_top=False, margin=dict(l=110, r=20, t=30, b=70))


def _tick(v) -> str:
    if isinstance(v, (float, np.floating)):
        return f"{v:.4g}"
    return str(v)


def fig_sensitivity(sweep: sw.Sweep, metric: str, lang: str) -> go.Figure:
    entry = sweep.sensitivity.get(metric)
    if not entry:
        return empty_figure(lang, "sw.no_sensitivity", height=480)
    fig = go.Figure()
    params = sorted({p for idx in entry.values() for p in idx},
                    key=lambda p: -max((entry[k].get(p, (0,))[0] or 0) for k in entry))
    for idx, values in entry.items():
        rows = [values.get(p, (None, None, None)) for p in params]
        has_ci = any(lo is not None for _, lo, _ in rows)
        fig.add_trace(go.Bar(
            y=params, x=[v for v, _, _ in rows], orientation="h", name=t(f"sw.{idx}", lang),
            marker_color=INDEX_COLOURS[idx],
            error_x=dict(type="data", symmetric=False, visible=has_ci, thickness=1.5, color="#374151",
                         array=[(hi - v) if hi is not None and v is not None else 0 for v, _, hi in rows],
                         arrayminus=[(v - lo) if lo is not None and v is not None else 0 for v, lo, _ in rows]),
            hovertemplate="%{y}: %{x:.3f}<extra>" + t(f"sw.{idx}", lang) + "</extra>"))
    fig.update_layout(barmode="group")
    fig.update_xaxes(title_text=t("sw.index", lang), rangemode="tozero")
    fig.update_yaxes(autorange="reversed")
    return base_layout(fig, lang, height=480, margin=dict(l=220, r=20, t=60, b=60))


def register(app, state) -> None:
    root = state.settings.results_root

    @app.callback(Output("sw-dir", "options"), Output("sw-dir", "value"), Output("sw-message", "children"),
                  Input("sw-refresh", "n_clicks"), State("sw-dir", "value"), State("lang", "value"))
    def listing(_, current, lang):
        names = sw.list_sweeps(root)
        if not names:
            return [], None, dbc.Alert(t("sw.none", lang, root=str(root)), color="info", className="py-2")
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
            return [], None, [], None, [], None, dbc.Alert(t("sw.error", lang, msg=str(err)), color="danger",
                                                           className="py-2")
        if not sweep.params or not sweep.metrics:
            return [], None, [], None, [], None, dbc.Alert(t("sw.no_params", lang), color="warning",
                                                           className="py-2")
        metrics = [{"label": metric_label(m, lang), "value": m} for m in sweep.metrics]
        params = [{"label": p, "value": p} for p in sweep.params]
        metric = metric if metric in sweep.metrics else (
            "non_take_up_rate" if "non_take_up_rate" in sweep.metrics else sweep.metrics[0])
        x = x if x in sweep.params else sweep.params[0]
        y = y if y in sweep.params and y != x else next((p for p in sweep.params if p != x), x)
        info = html.Div(t("sw.loaded", lang, rows=i18n.num(len(sweep.data), lang),
                          points=i18n.num(sweep.points, lang), params=len(sweep.params)), className="meta-line")
        return metrics, metric, params, x, params, y, info

    @app.callback(Output("sw-fig-heatmap", "figure"), Output("sw-fig-sensitivity", "figure"),
                  Output("sw-stamp", "children"),
                  Input("sw-metric", "value"), Input("sw-x", "value"), Input("sw-y", "value"),
                  State("sw-dir", "value"), State("lang", "value"))
    def figures(metric, x, y, name, lang):
        if not (name and metric and x):
            return empty_figure(lang, "sw.pick", 480), empty_figure(lang, "sw.pick", 480), "empty"
        try:
            sweep = load(state, name)
        except sw.SweepError:
            return empty_figure(lang, "sw.pick", 480), empty_figure(lang, "sw.pick", 480), "error"
        if metric not in sweep.metrics or x not in sweep.params:
            return no_update, no_update, no_update
        y = y if y in sweep.params and y != x else None
        return (fig_heatmap(sweep, metric, x, y, lang), fig_sensitivity(sweep, metric, lang),
                f"{name}|{metric}|{x}|{y}|{lang}")
