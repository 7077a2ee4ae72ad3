"""Executors: where replications run — in this process, in local processes, or on Dask.

Each executor runs ``fn(*args)`` for a stream of ``(key, args)`` tasks and
yields ``(key, result)`` as runs finish, keeping a bounded number in flight
(so a kill loses at most those).  Completion order varies with the executor;
results do not: every run is seeded by its own ``SeedSequence`` and the store
orders rows by point and replication.
"""

from __future__ import annotations

import ctypes
import multiprocessing
import os
import signal
import threading
import time
import weakref
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from typing import Any, Callable, Iterable, Iterator

from ..params import ScenarioError

Task = tuple[Any, tuple]

# -- process hygiene: workers die with the command that started them --------------------
#
# Local workers are forked by multiprocessing's forkserver, itself a child of the command.
# When the command dies, even by SIGKILL (the OOM killer), the forkserver sees its pipe
# close and exits; each worker then gets SIGKILL from the kernel (PR_SET_PDEATHSIG, set
# when it starts), and a watch thread ends it too if its command is gone (other systems,
# or a parent that died before the worker could ask).  A SIGTERM to the command kills
# the workers of every live pool at once (:func:`signal_workers`, in the handler); the
# command then unwinds and shuts the pools down (:func:`kill_all_pools`).

PR_SET_PDEATHSIG = 1
WATCH_SECONDS = 0.5
_POOLS: "weakref.WeakSet[ProcessPoolExecutor]" = weakref.WeakSet()
_KILLED: list[threading.Thread] = []  # manager threads of killed pools (see cli.main)


def _start_time(pid: int) -> str | None:
    """The process's start time (field 22 of /proc/PID/stat), None if it is gone or a zombie."""
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii", errors="replace") as fh:
            fields = fh.read().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return None if fields[0] in ("Z", "X") else fields[19]


def _watch(parent: int, started: str | None) -> None:
    while True:
        time.sleep(WATCH_SECONDS)
        if started is not None:
            if _start_time(parent) != started:
                break
        else:  # no /proc: ask the kernel whether the pid still exists
            try:
                os.kill(parent, 0)
            except ProcessLookupError:
                break
            except PermissionError:
                pass
    os.kill(os.getpid(), signal.SIGKILL)


def die_with_parent(parent: int) -> None:
    """Worker initialiser: end this process when the command ``parent`` ends."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    except (OSError, AttributeError):  # pragma: no cover - not Linux: the watch thread alone
        pass
    started = _start_time(parent)
    if started is None and os.path.isdir("/proc"):
        os.kill(os.getpid(), signal.SIGKILL)  # the command died before this worker started
    threading.Thread(target=_watch, args=(parent, started), name="sim-parent-watch",
                     daemon=True).start()


def process_pool(workers: int, preload: list[str], initializer=die_with_parent,
                 initargs: tuple = ()) -> ProcessPoolExecutor:
    """A pool of ``workers`` local processes that die with this one (see above).

    ``forkserver`` rather than ``fork``: forking a process that runs threads (a progress
    bar's monitor, a Dask client, a web server) can deadlock.  The server imports
    ``preload`` once, so each worker starts in milliseconds.  Each worker runs
    ``initializer(this process's pid, *initargs)``, which must call :func:`die_with_parent`
    with that pid (the default is that alone).
    """
    ctx = multiprocessing.get_context("forkserver")
    ctx.set_forkserver_preload(preload)
    pool = ProcessPoolExecutor(max_workers=workers, mp_context=ctx, initializer=initializer,
                               initargs=(os.getpid(), *initargs))
    _POOLS.add(pool)
    return pool


def kill_pool(pool: ProcessPoolExecutor) -> None:
    """Stop a pool now: its workers are killed, queued tasks dropped (nothing waits for the
    replications in progress, which an interrupted command would throw away anyway)."""
    for proc in list((getattr(pool, "_processes", None) or {}).values()):
        try:
            proc.kill()
        except Exception:  # noqa: BLE001 - not started, already gone, closed: nothing to kill
            pass
    try:
        pool.shutdown(wait=False, cancel_futures=True)
    except Exception:  # noqa: BLE001 - a pool broken half-way through starting
        pass
    _POOLS.discard(pool)
    thread = getattr(pool, "_executor_manager_thread", None)
    if thread is not None:
        _KILLED.append(thread)


def killed_pools_stuck(timeout: float = 3.0) -> bool:
    """Whether the manager thread of a killed pool is still running after ``timeout``
    seconds: it may wait for ever on a pipe a killed worker left half-written, and the
    interpreter would join it at exit."""
    deadline = time.monotonic() + timeout
    for t in _KILLED:
        t.join(max(0.0, deadline - time.monotonic()))
    return any(t.is_alive() for t in _KILLED)


def kill_all_pools() -> None:
    """Kill the workers of every live pool of this process and shut the pools down."""
    for pool in list(_POOLS):
        kill_pool(pool)


def signal_workers() -> None:
    """SIGKILL every worker of every live pool: safe in a signal handler, which may have
    interrupted the pool itself while it held its locks (so nothing here takes a lock;
    :func:`kill_all_pools` shuts the pools down afterwards, outside the handler)."""
    for pool in list(_POOLS):
        for proc in list((getattr(pool, "_processes", None) or {}).values()):
            pid = getattr(proc, "pid", None)
            if pid:
                try:
                    os.kill(pid, signal.SIGKILL)
                except OSError:
                    pass


def default_workers() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not Linux
        return os.cpu_count() or 1


class Executor:
    """Base: a bounded window of in-flight tasks over ``_submit`` / ``_wait``."""

    slots = 1

    def describe(self) -> dict:
        raise NotImplementedError

    def window(self) -> int:
        """Tasks kept in flight: two per worker slot."""
        return max(2, 2 * self.slots)

    def run(self, fn: Callable, tasks: Iterable[Task]) -> Iterator[tuple[Any, Any]]:
        it = iter(tasks)
        pending: dict = {}
        order = 0

        def fill():
            nonlocal order
            window = self.window()
            while len(pending) < window:
                try:
                    key, args = next(it)
                except StopIteration:
                    return
                pending[self._submit(fn, args)] = (order, key)
                order += 1

        fill()
        while pending:
            done = self._wait(list(pending))
            for fut in sorted(done, key=lambda f: pending[f][0]):
                _, key = pending.pop(fut)
                yield key, self._result(fut)
            fill()

    def _submit(self, fn, args):
        raise NotImplementedError

    def _wait(self, futures) -> list:
        raise NotImplementedError

    def _result(self, fut):
        return fut.result()

    def close(self) -> None:
        pass

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


class SerialExecutor(Executor):
    """Runs every task in this process, one after the other."""

    def describe(self) -> dict:
        return {"kind": "serial", "workers": 1}

    def run(self, fn, tasks):
        for key, args in tasks:
            yield key, fn(*args)


class ProcessExecutor(Executor):
    """Local worker processes (:func:`process_pool`: they die with this process)."""

    def __init__(self, workers: int):
        self.slots = workers
        self.pool = process_pool(workers, ["sim.experiments.tasks"])

    def describe(self) -> dict:
        return {"kind": "processes", "workers": self.slots}

    def _submit(self, fn, args):
        return self.pool.submit(fn, *args)

    def _wait(self, futures):
        done, _ = wait(futures, return_when=FIRST_COMPLETED)
        return list(done)

    def close(self):
        if self.pool in _POOLS:  # not already killed by a signal
            self.pool.shutdown(wait=True, cancel_futures=True)
            _POOLS.discard(self.pool)

    def __exit__(self, exc_type, *exc):
        if exc_type is not None:  # interrupted: do not wait for the runs in progress
            kill_pool(self.pool)
        self.close()


def configure_dask() -> None:
    """Dask settings for reproducible, quiet runs.

    The nanny sets ``MALLOC_TRIM_THRESHOLD_`` in the environment of the worker
    processes it spawns; we leave the C library's default so that workers
    behave like the local processes (memory behaviour must not depend on the
    executor).
    """
    import dask
    dask.config.set({"distributed.nanny.pre-spawn-environ.MALLOC_TRIM_THRESHOLD_": None})


class DaskExecutor(Executor):
    """Dask distributed: an existing scheduler (``tcp://host:port``) or a LocalCluster."""

    def __init__(self, scheduler: str | None = None, local_workers: int | None = None,
                 wait_timeout: float = 60.0):
        configure_dask()
        from distributed import Client, LocalCluster
        self.cluster = None
        self.address = scheduler
        try:
            if local_workers:
                self.cluster = LocalCluster(n_workers=local_workers, threads_per_worker=1,
                                            processes=True, dashboard_address=None,
                                            silence_logs=40)
                self.client = Client(self.cluster)
                self.address = self.cluster.scheduler_address
            else:
                self.client = Client(scheduler, timeout="10s")
                self.client.wait_for_workers(1, timeout=wait_timeout)
        except (OSError, TimeoutError) as err:
            self.close()
            raise ScenarioError(f"cannot use the Dask scheduler: {err}",
                                source="--scheduler" if scheduler else "--dask-local") from None
        self.slots = max(1, sum(self.client.nthreads().values()))
        self._checked = time.monotonic()
        self._ac: Any = None

    def describe(self) -> dict:
        return {"kind": "dask", "scheduler": self.address, "local": self.cluster is not None,
                "threads": self.slots}

    def window(self) -> int:
        # workers may join or leave (dask-jobqueue, adaptive clusters): follow them, and
        # keep enough queued for an adaptive cluster to see there is more work
        now = time.monotonic()
        if now - self._checked > 5.0:
            self._checked = now
            self.slots = max(1, sum(self.client.nthreads().values()))
        return super().window()

    def run(self, fn, tasks):
        from distributed import as_completed
        self._ac = as_completed()
        yield from super().run(fn, tasks)

    def _submit(self, fn, args):
        fut = self.client.submit(fn, *args, pure=False)
        self._ac.add(fut)
        return fut

    def _wait(self, futures):
        first = next(self._ac)
        done = [first]
        done.extend(f for f in self._ac.next_batch(block=False) if f is not first)
        return done

    def _result(self, fut):
        res = fut.result()
        fut.release()
        return res

    def close(self):
        client = getattr(self, "client", None)
        if client is not None:
            client.close()
        if self.cluster is not None:
            self.cluster.close()


def make_executor(workers: int | None = None, scheduler: str | None = None,
                  dask_local: int | None = None) -> Executor:
    """``scheduler`` / ``dask_local`` choose Dask; else ``workers`` local processes
    (default: every core; 1 runs in this process)."""
    if scheduler and dask_local:
        raise ScenarioError("give either --scheduler or --dask-local, not both", source="--scheduler")
    if scheduler or dask_local:
        return DaskExecutor(scheduler=scheduler, local_workers=dask_local)
    n = default_workers() if workers is None else int(workers)
    if n < 1:
        raise ScenarioError("must be at least 1", source="--workers")
    return SerialExecutor() if n == 1 else ProcessExecutor(n)
