"""Progress bar for long runs: runs done, runs/s and ETA, on stderr (off with --quiet)."""

from __future__ import annotations

import sys

from tqdm import tqdm


def progress_bar(total: int, initial: int = 0, desc: str = "", disable: bool = False) -> tqdm:
    """A tqdm bar counting replications (``run``); ``initial`` = runs already done (resume)."""
    return tqdm(total=total, initial=initial, desc=desc or None, unit="run", file=sys.stderr,
                disable=disable, dynamic_ncols=True, smoothing=0.1,
                bar_format="{l_bar}{bar}| {n_fmt}/{total_fmt} runs "
                           "[{elapsed}<{remaining}, {rate_fmt}]")
