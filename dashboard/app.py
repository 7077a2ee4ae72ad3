"""The Dash app: three tabs (Compare, Workshop, Sweeps), French first, English on demand.

``sim dashboard`` calls :func:`serve`, which binds 127.0.0.1 by default with
debug off.  The page body is rendered by :func:`render` for the chosen
language, and only the active tab's content is in the page.  Controls keep
their values across a language or tab switch through Dash persistence, and
results come back from the run cache, so switching never reruns a model.

Layout of the package: :mod:`.i18n` (the one translation table),
:mod:`.scenarios` (bundled, uploaded and workshop scenarios), :mod:`.runs`
(cache and background jobs), :mod:`.personas`, :mod:`.sweeps` (reading sweep
folders), ``figures_*`` (plotly figures), ``tab_*`` (layout and callbacks of
each tab).
"""

from __future__ import annotations

import logging
import signal
import threading
from dataclasses import dataclass, field
from pathlib import Path

import dash_bootstrap_components as dbc
from dash import Dash, Input, Output, State, dcc, html
from plotly.subplots import make_subplots

from . import i18n, tab_compare, tab_sweeps, tab_workshop
from .config import Settings
from .i18n import t
from .runs import Runner
from .scenarios import Uploads
from .security import QuietRequestHandler, harden
from .theme import empty_figure
from .workshop_runs import WorkshopRuns

log = logging.getLogger(__name__)
ASSETS = Path(__file__).resolve().parent / "assets"


@dataclass
class AppState:
    """Server-side state shared by the callbacks (the browser only holds keys)."""

    settings: Settings
    runner: Runner
    uploads: Uploads
    workshop: WorkshopRuns
    sweeps: dict = field(default_factory=dict)  # name -> (signature, Sweep)

    def close(self) -> None:
        self.runner.close()
        self.workshop.close()


TABS = {"compare": tab_compare, "workshop": tab_workshop, "sweeps": tab_sweeps}


def render(lang: str) -> list:
    """The page body in ``lang``: one header line (title, tabs), then the active tab's
    content (rendered by ``render_tab``)."""
    return [
        html.Div(className="app-header", children=[
            html.Div([html.H1(t("app.title", lang), className="app-title"),
                      html.Div(t("app.subtitle", lang), className="app-subtitle")], className="app-titles"),
            dbc.Tabs(id="tabs", active_tab="compare", persistence=True, persistence_type="session",
                     className="app-tabs",
                     children=[dbc.Tab(label=t(f"tab.{name}", lang), tab_id=name, tab_class_name=f"tab-{name}")
                               for name in TABS]),
        ]),
        html.Div(id="tab-content"),
    ]


def shell(state: AppState) -> html.Div:
    lang = i18n.DEFAULT_LANG
    return html.Div(className="app", children=[
        html.Div(className="lang-switch", children=[
            dbc.RadioItems(id="lang", value=lang, inline=True, persistence=True, persistence_type="local",
                           className="btn-group", inputClassName="btn-check",
                           labelClassName="btn btn-outline-secondary btn-sm",
                           labelCheckedClassName="active",
                           options=[{"label": "FR", "value": "fr"}, {"label": "EN", "value": "en"}]),
        ]),
        # server-side keys only: results and uploads stay on the server
        dcc.Store(id="cmp-job"),
        dcc.Store(id="cmp-result"),
        dcc.Store(id="cmp-uploads", data=[], storage_type="session"),
        dcc.Store(id="ws-result"),
        dcc.Interval(id="cmp-poll", interval=state.settings.poll_ms, disabled=True),
        dcc.Download(id="download"),
        html.Div(id="page", className="page"),  # rendered by switch_language, in the chosen language
    ])


def create_app(settings: Settings | None = None, bound_host: str | None = None) -> Dash:
    """Build the app; ``app.sim_state`` holds the server-side state (``close()`` it when done).

    ``bound_host``: the address the server binds (its names are allowed as ``Host``)."""
    settings = settings or Settings()
    state = AppState(settings=settings,
                     runner=Runner(settings.workers, settings.cache_size,
                                   max_running=settings.max_running_jobs,
                                   max_waiting=settings.max_waiting_jobs),
                     uploads=Uploads(settings), workshop=WorkshopRuns(settings))
    # update_title=None: no "Updating..." page title (Dash accepts None; its stubs say str)
    app = Dash(__name__, title="sim · non-recours", update_title=None,  # type: ignore[arg-type]
               assets_folder=str(ASSETS), suppress_callback_exceptions=True, serve_locally=True)
    app.server.config["MAX_CONTENT_LENGTH"] = settings.request_max_bytes
    app.layout = shell(state)


    @app.callback(Output("page", "children"), Input("lang", "value"))
    def switch_language(lang):
        return render(lang if lang in i18n.LANGS else i18n.DEFAULT_LANG)

    # only the active tab is in the page: hidden tabs compute nothing and graphs size correctly
    @app.callback(Output("tab-content", "children"), Input("tabs", "active_tab"), State("lang", "value"))
    def render_tab(tab, lang):
        lang = lang if lang in i18n.LANGS else i18n.DEFAULT_LANG
        return TABS.get(tab, tab_compare).layout(lang, state)

    tab_compare.register(app, state)
    tab_workshop.register(app, state)
    tab_sweeps.register(app, state)
    state.runner.warm_up()
    # the workshop's shared start (replication 0) in this process, and every preset in the
    # background: the first lever and the usual references are then fast.  In a thread: the
    # server answers at once (its pool's forkserver imports the engine first, which takes
    # long on a loaded machine); a lever that comes earlier waits for the shared start
    threading.Thread(target=state.workshop.warm_and_prefetch, name="workshop-warm", daemon=True).start()
    # plotly builds its templates and subplot machinery once: here, not in the first request
    empty_figure(i18n.DEFAULT_LANG).to_json()
    make_subplots(rows=1, cols=2)
    harden(app, settings, bound_host)  # after every callback: the CSP hashes Dash's inline scripts
    app.sim_state = state  # type: ignore[attr-defined]  # read by the tests and serve()
    return app


def serve(host: str = "127.0.0.1", port: int = 8050, results: str | None = None) -> None:
    """Run the dashboard (``sim dashboard``): loopback only unless ``host`` says otherwise;
    ``results``: the folder whose sweeps the Balayages tab lists (``--results``).

    The default comparison starts computing at once, so that it is ready (or
    nearly) when the browser opens the page.
    """
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    settings = Settings(results_root=Path(results).expanduser().resolve()) if results else Settings()
    app = create_app(settings, bound_host=host)
    tab_compare.prefetch(app.sim_state)
    print(f"Dashboard: http://{host}:{port}/  (Ctrl+C to stop)", flush=True)

    def stop(signum, frame):  # SIGTERM ends the server like Ctrl+C: its workers are killed
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGTERM, stop)
    try:
        app.run(host=host, port=port, debug=False, dev_tools_ui=False, dev_tools_hot_reload=False,
                request_handler=QuietRequestHandler)
    except KeyboardInterrupt:
        pass
    finally:
        app.sim_state.close()
        signal.signal(signal.SIGTERM, previous)
