"""Scaled figures against published national totals (issue 15, acceptance 2): at least three
totals with source, year and tolerance; the scaled unclaimed RSA within its tolerance; shown
by ``sim calibrate`` as a table of its own, not as fitted targets."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from sim.calibration import totals as T
from sim.calibration.check import load_targets
from sim.scenario import from_dict

ROOT = Path(__file__).resolve().parent.parent


def test_totals_state_value_population_year_source_and_tolerance():
    totals = T.load_totals()
    assert len(totals) >= 3
    for t in totals:
        assert t["source"] and t["population"] and t["year"] and t["tolerance"] >= 0, t["id"]
    ids = {t["id"] for t in totals}
    assert "drees2022_rsa_unclaimed_quarter" in ids
    # not fitted: no target of the fit has these ids or quantities
    fitted = load_targets()
    assert not ids & {t["id"] for t in fitted}
    assert not any(str(t.get("quantity", "")).startswith("national.") for t in fitted)


def test_scaled_unclaimed_rsa_is_within_the_drees_tolerance():
    rsa = [t for t in T.load_totals() if t["id"] == "drees2022_rsa_unclaimed_quarter"]
    sc = from_dict({"name": "cal", "preset": "france_2021", "population": {"households": 8000}})
    (row,) = T.check_totals(sc, rsa, seeds=3, seed=2021)
    assert row.status == "pass", row
    assert 0.75 * 750e6 <= row.model <= 1.25 * 750e6
    # the scenario the total is measured in represents metropolitan France in 2018
    assert T.scenario_for(sc, rsa[0]).data["represented"]["households"] == T.METRO_2018


def test_sim_calibrate_prints_and_writes_the_totals(tmp_path):
    r = subprocess.run([sys.executable, "-m", "sim", "calibrate", "--households", "2000", "--seeds",
                        "2", "-o", str(tmp_path)], cwd=ROOT, capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    assert "Scaled figures vs published national totals (not fitted" in r.stdout
    assert "drees2022_rsa_unclaimed_quarter" in r.stdout
    assert (tmp_path / "totals.csv").read_text().count("\n") == len(T.load_totals()) + 1
    assert "published national totals" in (tmp_path / "calibration.html").read_text()
