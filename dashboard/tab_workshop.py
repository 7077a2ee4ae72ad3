"""Workshop tab (trainers, on a projector): one 1280x720 screen that tells the story.

Left, the levers with their values printed.  Top, four headline numbers (non-take-up,
unclaimed benefits, delegated help, households' own time), each as "31,9 % (+3,3 pts
vs 2013)" coloured by direction, or "non distinguable du hasard" when the paired
interval over the replications includes zero.  Below, the monthly curve with its
band, and the persona journeys (or, behind a toggle, "Pourquoi ?" and where the work
goes).

Moving a lever runs replication 0 of the new setting at once (:mod:`.workshop_runs`)
and draws everything from it; the other replications arrive in the background and a
poll redraws the headline and the band.  The month slider and the play button work
in the browser only (``assets/workshop.js``): every month is drawn, at a steady pace.
"""

from __future__ import annotations

import dash_bootstrap_components as dbc
from dash import ClientsideFunction, Input, Output, State, ctx, dcc, html, no_update
from dash.exceptions import PreventUpdate


from . import figures_workshop as fw
from . import i18n
from .components import dropdown, help_icon, stamp
from .i18n import t
from .personas import PERSONAS, choose, journeys
from .personas_view import legend, persona_blocks
from .scenarios import DEFAULT_LEVERS, PRESETS, clean_levers, preset_levers, workshop_scenario
from .workshop_runs import Rep

SWITCHES = (("online_only", "ws-online-only"), ("email", "ws-email"), ("alternative", "ws-alternative"),
            ("automatic", "ws-automatic"))
LEVER_INPUTS = ("ws-closure", "ws-online-only", "ws-email", "ws-mediation", "ws-mode", "ws-alternative",
                "ws-automatic")
# the right-hand panel's views; a "qui paie ?" view (dashboard/figures_ledger.py, issue 15)
# joins them as one more entry here and one more pane in ``layout``
VIEWS = ("journeys", "why", "work")
PANEL_HEIGHT = 440  # px: the figures behind the toggles (the panel's CSS height matches)
CURVE_HEIGHT = 350


def _slider(name: str, cid: str, lo: int, hi: int, step: int, value, unit: str, lang: str,
            help_text: str | None = None) -> html.Div:
    """A compact slider whose value is printed next to its label (kept live in the browser)."""
    label = [html.Span(t(f"lever.{name}", lang), className="lever-name"),
             html.Span(f"{i18n.num(value, lang)}{unit}", id=f"{cid}-value", className="lever-value")]
    if help_text:
        label += help_icon(f"{cid}-help", help_text)
    return html.Div(className="lever", children=[
        html.Div(label, className="lever-label"),
        dcc.Slider(id=cid, min=lo, max=hi, step=step, value=value, allow_direct_input=False,
                   marks=None, className="lever-slider", tooltip=None),
    ])


def layout(lang: str, state) -> html.Div:
    s = state.settings
    keep = dict(persistence=True, persistence_type="session")
    presets = [{"label": t(f"preset.{p}", lang), "value": p} for p in PRESETS]
    base = preset_levers("p2013")
    pct_unit = i18n.NNBSP + "%" if lang != "en" else "%"
    levers = html.Div(className="ws-panel", children=[
        html.Div(className="lever", children=[
            html.Div(html.Span(t("ws.preset", lang), className="lever-name"), className="lever-label"),
            dropdown("ws-preset", lang, options=presets, value="p2013", clearable=False, searchable=False,
                     className="ws-preset", **keep)]),
        html.Div(className="lever", children=[
            html.Div(html.Span(t("ws.reference", lang), className="lever-name"), className="lever-label"),
            dropdown("ws-reference", lang, options=presets, value="p2013", clearable=False, searchable=False,
                     className="ws-reference", **keep)]),
        html.Div([html.H2(t("ws.levers", lang), className="panel-title"),
                  *help_icon("ws-levers-help", t("ws.levers_help", lang, m=s.workshop_start))],
                 className="panel-title-row"),
        _slider("closure", "ws-closure", 0, 100, 10, round(100 * base["closure"]), pct_unit, lang,
                t("lever.closure_help", lang)),
        *[dbc.Switch(id=cid, label=t(f"lever.{name}", lang), value=base[name], className="lever-switch")
          for name, cid in SWITCHES[:2]],
        _slider("mediation", "ws-mediation", 0, 400, 20, int(base["mediation_hours"]), i18n.NBSP + t("unit.h_month", lang), lang,
                t("lever.mediation_help", lang)),
        html.Div(className="lever", children=[
            html.Div(html.Span(t("lever.mode", lang), className="lever-name"), className="lever-label"),
            dbc.RadioItems(id="ws-mode", value=base["mode"], className="lever-radio",
                           options=[{"label": t(f"mode.{m}", lang), "value": m} for m in ("keep", "do_for", "teach")]),
        ]),
        *[dbc.Switch(id=cid, label=t(f"lever.{name}", lang), value=base[name], className="lever-switch")
          for name, cid in SWITCHES[2:]],
        html.Div([dbc.Button(t("ws.save", lang), id="ws-save", color="secondary", outline=True, size="sm"),
                  *help_icon("ws-save-help", t("ws.save_help", lang))], className="save-row"),
    ])

    play = html.Button(id="ws-play", className="play-button", n_clicks=0, title=t("ws.play", lang), children=[
        html.Span(className="play-icon"),
        html.Span(t("ws.play", lang), className="when-stopped"),
        html.Span(t("ws.pause", lang), className="when-playing"),
    ])
    curve = html.Div(className="ws-card ws-curve-card", children=[
        html.Div(className="ws-card-head", children=[html.H3(t("ws.curve", lang), className="ws-card-title")]),
        dcc.Graph(id="ws-fig-ts", className="ws-graph", config={"displayModeBar": False, "responsive": True},
                  style={"height": f"{CURVE_HEIGHT}px"}),
        html.Div(className="player", children=[
            play,
            html.Span(t("ws.month", lang), className="month-label"),
            html.Div(dcc.Slider(id="ws-month", min=0, max=s.workshop_months - 1, step=1,
                                value=s.workshop_months - 1, allow_direct_input=False, className="month-slider",
                                marks={m: str(m) for m in range(0, s.workshop_months, 6)},
                                tooltip={"placement": "top", "always_visible": False}),
                     className="month-box"),
            html.Span(str(s.workshop_months - 1), id="ws-month-value", className="month-value"),
        ]),
    ])
    views = dbc.RadioItems(id="ws-view", value="journeys", inline=True, className="view-switch",
                           inputClassName="btn-check", labelClassName="btn btn-outline-primary btn-sm",
                           labelCheckedClassName="active",
                           options=[{"label": t(f"ws.view_{v}", lang), "value": v} for v in VIEWS])
    right = html.Div(className="ws-card ws-right-card", children=[
        html.Div(className="ws-card-head", children=[views, html.Span(id="ws-changed", className="changed-count")]),
        html.Div(id="ws-pane-journeys", className="ws-pane", children=[
            html.Div(id="ws-personas", className="personas"),
            legend(lang),
        ]),
        html.Div(id="ws-pane-why", className="ws-pane", style={"display": "none"}, children=[
            html.H3(id="ws-why-title", className="ws-pane-title"),
            dcc.Graph(id="ws-fig-why", config={"displayModeBar": False, "responsive": True},
                      style={"height": f"{PANEL_HEIGHT - 60}px"}),
            html.Div(id="ws-why-note", className="figure-note"),
        ]),
        html.Div(id="ws-pane-work", className="ws-pane", style={"display": "none"}, children=[
            html.H3(id="ws-work-title", className="ws-pane-title"),
            dcc.Graph(id="ws-fig-work", config={"displayModeBar": False, "responsive": True},
                      style={"height": f"{PANEL_HEIGHT - 60}px"}),
            html.Div(id="ws-work-note", className="figure-note"),
        ]),
    ])
    main = html.Div(className="ws-main", children=[
        html.Div(id="ws-kpis", className="kpis"),
        html.Div(id="ws-window", className="ws-window"),
        html.Div(className="ws-row", children=[curve, right]),
    ])
    return html.Div(className="workshop tab-body", children=[
        html.Div(className="ws-layout", children=[levers, main]),
        dcc.Store(id="ws-curve"),
        dcc.Store(id="ws-view-data"),
        dcc.Interval(id="ws-poll", interval=s.poll_ms, disabled=True),
        dcc.Interval(id="ws-play-tick", interval=s.play_ms, disabled=True),
        html.Div(id="ws-mask", style={"display": "none"}),
        stamp("ws-stamp"),
    ])


# -- headline tiles ---------------------------------------------------------------------------

TILE_HELP = {"ntu": "ws.kpi_ntu_help", "unclaimed": "ws.kpi_unclaimed_help", "work": "ws.kpi_work_help",
             "households": "ws.kpi_households_help"}
TILE_TITLE = {"ntu": "ws.kpi_ntu", "unclaimed": "ws.kpi_unclaimed", "work": "ws.kpi_work",
              "households": "ws.kpi_households"}


def _split(h: fw.Headline, tile: str, lang: str) -> html.Div | None:
    """Where the hours go: a bar split by service (delegated help) or by part (households)."""
    if not h.parts:
        return None
    total = sum(h.parts.values()) or 1.0
    segments, names = [], []
    for part, hours in h.parts.items():
        name = t(f"ws.part_{part}", lang)
        share = hours / total
        colour = fw.WORK_COLOURS.get(part, "#9CA3AF") if tile == "work" else fw.BURDEN_COLOURS[part]
        segments.append(html.Span(className="split-seg", title=f"{name} : {i18n.num(hours, lang)} h",
                                  style={"width": f"{100 * share:.1f}%", "background": colour}))
        names.append(html.Span([html.Span(className="chip", style={"background": colour}),
                                f"{name} {i18n.pct(share, lang, 0)}"], className="split-name"))
    return html.Div([html.Div(segments, className="split-bar"),
                     html.Div(names, className="split-names")], className="kpi-split")


def _tile(tile: str, key: str, h: fw.Headline, ref_label: str, replications: int, n_households: int,
          lang: str) -> html.Div:
    if h.verdict == "same":
        diff = [html.Span(t("ws.same", lang, ref=ref_label), className="kpi-verdict")]
    elif h.verdict == "noise":
        diff = [html.Span(f"{fw.format_diff(key, h, lang)} {t('ws.vs', lang, ref=ref_label)}", className="kpi-delta"),
                html.Span(t("ws.noise", lang), className="kpi-verdict noise-cue", title=t("ws.noise_help", lang))]
    elif h.verdict == "pending":
        diff = [html.Span(f"{fw.format_diff(key, h, lang)} {t('ws.vs', lang, ref=ref_label)}", className="kpi-delta"),
                html.Span(t("ws.pending", lang, n=h.pairs, r=replications), className="kpi-verdict")]
    else:
        diff = [html.Span(f"{fw.format_diff(key, h, lang)} {t('ws.vs', lang, ref=ref_label)}", className="kpi-delta"),
                html.Span(fw.format_ci(key, h, lang), className="kpi-ci", title=t("common.ci", lang))]
    head = [html.Span(t(TILE_TITLE[tile], lang), className="kpi-title"),
            *help_icon(f"ws-kpi-help-{tile}", t(TILE_HELP[tile], lang, n=i18n.num(n_households, lang)))]
    children = [html.Div(head, className="kpi-head"),
                html.Div([fw.format_value(key, h.value, lang),
                          html.Span(t("ws.per_month", lang), className="kpi-unit") if tile != "ntu" else None],
                         className="kpi-value"),
                html.Div(diff, className="kpi-diff")]
    split = _split(h, tile, lang)
    if split is not None:
        children.append(split)
    return html.Div(children, className=f"kpi kpi-{tile} verdict-{h.verdict}", id=f"ws-kpi-{tile}")


def tiles(ref: list[Rep], yours: list[Rep], ref_label: str, replications: int, n_households: int,
          lang: str) -> list:
    heads = fw.headlines(ref, yours, replications)
    return [_tile(tile, key, heads[tile], ref_label, replications, n_households, lang) for tile, _, key in fw.KPIS]


# -- callbacks ----------------------------------------------------------------------------------

def register(app, state) -> None:
    s = state.settings
    runs = state.workshop
    R = runs.replications
    months = s.workshop_months
    report = runs.scenario(DEFAULT_LEVERS).data["report_months"]
    window = (months - report, months - 1)

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
        return (round(100 * lv["closure"]), lv["online_only"], lv["email"], int(lv["mediation_hours"]), lv["mode"],
                lv["alternative"], lv["automatic"])

    def situation(levers: dict, reference: str, lang: str):
        yours_sc = runs.scenario(levers)
        ref_sc = runs.scenario(preset_levers(reference))
        return yours_sc, ref_sc, {"reference": t(f"preset_short.{reference}", lang), "yours": t("ws.yours", lang)}

    def headline_parts(ref_reps, your_reps, labels, lang, key):
        n = min(len(ref_reps), len(your_reps))
        kpis = tiles(ref_reps, your_reps, labels["reference"], R, s.workshop_households, lang)
        caption = t("ws.window", lang, a=window[0], b=window[1], r=n, n=i18n.num(s.workshop_households, lang))
        curve = fw.curve_data(ref_reps[:n], your_reps[:n], labels, s.workshop_start, lang, key)
        return kpis, caption, curve, n

    # lever -> everything drawn from replication 0 (the others follow, see poll)
    @app.callback(Output("ws-result", "data"), Output("ws-kpis", "children"), Output("ws-window", "children"),
                  Output("ws-curve", "data"), Output("ws-personas", "children"), Output("ws-changed", "children"),
                  Output("ws-poll", "disabled"), Output("ws-stamp", "children"),
                  *[Input(i, "value") for i in LEVER_INPUTS], Input("ws-reference", "value"), State("lang", "value"))
    def update(closure, online_only, email, mediation, mode, alternative, automatic, reference, lang):
        levers = clean_levers({"closure": (closure or 0) / 100, "online_only": online_only, "email": email,
                               "mediation_hours": mediation, "mode": mode, "alternative": alternative,
                               "automatic": automatic})
        reference = reference if reference in PRESETS else "p2013"
        lang = lang if lang in i18n.LANGS else i18n.DEFAULT_LANG
        yours_sc, ref_sc, labels = situation(levers, reference, lang)
        first_yours = runs.first(yours_sc)
        ref_reps = runs.reps(ref_sc) or [runs.first(ref_sc)]
        your_reps = runs.reps(yours_sc) or [first_yours]
        key = f"{yours_sc.content_hash()[:12]}|{reference}|{min(len(ref_reps), len(your_reps))}"
        kpis, caption, curve, n = headline_parts(ref_reps, your_reps, labels, lang, key)
        # the personas: chosen once on the baseline, the same households in every setting
        base = runs.first(runs.scenario(DEFAULT_LEVERS))
        picker = _Picker(base, yours_sc.benefits)
        chosen = choose(base.trace, picker, s.workshop_start)
        j_ref = journeys(ref_reps[0].trace, picker, chosen)
        j_yours = journeys(your_reps[0].trace, picker, chosen)
        blocks, changes = persona_blocks(j_ref, j_yours, ref_reps[0], your_reps[0], labels, s.workshop_start, lang)
        changed = sum(c.changed and c.kind != "chance" for c in changes)
        data = {"levers": levers, "reference": reference, "hash": yours_sc.content_hash()[:12],
                "ref_hash": ref_sc.content_hash()[:12], "n": n}
        done = n >= R
        runs.speculate(levers)  # the settings one lever step away, while the room looks at this one
        return (data, kpis, caption, curve, blocks, t("ws.changed_count", lang, n=changed) if changed else "",
                done, _stamp(data, lang))

    @app.callback(Output("ws-kpis", "children", allow_duplicate=True),
                  Output("ws-window", "children", allow_duplicate=True),
                  Output("ws-curve", "data", allow_duplicate=True),
                  Output("ws-poll", "disabled", allow_duplicate=True),
                  Output("ws-result", "data", allow_duplicate=True),
                  Output("ws-stamp", "children", allow_duplicate=True),
                  Input("ws-poll", "n_intervals"), State("ws-result", "data"), State("lang", "value"),
                  prevent_initial_call=True)
    def poll(_, data, lang):
        if not data:
            return no_update, no_update, no_update, True, no_update, no_update
        lang = lang if lang in i18n.LANGS else i18n.DEFAULT_LANG
        yours_sc, ref_sc, labels = situation(data["levers"], data["reference"], lang)
        n = min(runs.status(yours_sc), runs.status(ref_sc))
        if n <= data.get("n", 0):
            return no_update, no_update, no_update, False, no_update, no_update
        ref_reps, your_reps = runs.reps(ref_sc), runs.reps(yours_sc)
        key = f"{data['hash']}|{data['reference']}|{min(len(ref_reps), len(your_reps))}"
        kpis, caption, curve, n = headline_parts(ref_reps, your_reps, labels, lang, key)
        data = {**data, "n": n}
        return kpis, caption, curve, n >= R, data, _stamp(data, lang)

    @app.callback(Output("ws-fig-why", "figure"), Output("ws-why-title", "children"), Output("ws-why-note", "children"),
                  Output("ws-fig-work", "figure"), Output("ws-work-title", "children"),
                  Output("ws-work-note", "children"),
                  Input("ws-view", "value"), Input("ws-stamp", "children"), State("ws-result", "data"),
                  State("lang", "value"))
    def view(which, _, data, lang):
        if which not in ("why", "work") or not data:
            raise PreventUpdate
        lang = lang if lang in i18n.LANGS else i18n.DEFAULT_LANG
        yours_sc, ref_sc, labels = situation(data["levers"], data["reference"], lang)
        ref_reps, your_reps = runs.reps(ref_sc), runs.reps(yours_sc)
        n = min(len(ref_reps), len(your_reps))
        ref_reps, your_reps = ref_reps[:n], your_reps[:n]
        if which == "why":
            totals_ref, totals = fw.cause_totals(ref_reps), fw.cause_totals(your_reps)
            note = " · ".join(f"{t('cause.' + c, lang)} {i18n.pct(totals_ref[c], lang)} → {i18n.pct(totals[c], lang)}"
                              for c in totals)
            return (fw.fig_causes(ref_reps, your_reps, labels, lang, PANEL_HEIGHT - 60),
                    t("ws.why_title", lang, a=window[0], b=window[1]), note,
                    no_update, no_update, no_update)
        facts = fw.work_facts(ref_reps, your_reps)
        (ta_ref, ta), (rf_ref, rf) = facts["turned_away_per_month"], facts["referrals_per_month"]
        note = [html.Div(t("ws.work_facts", lang, ta_ref=i18n.num(ta_ref, lang), ta=i18n.num(ta, lang),
                           rf_ref=i18n.num(rf_ref, lang), rf=i18n.num(rf, lang))),
                html.Div(fw.capacity_note(facts, lang))]
        return (no_update, no_update, no_update, fw.fig_work(ref_reps, your_reps, labels, lang, PANEL_HEIGHT - 60),
                t("ws.work_title", lang, a=window[0], b=window[1]), note)

    # -- in the browser only: the curve for a month, the months to come hidden, play, values
    app.clientside_callback(ClientsideFunction("workshop", "curve"), Output("ws-fig-ts", "figure"),
                            Input("ws-curve", "data"), Input("ws-month", "value"))
    app.clientside_callback(ClientsideFunction("workshop", "mask"), Output("ws-mask", "title"),
                            Output("ws-month-value", "children"), Input("ws-month", "value"))
    app.clientside_callback(ClientsideFunction("workshop", "play"), Output("ws-play-tick", "disabled"),
                            Output("ws-play", "className"), Output("ws-month", "value", allow_duplicate=True),
                            Input("ws-play", "n_clicks"), State("ws-play-tick", "disabled"),
                            State("ws-month", "value"), State("ws-month", "max"), prevent_initial_call=True)
    app.clientside_callback(ClientsideFunction("workshop", "tick"), Output("ws-month", "value", allow_duplicate=True),
                            Output("ws-play-tick", "disabled", allow_duplicate=True),
                            Output("ws-play", "className", allow_duplicate=True),
                            Input("ws-play-tick", "n_intervals"), State("ws-month", "value"),
                            State("ws-month", "max"), prevent_initial_call=True)
    app.clientside_callback(ClientsideFunction("workshop", "leverValue"), Output("ws-closure-value", "children"),
                            Input("ws-closure", "drag_value"), Input("ws-closure", "value"), State("lang", "value"),
                            State("ws-closure-value", "children"))
    app.clientside_callback(ClientsideFunction("workshop", "hoursValue"), Output("ws-mediation-value", "children"),
                            Input("ws-mediation", "drag_value"), Input("ws-mediation", "value"),
                            State("lang", "value"), State("ws-mediation-value", "children"))
    app.clientside_callback(ClientsideFunction("workshop", "view"), Output("ws-pane-journeys", "style"),
                            Output("ws-pane-why", "style"), Output("ws-pane-work", "style"),
                            Input("ws-view", "value"))

    @app.callback(Output("download", "data", allow_duplicate=True), Input("ws-save", "n_clicks"),
                  State("ws-result", "data"), State("lang", "value"), prevent_initial_call=True)
    def save(n, data, lang):
        if not n or not data or ctx.triggered_id != "ws-save":
            raise PreventUpdate
        return save_payload(data["levers"], state.settings, lang)


def _stamp(data: dict, lang: str) -> str:
    """What the tests and the benchmark wait for: setting, reference, replications drawn, language."""
    return f"{data['hash']}|{data['reference']}|{data['n']}|{lang}"


class _Picker:
    """The persona picker's results as :func:`dashboard.personas.choose` and ``journeys`` read them."""

    def __init__(self, rep: Rep, benefits: list[str]):
        self.benefits = list(benefits)
        self.personas = tuple(p for p in PERSONAS if p.benefit in self.benefits)
        self.slots, self.profiles = rep.slots, rep.profiles


def save_payload(levers: dict, settings, lang: str) -> dict:
    """The trainer's settings as a scenario file an analyst can rerun
    (``sim run atelier.yaml -r 4`` gives the workshop's replications)."""
    name = t("ws.scenario_name", lang)
    sc = workshop_scenario(levers, settings, name=name, description=t("ws.scenario_description", lang))
    return dcc.send_string(sc.to_yaml(), f"{name}.yaml")
