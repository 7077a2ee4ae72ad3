"""argparse types shared by every subcommand: whole numbers in a range, refused before
any conversion when too long (a 5,000-digit integer is one line, not a traceback).

Below both :mod:`sim.cli` and :mod:`sim.experiments.cli`, which import it (no circle).
"""

from __future__ import annotations

import argparse

from . import limits
from .params import show

MAX_SEED = 2**63 - 1


def whole(lo: int, hi: int, what: str = "a whole number"):
    """argparse type: an integer in ``[lo, hi]`` (refused before any conversion if too long)."""
    def parse(text: str) -> int:
        t = text.strip()
        if len(t) > 20 or not t.lstrip("+-").isascii() or not t.lstrip("+-").isdigit():
            raise argparse.ArgumentTypeError(f"expected {what} from {lo:,} to {hi:,}, got {show(text, 24)}")
        v = int(t)
        if not lo <= v <= hi:
            raise argparse.ArgumentTypeError(f"expected {what} from {lo:,} to {hi:,}, got {v:,}")
        return v
    parse.__name__ = what  # argparse names the type in its messages
    return parse


def seed_arg():
    return whole(0, MAX_SEED, "a seed")


def replications_arg():
    return whole(1, limits.MAX_REPLICATIONS, "a number of replications")


def workers_arg():
    return whole(1, limits.MAX_WORKERS, "a number of workers")
