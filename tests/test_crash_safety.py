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
import pytest

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


# -- issue 14, class 10: no worker outlives its command ----------------------------------

SWEEP = """scenario: baseline_2013
set:
  population.households: 20000
  months: 24
  report_months: 6
replications: 2
parameters:
  institutions.teach_propensity: [0.0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0]
"""


def _children() -> dict[int, list[int]]:
    kids: dict[int, list[int]] = {}
    for d in os.listdir("/proc"):
        if d.isdigit():
            try:
                with open(f"/proc/{d}/stat") as fh:
                    ppid = int(fh.read().rsplit(")", 1)[1].split()[1])
            except (OSError, ValueError, IndexError):
                continue
            kids.setdefault(ppid, []).append(int(d))
    return kids


def descendants(pid: int) -> list[int]:
    kids, out, todo = _children(), [], [pid]
    while todo:
        for k in kids.get(todo.pop(), []):
            out.append(k)
            todo.append(k)
    return out


def alive(pids) -> list[int]:
    out = []
    for p in pids:
        try:
            with open(f"/proc/{p}/stat") as fh:
                if fh.read().rsplit(")", 1)[1].split()[0] not in "ZX":
                    out.append(p)
        except OSError:
            pass
    return out


COMMANDS = {
    "sweep": lambda d: ["sweep", str(d / "sweep.yaml"), "--workers", "2", "-q", "--out", str(d / "out")],
    "run": lambda d: ["run", "baseline_2013", "--set", "population.households=200000", "-r", "4",
                      "--workers", "2", "-q"],
    "dashboard": lambda d: ["dashboard", "--port", str(_free_port())],
}


def _free_port() -> int:
    import socket
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.mark.parametrize("command,sig", [("sweep", signal.SIGKILL), ("sweep", signal.SIGTERM),
                                         ("run", signal.SIGKILL), ("dashboard", signal.SIGTERM)])
def test_no_worker_outlives_its_command(tmp_path, command, sig):
    """The parent alone is killed (as the OOM killer or a scheduler would): within 5 s no
    process it started remains — workers, forkserver, nothing."""
    (tmp_path / "sweep.yaml").write_text(SWEEP, encoding="utf-8")
    env = {**os.environ, "SIM_DASHBOARD_WORKERS": "2"}
    proc = subprocess.Popen([sys.executable, "-m", "sim", *COMMANDS[command](tmp_path)], cwd=tmp_path,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env,
                            start_new_session=True)
    seen: set[int] = set()
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and proc.poll() is None:  # forkserver and 2 workers up
            seen |= set(descendants(proc.pid))
            if len(alive(seen)) >= 3:
                break
            time.sleep(0.1)
        assert proc.poll() is None and len(alive(seen)) >= 3, "the workers never started"
        seen |= set(descendants(proc.pid))
        os.kill(proc.pid, sig)  # the parent only, not its group
        proc.wait(timeout=60)
        t0 = time.monotonic()
        while alive(seen) and time.monotonic() - t0 < 5:
            time.sleep(0.1)
        assert alive(seen) == [], f"{len(alive(seen))} process(es) left 5 s after {sig.name}"
    finally:
        for p in alive(seen) + ([proc.pid] if proc.poll() is None else []):
            os.kill(p, signal.SIGKILL)
        proc.wait(timeout=60)
