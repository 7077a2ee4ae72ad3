"""The real dashboard in headless Chromium (dash_duo): every tab, a lever, the language, an upload.

Each test saves a screenshot of its tab under artifacts/screenshots/ and
records its timings in artifacts/dashboard_timings.json (reported, never
asserted).  Regenerate the screenshots with::

    .venv/bin/python -m pytest tests/dashboard -m browser
"""

from __future__ import annotations

import re
import time

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys

from dashboard.i18n import TABLE
from sim.present import LABELS

pytestmark = pytest.mark.browser

TIMEOUT = 60  # generous: CI machines are shared


def stamp(dash_duo, stamp_id: str) -> str:
    return dash_duo.driver.execute_script(
        f"var e = document.getElementById('{stamp_id}'); return e ? e.textContent : ''") or ""


def wait_stamp(dash_duo, stamp_id: str, accept, timeout: float = TIMEOUT, poll: float = 0.01) -> tuple[str, float]:
    """Wait until ``accept(stamp)``; return the stamp and the seconds it took."""
    t0 = time.perf_counter()
    while True:
        value = stamp(dash_duo, stamp_id)
        if value and accept(value):
            return value, time.perf_counter() - t0
        if time.perf_counter() - t0 > timeout:
            raise AssertionError(f"{stamp_id} stayed at {value!r} for {timeout} s")
        time.sleep(poll)


def open_tab(dash_duo, name: str) -> None:
    dash_duo.driver.find_element(By.CSS_SELECTOR, f".tab-{name} a, .tab-{name}").click()


def traces(dash_duo, graph_id: str) -> list:
    """The data of a rendered plotly graph, as the browser holds it."""
    return dash_duo.driver.execute_script(
        f"var g = document.querySelector('#{graph_id} .js-plotly-plot');"
        "return g && g.data ? g.data.map(t => [t.name || '', t.x || null, t.y || null, t.z || null]) : [];")


def visible_text(dash_duo) -> str:
    """Text a viewer sees: the page's rendered text plus the figures' SVG text."""
    return dash_duo.driver.execute_script(
        "return document.body.innerText + '\\n' + Array.from(document.querySelectorAll('svg text'))"
        ".map(e => e.textContent).join('\\n');")


def no_console_errors(dash_duo) -> None:
    logs = [entry for entry in dash_duo.get_logs() if entry.get("level") == "SEVERE"]
    assert logs == [], logs


def test_compare_tab_runs_two_bundled_scenarios_and_rejects_a_bad_upload(start, tmp_path, timing, shot):
    t0 = time.perf_counter()
    dash_duo = start()
    page_loaded = time.perf_counter() - t0
    first, _ = wait_stamp(dash_duo, "cmp-stamp", lambda s: s != "empty")
    timing("compare_first_load_s (server start + page + two bundled scenarios, 20,000 households, "
                  "3 replications)", time.perf_counter() - t0)
    timing("compare_page_load_s", page_loaded)
    assert first.endswith("|fr|2")
    cards = dash_duo.driver.find_elements(By.CSS_SELECTOR, ".metric-card")
    assert len(cards) == 4
    for graph in ("cmp-fig-diff", "cmp-fig-ts", "cmp-fig-causes", "cmp-fig-groups", "cmp-fig-workload",
                  "cmp-fig-concentration", "cmp-fig-sankey-ref", "cmp-fig-sankey"):
        assert traces(dash_duo, graph), graph
    # each card leads with the paired difference and its interval, then the values
    for card in cards:
        big = card.find_elements(By.CSS_SELECTOR, ".card-diff-big")
        assert len(big) == 1 and big[0].text[:1] in "+−-0", card.text
        assert card.find_elements(By.CSS_SELECTOR, ".card-diff-ci") or "hasard" in card.text, card.text
    assert "vs 2013 : tous les guichets ouverts" in dash_duo.find_element("#cmp-cards").text
    # human names of the scenarios everywhere, and the picker offers every bundled one
    assert "online_only_2016" not in visible_text(dash_duo)
    dash_duo.find_element("#cmp-scenarios").click()
    options = dash_duo.driver.find_elements(By.CSS_SELECTOR, "[role=option]")
    assert len(options) == 8, [o.text for o in options]
    assert not [b for b in dash_duo.driver.find_elements(By.CSS_SELECTOR, ".dash-dropdown-action-button")
                if b.is_displayed() and "Tout sélectionner" in b.text]
    dash_duo.driver.switch_to.active_element.send_keys(Keys.ESCAPE)

    # a cold comparison from the button (new seed: nothing cached)
    seed = dash_duo.find_element("#cmp-seed")
    seed.send_keys(Keys.CONTROL, "a")
    seed.send_keys("777", Keys.TAB)
    t1 = time.perf_counter()
    dash_duo.find_element("#cmp-run").click()
    wait_stamp(dash_duo, "cmp-stamp", lambda s: s != first and s.endswith("|fr|2"))
    timing("compare_click_to_figures_s (two bundled scenarios, 20,000 households, 3 replications, cold)",
                  time.perf_counter() - t1)
    assert "777" in dash_duo.find_element("#cmp-meta").text
    time.sleep(0.5)
    shot(dash_duo, "compare")

    # a scenario file with an unknown policy: the validator's one line, no traceback
    bad = tmp_path / "mauvais.yaml"
    bad.write_text("name: mauvais\npolicies:\n  - type: teleportation\n    start: 0\n", encoding="utf-8")
    dash_duo.driver.find_element(By.CSS_SELECTOR, "#cmp-upload input[type=file]").send_keys(str(bad))
    dash_duo.wait_for_contains_text("#cmp-upload-msg", "mauvais.yaml", timeout=TIMEOUT)
    message = dash_duo.find_element("#cmp-upload-msg").text
    assert "policies[0].type" in message and "teleportation" in message and "politique inconnue" in message
    assert "upload:" not in message

    # a file with three problems: all three listed, in French
    worse = tmp_path / "pire.yaml"
    worse.write_text("name: pire\nmonths: 0\npopulation: {households: beaucoup}\npolicies:\n"
                     "  - {type: teleportation, start: 0}\n", encoding="utf-8")
    dash_duo.driver.find_element(By.CSS_SELECTOR, "#cmp-upload input[type=file]").send_keys(str(worse))
    dash_duo.wait_for_contains_text("#cmp-upload-msg", "pire.yaml", timeout=TIMEOUT)
    items = [li.text for li in dash_duo.driver.find_elements(By.CSS_SELECTOR, "#cmp-upload-msg li")]
    assert len(items) == 3, items
    assert any("months" in i for i in items) and any("population.households" in i for i in items)
    assert "3 problème(s)" in dash_duo.find_element("#cmp-upload-msg").text
    assert "Traceback" not in visible_text(dash_duo)

    # a good file joins the comparison
    good = tmp_path / "mon_scenario.yaml"
    good.write_text("name: mon_scenario\npolicies:\n  - type: counter_closure\n    start: 0\n    share: 0.8\n",
                    encoding="utf-8")
    dash_duo.driver.find_element(By.CSS_SELECTOR, "#cmp-upload input[type=file]").send_keys(str(good))
    dash_duo.wait_for_contains_text("#cmp-upload-msg", "mon_scenario", timeout=TIMEOUT)
    dash_duo.find_element("#cmp-run").click()
    wait_stamp(dash_duo, "cmp-stamp", lambda s: s.endswith("|fr|3"))
    assert "mon_scenario" in dash_duo.find_element("#cmp-cards").text

    # the picker respects the limit: a fourth scenario, then the others cannot be picked
    def limit_shown() -> bool:
        return "Au plus 4" in dash_duo.find_element("#cmp-limit").text

    for _ in range(5):  # the list re-renders when options change: pick again until it took
        if not dash_duo.driver.find_elements(By.CSS_SELECTOR, "[role=listbox]"):
            dash_duo.find_element("#cmp-scenarios").click()
        dash_duo.driver.execute_script(
            "var o = document.querySelector('[role=option][aria-selected=false]'); if (o) o.click();")
        t0 = time.perf_counter()
        while not limit_shown() and time.perf_counter() - t0 < 10:
            time.sleep(0.1)
        if limit_shown():
            break
    assert limit_shown()
    options = dash_duo.driver.find_elements(By.CSS_SELECTOR, "[role=option]")
    if not options:
        dash_duo.find_element("#cmp-scenarios").click()
        options = dash_duo.driver.find_elements(By.CSS_SELECTOR, "[role=option]")
    chosen = [o for o in options if o.get_attribute("aria-selected") == "true"]
    blocked = [o for o in options if dash_duo.driver.execute_script(
        "var o = arguments[0], i = o.querySelector('input');"
        "return o.getAttribute('aria-disabled') === 'true' || o.classList.contains('disabled') || (i && i.disabled);",
        o)]
    assert len(chosen) == 4 and len(blocked) == len(options) - 4 > 0, [
        o.get_attribute("outerHTML")[:400] for o in options if o.get_attribute("aria-selected") != "true"][:1]
    blocked[0].click()
    assert len([o for o in dash_duo.driver.find_elements(By.CSS_SELECTOR, "[role=option]")
                if o.get_attribute("aria-selected") == "true"]) == 4
    dash_duo.driver.switch_to.active_element.send_keys(Keys.ESCAPE)
    no_console_errors(dash_duo)


def test_sweeps_tab_shows_a_heatmap_and_sensitivity(start, sweep_root, shot):
    dash_duo = start(results_root=sweep_root)
    wait_stamp(dash_duo, "cmp-stamp", lambda s: s != "empty")
    open_tab(dash_duo, "sweeps")
    value, _ = wait_stamp(dash_duo, "sw-stamp", lambda s: s.startswith("closure_x_mediation|"))
    assert value.split("|")[1:4] == ["non_take_up_rate", "policies.2.share", "institutions.association_hours"]
    heat = traces(dash_duo, "sw-fig-heatmap")
    assert heat and heat[0][3], "the heatmap has a z matrix"
    bars = [name for name, *_ in traces(dash_duo, "sw-fig-sensitivity")]
    assert any("S1" in b for b in bars) and any("ST" in b for b in bars)
    assert "18 exécutions" in dash_duo.find_element("#sw-message").text
    time.sleep(0.5)
    shot(dash_duo, "sweeps")
    no_console_errors(dash_duo)


def french_fragments() -> list[str]:
    """Pieces of the table's French texts (between placeholders) that differ from English."""
    out = set()
    # words English keeps as they are (proper names: "prime d'activité", "France Services")
    english = "\n".join(en for _, en in [*TABLE.values(), *LABELS.values()]).lower()
    for fr, en in [*TABLE.values(), *LABELS.values()]:
        if fr == en:
            continue
        for piece in re.split(r"\{[^}]*\}", fr):
            piece = piece.strip(" .,:;·—()«»\u202f\u00a0")
            if len(piece) >= 4 and piece not in en and piece.lower() not in english:
                out.add(piece)
    return sorted(out)


def test_english_switch_leaves_no_french_label(start, sweep_root, shot):
    dash_duo = start(results_root=sweep_root)
    wait_stamp(dash_duo, "cmp-stamp", lambda s: s.endswith("|fr|2"))
    dash_duo.driver.find_element(By.XPATH, "//label[normalize-space()='EN']").click()
    wait_stamp(dash_duo, "cmp-stamp", lambda s: s.endswith("|en|2"))
    fragments = french_fragments()
    assert len(fragments) > 100
    pages = {}
    for tab, stamp_id, done in (("compare", "cmp-stamp", lambda s: s.endswith("|en|2")),
                                ("workshop", "ws-stamp", lambda s: s.endswith("|en")),
                                ("sweeps", "sw-stamp", lambda s: s.endswith("|en"))):
        open_tab(dash_duo, tab)
        wait_stamp(dash_duo, stamp_id, done)
        time.sleep(0.5)
        pages[tab] = visible_text(dash_duo)
        left = [f for f in fragments if f in pages[tab]]
        assert left == [], f"French left on the {tab} tab: {left}"
        shot(dash_duo, f"{tab}_en")
    assert "Non-take-up" in pages["compare"] and "Workshop" in pages["workshop"]
    no_console_errors(dash_duo)
