"""From replications to columns: the tables a results store keeps.

- ``summary``: one row per replication, one column per summary metric (the dotted
  leaves of :func:`sim.summary.replication_summary`, via :func:`sim.params.leaves`);
- ``timeseries``: one row per (replication, month), the columns of
  :func:`sim.output.timeseries_rows`;
- ``groups``: one row per (replication, group, label, benefit), the columns of
  :func:`sim.output.group_rows` (eligible and non-take-up household-months,
  unclaimed euros);
- ``routes``: one row per (replication, benefit, last channel, outcome), the columns
  of :func:`sim.output.route_rows`.

Every table is keyed by ``point`` and ``replication``; the point's parameter values
(or its scenario name) ride along as columns.  :func:`replication_tables` makes the
tables of one replication; a point's tables are those of its replications, in
replication order (:func:`combine`), so a point run at once and a point finished
after a resume have the same bytes.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable

import numpy as np
import pyarrow as pa

from ..output import group_rows, route_rows, timeseries_rows
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


TABLES = ("summary", "timeseries", "groups", "routes")  # what a store may keep, per run


def _columns(rows: list[dict], point, keys: tuple[str, ...]) -> dict[str, pa.Array]:
    """``point``, the key columns (``replication``...), the point's values, then the
    rows' other columns, with fixed types (keys int64, text string, numbers float64)."""
    n = len(rows)
    cols: dict[str, pa.Array] = {"point": pa.array([point.index] * n, pa.int64())}
    for k in keys:
        cols[k] = pa.array([int(r[k]) for r in rows], pa.int64())
    for name, value in point.values.items():
        cols[name] = param_array([value] * n)
    for c in (rows[0] if rows else ()):
        if c in keys:
            continue
        vals = [r[c] for r in rows]
        if isinstance(vals[0], str):
            cols[c] = pa.array(vals, pa.string())
        else:
            cols[c] = pa.array(np.array([float(v) for v in vals], dtype=np.float64))
    return cols


def replication_tables(point, rep, scenario: Scenario, keep: Iterable[str], metrics: Selection,
                       timeseries: Selection) -> dict[str, pa.Table]:
    """The tables of one finished replication of ``point`` (those named in ``keep``).

    ``metrics`` and ``timeseries`` choose the summary and monthly columns kept;
    ``groups`` and ``routes`` are kept whole when asked for.
    """
    keep = set(keep)
    one = RunResult(scenario, 0, [rep])
    out: dict[str, pa.Table] = {}
    if "summary" in keep:
        row = summary_row(rep)
        out["summary"] = pa.table(_columns(
            [{"replication": rep.index, **{c: row[c] for c in metrics.apply(row)}}], point,
            ("replication",)))
    if "timeseries" in keep:
        rows = timeseries_rows(one)
        names = timeseries.apply(c for c in rows[0] if c not in ("replication", "month"))
        if names:
            out["timeseries"] = pa.table(_columns(
                [{"replication": r["replication"], "month": r["month"], **{c: r[c] for c in names}}
                 for r in rows], point, ("replication", "month")))
    if "groups" in keep:
        out["groups"] = pa.table(_columns(group_rows(one), point, ("replication",)))
    if "routes" in keep:
        out["routes"] = pa.table(_columns(route_rows(one), point, ("replication",)))
    return out


def combine(tables: list[pa.Table]) -> pa.Table:
    """One table from the tables of a point's replications (in replication order),
    in one contiguous chunk: its Parquet bytes depend only on the rows."""
    return pa.concat_tables(tables, promote_options="default").combine_chunks()
