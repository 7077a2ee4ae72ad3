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
