"""Determinism suite: the same scenario and seed give byte-identical output files across
reruns, worker counts and operating-system hash seeds (PYTHONHASHSEED).  Executors
(processes, local Dask, a real scheduler and workers) are covered for sweeps in
tests/test_sweep_determinism.py."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FILES = ("summary.json", "timeseries.csv", "groups.csv", "routes.csv", "replications.csv")
ARGS = ["run", "scenarios/counter_closure_rural.yaml", "--set", "population.households=2500",
        "--set", "months=14", "-r", "3", "--seed", "77", "-q"]


def run(out, hashseed, *extra):
    env = {**os.environ, "PYTHONHASHSEED": str(hashseed)}
    r = subprocess.run([sys.executable, "-m", "sim", *ARGS, *extra, "--out", str(out)], cwd=ROOT,
                       env=env, capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stderr
    return {f: (out / f).read_bytes() for f in FILES}


def test_byte_identical_across_reruns_workers_and_hash_seeds(tmp_path):
    ref = run(tmp_path / "ref", 0)
    for i, (hashseed, extra) in enumerate([(0, ()), (12345, ()), (987, ("--workers", "2")),
                                           ("random", ("--workers", "3"))]):
        other = run(tmp_path / f"o{i}", hashseed, *extra)
        for f in FILES:
            assert other[f] == ref[f], f"{f} differs (PYTHONHASHSEED={hashseed}, {extra})"


def test_compare_is_deterministic_across_hash_seeds(tmp_path):
    outs = []
    for i, hs in enumerate((1, 4242)):
        env = {**os.environ, "PYTHONHASHSEED": str(hs)}
        r = subprocess.run([sys.executable, "-m", "sim", "compare", "baseline_2013", "online_only_2016",
                            "--set", "population.households=2000", "--set", "months=12", "-r", "3",
                            "--seed", "5", "-q", "--workers", str(i + 1), "--out", str(tmp_path / str(i))],
                           cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
        assert r.returncode == 0, r.stderr
        outs.append((tmp_path / str(i) / "differences.csv").read_bytes())
    assert outs[0] == outs[1]


def test_a_run_without_report_tables_is_the_same_run():
    """``tables=False`` (the workshop's runs) skips only measurement: every monthly series
    but the concentration index (a table-window statistic) and every summary entry outside
    ``TABLE_KEYS`` are identical; the table-derived entries are left out, not zeroed."""
    import numpy as np

    import sim
    from sim.model import DematModel
    from sim.summary import TABLE_KEYS, leaves, replication_summary

    for name in ("counter_closure_rural", "france_services"):
        sc = sim.load_scenario(name, sets=["population.households=3000", "months=18",
                                           "report_months=8"])
        runs = []
        for tables in (True, False):
            m = DematModel(sc, np.random.SeedSequence(31), tables=tables).run()
            runs.append((m, replication_summary(m.ledger, m.benefit_names, m.h.n)))
        (full, s_full), (light, s_light) = runs
        for key, series in full.ledger.series.items():
            if key != "concentration_index":
                assert np.array_equal(series, light.ledger.series[key]), (name, key)
        assert np.array_equal(full.h.state, light.h.state) and np.array_equal(full.h.skill, light.h.skill)
        assert not light.ledger.series["concentration_index"].any()
        assert full.ledger.groups["age_band"].sum() > 0 and light.ledger.groups["age_band"].sum() == 0
        assert set(s_full) - set(s_light) == set(TABLE_KEYS)
        assert all("by_receipt" not in per for per in s_light["per_benefit"].values())
        kept = {k: v for k, v in leaves(s_full) if k.split(".")[0] not in TABLE_KEYS
                and "by_receipt" not in k}
        light_leaves = dict(leaves(s_light))
        assert list(light_leaves) == list(kept)
        assert all(a == b or (a != a and b != b) for a, b in zip(light_leaves.values(), kept.values()))
