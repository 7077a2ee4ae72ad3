"""The results store: a directory of Parquet files written atomically, plus a manifest.

One layout for every command: a run (``sim run --out``) is a one-point store, a
comparison has one point per scenario, a sweep one per parameter combination::

    OUT/manifest.json             provenance: kind (run, compare, sweep), plan hash,
                                  scenario and sweep hashes, seeds, versions, command,
                                  executors, status (running | complete)
    OUT/design.parquet            one row per point: its parameter values (or scenario) and
                                  the scenario's hash
    OUT/summary/part-NNNNNN.parquet     one part per finished point: a row per replication
    OUT/timeseries/part-NNNNNN.parquet  one part per finished point: a row per (replication, month)
    OUT/groups/part-NNNNNN.parquet      (runs, comparisons) a row per (replication, group, label,
                                        benefit)
    OUT/routes/part-NNNNNN.parquet      (runs, comparisons) a row per (replication, benefit,
                                        channel, outcome)
    OUT/aggregate.parquet         when complete: mean, sd and 95 % CI per (point, metric)
    OUT/.runs/TABLE/part-NNNNNN-RRRRRR.parquet   finished replications of unfinished
                                  points (hidden; folded into the point's parts when it ends)

Every file is written to a hidden temporary file then renamed (:mod:`sim.io`), so a
killed command leaves whole files only.  A finished replication of a point that is
not finished yet is kept at once under ``.runs/`` (so a one-point run loses at most
the replications in flight); when the point's last replication arrives, its parts
are written (summary last: it marks the point finished) and its ``.runs`` files are
removed.  Resuming (``--resume``, :func:`sim.experiments.engine.execute`) skips
finished points and finished replications alike: one mechanism for the three
commands.  Parquet bytes depend only on the data: fixed row order, one chunk, no
pandas index, no timestamps.  Any Parquet reader loads them::

    pandas.read_parquet("OUT/summary")
    polars.read_parquet("OUT/summary/*.parquet")
    duckdb.sql("SELECT * FROM 'OUT/summary/*.parquet'")
"""

from __future__ import annotations

import json
import os
import re
import shutil
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from ..io import atomic_write, parquet_bytes, remove_temporaries, to_json
from ..params import ScenarioError
from ..safe_read import read_bounded
from .tables import TABLES, combine

PART_TABLES = TABLES
PART_RE = re.compile(r"^part-(\d{6,})\.parquet$")
RUN_RE = re.compile(r"^part-(\d{6,})-(\d{6,})\.parquet$")
RUNS_DIR = ".runs"
MAX_MANIFEST_BYTES = 64_000_000  # a sweep of 100,000 points records each in its manifest


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
        """Write a finished point's tables; the summary part last: it marks the point done."""
        for name in sorted(tables, key=lambda n: n == "summary"):
            atomic_write(self.part_path(name, index), parquet_bytes(tables[name]))

    # -- finished replications of unfinished points ---------------------------
    def run_path(self, table: str, point: int, replication: int) -> Path:
        return self.root / RUNS_DIR / table / f"part-{point:06d}-{replication:06d}.parquet"

    def write_run(self, point: int, replication: int, tables: dict[str, pa.Table]) -> None:
        """Keep one finished replication (summary last: it marks the replication done)."""
        for name in sorted(tables, key=lambda n: n == "summary"):
            atomic_write(self.run_path(name, point, replication), parquet_bytes(tables[name]))

    def runs(self) -> dict[int, dict[int, dict[str, pa.Table]]]:
        """The finished replications kept under ``.runs``: point -> replication -> tables."""
        out: dict[int, dict[int, dict[str, pa.Table]]] = {}
        d = self.root / RUNS_DIR / "summary"
        if not d.is_dir():
            return out
        for f in sorted(d.iterdir()):
            m = RUN_RE.match(f.name)
            if not m:
                continue
            point, rep = int(m.group(1)), int(m.group(2))
            tables = {}
            for name in PART_TABLES:
                p = self.run_path(name, point, rep)
                if p.is_file():
                    tables[name] = pq.read_table(p)
            out.setdefault(point, {})[rep] = tables
        return out

    def finish_point(self, index: int, reps: list[dict[str, pa.Table]]) -> None:
        """Write a point from its replications' tables (replication order), then drop
        what ``.runs`` kept of it."""
        names = [n for n in PART_TABLES if n in reps[0]]
        self.write_point(index, {n: combine([r[n] for r in reps]) for n in names})
        for n in names:
            d = self.root / RUNS_DIR / n
            if d.is_dir():
                for f in d.glob(f"part-{index:06d}-*.parquet"):
                    f.unlink()

    def drop_runs(self) -> None:
        """Remove ``.runs`` once every point is finished."""
        shutil.rmtree(self.root / RUNS_DIR, ignore_errors=True)

    def remove_temporaries(self) -> int:
        """Delete half-written temporary files left by a killed run."""
        runs = self.root / RUNS_DIR
        return remove_temporaries(self.root, *(self.root / t for t in PART_TABLES),
                                  runs, *(runs / t for t in PART_TABLES))

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

    def table(self, name: str) -> pa.Table:
        """:meth:`read`, for a table that must be there (a finished store's)."""
        t = self.read(name)
        if t is None:
            raise ScenarioError(f"no {name} table (results incomplete?)", source=str(self.root))
        return t

    # -- manifest -----------------------------------------------------------
    def manifest(self) -> dict | None:
        """The manifest, or ``None`` if there is none; one that is not a regular file, not
        JSON or not a results manifest is a :class:`ScenarioError` naming the folder."""
        p = self.root / "manifest.json"
        if not os.path.lexists(p):
            return None
        blob = read_bounded(p, MAX_MANIFEST_BYTES, what="results manifest")
        try:
            man = json.loads(blob)
        except (ValueError, RecursionError):
            raise ScenarioError("manifest.json is not JSON: not a results folder of sim",
                                source=str(self.root)) from None
        if not isinstance(man, dict) or not isinstance(man.get("kind"), str):
            raise ScenarioError("manifest.json is not a results manifest of sim",
                                source=str(self.root))
        return man

    def write_manifest(self, manifest: dict) -> None:
        atomic_write(self.root / "manifest.json", to_json(manifest))

    def write_text(self, name: str, text: str | bytes) -> None:
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
    groups: pd.DataFrame | None = None
    routes: pd.DataFrame | None = None


def load_results(root: str | os.PathLike) -> Results:
    """Load a results directory written by ``sim run``, ``sim compare`` or ``sim sweep``."""
    store = ResultsStore(root)
    man = store.manifest()
    if man is None:
        raise ScenarioError("not a results directory (no manifest.json)", source=str(root))

    def df(name: str) -> pd.DataFrame | None:
        t = store.read(name)
        return None if t is None else t.to_pandas()

    return Results(man, df("design"), df("summary"), df("timeseries"), df("aggregate"),
                   df("differences"), df("groups"), df("routes"))
