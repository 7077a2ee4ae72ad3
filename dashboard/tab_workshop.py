"""Workshop tab (trainers, on a projector): a few levers, two situations, persona journeys.

Moving a lever reruns one replication of the trainer's settings (20,000
households by default, about half a second) in the request thread; the
reference situation comes from the cache.  Both runs share the seed, so the
same synthetic households (and personas) appear in both.  The play button
animates the figures month by month from the cached results.
"""

from __future__ import annotations

import threading
from collections import OrderedDict

import dash_bootstrap_components as dbc
from dash import Input, Output, State, ctx, dcc, html, no_update
from dash.exceptions import PreventUpdate

from . import figures_workshop as fw
from . import i18n
from .components import dropdown, field_label, graph, help_icon, stamp
from .i18n import t
from .personas import PERSONAS, PersonaPicker, choose, journeys
from .scenarios import PRESETS, WORKSHOP_COLOURS, clean_levers, preset_levers, workshop_scenario

SEED = 2016
SWITCHES = (("online_only", "ws-online-only"), ("email", "ws-email"), ("alternative", "ws-alternative"),
            ("automatic", "ws-automatic"))
LEVER_INPUTS = ("ws-closure", "ws-online-only", "ws-email", "ws-mediation", "ws-mode", "ws-alternative",
                "ws-automatic")


def layout(lang: str, state) -> html.Div:
    s = state.settings
    keep = dict(persistence=True, persistence_type="session")
    presets = [{"label": t(f"preset.{p}", lang), "value": p} for p in PRESETS]
    base = preset_levers("p2013")
    levers = dbc.Card(dbc.CardBody([
        field_label(t("ws.preset", lang)),
        dropdown("ws-preset", lang, options=presets, value="p2013", clearable=False, searchable=False, **keep),
        html.H2(t("ws.levers", lang), className="panel-title mt-3"),
        field_label(t("lever.closure", lang), "ws-closure-help", t("lever.closure_help", lang)),
        dcc.Slider(allow_direct_input=False, id="ws-closure", min=0, max=100, step=10, value=round(100 * base["closure"]),
                   marks={v: i18n.pct(v / 100, lang, 0) for v in (0, 50, 100)}, className="big-slider",
                   tooltip={"placement": "bottom", "always_visible": False}),
        *[dbc.Switch(id=cid, label=t(f"lever.{name}", lang), value=base[name], className="big-switch")
          for name, cid in SWITCHES[:2]],
        field_label(t("lever.mediation", lang), "ws-mediation-help", t("lever.mediation_help", lang)),
        dcc.Slider(allow_direct_input=False, id="ws-mediation", min=0, max=400, step=20, value=base["mediation_hours"],
                   marks={v: i18n.num(v, lang) for v in (0, 100, 200, 300, 400)}, className="big-slider",
                   tooltip={"placement": "bottom", "always_visible": False}),
        field_label(t("lever.mode", lang)),
        dbc.RadioItems(id="ws-mode", value=base["mode"], className="big-radio",
                       options=[{"label": t(f"mode.{m}", lang), "value": m} for m in ("keep", "do_for", "teach")]),
        *[dbc.Switch(id=cid, label=t(f"lever.{name}", lang), value=base[name], className="big-switch")
          for name, cid in SWITCHES[2:]],
        html.Div(t("ws.start_note", lang, m=s.workshop_start), className="ws-note"),
        html.Div([dbc.Button(t("ws.save", lang), id="ws-save", color="secondary", outline=True),
                  *help_icon("ws-save-help", t("ws.save_help", lang))], className="mt-3 save-row"),
    ]), className="panel ws-panel")

    kpis = dbc.Row(id="ws-kpis", className="g-3")
    player = html.Div([
        dbc.Button(t("ws.play", lang), id="ws-play", color="primary", className="play-button"),
        html.Div([field_label(t("ws.month", lang)),
                  dcc.Slider(allow_direct_input=False, id="ws-month", min=0, max=s.workshop_months - 1, step=1,
                             value=s.workshop_months - 1, className="big-slider month-slider",
                             marks={m: str(m) for m in range(0, s.workshop_months, 6)},
                             tooltip={"placement": "bottom", "always_visible": True})],
                 className="month-box"),
    ], className="player")
    right = html.Div([
        kpis,
        dbc.Row([
            dbc.Col(dbc.Card(dbc.CardBody([
                html.Div([field_label(t("ws.reference", lang)),
                          dropdown("ws-reference", lang, options=presets, value="p2013", clearable=False,
                                       searchable=False, className="ws-reference", **keep)],
                         className="reference-box"),
                player,
                graph("ws-fig-ts", fw.HEIGHTS["ts"], modebar=False),
            ]), className="figure-card"), xl=7),
            dbc.Col(dbc.Card(dbc.CardBody([
                html.H3(t("fig.causes", lang), className="card-title-figure"),
                graph("ws-fig-causes", fw.HEIGHTS["causes"], modebar=False),
            ]), className="figure-card"), xl=5),
        ], className="g-3 mt-1"),
    ])
    personas = dbc.Card(dbc.CardBody([
        html.H3(t("ws.personas", lang), className="card-title-figure"),
        html.Div(t("ws.personas_note", lang), className="figure-note"),
        graph("ws-fig-personas", fw.personas_height(len(PERSONAS)), modebar=False),
    ]), className="figure-card mt-3")
    return html.Div(className="workshop tab-body", children=[
        dbc.Row([dbc.Col(levers, xl=3, lg=4), dbc.Col(right, xl=9, lg=8)], className="g-3"),
        personas,
        stamp("ws-stamp"),
    ])


def _kpi(title: str, value: str, ref_text: str, sub: str, help_id: str | None = None,
         help_text: str | None = None) -> dbc.Col:
    head = [html.Span(title, className="kpi-title")]
    if help_id:
        head += help_icon(help_id, help_text)
    return dbc.Col(dbc.Card(dbc.CardBody([
        html.Div(head, className="kpi-head"),
        html.Div(value, className="kpi-value", style={"color": WORKSHOP_COLOURS["yours"]}),
        html.Div(ref_text, className="kpi-ref"),
        html.Div(sub, className="kpi-sub"),
    ]), className="kpi-card h-100"), md=4)


class _Pages:
    """Workshop pages already built, by (levers, reference, month, language) (LRU, thread-safe)."""

    def __init__(self, size: int):
        self.size, self._items, self._lock = size, OrderedDict(), threading.Lock()

    def get(self, key):
        with self._lock:
            hit = self._items.get(key)
            if hit is not None:
                self._items.move_to_end(key)
            return hit

    def put(self, key, value):
        with self._lock:
            self._items[key] = value
            while len(self._items) > self.size:
                self._items.popitem(last=False)
        return value


def register(app, state) -> None:
    s = state.settings
    pages = _Pages(s.workshop_pages)

    def run(levers: dict):
        sc = workshop_scenario(levers, s)
        return state.runner.run_now(sc, SEED, 1, trace=PersonaPicker(sc.benefits), trace_name="personas")

    @app.callback(Output("ws-closure", "value"), Output("ws-online-only", "value"), Output("ws-email", "value"),
                  Output("ws-mediation", "value"), Output("ws-mode", "value"),
                  Output("ws-alternative", "value"), Output("ws-automatic", "value"),
                  Input("ws-preset", "value"), State("ws-result", "data"))
    def apply_preset(name, shown):
        if ctx.triggered_id is None:
            # the tab was just rendered: restore the levers last run, if any
            if not shown:
                raise PreventUpdate
            lv = shown["levers"]
        else:
            lv = preset_levers(name)
        return (round(100 * lv["closure"]), lv["online_only"], lv["email"], lv["mediation_hours"], lv["mode"],
                lv["alternative"], lv["automatic"])

    # one callback from lever to figures (no round trip through a store): the trainer's
    # settings run once (about half a second), everything else comes from the cache
    @app.callback(Output("ws-result", "data"), Output("ws-kpis", "children"), Output("ws-fig-ts", "figure"),
                  Output("ws-fig-causes", "figure"), Output("ws-fig-personas", "figure"),
                  Output("ws-stamp", "children"),
                  *[Input(i, "value") for i in LEVER_INPUTS], Input("ws-reference", "value"),
                  Input("ws-month", "value"), State("lang", "value"))
    def update(closure, online_only, email, mediation, mode, alternative, automatic, reference, month, lang):
        levers = clean_levers({"closure": (closure or 0) / 100, "online_only": online_only, "email": email,
                               "mediation_hours": mediation, "mode": mode, "alternative": alternative,
                               "automatic": automatic})
        reference = reference if reference in PRESETS else "p2013"
        lang = lang if lang in i18n.LANGS else i18n.DEFAULT_LANG
        # many participants of a workshop land on the same settings: the page is built once
        key = (tuple(sorted(levers.items())), reference, month, lang)
        hit = pages.get(key)
        if hit is None:
            hit = pages.put(key, build(levers, reference, month, lang))
        return hit

    def build(levers, reference, month, lang):
        ref, ref_picker = run(preset_levers(reference))
        yours, your_picker = run(levers)
        data = {"levers": levers, "reference": reference, "hash": yours.scenario.content_hash()[:12]}
        months = ref.scenario.data["months"]
        month = int(min(max(month if month is not None else months - 1, 0), months - 1))
        labels = {"reference": t(f"preset_short.{reference}", lang), "yours": t("ws.yours", lang)}
        a, b = fw.month_numbers(ref, month), fw.month_numbers(yours, month)
        sub = t("ws.kpi_month", lang, m=month, n=i18n.num(ref.scenario.data["population"]["households"], lang))
        kpis = [
            _kpi(t("ws.kpi_ntu", lang), i18n.pct(b["rate"], lang),
                 t("ws.kpi_vs", lang, ref=labels["reference"], value=i18n.pct(a["rate"], lang)), sub),
            _kpi(t("ws.kpi_unclaimed", lang), f"{i18n.euros(b['unclaimed'], lang)}",
                 t("ws.kpi_vs", lang, ref=labels["reference"], value=i18n.euros(a["unclaimed"], lang)),
                 f"{t('unit.eur_month', lang)} · {sub}"),
            _kpi(t("ws.kpi_hours", lang), f"{i18n.num(b['hours'], lang)} h",
                 t("ws.kpi_vs", lang, ref=labels["reference"], value=f"{i18n.num(a['hours'], lang)} h"),
                 f"{t('unit.hours_month', lang)} · {sub}", "ws-kpi-hours-help", t("ws.kpi_hours_help", lang)),
        ]
        chosen = choose(ref.replications[0].trace, ref_picker)
        j_ref = journeys(ref.replications[0].trace, ref_picker, chosen)
        j_yours = journeys(yours.replications[0].trace, your_picker, chosen)
        return (data, kpis,
                fw.fig_timeseries(ref, yours, labels, month, s.workshop_start, lang),
                fw.fig_causes(ref, yours, labels, month, lang),
                fw.fig_personas(j_ref, j_yours, labels, month, lang),
                f"{data['hash']}|{reference}|{month}|{lang}")

    @app.callback(Output("ws-play-tick", "disabled"), Output("ws-play", "children"),
                  Output("ws-month", "value", allow_duplicate=True),
                  Input("ws-play", "n_clicks"), State("ws-play-tick", "disabled"), State("ws-month", "value"),
                  State("lang", "value"), prevent_initial_call=True)
    def play(n_clicks, stopped, month, lang):
        if not n_clicks:  # the button was just rendered, not clicked
            raise PreventUpdate
        if stopped:  # start, from the beginning if at the end
            restart = month is None or month >= s.workshop_months - 1
            return False, t("ws.pause", lang), 0 if restart else no_update
        return True, t("ws.play", lang), no_update

    @app.callback(Output("ws-month", "value", allow_duplicate=True),
                  Output("ws-play-tick", "disabled", allow_duplicate=True),
                  Output("ws-play", "children", allow_duplicate=True),
                  Input("ws-play-tick", "n_intervals"), State("ws-month", "value"), State("lang", "value"),
                  prevent_initial_call=True)
    def tick(_, month, lang):
        month = (month or 0) + 1
        if month >= s.workshop_months - 1:
            return s.workshop_months - 1, True, t("ws.play", lang)
        return month, no_update, no_update

    @app.callback(Output("download", "data", allow_duplicate=True), Input("ws-save", "n_clicks"),
                  State("ws-result", "data"), State("lang", "value"), prevent_initial_call=True)
    def save(n, data, lang):
        if not n or not data or ctx.triggered_id != "ws-save":
            raise PreventUpdate
        return save_payload(data["levers"], state.settings, lang)


def save_payload(levers: dict, settings, lang: str) -> dict:
    """The trainer's settings as a scenario file an analyst can rerun (``sim run atelier.yaml``)."""
    name = t("ws.scenario_name", lang)
    sc = workshop_scenario(levers, settings, name=name, description=t("ws.scenario_description", lang))
    return dcc.send_string(sc.to_yaml(), f"{name}.yaml")
