"""From replications to columns: the rows a results store keeps for one point.

``summary`` rows: one per replication, one column per summary metric (the
dotted leaves of :func:`sim.summary.replication_summary`, via
:func:`sim.summary.leaves`).  ``timeseries`` rows: one per (replication,
month), the columns of :func:`sim.output.timeseries_rows`.  Both are keyed by
``point`` and ``replication``; parameter values ride along as columns.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable

import numpy as np
import pyarrow as pa

from ..output import timeseries_rows
from ..params import leaves
from ..runner import RunResult, replication_seeds, run_replication
from ..scenario import Scenario

KEYS = ("point", "replication")
TS_KEYS = ("point", "replication", "month")


@dataclass(frozen=True)
class Selection:
    """Which result columns to keep: ``None`` = all; a pattern keeps an exact
    column or every column under it (``by_group`` keeps ``by_group.age_band...``)."""

    patterns: tuple[str, ...] | None = None

    def matches(self, column: str, pattern: str) -> bool:
        return column == pattern or column.startswith(pattern + ".")

    def apply(self, columns: Iterable[str]) -> list[str]:
        columns = list(columns)
        if self.patterns is None:
            return columns
        return [c for c in columns if any(self.matches(c, p) for p in self.patterns)]

    def unmatched(self, columns: Iterable[str]) -> list[tuple[int, str]]:
        columns = list(columns)
        if self.patterns is None:
            return []
        return [(i, p) for i, p in enumerate(self.patterns)
                if not any(self.matches(c, p) for c in columns)]

    def to_json(self):
        return "all" if self.patterns is None else list(self.patterns)




def summary_row(rep) -> dict[str, float]:
    return {k: _float(v) for k, v in leaves(rep.summary)}


def _float(v) -> float:
    return float("nan") if v is None else float(v)


def probe_columns(scenario: Scenario) -> tuple[list[str], list[str]]:
    """Summary and monthly-series column names for a scenario (a tiny run)."""
    n = min(100, scenario.data["population"]["households"])
    sc = scenario.with_overrides({"population.households": n})
    rep = run_replication(sc, replication_seeds(0, 1)[0], 0)
    ts = timeseries_rows(RunResult(sc, 0, [rep]))[0]
    return list(summary_row(rep)), [c for c in ts if c not in ("replication", "month")]


def param_array(values: list) -> pa.Array:
    """A column of parameter values with a stable type (int64, float64, bool or string)."""
    if all(isinstance(v, bool) for v in values):
        return pa.array(values, pa.bool_())
    if all(isinstance(v, int) and not isinstance(v, bool) for v in values):
        return pa.array(values, pa.int64())
    if all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in values):
        return pa.array([float(v) for v in values], pa.float64())
    return pa.array([str(v) for v in values], pa.string())


def point_tables(point, reps: list, metrics: Selection, timeseries: Selection,
                 scenario: Scenario) -> dict[str, pa.Table]:
    """Summary and (if any series are kept) timeseries tables of one finished point.

    ``reps`` are the point's replications in replication order; the row order is
    fixed (replication, then month), so the same runs give the same bytes.
    """
    rows = [summary_row(r) for r in reps]
    cols = metrics.apply(rows[0])
    n = len(reps)
    summary = {"point": pa.array([point.index] * n, pa.int64()),
               "replication": pa.array([r.index for r in reps], pa.int64())}
    for name, value in point.values.items():
        summary[name] = param_array([value] * n)
    for c in cols:
        summary[c] = pa.array(np.array([row.get(c, np.nan) for row in rows], dtype=np.float64))
    out = {"summary": pa.table(summary)}

    ts_rows = timeseries_rows(RunResult(scenario, 0, reps))
    ts_cols = timeseries.apply(c for c in ts_rows[0] if c not in ("replication", "month"))
    if ts_cols:
        m = len(ts_rows)
        ts = {"point": pa.array([point.index] * m, pa.int64()),
              "replication": pa.array([int(r["replication"]) for r in ts_rows], pa.int64()),
              "month": pa.array([int(r["month"]) for r in ts_rows], pa.int64())}
        for name, value in point.values.items():
            ts[name] = param_array([value] * m)
        for c in ts_cols:
            ts[c] = pa.array(np.array([float(r[c]) for r in ts_rows], dtype=np.float64))
        out["timeseries"] = pa.table(ts)
    return out
