"""Sweeps: run a sweep file's design, point by point, into a results store."""

from __future__ import annotations

import os
from pathlib import Path

from ..params import ScenarioError
from .design import point_values
from .engine import Plan, Point, execute
from .executors import Executor, make_executor
from .spec import SweepSpec, load_sweep
from .store import ResultsStore
from .tasks import with_population_size


def build_plan(spec: SweepSpec) -> Plan:
    """Every point of the design as a checked scenario (errors name the sweep file)."""
    points = []
    base = with_population_size(spec.base, spec.seed)
    for i, values in enumerate(point_values(spec.factors, spec.design)):
        try:
            sc = base.with_overrides(values)
        except ScenarioError as err:
            shown = ", ".join(f"{k}={v!r}" for k, v in values.items())
            raise ScenarioError(f"point {i} ({shown}): {err.detail}", source=spec.source,
                                path=f"parameters.{err.path}" if err.path else "parameters") from None
        points.append(Point(i, values, sc))
    return Plan(kind="sweep", name=spec.name, points=points, replications=spec.replications,
                seed=spec.seed, metrics=spec.metrics, timeseries=spec.timeseries,
                spec=spec.to_dict())


def sweep(spec: SweepSpec | str | os.PathLike, out: str | os.PathLike | None = None,
          executor: Executor | None = None, workers: int | None = None, resume: bool = False,
          quiet: bool = True, sets=(), replications: int | None = None,
          seed: int | None = None, lang: str = "en") -> ResultsStore:
    """Run a sweep (a :class:`SweepSpec` or a sweep file) into ``out``.

    ``out`` defaults to ``results/<sweep name>``.  ``executor`` defaults to
    ``workers`` local processes (all cores if ``None``; 1 = in this process).
    Results do not depend on the executor.
    """
    if not isinstance(spec, SweepSpec):
        spec = load_sweep(Path(spec), sets=sets, replications=replications, seed=seed)
    out = Path(out) if out is not None else Path("results") / spec.name
    plan = build_plan(spec)
    files = {"sweep.yaml": Path(spec.source).read_text(encoding="utf-8"),
             "base_scenario.yaml": spec.base.to_yaml()}
    own = executor is None
    ex: Executor = make_executor(workers) if executor is None else executor
    try:
        return execute(plan, out, ex, resume=resume, quiet=quiet, extra_files=files, lang=lang)
    finally:
        if own:
            ex.close()
