"""France-scale answers and the cost ledger (issue 15): the ``national`` and ``cost_ledger``
summary blocks, their tables in ``sim run``, ``sim compare`` and ``sim report``, and what
the unit costs move."""

from __future__ import annotations

import json
import math
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

import sim
from sim import experiments
from sim import national
from sim.costs import BEARERS
from sim.defaults import COSTS
from sim.params import leaves

ROOT = Path(__file__).resolve().parent.parent
SMALL = ["months=24", "report_months=12"]
NATIONAL_KEYS = ("households_represented", "eligible_households", "non_recipients",
                 "unclaimed_euros_per_year", "paid_euros_per_year", "social_services_fte",
                 "associations_fte", "counter_staff_fte", "relatives_hours_per_year",
                 "household_hours_per_year")


def cli(*args) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "sim", *args], cwd=ROOT, capture_output=True,
                          text=True)


def test_sim_run_prints_and_writes_the_national_block(tmp_path):
    out = tmp_path / "run"
    r = cli("run", "baseline_2013", "-r", "2", "--set", "population.households=2000",
            "--set", "months=12", "--set", "report_months=6", "-o", str(out), "--lang", "en")
    assert r.returncode == 0, r.stderr
    assert "In national terms: France, 30,628,731 households represented" in r.stdout
    assert "Unclaimed benefits a year" in r.stdout and "Counter staff" in r.stdout
    assert "Who pays?" in r.stdout and "Households: cost a year (time and travel)" in r.stdout
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    for key in NATIONAL_KEYS:
        assert summary["national"][key]["mean"] is not None, key
    assert summary["national"]["households_represented"]["mean"] == national.france_households(2021)
    assert summary["meta"]["represented"]["households"] == national.france_households(2021)
    for bearer in ("agency", "social_services", "associations", "relatives", "households"):
        assert set(summary["cost_ledger"][bearer]) >= {"hours_per_year", "euros_per_year"}
    # the store keeps the blocks' leaves like every other metric
    cols = experiments.load_results(out).summary.columns
    assert "national.unclaimed_euros_per_year" in cols
    assert "cost_ledger.households.euros_per_year" in cols


def test_represented_population_defaults_to_france_in_the_legislation_year():
    sc = sim.load_scenario("baseline_2013")
    assert national.represented(sc.data)[0] == national.france_households(2021)
    assert national.france_households(2016) == national.RP2016
    assert national.france_households(2022) == national.RP2022
    old = sc.with_overrides({"legislation": "2016-04"})
    assert national.represented(old.data)[0] == national.RP2016
    own = sc.with_overrides({"represented.households": 57442, "represented.name": "Creuse"})
    assert national.represented(own.data)[:2] == (57442, "Creuse")
    rural = sim.scenario.from_dict({"name": "r", "preset": "rural_departement"})
    assert national.represented(rural.data)[1] == "Creuse"
    urban = sim.scenario.from_dict({"name": "u", "preset": "deprived_urban"})
    assert national.represented(urban.data)[0] > 1_000_000


def test_doubling_the_simulated_households_leaves_national_figures_within_their_intervals():
    """National figures estimate one quantity whatever the number of households simulated:
    doubling it only narrows the intervals.  Each difference is within 4 standard errors
    (Welch) over 6 replications of each size (10,000 and 20,000 households).  Smaller
    populations are not tested: a service serves whole requests first come, first served,
    so a territory whose monthly capacity is a few requests leaves a larger share unused
    (docs/costs.md, "Scale")."""
    reps, sizes = 6, (10_000, 20_000)
    runs = {n: sim.run("baseline_2013", replications=reps, seed=7,
                       sets=[f"population.households={n}", *SMALL]) for n in sizes}
    for key in NATIONAL_KEYS:
        a = np.array([r.summary["national"][key] for r in runs[sizes[0]].replications])
        b = np.array([r.summary["national"][key] for r in runs[sizes[1]].replications])
        se = math.sqrt(a.var(ddof=1) / reps + b.var(ddof=1) / reps)
        diff = b.mean() - a.mean()
        assert abs(diff) <= 4 * se + 1e-9 * abs(a.mean()), (key, a.mean(), b.mean(), se)


def _cost_leaves():
    return [(f"costs.{path}", p) for path, p in leaves(COSTS)]


@pytest.fixture(scope="module")
def priced_run():
    """A small run where every bearer has something to price: closures, mediation, and the
    three programmes (training, equipment, digital safes)."""
    base = sim.load_scenario("counter_closure_rural")
    raw = {**base.raw, "policies": list(base.raw["policies"]) + [
        {"type": "digital_training", "start": 0, "rate": 0.05},
        {"type": "equipment_support", "start": 0, "rate": 0.1},
        {"type": "document_safe", "start": 0, "rate": 0.1}]}
    sc = sim.scenario.from_dict(raw).with_overrides(["population.households=1500", *SMALL])
    return sc, sim.run(sc, replications=1, seed=3).replications[0].summary


@pytest.mark.parametrize("path,param", _cost_leaves(), ids=[p for p, _ in _cost_leaves()])
def test_a_unit_cost_moves_only_its_bearers_euros(priced_run, path, param):
    """Doubling one unit cost (plus one, if it is zero) changes the euros of its own bearer
    and nothing else: no behaviour, no other bearer (the totals follow, of course)."""
    sc, base = priced_run
    changed = sim.run(sc.with_overrides({path: param.default * 2 + 1}), replications=1,
                      seed=3).replications[0].summary
    flat_a, flat_b = dict(leaves(base)), dict(leaves(changed))
    moved = {k for k in flat_a if flat_a[k] != flat_b[k] and not (flat_a[k] != flat_a[k])}
    bearer = path.split(".")[1]
    if bearer == "full_time_hours":  # FTEs only
        assert moved and all(k.startswith("national.") and k.endswith("_fte") for k in moved), moved
        return
    assert bearer in BEARERS
    own = f"cost_ledger.{bearer}."
    assert any(k.startswith(own) and "euros" in k for k in moved), (path, moved)
    aggregates = ("cost_ledger.total.", "cost_ledger.public_funding.")
    own_fte = {"agency": ("national.counter_staff_fte", "national.phone_staff_fte")}.get(bearer, ())
    others = {k for k in moved if not k.startswith((own, *aggregates)) and k not in own_fte}
    assert others == set(), (path, sorted(others))
    if not path.startswith("costs.agency.") or path.endswith("hourly_cost"):  # a price, not a time
        assert not any("hours" in k or k.startswith("national.") for k in moved), (path, moved)


def test_the_ledger_adds_up(priced_run):
    _, s = priced_run
    led = s["cost_ledger"]
    ag = led["agency"]
    assert ag["euros_per_year"] == pytest.approx(sum(ag[k]["euros_per_year"]
                                                     for k in ("counters", "phone", "processing")))
    assert led["total"]["euros_per_year"] == pytest.approx(sum(led[b]["euros_per_year"] for b in BEARERS))
    hh = led["households"]
    assert hh["euros_per_year"] == pytest.approx(hh["time_euros_per_year"] + hh["travel_euros_per_year"])
    assert led["programmes"]["euros_per_year"] > 0
    assert led["benefits"]["unclaimed_euros_per_year"] == pytest.approx(
        s["national"]["unclaimed_euros_per_year"])
    # FTE and the ledger count the same hours
    fte_hours = s["national"]["social_services_fte"] * COSTS["full_time_hours"].default
    assert fte_hours == pytest.approx(led["social_services"]["hours_per_year"])
    # a monthly figure of the simulated population, scaled, is the yearly national one
    k = s["national"]["households_represented"] / 1500
    assert s["national"]["unclaimed_euros_per_year"] == pytest.approx(
        s["unclaimed_euros_per_month"] * 12 * k)


def test_closing_counters_moves_costs_from_the_agency_to_the_others():
    """DOMAIN pattern 7 in euros: the agency's counters cost less, social services',
    associations' and households' costs rise, each by more than 2 paired standard errors."""
    c = experiments.compare(["baseline_2013", "counter_closure_rural"], replications=5,
                                seed=11, sets=["population.households=4000"])
    p, sd = c.paired[0], c.sd_paired[0]

    def z(key):
        d = p[key]["mean"]
        se = sd[key] / math.sqrt(c.replications)
        return math.copysign(math.inf, d) if se == 0 else d / se

    assert p["cost_ledger.agency.counters.euros_per_year"]["mean"] < 0
    assert z("cost_ledger.agency.counters.euros_per_year") < -2
    assert z("cost_ledger.agency.euros_per_year") < -2
    for key in ("cost_ledger.social_services.euros_per_year",
                "cost_ledger.associations.euros_per_year",
                "cost_ledger.relatives.euros_per_year", "cost_ledger.households.euros_per_year",
                "cost_ledger.households.hours_per_year", "national.social_services_fte",
                "cost_ledger.benefits.unclaimed_euros_per_year"):
        assert z(key) > 2, (key, p[key], z(key))


def test_compare_prints_and_the_report_shows_who_pays(tmp_path):
    out = tmp_path / "cmp"
    r = cli("compare", "baseline_2013", "counter_closure_rural", "-r", "3", "--set",
            "population.households=1500", "--set", "months=12", "--set", "report_months=6",
            "-o", str(out), "--lang", "fr", "--workers", "1")
    assert r.returncode == 0, r.stderr
    assert "Qui paie ? A = baseline_2013, B = counter_closure_rural" in r.stdout
    line = next(x for x in r.stdout.splitlines() if x.startswith("  dont guichets"))
    assert "M€/an" in line and "−" in line.split("M€/an")[2]  # the paired difference falls
    assert "Δ/SE" in r.stdout
    for lang, title in (("fr", "Qui paie ? En termes nationaux"), ("en", "Who pays? In national terms")):
        html = tmp_path / f"report_{lang}.html"
        r = cli("report", str(out), "-o", str(html), "--lang", lang)
        assert r.returncode == 0, r.stderr
        text = html.read_text(encoding="utf-8")
        assert title in text and '"type":"waterfall"' in text
