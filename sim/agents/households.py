"""Households as a struct of arrays.

Every household attribute of DOMAIN §2 is declared once in :data:`FIELDS`
with its dtype and meaning; per-benefit claim state lives in :data:`CLAIM_FIELDS`
with shape ``(n_benefits, n_households)``.  The engine never loops over
households: every rule reads and writes these arrays.
"""

from __future__ import annotations

import numpy as np

# name, dtype, meaning (unit)
FIELDS: tuple[tuple[str, str, str], ...] = (
    ("age", "int16", "age of the reference person (years)"),
    ("age_band", "int8", "AgeBand code"),
    ("retired", "bool", "reference person is retired"),
    ("household_type", "int8", "HouseholdType code"),
    ("n_children", "int8", "dependent children"),
    ("diploma", "int8", "Diploma code"),
    ("territory", "int8", "Territory code"),
    ("tenure", "int8", "Tenure code (owner, private renter, social renter)"),
    ("earnings", "float32", "earnings from work (EUR/month)"),
    ("other_income", "float32", "pensions, unemployment benefit (EUR/month)"),
    ("income_quintile", "int8", "quintile of initial income, 0 = poorest"),
    ("equipment", "int8", "Equipment code"),
    ("home_internet", "bool", "home internet subscription"),
    ("skill", "float32", "digital-administrative skill (0-1)"),
    ("email", "bool", "has an e-mail address"),
    ("internet_relation", "int8", "InternetRelation code"),
    ("intention", "int8", "Intention code (non-users)"),
    ("non_connection", "int8", "NonConnection reason (non-users)"),
    ("n_helpers", "int16", "connected relatives who can help"),
    ("counter_rank", "float32", "position of the nearest counter in closure order (0-1)"),
    ("association_rank", "float32", "position in the mediation-point coverage order (0-1)"),
    ("reluctance", "float32", "personal weight of stigma and distrust (multiplier, median 1)"),
    ("has_safe", "bool", "holds a digital document safe"),
    ("trained", "bool", "followed a digital training"),
    ("dependent", "bool", "last filing was done for the household by someone else"),
    ("credentials_held", "bool", "an intermediary keeps the household's access codes"),
    ("burden_hours", "float32", "cumulative hours spent on claims"),
)

CLAIM_FIELDS: tuple[tuple[str, str, str], ...] = (
    ("amount", "float32", "monthly entitlement (EUR/month), 0 = not eligible"),
    ("aware", "bool", "knows the right"),
    ("not_proposed", "bool", "was in contact with a saturated service and not told"),
    ("state", "int8", "ClaimState code"),
    ("channel", "int8", "Channel of the last attempt, -1 = none"),
    ("failures", "int8", "failed attempts in the current spell"),
    ("timer", "int16", "months left: processing, renewal, or give-up spell"),
    ("incomplete", "bool", "the lodged file misses a document"),
    ("months_waiting", "int16", "months spent in a queue in the current spell"),
    ("months_without", "int16", "consecutive months eligible and not receiving"),
)


class Households:
    """Declared numpy fields for ``n`` households and ``n_benefits`` benefits."""

    def __init__(self, n: int, n_benefits: int):
        self.n = int(n)
        self.n_benefits = int(n_benefits)
        for name, dtype, _ in FIELDS:
            setattr(self, name, np.zeros(self.n, dtype=dtype))
        for name, dtype, _ in CLAIM_FIELDS:
            setattr(self, name, np.zeros((self.n_benefits, self.n), dtype=dtype))
        self.channel[:] = -1
        # quintile cut points of income per consumption unit (set by the generator / import)
        self.income_edges = np.zeros(4)

    @property
    def eligible(self) -> np.ndarray:
        return self.amount > 0

    def flat(self, name: str) -> np.ndarray:
        """Writable 1-D view of a per-benefit field: pair (b, i) is element ``b * n + i``."""
        return np.reshape(getattr(self, name), -1, copy=False)  # raises rather than copy

    def columns(self) -> dict[str, np.ndarray]:
        """Household fields as a dict (for export and population import)."""
        return {name: getattr(self, name) for name, _, _ in FIELDS}

    def copy(self) -> "Households":
        out = Households.__new__(Households)
        out.n, out.n_benefits = self.n, self.n_benefits
        for name, _, _ in FIELDS + CLAIM_FIELDS:
            setattr(out, name, getattr(self, name).copy())
        out.income_edges = self.income_edges.copy()
        return out

    def nbytes(self) -> int:
        return sum(getattr(self, name).nbytes for name, _, _ in FIELDS + CLAIM_FIELDS)
