"""The workshop's memo on disk (dashboard/memo.py): shared by processes, never stale, bounded.

Real files in a temporary folder, real processes; no timing is asserted (waits are long
enough never to run out: what is checked is who computed what)."""

from __future__ import annotations

import hashlib
import json
import logging
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import numpy as np
import pytest

from dashboard import memo as M
from dashboard.config import Settings
from dashboard.scenarios import WORKSHOP_SEED, preset_levers, workshop_scenario
from dashboard.workshop_runs import SERIES, WorkshopRuns, _pool_job, memo_key, run_rep
from sim.runner import replication_seeds, run_replication

REPO = Path(__file__).resolve().parents[2]


def tiny(memo, **kw) -> Settings:
    return Settings(**{"workshop_households": 2000, "workshop_months": 14, "workshop_start": 6,
                       "workshop_replications": 2, "workers": 0, "workshop_first_workers": 0,
                       "workshop_memo": memo, "workshop_memo_wait": 600.0, **kw})


def series_digest(rep) -> str:
    h = hashlib.sha256()
    for k in SERIES:
        h.update(np.ascontiguousarray(rep.series[k]).tobytes())
    return h.hexdigest()


# -- the store itself --------------------------------------------------------------------------

def test_a_value_comes_back_whole_and_only_for_its_own_key(tmp_path):
    memo = M.Memo(tmp_path, 10**8, version="v1")
    memo.dir.mkdir()
    key, other = ("workshop", "abc", 0), ("workshop", "abc", 1)
    value = {"x": np.arange(5), "s": "é"}
    assert memo.get(key) is None and not memo.has(key)
    assert memo.put(key, value)
    back = memo.get(key)
    np.testing.assert_array_equal(back["x"], value["x"])
    assert back["s"] == "é" and memo.get(other) is None
    # nothing but the result is left in the folder (the temporary file was moved into place)
    assert [p.name for p in memo.dir.iterdir()] == [M.digest(key) + M.SUFFIX]
    # a file cut short (a crash while writing without the rename) is a miss, and goes
    memo.path(other).write_bytes(memo.path(key).read_bytes()[:100])
    assert memo.get(other) is None and not memo.path(other).exists()
    # a file under another key's name (a digest collision, a copy by hand) is not taken for it
    memo.path(other).write_bytes(memo.path(key).read_bytes())
    assert memo.get(other) is None


def test_results_of_other_code_never_come_back(tmp_path):
    key = ("workshop", "abc", 0)
    old = M.Memo(tmp_path, 10**8, version="a" * 64)
    old.dir.mkdir()
    old.put(key, 1)
    assert M.Memo(tmp_path, 10**8, version="b" * 64).get(key) is None
    # the version follows the source: one changed byte in one file changes it
    pkg = tmp_path / "pkg"
    (pkg / "sub").mkdir(parents=True)
    (pkg / "a.py").write_text("x = 1\n")
    (pkg / "sub" / "table.csv").write_text("1,2\n")
    before = M.source_hash({"pkg": pkg})
    assert M.source_hash({"pkg": pkg}) == before
    (pkg / "sub" / "table.csv").write_text("1,3\n")
    assert M.source_hash({"pkg": pkg}) != before
    assert M.source_hash({"pkg": pkg}, only_py=("pkg",)) == M.source_hash({"pkg": pkg}, only_py=("pkg",))
    assert len(M.code_version()) == 64


def test_old_versions_are_removed_and_the_memo_stays_under_its_size(tmp_path):
    stale = tmp_path / ("0" * 20)
    stale.mkdir()
    (stale / "x.rep").write_bytes(b"old")
    week_ago = time.time() - 7 * 24 * 3600
    os.utime(stale, (week_ago, week_ago))
    recent = tmp_path / ("1" * 20)  # another version in use now (e.g. another checkout): kept
    recent.mkdir()
    memo = M.open_memo(tmp_path, 200_000)
    assert memo is not None and not stale.exists() and recent.exists()
    rng = np.random.default_rng(1)
    first = ("k", 0)
    for i in range(40):  # ~16 kB each, incompressible: 640 kB for a 200 kB memo
        memo.put(("k", i), rng.integers(0, 2**62, 2000))
        if i % 4 == 0:
            assert memo.get(first) is not None  # used again and again: kept
    memo.sweep()
    sizes = [p.stat().st_size for p in memo.dir.glob("*" + M.SUFFIX)]
    assert sum(sizes) <= 200_000 and len(sizes) >= 5
    assert memo.has(first) and not memo.has(("k", 1))  # the least recently used went first


def test_one_claim_at_a_time_and_abandoned_claims_are_broken(tmp_path):
    memo = M.Memo(tmp_path, 10**8, version="v")
    memo.dir.mkdir()
    key = ("workshop", "h", 0)
    mine = memo.claim(key, "request")
    assert mine is not None and memo.claim(key, "background") is None
    holder = memo.holder(key)
    assert holder is not None and holder.pid == os.getpid() and holder.role == "request"
    mine.release()
    assert memo.holder(key) is None
    # a claim left by a process that died (SIGKILL: no release) does not block anyone
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True,
                          text=True, check=True)
    memo._lock_path(key).write_text(f"{int(dead.stdout)} request {time.time():.3f} abcd\n")
    assert memo.holder(key) is None
    again = memo.claim(key, "request")
    assert again is not None
    again.release()
    # nobody holds it and nothing is stored: waiting returns at once, empty-handed
    assert memo.wait(key, 600.0) is None


def test_an_unusable_folder_is_said_once_and_the_workshop_runs_without_it(tmp_path, caplog):
    not_a_dir = tmp_path / "file"
    not_a_dir.write_text("")
    open_dir = tmp_path / "open"
    open_dir.mkdir()
    os.chmod(open_dir, 0o777)  # anyone could put a pickle there: not loaded
    for root in (not_a_dir / "memo", open_dir):
        with caplog.at_level(logging.WARNING, logger="dashboard.memo"):
            assert M.open_memo(root, 10**8) is None
            assert M.open_memo(root, 10**8) is None
        assert len([r for r in caplog.records if "memo disabled" in r.getMessage()]) == 1
        caplog.clear()
        s = tiny(root)
        runs = WorkshopRuns(s)
        assert runs.memo is None
        sc = runs.scenario(preset_levers("closure"))
        assert series_digest(runs.first(sc)) == series_digest(run_rep(sc, s, 0))
        assert len(runs.reps(sc)) == 2 and runs.counts["computed"] == 2


# -- the workshop through the memo --------------------------------------------------------------

def test_a_result_from_the_memo_is_the_engines_run_of_the_setting(tmp_path):
    s = tiny(tmp_path)
    a = WorkshopRuns(s)
    sc = a.scenario(preset_levers("france_services"))
    a.first(sc)
    assert a.counts["computed"] == 2
    b = WorkshopRuns(s)  # another server on the same machine, or the same one started again
    sc = b.scenario(preset_levers("france_services"))
    reps = [b.first(sc), *b.reps(sc)[1:]]
    assert b.counts == {"memo": 2}
    for index, rep in enumerate(reps):
        full = run_replication(sc, replication_seeds(WORKSHOP_SEED, index + 1)[index], index)
        for k in SERIES:
            np.testing.assert_array_equal(rep.series[k], full.series[k], err_msg=k)
        assert rep.summary["non_take_up_rate"] == full.summary["non_take_up_rate"]


def test_pool_jobs_skip_what_is_stored_or_claimed_elsewhere(tmp_path):
    s = tiny(tmp_path)
    memo = M.open_memo(tmp_path, s.workshop_memo_mb * 2**20)
    assert memo is not None
    sc = workshop_scenario(preset_levers("closure"), s)
    h = sc.content_hash()
    key = memo_key(s, h, 1)
    claim = memo.claim(key, "request")  # another process computes replication 1
    assert claim is not None
    assert _pool_job(sc, s, 1, h) is None and not memo.has(key)
    claim.release()
    assert _pool_job(sc, s, 1, h) is None and memo.has(key)  # computed and stored, not sent back
    assert memo.holder(key) is None
    assert series_digest(memo.get(key)) == series_digest(run_rep(sc, s, 1))
    assert _pool_job(sc, s, 1, h) is None  # stored: nothing to do
    # without a memo the pool sends its result back, as before
    off = tiny(None)
    assert series_digest(_pool_job(sc, off, 1, h)) == series_digest(run_rep(sc, off, 1))


CHILD = """
import json, sys, time
from pathlib import Path
from dashboard.config import Settings
from dashboard.scenarios import preset_levers
from dashboard.workshop_runs import WorkshopRuns
sys.path.insert(0, sys.argv[3])
from test_memo import series_digest, tiny
go = Path(sys.argv[2])
runs = WorkshopRuns(tiny(Path(sys.argv[1])))
sc = runs.scenario(preset_levers("closure"))
print("ready", flush=True)
while not go.exists():
    time.sleep(0.001)
runs.first(sc)
while runs.status(sc) < 2:  # the other process may be computing replication 1
    time.sleep(0.01)
print(json.dumps({"counts": dict(runs.counts), "digests": [series_digest(r) for r in runs.reps(sc)]}))
"""


def test_two_processes_asking_for_the_same_setting_at_once_compute_it_once(tmp_path):
    """Two servers' processes (as gunicorn's workers) move to the same setting at the same
    moment: each replication is computed by one of them, the other waits for it or reads it;
    both show exactly what this process computes without any memo."""
    memo, go = tmp_path / "memo", tmp_path / "go"
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(REPO), os.environ.get("PYTHONPATH", "")])}
    procs = [subprocess.Popen([sys.executable, "-c", CHILD, str(memo), str(go), str(Path(__file__).parent)],
                              stdout=subprocess.PIPE, text=True, env=env, cwd=tmp_path) for _ in range(2)]
    try:
        for p in procs:
            assert p.stdout is not None and p.stdout.readline().strip() == "ready"
        go.touch()
        out = [json.loads(p.communicate(timeout=600)[0]) for p in procs]
    finally:
        for p in procs:
            if p.poll() is None:
                p.kill()
    assert [p.returncode for p in procs] == [0, 0]
    computed = sum(o["counts"].get("computed", 0) for o in out)
    assert computed == 2, out  # replications 0 and 1, once each for both processes
    assert all(sum(o["counts"].values()) == 2 for o in out), out
    alone = tiny(None)
    sc = workshop_scenario(preset_levers("closure"), alone)
    expected = [series_digest(run_rep(sc, alone, i)) for i in range(2)]
    assert out[0]["digests"] == out[1]["digests"] == expected


@pytest.mark.parametrize("role", ["request", "background"])
def test_a_lever_waits_for_another_request_but_not_long_for_a_pool(tmp_path, role):
    """Another process's request computes the setting: the lever waits for its result and
    computes nothing.  A low-priority pool holds it: the lever waits ``workshop_guess_wait``
    only (here 0), then computes it itself."""
    s = tiny(tmp_path, workshop_guess_wait=0.0, workshop_replications=1)
    runs = WorkshopRuns(s)
    sc = runs.scenario(preset_levers("p2016"))
    assert runs.memo is not None
    key = memo_key(s, sc.content_hash(), 0)
    expected = run_rep(sc, s, 0)
    other = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(600)"])  # the holder
    lock = runs.memo._lock_path(key)
    lock.write_text(f"{other.pid} {role} {time.time():.3f} abcd\n")

    def other_finishes():  # stores its result (the same as this process computes) and lets go
        time.sleep(0.2)
        runs.memo.put(key, expected)
        lock.unlink()

    worker = threading.Thread(target=other_finishes)
    try:
        if role == "request":
            worker.start()
        rep = runs.first(sc)
    finally:
        other.kill()
        other.wait()
        if worker.is_alive():
            worker.join()
    assert series_digest(rep) == series_digest(expected)
    if role == "request":
        assert runs.counts["computed"] == 0 and runs.counts["waited"] + runs.counts["memo"] == 1
    else:
        assert runs.counts == {"computed": 1}


@pytest.mark.parametrize("memo", [True, False])
def test_first_replications_run_in_their_own_processes_and_survive_one_killed(tmp_path, memo):
    """Levers' first replications run in a normal-priority process (levers moved at once use
    every core): the same result as here; if that process is killed, the lever is computed
    anyway and a new process starts for the next one."""
    s = tiny(tmp_path if memo else None, workshop_first_workers=1)
    runs = WorkshopRuns(s)
    try:
        sc = runs.scenario(preset_levers("closure"))
        rep = runs.first(sc)
        pool = runs._first_pool
        assert pool is not None
        pids = list(pool._processes)
        assert pids and os.getpid() not in pids
        assert series_digest(rep) == series_digest(run_rep(sc, tiny(None), 0))
        for pid in pids:
            os.kill(pid, signal.SIGKILL)
        deadline = time.monotonic() + 60
        while any(p.is_alive() for p in pool._processes.values()) and time.monotonic() < deadline:
            time.sleep(0.01)
        for name in ("p2016", "automatic"):
            sc = runs.scenario(preset_levers(name))
            assert series_digest(runs.first(sc)) == series_digest(run_rep(sc, tiny(None), 0))
        assert runs._first_pool is not None and runs._first_pool is not pool  # started again
        assert runs.counts["computed"] == 3 * 2  # each replication once (the others: this thread)
    finally:
        runs.close()
