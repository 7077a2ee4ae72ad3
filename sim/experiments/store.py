"""The results store: a directory of Parquet files written atomically, plus a manifest.

Layout (the same for comparisons and sweeps)::

    OUT/manifest.json             provenance: plan hash, scenario and sweep hashes, seeds,
                                  versions, command, executor, status
    OUT/design.parquet            one row per point: its parameter values and scenario hash
    OUT/summary/part-NNNNNN.parquet     one part per finished point: a row per replication
    OUT/timeseries/part-NNNNNN.parquet  one part per finished point: a row per (replication, month)
    OUT/aggregate.parquet         when complete: mean, sd and 95 % CI per (point, metric)

A part is written to a hidden temporary file then renamed, so a killed run
leaves whole parts only; the summary part is written last and marks the point
finished (``--resume`` skips it).  Parquet bytes depend only on the data: fixed
row order, no pandas index, no timestamps.  Any Parquet reader loads them::

    pandas.read_parquet("OUT/summary")
    polars.read_parquet("OUT/summary/*.parquet")
    duckdb.sql("SELECT * FROM 'OUT/summary/*.parquet'")
"""

from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from ..io import atomic_write, parquet_bytes, remove_temporaries, to_json
from ..params import ScenarioError

PART_TABLES = ("summary", "timeseries")
PART_RE = re.compile(r"^part-(\d{6,})\.parquet$")


class ResultsStore:
    def __init__(self, root: str | os.PathLike):
        self.root = Path(root)

    # -- points -------------------------------------------------------------
    def part_path(self, table: str, index: int) -> Path:
        return self.root / table / f"part-{index:06d}.parquet"

    def finished(self) -> set[int]:
        """Indices of points whose summary part is on disk."""
        d = self.root / "summary"
        if not d.is_dir():
            return set()
        return {int(m.group(1)) for f in d.iterdir() if (m := PART_RE.match(f.name))}

    def write_point(self, index: int, tables: dict[str, pa.Table]) -> None:
        for name in ("timeseries", "summary"):  # summary last: it marks the point done
            if name in tables:
                atomic_write(self.part_path(name, index), parquet_bytes(tables[name]))

    def remove_temporaries(self) -> int:
        """Delete half-written temporary files left by a killed run."""
        return remove_temporaries(self.root, *(self.root / t for t in PART_TABLES))

    # -- whole tables -------------------------------------------------------
    def write_table(self, name: str, table: pa.Table) -> None:
        atomic_write(self.root / f"{name}.parquet", parquet_bytes(table))

    def read(self, name: str) -> pa.Table | None:
        """A table: a single file, or the parts of a part table in point order."""
        single = self.root / f"{name}.parquet"
        if single.is_file():
            return pq.read_table(single)
        d = self.root / name
        if not d.is_dir():
            return None
        parts = sorted((int(m.group(1)), f) for f in d.iterdir() if (m := PART_RE.match(f.name)))
        if not parts:
            return None
        tables = [pq.read_table(f) for _, f in parts]
        return pa.concat_tables(tables, promote_options="default")

    # -- manifest -----------------------------------------------------------
    def table(self, name: str) -> pa.Table:
        """:meth:`read`, for a table that must be there (a finished store's)."""
        t = self.read(name)
        if t is None:
            raise ScenarioError(f"no {name} table (results incomplete?)", source=str(self.root))
        return t

    def manifest(self) -> dict | None:
        p = self.root / "manifest.json"
        if not p.is_file():
            return None
        return json.loads(p.read_text(encoding="utf-8"))

    def write_manifest(self, manifest: dict) -> None:
        atomic_write(self.root / "manifest.json", to_json(manifest))

    def write_text(self, name: str, text: str) -> None:
        atomic_write(self.root / name, text)


@dataclass
class Results:
    """A results directory loaded as pandas DataFrames (``None`` where absent)."""

    manifest: dict
    design: pd.DataFrame | None
    summary: pd.DataFrame | None
    timeseries: pd.DataFrame | None
    aggregate: pd.DataFrame | None
    differences: pd.DataFrame | None = None


def load_results(root: str | os.PathLike) -> Results:
    """Load a results directory written by ``sim compare`` or ``sim sweep``."""
    store = ResultsStore(root)
    man = store.manifest()
    if man is None:
        raise ScenarioError("not a results directory (no manifest.json)", source=str(root))

    def df(name: str) -> pd.DataFrame | None:
        t = store.read(name)
        return None if t is None else t.to_pandas()

    return Results(man, df("design"), df("summary"), df("timeseries"), df("aggregate"),
                   df("differences"))
