"""Fixtures for the dashboard tests: headless Chromium for dash_duo, apps, a small sweep.

Browser tests save a screenshot of each tab under ``artifacts/screenshots/``
(git-ignored) and append their timings to ``artifacts/dashboard_timings.json``.
Regenerate the screenshots with::

    .venv/bin/python -m pytest tests/dashboard -m browser
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import tempfile
import time
from pathlib import Path

import pytest
from selenium.webdriver.chrome.options import Options

from dashboard.app import create_app
from dashboard.config import Settings

REPO = Path(__file__).resolve().parents[2]
ARTIFACTS = REPO / "artifacts"
SCREENSHOTS = ARTIFACTS / "screenshots"
TIMINGS = ARTIFACTS / "dashboard_timings.json"
CHROMIUM = os.environ.get("DASH_TEST_CHROMEPATH", "/usr/bin/chromium")
WINDOW = (1600, 1000)


def pytest_setup_options():
    """Options for dash_duo's Chrome driver: Debian's chromium, headless, nothing downloaded."""
    options = Options()
    if Path(CHROMIUM).exists():
        options.binary_location = CHROMIUM
    profile = tempfile.mkdtemp(prefix="dash-chromium-")
    for arg in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--disable-extensions", "--no-first-run", f"--user-data-dir={profile}",
                f"--window-size={WINDOW[0]},{WINDOW[1]}", "--hide-scrollbars", "--lang=fr-FR"):
        options.add_argument(arg)
    return options


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def make_app():
    """Build dashboard apps with chosen settings; their worker processes are closed afterwards."""
    apps = []

    def make(**overrides):
        app = create_app(Settings(**overrides))
        apps.append(app)
        return app

    yield make
    for app in apps:
        app.sim_state.close()


@pytest.fixture
def start(dash_duo, make_app):
    """Start a dashboard in dash_duo on a free port (xdist-safe); returns the browser."""

    def go(**overrides):
        app = make_app(**overrides)
        dash_duo.start_server(app, port=free_port())
        return dash_duo

    return go


@pytest.fixture
def timing():
    """``timing(name, seconds)`` records a measured duration (see :func:`record_timing`)."""
    return record_timing


@pytest.fixture
def shot():
    """``shot(dash_duo, name)`` saves a full-page screenshot (see :func:`screenshot`)."""
    return screenshot


def record_timing(name: str, seconds: float) -> None:
    """Keep a measured duration in artifacts/dashboard_timings.json (never asserted)."""
    ARTIFACTS.mkdir(exist_ok=True)
    try:
        data = json.loads(TIMINGS.read_text())
    except (OSError, ValueError):
        data = {}
    data[name] = {"seconds": round(seconds, 3), "when": time.strftime("%Y-%m-%dT%H:%M:%S")}
    TIMINGS.write_text(json.dumps(data, indent=2) + "\n")
    print(f"[timing] {name}: {seconds:.3f} s")


def screenshot(dash_duo, name: str) -> Path:
    """Save a full-page screenshot of the current tab as artifacts/screenshots/NAME.png."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    driver = dash_duo.driver
    height = driver.execute_script(
        "return Math.max(document.body.scrollHeight, document.documentElement.scrollHeight)")
    driver.set_window_size(WINDOW[0], max(WINDOW[1], height + 40))
    time.sleep(0.8)  # plotly redraws at the new size
    path = SCREENSHOTS / f"{name}.png"
    driver.save_screenshot(str(path))
    driver.set_window_size(*WINDOW)
    return path


@pytest.fixture(scope="session")
def sweep_root(tmp_path_factory):
    """A results root holding one small finished sweep (with sensitivity indices), made by the engine."""
    from sim.experiments.sensitivity import analyse
    from sim.experiments.sweep import sweep

    root = tmp_path_factory.mktemp("results")
    spec = root / "tiny_sweep.yaml"
    spec.write_text(
        "name: tiny_sweep\n"
        "scenario: online_only_2016\n"
        "add_policies:\n"
        "  - {type: counter_closure, start: 0, share: 0.0}\n"
        "set:\n"
        "  population.households: 600\n"
        "  months: 12\n"
        "  report_months: 6\n"
        "design: factorial\n"
        "replications: 2\n"
        "parameters:\n"
        "  policies.2.share: {values: [0.0, 0.5, 1.0]}\n"
        "  institutions.association_hours: {values: [0, 160, 480]}\n"
        "analyse: [non_take_up_rate, autonomy_share]\n", encoding="utf-8")
    out = root / "closure_x_mediation"
    sweep(spec, out, workers=1)
    analyse(out)
    spec.unlink()
    yield root
    shutil.rmtree(root, ignore_errors=True)
