"""Resource limits: refuse, before starting, a run that is too large or would not fit.

The cap on households × months × replications (:data:`MAX_HOUSEHOLD_MONTHS`)
stops typos (``households: 3000000000``) from filling a laptop for hours; it is
lifted only by an explicit command-line flag (``--allow-large``), never by a
scenario file.  Memory is estimated from the household arrays' declared dtypes
and compared with what the operating system says is available.
"""

from __future__ import annotations

from .agents.households import CLAIM_FIELDS, FIELDS
from .params import ScenarioError

MAX_HOUSEHOLD_MONTHS = 2_000_000_000  # a 30-million-household, 36-month national run fits
WORKING_BYTES = 200  # temporaries, help network and ledger per household (measured: ~270 B in all at 1M)


def bytes_per_household(n_benefits: int) -> int:
    import numpy as np
    own = sum(np.dtype(d).itemsize for _, d, _ in FIELDS)
    claims = sum(np.dtype(d).itemsize for _, d, _ in CLAIM_FIELDS) * n_benefits
    return own + claims + WORKING_BYTES


def available_memory() -> int | None:
    try:
        with open("/proc/meminfo", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        return None
    return None


def check(scenario, replications: int, workers: int = 1, allow_large: bool = False) -> None:
    """Raise :class:`ScenarioError` if the run exceeds the cap or the machine's memory."""
    n = scenario.data["population"]["households"]
    months = scenario.data["months"]
    work = n * months * replications
    if work > MAX_HOUSEHOLD_MONTHS and not allow_large:
        raise ScenarioError(
            f"{n:,} households × {months} months × {replications} replications = {work:,} "
            f"household-months, above the cap of {MAX_HOUSEHOLD_MONTHS:,} "
            "(pass --allow-large to run it anyway)", source=scenario.source, path="population.households")
    need = n * bytes_per_household(len(scenario.benefits)) * max(1, min(workers, replications))
    avail = available_memory()
    if avail is not None and need > 0.9 * avail:
        raise ScenarioError(
            f"this run needs about {need / 1e9:.1f} GB of memory and {avail / 1e9:.1f} GB are "
            "available: use fewer households or workers", source=scenario.source,
            path="population.households")
