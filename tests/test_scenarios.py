"""Scenario files and the command line: bundled scenarios run, broken files are
rejected with one line naming the file and the field (exit 2, no traceback),
overrides work, and the same command twice writes identical results."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

import sim
from sim.scenario import bundled

ROOT = Path(__file__).resolve().parent.parent


def cli(*args, cwd=ROOT):
    return subprocess.run([sys.executable, "-m", "sim", *map(str, args)], cwd=cwd,
                          capture_output=True, text=True, timeout=300)


def test_at_least_six_bundled_scenarios_with_comments():
    files = bundled()
    assert len(files) >= 6
    for f in files:
        text = f.read_text(encoding="utf-8")
        assert text.lstrip().startswith("#"), f"{f.name} should open with a comment saying what it is"
        sim.load_scenario(f)


@pytest.mark.parametrize("path", bundled(), ids=lambda p: p.stem)
def test_every_bundled_scenario_runs(path):
    res = sim.run(path, replications=2, seed=1, sets=["population.households=2000", "months=18"])
    for rep in res.replications:
        s = rep.summary
        total = sum(s["non_take_up_by_cause"].values())
        assert abs(total - s["non_take_up_rate"]) < 1e-9
        for key, arr in rep.series.items():
            if key != "concentration_index":
                assert (arr >= 0).all(), f"{path.stem}: negative {key}"


def test_run_rejects_bad_override_cleanly():
    r = cli("run", "baseline_2013", "--set", "population.households=-1", "-r", "1")
    assert r.returncode == 2 and "population.households" in r.stderr and "Traceback" not in r.stderr
    r = cli("run", "baseline_2013", "--set", "population.nope=3", "-r", "1")
    assert r.returncode == 2 and "population.nope" in r.stderr


def test_validate_accepts_bundled():
    r = cli("validate", *bundled())
    assert r.returncode == 0, r.stderr


def test_run_writes_results_and_is_reproducible(tmp_path):
    args = ["run", "scenarios/online_only_2016.yaml", "--set", "population.households=3000",
            "--set", "months=18", "--replications", "3", "--seed", "9"]
    r1 = cli(*args, "--out", tmp_path / "a")
    r2 = cli(*args, "--out", tmp_path / "b")
    assert r1.returncode == 0 and r2.returncode == 0, r1.stderr
    for name in ("summary.json", "timeseries.csv", "groups.csv", "routes.csv", "replications.csv"):
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes(), name
    s = json.loads((tmp_path / "a" / "summary.json").read_text())
    for key in ("non_take_up_rate", "unclaimed_euros_per_month", "social_services_digital_share",
                "autonomy_share", "credentials_held", "concentration_index"):
        assert set(s[key]) == {"mean", "ci95"}
    assert set(s["non_take_up_by_cause"]) == {"non_knowledge", "non_proposition", "non_demand",
                                              "non_reception"}
    assert set(s["delegated_hours_per_month"]) == {"social_services", "associations", "relatives"}
    assert set(s["by_group"]) == {"age_band", "income_quintile", "diploma", "territory",
                                  "equipment", "isolation", "household_type", "other_benefit"}
    assert s["by_group"]["age_band"]["a75_plus"]["non_take_up_rate"]["mean"] is not None
    assert set(s["per_benefit"]) == {"prime_activite", "rsa", "aspa"}
    m = json.loads((tmp_path / "a" / "manifest.json").read_text())
    assert m["seed"] == 9 and m["kind"] == "run" and len(m["run"]["scenario_file_sha256"]) == 64
    assert "3,000 households" in r1.stdout


def test_python_api_matches_cli(tmp_path):
    r = cli("run", "baseline_2013", "--set", "population.households=2000", "--set", "months=12",
            "-r", "2", "--seed", "5", "--out", tmp_path, "-q")
    assert r.returncode == 0
    api = sim.run("baseline_2013", replications=2, seed=5,
                  sets=["population.households=2000", "months=12"]).summary
    disk = json.loads((tmp_path / "summary.json").read_text())
    assert disk["non_take_up_rate"]["mean"] == pytest.approx(api["non_take_up_rate"]["mean"], rel=0, abs=0)


def test_workers_do_not_change_results():
    sets = ["population.households=2000", "months=12"]
    a = sim.run("baseline_2013", replications=3, seed=2, sets=sets, workers=1).summary
    b = sim.run("baseline_2013", replications=3, seed=2, sets=sets, workers=2).summary
    assert json.dumps(a, sort_keys=True, default=str) == json.dumps(b, sort_keys=True, default=str)


def test_dotted_override_reaches_policies():
    sc = sim.load_scenario("counter_closure_rural", sets=["policies.2.share=0.9"])
    assert sc.policies[2].p["share"] == 0.9
