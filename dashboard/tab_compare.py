"""Compare tab (policy analysts): two to four scenarios, paired, with uncertainty.

The run button submits a background job (:mod:`dashboard.runs`); an interval
polls its progress; the figures are drawn from the cache once it is done.
On first load the two bundled scenarios are compared at the default size.
"""

from __future__ import annotations

import io
import logging

import dash_bootstrap_components as dbc
import pandas as pd
from dash import Input, Output, State, ctx, dcc, html, no_update
from dash.exceptions import PreventUpdate

import sim
from sim.output import group_rows, replication_rows, timeseries_rows
from sim.texts import error as error_text

from . import figures_compare as fc
from . import figures_ledger as fl
from . import i18n
from .components import dropdown, field_label, graph, graph_card, help_icon, stamp
from .i18n import t
from .runs import Busy
from .scenarios import UploadError, UploadProblems, bundled_names, colours_for, display_name, resolve, safe_filename
from .theme import empty_figure

log = logging.getLogger(__name__)

DEFAULT_SCENARIOS = ["bundled:baseline_2013", "bundled:online_only_2016"]
CARD_KINDS = {card: kind for card, _, kind in fc.CARD_METRICS}


def _options(uploads: list[dict], lang: str, selected: list | None = None, limit: int | None = None) -> list[dict]:
    """Every bundled scenario by its human name, then the uploads; with ``limit`` scenarios
    already ``selected``, the others are shown but cannot be picked."""
    opts = [{"label": display_name(f"bundled:{n}", None, lang), "value": f"bundled:{n}"}
            for n in bundled_names()]
    opts += [{"label": u["name"], "value": u["key"]} for u in uploads or []]
    chosen = set(selected or [])
    if limit is not None and len(chosen) >= limit:
        for o in opts:
            o["disabled"] = o["value"] not in chosen
    return opts


def layout(lang: str, state) -> dbc.Row:
    s = state.settings
    number = dict(type="number", persistence=True, persistence_type="session", debounce=True, size="sm")
    controls = dbc.Card(dbc.CardBody([
        html.H2(t("cmp.settings", lang), className="panel-title"),
        field_label(t("cmp.scenarios", lang), "cmp-scenarios-help", t("cmp.scenarios_help", lang)),
        dropdown("cmp-scenarios", lang, multi=True, value=DEFAULT_SCENARIOS, options=_options([], lang),
                 clearable=False, persistence=True, persistence_type="session", maxHeight=420,
                 optionHeight=44, className="cmp-scenarios", placeholder=t("cmp.scenarios", lang)),
        html.Div(id="cmp-limit", className="limit-line"),
        dcc.Upload(id="cmp-upload", className="upload-box", multiple=False, accept=".yaml,.yml",
                   max_size=s.request_max_bytes // 2,
                   children=html.Div([html.Div(t("cmp.upload", lang)),
                                      html.Small(t("cmp.upload_help", lang), className="text-muted")])),
        html.Div(id="cmp-upload-msg"),
        dbc.Row([
            dbc.Col([field_label(t("cmp.households", lang), html_for="cmp-households"),
                     dbc.Input(id="cmp-households", value=s.compare_households, min=500,
                               max=s.max_households, step=500, **number)], width=12),
            dbc.Col([field_label(t("cmp.replications", lang), "cmp-reps-help",
                                 t("cmp.replications_help", lang), html_for="cmp-replications"),
                     dbc.Input(id="cmp-replications", value=s.compare_replications, min=1,
                               max=s.max_replications, step=1, **number)], width=6),
            dbc.Col([field_label(t("cmp.seed", lang), "cmp-seed-help", t("cmp.seed_help", lang),
                                 html_for="cmp-seed"),
                     dbc.Input(id="cmp-seed", value=s.compare_seed, min=0, step=1, **number)], width=6),
        ], className="g-2 mt-1"),
        html.Div([
            dbc.Button(t("cmp.run", lang), id="cmp-run", color="primary", className="me-2"),
            dbc.Button(t("cmp.cancel", lang), id="cmp-cancel", color="secondary", outline=True),
        ], className="mt-3"),
        dbc.Progress(id="cmp-progress", value=0, className="mt-3", style={"height": "1.2rem"}),
        html.Div(id="cmp-status", className="status-line"),
        html.Hr(),
        html.H2(t("cmp.downloads", lang), className="panel-title"),
        html.Div([
            dbc.Button(t("cmp.download_ts", lang), id="cmp-dl-ts", size="sm", outline=True, color="primary"),
            dbc.Button(t("cmp.download_groups", lang), id="cmp-dl-groups", size="sm", outline=True,
                       color="primary"),
            dbc.Button(t("cmp.download_summary", lang), id="cmp-dl-summary", size="sm", outline=True,
                       color="primary"),
        ], className="download-buttons"),
        html.Div([
            dropdown("cmp-yaml-which", lang, clearable=False, className="yaml-which"),
            dbc.Button("YAML", id="cmp-dl-yaml", size="sm", outline=True, color="primary"),
        ], className="yaml-row"),
    ]), className="panel")

    sankey_controls = dbc.Row([
        dbc.Col([field_label(t("sankey.scenario", lang)),
                 dropdown("cmp-sankey-scenario", lang, clearable=False, searchable=False)], md=6),
        dbc.Col([field_label(t("sankey.benefit", lang)),
                 dropdown("cmp-sankey-benefit", lang, clearable=False, value="all", searchable=False,
                          persistence=True, persistence_type="session",
                          options=[{"label": t("benefit.all", lang), "value": "all"}])], md=6),
    ], className="g-2 mb-2")
    sankeys = dbc.Card(dbc.CardBody([
        html.H3(t("fig.sankey", lang), className="card-title-figure"),
        sankey_controls,
        dbc.Row([
            dbc.Col([html.Div(id="cmp-sankey-ref-title", className="sankey-title"),
                     graph("cmp-fig-sankey-ref", fc.HEIGHTS["sankey"])], md=6),
            dbc.Col([html.Div(id="cmp-sankey-title", className="sankey-title"),
                     graph("cmp-fig-sankey", fc.HEIGHTS["sankey"])], md=6),
        ], className="g-2"),
        html.Div(t("sankey.note", lang), className="figure-note"),
        html.Ul([html.Li([html.B(name), " : " if lang != "en" else ": ", meaning])
                 for name, meaning in fc.sankey_legend(lang)], className="sankey-legend figure-note"),
    ]), className="figure-card")

    results = html.Div([
        html.Div(id="cmp-meta", className="meta-line"),
        dbc.Row(id="cmp-cards", className="g-3 mb-1"),
        dbc.Row([
            dbc.Col(graph_card(t("fig.difference", lang), "cmp-fig-diff", fc.HEIGHTS["ts"],
                               t("fig.difference_note", lang)), lg=6),
            dbc.Col(graph_card(t("fig.ntu_time", lang), "cmp-fig-ts", fc.HEIGHTS["ts"], t("fig.ntu_time_note", lang)),
                    lg=6),
        ], className="g-3 mt-0"),
        dbc.Row([
            dbc.Col(graph_card(t("fig.causes", lang), "cmp-fig-causes", fc.HEIGHTS["causes"]), lg=6),
            dbc.Col(graph_card(t("fig.concentration", lang), "cmp-fig-concentration",
                               fc.HEIGHTS["concentration"], t("fig.concentration_note", lang)), lg=6),
        ], className="g-3 mt-0"),
        dbc.Row(dbc.Col(graph_card(t("fig.groups", lang), "cmp-fig-groups", fc.HEIGHTS["groups"])),
                className="g-3 mt-0"),
        dbc.Row(dbc.Col(graph_card(t("fig.workload", lang), "cmp-fig-workload", fc.HEIGHTS["workload"])),
                className="g-3 mt-0"),
        dbc.Row(dbc.Col(sankeys), className="g-3 mt-0"),
        # who pays? the cost ledger in national terms, as in sim compare and sim report
        dbc.Row(dbc.Col(graph_card(fl.title(lang), "cmp-fig-ledger", fl.HEIGHT)), className="g-3 mt-0"),
        dbc.Row(dbc.Col(dbc.Card(dbc.CardBody(html.Div(id="cmp-ledger-table")),
                                 className="figure-card")), className="g-3 mt-0"),
        stamp("cmp-stamp"),
    ])
    return dbc.Row([dbc.Col(controls, xl=3, lg=4), dbc.Col(results, xl=9, lg=8)], className="g-3 tab-body")


# -- callbacks -------------------------------------------------------------------------------

def _int(value, lo: int, hi: int, default: int) -> int:
    try:
        v = int(value)
    except (TypeError, ValueError, OverflowError):
        return default
    return min(max(v, lo), hi)


def _running(state, job, lang: str):
    """The status line of a running job: computing, or waiting in line (and how far back)."""
    if job.waiting:
        return _alert(t("cmp.waiting", lang, n=state.runner.ahead(job) + 1), "info")
    return t("common.loading", lang)


def upload_problems(err: sim.ScenarioError, name: str, lang: str):
    """Every problem of a refused upload, in the page's language: a title, then one line each
    ("mauvais.yaml: policies[0].type: politique inconnue ...", as `sim validate --lang fr`)."""
    found = err.problems if isinstance(err, UploadProblems) else [err]
    lines = [error_text(str(p), lang) for p in found]
    return dbc.Alert([html.Div(t("cmp.upload_problems", lang, name=name, n=len(lines)), className="fw-semibold"),
                      html.Ul([html.Li(x) for x in lines], className="upload-problems")],
                     color="danger", className="mt-2 mb-0 py-2")


def _alert(text: str, colour: str = "danger"):
    return dbc.Alert(text, color=colour, className="mt-2 mb-0 py-2")


# which way is worse, per card: +1 a rise is a cost (more non-take-up, more unclaimed euros,
# more hours pushed onto services), -1 a fall is (the concentration index is negative when
# non-take-up gathers among the poorest)
WORSE = {"non_take_up": 1, "unclaimed": 1, "delegated": 1, "concentration": -1}


def _card(card: str, rows: list[dict], entries: list[fc.Entry], lang: str) -> dbc.Col:
    """A card leads with the difference B − reference (large, coloured by direction, grey
    when its paired interval includes zero) and its interval; the values come after, small."""
    kind = CARD_KINDS[card]
    items = []
    ref_value = fc.format_value(kind, rows[0]["mean"], lang)
    for row, e in list(zip(rows, entries))[1:]:
        verdict = row["verdict"]
        if verdict in ("up", "down"):
            worse = (verdict == "up") == (WORSE[card] > 0)
            cls = "verdict-up" if worse else "verdict-down"
        else:
            cls = f"verdict-{verdict}"
        head = [html.Span(className="swatch", style={"background": e.colour}),
                html.Span(e.label, className="card-scenario")]
        if row["diff"] is None:
            big = [html.Span(fc.format_value(kind, row["mean"], lang), className="card-diff-big")]
        else:
            diff = fc.format_value(kind, row["diff"], lang, diff=True)
            dci = fc.format_ci(kind, row["diff_ci95"], lang, diff=True)
            big = [html.Span(diff, className="card-diff-big"),
                   html.Span(dci, className="card-diff-ci", title=t("common.ci", lang)) if dci else None]
        cue = None
        if verdict == "noise":
            cue = html.Div(t("card.noise", lang), className="noise-cue card-cue", title=t("card.noise_help", lang))
        elif verdict == "same":
            cue = html.Div(t("card.same", lang), className="noise-cue card-cue")
        elif verdict == "one":
            cue = html.Div(t("card.one", lang), className="noise-cue card-cue")
        value = t("card.value_of", lang, value=fc.format_value(kind, row["mean"], lang), ref=ref_value)
        items.append(html.Div([html.Div(head, className="card-who"), html.Div(big, className="card-number"), cue,
                               html.Div(value, className="card-abs")], className=f"card-row {cls}"))
    title = [html.Span(t(f"card.{card}", lang), className="card-metric")]
    title += help_icon(f"cmp-card-help-{card}", t(f"card.{card}_help", lang))
    ref = html.Div([html.Span(className="swatch", style={"background": entries[0].colour}),
                    t("card.vs_ref", lang, ref=entries[0].label)], className="card-ref-line")
    return dbc.Col(dbc.Card(dbc.CardBody([html.Div(title, className="card-head"), ref, *items]),
                            className=f"metric-card h-100 card-{card}", id=f"cmp-card-{card}"), md=6, xxl=3)


def _entries(result: dict, state, lang: str) -> list[fc.Entry] | None:
    if not result or not result.get("keys"):
        return None
    colours = colours_for(result["scenarios"])
    entries = []
    for key, ck in zip(result["scenarios"], result["keys"]):
        hit = state.runner.get(tuple(ck))
        if hit is None:
            return None
        res = hit[0]
        sc = state.uploads.get(key) if key.startswith("upload:") else None
        entries.append(fc.Entry(key, display_name(key, sc or res.scenario, lang), colours[key], res))
    return entries


def _side(e: fc.Entry, key: str, lang: str) -> list:
    return [html.Span(className="swatch", style={"background": e.colour}), t(key, lang, name=e.label)]


def _csv(rows: list[dict]) -> str:
    buf = io.StringIO()
    pd.DataFrame(rows).to_csv(buf, index=False)
    return buf.getvalue()


def default_comparison(state) -> list:
    """The bundled scenarios shown on first load, at the default size."""
    n = state.settings.compare_households
    return [resolve(k, state.uploads).with_overrides({"population.households": n}) for k in DEFAULT_SCENARIOS]


def prefetch(state) -> None:
    """Start the first-load comparison in the background (the page then finds it running or done)."""
    s = state.settings
    state.runner.submit(default_comparison(state), s.compare_seed, s.compare_replications)


def register(app, state) -> None:
    s = state.settings
    fl.register(app, state, _entries)

    @app.callback(Output("cmp-scenarios", "options"), Output("cmp-limit", "children"),
                  Input("cmp-uploads", "data"), Input("cmp-scenarios", "value"), State("lang", "value"))
    def scenario_options(uploads, selected, lang):
        full = len(selected or []) >= s.max_scenarios
        return (_options(uploads, lang, selected, s.max_scenarios),
                t("cmp.limit", lang, n=s.max_scenarios) if full else "")

    @app.callback(Output("cmp-uploads", "data"), Output("cmp-upload-msg", "children"),
                  Output("cmp-scenarios", "value", allow_duplicate=True),
                  Input("cmp-upload", "contents"), State("cmp-upload", "filename"),
                  State("cmp-uploads", "data"), State("cmp-scenarios", "value"), State("lang", "value"),
                  prevent_initial_call=True)
    def upload(contents, filename, uploads, selected, lang):
        if not contents:
            raise PreventUpdate
        try:
            sc = state.uploads.add(contents, filename)
        except UploadError as err:
            msg = (t("cmp.upload_too_big", lang, kb=s.upload_max_bytes // 1000) if err.kind == "too_big"
                   else t("cmp.upload_unreadable", lang))
            return no_update, _alert(msg), no_update
        except sim.ScenarioError as err:  # the strict validator's lines, never a traceback
            return no_update, upload_problems(err, safe_filename(filename), lang), no_update
        key = state.uploads.key_of(sc)
        uploads = [u for u in (uploads or []) if u["key"] != key] + [{"key": key, "name": sc.name}]
        uploads = uploads[-s.max_uploads:]
        selected = list(selected or [])
        if key not in selected and len(selected) < s.max_scenarios:
            selected.append(key)
        return uploads, _alert(t("cmp.upload_ok", lang, name=sc.name), "success"), selected

    @app.callback(Output("cmp-job", "data"), Output("cmp-poll", "disabled"),
                  Output("cmp-status", "children"), Output("cmp-progress", "value"),
                  Output("cmp-progress", "label"), Output("cmp-result", "data", allow_duplicate=True),
                  Input("cmp-run", "n_clicks"),
                  State("cmp-scenarios", "value"), State("cmp-households", "value"),
                  State("cmp-replications", "value"), State("cmp-seed", "value"), State("lang", "value"),
                  State("cmp-result", "data"), State("cmp-job", "data"),
                  prevent_initial_call="initial_duplicate")
    def run(n_clicks, selected, households, replications, seed, lang, shown, job_data):
        if not n_clicks and (shown or job_data):
            # the tab was re-rendered (language or tab switch): keep what is shown or running
            job = state.runner.job((job_data or {}).get("job"))
            if job is not None and job.running:
                return no_update, False, _running(state, job, lang), 100 * job.done / max(job.total, 1), "", no_update
            if not shown:
                return no_update, no_update, "", 0, "", no_update
            done = (t("cmp.cached", lang) if shown.get("cached")
                    else t("cmp.done", lang, s=i18n.num(shown.get("elapsed", 0), lang, 1)))
            return no_update, no_update, done, 100, "", no_update
        selected = list(dict.fromkeys(selected or []))
        if len(selected) < 2:
            return no_update, True, _alert(t("cmp.need_two", lang), "warning"), 0, "", no_update
        if len(selected) > s.max_scenarios:
            return no_update, True, _alert(t("cmp.too_many", lang, n=s.max_scenarios), "warning"), 0, "", no_update
        n = _int(households, 500, s.max_households, s.compare_households)
        r = _int(replications, 1, s.max_replications, s.compare_replications)
        seed = _int(seed, 0, 2**32 - 1, s.compare_seed)
        scenarios = []
        for key in selected:
            sc = resolve(key, state.uploads)
            if sc is None:
                return no_update, True, _alert(t("cmp.unknown_scenario", lang)), 0, "", no_update
            try:
                scenarios.append(sc.with_overrides({"population.households": n}))
            except sim.ScenarioError as err:
                return no_update, True, _alert(t("cmp.upload_error", lang, msg=str(err))), 0, "", no_update
        work = sum(n * sc.data["months"] * r for sc in scenarios)
        if work > s.max_work:
            return (no_update, True, _alert(t("cmp.too_much_work", lang, hm=i18n.num(work, lang)), "warning"),
                    0, "", no_update)
        try:
            job = state.runner.submit(scenarios, seed, r)
        except Busy:
            return no_update, True, _alert(t("cmp.busy", lang), "warning"), 0, "", no_update
        payload = {"job": job.id, "scenarios": selected, "keys": [list(k) for k in job.keys]}
        if not job.running:
            result = {**payload, "elapsed": job.elapsed, "cached": job.from_cache}
            return payload, True, t("cmp.cached", lang), 100, "", result
        return payload, False, _running(state, job, lang), 0, "", no_update

    @app.callback(Output("cmp-progress", "value", allow_duplicate=True),
                  Output("cmp-progress", "label", allow_duplicate=True),
                  Output("cmp-status", "children", allow_duplicate=True),
                  Output("cmp-result", "data", allow_duplicate=True),
                  Output("cmp-poll", "disabled", allow_duplicate=True),
                  Input("cmp-poll", "n_intervals"), State("cmp-job", "data"), State("lang", "value"),
                  prevent_initial_call=True)
    def poll(_, payload, lang):
        job = state.runner.job((payload or {}).get("job"))
        if job is None:
            return 0, "", "", no_update, True
        label = t("cmp.progress", lang, done=job.done, total=job.total)
        value = 100 * job.done / max(job.total, 1)
        if job.running:
            return value, label, _running(state, job, lang), no_update, False
        if job.error:
            return value, "", _alert(t("cmp.failed", lang, msg=job.error)), no_update, True
        if job.cancelled:
            return value, "", _alert(t("cmp.cancelled", lang), "secondary"), no_update, True
        result = {**payload, "elapsed": job.elapsed, "cached": False}
        return 100, "", t("cmp.done", lang, s=i18n.num(job.elapsed, lang, 1)), result, True

    @app.callback(Output("cmp-status", "children", allow_duplicate=True), Input("cmp-cancel", "n_clicks"),
                  State("cmp-job", "data"), State("lang", "value"), prevent_initial_call=True)
    def cancel(n_clicks, payload, lang):
        if not n_clicks:
            raise PreventUpdate
        state.runner.cancel((payload or {}).get("job"))
        return t("cmp.cancelled", lang)

    @app.callback(Output("cmp-cards", "children"), Output("cmp-meta", "children"),
                  Output("cmp-fig-ts", "figure"), Output("cmp-fig-causes", "figure"),
                  Output("cmp-fig-groups", "figure"), Output("cmp-fig-workload", "figure"),
                  Output("cmp-fig-concentration", "figure"), Output("cmp-fig-diff", "figure"),
                  Output("cmp-sankey-scenario", "options"), Output("cmp-sankey-scenario", "value"),
                  Output("cmp-sankey-benefit", "options"),
                  Output("cmp-yaml-which", "options"), Output("cmp-yaml-which", "value"),
                  Output("cmp-stamp", "children"),
                  Input("cmp-result", "data"), State("cmp-sankey-scenario", "value"), State("lang", "value"))
    def figures(result, sankey_value, lang):
        entries = _entries(result, state, lang)
        if not entries:
            empty = empty_figure(lang)
            return [], "", empty, empty, empty, empty, empty, empty, [], None, no_update, [], None, "empty"
        ref = entries[0].result
        meta = t("cmp.meta", lang, n=i18n.num(ref.scenario.data["population"]["households"], lang),
                 r=len(ref.replications), seed=ref.seed, m=ref.scenario.data["report_months"])
        heads = fc.headline(entries)
        cards = [_card(card, heads[card], entries, lang) for card, _, _ in fc.CARD_METRICS]
        opts = [{"label": e.label, "value": e.key} for e in entries]
        keys = [e.key for e in entries]
        sankey_value = sankey_value if sankey_value in keys[1:] else keys[-1]
        benefits = [{"label": t("benefit.all", lang), "value": "all"}] + [
            {"label": i18n.label("benefit", b, lang), "value": b} for b in ref.scenario.benefits]
        return (cards, meta, fc.fig_timeseries(entries, lang), fc.fig_causes(entries, lang),
                fc.fig_groups(entries, lang), fc.fig_workload(entries, lang),
                fc.fig_concentration(entries, lang), fc.fig_difference(entries, lang), opts[1:], sankey_value,
                benefits, opts, keys[0],
                f"{result.get('job')}|{lang}|{len(entries)}")

    @app.callback(Output("cmp-fig-sankey-ref", "figure"), Output("cmp-fig-sankey", "figure"),
                  Output("cmp-sankey-ref-title", "children"), Output("cmp-sankey-title", "children"),
                  Input("cmp-sankey-scenario", "value"), Input("cmp-sankey-benefit", "value"),
                  State("cmp-result", "data"), State("lang", "value"))
    def sankey(which, benefit, result, lang):
        entries = _entries(result, state, lang)
        if not entries:
            return empty_figure(lang), empty_figure(lang), "", ""
        entry = next((e for e in entries[1:] if e.key == which), entries[-1])
        b = None if benefit in (None, "all") else benefit
        ref = entries[0]
        return (fc.fig_sankey(ref, b, lang), fc.fig_sankey(entry, b, lang),
                _side(ref, "sankey.side_reference", lang), _side(entry, "sankey.side_other", lang))

    @app.callback(Output("download", "data", allow_duplicate=True),
                  Input("cmp-dl-ts", "n_clicks"), Input("cmp-dl-groups", "n_clicks"),
                  Input("cmp-dl-summary", "n_clicks"), Input("cmp-dl-yaml", "n_clicks"),
                  State("cmp-result", "data"), State("cmp-yaml-which", "value"), State("lang", "value"),
                  prevent_initial_call=True)
    def download(n_ts, n_groups, n_summary, n_yaml, result, which, lang):
        if not ctx.triggered_id or not any((n_ts, n_groups, n_summary, n_yaml)):
            raise PreventUpdate
        entries = _entries(result, state, lang)
        if not entries:
            raise PreventUpdate
        return download_payload(ctx.triggered_id, entries, which)


def download_payload(button: str, entries: list[fc.Entry], which: str | None) -> dict:
    """The file behind a download button: CSV with a ``scenario`` column, or a scenario's YAML."""
    if button == "cmp-dl-yaml":
        entry = next((e for e in entries if e.key == which), entries[0])
        return dcc.send_string(entry.result.scenario.to_yaml(), f"{entry.result.scenario.name}.yaml")
    make = {"cmp-dl-ts": (timeseries_rows, "timeseries"), "cmp-dl-groups": (group_rows, "groups"),
            "cmp-dl-summary": (replication_rows, "replications")}[button]
    rows = [{"scenario": e.result.scenario.name, **row} for e in entries for row in make[0](e.result)]
    return dcc.send_string(_csv(rows), f"comparison_{make[1]}.csv")

