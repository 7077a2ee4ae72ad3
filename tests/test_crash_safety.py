"""Crash safety of ``sim run --out DIR``: a SIGKILL mid-run leaves only whole files, and
``--resume`` ends with the very files an uninterrupted run writes (replications finished
before the kill are kept, not rerun)."""

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
RUN = ["run", "baseline_2013", "--set", "population.households=40000", "-r", "8", "-q"]


def sim(*args, cwd):
    return subprocess.run([sys.executable, "-m", "sim", *map(str, args)], cwd=cwd,
                          capture_output=True, text=True, timeout=300)


def files(d: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in d.iterdir() if p.is_file()}


def manifest_data(blob: bytes) -> dict:
    m = json.loads(blob)
    for k in ("command", "created"):  # the command line and the clock differ from run to run
        m.pop(k)
    return m


def test_sim_run_killed_mid_way_resumes_to_identical_files(tmp_path):
    ref = sim(*RUN, "--seed", 7, "--out", tmp_path / "ref", cwd=tmp_path)
    assert ref.returncode == 0, ref.stderr

    out = tmp_path / "run"
    proc = subprocess.Popen([sys.executable, "-m", "sim", *RUN, "--seed", "7", "--workers", "2", "--out", str(out)],
                            cwd=tmp_path, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                            start_new_session=True)
    parts = out / ".partial"
    deadline = time.monotonic() + 180
    try:
        while time.monotonic() < deadline and proc.poll() is None:
            if len(list(parts.glob("replication-*.npz"))) >= 2:
                break
            time.sleep(0.05)
    finally:
        os.killpg(proc.pid, signal.SIGKILL)  # the run and its worker processes
        proc.wait(timeout=60)
    assert proc.returncode == -signal.SIGKILL, "the run finished before it could be killed"

    # the kill left whole files only: finished replications and nothing of the results yet
    saved = sorted(parts.glob("replication-*.npz"))
    assert 2 <= len(saved) < 8
    assert not (out / "summary.json").exists()
    for f in saved:
        with np.load(f, allow_pickle=False) as z:
            assert json.loads(str(z["summary"]))["non_take_up_rate"] > 0
    json.loads((parts / "run.json").read_text())
    stray = [p.name for p in out.rglob("*") if p.is_file() and p.parent != parts]
    assert stray == [], stray  # no result file, whole or half-written, before the run ends

    # parts of another run are never mixed in
    other = sim(*RUN, "--seed", 8, "--out", out, "--resume", cwd=tmp_path)
    assert other.returncode == 2 and "--resume" in other.stderr and "Traceback" not in other.stderr
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
    assert not parts.exists()  # finished: the directory holds what an uninterrupted run leaves
