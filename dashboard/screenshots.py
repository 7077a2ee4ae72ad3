"""Screenshots of every tab, in French and English, at projector and desktop sizes.

    .venv/bin/python -m dashboard.screenshots                 # artifacts/screenshots/
    .venv/bin/python -m dashboard.screenshots --out DIR --sizes 1280x720 1920x1080

Starts the dashboard on a free loopback port (with a small sweep under a
temporary results root, so that the sweeps tab has something to show), opens it
in headless Chromium (Debian's ``chromium``; nothing is downloaded) and saves one
PNG per tab, language and window size: ``{tab}_{lang}_{W}x{H}.png`` (what the screen
shows) and, for a page taller than the screen, ``{tab}_{lang}_{W}x{H}_full.png`` (all of it).
Each shot waits for the tab's figures to be drawn (the tab's stamp and plotly's own
state; a full page also waits out plotly's 0.3 s resize debounce).
The browser helpers here are shared by the browser tests and the benchmarks.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import shutil
import socket
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
CHROMIUM = os.environ.get("DASH_TEST_CHROMEPATH", "/usr/bin/chromium")
CHROMEDRIVER = os.environ.get("DASH_TEST_CHROMEDRIVER", "/usr/bin/chromedriver")
FLAGS = ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-quic",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--disable-extensions", "--no-first-run", "--hide-scrollbars", "--force-device-scale-factor=1")
TABS = ("compare", "workshop", "sweeps")
STAMPS = {"compare": "cmp-stamp", "workshop": "ws-stamp", "sweeps": "sw-stamp"}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def chrome_options(width: int = 1280, height: int = 720, lang: str = "fr-FR"):
    from selenium.webdriver.chrome.options import Options
    options = Options()
    if Path(CHROMIUM).exists():
        options.binary_location = CHROMIUM
    for arg in (*FLAGS, f"--user-data-dir={tempfile.mkdtemp(prefix='dash-chromium-')}",
                f"--window-size={width},{height}", f"--lang={lang}"):
        options.add_argument(arg)
    options.set_capability("goog:loggingPrefs", {"browser": "SEVERE"})
    return options


@contextlib.contextmanager
def browser(width: int = 1280, height: int = 720) -> Iterator[Any]:
    """Headless Chromium whose *viewport* is ``width`` x ``height`` CSS pixels."""
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service
    service = Service(CHROMEDRIVER) if Path(CHROMEDRIVER).exists() else Service()
    driver = webdriver.Chrome(options=chrome_options(width, height), service=service)
    try:
        set_viewport(driver, width, height)
        yield driver
    finally:
        driver.quit()


def set_viewport(driver, width: int, height: int) -> None:
    """Resize the window so that the page's viewport is exactly ``width`` x ``height``."""
    driver.set_window_size(width, height)
    for _ in range(3):
        w, h = driver.execute_script("return [window.innerWidth, window.innerHeight]")
        if (w, h) == (width, height):
            return
        size = driver.get_window_size()
        driver.set_window_size(size["width"] + width - w, size["height"] + height - h)


@contextlib.contextmanager
def serve(app, port: int | None = None) -> Iterator[str]:
    """Serve a Dash app on loopback in a thread; yields its URL."""
    import logging

    from werkzeug.serving import make_server
    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    port = port or free_port()
    server = make_server("127.0.0.1", port, app.server, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="dashboard-server", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.shutdown()
        thread.join(timeout=10)


def stamp(driver, stamp_id: str) -> str:
    return driver.execute_script(
        "var e = document.getElementById(arguments[0]); return e ? e.textContent : ''", stamp_id) or ""


def wait(driver, check: Callable[[], Any], timeout: float = 90.0, what: str = "condition") -> Any:
    """Poll ``check()`` (a cheap browser query) until it is truthy; its value."""
    t0 = time.perf_counter()
    while True:
        value = check()
        if value:
            return value
        if time.perf_counter() - t0 > timeout:
            raise TimeoutError(f"waited {timeout:.0f} s for {what}")
        time.sleep(0.02)


def wait_stamp(driver, stamp_id: str, accept: Callable[[str], bool], timeout: float = 90.0) -> str:
    return wait(driver, lambda: (lambda v: v if v and accept(v) else "")(stamp(driver, stamp_id)),
                timeout, f"{stamp_id}")


def graphs_drawn(driver) -> bool:
    """Every visible plotly graph of the page has finished drawing (no pending redraw)."""
    return bool(driver.execute_script(
        "var gs = Array.from(document.querySelectorAll('.js-plotly-plot'))"
        ".filter(g => g.offsetParent !== null);"
        "return gs.every(g => g._fullLayout && !g._transitioning && "
        "(!g._promises || g._promises.length === 0)) && "
        "!document.querySelector('[data-dash-is-loading=\"true\"]');"))


def find(driver, css: str, timeout: float = 90.0):
    """The first element matching ``css``, once the page has rendered it."""
    from selenium.webdriver.common.by import By
    return wait(driver, lambda: (driver.find_elements(By.CSS_SELECTOR, css) or [None])[0], timeout, css)


def choose_option(driver, dropdown_id: str, value: str) -> None:
    """Pick ``value`` in the ``dcc.Dropdown`` ``dropdown_id`` as a user does (open, click),
    and wait until the list is closed and the choice shown."""
    from selenium.webdriver.common.keys import Keys
    find(driver, f"#{dropdown_id}").click()
    option = find(driver, f'[role=option] input[value="{value}"]')
    label = driver.execute_script("return arguments[0].closest('[role=option]').innerText.trim()", option)
    driver.execute_script("arguments[0].closest('[role=option]').click()", option)
    if driver.find_elements("css selector", "[role=listbox]"):
        driver.switch_to.active_element.send_keys(Keys.ESCAPE)
    wait(driver, lambda: not driver.find_elements("css selector", "[role=listbox]"), what="dropdown closed")
    wait(driver, lambda: driver.execute_script(
        "var e = document.getElementById(arguments[0] + '-value'); return e && e.innerText.trim() === arguments[1];",
        dropdown_id, label), what=f"{dropdown_id} showing {label!r}")


def open_tab(driver, name: str) -> None:
    find(driver, f".tab-{name} a").click()


def switch_language(driver, lang: str) -> None:
    """Click the FR/EN switch and wait until the page is rendered again in ``lang``."""
    from selenium.webdriver.common.by import By

    from dashboard.i18n import t
    wait(driver, lambda: driver.find_elements(By.XPATH, f"//label[normalize-space()='{lang.upper()}']"),
         what="language switch")[0].click()
    label = t("tab.workshop", lang)
    wait(driver, lambda: driver.execute_script(
        "var a = document.querySelector('.tab-workshop a'); return a && a.textContent === arguments[0];", label),
        what=f"page in {lang}")


def tab_ready(driver, tab: str, lang: str) -> str:
    """Wait until the tab shows its figures in ``lang`` (its stamp ends with the language)."""
    def ok(v: str) -> bool:
        if tab == "compare":
            return f"|{lang}|" in v
        return v.endswith(f"|{lang}") or f"|{lang}|" in v
    value = wait_stamp(driver, STAMPS[tab], ok)
    wait(driver, lambda: graphs_drawn(driver), what="figures drawn")
    return value


def full_page(driver, path: Path, width: int, height: int) -> Path | None:
    """The whole page in one image when it is taller than the viewport (else None); the
    viewport is restored afterwards."""
    total = int(driver.execute_script("return document.documentElement.scrollHeight"))
    if total <= height + 1:
        return None
    set_viewport(driver, width, total)
    wait(driver, lambda: graphs_drawn(driver), what="figures redrawn")
    time.sleep(0.3)  # plotly's responsive resize is debounced
    driver.save_screenshot(str(path))
    set_viewport(driver, width, height)
    wait(driver, lambda: graphs_drawn(driver), what="figures redrawn")
    return path


def small_sweep(root: Path) -> Path:
    """A finished two-parameter factorial sweep with sensitivity indices, under ``root``."""
    from sim.experiments.sensitivity import analyse
    from sim.experiments.sweep import sweep
    spec = root / "tiny_sweep.yaml"
    spec.write_text(
        "name: tiny_sweep\nscenario: online_only_2016\n"
        "add_policies:\n  - {type: counter_closure, start: 0, share: 0.0}\n"
        "set:\n  population.households: 600\n  months: 12\n  report_months: 6\n"
        "design: factorial\nreplications: 2\n"
        "parameters:\n  policies.2.share: {values: [0.0, 0.5, 1.0]}\n"
        "  institutions.association_hours: {values: [0, 160, 480]}\n"
        "analyse: [non_take_up_rate, autonomy_share]\n", encoding="utf-8")
    out = root / "closure_x_mediation"
    sweep(spec, out, workers=1)
    analyse(out)
    spec.unlink()
    return out


def take(out: Path, sizes: list[tuple[int, int]], langs: tuple[str, ...] = ("fr", "en")) -> list[Path]:
    """Screenshots of every tab in every language and size; the files written."""
    from dashboard.app import create_app
    from dashboard.config import Settings
    out.mkdir(parents=True, exist_ok=True)
    root = Path(tempfile.mkdtemp(prefix="dash-results-"))
    written = []
    try:
        small_sweep(root)
        app = create_app(Settings(results_root=root))
        try:
            from dashboard.tab_compare import prefetch
            prefetch(app.sim_state)
            with serve(app) as url:
                for width, height in sizes:
                    with browser(width, height) as driver:
                        driver.get(url)
                        for lang in langs:
                            if lang != "fr":
                                switch_language(driver, lang)
                            for tab in TABS:
                                open_tab(driver, tab)
                                tab_ready(driver, tab, lang)
                                path = out / f"{tab}_{lang}_{width}x{height}.png"
                                driver.save_screenshot(str(path))  # what the screen shows
                                written.append(path)
                                print(path)
                                full = full_page(driver, out / f"{tab}_{lang}_{width}x{height}_full.png",
                                                 width, height)
                                if full is not None:  # the whole page, when it scrolls
                                    written.append(full)
                                    print(full)
                            if lang != "fr":
                                switch_language(driver, "fr")
        finally:
            app.sim_state.close()
    finally:
        shutil.rmtree(root, ignore_errors=True)
    return written


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--out", type=Path, default=REPO / "artifacts" / "screenshots")
    ap.add_argument("--sizes", nargs="+", default=["1280x720", "1920x1080"], help="WxH viewports")
    args = ap.parse_args(argv)
    sizes = [tuple(int(v) for v in s.lower().split("x")) for s in args.sizes]
    take(args.out, [(w, h) for w, h in sizes])
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
