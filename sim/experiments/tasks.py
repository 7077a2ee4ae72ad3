"""What a worker runs: one replication of one point.

Scenarios with a population file (``population.file``) get the households
loaded on the worker, once per process (cached), rather than shipped with
every task; the file is read by :func:`sim.runner.load_population` exactly as
``sim run`` does, so results match ``sim run``.
"""

from __future__ import annotations

import os

from ..runner import load_population, population_path, run_replication
from ..scenario import Scenario

_CACHE: dict = {}


def population_file(sc: Scenario) -> str:
    return sc.data["population"].get("file", "") or ""


def run_task(scenario: Scenario, seed_seq, index: int, root_seed: int):
    """``run_replication`` with the scenario's population file, if it has one."""
    return run_replication(scenario, seed_seq, index, population=_population(scenario, root_seed))


def _population(sc: Scenario, seed: int):
    if not population_file(sc):
        return None
    key = (sc.content_hash(), seed)
    pop = _CACHE.get(key)
    if pop is None:  # (Dask threads may race here: at worst the file is read twice)
        pop = load_population(sc, seed)
        _CACHE.clear()  # one population per process at a time
        _CACHE[key] = pop
    return pop


def with_population_size(sc: Scenario, seed: int) -> Scenario:
    """Pin a population file to an absolute path (workers may run elsewhere) and set
    ``population.households`` to its size, as ``sim run`` does (capacities scale with it)."""
    if not population_file(sc):
        return sc
    path = os.path.abspath(population_path(sc))
    sc = sc.with_overrides({"population.file": path})
    n = load_population(sc, seed).n
    return sc.with_overrides({"population.households": n}) if n != sc.data["population"]["households"] else sc


__all__ = ["run_task", "with_population_size", "population_file"]
