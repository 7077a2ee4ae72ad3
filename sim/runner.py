"""Running replications: seeds, executors, and the public ``run`` / ``compare`` API.

Seeding: the root ``SeedSequence(seed)`` spawns one child per replication;
replication ``r`` of any scenario run with the same seed gets the same child,
hence the same synthetic population and the same random streams (common
random numbers, see :meth:`sim.model.DematModel.stream`).  Results are
gathered in replication order, so the number of workers never changes them.
"""

from __future__ import annotations

import os
from concurrent.futures import as_completed
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Callable, Iterable, Sequence

import numpy as np

from .agents.households import Households
from .agents.population_io import export_csv, read_csv
from .model import DematModel
from .scenario import Scenario, load
from .summary import aggregate, replication_summary


@dataclass
class Replication:
    index: int
    summary: dict
    series: dict[str, np.ndarray]
    groups: dict
    routes: np.ndarray
    trace: list = field(default_factory=list)


@dataclass
class RunResult:
    scenario: Scenario
    seed: int
    replications: list[Replication]

    @cached_property
    def summary(self) -> dict:
        """Mean and 95 % CI of every metric (computed once)."""
        out = aggregate([r.summary for r in self.replications])
        out["meta"] = {
            "scenario": self.scenario.name,
            "households": self.scenario.data["population"]["households"],
            "months": self.scenario.data["months"],
            "report_months": self.scenario.data["report_months"],
            "replications": len(self.replications),
            "seed": self.seed,
            "benefits": self.scenario.benefits,
            "ci_method": "Student t-interval over replications, 95 %, clipped to the metric's range",
        }
        return out


def replication_seeds(seed: int, n: int) -> list[np.random.SeedSequence]:
    return np.random.SeedSequence(seed).spawn(n)


def run_replication(scenario: Scenario, seed_seq: np.random.SeedSequence, index: int = 0,
                    population: Households | None = None, trace=None) -> Replication:
    model = DematModel(scenario, seed_seq, population=population, trace=trace).run()
    led = model.ledger
    summary = replication_summary(led, model.benefit_names, model.h.n)
    return Replication(index, summary, led.series,
                       {"counts": led.groups, "euros": led.group_euros}, led.routes, led.trace)


# the population file's missing columns are drawn from a stream of their own
POPULATION_FILE_STREAM = 2**31


def population_path(sc: Scenario) -> Path:
    rel = Path(sc.data["population"]["file"])
    base = Path(sc.source).parent if sc.source and Path(sc.source).exists() else Path.cwd()
    return rel if rel.is_absolute() else base / rel


def load_population(sc: Scenario, seed: int) -> Households:
    """Households from the scenario's population file (validated strictly)."""
    rng = np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(POPULATION_FILE_STREAM,)))
    return read_csv(population_path(sc), len(sc.benefits), rng, sc.data["population"])


def export_population(sc: Scenario, seed: int, path, replication: int = 0) -> int:
    """Write the synthetic population of replication ``replication`` to a CSV file."""
    model = DematModel(sc, replication_seeds(seed, replication + 1)[replication])
    export_csv(model.h, path)
    return model.h.n


def _job(args):
    return run_replication(*args)


def run(scenario: Scenario | str | os.PathLike, replications: int = 1, seed: int | None = None,
        sets: Iterable[str] | dict = (), workers: int = 1, population: Households | None = None,
        trace=None, done: dict[int, Replication] | None = None,
        on_replication: Callable[[Replication], None] | None = None) -> RunResult:
    """Run ``replications`` of a scenario (a :class:`Scenario` or a file path).

    ``sets`` are dotted overrides (``["population.households=5000"]``).
    ``workers > 1`` runs replications in parallel processes; results are identical.
    ``done``: replications already finished (by index), not rerun (``sim run --resume``);
    ``on_replication`` is called with each replication as it finishes (to persist it).
    """
    sc = scenario if isinstance(scenario, Scenario) else load(scenario)
    sets = sets if isinstance(sets, dict) else list(sets)
    if sets:
        sc = sc.with_overrides(sets)
    root = sc.data["seed"] if seed is None else int(seed)
    if population is None and sc.data["population"]["file"]:
        population = load_population(sc, root)
        sc = sc.with_overrides({"population.households": population.n})
    seeds = replication_seeds(root, replications)
    reps = dict(done or {})
    jobs = [(sc, s, i, population, trace) for i, s in enumerate(seeds) if i not in reps]

    def finished(rep: Replication) -> None:
        reps[rep.index] = rep
        if on_replication is not None:
            on_replication(rep)

    if workers > 1 and len(jobs) > 1:
        from .experiments.executors import kill_pool, process_pool
        # forkserver (no fork of a threaded parent), engine preloaded, workers die with us
        pool = process_pool(min(workers, len(jobs)), ["sim.runner"])
        try:
            for f in as_completed([pool.submit(_job, j) for j in jobs]):
                finished(f.result())
        except BaseException:
            kill_pool(pool)  # interrupted or failed: the other replications are not waited for
            raise
        pool.shutdown(wait=True)
    else:
        for j in jobs:
            finished(_job(j))
    # gathered in replication order: neither workers nor resuming change the result
    return RunResult(sc, root, [reps[i] for i in range(replications)])


def compare(scenarios: Sequence[Scenario | str], replications: int = 5, seed: int = 12345,
            sets: Iterable[str] | dict = (), workers: int = 1) -> list[RunResult]:
    """Run several scenarios with common random numbers (same seed for each)."""
    return [run(sc, replications=replications, seed=seed, sets=sets, workers=workers)
            for sc in scenarios]
