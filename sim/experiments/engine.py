"""Running a plan of points × replications into a results store (resumable).

A *plan* is a list of points (a scenario and the parameter values that made
it) run with the same replications.  Replication ``r`` of every point uses
``SeedSequence(seed).spawn(R)[r]`` (:func:`sim.runner.replication_seeds`):
common random numbers, so differences between points are not blurred by
different populations or streams.  Runs (one point), comparisons and sweeps are
all plans, executed and resumed by :func:`execute` alone.
"""

from __future__ import annotations

import hashlib
import json
import sys
import time
import warnings
from dataclasses import dataclass
from typing import Callable
from pathlib import Path
from importlib import metadata

import numpy as np
import pyarrow as pa
from scipy import stats

from .. import __version__
from ..params import ScenarioError
from ..runner import population_path, replication_seeds
from ..scenario import Scenario, file_hash
from ..texts import text
from .executors import Executor
from .progress import progress_bar
from .store import ResultsStore
from .tables import KEYS, TABLES, Selection, param_array, replication_tables
from .tasks import population_file, run_task


@dataclass
class Point:
    index: int
    values: dict  # parameter path (or "scenario") -> value, as stored in the tables
    scenario: Scenario


@dataclass
class Plan:
    kind: str  # "run", "compare" or "sweep"
    name: str
    points: list[Point]
    replications: int
    seed: int
    metrics: Selection
    timeseries: Selection
    spec: dict  # the run, comparison or sweep description, for the manifest
    tables: tuple[str, ...] = ("summary", "timeseries")  # the part tables kept (TABLES)

    @property
    def runs(self) -> int:
        return len(self.points) * self.replications

    def design_table(self) -> pa.Table:
        cols = {"point": pa.array([p.index for p in self.points], pa.int64())}
        for name in self.points[0].values:
            cols[name] = param_array([p.values[name] for p in self.points])
        cols["scenario_sha256"] = pa.array([p.scenario.content_hash() for p in self.points],
                                           pa.string())
        return pa.table(cols)

    def sha256(self, design: pa.Table) -> str:
        """Identity of the results: what runs, with which seeds, keeping what."""
        h = hashlib.sha256()
        h.update(json.dumps({"kind": self.kind, "replications": self.replications,
                             "seed": self.seed, "metrics": self.metrics.to_json(),
                             "timeseries": self.timeseries.to_json(), "version": __version__,
                             "tables": list(self.tables)}, sort_keys=True).encode())
        h.update(json.dumps(design.to_pydict(), sort_keys=True, default=str).encode())
        for p in self.points:  # a population file's content, not only its path
            if population_file(p.scenario):
                h.update(file_hash(population_path(p.scenario)).encode())
        return h.hexdigest()


def _versions() -> dict:
    out: dict[str, str | None] = {"python": sys.version.split()[0]}
    for pkg in ("numpy", "mesa", "pyarrow", "SALib", "dask", "distributed"):
        try:
            out[pkg] = metadata.version(pkg)
        except metadata.PackageNotFoundError:  # pragma: no cover
            out[pkg] = None
    return out


CODE_SUFFIXES = (".py", ".yaml", ".yml", ".csv", ".json")


def code_sha256() -> str:
    """SHA-256 of the ``sim`` package's source and data files (code, benefit tables,
    presets; by relative path): which code produced the results, finer than the version."""
    root = Path(__file__).resolve().parent.parent
    h = hashlib.sha256()
    for f in sorted(p for p in root.rglob("*") if p.suffix in CODE_SUFFIXES and p.is_file()
                    and "__pycache__" not in p.parts):
        h.update(str(f.relative_to(root)).encode() + b"\0" + f.read_bytes() + b"\0")
    return h.hexdigest()


def _now() -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%S%z")


def execute(plan: Plan, out, executor: Executor, resume: bool = False, quiet: bool = False,
            extra_files: dict[str, str] | None = None, lang: str = "en",
            finish: Callable[[ResultsStore], None] | None = None) -> ResultsStore:
    """Run every unfinished replication of ``plan`` and store it in directory ``out``.

    Without ``resume``, ``out`` must not hold results already.  With it, the stored
    plan must be the same (same hash); finished points and the finished replications
    of unfinished points (``.runs``) are not run again.  The finished store is the
    same, byte for byte, however often it was interrupted and resumed.
    """
    assert set(plan.tables) <= set(TABLES), plan.tables
    store = ResultsStore(out)
    design = plan.design_table()
    plan_hash = plan.sha256(design)
    old = store.manifest()
    if old is not None and not resume:
        raise ScenarioError("already holds results; pass --resume to continue them, or choose "
                            "another --out directory", source=str(out))
    if old is None and not resume and store.root.is_dir() and any(store.root.iterdir()):
        # never mix results with files of the user's (a summary.json of theirs replaced)
        raise ScenarioError("is not empty and holds no results of sim: choose a new or empty "
                            "--out folder", source=str(out))
    if old is not None and old.get("plan_sha256") != plan_hash:
        raise ScenarioError("holds results of a different plan (scenario, parameters, seed, "
                            "replications or kept metrics differ); cannot resume", source=str(out))
    store.remove_temporaries()
    indices = {p.index for p in plan.points}
    done = (store.finished() & indices) if old is not None else set()
    kept = {pi: reps for pi, reps in store.runs().items() if pi in indices and pi not in done} \
        if old is not None else {}
    runs_done = len(done) * plan.replications + sum(len(r) for r in kept.values())

    manifest = old or {
        "package": "sim", "version": __version__, "kind": plan.kind, "name": plan.name,
        "plan_sha256": plan_hash,
        "points": len(plan.points), "replications": plan.replications, "seed": plan.seed,
        "seeds": (f"replication r of every point uses SeedSequence({plan.seed})"
                  f".spawn({plan.replications})[r] (common random numbers)"),
        "metrics": plan.metrics.to_json(), "timeseries": plan.timeseries.to_json(),
        "tables": list(plan.tables), plan.kind: plan.spec,
        "command": " ".join(sys.argv), "created": _now(), "versions": _versions(),
        "runs": [],
    }
    code = code_sha256()
    if old is not None and runs_done and old["runs"] and old["runs"][-1].get("code_sha256") != code:
        print(f"warning: the sim source code changed since {out} was started; its {runs_done} "
              "finished run(s) were computed with the previous code", file=sys.stderr)
    if runs_done and not quiet:
        print(text("run.resuming", lang, done=runs_done, total=plan.runs, out=out), file=sys.stderr)
    if old is not None and old.get("status") == "complete":
        # nothing to run: the finished folder stays as it is, its manifest (written at once,
        # still "complete") records the visit
        manifest["runs"] = list(manifest.get("runs", [])) + [
            {"started": _now(), "executor": executor.describe(), "points_already_done": len(done),
             "runs_already_done": runs_done, "code_sha256": code, "finished": _now()}]
        store.write_manifest(manifest)
        return store
    manifest["status"] = "running"
    manifest["runs"] = list(manifest.get("runs", [])) + [
        {"started": _now(), "executor": executor.describe(), "points_already_done": len(done),
         "runs_already_done": runs_done, "code_sha256": code}]
    if old is None:
        store.root.mkdir(parents=True, exist_ok=True)
        store.write_table("design", design)
        for name, content in (extra_files or {}).items():
            store.write_text(name, content)
    store.write_manifest(manifest)

    todo = [p for p in plan.points if p.index not in done]
    seeds = replication_seeds(plan.seed, plan.replications)
    tasks = (((p.index, r), (p.scenario, seeds[r], r, plan.seed))
             for p in todo for r in range(plan.replications) if r not in kept.get(p.index, {}))
    by_index = {p.index: p for p in todo}
    buffer: dict[int, dict[int, dict]] = {pi: dict(reps) for pi, reps in kept.items()}
    for pi, got in list(buffer.items()):  # killed between the last .runs file and the point
        if len(got) == plan.replications:
            store.finish_point(pi, [got[i] for i in range(plan.replications)])
            del buffer[pi]
    with progress_bar(plan.runs, initial=runs_done, desc=plan.name, disable=quiet) as bar:
        for (pi, r), rep in executor.run(run_task, tasks):
            point = by_index[pi]
            tables = replication_tables(point, rep, point.scenario, plan.tables, plan.metrics,
                                        plan.timeseries)
            got = buffer.setdefault(pi, {})
            got[r] = tables
            if len(got) == plan.replications:
                store.finish_point(pi, [got[i] for i in range(plan.replications)])
                del buffer[pi]
            else:  # kept at once: a kill loses only the replications in flight
                store.write_run(pi, r, tables)
            bar.update(1)

    store.drop_runs()
    store.write_table("aggregate", aggregate_table(store))
    if finish is not None:  # the command's own files, before the manifest says "complete"
        finish(store)
    manifest["status"] = "complete"
    manifest["runs"][-1]["finished"] = _now()
    store.write_manifest(manifest)
    return store


def aggregate_table(store: ResultsStore) -> pa.Table:
    """Long table: mean, sd, 95 % CI and n for every (point, summary metric).

    The interval is the Student t-interval of :func:`sim.summary.t_interval`
    (``mean ± t(0.975, n-1) · sd / √n`` over the replications that are not NaN),
    vectorised over points because sweeps have thousands of them.
    """
    summary = store.table("summary")
    design = store.table("design")
    params = [c for c in design.column_names if c not in ("point", "scenario_sha256")]
    skip = set(KEYS) | set(params)
    metrics = [c for c in summary.column_names if c not in skip]
    points = summary.column("point").to_numpy()
    order = np.unique(points)
    reps = len(points) // len(order)
    x = np.stack([summary.column(m).to_numpy(zero_copy_only=False).astype(np.float64)
                  for m in metrics], axis=1).reshape(len(order), reps, len(metrics))
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore", RuntimeWarning)
        n = (~np.isnan(x)).sum(axis=1)
        mean = np.nanmean(x, axis=1)
        sd = np.nanstd(x, axis=1, ddof=1)
        tq = stats.t.ppf(0.975, np.maximum(n - 1, 1))
        half = tq * sd / np.sqrt(n)
    sd = np.where(n > 1, sd, np.nan)
    half = np.where(n > 1, half, np.nan)
    mean = np.where(n > 0, mean, np.nan)
    P, M = len(order), len(metrics)
    return pa.table({"point": pa.array(np.repeat(order, M).astype(np.int64)),
                     "metric": pa.array(metrics * P, pa.string()),
                     "mean": pa.array(mean.ravel(), pa.float64()),
                     "sd": pa.array(sd.ravel(), pa.float64()),
                     "ci_low": pa.array((mean - half).ravel(), pa.float64()),
                     "ci_high": pa.array((mean + half).ravel(), pa.float64()),
                     "n": pa.array(n.ravel().astype(np.int64))})
