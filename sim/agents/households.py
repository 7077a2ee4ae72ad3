"""Households as a struct of arrays.

Every household attribute of DOMAIN §2 is declared once in :data:`FIELDS`
with its dtype and meaning; per-benefit claim state lives in :data:`CLAIM_FIELDS`
with shape ``(n_benefits, n_households)``.  The class body declares the same
names as typed attributes, so that IDEs and type checkers see them (a test
checks that the two lists agree).  The engine never loops over households:
every rule reads and writes these arrays.
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
    ("income_quintile", "int8", "quintile of current income per consumption unit, 0 = poorest"),
    ("other_benefit", "bool", "receives a CAF benefit the model does not simulate (family or "
                              "housing benefit): in regular contact with the agency"),
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
    ("reluctance", "float32", "idiosyncratic weight of the psychological cost of claiming "
                              "(multiplier, median 1; the traits' part is computed)"),
    ("has_safe", "bool", "holds a digital document safe"),
    ("trained", "bool", "followed a digital training"),
    ("dependent", "bool", "last filing was done for the household by someone else"),
    ("credentials_holder", "int8", "Holder code: who keeps the household's access codes"),
    ("burden_hours", "float32", "cumulative hours spent on claims"),
)

CLAIM_FIELDS: tuple[tuple[str, str, str], ...] = (
    ("amount", "float32", "monthly entitlement (EUR/month), 0 = not eligible"),
    ("knows", "bool", "knows that the benefit exists"),
    ("aware", "bool", "knows the benefit and believes to be eligible"),
    ("not_proposed", "bool", "was in contact with a service that did not propose the right"),
    ("state", "int8", "ClaimState code"),
    ("channel", "int8", "Channel of the last attempt (where a queued claim waits), -1 = none"),
    ("failures", "int8", "failed attempts in the current spell"),
    ("failed_channel", "int8", "Channel of the last failed attempt, -1 = none (route memory)"),
    ("fail_reason", "int8", "FailReason of the last failed attempt while its follow-up is "
                            "pending (0: followed up)"),
    ("failed_months", "int8", "months since that failed attempt, while its follow-up is pending"),
    ("timer", "int16", "months left: processing, renewal, or give-up spell"),
    ("incomplete", "bool", "the lodged file misses a document"),
    ("months_waiting", "int16", "months spent in a queue in the current spell"),
    ("months_without", "int16", "consecutive months eligible and not receiving"),
    ("ever_received", "bool", "has received this benefit before"),
    ("demand_reason", "int8", "DemandReason of an aware non-claimant (this month's decision)"),
)


class Households:
    """Declared numpy fields for ``n`` households and ``n_benefits`` benefits.

    Household fields have shape ``(n,)``; claim fields ``(n_benefits, n)``.
    """

    # -- household fields (n,), dtypes in FIELDS --------------------------------------
    age: np.ndarray
    age_band: np.ndarray
    retired: np.ndarray
    household_type: np.ndarray
    n_children: np.ndarray
    diploma: np.ndarray
    territory: np.ndarray
    tenure: np.ndarray
    earnings: np.ndarray
    other_income: np.ndarray
    income_quintile: np.ndarray
    other_benefit: np.ndarray
    equipment: np.ndarray
    home_internet: np.ndarray
    skill: np.ndarray
    email: np.ndarray
    internet_relation: np.ndarray
    intention: np.ndarray
    non_connection: np.ndarray
    n_helpers: np.ndarray
    counter_rank: np.ndarray
    association_rank: np.ndarray
    reluctance: np.ndarray
    has_safe: np.ndarray
    trained: np.ndarray
    dependent: np.ndarray
    credentials_holder: np.ndarray
    burden_hours: np.ndarray
    # -- claim fields (n_benefits, n), dtypes in CLAIM_FIELDS ---------------------------
    amount: np.ndarray
    knows: np.ndarray
    aware: np.ndarray
    not_proposed: np.ndarray
    state: np.ndarray
    channel: np.ndarray
    failures: np.ndarray
    failed_channel: np.ndarray
    fail_reason: np.ndarray
    failed_months: np.ndarray
    timer: np.ndarray
    incomplete: np.ndarray
    months_waiting: np.ndarray
    months_without: np.ndarray
    ever_received: np.ndarray
    demand_reason: np.ndarray

    def __init__(self, n: int, n_benefits: int):
        self.n = int(n)
        self.n_benefits = int(n_benefits)
        for name, dtype, _ in FIELDS:
            setattr(self, name, np.zeros(self.n, dtype=dtype))
        for name, dtype, _ in CLAIM_FIELDS:
            setattr(self, name, np.zeros((self.n_benefits, self.n), dtype=dtype))
        self.channel[:] = -1
        self.failed_channel[:] = -1
        # quintile cut points of income per consumption unit (set by the generator / import)
        self.income_edges = np.zeros(4)

    @property
    def eligible(self) -> np.ndarray:
        return self.amount > 0

    @property
    def credentials_held(self) -> np.ndarray:
        """(n,) bool: an intermediary keeps the household's access codes."""
        return self.credentials_holder > 0

    def consumption_units(self, idx: np.ndarray | None = None) -> np.ndarray:
        """OECD-modified consumption units (1 + 0.5 per other adult + 0.3 per child)."""
        ht = self.household_type if idx is None else self.household_type.take(idx)
        kids = self.n_children if idx is None else self.n_children.take(idx)
        return 1.0 + 0.5 * ((ht == 1) | (ht == 3)) + 0.3 * kids

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
