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
import io
from pathlib import Path

import numpy as np

from ..categories import (AgeBand, Diploma, Equipment, HouseholdType, Intention,
                          InternetRelation, NonConnection, Territory, Tenure)
from ..io import atomic_write
from ..params import ScenarioError
from .households import FIELDS, Households

MAX_ROWS = 50_000_000
MAX_BYTES = 4 * 1024**3

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
    if column is not None:  # a header is named, cut short: it may be a whole misparsed line
        where.append(f"column {column[:32] + '...' if len(column) > 32 else column!r}")
    if row is not None:
        where.append(f"row {row}")
    return ScenarioError(msg, source=source, path=", ".join(where) or None)


def read_csv(path: str | Path, n_benefits: int, rng: np.random.Generator,
             pop_params: dict) -> Households:
    """Read and validate a population CSV; draw the optional columns it leaves out."""
    from .population import assign_internet_relation
    source = str(path)
    p = Path(path)
    try:
        size = p.stat().st_size
        if size > MAX_BYTES:
            raise _err(source, f"file larger than {MAX_BYTES} bytes")
        raw = p.read_bytes()
    except FileNotFoundError:
        raise _err(source, "no such population file") from None
    except OSError as err:
        raise _err(source, f"cannot read ({err.strerror})") from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise _err(source, "not UTF-8 text") from None
    reader = csv.reader(io.StringIO(text))
    try:
        header = next(reader)
    except StopIteration:
        raise _err(source, "empty file (expected a header row)") from None
    except csv.Error:
        raise _err(source, "not a CSV file", row=1) from None
    header = [c.strip() for c in header]
    known = {name for name, _, _ in FIELDS}
    for c in header:
        if c not in known:
            raise _err(source, "unknown column", column=c, row=1)
    if len(set(header)) != len(header):
        raise _err(source, "duplicate column", row=1)
    for c in REQUIRED:
        if c not in header:
            raise _err(source, "missing required column", column=c)
    try:
        rows = list(reader)
    except csv.Error as err:
        raise _err(source, f"malformed CSV ({err})", row=reader.line_num) from None
    rows = [r for r in rows if any(x.strip() for x in r)]
    if not rows:
        raise _err(source, "no household rows")
    if len(rows) > MAX_ROWS:
        raise _err(source, f"more than {MAX_ROWS} households")
    for i, r in enumerate(rows):
        if len(r) != len(header):
            raise _err(source, f"expected {len(header)} fields, got {len(r)}", row=i + 2)
    n = len(rows)
    h = Households(n, n_benefits)
    dtypes = {name: dtype for name, dtype, _ in FIELDS}
    for j, col in enumerate(header):
        values = [r[j].strip() for r in rows]
        setattr(h, col, _parse(values, col, dtypes[col], source))
    _complete(h, header, rng, pop_params["reluctance_sigma"])
    if "internet_relation" not in header or "intention" not in header or "non_connection" not in header:
        keep = {c: getattr(h, c).copy() for c in ("internet_relation", "intention", "non_connection")
                if c in header}
        assign_internet_relation(h, pop_params["digital"], rng)
        for c, v in keep.items():
            setattr(h, c, v)
    return h


def _parse(values: list[str], col: str, dtype: str, source: str) -> np.ndarray:
    if col in CATEGORIES:
        enum = CATEGORIES[col]
        lookup = {m.name: int(m) for m in enum}
        out = np.empty(len(values), dtype=dtype)
        for i, v in enumerate(values):
            if v not in lookup:
                raise _err(source, f"unknown category (expected one of {', '.join(lookup)})",
                           column=col, row=i + 2)
            out[i] = lookup[v]
        return out
    if dtype == "bool":
        out = np.empty(len(values), dtype=bool)
        for i, v in enumerate(values):
            low = v.lower()
            if low not in BOOL_TRUE | BOOL_FALSE:
                raise _err(source, "expected 0/1 or true/false", column=col, row=i + 2)
            out[i] = low in BOOL_TRUE
        return out
    try:
        arr = np.array(values, dtype=np.float64)
    except ValueError:
        bad = next(i for i, v in enumerate(values) if not _is_number(v))
        raise _err(source, "expected a number", column=col, row=bad + 2) from None
    bad = np.flatnonzero(~np.isfinite(arr))
    if len(bad):
        raise _err(source, "expected a finite number", column=col, row=int(bad[0]) + 2)
    lo, hi = RANGES.get(col, (-np.inf, np.inf))
    bad = np.flatnonzero((arr < lo) | (arr > hi))
    if len(bad):
        raise _err(source, f"out of range [{lo:g}, {hi:g}]", column=col, row=int(bad[0]) + 2)
    if dtype.startswith("int"):
        frac = np.flatnonzero(arr != np.floor(arr))
        if len(frac):
            raise _err(source, "expected a whole number", column=col, row=int(frac[0]) + 2)
    return arr.astype(dtype)


def _is_number(v: str) -> bool:
    try:
        float(v)
        return True
    except ValueError:
        return False


def _complete(h: Households, header: list[str], rng: np.random.Generator, sigma: float) -> None:
    """Derive age band, retirement and income quintile; draw missing optional columns."""
    from ..categories import AGE_BAND_BOUNDS
    if "age_band" not in header:
        edges = np.array([b[0] for b in AGE_BAND_BOUNDS[1:]])
        h.age_band[:] = np.searchsorted(edges, h.age, side="right").astype(np.int8)
    if "retired" not in header:
        h.retired[:] = h.age >= 67
    uc = 1.0 + 0.5 * (h.household_type != HouseholdType.alone) + 0.3 * h.n_children
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
