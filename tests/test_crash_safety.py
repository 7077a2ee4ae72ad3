"""Crash safety of ``sim run --out DIR``: a SIGKILL mid-run leaves only whole files, and
``--resume`` ends with the very files an uninterrupted run writes (replications finished
before the kill are kept, not rerun).  A run is a one-point results store: the same
mechanism resumes comparisons and sweeps (tests/test_sweep_determinism.py)."""

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pyarrow.parquet as pq

ROOT = Path(__file__).resolve().parent.parent
RUN = ["run", "baseline_2013", "--set", "population.households=40000", "-r", "8", "-q"]


def sim(*args, cwd):
    return subprocess.run([sys.executable, "-m", "sim", *map(str, args)], cwd=cwd,
                          capture_output=True, text=True, timeout=300)


def files(d: Path) -> dict[str, bytes]:
    """Every file of a results directory, by relative path."""
    return {str(p.relative_to(d)): p.read_bytes() for p in sorted(d.rglob("*")) if p.is_file()}


def manifest_data(blob: bytes) -> dict:
    m = json.loads(blob)
    for k in ("command", "created", "runs"):  # command line, clock, executors differ
        m.pop(k)
    return m


ANALYST_FILES = ("summary.json", "replications.csv", "timeseries.csv", "groups.csv", "routes.csv")


def test_sim_run_killed_mid_way_resumes_to_identical_files(tmp_path):
    ref = sim(*RUN, "--seed", 7, "--out", tmp_path / "ref", cwd=tmp_path)
    assert ref.returncode == 0, ref.stderr

    out = tmp_path / "run"
    proc = subprocess.Popen([sys.executable, "-m", "sim", *RUN, "--seed", "7", "--workers", "2", "--out", str(out)],
                            cwd=tmp_path, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                            start_new_session=True)
    kept = out / ".runs" / "summary"
    deadline = time.monotonic() + 180
    try:
        while time.monotonic() < deadline and proc.poll() is None:
            if len(list(kept.glob("part-*.parquet"))) >= 2:
                break
            time.sleep(0.05)
    finally:
        os.killpg(proc.pid, signal.SIGKILL)  # the run and its worker processes
        proc.wait(timeout=60)
    assert proc.returncode == -signal.SIGKILL, "the run finished before it could be killed"

    # the kill left whole files only: finished replications, and no result yet
    saved = sorted(kept.glob("part-000000-*.parquet"))
    assert 2 <= len(saved) < 8
    for f in saved:
        assert pq.read_table(f).column("non_take_up_rate")[0].as_py() > 0
    assert json.loads((out / "manifest.json").read_text())["status"] == "running"
    for name in (*ANALYST_FILES, "aggregate.parquet", "summary"):
        assert not (out / name).exists(), name  # nothing of the results before the run ends

    # replications of another run are never mixed in
    other = sim(*RUN, "--seed", 8, "--out", out, "--resume", cwd=tmp_path)
    assert other.returncode == 2 and "cannot resume" in other.stderr and "Traceback" not in other.stderr
    assert len(other.stderr.strip().splitlines()) == 1, other.stderr

    res = sim(*RUN[:-1], "--seed", 7, "--out", out, "--resume", cwd=tmp_path)  # not quiet: says what it kept
    assert res.returncode == 0, res.stderr
    assert f"resuming: {len(saved)} of 8" in res.stderr

    a, b = files(tmp_path / "ref"), files(out)
    assert set(a) == set(b)
    for name in a:
        if name == "manifest.json":
            assert manifest_data(a[name]) == manifest_data(b[name])
        else:
            assert a[name] == b[name], name
    assert not (out / ".runs").exists()  # finished: the directory holds what an uninterrupted run leaves
