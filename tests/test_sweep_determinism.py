"""Issue 4 acceptance 2 and 3: a 40-point sweep gives byte-identical result files
whatever the executor (in-process, 2 local processes, a local Dask cluster, a real
``dask scheduler`` + ``dask worker`` started as separate processes), and a sweep
killed with SIGKILL then resumed ends with the same files, no point missing or
duplicated."""

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

from sim.experiments import analyse, sweep

ROOT = Path(__file__).resolve().parent.parent
N_POINTS, REPS = 40, 2

SWEEP_40 = f"""
name: det40
scenario: online_only_2016
add_policies:
  - {{type: counter_closure, start: 0, share: 0.0}}
set:
  population.households: 1500
  months: 12
  report_months: 6
design: factorial
replications: {REPS}
seed: 11
parameters:
  policies.2.share: {{values: [0.0, 0.25, 0.5, 0.75, 1.0]}}
  institutions.association_hours: {{range: [0, 700], steps: 8}}
analyse: [non_take_up_rate]
"""


def result_files(out: Path) -> dict[str, bytes]:
    """Every data file of a results directory (Parquet and the analysis), by relative path."""
    files = {}
    for p in sorted(out.rglob("*")):
        if p.is_file() and (p.suffix == ".parquet" or p.name == "sensitivity.json"):
            files[str(p.relative_to(out))] = p.read_bytes()
    return files


def code_hashes(out: Path) -> set[str]:
    runs = json.loads((out / "manifest.json").read_text())["runs"]
    return {r["code_sha256"] for r in runs}


def assert_same_files(ref: Path, other: Path) -> None:
    # results may only differ if the engine's source changed while the test ran
    # (someone editing the working tree): say so rather than report a determinism failure
    assert code_hashes(ref) == code_hashes(other), "the sim source code changed during the test"
    a, b = result_files(ref), result_files(other)
    assert sorted(a) == sorted(b), f"different file sets: {sorted(set(a) ^ set(b))}"
    different = [name for name in a if a[name] != b[name]]
    assert not different, f"files differ from the reference: {different}"


def cli(*args, env=None, **kw) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "sim", *args], cwd=ROOT, capture_output=True,
                          text=True, env=env, **kw)


@pytest.fixture(scope="module")
def sweep_file(tmp_path_factory) -> Path:
    p = tmp_path_factory.mktemp("sweepfile") / "det40.yaml"
    p.write_text(SWEEP_40, encoding="utf-8")
    return p


@pytest.fixture(scope="module")
def reference(sweep_file, tmp_path_factory) -> Path:
    """The uninterrupted sweep, run in this process (--workers 1)."""
    out = tmp_path_factory.mktemp("ref") / "out"
    sweep(sweep_file, out=out, workers=1)
    analyse(out)
    return out


def test_reference_is_complete(reference):
    files = result_files(reference)
    assert sum(name.startswith("summary/") for name in files) == N_POINTS
    assert sum(name.startswith("timeseries/") for name in files) == N_POINTS
    summary = pd.read_parquet(reference / "summary")
    assert len(summary) == N_POINTS * REPS
    assert not summary.duplicated(["point", "replication"]).any()


@pytest.mark.slow
def test_workers_2_byte_identical_to_workers_1(sweep_file, reference, tmp_path):
    out = tmp_path / "w2"
    r = cli("sweep", str(sweep_file), "-o", str(out), "--workers", "2", "-q", "--analyse")
    assert r.returncode == 0, r.stderr
    assert_same_files(reference, out)


@pytest.mark.slow
def test_dask_local_cluster_byte_identical(sweep_file, reference, tmp_path):
    out = tmp_path / "dl"
    r = cli("sweep", str(sweep_file), "-o", str(out), "--dask-local", "2", "-q", "--analyse")
    assert r.returncode == 0, r.stderr
    assert_same_files(reference, out)


@pytest.fixture
def dask_cluster(tmp_path):
    """A real ``dask scheduler`` and ``dask worker`` (2 processes) on 127.0.0.1."""
    dask = str(Path(sys.executable).parent / "dask")
    cfg = tmp_path / "dask-config"
    cfg.mkdir()
    # the nanny must not set MALLOC_TRIM_THRESHOLD_ in the workers' environment
    (cfg / "sim.yaml").write_text(
        "distributed:\n  nanny:\n    pre-spawn-environ:\n      MALLOC_TRIM_THRESHOLD_: null\n")
    env = {**os.environ, "DASK_CONFIG": str(cfg)}
    sched_file = tmp_path / "scheduler.json"
    procs = []
    try:
        procs.append(subprocess.Popen(
            [dask, "scheduler", "--host", "127.0.0.1", "--port", "0", "--no-dashboard",
             "--scheduler-file", str(sched_file)],
            cwd=tmp_path, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
        deadline = time.monotonic() + 60
        while not sched_file.exists():
            assert procs[0].poll() is None, "dask scheduler exited"
            assert time.monotonic() < deadline, "dask scheduler did not start"
            time.sleep(0.1)
        time.sleep(0.2)  # the file is written once; let it be complete
        address = json.loads(sched_file.read_text())["address"]
        assert address.startswith("tcp://127.0.0.1:")
        procs.append(subprocess.Popen(
            [dask, "worker", address, "--nworkers", "2", "--nthreads", "1", "--no-dashboard",
             "--local-directory", str(tmp_path / "worker-space")],
            cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
        yield address, env
    finally:
        for p in reversed(procs):
            p.terminate()
        for p in reversed(procs):
            try:
                p.wait(timeout=30)
            except subprocess.TimeoutExpired:
                p.kill()
                p.wait()


@pytest.mark.slow
def test_dask_scheduler_and_workers_byte_identical(sweep_file, reference, dask_cluster, tmp_path):
    address, env = dask_cluster
    out = tmp_path / "dask"
    r = cli("sweep", str(sweep_file), "-o", str(out), "--scheduler", address, "-q", "--analyse",
            env=env)
    assert r.returncode == 0, r.stderr
    assert_same_files(reference, out)
    manifest = (out / "manifest.json").read_text()
    assert '"kind": "dask"' in manifest and address in manifest


@pytest.mark.slow
def test_sigkill_then_resume_equals_uninterrupted(sweep_file, reference, tmp_path):
    out = tmp_path / "killed"
    proc = subprocess.Popen([sys.executable, "-m", "sim", "sweep", str(sweep_file), "-o", str(out),
                             "--workers", "1", "-q"], cwd=ROOT, stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE)
    parts = out / "summary"
    deadline = time.monotonic() + 120
    while not (parts.is_dir() and len(list(parts.glob("part-*.parquet"))) >= 3):
        assert proc.poll() is None, f"sweep ended before it could be killed: {proc.stderr.read()}"
        assert time.monotonic() < deadline, "no point finished"
        time.sleep(0.02)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    proc.stderr.close()
    assert proc.returncode == -signal.SIGKILL
    done_at_kill = len(list(parts.glob("part-*.parquet")))
    assert 3 <= done_at_kill < N_POINTS, "the kill must land in the middle of the sweep"
    assert '"status": "running"' in (out / "manifest.json").read_text()
    assert not (out / "aggregate.parquet").exists()
    # what a kill during a write leaves behind: a hidden temporary file, never a part
    (parts / ".part-000039.parquet.abc123.tmp").write_bytes(b"half a parquet file")

    again = cli("sweep", str(sweep_file), "-o", str(out), "-q")
    assert again.returncode == 2 and "--resume" in again.stderr  # no silent overwrite

    r = cli("sweep", str(sweep_file), "-o", str(out), "--resume", "--workers", "2", "-q", "--analyse")
    assert r.returncode == 0, r.stderr
    assert not list(parts.glob(".*.tmp"))
    assert_same_files(reference, out)
    summary = pd.read_parquet(out / "summary")
    assert len(summary) == N_POINTS * REPS
    assert not summary.duplicated(["point", "replication"]).any()
    assert sorted(summary["point"].unique()) == list(range(N_POINTS))
    assert '"status": "complete"' in (out / "manifest.json").read_text()
