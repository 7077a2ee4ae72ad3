"""``sim optimise`` (issue 15, acceptance 5): a multi-objective search under a yearly budget.
Same seed, same files; killed with SIGKILL then resumed, the same front; the front's mixes
within budget, non-dominated, each with paired intervals against the base.  Real processes
and files; a small search (1,000 households, 9 months)."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest

from sim.experiments.optimise import load_search, optimise
from sim.experiments.report import render

ROOT = Path(__file__).resolve().parent.parent
TINY = """
name: tiny_mix
scenario: counter_closure_rural
add_policies:
  - {type: digital_training, id: training, start: 2, rate: 0.0}
set:
  population.households: 1000
  report_months: 3
  months: 9
levers:
  institutions.association_hours: {range: [20, 160]}
  institutions.social_worker_hours: {range: [120, 200]}
  policies.training.rate: {range: [0.0, 0.02]}
budget:
  euros_per_year: 200000000
objectives:
  - non_take_up_rate
  - most_exposed.age_band
  - cost_ledger.households.hours_per_year
search: {population: 5, generations: 2}
replications: 2
seed: 5
reevaluate: {replications: 2}
"""


def result_files(out: Path) -> dict[str, bytes]:
    """Every file of a search's results but the manifests (they carry times)."""
    return {str(p.relative_to(out)): p.read_bytes() for p in sorted(out.rglob("*"))
            if p.is_file() and p.name != "manifest.json" and ".runs" not in p.parts}


def optimise_cmd(search: Path, out: Path, *extra: str) -> list[str]:
    return [sys.executable, "-m", "sim", "optimise", str(search), "-o", str(out), "-q",
            "--workers", "1", "--lang", "en", *extra]


@pytest.fixture(scope="module")
def search(tmp_path_factory) -> Path:
    p = tmp_path_factory.mktemp("search") / "tiny.yaml"
    p.write_text(TINY, encoding="utf-8")
    return p


@pytest.fixture(scope="module")
def reference(search, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("opt") / "ref"
    optimise(load_search(search), out, workers=1)
    return out


def test_the_front_is_within_budget_non_dominated_with_paired_intervals(reference, search):
    spec = load_search(search)
    trials = pd.read_parquet(reference / "trials.parquet")
    assert len(trials) == spec.population * spec.generations
    doc = json.loads((reference / "front.json").read_text())
    assert doc["front"], "no feasible mix"
    objectives = doc["objectives"]
    feasible = trials[trials["feasible"]]
    for m in doc["front"]:
        t = trials[trials["trial"] == m["trial"]].iloc[0]
        assert t["feasible"] and t["on_front"] and t["cost_euros_per_year"] <= spec.budget
        # nobody feasible dominates it
        mine = [t[o] for o in objectives]
        for _, u in feasible.iterrows():
            other = [u[o] for o in objectives]
            assert not (all(a <= b for a, b in zip(other, mine)) and any(a < b for a, b in zip(other, mine)))
        for metric in (*objectives, "cost_ledger.public_funding.euros_per_year"):
            node = m["metrics"][metric]
            lo, hi = node["ci95"]
            assert lo is not None and hi is not None and lo <= node["difference"] <= hi, metric
            assert node["mix"] == pytest.approx(node["base"] + node["difference"])
    front = pd.read_parquet(reference / "front.parquet")
    assert len(front) == len(doc["front"])
    assert "non_take_up_rate.ci_low" in front.columns


def test_same_seed_same_files(reference, search, tmp_path):
    out = tmp_path / "again"
    r = subprocess.run(optimise_cmd(search, out), cwd=ROOT, capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    assert "Pareto front:" in r.stdout
    a, b = result_files(reference), result_files(out)
    assert sorted(a) == sorted(b)
    assert [k for k in a if a[k] != b[k]] == []


def test_resume_after_sigkill_gives_the_same_front(reference, search, tmp_path):
    out = tmp_path / "killed"
    proc = subprocess.Popen(optimise_cmd(search, out), cwd=ROOT, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL, start_new_session=True)
    deadline = time.monotonic() + 120
    # kill it inside the second generation, once it holds some of that generation's runs
    while time.monotonic() < deadline and proc.poll() is None:
        runs = out / "generations" / "gen-001" / ".runs" / "summary"
        if runs.is_dir() and any(runs.iterdir()):
            break
        time.sleep(0.05)
    assert proc.poll() is None, "the search ended before it could be killed"
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()
    assert not (out / "front.json").exists()
    r = subprocess.run(optimise_cmd(search, out), cwd=ROOT, capture_output=True, text=True)
    assert r.returncode == 2 and "--resume" in r.stderr  # refuses to overwrite
    r = subprocess.run(optimise_cmd(search, out, "--resume"), cwd=ROOT, capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    a, b = result_files(reference), result_files(out)
    assert sorted(a) == sorted(b)
    assert [k for k in a if a[k] != b[k]] == []


def test_the_report_shows_the_front(reference):
    for lang, title in (("fr", "Front de Pareto"), ("en", "Pareto front")):
        page = render(reference, lang)
        assert title in page and "mix-01" in page and page.count('class="figure"') == 3


def test_the_bundled_search_has_three_levers_and_a_budget():
    spec = load_search("mediation_mix")
    assert len(spec.levers) == 3 and spec.budget > 0
    assert [o.metric for o in spec.objectives][:2] == ["non_take_up_rate", "most_exposed.age_band"]


@pytest.mark.parametrize("bad,field", [
    ("budget: {euros: 1}", "budget"),
    ("objectives: [no_such_metric]", "objectives[0]"),
    ("objectives: [most_exposed.shoe_size]", "objectives[0]"),
    ("levers: {institutions.association_hours: {range: [20, -5]}}", "levers.institutions.association_hours.range"),
    ("search: {population: 1}", "search.population"),
])
def test_a_bad_search_file_names_the_field(tmp_path, bad, field):
    key = bad.split(":", 1)[0]
    lines = [ln for ln in TINY.splitlines() if not ln.startswith(key)]
    if key in ("levers", "search", "budget", "objectives"):  # drop the old block
        out, skip = [], False
        for ln in TINY.splitlines():
            if ln.startswith(key + ":"):
                skip = True
                continue
            if skip and ln.startswith(" "):
                continue
            skip = False
            out.append(ln)
        lines = out
    p = tmp_path / "bad.yaml"
    p.write_text("\n".join(lines) + "\n" + bad + "\n", encoding="utf-8")
    r = subprocess.run([sys.executable, "-m", "sim", "optimise", str(p), "-o", str(tmp_path / "o")],
                       cwd=ROOT, capture_output=True, text=True)
    assert r.returncode == 2, r.stderr
    assert f"{p}: {field}" in r.stderr and "Traceback" not in r.stderr
