"""Issue 4 acceptance 5: ``sim report`` writes one self-contained HTML file that opens
offline in headless Chromium and shows its plotly figures, for a comparison and a sweep."""

from __future__ import annotations

import re
import time
from pathlib import Path

import pytest
from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By

from sim.cli import main
from sim.experiments import compare, sweep
from sim.experiments.report import render

TINY = ["population.households=1500", "months=12", "report_months=6"]

SWEEP = """
name: report_sweep
scenario: online_only_2016
add_policies: [{type: counter_closure, start: 0, share: 0.0}]
set: {population.households: 1500, months: 12, report_months: 6}
design: factorial
replications: 2
seed: 3
parameters:
  policies.2.share: {values: [0.0, 0.5, 1.0]}
  institutions.association_hours: {values: [0, 200]}
analyse: [non_take_up_rate]
"""


@pytest.fixture(scope="module")
def results(tmp_path_factory):
    base = tmp_path_factory.mktemp("report")
    cmp_dir = base / "cmp"
    compare(["baseline_2013", "online_only_2016"], replications=2, seed=1, sets=TINY,
            out=cmp_dir, workers=1)
    sweep_file = base / "sweep.yaml"
    sweep_file.write_text(SWEEP, encoding="utf-8")
    sweep_dir = base / "sweep"
    sweep(sweep_file, out=sweep_dir, workers=1)
    return {"compare": cmp_dir, "sweep": sweep_dir}


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    opts = webdriver.ChromeOptions()
    opts.binary_location = "/usr/bin/chromium"
    for arg in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                "--disable-component-update", "--disable-sync",
                f"--user-data-dir={tmp_path_factory.mktemp('chromium-profile')}",
                "--window-size=1280,1000",
                # offline: any host name fails to resolve, so a network fetch would error
                "--host-resolver-rules=MAP * ~NOTFOUND"):
        opts.add_argument(arg)
    opts.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=opts)
    yield driver
    driver.quit()


def rendered_plots(driver, path: Path, expected: int, timeout: float = 60.0) -> int:
    driver.get(path.resolve().as_uri())
    deadline = time.monotonic() + timeout
    while True:
        n = len(driver.find_elements(By.CSS_SELECTOR, ".js-plotly-plot .main-svg"))
        if n >= expected or time.monotonic() > deadline:
            return len(driver.find_elements(By.CSS_SELECTOR, ".js-plotly-plot"))
        time.sleep(0.2)


@pytest.mark.browser
@pytest.mark.parametrize("kind, min_figures", [("compare", 6), ("sweep", 6)])
def test_report_opens_offline_and_renders_figures(results, browser, tmp_path, capsys, kind,
                                                  min_figures):
    out = tmp_path / f"{kind}.html"
    assert main(["report", str(results[kind]), "-o", str(out), "-q"]) == 0
    assert [p.name for p in tmp_path.iterdir()] == [out.name]  # one file
    text = out.read_text(encoding="utf-8")
    divs = len(re.findall(r'class="plotly-graph-div"', text))
    assert divs >= min_figures
    # self-contained: no external script, stylesheet or image
    assert not re.search(r'<(script|link|img)[^>]+(src|href)=["\']?(https?:)?//', text)
    assert "Plotly.newPlot" in text
    assert "* plotly.js v" in text[:10_000]  # the library itself is inlined in <head>

    rendered = rendered_plots(browser, out, divs)
    assert rendered == divs
    svgs = browser.find_elements(By.CSS_SELECTOR, ".js-plotly-plot .main-svg")
    assert len(svgs) >= divs
    errors = [e for e in browser.get_log("browser") if e["level"] in ("SEVERE", "ERROR")]
    assert not errors, errors
    heading = browser.find_element(By.TAG_NAME, "h1").text
    assert heading.startswith("Comparison" if kind == "compare" else "Sweep")


def test_report_content_and_determinism(results):
    cmp_html = render(results["compare"])
    assert cmp_html == render(results["compare"])  # same directory, same bytes
    for words in ("Key metrics", "Differences", "paired 95% CI", "unpaired 95% CI",
                  "Non-take-up rate by month", "by cause", "by group", "Delegated workload",
                  "Provenance"):
        assert words in cmp_html, words
    sweep_html = render(results["sweep"])
    for words in ("Sweep: report_sweep", "Sensitivity of Non-take-up rate", "Main effects",
                  "policies.2.share", "institutions.association_hours", "S1 first-order"):
        assert words in sweep_html, words


def test_report_in_french(results):
    """``--lang fr``: the page says it is French, its labels come from the vocabulary and
    its numbers have a decimal comma; no English heading is left."""
    html = render(results["compare"], "fr")
    assert '<html lang="fr">' in html and '<html lang="en">' not in html
    for words in ("Indicateurs principaux", "Écarts", "IC 95 % apparié", "Taux de non-recours",
                  "non-demande", "Provenance"):
        assert words in html, words
    for words in ("Key metrics", "Differences", "paired 95% CI"):
        assert words not in html, words
    cells = re.findall(r"<td>([^<]*%[^<]*)</td>", html)
    assert cells and all("," in c and "." not in c for c in cells), cells[:5]
    sweep_html = render(results["sweep"], "fr")
    assert "Balayage : report_sweep" in sweep_html and "Effets principaux" in sweep_html


def test_report_of_an_unfinished_or_missing_directory_exits_2(tmp_path, capsys):
    assert main(["report", str(tmp_path / "nothing"), "-q"]) == 2
    assert "no manifest.json" in capsys.readouterr().err
