"""``sim run``: a run of one scenario is a one-point results store, plus the files an
analyst opens first.

The run is the plan of one point (kind ``run``), executed, kept and resumed like a
comparison or a sweep (:func:`sim.experiments.engine.execute`: finished replications
are kept at once, ``--resume`` reruns only the missing ones).  Beside the store
(``design.parquet``, ``summary/``, ``timeseries/``, ``groups/``, ``routes/``,
``aggregate.parquet``, ``manifest.json``) the directory holds, written from the
store's tables when the run is complete:

- ``summary.json``: every metric as ``{"mean", "ci95"}`` over replications, and ``meta``;
- ``replications.csv``: one row per replication, one column per metric;
- ``timeseries.csv``: one row per (replication, month);
- ``groups.csv``: non-take-up and unclaimed euros by group, per replication and benefit;
- ``routes.csv``: eligible households at the last month by last route and outcome;
- ``scenario.yaml``: the scenario as run.

The numbers are those of :func:`sim.run` with the same seed (tested).
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pyarrow as pa

from ..io import csv_text, to_json
from ..national import represented
from ..params import nest
from ..runner import population_path
from ..scenario import Scenario, file_hash
from ..summary import aggregate
from .engine import Plan, Point, execute
from .executors import Executor, make_executor
from .store import ResultsStore
from .tables import KEYS, TABLES, Selection
from .tasks import population_file, with_population_size

CI_METHOD = "Student t-interval over replications, 95 %, clipped to the metric's range"
CSV_FILES = {"summary": "replications.csv", "timeseries": "timeseries.csv",
             "groups": "groups.csv", "routes": "routes.csv"}


def build_plan(sc: Scenario, replications: int, seed: int | None = None) -> Plan:
    """The one-point plan of a run (the population file pinned, as for comparisons)."""
    root = sc.data["seed"] if seed is None else int(seed)
    sc = with_population_size(sc, root)
    src = sc.source
    pop = population_file(sc)
    spec = {"scenario": sc.name, "scenario_file": src,
            "scenario_file_sha256": file_hash(src) if src and Path(src).is_file() else None,
            "scenario_content_sha256": sc.content_hash(),
            "population_file": pop or None,
            "population_file_sha256": file_hash(population_path(sc)) if pop else None,
            "replication_seeds": [f"SeedSequence({root}).spawn({replications})[{r}]"
                                  for r in range(replications)]}
    return Plan(kind="run", name=sc.name, points=[Point(0, {"scenario": sc.name}, sc)],
                replications=replications, seed=root, metrics=Selection(None),
                timeseries=Selection(None), spec=spec, tables=TABLES)


def summary_of(store: ResultsStore, plan: Plan) -> dict:
    """The nested summary (mean and clipped 95 % CI of every metric) and its ``meta``."""
    skip = set(KEYS) | set(plan.points[0].values)
    rows = [{k: v for k, v in row.items() if k not in skip}
            for row in store.table("summary").to_pylist()]
    out = aggregate([nest(r) for r in rows])
    sc = plan.points[0].scenario
    out["meta"] = {
        "scenario": sc.name, "households": sc.data["population"]["households"],
        "months": sc.data["months"], "report_months": sc.data["report_months"],
        "replications": plan.replications, "seed": plan.seed, "benefits": sc.benefits,
        "ci_method": CI_METHOD, "represented": represented_meta(sc),
    }
    return out


def represented_meta(sc: Scenario) -> dict:
    """The population a scenario's national figures stand for (sim/national.py)."""
    households, name, source = represented(sc.data)
    return {"households": households, "name": name, "source": source}


def _csv(table: pa.Table, drop: set[str]) -> str:
    return csv_text({k: v for k, v in row.items() if k not in drop} for row in table.to_pylist())


def write_files(store: ResultsStore, plan: Plan, summary: dict) -> None:
    """The analyst-facing files of a complete run, from the store's tables."""
    drop = {"point", *plan.points[0].values}
    for name, file in CSV_FILES.items():
        store.write_text(file, _csv(store.table(name), drop))
    store.write_text("summary.json", to_json(summary))


def run(scenario: Scenario, replications: int = 5, seed: int | None = None,
        out: str | os.PathLike | None = None, executor: Executor | None = None,
        workers: int | None = 1, resume: bool = False, quiet: bool = True, lang: str = "en") -> dict:
    """Run a scenario into the results directory ``out`` (a temporary one if ``None``)
    and return its summary (as ``sim.run(...).summary``).

    ``resume`` continues an interrupted run in ``out``, keeping its finished replications.
    """
    plan = build_plan(scenario, replications, seed)
    own = executor is None
    ex: Executor = make_executor(workers) if executor is None else executor
    tmp = None
    if out is None:
        tmp = tempfile.TemporaryDirectory(prefix="sim-run-")
        target = Path(tmp.name)
    else:
        target = Path(out)
    try:
        def finish(store: ResultsStore) -> None:
            if tmp is None:
                write_files(store, plan, summary_of(store, plan))

        store = execute(plan, target, ex, resume=resume, quiet=quiet, lang=lang,
                        extra_files={"scenario.yaml": plan.points[0].scenario.to_yaml()},
                        finish=finish)
        return summary_of(store, plan)
    finally:
        if own:
            ex.close()
        if tmp is not None:
            tmp.cleanup()


__all__ = ["build_plan", "run", "summary_of", "write_files"]
