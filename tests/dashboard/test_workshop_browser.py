"""The Atelier in headless Chromium at 1280x720 (a projector): what fits, what it says.

Acceptance of issue 12: the levers with their printed values, the headline numbers with
their difference, the main curve and the persona journeys all inside the viewport, in
French and in English (1); two equivalent settings shown as "non distinguable du
hasard", computed from the engine's own paired interval (2); under "Fermeture des
guichets" at least one persona's journey changes, is highlighted, and its sentence names
the route that closed or failed (3).  Every wait is on the page's state (its stamp, the
figures drawn), never a fixed sleep.
"""

from __future__ import annotations

import pytest

import sim
from dashboard import screenshots as S
from dashboard.i18n import t
from dashboard.scenarios import WORKSHOP_SEED, clean_levers, preset_levers, workshop_scenario
from sim.summary import paired_difference

pytestmark = pytest.mark.browser

R = 4  # the workshop's replications (Settings.workshop_replications)


@pytest.fixture(scope="module")
def page():
    """One dashboard and one 1280x720 browser for the module (workers: the real pools)."""
    from dashboard.app import create_app
    from dashboard.config import Settings
    app = create_app(Settings(workshop_replications=R))
    try:
        with S.serve(app) as url, S.browser(1280, 720) as driver:
            driver.get(url)
            S.open_tab(driver, "workshop")
            S.tab_ready(driver, "workshop", "fr")
            yield driver
    finally:
        app.sim_state.close()


def settled(driver, hash_prefix: str | None = None) -> str:
    """The stamp once every replication of the shown setting is in, its figures drawn."""
    value = S.wait_stamp(driver, "ws-stamp", lambda v: int(v.split("|")[2]) >= R
                         and (hash_prefix is None or v.startswith(hash_prefix)), timeout=240)
    S.wait(driver, lambda: S.graphs_drawn(driver), what="figures drawn")
    return value


def set_preset(driver, preset: str, reference: str = "p2013") -> str:
    S.choose_option(driver, "ws-reference", reference)
    S.choose_option(driver, "ws-preset", preset)
    sc = workshop_scenario(preset_levers(preset), _settings())
    return settled(driver, sc.content_hash()[:12])


def _settings():
    from dashboard.config import Settings
    return Settings(workshop_replications=R)


def box(driver, css: str) -> list[dict]:
    return driver.execute_script(
        "return Array.from(document.querySelectorAll(arguments[0])).map(e => {"
        "var r = e.getBoundingClientRect(); return {x: r.left, y: r.top, r: r.right, b: r.bottom,"
        "w: r.width, h: r.height, text: e.innerText || ''}; })", css)


def inside(b: dict, width: int = 1280, height: int = 720) -> bool:
    return b["w"] > 0 and b["h"] > 0 and b["x"] >= 0 and b["y"] >= 0 and b["r"] <= width and b["b"] <= height


ON_SCREEN = {
    "levers": ["#ws-preset", "#ws-reference", "#ws-closure", "#ws-closure-value", "#ws-online-only", "#ws-email",
               "#ws-mediation", "#ws-mediation-value", "#ws-mode", "#ws-alternative", "#ws-automatic"],
    "headline": [".kpi-value", ".kpi-diff"],
    "curve": ["#ws-fig-ts .main-svg", "#ws-fig-ts .xtitle", "#ws-fig-ts .ytitle"],
    "journeys": [".persona", ".persona-grid", ".persona-why"],
}


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_the_workshop_fits_a_1280x720_projector_screen(page, lang):
    driver = page
    if lang != "fr":
        S.switch_language(driver, lang)
        S.open_tab(driver, "workshop")
    try:
        set_preset(driver, "closure")
        assert driver.execute_script("return [window.innerWidth, window.innerHeight]") == [1280, 720]
        for part, selectors in ON_SCREEN.items():
            for css in selectors:
                boxes = box(driver, css)
                assert boxes, f"{part}: nothing matches {css}"
                out = [b for b in boxes if not inside(b)]
                assert out == [], f"{part}: {css} outside the 1280x720 viewport ({lang}): {out[:2]}"
        assert len(box(driver, ".kpi")) == 4 and len(box(driver, ".persona")) == 5
        # the levers print their values; the headline prints the difference with the reference
        assert box(driver, "#ws-closure-value")[0]["text"].replace("\u202f", " ") in ("60 %", "60%")
        assert "h/" in box(driver, "#ws-mediation-value")[0]["text"]
        diffs = [b["text"] for b in box(driver, ".kpi-diff")]
        vs = t("ws.vs", lang, ref=t("preset_short.p2013", lang))
        assert all(vs in d for d in diffs), diffs
        assert driver.execute_script("return window.scrollY") == 0
    finally:
        if lang != "fr":
            S.switch_language(driver, "fr")
            S.open_tab(driver, "workshop")


def engine_paired(levers_a: dict, levers_b: dict) -> dict:
    """The paired difference B - A over the workshop's replications, from sim.run itself."""
    s = _settings()
    a = sim.run(workshop_scenario(levers_a, s), replications=R, seed=WORKSHOP_SEED)
    b = sim.run(workshop_scenario(levers_b, s), replications=R, seed=WORKSHOP_SEED)
    return paired_difference([r.summary for r in a.replications], [r.summary for r in b.replications])


def test_equivalent_settings_are_shown_as_not_distinguishable_from_chance(page):
    """20 more hours of mediation on top of 40 (little used at baseline) changes non-take-up
    by far less than the draws do: the engine's paired interval includes zero, and the page
    says so; closing the counters, the control, is told from chance."""
    driver = page
    set_preset(driver, "p2013")
    equivalent = clean_levers({"mediation_hours": 60})
    engine = engine_paired(preset_levers("p2013"), equivalent)["non_take_up_rate"]
    lo, hi = engine["ci95"]
    assert lo <= 0 <= hi, f"mediation 40 -> 60 h is no longer equivalent here ({engine}): pick another pair"
    thumb = S.find(driver, "#ws-mediation [role=slider]")
    from selenium.webdriver.common.keys import Keys
    thumb.send_keys(Keys.ARROW_RIGHT)
    settled(driver, workshop_scenario(equivalent, _settings()).content_hash()[:12])
    tile = box(driver, "#ws-kpi-ntu")[0]["text"]
    assert t("ws.noise", "fr") in tile, tile
    assert "verdict-noise" in S.find(driver, "#ws-kpi-ntu").get_attribute("class")
    # the control: closing counters and putting the prime d'activité online is not chance
    engine = engine_paired(preset_levers("p2013"), preset_levers("closure"))["non_take_up_rate"]
    assert engine["ci95"][0] > 0, engine
    set_preset(driver, "closure")
    tile = S.find(driver, "#ws-kpi-ntu")
    assert t("ws.noise", "fr") not in tile.text and "verdict-up" in tile.get_attribute("class"), tile.text


ROUTE_WORDS_FR = ("guichet", "en ligne", "téléphone", "ccas", "association", "proche", "e-mail")


def test_counter_closure_changes_a_persona_journey_and_says_which_route_failed(page):
    driver = page
    set_preset(driver, "closure")
    changed = box(driver, ".persona-changed")
    assert changed, "no persona highlighted under 'Fermeture des guichets'"
    for b in changed:
        sentence = b["text"].splitlines()[-1]
        assert any(w in sentence.lower() for w in ROUTE_WORDS_FR), sentence
    # highlighted journeys really differ between the two rows of months
    rows = driver.execute_script(
        "return Array.from(document.querySelectorAll('.persona-changed')).map(p => {"
        "var cells = Array.from(p.querySelectorAll('.cell')); var n = cells.length / 2;"
        "return [cells.slice(0, n).map(c => c.className + c.textContent),"
        "cells.slice(n).map(c => c.className + c.textContent)]; })")
    assert all(a != b for a, b in rows)
    assert "guichet fermé" in " ".join(b["text"] for b in changed).lower()


def test_play_draws_every_month_in_order_with_a_drawn_pause_control(page):
    driver = page
    set_preset(driver, "p2016")
    S.find(driver, "#ws-month [role=slider]")
    driver.execute_script("window.wsFrames = [];")
    button = S.find(driver, "#ws-play")
    button.click()  # at the last month: plays from month 0
    S.wait(driver, lambda: "playing" in (button.get_attribute("class") or ""), what="playing")
    # the pause control: an icon drawn by CSS (no glyph a font may lack) and its word
    icon = box(driver, "#ws-play .play-icon")[0]
    assert icon["w"] > 4 and icon["h"] > 4
    assert box(driver, "#ws-play .when-playing")[0]["text"] == t("ws.pause", "fr")
    S.wait(driver, lambda: "playing" not in (button.get_attribute("class") or ""), timeout=120,
           what="the end of the 36 months")
    months = [int(m) for m, _ in driver.execute_script("return window.wsFrames")]
    assert months == list(range(36)), months
    assert S.find(driver, "#ws-month-value").text == "35"
