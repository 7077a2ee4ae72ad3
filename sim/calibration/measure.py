"""Model quantities that calibration targets constrain, and the check of a preset.

Population quantities are read from the households at month 0 (after the help
network is built); process quantities (non-take-up) from full runs; patterns
from paired runs.  Definitions the model needs beyond its state:

- *illectronism*: no internet use (no equipment) or skill below
  :data:`ILLECTRONISM_SKILL` (INSEE: lacking at least one basic skill area);
- *online_admin_capable*: equipped with skill at least 0.5 (``process.autonomy_skill``'s default);
- *finds_online_difficult*: not equipped, or skill below :data:`DIFFICULT_SKILL`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from ..categories import (AgeBand, ClaimState, Diploma, Equipment, HouseholdType,
                          NonConnection, Tenure, Territory)
from ..params import ScenarioError

ILLECTRONISM_SKILL = 0.3
ADMIN_SKILL = 0.5
DIFFICULT_SKILL = 0.75

POPULATION_QUANTITIES = {
    "home_internet": lambda h: h.home_internet,
    "no_home_internet": lambda h: ~h.home_internet,
    "no_internet_use": lambda h: h.equipment == Equipment.none,
    "no_equipment_at_all": lambda h: h.equipment == Equipment.none,
    "illectronism": lambda h: (h.equipment == Equipment.none) | (h.skill < ILLECTRONISM_SKILL),
    "online_admin_capable": lambda h: (h.equipment > Equipment.none) & (h.skill >= ADMIN_SKILL),
    "finds_online_difficult": lambda h: (h.equipment == Equipment.none) | (h.skill < DIFFICULT_SKILL),
}
REASONS = {"nonuser_reason_useless": NonConnection.useless,
           "nonuser_reason_data_fear": NonConnection.data_fear,
           "nonuser_reason_competence": NonConnection.competence,
           "nonuser_reason_money": NonConnection.money}
LABELS = {"age_band": AgeBand, "diploma": Diploma, "territory": Territory,
          "household_type": HouseholdType, "tenure": Tenure}


def group_mask(h, spec: dict | None, model=None) -> np.ndarray:
    """Boolean mask of households matching a target's ``filter``.

    ``receiving`` / ``not_receiving`` (a benefit name) need the ``model``.
    """
    mask = np.ones(h.n, dtype=bool)
    for key, value in (spec or {}).items():
        if key in ("receiving", "not_receiving"):
            b = model.benefit_index.get(value) if model is not None else None
            if b is None:
                raise ScenarioError(f"benefit {value!r} is not simulated", path=f"filter.{key}")
            rec = h.state[b] == ClaimState.receiving
            mask &= rec if key == "receiving" else ~rec
        elif key == "other_benefit":
            mask &= h.other_benefit == bool(value)
        elif key == "with_children":
            mask &= (h.n_children > 0) == bool(value)
        elif key == "age_min":
            mask &= h.age >= value
        elif key == "retired":
            mask &= h.retired == bool(value)
        elif key == "income_below":
            mask &= (h.earnings + h.other_income) < value
        elif key == "income_quintile":
            qs = value if isinstance(value, list) else [value]
            mask &= np.isin(h.income_quintile, [int(q[1:]) - 1 for q in qs])
        elif key in LABELS:
            vals = value if isinstance(value, list) else [value]
            mask &= np.isin(getattr(h, key), [int(LABELS[key][v]) for v in vals])
        else:
            raise ScenarioError(f"unknown filter {key!r}", path="filter")
    return mask


def population_value(h, quantity: str, spec: dict | None) -> float:
    mask = group_mask(h, spec)
    if quantity in REASONS:
        nonuser = mask & (h.equipment == Equipment.none)
        return _share(h.non_connection[nonuser] == REASONS[quantity])
    return _share(POPULATION_QUANTITIES[quantity](h)[mask])


def _share(x: np.ndarray) -> float:
    return float(x.mean()) if len(x) else float("nan")


@dataclass
class Row:
    id: str
    description: str
    target: float
    kind: str
    tolerance: float | None
    model: float | None
    ci95: tuple[float | None, float | None]
    status: str  # pass / fail / not expressible / other vintage
    reason: str
    source: str
    year: int


def evaluate(target: dict, values: list[float]) -> tuple[str, str]:
    """pass/fail of a target given model values over seeds."""
    mean = float(np.mean(values))
    kind, value, tol = target["kind"], target["value"], target.get("tolerance", 0.0)
    if math.isnan(mean):
        return "fail", "the model has no household in this group"
    if kind == "share":
        ok = abs(mean - value) <= tol
        return ("pass" if ok else "fail"), f"|{mean:.3f} - {value:.3f}| {'<=' if ok else '>'} {tol}"
    if kind == "at_most":
        return ("pass" if mean <= value + tol else "fail"), f"{mean:.3f} vs at most {value}"
    if kind in ("relative_risk_at_least", "ratio_of_ratios_at_least"):
        return ("pass" if mean >= value else "fail"), f"{mean:.2f} vs at least {value}"
    if kind == "relative_risk":
        ok = value / tol <= mean <= value * tol
        return ("pass" if ok else "fail"), f"{mean:.2f} vs {value} within ×/÷{tol}"
    if kind == "pattern":
        return ("pass" if mean > 0 else "fail"), "paired difference above 2 standard errors" \
            if mean > 0 else "no significant effect"
    if kind == "at_least":
        return ("pass" if mean >= value - tol else "fail"), f"{mean:.3f} vs at least {value}"
    raise ScenarioError(f"unknown target kind {kind!r}", path=f"{target['id']}.kind")
