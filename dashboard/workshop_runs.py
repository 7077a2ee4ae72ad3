"""Runs of the workshop: several replications of each setting, fast, and first things first.

The workshop compares the trainer's settings with a reference situation over
:attr:`Settings.workshop_replications` replications with common random numbers
(replication *r* of every setting has the same households and random streams).
Four things make a lever answer in well under a second:

- **A shared start.**  Every workshop setting is the 2013 baseline until
  :attr:`Settings.workshop_start` (its levers start there), so the first months
  are the same for all of them.  Each process keeps, per replication, the model
  stopped at that month (:func:`prefix`); a setting's run is a copy of it with the
  setting's policies, run to the horizon.  This is exactly ``sim run`` of the
  setting's scenario (a test checks that the monthly series are identical).
- **First replication first.**  :meth:`WorkshopRuns.first` runs replication 0 at once,
  while the request waits: the figures are drawn from it.  It runs in one of
  :attr:`Settings.workshop_first_workers` processes at normal priority (a server
  process runs one Python thread at a time: two levers moved at once in its threads
  would take twice as long), or in the request's thread if there are none.  The other
  replications go to a small pool of *low-priority* processes (``nice``), which fills the
  machine's idle time without slowing the requests down; the page polls
  :meth:`WorkshopRuns.status` and redraws the headline, its interval and the band
  when they are in.  Pending work for settings nobody looks at any more is
  cancelled (at most :attr:`Settings.workshop_pending` settings wait).
- **The next move, ahead.**  While the room looks at a setting, the same low-priority
  pool computes replication 0 of every setting one lever step away
  (:meth:`WorkshopRuns.speculate`, :func:`dashboard.scenarios.neighbours`), after the
  setting's own replications: the next lever is then a cache hit.  Guesses that are no
  longer one step away are cancelled.
- **Presets at start-up.**  :meth:`WorkshopRuns.prefetch` computes every preset
  (the usual references) as soon as the dashboard starts.

Results are kept in a bounded LRU cache by (scenario content hash, replication), and,
unless :attr:`Settings.workshop_memo` is ``None``, in a memo on disk
(:mod:`dashboard.memo`) shared by every process of the server (the gunicorn workers and
their pools) and by its restarts: a setting computed anywhere is a hit everywhere.  Its
key is :func:`memo_key` and its folder is named by the code's version, so a result of
other code never comes back.  A replication being computed by one process is waited
for, not computed again, by the others (a lever waits up to
:attr:`Settings.workshop_memo_wait` for another request, up to
:attr:`Settings.workshop_guess_wait` for a low-priority pool); the pools skip what is
stored or claimed already, so presets, background replications and guesses are
computed once for the whole server.  With the memo, pool results go through the disk
(a process loads a guess only if it is asked for).
"""

from __future__ import annotations

import copy
import functools
import logging
import os
import threading
import weakref
from collections import Counter, OrderedDict
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass

import numpy as np

import sim
from sim.metrics import CAUSE_SERIES, SUBCAUSE_SERIES
from sim.model import DematModel
from sim.experiments.executors import die_with_parent, kill_pool, process_pool
from sim.runner import replication_seeds
from sim.summary import replication_summary

from .config import Settings
from .memo import Memo, code_version, open_memo
from .personas import PersonaPicker
from .scenarios import DEFAULT_LEVERS, PRESETS, WORKSHOP_SEED, neighbours, preset_levers, workshop_scenario

log = logging.getLogger(__name__)

# the memo's folder is named by the code this process loaded: hashed now, at import (a
# pool's forkserver imports this module when it starts), not when the memo is first used
# (files edited meanwhile would name a folder for code that did not run)
CODE_VERSION = code_version()

PRELOAD = ["sim.model", "dashboard.workshop_runs"]  # what pool processes start with (forkserver)

SEED = WORKSHOP_SEED  # root seed of every workshop run (the scenario files it saves say it)

# monthly series the workshop draws (the rest of a replication's ledger is not kept)
SERIES = (*CAUSE_SERIES, *SUBCAUSE_SERIES, "n_eligible", "unclaimed_euros", "hours_social_services",
          "hours_associations", "hours_relatives", "burden_hours", "new_turned_away", "new_referrals",
          "capacity_social_services", "capacity_associations", "utilisation_social_services",
          "utilisation_associations", "new_mediated", "filings_alone", "filings_total")


@dataclass(frozen=True)
class Rep:
    """One replication of one workshop setting, as much as the workshop shows."""

    index: int
    summary: dict  # sim.summary.replication_summary
    series: dict[str, np.ndarray]  # SERIES: (months,) or (months, n_benefits)
    trace: list[dict]  # the personas' candidates, month by month (sim.metrics Ledger.trace)
    profiles: list[dict]  # PersonaPicker.profiles: attributes of the traced households
    slots: list[list[int]]  # PersonaPicker.slots: trace positions of each persona's candidates
    open_share: np.ndarray  # (3,) share of counters open by territory at the horizon
    channels: np.ndarray  # (n_benefits, 6) routes open for each benefit at the horizon
    email_required: np.ndarray  # (n_benefits,) e-mail required to claim online, at the horizon

    @property
    def levers(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """What :func:`dashboard.personas.compare` reads of the setting."""
        return self.open_share, self.channels, self.email_required


# -- in any process: the shared start and one replication ------------------------------------

_PREFIX: dict[tuple, tuple[DematModel, PersonaPicker]] = {}
_PREFIX_LOCK = threading.Lock()


def base_scenario(settings: Settings) -> sim.Scenario:
    """The workshop's common start: the 2013 baseline without any lever."""
    return workshop_scenario(DEFAULT_LEVERS, settings)


def prefix(settings: Settings, index: int) -> tuple[DematModel, PersonaPicker]:
    """The baseline model of replication ``index`` stopped at the month the levers start,
    and the persona picker it traces with (built once per process; callers copy the model)."""
    key = (settings.workshop_households, settings.workshop_months, settings.workshop_start, index)
    with _PREFIX_LOCK:
        hit = _PREFIX.get(key)
        if hit is None:
            base = base_scenario(settings)
            picker = PersonaPicker(base.benefits)
            # no report-window tables: the workshop shows none of them (a fifth of a run)
            model = DematModel(base, replication_seeds(SEED, index + 1)[index], trace=picker,
                               tables=False)
            for _ in range(settings.workshop_start):
                model.step()
            hit = _PREFIX[key] = (model, picker)
        return hit


def run_rep(sc: sim.Scenario, settings: Settings, index: int) -> Rep:
    """Replication ``index`` of the workshop scenario ``sc`` (seed :data:`SEED`).

    The copy of the shared start gets ``sc`` and its policies: they all start at
    ``workshop_start``, so nothing before that month depends on them.
    """
    if any(p.start < settings.workshop_start for p in sc.policies):
        raise ValueError("workshop policies start at the workshop's start month")
    start, picker = prefix(settings, index)
    model = copy.deepcopy(start)
    model.sc = sc
    model.policies = sorted(sc.policies, key=lambda p: p.start)
    model.run()
    led = model.ledger
    summary = replication_summary(led, model.benefit_names, model.h.n)
    return Rep(index=index, summary=summary, series={k: led.series[k] for k in SERIES},
               trace=led.trace, profiles=picker.profiles, slots=picker.slots,
               open_share=np.array(model.levers.counter_open_share, dtype=float),
               channels=np.array(model.levers.channels, dtype=bool),
               email_required=np.array(model.levers.email_required, dtype=bool))


def _worker_init(parent: int) -> None:
    """Pool processes run at low priority: requests (replication 0) come first; they die
    with the server, even by SIGKILL (issue 14: :func:`sim.experiments.executors.die_with_parent`)."""
    die_with_parent(parent)
    try:
        os.nice(10)
    except OSError:  # pragma: no cover - not permitted: run at normal priority
        pass


def memo_key(settings: Settings, sc_hash: str, index: int) -> tuple:
    """What replication ``index`` of the scenario hashed ``sc_hash`` depends on (the code's
    version names the memo's folder)."""
    return ("workshop", sc_hash, int(index), int(settings.workshop_households), int(settings.workshop_months),
            int(settings.workshop_start), SEED)


def process_memo(settings: Settings) -> Memo | None:
    """This process's memo for ``settings`` (``None``: off, or its folder unusable)."""
    return open_memo(settings.workshop_memo, settings.workshop_memo_mb * 2**20)


def _pool_job(sc: sim.Scenario, settings: Settings, index: int, sc_hash: str) -> Rep | None:
    """Replication ``index`` of ``sc``, in a pool process.  With a memo, the result is stored
    there and ``None`` returned; nothing is computed if it is stored or being computed
    elsewhere already."""
    memo = process_memo(settings)
    if memo is None:
        return run_rep(sc, settings, index)
    key = memo_key(settings, sc_hash, index)
    if memo.has(key):
        return None
    claim = memo.claim(key, "background")
    if claim is None:  # another process computes it
        return None
    try:
        if memo.has(key):  # stored between the look and the claim
            return None
        rep = run_rep(sc, settings, index)
        return None if memo.put(key, rep) else rep
    finally:
        claim.release()


def _wait_for_other(memo: Memo, key: tuple, settings: Settings, background_wait: float) -> Rep | None:
    """The result of ``key`` if another process is computing it and stores it in time: up to
    ``workshop_memo_wait`` for a request, ``background_wait`` for a low-priority pool."""
    holder = memo.holder(key)
    if holder is None:
        return None
    return memo.wait(key, settings.workshop_memo_wait if holder.role == "request" else background_wait)


def compute(sc: sim.Scenario, settings: Settings, sc_hash: str, index: int,
            background_wait: float) -> tuple[Rep, str]:
    """Replication ``index`` of ``sc`` at normal priority, through the memo: stored there if
    computed; if another process computes it already, its result is waited for (see
    :func:`_wait_for_other`).  Also says how it came: ``"computed"``, ``"waited"`` or ``"memo"``."""
    memo = process_memo(settings)
    if memo is None:
        return run_rep(sc, settings, index), "computed"
    key = memo_key(settings, sc_hash, index)
    claim = memo.claim(key, "request")
    if claim is None:
        rep = _wait_for_other(memo, key, settings, background_wait)
        if rep is not None:
            return rep, "waited"
        claim = memo.claim(key, "request")  # None: still theirs (timed out), computed here too
    try:
        rep = memo.get(key) if claim is not None else None  # stored just before the claim
        if rep is not None:
            return rep, "memo"
        rep = run_rep(sc, settings, index)
        memo.put(key, rep)
        return rep, "computed"
    finally:
        if claim is not None:
            claim.release()


def _first_init(parent: int, settings: Settings) -> None:
    """First-replication processes run at normal priority, die with the server, and build
    the shared start of replication 0 before their first lever."""
    die_with_parent(parent)
    prefix(settings, 0)


def _first_job(sc: sim.Scenario, settings: Settings, index: int, sc_hash: str,
               background_wait: float) -> tuple[Rep, str]:
    return compute(sc, settings, sc_hash, index, background_wait)


def _nothing() -> None:
    return None


def _guess_job(levers: dict, settings: Settings) -> tuple[str, Rep | None]:
    """Replication 0 of the setting ``levers``, computed ahead (in a pool process, which
    builds the scenario): its content hash, and :func:`_pool_job`'s answer."""
    sc = workshop_scenario(levers, settings)
    h = sc.content_hash()
    return h, _pool_job(sc, settings, 0, h)


# -- in the server: cache, first replication, background replications ------------------------

def _bound(d: dict, size: int) -> None:
    """Drop the oldest entries of ``d`` (insertion order) beyond ``size``."""
    while len(d) > size:
        d.pop(next(iter(d)))


def levers_key(levers: dict) -> tuple:
    return tuple(sorted(levers.items()))


class WorkshopRuns:
    """Workshop results: replication 0 on demand, the others in the background."""

    def __init__(self, settings: Settings, workers: int | None = None):
        self.settings = settings
        self.replications = max(1, settings.workshop_replications)
        self.workers = max(0, settings.workers if workers is None else workers)
        self._cache: OrderedDict[tuple, Rep] = OrderedDict()
        self._pending: OrderedDict[str, list[Future]] = OrderedDict()  # content hash -> futures
        self._guesses: dict[tuple, Future] = {}  # levers -> replication 0, computed ahead
        self._scenarios: dict[tuple, sim.Scenario] = {}  # levers -> scenario
        self._lever_hashes: dict[tuple, str] = {}  # levers -> content hash (built here or guessed)
        self._lever_of: dict[str, tuple] = {}  # content hash -> levers (scenarios built here)
        self._lock = threading.RLock()
        self._hashes: dict[int, tuple[weakref.ref, str]] = {}  # id(scenario) -> its content hash
        self._pool: ProcessPoolExecutor | None = None
        self.first_workers = max(0, settings.workshop_first_workers)
        self._first_pool: ProcessPoolExecutor | None = None
        self._closed = False
        self.memo = process_memo(settings)
        # replications this process ran ("computed"), loaded from the memo ("memo"), or
        # waited for while another process ran them ("waited"); its pool's are not counted
        self.counts: Counter[str] = Counter()

    # scenarios are built once per setting (validation is not free)
    def scenario(self, levers: dict) -> sim.Scenario:
        key = levers_key(levers)
        with self._lock:
            sc = self._scenarios.get(key)
        if sc is None:
            sc = workshop_scenario(levers, self.settings)
            h = self._hash(sc)
            with self._lock:
                self._scenarios[key] = sc
                self._lever_hashes[key] = h
                self._lever_of[h] = key
                for d in (self._scenarios, self._lever_hashes, self._lever_of):
                    _bound(d, 4 * self.settings.workshop_cache)
        return sc

    def _hash(self, sc: sim.Scenario) -> str:
        """``sc.content_hash()``, computed once per scenario object (a poll asks for it a dozen
        times: 0.25 ms each; workshop scenarios are not modified once built)."""
        hit = self._hashes.get(id(sc))
        if hit is not None and hit[0]() is sc:
            return hit[1]
        h = sc.content_hash()
        ident = id(sc)
        with self._lock:
            self._hashes[ident] = (weakref.ref(sc, lambda _: self._hashes.pop(ident, None)), h)
        return h

    # -- cache -------------------------------------------------------------------------------
    def get(self, sc: sim.Scenario, index: int) -> Rep | None:
        """Replication ``index`` of ``sc`` if computed: in this process, or in the memo."""
        h = self._hash(sc)
        key = (h, index)
        with self._lock:
            rep = self._cache.get(key)
            if rep is not None:
                self._cache.move_to_end(key)
                return rep
        if self.memo is None:
            return None
        rep = self.memo.get(memo_key(self.settings, h, index))
        if rep is not None:
            self._count("memo")
            self._put(h, rep)
        return rep

    def _count(self, what: str) -> None:
        with self._lock:
            self.counts[what] += 1

    def _known(self, sc_hash: str, index: int) -> bool:
        """Computed (here or in the memo), or being computed by another process: nothing to ask."""
        with self._lock:
            if (sc_hash, index) in self._cache:
                return True
        if self.memo is None:
            return False
        key = memo_key(self.settings, sc_hash, index)
        return self.memo.has(key) or self.memo.holder(key) is not None

    def _compute(self, sc: sim.Scenario, sc_hash: str, index: int, background_wait: float) -> Rep:
        """Replication ``index`` of ``sc`` now (:func:`compute`): replication 0 in a process of
        the first-replication pool if there is one, else in this thread."""
        memo = self.memo
        if memo is not None:  # another process computes it: wait here, not in a pool process
            rep = _wait_for_other(memo, memo_key(self.settings, sc_hash, index), self.settings, background_wait)
            if rep is not None:
                self._count("waited")
                return rep
            background_wait = 0.0
        pool = self.first_pool() if index == 0 else None
        if pool is not None:
            try:
                rep, how = pool.submit(_first_job, sc, self.settings, index, sc_hash, background_wait).result()
            except (OSError, BrokenProcessPool) as err:  # cannot start, or killed: here, this time
                with self._lock:
                    broken, self._first_pool = self._first_pool, None
                    if isinstance(err, OSError):  # cannot start: never again
                        self.first_workers = 0
                if broken is not None and not self._closed:
                    log.warning("workshop first-replication processes unavailable (%s); computing in the "
                                "server", err)
                    broken.shutdown(wait=False, cancel_futures=True)
                rep, how = compute(sc, self.settings, sc_hash, index, background_wait)
        else:
            rep, how = compute(sc, self.settings, sc_hash, index, background_wait)
        self._count(how)
        return rep

    def _put(self, sc_hash: str, rep: Rep) -> None:
        with self._lock:
            self._cache[(sc_hash, rep.index)] = rep
            self._cache.move_to_end((sc_hash, rep.index))
            while len(self._cache) > self.settings.workshop_cache * self.replications:
                self._cache.popitem(last=False)

    def reps(self, sc: sim.Scenario) -> list[Rep]:
        """The replications of ``sc`` computed so far, in order (replication 0 first)."""
        out = []
        for i in range(self.replications):
            rep = self.get(sc, i)
            if rep is None:
                break
            out.append(rep)
        return out

    # -- replication 0, now -------------------------------------------------------------------
    def first(self, sc: sim.Scenario) -> Rep:
        """Replication 0 of ``sc`` (computed in this thread if needed); the others are
        requested in the background."""
        rep = self.get(sc, 0)
        if rep is None:
            h = self._hash(sc)
            with self._lock:
                guess = self._guesses.get(self._lever_of.get(h, ()))
            background_wait = self.settings.workshop_guess_wait
            if guess is not None and self.memo is None and guess.running():
                # computed ahead, nearly there: wait for it (with the memo, a guess that has
                # started holds a claim, waited for in _compute; "running" here also means
                # queued next in line for the pool)
                try:
                    rep = guess.result(timeout=background_wait)[1]
                except Exception:  # timed out, cancelled or failed: compute it here
                    rep = None
                background_wait = 0.0  # waited for a pool already
            elif guess is not None:
                guess.cancel()  # not started: this thread is faster
            if rep is None:
                rep = self._compute(sc, h, 0, background_wait)
            self._put(h, rep)
        self.request(sc)
        return rep

    def first_pool(self) -> ProcessPoolExecutor | None:
        """Processes at normal priority that run levers' first replications: a server process
        runs one Python thread at a time, so two levers computed in its threads take twice as
        long; in these processes they run on every core (``None``: in the request's thread)."""
        if self.first_workers < 1 or self._closed:
            return None
        with self._lock:
            if self._first_pool is None:
                self._first_pool = process_pool(self.first_workers, PRELOAD, _first_init, (self.settings,))
            return self._first_pool

    # -- the other replications, in the background ---------------------------------------------
    def pool(self) -> ProcessPoolExecutor | None:
        if self.workers < 1 or self._closed:
            return None
        with self._lock:
            if self._pool is None:
                self._pool = process_pool(self.workers, PRELOAD, _worker_init)
            return self._pool

    def request(self, sc: sim.Scenario, first: int = 1) -> None:
        """Compute replications ``first``.. of ``sc`` in the background (if not done or queued).

        Without a pool (``workers=0``) they are computed here, now.
        """
        if self._closed:
            return
        h = self._hash(sc)
        todo = [i for i in range(first, self.replications) if not self._known(h, i)]
        if not todo:
            return
        pool = self.pool()
        if pool is None:
            for i in todo:
                if self.get(sc, i) is None:
                    self._put(h, self._compute(sc, h, i, self.settings.workshop_guess_wait))
            return
        with self._lock:
            live = self._pending.get(h)
            if live is not None and any(not f.done() for f in live):  # still queued or running
                self._pending.move_to_end(h)
                return
            futures = []
            try:
                for i in todo:
                    f = pool.submit(_pool_job, sc, self.settings, i, h)
                    f.add_done_callback(functools.partial(self._done, h))
                    futures.append(f)
            except (OSError, BrokenProcessPool) as err:
                # the pool cannot start (e.g. a forkserver socket path too long for the
                # system): from now on the replications are computed here
                log.warning("workshop background pool unavailable (%s); computing in the server", err)
                self.workers, self._pool = 0, None
                pool.shutdown(wait=False, cancel_futures=True)
                for f in futures:
                    f.cancel()
                fallback = True
            else:
                fallback = False
                self._pending[h] = futures
        if fallback:
            for i in todo:
                if self.get(sc, i) is None:
                    self._put(h, self._compute(sc, h, i, self.settings.workshop_guess_wait))
            return
        with self._lock:
            # settings nobody looks at any more: their work not started yet is dropped
            while len(self._pending) > self.settings.workshop_pending:
                _, old = self._pending.popitem(last=False)
                for f in old:
                    f.cancel()

    def speculate(self, levers: dict) -> None:
        """Replication 0 of every setting one step away from ``levers``, in the background
        (queued after the work already asked for); older guesses not among them are dropped.

        The pool builds the guesses' scenarios (12 of them: 40 ms) and skips those stored
        or being computed elsewhere; this process only skips those it knows are done."""
        pool = self.pool()
        if pool is None:
            return
        wanted = {}
        for lv in neighbours(levers):
            key = levers_key(lv)
            with self._lock:
                h = self._lever_hashes.get(key)
            if h is None or not (self._known(h, 0) or h in self._pending):
                wanted[key] = lv
        with self._lock:
            for key, f in list(self._guesses.items()):
                if key not in wanted and not f.running():
                    f.cancel()
                if f.done() or f.cancelled():
                    self._guesses.pop(key, None)
            for key, lv in wanted.items():
                if key in self._guesses:
                    continue
                try:
                    f = pool.submit(_guess_job, lv, self.settings)
                except (OSError, BrokenProcessPool):  # no pool: no guesses (request() says why)
                    return
                f.add_done_callback(functools.partial(self._guessed, key))
                self._guesses[key] = f

    def _guessed(self, key: tuple, f: Future) -> None:
        if f.cancelled() or f.exception() is not None:
            return self._done("", f)  # says why, once
        h, rep = f.result()
        with self._lock:
            self._lever_hashes[key] = h
            _bound(self._lever_hashes, 4 * self.settings.workshop_cache)
        if rep is not None:  # None: in the memo, or computed by another process
            self._put(h, rep)

    def _done(self, sc_hash: str, f: Future) -> None:
        if f.cancelled():
            return
        err = f.exception()
        if err is not None:
            if isinstance(err, BrokenProcessPool):
                # its processes were killed (a signal to the process group, shutdown): every
                # pending job fails at once; say it once and start a fresh pool when needed
                with self._lock:
                    broken, self._pool = self._pool, None
                if broken is not None and not self._closed:
                    log.warning("workshop background pool stopped (%s); a new one starts on demand", err)
                    broken.shutdown(wait=False, cancel_futures=True)
            elif not self._closed:
                log.warning("workshop replication failed: %s", err)
            return
        rep = f.result()
        if rep is not None:  # None: in the memo, or computed by another process
            self._put(sc_hash, rep)
        with self._lock:
            futures = self._pending.get(sc_hash)
            if futures is not None and all(x.done() for x in futures):
                self._pending.pop(sc_hash, None)

    def status(self, sc: sim.Scenario) -> int:
        """Replications of ``sc`` ready; asks again for the missing ones (e.g. dropped)."""
        n = len(self.reps(sc))
        if n < self.replications and n > 0:
            self.request(sc)
        return n

    def prefetch(self) -> None:
        """Every preset, every replication, in the background (the usual references)."""
        for name in PRESETS:
            sc = self.scenario(preset_levers(name))
            self.request(sc, first=0)

    def warm_and_prefetch(self) -> None:
        """:meth:`warm_up`, then :meth:`prefetch` (the server starts it in a thread)."""
        try:
            self.warm_up()
            if not self._closed:
                self.prefetch()
        except Exception as err:  # a failed warm-up only makes the first lever slower
            if not self._closed:
                log.warning("workshop warm-up failed: %s", err)

    def warm_up(self) -> None:
        """Start the first-replication processes (each builds its shared start for replication
        0: the first lever is then fast), or, without them, build it in this process."""
        pool = self.first_pool()
        if pool is None:
            prefix(self.settings, 0)
            return
        try:  # one job each: processes start on demand, one per job that finds none idle
            for f in [pool.submit(_nothing) for _ in range(self.first_workers)]:
                f.result()
        except (OSError, BrokenProcessPool) as err:
            log.warning("workshop first-replication processes unavailable (%s); computing in the server", err)
            with self._lock:
                self.first_workers, self._first_pool = 0, None
            kill_pool(pool)
            prefix(self.settings, 0)

    def close(self) -> None:
        self._closed = True
        with self._lock:
            pool, self._pool = self._pool, None
            first, self._first_pool = self._first_pool, None
            for futures in [*self._pending.values(), *([g] for g in self._guesses.values())]:
                for f in futures:
                    f.cancel()
            self._pending.clear()
            self._guesses.clear()
        for p in (pool, first):  # killed, not waited for: SIGTERM ends the server at once
            if p is not None:
                kill_pool(p)
        if self.counts:
            log.info("workshop replications in process %d: %s", os.getpid(),
                     ", ".join(f"{n} {what}" for what, n in sorted(self.counts.items())))
