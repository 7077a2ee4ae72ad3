"""Experiments: paired comparisons with common random numbers, sweep files and designs,
the results store, sensitivity analysis, the replications helper, and the CLI."""

from __future__ import annotations

import json
import math
import statistics
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import sim
from sim.cli import main
from sim.present import KEY_METRICS
from sim.experiments import analyse, compare, load_results, load_sweep, replications_needed, sweep
from sim.experiments.design import n_points, point_values
from sim.experiments.precision import ci_half_width
from sim.experiments.sensitivity import factorial_indices
from sim.params import ScenarioError

ROOT = Path(__file__).resolve().parent.parent
SMALL = ["population.households=2000", "months=18", "report_months=6"]
TINY = ["population.households=1500", "months=12", "report_months=6"]


def write(tmp_path: Path, text: str, name: str = "sweep.yaml") -> Path:
    p = tmp_path / name
    p.write_text(text, encoding="utf-8")
    return p


# -- paired comparison (acceptance 1) ----------------------------------------

@pytest.fixture(scope="module")
def comparison(tmp_path_factory):
    out = tmp_path_factory.mktemp("cmp") / "out"
    return compare(["baseline_2013", "online_only_2016"], replications=8, seed=2016, sets=SMALL,
                   out=out, workers=1)


def _width(node):
    lo, hi = node["ci95"]
    return hi - lo


def test_paired_intervals_narrower_than_unpaired(comparison):
    c = comparison
    # same population and life events in both scenarios (common random numbers): the
    # eligible count is identical replication by replication, so its paired
    # difference is exactly 0 while the unpaired interval is not
    assert c.paired[0]["eligible_households"]["mean"] == 0
    assert _width(c.paired[0]["eligible_households"]) == 0
    assert _width(c.unpaired[0]["eligible_households"]) > 0
    # across the key metrics, pairing narrows the interval (median width ratio < 1)
    ratios = []
    for key in KEY_METRICS:
        u = _width(c.unpaired[0][key])
        if u > 0:
            ratios.append(_width(c.paired[0][key]) / u)
    assert len(ratios) >= 10
    assert statistics.median(ratios) < 1.0, ratios


def test_paired_difference_is_difference_of_means(comparison):
    c = comparison
    for key in ("non_take_up_rate", "group_gaps.age_band.gap", "concentration_index",
                "delegated_hours_per_month.social_services"):
        a, b = c.summaries[0][key]["mean"], c.summaries[1][key]["mean"]
        assert c.paired[0][key]["mean"] == pytest.approx(b - a, rel=1e-9, abs=1e-12)
        lo, hi = c.paired[0][key]["ci95"]
        assert lo <= c.paired[0][key]["mean"] <= hi


def test_comparison_files(comparison):
    out = comparison.out
    doc = json.loads((out / "comparison.json").read_text())
    assert doc["scenarios"] == ["baseline_2013", "online_only_2016"]
    diff = doc["differences"]["online_only_2016 - baseline_2013"]
    for part in ("paired", "unpaired"):
        assert set(diff[part]["group_gaps"]) >= {"age_band", "income_quintile", "diploma"}
        assert "concentration_index" in diff[part]
    table = pd.read_csv(out / "differences.csv")
    assert {"metric", "difference", "paired_ci_low", "unpaired_ci_high"} <= set(table.columns)
    assert table["metric"].is_unique
    res = load_results(out)
    assert len(res.summary) == 2 * 8
    assert set(res.summary["scenario"]) == {"baseline_2013", "online_only_2016"}
    assert res.timeseries.groupby(["point", "replication"]).size().eq(18).all()
    assert (out / "scenarios" / "00_baseline_2013.yaml").is_file()


def test_compare_scenario_with_itself_has_zero_paired_difference():
    c = compare(["baseline_2013", "baseline_2013"], replications=3, seed=5, sets=TINY, workers=1)
    assert c.names == ["baseline_2013", "baseline_2013#2"]
    for key, node in c.paired[0].items():
        if node["mean"] is not None:
            assert node["mean"] == 0, key
            assert node["ci95"][0] in (0, None) and node["ci95"][1] in (0, None), key


def test_compare_agrees_with_sim_run():
    """Scenario A in a comparison is exactly ``sim.run`` of A with the same seed."""
    c = compare(["baseline_2013", "online_only_2016"], replications=2, seed=9, sets=TINY, workers=1)
    ref = sim.run("online_only_2016", replications=2, seed=9, sets=TINY).summary
    assert c.summaries[1]["non_take_up_rate"]["mean"] == ref["non_take_up_rate"]["mean"]
    assert c.summaries[1]["non_take_up_rate"]["ci95"] == ref["non_take_up_rate"]["ci95"]


def test_cli_compare_prints_table_and_closing_note(tmp_path):
    out = tmp_path / "cmp"
    r = subprocess.run([sys.executable, "-m", "sim", "compare", "baseline_2013", "online_only_2016",
                        "-r", "3", "--seed", "4", *sum((["--set", s] for s in TINY), []),
                        "-o", str(out), "--workers", "1", "--precision", "0.005", "--analyse"],
                       cwd=ROOT, capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    assert "B − A paired" in r.stdout and "B − A unpaired" in r.stdout
    assert "Non-take-up gap by age" in r.stdout and "Concentration index" in r.stdout
    assert "paired 95% CI" in r.stdout and "replications paired" in r.stdout
    assert "runs" in r.stderr and "run/s" in r.stderr  # progress bar with rate
    assert (out / "comparison.json").is_file()
    q = subprocess.run([sys.executable, "-m", "sim", "compare", "baseline_2013", "online_only_2016",
                        "-r", "2", *sum((["--set", s] for s in TINY), []), "--workers", "1", "-q"],
                       cwd=ROOT, capture_output=True, text=True)
    assert q.returncode == 0 and q.stderr == ""
    assert "B − A paired" not in q.stdout and "paired 95% CI" in q.stdout


# -- replications helper ------------------------------------------------------

def test_replications_needed_meets_target_and_is_minimal():
    for sd, h in ((1.0, 1.0), (0.004, 0.001), (2.5, 0.3), (0.01, 0.05)):
        n = replications_needed(sd, h)
        assert ci_half_width(sd, n) <= h
        assert n == 2 or ci_half_width(sd, n - 1) > h
    assert replications_needed(1.0, 1.0) == 7  # t(0.975, 6) / sqrt(7) = 0.925
    assert replications_needed(0.0, 0.1) == 2
    assert replications_needed(1.0, 0.1) > replications_needed(1.0, 0.2)
    with pytest.raises(ValueError):
        replications_needed(1.0, 0.0)


def test_replications_needed_delivers_the_precision_on_simulated_pilots():
    """Pilot sd from 10 draws -> planned n -> the realised half-widths are on target
    on average (within 15 %) over 400 simulated studies."""
    rng = np.random.default_rng(3)
    target, widths = 0.5, []
    for _ in range(400):
        pilot = rng.normal(0, 2.0, 10)
        n = replications_needed(float(pilot.std(ddof=1)), target)
        study = rng.normal(0, 2.0, n)
        widths.append(ci_half_width(float(study.std(ddof=1)), n))
    assert abs(np.mean(widths) / target - 1) < 0.15


# -- sweep files ----------------------------------------------------------------

GOOD = """
name: g
scenario: online_only_2016
add_policies: [{type: counter_closure, start: 0, share: 0.0}]
set: {population.households: 1500, months: 12, report_months: 6}
design: factorial
replications: 1
parameters:
  policies.2.share: {values: [0.0, 1.0]}
  institutions.association_hours: {range: [0, 100], steps: 3}
"""


@pytest.mark.parametrize("text, path, words", [
    (GOOD.replace("replications: 1", "replicatons: 1"), "replicatons", "unknown key"),
    (GOOD.replace("institutions.association_hours:", "institutions.association_hour:"),
     "parameters.institutions.association_hour", "unknown key"),
    (GOOD.replace("{values: [0.0, 1.0]}", "{values: [0.0, 1.5]}"), "parameters.policies.2.share",
     "above the maximum"),
    (GOOD.replace("policies.2.share", "policies.7.share"), "parameters.policies.7.share",
     "policy index"),
    (GOOD.replace("steps: 3", "stepz: 3"), "parameters.institutions.association_hours.stepz",
     "unknown key"),
    (GOOD.replace(", steps: 3", ""), "parameters.institutions.association_hours.steps",
     "needs steps"),
    (GOOD.replace("design: factorial", "design: {type: sobol, samples: 12}"), "design.samples",
     "power of 2"),
    (GOOD.replace("design: factorial", "design: taguchi"), "design.type", "unknown design"),
    (GOOD + "metrics: [non_take_up_rat]\n", "metrics[0]", "no summary metric"),
    (GOOD + "analyse: [burden]\n", "analyse[0]", "not a kept summary metric"),
    (GOOD.replace("scenario: online_only_2016", "scenario: nowhere.yaml"), "scenario", "no such file"),
    (GOOD + "seed: -3\n", "seed", "non-negative"),
    ("[1, 2]", None, "mapping"),
])
def test_sweep_file_errors_name_file_and_field(tmp_path, text, path, words):
    p = write(tmp_path, text)
    with pytest.raises(ScenarioError) as info:
        load_sweep(p)
    err = info.value
    assert err.source == str(p)
    assert err.path == path
    assert words in str(err)
    assert "\n" not in str(err)


def test_cli_sweep_input_errors_exit_2(tmp_path, capsys):
    bad = write(tmp_path, GOOD.replace("replications: 1", "replications: 0"))
    assert main(["sweep", str(bad), "-q", "--workers", "1", "-o", str(tmp_path / "o")]) == 2
    err = capsys.readouterr().err.strip()
    assert err == f"{bad}: replications: expected at least 1"
    good = write(tmp_path, GOOD, "good.yaml")
    assert main(["sweep", str(good), "-q", "--set", "policies.2.share=0.5", "-o",
                 str(tmp_path / "o2")]) == 2
    assert "--set: policies.2.share: is varied by the sweep" in capsys.readouterr().err
    assert main(["sweep", str(good), "-q", "--set", "population.househlds=5"]) == 2
    assert "population.househlds" in capsys.readouterr().err
    assert main(["sweep", str(good), "-q", "--dask-local", "0"]) == 2
    assert main(["compare", "baseline_2013", "-q"]) == 2
    capsys.readouterr()
    assert main(["compare", "baseline_2013", "online_only_2016", "-q", "--metric", "nope"]) == 2
    assert capsys.readouterr().err.strip() == "--metric: no summary metric 'nope' (e.g. " \
        "non_take_up_rate, group_gaps.age_band.gap)"
    # sim run's resource checks: a typo in the household count is refused before running
    assert main(["compare", "baseline_2013", "online_only_2016", "-q", "-r", "3",
                 "--set", "population.households=40000000"]) == 2
    assert "population.households" in capsys.readouterr().err
    assert main(["sweep", str(good), "-q", "--set", "population.households=40000000",
                 "-r", "3", "-o", str(tmp_path / "o3")]) == 2
    assert "population.households" in capsys.readouterr().err


def test_designs_points_and_order(tmp_path):
    spec = load_sweep(write(tmp_path, GOOD))
    pts = point_values(spec.factors, spec.design)
    assert len(pts) == n_points(spec.factors, spec.design) == 6
    # first factor varies slowest; ranges give evenly spaced levels
    assert [p["policies.2.share"] for p in pts] == [0.0, 0.0, 0.0, 1.0, 1.0, 1.0]
    assert [p["institutions.association_hours"] for p in pts][:3] == [0.0, 50.0, 100.0]

    text = GOOD.replace("{values: [0.0, 1.0]}", "{range: [0.2, 0.8]}").replace(", steps: 3", "") \
        .replace("institutions.association_hours: {range: [0, 100]}",
                 "institutions.association_hours: {range: [0, 100], integer: true}\n"
                 "  institutions.appointment_only: [true, false]")
    for design, expected in (("{type: lhs, samples: 10}", 10),
                             ("{type: sobol, samples: 8}", 8 * (3 + 2)),
                             ("{type: sobol, samples: 8, second_order: true}", 8 * (2 * 3 + 2)),
                             ("{type: morris, samples: 5}", 5 * (3 + 1))):
        spec = load_sweep(write(tmp_path, text.replace("design: factorial", f"design: {design}")))
        pts = point_values(spec.factors, spec.design)
        assert len(pts) == expected == n_points(spec.factors, spec.design)
        assert all(0.2 <= p["policies.2.share"] <= 0.8 for p in pts)
        assert all(isinstance(p["institutions.association_hours"], int) for p in pts)
        assert {p["institutions.appointment_only"] for p in pts} == {True, False}
        assert pts == point_values(spec.factors, spec.design)  # seeded: same points again


def test_bundled_sweep_files_load():
    files = sorted((ROOT / "sweeps").glob("*.yaml"))
    names = {f.stem for f in files}
    assert {"closure_x_mediation", "sobol_levers"} <= names
    for f in files:
        spec = load_sweep(f)
        assert spec.name == f.stem
    cx = load_sweep(ROOT / "sweeps" / "closure_x_mediation.yaml")
    assert n_points(cx.factors, cx.design) == 40
    sb = load_sweep(ROOT / "sweeps" / "sobol_levers.yaml")
    assert sb.design["type"] == "sobol" and len(sb.factors) >= 4


def test_resume_refuses_another_plan_and_overwrite(tmp_path, monkeypatch, capsys):
    p = write(tmp_path, GOOD)
    out = tmp_path / "out"
    sweep(p, out=out, workers=1)
    with pytest.raises(ScenarioError, match="--resume"):
        sweep(p, out=out, workers=1)
    with pytest.raises(ScenarioError, match="different plan"):
        sweep(p, out=out, workers=1, resume=True, seed=99)
    before = {f: f.read_bytes() for f in (out / "summary").iterdir()}
    sweep(p, out=out, workers=1, resume=True)  # everything done: nothing rerun, same files
    assert before == {f: f.read_bytes() for f in (out / "summary").iterdir()}
    man = json.loads((out / "manifest.json").read_text())
    assert man["status"] == "complete" and len(man["runs"]) == 2
    assert man["runs"][1]["points_already_done"] == 6
    assert man["sweep"]["file_sha256"] and man["sweep"]["base_scenario_sha256"]
    assert man["versions"]["numpy"] == np.__version__
    assert len(man["runs"][0]["code_sha256"]) == 64
    capsys.readouterr()
    from sim.experiments import engine
    monkeypatch.setattr(engine, "code_sha256", lambda: "0" * 64)
    sweep(p, out=out, workers=1, resume=True)
    assert "source code changed" in capsys.readouterr().err


def test_store_loads_with_plain_pandas_and_aggregate_matches_t_interval(tmp_path):
    p = write(tmp_path, GOOD.replace("replications: 1", "replications: 3"))
    out = tmp_path / "out"
    sweep(p, out=out, workers=1)
    summary = pd.read_parquet(out / "summary")  # a directory of parts: plain pandas
    assert len(summary) == 6 * 3
    assert list(summary[["point", "replication"]].itertuples(index=False, name=None)) == \
        [(i, r) for i in range(6) for r in range(3)]
    assert summary["policies.2.share"].tolist()[:3] == [0.0, 0.0, 0.0]
    agg = pd.read_parquet(out / "aggregate.parquet")
    row = agg[(agg.point == 4) & (agg.metric == "non_take_up_rate")].iloc[0]
    mean, ci = sim.summary.t_interval(summary.loc[summary.point == 4, "non_take_up_rate"])
    assert row["mean"] == pytest.approx(mean, rel=1e-12)
    assert [row["ci_low"], row["ci_high"]] == pytest.approx(ci, rel=1e-9)
    ts = pd.read_parquet(out / "timeseries")
    assert len(ts) == 6 * 3 * 12


def test_kept_metrics_and_series(tmp_path):
    text = GOOD + "metrics: [non_take_up_rate, by_group.age_band]\ntimeseries: none\n"
    out = tmp_path / "out"
    sweep(write(tmp_path, text), out=out, workers=1)
    cols = set(pd.read_parquet(out / "summary").columns)
    assert "non_take_up_rate" in cols and "by_group.age_band.a75_plus.non_take_up_rate" in cols
    assert "unclaimed_euros_per_month" not in cols and "by_group.diploma.none.non_take_up_rate" not in cols
    assert not (out / "timeseries").exists()


# -- sensitivity (acceptance 4) -----------------------------------------------

def test_factorial_indices_on_known_functions():
    a, b = np.meshgrid(np.arange(4.0), np.arange(3.0), indexing="ij")
    s1, st = factorial_indices(a + 2 * b)  # additive: no interaction
    assert s1 == pytest.approx(st)
    assert s1.sum() == pytest.approx(1.0)
    assert s1[1] / s1[0] == pytest.approx((4 * np.var([0, 1, 2])) / np.var([0, 1, 2, 3]))
    s1, st = factorial_indices((a - 1.5) * (b - 1))  # pure interaction: no main effect
    assert s1 == pytest.approx([0, 0], abs=1e-12) and st == pytest.approx([1, 1])


SOBOL = """
name: sobol4
scenario: online_only_2016
add_policies:
  - {type: counter_closure, start: 0, share: 0.0}
  - {type: detection_orientation, start: 0, rate: 0.0}
set: {population.households: 1500, months: 12, report_months: 6}
design: {type: sobol, samples: 16, seed: 3}
replications: 1
seed: 21
parameters:
  policies.2.share: {range: [0.0, 1.0]}
  institutions.association_hours: {range: [0, 600]}
  institutions.teach_propensity: {range: [0.0, 1.0]}
  policies.3.rate: {range: [0.0, 1.0]}
timeseries: [non_take_up_rate]
analyse: [non_take_up_rate, autonomy_share]
"""


def test_sobol_analysis_end_to_end(tmp_path):
    p = write(tmp_path, SOBOL)
    out = tmp_path / "sobol"
    r = subprocess.run([sys.executable, "-m", "sim", "sweep", str(p), "-o", str(out), "-q",
                        "--workers", "2", "--analyse"], cwd=ROOT, capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    assert "S1 first-order [95% CI]" in r.stdout and "ST total [95% CI]" in r.stdout
    for name in ("policies.2.share", "institutions.association_hours", "institutions.teach_propensity",
                 "policies.3.rate"):
        assert name in r.stdout
    res = json.loads((out / "sensitivity.json").read_text())
    assert res["design"] == "sobol" and res["points"] == 16 * 6
    for metric in ("non_take_up_rate", "autonomy_share"):
        rows = res["metrics"][metric]["factors"]
        assert len(rows) == 4
        for row in rows:
            for k in ("S1", "ST"):
                lo, hi = row[f"{k}_ci"]
                assert lo <= row[k] <= hi and math.isfinite(hi - lo)
    assert analyse(out, write=False) == res  # seeded bootstrap: the same indices again


def test_factorial_analysis_separates_an_inert_factor(tmp_path):
    """The scenario's description changes nothing: with common random numbers its
    indices are exactly 0, and closing every counter carries all the variance."""
    text = GOOD.replace("institutions.association_hours: {range: [0, 100], steps: 3}",
                        "description: {values: [a, b, c]}").replace("replications: 1", "replications: 3")
    out = tmp_path / "f"
    sweep(write(tmp_path, text), out=out, workers=1)
    res = analyse(out)
    rows = {r["name"]: r for r in res["metrics"]["non_take_up_rate"]["factors"]}
    assert rows["description"]["S1"] == pytest.approx(0, abs=1e-12)
    assert rows["description"]["ST"] == pytest.approx(0, abs=1e-12)
    assert rows["policies.2.share"]["S1"] == pytest.approx(1, abs=1e-9)
    lo, hi = rows["policies.2.share"]["S1_ci"]
    assert lo <= 1 + 1e-9 and hi >= 1 - 1e-9


def test_morris_and_lhs_analyses_run(tmp_path):
    base = SOBOL.replace("samples: 16, seed: 3", "samples: 4, seed: 3").replace(
        "analyse: [non_take_up_rate, autonomy_share]", "analyse: [non_take_up_rate]")
    for design, key in (("{type: morris, samples: 4, seed: 3}", "mu_star"),
                        ("{type: lhs, samples: 30, seed: 3}", "S1")):
        out = tmp_path / design[7:12]
        text = base.replace("{type: sobol, samples: 4, seed: 3}", design)
        sweep(write(tmp_path, text), out=out, workers=1)
        res = analyse(out)
        rows = res["metrics"]["non_take_up_rate"]["factors"]
        assert len(rows) == 4 and all(r[key] is not None for r in rows)


def test_compare_scenarios_with_different_benefits(tmp_path):
    two = write(tmp_path, "name: two_benefits\nbenefits_enabled: [rsa, aspa]\n", "two.yaml")
    c = compare(["baseline_2013", two], replications=2, seed=3, sets=TINY, workers=1,
                out=tmp_path / "out")
    assert "per_benefit.prime_activite.non_take_up_rate" in c.summaries[0]
    assert "per_benefit.prime_activite.non_take_up_rate" not in c.summaries[1]
    assert "per_benefit.prime_activite.non_take_up_rate" not in c.paired[0]
    assert c.paired[0]["per_benefit.rsa.non_take_up_rate"]["mean"] is not None
    table = pd.read_csv(tmp_path / "out" / "differences.csv")
    assert "per_benefit.rsa.non_take_up_rate" in set(table["metric"])


def test_results_load_with_polars_and_duckdb(tmp_path):
    import duckdb
    import polars as pl
    out = tmp_path / "out"
    sweep(write(tmp_path, GOOD.replace("replications: 1", "replications: 2")), out=out, workers=1)
    ref = pd.read_parquet(out / "summary")
    frame = pl.read_parquet(str(out / "summary" / "*.parquet"))
    assert frame.height == len(ref) == 12
    assert frame["non_take_up_rate"].to_list() == ref["non_take_up_rate"].tolist()
    by_share = duckdb.sql(f"""SELECT "policies.2.share" AS share, avg(non_take_up_rate) AS nt
                              FROM '{out}/summary/*.parquet' GROUP BY 1 ORDER BY 1""").fetchall()
    expected = ref.groupby("policies.2.share")["non_take_up_rate"].mean()
    assert [s for s, _ in by_share] == expected.index.tolist()
    assert [v for _, v in by_share] == pytest.approx(expected.tolist(), rel=1e-12)
    ts = duckdb.sql(f"SELECT count(*) FROM '{out}/timeseries/*.parquet'").fetchall()[0][0]
    assert ts == 6 * 2 * 12


def test_population_file_gives_the_results_of_sim_run(tmp_path):
    from sim.runner import export_population
    export_population(sim.load_scenario("baseline_2013", sets=TINY), 5, tmp_path / "pop.csv")
    scen = write(tmp_path, "name: from_file\npopulation: {file: pop.csv}\nmonths: 12\n"
                           "report_months: 6\n", "from_file.yaml")
    ref = sim.run(str(scen), replications=2, seed=5).summary
    c = compare([scen, "baseline_2013"], replications=2, seed=5, workers=2,
                sets=["months=12", "report_months=6"])
    assert c.households[0] == 1500
    assert c.summaries[0]["non_take_up_rate"] == ref["non_take_up_rate"]
    assert c.summaries[0]["unclaimed_euros_per_month"] == ref["unclaimed_euros_per_month"]
