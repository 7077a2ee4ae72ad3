"""Benefit amounts read from tables computed offline with OpenFisca-France.

The tables (``sim/data/benefit_tables_<YYYY-MM>.csv``) hold the monthly amount
of each benefit for a grid of household types x monthly net earnings x monthly
other income, one file per legislation month; ``sim/data/benefit_tables.json``
records their provenance (OpenFisca versions, grid, sha256).  They are written
by ``tools/benefit_tables/generate.py`` (``make benefit-tables``) in a separate
environment: the simulator never imports OpenFisca.  See docs/benefit_rules.md.

A household's amount is interpolated bilinearly in (earnings, other income)
within its household type, vectorised over households; amounts below the
legal minimum payment of that legislation are not paid (0).  Outside the grid
the nearest edge is used (the generator checks that every amount is 0 on the
upper edges).

Household type = (couple, children 0-3, age band of the reference person,
tenure), coded ``((couple * 4 + children) * 3 + age_band) * 3 + tenure``.
"""

from __future__ import annotations

import functools
import hashlib
import json
import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from .categories import HouseholdType
from .params import ScenarioError

DATA = Path(__file__).resolve().parent / "data"
PROVENANCE_FILE = DATA / "benefit_tables.json"
DEFAULT_LEGISLATION = "2021-04"
BENEFITS = ("prime_activite", "rsa", "aspa", "housing_benefit")
N_CHILDREN = 4  # 0, 1, 2, 3 or more
N_AGE_BANDS = 3
N_TENURES = 3
N_TYPES = 2 * N_CHILDREN * N_AGE_BANDS * N_TENURES
KEY_COLUMNS = ("couple", "children", "age_band", "tenure", "earnings", "other_income")
_DATE = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")


@functools.lru_cache(maxsize=1)
def provenance() -> dict:
    """The provenance record of the committed tables (versions, grid, hashes)."""
    return json.loads(PROVENANCE_FILE.read_text(encoding="utf-8"))


def legislations() -> tuple[str, ...]:
    """Legislation months (``YYYY-MM``) for which tables exist."""
    return tuple(sorted(provenance()["legislations"]))


def check_legislation(date: object) -> str:
    """Return ``date`` if tables exist for it, else raise :class:`ScenarioError` on ``legislation``."""
    if not isinstance(date, str) or not _DATE.match(date):
        raise ScenarioError(f"expected a month YYYY-MM, got {date!r}", path="legislation")
    if date not in provenance()["legislations"]:
        raise ScenarioError(f"no benefit table for {date} (available: {', '.join(legislations())}; "
                            "docs/benefit_rules.md says how to compute one)", path="legislation")
    return date


@dataclass(frozen=True)
class Schedule:
    """One benefit's amounts under one legislation.

    values: float32 array (N_TYPES, len(earnings), len(other_income)), EUR/month
    at the grid nodes; earnings and other_income: increasing node coordinates (EUR/month).
    """

    benefit: str
    legislation: str
    earnings: np.ndarray
    other_income: np.ndarray
    values: np.ndarray
    min_payment: float

    def weights(self, earnings: np.ndarray, other_income: np.ndarray) -> tuple:
        """Cell and interpolation weights of these incomes on this schedule's grid
        (shared by every schedule of the same grid: see :func:`amounts`)."""
        ex, ox = self.earnings, self.other_income
        e = np.clip(np.asarray(earnings, dtype=np.float64), ex[0], ex[-1])
        o = np.clip(np.asarray(other_income, dtype=np.float64), ox[0], ox[-1])
        i = np.minimum(np.searchsorted(ex, e, side="right") - 1, len(ex) - 2)
        j = np.minimum(np.searchsorted(ox, o, side="right") - 1, len(ox) - 2)
        t = (e - ex[i]) / (ex[i + 1] - ex[i])
        u = (o - ox[j]) / (ox[j + 1] - ox[j])
        return i, j, t, u

    def at(self, type_code: np.ndarray, earnings: np.ndarray, other_income: np.ndarray,
           weights: tuple | None = None) -> np.ndarray:
        """Amounts (float32 EUR/month) for households of ``type_code`` with these incomes (1-d arrays).

        ``weights``: :meth:`weights` of these incomes, if already computed on this grid.
        """
        i, j, t, u = self.weights(earnings, other_income) if weights is None else weights
        flat = self.values.reshape(-1)
        no = len(self.other_income)
        k = (np.asarray(type_code, dtype=np.int64) * len(self.earnings) + i) * no + j
        v00, v01 = flat[k], flat[k + 1]
        v10, v11 = flat[k + no], flat[k + no + 1]
        amt = (1.0 - t) * ((1.0 - u) * v00 + u * v01) + t * ((1.0 - u) * v10 + u * v11)
        amt = np.where(amt >= max(self.min_payment, 0.005), amt, 0.0)
        return amt.astype(np.float32)


_COUPLE = np.zeros(max(HouseholdType) + 1, dtype=np.int64)
_COUPLE[[HouseholdType.couple, HouseholdType.couple_children]] = 1


@functools.cache
def _age_bounds() -> np.ndarray:
    """Lower bounds of the tables' age bands after the first (years)."""
    return np.asarray([b["lo"] for b in provenance()["grid"]["age_bands"]][1:])


def type_codes(pop) -> np.ndarray:
    """Household-type code of each household of ``pop`` (Households or a view of some)."""
    couple = _COUPLE[pop.household_type]
    kids = np.clip(pop.n_children.astype(np.int64), 0, N_CHILDREN - 1)
    band = np.searchsorted(_age_bounds(), pop.age, side="right")
    tenure = np.clip(pop.tenure.astype(np.int64), 0, N_TENURES - 1)
    return ((couple * N_CHILDREN + kids) * N_AGE_BANDS + band) * N_TENURES + tenure


@functools.lru_cache(maxsize=None)
def _load(legislation: str) -> dict[str, Schedule]:
    prov = provenance()
    entry = prov["legislations"][legislation]
    path = DATA / entry["file"]
    blob = path.read_bytes()
    if hashlib.sha256(blob).hexdigest() != entry["sha256"]:
        raise RuntimeError(f"{path} does not match its sha256 in {PROVENANCE_FILE.name}: "
                           "regenerate with `make benefit-tables`")
    header = blob[: blob.index(b"\n")].decode().split(",")
    if tuple(header[: len(KEY_COLUMNS)]) != KEY_COLUMNS:
        raise RuntimeError(f"{path}: unexpected columns {header}")
    rows = np.loadtxt(path, delimiter=",", skiprows=1, dtype=np.float64, ndmin=2)
    ex = np.asarray(entry["earnings"], dtype=np.float64)  # per legislation: its bonus kinks are nodes
    ox = np.asarray(prov["grid"]["other_income"], dtype=np.float64)
    couple, kids, band, tenure = (rows[:, c].astype(np.int64) for c in range(4))
    code = ((couple * N_CHILDREN + kids) * N_AGE_BANDS + band) * N_TENURES + tenure
    i = np.searchsorted(ex, rows[:, 4])
    j = np.searchsorted(ox, rows[:, 5])
    if not (np.array_equal(ex[i], rows[:, 4]) and np.array_equal(ox[j], rows[:, 5])):
        raise RuntimeError(f"{path}: incomes off the grid of {PROVENANCE_FILE.name}")
    out = {}
    for col, name in enumerate(header[len(KEY_COLUMNS):], start=len(KEY_COLUMNS)):
        values = np.zeros((N_TYPES, len(ex), len(ox)), dtype=np.float32)
        values[code, i, j] = rows[:, col]
        values.setflags(write=False)
        out[name] = Schedule(name, legislation, ex, ox, values, float(entry["min_payment"][name]))
    return out


def schedule(benefit: str, legislation: str = DEFAULT_LEGISLATION) -> Schedule:
    """The :class:`Schedule` of ``benefit`` under ``legislation`` (loaded once per process)."""
    return _load(check_legislation(legislation))[benefit]


def amount(benefit: str, legislation: str, pop) -> np.ndarray:
    """Monthly amount (float32 EUR) of ``benefit`` for every household of ``pop``; 0 = not eligible."""
    sched = schedule(benefit, legislation)
    return sched.at(type_codes(pop), pop.earnings, pop.other_income)


def amounts(benefits: list[tuple[str, str]], pop) -> list[np.ndarray]:
    """:func:`amount` of each (benefit, legislation) for the households of ``pop``.

    The household-type codes are computed once, and the interpolation weights once
    per income grid (the benefits of one legislation share it): the same numbers as
    one :func:`amount` call per benefit, for about a third of the work.
    """
    codes = type_codes(pop)
    shared: dict[tuple[int, int], tuple] = {}
    out = []
    for name, legislation in benefits:
        sched = schedule(name, legislation)
        grid = (id(sched.earnings), id(sched.other_income))
        if grid not in shared:
            shared[grid] = sched.weights(pop.earnings, pop.other_income)
        out.append(sched.at(codes, pop.earnings, pop.other_income, weights=shared[grid]))
    return out
