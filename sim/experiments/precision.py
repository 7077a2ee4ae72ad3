"""How many replications a given precision needs (from a pilot's standard deviation).

The 95 % CI half-width of a mean over ``n`` replications is
``t(0.975, n-1) · sd / √n``.  Given the standard deviation of a pilot run —
of the metric itself, or of the paired differences B−A for a comparison —
the smallest ``n`` that brings the half-width down to a target is::

    replications_needed(sd=0.004, half_width=0.001)   # -> 64
"""

from __future__ import annotations

import math

from scipy import stats


def ci_half_width(sd: float, n: int, confidence: float = 0.95) -> float:
    """CI half-width of a mean of ``n`` values with standard deviation ``sd``."""
    if n < 2:
        return math.inf
    return float(stats.t.ppf(0.5 + confidence / 2, n - 1) * sd / math.sqrt(n))


def replications_needed(sd: float, half_width: float, confidence: float = 0.95,
                        max_n: int = 1_000_000) -> int:
    """Smallest number of replications whose CI half-width is at most ``half_width``.

    ``sd`` is the pilot's sample standard deviation (of the metric, or of the
    paired differences for a comparison), in the metric's unit, like
    ``half_width``.  Returns at least 2 (an interval needs two values).
    """
    if not half_width > 0 or math.isinf(half_width):
        raise ValueError("the target half-width must be a positive number")
    if not sd >= 0 or math.isinf(sd):
        raise ValueError("the pilot standard deviation must be a finite number >= 0")
    if sd == 0:
        return 2
    z = stats.norm.ppf(0.5 + confidence / 2)
    n = max(2, math.ceil((z * sd / half_width) ** 2))  # normal approximation: a lower bound
    while n <= max_n and ci_half_width(sd, n, confidence) > half_width:
        n += 1  # a few steps: t and normal quantiles differ little beyond n = 2
    if n > max_n:
        raise ValueError(f"more than {max_n:,} replications would be needed")
    return n
