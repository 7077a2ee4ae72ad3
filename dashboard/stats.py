"""The paired difference B − A and what the page may say about it.

Both tabs compare situations run with common random numbers: replication *r*
of each has the same households and random streams, so the difference is
taken replication by replication and its 95 % Student interval
(:func:`sim.summary.t_interval`, clipped to the range of a difference of that
metric) is much narrower than the unpaired one.  The *verdict* is what the page
prints: ``same`` (every paired difference is exactly zero: the same situation),
``noise`` (the interval includes zero: "non distinguable du hasard"),
``up`` / ``down`` (the interval excludes zero), ``pending`` (fewer replications
than asked for) or ``one`` (a single replication: no interval).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from sim import present
from sim.summary import t_interval


@dataclass(frozen=True)
class Paired:
    mean: float  # mean of the paired differences B − A
    ci: tuple[float, float] | None  # 95 % interval (None with fewer than 2 pairs)
    pairs: int
    verdict: str


def paired(a: Sequence[float], b: Sequence[float], key: str, required: int | None = None) -> Paired:
    """B − A over the replications both have (in order); ``key`` gives the metric's range.

    ``required``: the verdict stays ``pending`` until that many pairs are in."""
    n = min(len(a), len(b))
    d = np.asarray(b[:n], dtype=float) - np.asarray(a[:n], dtype=float)
    if n == 0:
        return Paired(float("nan"), None, 0, "pending")
    mean, ci = t_interval(list(d), present.domain(key, diff=True))
    interval = (float(ci[0]), float(ci[1])) if ci[0] is not None and ci[1] is not None else None
    if np.all(d == 0):
        verdict = "same"
    elif required is not None and n < required:
        verdict = "pending"
    elif interval is None:
        verdict = "one"
    elif interval[0] <= 0 <= interval[1]:
        verdict = "noise"
    else:
        verdict = "up" if mean > 0 else "down"
    return Paired(float(mean), interval, n, verdict)
