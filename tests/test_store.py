"""One results store for `sim run`, `sim compare` and `sim sweep`, and one resume path.

A run is a one-point store: `sim report` and duckdb read it like a sweep's.  An
interruption at any replication, followed by `--resume`, ends with the bytes of an
uninterrupted command, for all three commands (here the interruption is an executor
that stops after k results; tests/test_crash_safety.py and test_sweep_determinism.py
kill real processes with SIGKILL).
"""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
import pytest

import sim
from sim.cli import main
from sim.experiments import compare, load_results, load_sweep, sweep
from sim.experiments import runs
from sim.experiments.executors import SerialExecutor

TINY = ["population.households=1500", "months=12", "report_months=6"]


def _sets(sets):
    return sum((["--set", s] for s in sets), [])


def test_a_run_is_a_store_that_report_and_duckdb_read(tmp_path):
    out = tmp_path / "run"
    assert main(["run", "baseline_2013", *_sets(TINY), "-r", "3", "--seed", "4", "-o", str(out),
                 "-q"]) == 0
    for name in ("summary.json", "replications.csv", "timeseries.csv", "groups.csv", "routes.csv",
                 "scenario.yaml", "manifest.json", "design.parquet", "aggregate.parquet"):
        assert (out / name).is_file(), name
    assert not (out / ".runs").exists()
    man = json.loads((out / "manifest.json").read_text())
    assert man["kind"] == "run" and man["status"] == "complete" and man["points"] == 1

    # sim report on a complete run: no "incomplete" advice, a page about the run
    report = tmp_path / "run.html"
    assert main(["report", str(out), "-o", str(report), "-q"]) == 0
    html = report.read_text(encoding="utf-8")
    assert "<h1>Run: baseline_2013</h1>" in html and "Key metrics" in html

    # duckdb reads the run's summary exactly like a sweep's
    summary = json.loads((out / "summary.json").read_text())
    rows = duckdb.sql(f"""SELECT scenario, count(*), avg(non_take_up_rate)
                          FROM '{out}/summary/*.parquet' GROUP BY 1""").fetchall()
    assert rows[0][:2] == ("baseline_2013", 3)
    assert rows[0][2] == pytest.approx(summary["non_take_up_rate"]["mean"], rel=1e-12)
    res = load_results(out)
    assert len(res.summary) == 3 and len(res.groups) and len(res.routes)
    assert set(res.timeseries["month"]) == set(range(12))

    # the same numbers as the Python API
    api = sim.run("baseline_2013", replications=3, seed=4, sets=TINY).summary
    assert summary["non_take_up_rate"] == api["non_take_up_rate"]
    assert summary["by_group"]["age_band"]["a75_plus"] == api["by_group"]["age_band"]["a75_plus"]


def test_a_complete_run_refuses_a_second_run_without_resume(tmp_path, capsys):
    out = tmp_path / "run"
    args = ["run", "baseline_2013", *_sets(TINY), "-r", "2", "--seed", "4", "-o", str(out), "-q"]
    assert main(args) == 0
    assert main(args) == 2
    assert "--resume" in capsys.readouterr().err
    before = (out / "summary.json").read_bytes()
    assert main([*args, "--resume"]) == 0  # nothing left to run: the same files again
    assert (out / "summary.json").read_bytes() == before


class Interrupted(Exception):
    pass


class StopsAfter(SerialExecutor):
    """Runs tasks in this process and stops (as a kill would) after ``n`` results."""

    def __init__(self, n: int):
        self.n = n

    def run(self, fn, tasks):
        for i, item in enumerate(super().run(fn, tasks)):
            if i == self.n:
                raise Interrupted
            yield item


def tree(d: Path) -> dict[str, bytes]:
    out = {}
    for p in sorted(d.rglob("*")):
        if p.is_file():
            rel = str(p.relative_to(d))
            out[rel] = p.read_bytes() if rel != "manifest.json" else b""
    return out


def _sweep_file(tmp_path: Path) -> Path:
    p = tmp_path / "tiny_sweep.yaml"
    p.write_text("name: tiny\nscenario: online_only_2016\n"
                 "set: {population.households: 1500, months: 12, report_months: 6}\n"
                 "replications: 3\nseed: 5\n"
                 "parameters:\n  institutions.association_hours: {values: [0, 400]}\n")
    return p


def _command(kind: str, tmp_path: Path):
    """The Python API of each command, writing into ``out`` with ``executor``."""
    if kind == "run":
        sc = sim.load_scenario("baseline_2013", sets=TINY)
        return lambda out, ex, resume: runs.run(sc, replications=4, seed=2, out=out, executor=ex,
                                                resume=resume)
    if kind == "compare":
        return lambda out, ex, resume: compare(["baseline_2013", "online_only_2016"],
                                               replications=3, seed=2, sets=TINY, out=out,
                                               executor=ex, resume=resume)
    spec = load_sweep(_sweep_file(tmp_path))
    return lambda out, ex, resume: sweep(spec, out=out, executor=ex, resume=resume)


@pytest.mark.parametrize("kind,stop", [("run", 1), ("run", 3), ("compare", 2), ("compare", 4),
                                       ("sweep", 1), ("sweep", 4)])
def test_interrupted_then_resumed_equals_uninterrupted(kind, stop, tmp_path):
    command = _command(kind, tmp_path)
    command(tmp_path / "ref", SerialExecutor(), False)
    out = tmp_path / "resumed"
    with pytest.raises(Interrupted):
        command(out, StopsAfter(stop), False)
    kept = list((out / ".runs" / "summary").glob("*.parquet"))
    assert kept or (out / "summary").is_dir()  # what was done before the stop is on disk
    man = json.loads((out / "manifest.json").read_text())
    assert man["status"] == "running"
    command(out, SerialExecutor(), True)
    man = json.loads((out / "manifest.json").read_text())
    assert man["status"] == "complete" and man["runs"][-1]["runs_already_done"] == stop
    assert tree(out) == tree(tmp_path / "ref")
