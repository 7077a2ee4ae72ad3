"""No label overlaps or clipping, at 1280x720 and 1920x1080, in French and English.

Acceptance 4 of issue 12.  For every tab (and the Atelier's three views), in headless
Chromium, the test reads the bounding boxes of the texts plotly draws — figure titles,
axis titles, subplot titles and annotations, legend entries, colour-bar titles, Sankey
node labels, tick labels — and checks that each lies inside its figure, that no two
titles, legend entries or node labels overlap, and that no axis title sits on tick
labels.  The page itself never scrolls sideways, card and persona titles are not cut,
and the plotly toolbar stays hidden until the pointer is over a figure.

The screenshots of every tab in both languages and sizes are written by one command:
``.venv/bin/python -m dashboard.screenshots`` (``artifacts/screenshots/``).
"""

from __future__ import annotations

import pytest

from dashboard import screenshots as S

pytestmark = pytest.mark.browser

SIZES = [(1280, 720), (1920, 1080)]
SLACK = 1.0  # px: anti-aliasing of text boxes
TICKS = ("xtick", "ytick")

# the texts of one figure, by kind (SVG selectors inside a .js-plotly-plot)
BOXES_JS = r"""
var out = [];
document.querySelectorAll('.js-plotly-plot').forEach(function (g, gi) {
  if (g.offsetParent === null) return;
  var svg = g.querySelector('.main-svg'); if (!svg) return;
  var f = svg.getBoundingClientRect();
  var id = (g.closest('[id]') || g).id;
  function add(kind, sel) {
    g.querySelectorAll(sel).forEach(function (e, i) {
      var text = (e.textContent || '').trim(); if (!text) return;
      var r = e.getBoundingClientRect(); if (r.width === 0 || r.height === 0) return;
      var rot = /rotate\((?!0)/.test(e.getAttribute('transform') || '');
      out.push({fig: gi, id: id, kind: kind, i: i, text: text.slice(0, 60), rotated: rot,
                x: r.left, y: r.top, r: r.right, b: r.bottom,
                fx: f.left, fy: f.top, fr: f.right, fb: f.bottom});
    });
  }
  add('title', '.g-gtitle text, .gtitle');
  add('axis', '.g-xtitle text, .g-ytitle text, [class*="g-x"][class*="title"] text, '
            + '[class*="g-y"][class*="title"] text');
  add('annotation', '.annotation-text');
  add('legend', '.legendtext');
  add('colorbar', '.cbtitle text');
  add('node', '.sankey .node-label');
  add('xtick', '.xtick text, [class*="xtick"] text');
  add('ytick', '.ytick text, [class*="ytick"] text');
});
return out;
"""


def boxes(driver) -> list[dict]:
    seen, out = set(), []
    for b in driver.execute_script(BOXES_JS):
        key = (b["fig"], round(b["x"]), round(b["y"]), b["text"])
        if key not in seen:  # a text matched by two selectors counts once
            seen.add(key)
            out.append(b)
    return out


def overlap(a: dict, b: dict) -> bool:
    return (min(a["r"], b["r"]) - max(a["x"], b["x"]) > SLACK and
            min(a["b"], b["b"]) - max(a["y"], b["y"]) > SLACK)


def settled_boxes(driver, timeout: float = 8.0) -> list[dict]:
    """The text boxes once the layout has stopped moving (responsive figures resize to their
    card after their first draw): two reads in a row give the same boxes."""
    import time
    last, t0 = None, time.perf_counter()
    while True:
        now = boxes(driver) + [{"page": driver.execute_script("return document.documentElement.scrollWidth")}]
        if now == last or time.perf_counter() - t0 > timeout:
            return now[:-1]
        last = now
        time.sleep(0.25)


def problems(driver) -> list[str]:
    found = []
    bs = settled_boxes(driver)
    for b in bs:
        if (b["x"] < b["fx"] - SLACK or b["r"] > b["fr"] + SLACK or b["y"] < b["fy"] - SLACK
                or b["b"] > b["fb"] + SLACK):
            found.append(f"{b['id']}: {b['kind']} '{b['text']}' cut by its figure")
    found += [f"{b['id']}: tick '{b['text']}' rotated" for b in bs if b["kind"] in TICKS and b["rotated"]]
    labels = [b for b in bs if b["kind"] in ("title", "axis", "annotation", "legend", "colorbar", "node")]
    for i, a in enumerate(labels):
        for b in labels[i + 1:]:
            if a["fig"] == b["fig"] and overlap(a, b):
                found.append(f"{a['id']}: {a['kind']} '{a['text']}' overlaps {b['kind']} '{b['text']}'")
    ticks = [b for b in bs if b["kind"] in TICKS]
    for i, a in enumerate(ticks):  # tick labels written flat must not run into each other
        for b in ticks[i + 1:]:
            if a["fig"] == b["fig"] and a["kind"] == b["kind"] and overlap(a, b):
                found.append(f"{a['id']}: tick '{a['text']}' overlaps tick '{b['text']}'")
    for a in labels:
        if a["kind"] not in ("axis", "title", "annotation", "legend"):
            continue
        for b in ticks:
            if a["fig"] == b["fig"] and overlap(a, b):
                found.append(f"{a['id']}: {a['kind']} '{a['text']}' sits on tick '{b['text']}'")
    # the page: no sideways scroll, no card or persona title cut
    found += driver.execute_script("""
        var out = [];
        if (document.documentElement.scrollWidth > window.innerWidth + 1)
          out.push('the page scrolls sideways: ' + document.documentElement.scrollWidth);
        document.querySelectorAll('.card-title-figure, .card-metric, .kpi-title, .persona-name, .persona-desc,'
                                  + ' .persona-why, .ws-card-title, .panel-title, .sankey-title').forEach(function (e) {
          if (e.offsetParent === null) return;
          if (e.scrollWidth > e.clientWidth + 1)
            out.push('cut: ' + e.className + ' "' + e.textContent.slice(0, 50) + '"');
        });
        return out;""")
    return found


def toolbar_hidden(driver) -> bool:
    return bool(driver.execute_script(
        "return Array.from(document.querySelectorAll('.js-plotly-plot .modebar-container'))"
        ".every(e => getComputedStyle(e).opacity === '0' || getComputedStyle(e).display === 'none');"))


@pytest.fixture(scope="module")
def server(sweep_root):
    from dashboard.app import create_app
    from dashboard.config import Settings
    from dashboard.tab_compare import prefetch
    app = create_app(Settings(results_root=sweep_root))
    prefetch(app.sim_state)
    try:
        with S.serve(app) as url:
            yield url
    finally:
        app.sim_state.close()


def views(driver, tab: str):
    """The states of a tab to check: the Atelier's three views, one state for the others."""
    if tab != "workshop":
        yield tab
        return
    for view in ("journeys", "why", "work"):
        driver.execute_script(
            "var i = document.querySelector('#ws-view input[value=\"' + arguments[0] + '\"]');"
            "if (i) i.click();", view)
        S.wait(driver, lambda: S.graphs_drawn(driver), what="figures drawn")
        if view != "journeys":
            S.wait(driver, lambda: driver.execute_script(
                "var g = document.querySelector('#ws-fig-' + arguments[0] + ' .js-plotly-plot');"
                "return g && g.data && g.data.length > 0;", view), what=f"{view} figure")
        yield f"workshop/{view}"
    driver.execute_script("document.querySelector('#ws-view input[value=\"journeys\"]').click()")


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_no_label_overlaps_or_clipping(server, size):
    width, height = size
    found = []
    with S.browser(width, height) as driver:
        driver.get(server)
        for lang in ("fr", "en"):
            if lang != "fr":
                S.switch_language(driver, lang)
            for tab in S.TABS:
                S.open_tab(driver, tab)
                S.tab_ready(driver, tab, lang)
                for state in views(driver, tab):
                    driver.execute_script("window.scrollTo(0, 0)")
                    found += [f"{width}x{height} {lang} {state}: {p}" for p in problems(driver)]
                    if not toolbar_hidden(driver):
                        found.append(f"{width}x{height} {lang} {state}: the plotly toolbar shows without hover")
    assert found == [], "\n".join(found[:40])
