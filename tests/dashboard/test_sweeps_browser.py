"""The Balayages tab in headless Chromium: it speaks the shared vocabulary, never a path.

Acceptance 6 of issue 12: every string the tab displays — its text, the figures' SVG
text, every option of its dropdowns, and the names and hover texts of the traces — is
walked, in French and in English, and none is a dotted parameter or metric path.  The
analysis is named for what it is (a factorial variance decomposition, not "Sobol"), and
the two replications of the test sweep bring the warning about its intervals.
"""

from __future__ import annotations

import re

import pytest

from dashboard import screenshots as S
from dashboard.i18n import t
from dashboard.sweeps import open_sweep

pytestmark = pytest.mark.browser

# "policies.2.share", "institutions.association_hours", "non_take_up_by_cause.non_demand"
DOTTED = re.compile(r"\b[a-z]+(?:_[a-z0-9]+)*\.(?:\d+|[a-z]+(?:_[a-z0-9]+)+|[a-z]+\.[a-z_]+)\b")


@pytest.fixture(scope="module")
def page(sweep_root):
    from dashboard.app import create_app
    from dashboard.config import Settings
    app = create_app(Settings(results_root=sweep_root, workers=1))
    try:
        with S.serve(app) as url, S.browser(1280, 720) as driver:
            driver.get(url)
            yield driver
    finally:
        app.sim_state.close()


def all_options(driver, dropdown_id: str) -> list[str]:
    """Every option label of a dropdown, as the page holds them (the open list only renders
    the rows in view)."""
    return driver.execute_script(
        "var st = window.store.getState(); var p = st.paths.strs[arguments[0]];"
        "var node = p.reduce((n, k) => n[k], st.layout);"
        "return (node.props.options || []).map(o => String(o.label));", dropdown_id)


def dropdown_options(driver, dropdown_id: str) -> list[str]:
    """The labels a user sees when opening a dropdown (then closed again)."""
    from selenium.webdriver.common.keys import Keys
    S.find(driver, f"#{dropdown_id}").click()
    S.wait(driver, lambda: driver.find_elements("css selector", "[role=option]"), what=f"{dropdown_id} open")
    labels = driver.execute_script(
        "return Array.from(document.querySelectorAll('[role=option]')).map(o => o.innerText.trim())")
    driver.switch_to.active_element.send_keys(Keys.ESCAPE)
    S.wait(driver, lambda: not driver.find_elements("css selector", "[role=listbox]"), what="dropdown closed")
    return labels


def displayed_strings(driver) -> list[str]:
    """Rendered text, SVG text, and the traces' names, hover templates and tick texts."""
    return driver.execute_script(
        "var out = [document.querySelector('.tab-body').innerText];"
        "document.querySelectorAll('svg text').forEach(e => out.push(e.textContent));"
        "document.querySelectorAll('.js-plotly-plot').forEach(g => (g.data || []).forEach(d => {"
        "  out.push(d.name || '', d.hovertemplate || '');"
        "  [d.x, d.y].forEach(a => (a || []).forEach(v => out.push(String(v))));"
        "}));"
        "document.querySelectorAll('[title]').forEach(e => out.push(e.getAttribute('title')));"
        "return out;")


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_every_sweep_label_comes_from_the_vocabulary(page, sweep_root, lang):
    driver = page
    if lang != "fr":
        S.switch_language(driver, lang)
    try:
        S.open_tab(driver, "sweeps")
        stamp = S.tab_ready(driver, "sweeps", lang)
        assert stamp.startswith("closure_x_mediation|non_take_up_rate|")
        strings = displayed_strings(driver)
        seen = {d: dropdown_options(driver, d) for d in ("sw-dir", "sw-metric", "sw-x", "sw-y")}
        options = {d: all_options(driver, d) for d in seen}
        assert all(set(seen[d]) <= set(options[d]) for d in seen)
        strings += [o for opts in [*seen.values(), *options.values()] for o in opts]
        sweep = open_sweep(sweep_root, "closure_x_mediation")
        paths = [*sweep.params, *(m for m in sweep.metrics if "." in m)]
        assert len(options["sw-metric"]) == len(sweep.metrics) > 100
        found = sorted({m.group(0) for s in strings for m in DOTTED.finditer(s)})
        assert found == [], f"dotted paths shown on the sweeps tab ({lang}): {found[:10]}"
        shown = [p for p in paths if any(p in s for s in strings)]
        assert shown == [], shown
        # parameters by label with their unit, the metric with its unit
        share = "Part des guichets fermés (part des guichets)" if lang == "fr" else \
            "Share of counters closed (share of counters)"
        assert share in options["sw-x"], options["sw-x"]
        assert any(o.startswith(t("sw.metric", lang)[:0]) and "(%)" in o for o in options["sw-metric"])
        # the analysis by its name, and the warning about two replications
        title = S.find(driver, "#sw-sensitivity-title").text
        assert title == t("sw.title.factorial", lang) and "Sobol" not in title
        legend = [s for s in strings if s in (t("sw.factorial.S1", lang), t("sw.factorial.ST", lang))]
        assert legend, "the factorial indices are named as main effect / with interactions"
        warning = S.find(driver, ".sw-warning").text
        assert warning.startswith(t("sw.few.replications", lang, have=2, need=10)), warning
    finally:
        if lang != "fr":
            S.switch_language(driver, "fr")


def test_an_empty_results_folder_says_how_to_point_the_tab_at_results(tmp_path):
    from dashboard.app import create_app
    from dashboard.config import Settings
    app = create_app(Settings(results_root=tmp_path, workers=1))
    try:
        with S.serve(app) as url, S.browser(1280, 720) as driver:
            driver.get(url)
            S.open_tab(driver, "sweeps")
            text = S.find(driver, ".sw-empty").text
            assert "sim dashboard --results" in text and str(tmp_path) in text
            assert "sim sweep" in text
    finally:
        app.sim_state.close()
