"""Running scenarios for the dashboard: a results cache and background jobs.

Results are cached in memory by (scenario content hash, seed, households,
replications, trace); revisiting a comparison or a workshop setting is
instant.  A comparison runs as a background *job*: its replications go to a
small pool of worker processes (started once, through ``forkserver``, with
the engine preloaded) and the page polls the job's progress, so a long run
never freezes the page and can be cancelled between replications.

The dashboard does not reimplement the engine's run loop: a replication is
:func:`sim.runner.run_replication` with the seed that :func:`sim.run` would
give it (:func:`sim.runner.replication_seeds`), and the results are gathered
into the engine's own :class:`sim.RunResult`.  A test checks that the
summary equals ``sim.run(...)``'s.
"""

from __future__ import annotations

import dataclasses
import itertools
import logging
import threading
import time
from collections import OrderedDict
from concurrent.futures import CancelledError, Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field

import sim
from sim.experiments.executors import kill_pool, process_pool
from sim.runner import RunResult, replication_seeds, run_replication

log = logging.getLogger(__name__)


def cache_key(sc: sim.Scenario, seed: int, replications: int, trace: str = "") -> tuple:
    return (sc.content_hash(), int(seed), int(sc.data["population"]["households"]),
            int(replications), trace)


def _replication(sc: sim.Scenario, seed_seq, index: int, trace=None):
    # a private copy: mesa's Model attaches itself to the scenario it is given
    return run_replication(dataclasses.replace(sc), seed_seq, index, trace=trace)


def _warm() -> int:
    import sim.model  # noqa: F401  (imports the engine in the worker)
    return 0


@dataclass
class Job:
    id: str
    total: int  # replications to run (cached scenarios excluded)
    keys: list[tuple]
    started: float = field(default_factory=time.perf_counter)
    done: int = 0
    finished: float | None = None
    error: str | None = None
    cancelled: bool = False
    from_cache: bool = False
    waiting: bool = False  # in line for a slot (Settings.max_running_jobs run at once)
    futures: list[Future] = field(default_factory=list)

    @property
    def running(self) -> bool:
        return self.finished is None

    @property
    def elapsed(self) -> float:
        return (self.finished or time.perf_counter()) - self.started


class Busy(RuntimeError):
    """Too many comparisons running and waiting: this one is refused (the page says so)."""


class Runner:
    """Cache of run results plus the background jobs that fill it.

    At most ``max_running`` jobs compute at once; up to ``max_waiting`` more wait in
    line (``Job.waiting``, :meth:`ahead`); beyond that :meth:`submit` raises :class:`Busy`.
    """

    def __init__(self, workers: int = 1, cache_size: int = 48, max_jobs: int = 32,
                 max_running: int = 2, max_waiting: int = 8):
        self.max_running = max(1, int(max_running))
        self.max_waiting = max(0, int(max_waiting))
        self._line: list[str] = []  # ids of the jobs waiting for a slot, first come first served
        self._computing = 0
        self.workers = max(1, int(workers))
        self.cache_size = cache_size
        self.max_jobs = max_jobs
        self._cache: OrderedDict[tuple, tuple[RunResult, object]] = OrderedDict()
        self._jobs: OrderedDict[str, Job] = OrderedDict()
        self._lock = threading.RLock()
        self._turn = threading.Condition(self._lock)
        self._ids = itertools.count(1)
        self._pool: ProcessPoolExecutor | None = None
        self._closed = False

    # -- cache -------------------------------------------------------------------
    def get(self, key: tuple):
        """``(RunResult, extra)`` for ``key``, or ``None``."""
        with self._lock:
            hit = self._cache.get(key)
            if hit is not None:
                self._cache.move_to_end(key)
            return hit

    def put(self, key: tuple, result: RunResult, extra=None) -> None:
        with self._lock:
            self._cache[key] = (result, extra)
            self._cache.move_to_end(key)
            while len(self._cache) > self.cache_size:
                self._cache.popitem(last=False)

    # -- synchronous runs (the workshop: one fast replication) ------------------------
    def run_now(self, sc: sim.Scenario, seed: int, replications: int = 1, trace=None,
                trace_name: str = ""):
        """Run (or fetch) ``sc`` in this thread; returns ``(RunResult, trace object)``."""
        key = cache_key(sc, seed, replications, trace_name)
        hit = self.get(key)
        if hit is not None:
            return hit
        reps = [_replication(sc, s, i, trace) for i, s in enumerate(replication_seeds(seed, replications))]
        result = RunResult(sc, int(seed), reps)
        self.put(key, result, trace)
        return result, trace

    # -- background jobs (comparisons) ---------------------------------------------------
    def pool(self) -> ProcessPoolExecutor | None:
        if self.workers < 2 or self._closed:
            return None
        with self._lock:
            if self._pool is None:  # forkserver, engine preloaded; workers die with the server
                self._pool = process_pool(self.workers, ["sim.model", "sim.runner"])
            return self._pool

    def warm_up(self) -> None:
        """Start the worker processes now rather than at the first comparison.

        If they cannot start (e.g. ``TMPDIR`` so deep that the forkserver's socket path is
        too long for the system), replications run in the server process instead."""
        pool = self.pool()
        if pool is None:
            return
        try:
            for _ in range(self.workers):
                pool.submit(_warm)
        except (OSError, BrokenProcessPool) as err:
            log.warning("worker processes unavailable (%s); running replications in the server process", err)
            with self._lock:
                self.workers, self._pool = 1, None
            kill_pool(pool)

    def submit(self, scenarios: list[sim.Scenario], seed: int, replications: int) -> Job:
        """Run every scenario with the same seed and replications (common random numbers)."""
        keys = [cache_key(sc, seed, replications) for sc in scenarios]
        with self._lock:  # the same comparison already running (e.g. the page was re-rendered)
            for job in reversed(self._jobs.values()):
                if job.running and not job.cancelled and job.keys == keys:
                    return job
        todo = [(k, sc) for k, sc in zip(keys, scenarios) if self.get(k) is None]
        todo = list({k: (k, sc) for k, sc in todo}.values())  # a scenario listed twice runs once
        job = Job(id=f"job{next(self._ids)}", total=len(todo) * replications, keys=keys,
                  waiting=bool(todo))
        with self._lock:
            active = sum(1 for j in self._jobs.values() if j.running and not j.from_cache)
            if todo and active >= self.max_running + self.max_waiting:
                raise Busy(f"{active} comparisons running or waiting")
            self._jobs[job.id] = job
            while len(self._jobs) > self.max_jobs:
                self._jobs.popitem(last=False)
        if not todo:
            job.from_cache = True
            job.finished = time.perf_counter()
            return job
        threading.Thread(target=self._work, args=(job, todo, seed, replications),
                         name=f"sim-{job.id}", daemon=True).start()
        return job

    def ahead(self, job: Job) -> int:
        """Jobs in line before ``job`` (0 once it computes)."""
        with self._lock:
            return self._line.index(job.id) if job.id in self._line else 0

    def _work(self, job: Job, todo, seed: int, replications: int) -> None:
        with self._turn:  # wait in line (first come, first served), cancellable
            self._line.append(job.id)
            while not (job.cancelled or self._closed) and not (
                    self._line[0] == job.id and self._computing < self.max_running):
                self._turn.wait(timeout=0.2)
            self._line.remove(job.id)
            if job.cancelled or self._closed:
                job.cancelled, job.waiting, job.finished = True, False, time.perf_counter()
                self._turn.notify_all()
                return
            self._computing += 1
            job.waiting = False
        job.started = time.perf_counter()
        try:
            self._compute(job, todo, seed, replications)
        finally:
            with self._turn:
                self._computing -= 1
                self._turn.notify_all()

    def _compute(self, job: Job, todo, seed: int, replications: int) -> None:
        seeds = replication_seeds(seed, replications)
        try:
            pool = self.pool()
            futures = [[pool.submit(_replication, sc, s, i) for i, s in enumerate(seeds)]
                       if pool is not None else [] for _, sc in todo]
            job.futures = [f for fs in futures for f in fs]
            for (key, sc), fs in zip(todo, futures):
                reps = []
                for i, s in enumerate(seeds):
                    if job.cancelled:
                        raise CancelledError
                    reps.append(fs[i].result() if fs else _replication(sc, s, i))
                    job.done += 1
                self.put(key, RunResult(sc, int(seed), reps))
        except CancelledError:
            job.cancelled = True
        except BrokenProcessPool:
            if self._closed or job.cancelled:  # the server stops and killed its pool: stop too
                job.cancelled = True
                return
            # workers could not start (e.g. an unguarded __main__): run in this thread from now on
            log.warning("worker processes unavailable; running replications in the server process")
            with self._lock:
                self.workers, self._pool = 1, None
            for f in job.futures:
                f.cancel()
            job.futures, job.done = [], 0
            return self._compute(job, todo, seed, replications)
        except Exception as err:  # shown in the page as one line; the traceback stays in the log
            log.exception("comparison %s failed", job.id)
            job.error = f"{type(err).__name__}: {err}".splitlines()[0][:300]
        finally:
            for f in job.futures:
                f.cancel()
            job.finished = time.perf_counter()

    def job(self, job_id: str | None) -> Job | None:
        with self._lock:
            return self._jobs.get(job_id or "")

    def cancel(self, job_id: str | None) -> None:
        job = self.job(job_id)
        if job is not None and job.running:
            job.cancelled = True
            for f in job.futures:
                f.cancel()

    def close(self) -> None:
        self._closed = True
        with self._lock:
            for job in self._jobs.values():
                job.cancelled = True
            pool, self._pool = self._pool, None
        if pool is not None:  # the server stops: replications in progress are not waited for
            kill_pool(pool)
