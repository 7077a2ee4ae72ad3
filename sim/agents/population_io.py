"""Population files: export a synthetic population, import households from a CSV.

A researcher with survey microdata (e.g. INSEE's ICT survey) can run the model
on their own households: one row per household, the columns of
:data:`REQUIRED` (and optionally those of :data:`OPTIONAL`), categories written
as their labels (``a75_plus``, ``none``, ``rural``...).  Validation is strict and
errors name the file, the column and the row — never the value, so that a
file's content never reaches a log.  Optional columns left out are drawn as the
generator would (from the scenario's seed).

Export writes every column, floats in their shortest round-tripping form, so
export → import gives back the very same households (and results).
"""

from __future__ import annotations

import csv
import difflib
import io
import re
from pathlib import Path

import numpy as np

from ..categories import AGE_BAND_BOUNDS
from ..categories import (AgeBand, Diploma, Equipment, HouseholdType, Intention,
                          InternetRelation, NonConnection, Territory, Tenure)
from ..io import atomic_write
from ..limits import check_population
from ..params import ScenarioError
from ..safe_read import open_regular
from .households import FIELDS, Households
from .population import assign_internet_relation

MAX_ROWS = 50_000_000
MAX_BYTES = 4 * 1024**3
MAX_FIELD = 10_000  # characters in one CSV field (a category label or a number is far shorter)
MAX_LINE = 100_000  # characters in one line of the file (a household's row is ~200)
CHUNK = 65_536  # rows parsed at a time: memory stays near the household arrays themselves

CATEGORIES = {
    "age_band": AgeBand, "household_type": HouseholdType, "diploma": Diploma,
    "territory": Territory, "tenure": Tenure, "equipment": Equipment,
    "internet_relation": InternetRelation, "intention": Intention,
    "non_connection": NonConnection,
}
# column -> (low, high) for numbers
RANGES = {
    "age": (18, 120), "n_children": (0, 20), "earnings": (0, 1e6), "other_income": (0, 1e6),
    "skill": (0, 1), "income_quintile": (0, 4), "n_helpers": (0, 10_000),
    "counter_rank": (0, 1), "association_rank": (0, 1), "reluctance": (0, 1e6),
    "burden_hours": (0, 1e9),
}
REQUIRED = ("age", "household_type", "n_children", "diploma", "territory", "tenure",
            "earnings", "other_income", "equipment", "home_internet", "skill", "email")
DERIVED = ("age_band", "retired", "income_quintile")
OPTIONAL = tuple(name for name, _, _ in FIELDS if name not in REQUIRED + DERIVED)
BOOL_TRUE, BOOL_FALSE = {"1", "true", "yes"}, {"0", "false", "no"}


def export_csv(h: Households, path: str | Path) -> None:
    """Write every household field; categories as labels, floats round-tripping exactly."""
    buf = io.StringIO()
    names = [name for name, _, _ in FIELDS]
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(names)
    cols = []
    for name, dtype, _ in FIELDS:
        a = getattr(h, name)
        if name in CATEGORIES:
            labels = np.array([m.name for m in CATEGORIES[name]], dtype=object)
            cols.append(labels[a])
        elif dtype == "bool":
            cols.append(np.where(a, "1", "0"))
        elif dtype.startswith("float"):
            cols.append([np.format_float_positional(v, unique=True, trim="-") for v in a])
        else:
            cols.append(a.astype(str))
    for row in zip(*cols):
        w.writerow(row)
    atomic_write(path, buf.getvalue())


def _err(source, msg, column=None, row=None):
    where = []
    if column is not None:  # a column's name, never a value
        where.append(f"column {column!r}")
    if row is not None:
        where.append(f"row {row}")  # the line of the file (blank lines count)
    return ScenarioError(msg, source=source, path=", ".join(where) or None)


def _unknown_column(source: str, header: list[str], position: int) -> ScenarioError:
    """An unknown header cell.  The file's text is never echoed unless it is plainly a
    column name: a first line naming no known column is not a header at all (a file
    without one would show its first household; ``/etc/passwd`` its first account), and
    a cell that does not look like a name is named by its position."""
    if not any(c in KNOWN for c in header):
        return ScenarioError("the first line is not a header naming the population's columns "
                             "(age, household_type, ...: those of `sim population`)", source=source,
                             path="row 1")
    cell = header[position - 1]
    close = difflib.get_close_matches(cell.lower(), sorted(KNOWN), n=1, cutoff=0.75)
    hint = f" (did you mean {close[0]!r}?)" if close else ""
    if _NAME_LIKE.fullmatch(cell):
        return _err(source, f"unknown column{hint}", column=cell, row=1)
    return ScenarioError(f"header cell {position} is not a known column{hint}", source=source,
                         path="row 1")


_NAME_LIKE = re.compile(r"[A-Za-z_][A-Za-z0-9_]{0,31}")


class _Records:
    """CSV records of an open population file with the line each starts on (blank lines
    count, as in an editor); decoding and CSV errors become one line naming that line."""

    def __init__(self, fh, source: str):
        fh.seek(0)
        self.text = io.TextIOWrapper(fh, encoding="utf-8-sig", newline="")
        self.reader = csv.reader(self._lines())
        self.source = source

    def _lines(self):
        # lines are read with a bound: a file of NUL bytes or one endless line is refused
        # at the bound, never read whole into memory first
        n = 0
        while True:
            line = self.text.readline(MAX_LINE + 1)
            if not line:
                return
            n += 1
            if len(line) > MAX_LINE:
                raise _err(self.source, f"a line longer than {MAX_LINE:,} characters", row=n)
            yield line

    def __iter__(self):
        prev = 0
        while True:
            try:
                row = next(self.reader)
            except StopIteration:
                return
            except UnicodeDecodeError:
                raise _err(self.source, f"not UTF-8 text (near row {prev + 1})") from None
            except csv.Error as err:
                raise _err(self.source, f"malformed CSV ({str(err)[:80]})", row=prev + 1) from None
            start, prev = prev + 1, self.reader.line_num
            yield start, row

    def detach(self):
        self.text.detach()  # leave the binary file open for the caller


KNOWN = frozenset(name for name, _, _ in FIELDS)


def read_csv(path: str | Path, n_benefits: int, rng: np.random.Generator,
             pop_params: dict) -> Households:
    """Read and validate a population CSV; draw the optional columns it leaves out.

    The file (a regular file of at most :data:`MAX_BYTES`) is streamed twice: once to
    count and shape-check its rows, so that the budget (:func:`sim.limits.check_population`)
    refuses a file whose households would not fit before any is stored, then to parse
    :data:`CHUNK` rows at a time straight into the household arrays.
    """
    source = str(path)
    old_limit = csv.field_size_limit()
    csv.field_size_limit(MAX_FIELD)
    try:
        with open_regular(path, MAX_BYTES, what="population file") as fh:
            header, n = _scan(fh, source)
            check_population(n, source, n_benefits)
            h = Households(n, n_benefits)
            dtypes = {name: dtype for name, dtype, _ in FIELDS}
            buffer: list[tuple[int, list[str]]] = []
            done = 0
            records = _Records(fh, source)
            it = iter(records)
            next(it)  # the header
            for line, row in it:
                if not any(x.strip() for x in row):
                    continue
                buffer.append((line, row))
                if len(buffer) == CHUNK:
                    done = _store(h, header, dtypes, buffer, done, source)
                    buffer = []
            done = _store(h, header, dtypes, buffer, done, source)
            records.detach()
            if done != n:  # the file changed between the two passes
                raise _err(source, "the file changed while it was read")
    finally:
        csv.field_size_limit(old_limit)
    _complete(h, header, rng, pop_params["reluctance_sigma"])
    if "internet_relation" not in header or "intention" not in header or "non_connection" not in header:
        keep = {c: getattr(h, c).copy() for c in ("internet_relation", "intention", "non_connection")
                if c in header}
        assign_internet_relation(h, pop_params["digital"], rng)
        for c, v in keep.items():
            setattr(h, c, v)
    return h


def count_households(path: str | Path) -> int:
    """Household rows of a population file, streamed (its header and row shapes checked)."""
    old_limit = csv.field_size_limit()
    csv.field_size_limit(MAX_FIELD)
    try:
        with open_regular(path, MAX_BYTES, what="population file") as fh:
            return _scan(fh, str(path))[1]
    finally:
        csv.field_size_limit(old_limit)


def _scan(fh, source: str) -> tuple[list[str], int]:
    """First pass: the checked header and the number of household rows (nothing stored)."""
    records = _Records(fh, source)
    it = iter(records)
    try:
        _, header = next(it)
    except StopIteration:
        raise _err(source, "empty file (expected a header row)") from None
    header = [c.strip() for c in header]
    for i, c in enumerate(header):
        if c not in KNOWN:
            raise _unknown_column(source, header, i + 1)
    seen = set()
    for c in header:
        if c in seen:
            raise _err(source, "duplicate column", column=c, row=1)
        seen.add(c)
    for c in REQUIRED:
        if c not in header:
            raise _err(source, "missing required column", column=c)
    n = 0
    for line, row in it:
        if not any(x.strip() for x in row):
            continue
        if len(row) != len(header):
            raise _err(source, f"expected {len(header)} fields, got {len(row)}", row=line)
        n += 1
        if n > MAX_ROWS:
            raise _err(source, f"more than {MAX_ROWS:,} households")
    records.detach()
    if not n:
        raise _err(source, "no household rows")
    return header, n


def _store(h: Households, header: list[str], dtypes: dict, buffer: list, done: int,
           source: str) -> int:
    """Parse a chunk of rows into the household arrays from index ``done``; the new count."""
    if not buffer:
        return done
    if done + len(buffer) > h.n:
        raise _err(source, "the file changed while it was read")
    lines = [line for line, _ in buffer]
    bad = next((line for line, r in buffer if len(r) != len(header)), None)
    if bad is not None:
        raise _err(source, "the file changed while it was read", row=bad)
    for j, col in enumerate(header):
        values = [r[j].strip() for _, r in buffer]
        getattr(h, col)[done:done + len(buffer)] = _parse(values, col, dtypes[col], source, lines)
    return done + len(buffer)


def _parse(values: list[str], col: str, dtype: str, source: str, lines: list[int]) -> np.ndarray:
    if col in CATEGORIES:
        enum = CATEGORIES[col]
        lookup = {m.name: int(m) for m in enum}
        out = np.empty(len(values), dtype=dtype)
        for i, v in enumerate(values):
            if v not in lookup:
                raise _err(source, f"unknown category (expected one of {', '.join(lookup)})",
                           column=col, row=lines[i])
            out[i] = lookup[v]
        return out
    if dtype == "bool":
        out = np.empty(len(values), dtype=bool)
        for i, v in enumerate(values):
            low = v.lower()
            if low not in BOOL_TRUE | BOOL_FALSE:
                raise _err(source, "expected 0/1 or true/false", column=col, row=lines[i])
            out[i] = low in BOOL_TRUE
        return out
    try:
        arr = np.array(values, dtype=np.float64)
    except ValueError:
        bad = next(i for i, v in enumerate(values) if not _is_number(v))
        raise _err(source, "expected a number", column=col, row=lines[bad]) from None
    bad = np.flatnonzero(~np.isfinite(arr))
    if len(bad):
        raise _err(source, "expected a finite number", column=col, row=lines[int(bad[0])])
    lo, hi = RANGES.get(col, (-np.inf, np.inf))
    bad = np.flatnonzero((arr < lo) | (arr > hi))
    if len(bad):
        raise _err(source, f"out of range [{lo:g}, {hi:g}]", column=col, row=lines[int(bad[0])])
    if dtype.startswith("int"):
        frac = np.flatnonzero(arr != np.floor(arr))
        if len(frac):
            raise _err(source, "expected a whole number", column=col, row=lines[int(frac[0])])
    return arr.astype(dtype)


def _is_number(v: str) -> bool:
    try:
        float(v)
        return True
    except ValueError:
        return False


def _complete(h: Households, header: list[str], rng: np.random.Generator, sigma: float) -> None:
    """Derive age band, retirement and income quintile; draw missing optional columns."""
    if "age_band" not in header:
        edges = np.array([b[0] for b in AGE_BAND_BOUNDS[1:]])
        h.age_band[:] = np.searchsorted(edges, h.age, side="right").astype(np.int8)
    if "retired" not in header:
        h.retired[:] = h.age >= 67
    uc = h.consumption_units()  # the generator's scale (single parents: one adult)
    h.income_edges = np.quantile((h.earnings + h.other_income) / uc, [0.2, 0.4, 0.6, 0.8])
    if "income_quintile" not in header:
        order = np.argsort((h.earnings + h.other_income) / uc, kind="stable")
        q = np.empty(h.n, dtype=np.int8)
        q[order] = (np.arange(h.n) * 5 // h.n).astype(np.int8)
        h.income_quintile[:] = q
    if "reluctance" not in header:
        h.reluctance[:] = np.exp(sigma * rng.standard_normal(h.n))
    if "counter_rank" not in header:
        h.counter_rank[:] = rng.random(h.n)
    if "association_rank" not in header:
        h.association_rank[:] = rng.random(h.n)
