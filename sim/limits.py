"""Resource limits: one budget, checked before any work starts.

Every command that runs the model — ``sim run``, ``sim compare``, ``sim sweep``
whatever its design (factorial, LHS, Sobol, Morris), and the dashboard — says
what it is about to do as a :class:`Work` (points, replications, the largest
point's households and months, local workers) and :func:`check_work` refuses it,
naming the field, if it breaks one of these limits:

- structure (never lifted): at most :data:`MAX_REPLICATIONS` replications per
  point, :data:`MAX_POINTS` points in a design, :data:`MAX_RUNS` runs (points ×
  replications) in one command, :data:`MAX_WORKERS` local worker processes;
- size: households × months × replications of one point at most
  :data:`MAX_HOUSEHOLD_MONTHS` (stops ``households: 3000000000`` from filling a
  laptop for hours); lifted only by the command line's ``--allow-large``, never
  by a file;
- memory: the household arrays of the runs in flight, the worker processes, the
  plan's scenarios and the results kept in memory must fit in the memory the
  operating system says is available *and* under this process's address-space
  limit (``ulimit -v``), with a margin.  The estimates come from the household
  arrays' declared dtypes and from measured sizes (below).

Population files are checked the same way before their rows are parsed
(:func:`check_population`).
"""

from __future__ import annotations

import re
import resource
from dataclasses import dataclass, field

import numpy as np

from .agents.households import CLAIM_FIELDS, FIELDS
from .params import ScenarioError

MAX_HOUSEHOLD_MONTHS = 2_000_000_000  # a 30-million-household, 36-month national run fits
MAX_REPLICATIONS = 10_000  # per scenario or point: CIs shrink as 1/sqrt(n); beyond this, use a sweep
MAX_POINTS = 100_000  # points of one design (a Sobol design of 2**14 samples x 6 factors fits)
MAX_RUNS = 1_000_000  # points x replications of one command
MAX_WORKERS = 256  # local worker processes

WORKING_BYTES = 200  # temporaries, help network and ledger per household (measured: ~270 B in all at 1M)
WORKER_BYTES = 250_000_000  # a worker process with the engine imported (measured RSS ~200 MB)
WORKER_VM = 700_000_000  # its address space before any household (measured VmSize ~600 MB)
# the address space of a command once it runs, whatever its size: pyarrow's memory pool
# reserves 1 GB at its first table and its threads their stacks (measured VmSize 0.6 GB
# after the imports, 1.95 GB after a run of 1,000 households)
RUN_VM = 2_000_000_000
POINT_BYTES = 16_000  # a checked point's scenario held by the plan (measured: ~10 kB)
RUN_BYTES = 4_000  # a run's row of summary metrics, read whole when a sweep is aggregated
MARGIN = 0.9  # share of the available memory a run may plan to use


def replication_bytes(months: int) -> int:
    """A finished replication's results held in memory: its tables are some 700 one-row
    Arrow columns, whose overhead dominates (measured as peak RSS per replication of
    ``sim run -r 220`` minus ``-r 20``, one household, Model 2.0, default benefits:
    1.1 MB at 1 month, 4.05 MB at 120 months)."""
    return 1_100_000 + 25_000 * months


def bytes_per_household(n_benefits: int) -> int:
    own = sum(np.dtype(d).itemsize for _, d, _ in FIELDS)
    claims = sum(np.dtype(d).itemsize for _, d, _ in CLAIM_FIELDS) * n_benefits
    return own + claims + WORKING_BYTES


def _meminfo() -> int | None:
    try:
        with open("/proc/meminfo", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        return None
    return None


def _vm_size() -> int:
    try:
        with open("/proc/self/status", encoding="ascii") as fh:
            m = re.search(r"^VmSize:\s+(\d+) kB", fh.read(), re.M)
            return int(m.group(1)) * 1024 if m else 0
    except OSError:
        return 0


def address_space_limit() -> int | None:
    """This process's address-space limit (``ulimit -v``, ``prlimit --as``) in bytes, or None."""
    soft, _ = resource.getrlimit(resource.RLIMIT_AS)
    return None if soft == resource.RLIM_INFINITY else soft


def available_memory(worker: bool = False) -> int | None:
    """Bytes a run may still use here: what the system has available, and no more than the
    address space left under this process's limit (``worker``: under a fresh worker's)."""
    avail = _meminfo()
    limit = address_space_limit()
    if limit is not None:
        left = limit - (WORKER_VM if worker else max(_vm_size(), RUN_VM))
        avail = left if avail is None else min(avail, left)
    return avail


@dataclass(frozen=True)
class Work:
    """What a command is about to run (the largest point, when points differ)."""

    source: str
    households: int  # households of the largest point
    months: int  # months of the longest point
    household_months: int  # households x months of the point with the most
    benefits: int = 3
    points: int = 1
    replications: int = 1
    workers: int = 1  # local worker processes (1: in this process; remote Dask workers: 0)
    keep_results: bool = True  # every replication's results held in memory (sim run), else a
    # point's replications are held until the point is stored (compare, sweep)
    # the field each limit names in its message
    fields: dict = field(default_factory=lambda: {
        "replications": "--replications", "points": "parameters", "households": "population.households",
        "workers": "--workers"})


def _fail(work: Work, what: str, message: str) -> ScenarioError:
    return ScenarioError(message, source=work.source, path=work.fields.get(what, what))


def check_structure(work: Work) -> None:
    """The limits no flag lifts: replications, points, runs and workers."""
    if not 1 <= work.replications <= MAX_REPLICATIONS:
        raise _fail(work, "replications", f"{work.replications:,} replications: expected 1 to "
                                          f"{MAX_REPLICATIONS:,}")
    if not 1 <= work.points <= MAX_POINTS:
        raise _fail(work, "points", f"{work.points:,} points is more than {MAX_POINTS:,}"
                                    if work.points > MAX_POINTS else "no points")
    runs = work.points * work.replications
    if runs > MAX_RUNS:
        raise _fail(work, "replications", f"{work.points:,} points x {work.replications:,} "
                                          f"replications = {runs:,} runs, more than {MAX_RUNS:,}")
    if not 0 <= work.workers <= MAX_WORKERS:
        raise _fail(work, "workers", f"expected 1 to {MAX_WORKERS} worker processes")


def check_work(work: Work, allow_large: bool = False) -> None:
    """Raise :class:`ScenarioError` (one line naming the field) if ``work`` breaks the budget."""
    check_structure(work)
    hm = work.household_months * work.replications
    if hm > MAX_HOUSEHOLD_MONTHS and not allow_large:
        raise _fail(work, "households",
                    f"{work.households:,} households × {work.months} months × {work.replications} "
                    f"replications = {hm:,} household-months, above the cap of "
                    f"{MAX_HOUSEHOLD_MONTHS:,} (pass --allow-large to run it anyway)")
    model = work.households * bytes_per_household(work.benefits)
    held = work.points * POINT_BYTES + (work.points * work.replications * RUN_BYTES)
    held += ((work.points if work.keep_results else min(work.points, 2)) * work.replications
             * replication_bytes(work.months))
    in_flight = max(1, min(work.workers, work.replications * work.points))
    if work.workers > 1:  # models run in workers: each needs its own arrays
        here, total = held, held + in_flight * (model + WORKER_BYTES)
        per_worker = model
    else:  # models run in this process (or on remote workers: their machines' business)
        here = held + (model if work.workers == 1 else 0)
        total, per_worker = here, 0
    avail = _meminfo()
    # the field named: the replications' results when they weigh more than the households
    what = "replications" if held > in_flight * model else "households"
    for need, left in ((total, avail), (here, available_memory()),
                       (per_worker, available_memory(worker=True))):
        if need and left is not None and need > MARGIN * left:
            raise _fail(work, what if need != per_worker else "households",
                        f"this run needs about {need / 1e9:.1f} GB of memory and at most "
                        f"{MARGIN * max(left, 0) / 1e9:.1f} GB can be used here: use fewer "
                        "households, replications, points or workers")


def check(scenario, replications: int, workers: int = 1, allow_large: bool = False,
          keep_results: bool = True) -> None:
    """:func:`check_work` for ``replications`` runs of one scenario on ``workers`` processes."""
    n = scenario.data["population"]["households"]
    months = scenario.data["months"]
    check_work(Work(source=scenario.source, households=n, months=months, household_months=n * months,
                    benefits=len(scenario.benefits), replications=replications, workers=workers,
                    keep_results=keep_results), allow_large=allow_large)


def check_population(rows: int, source: str, n_benefits: int) -> None:
    """Before a population file's rows are parsed: their arrays must fit in memory."""
    need = rows * (bytes_per_household(n_benefits) + 64)  # + the parse's column buffers
    left = available_memory()
    if left is not None and need > MARGIN * left:
        raise ScenarioError(f"{rows:,} households need about {need / 1e9:.1f} GB of memory and "
                            f"{max(left, 0) / 1e9:.1f} GB are available", source=source)
