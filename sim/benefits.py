"""Benefits: eligibility, monthly amount and claiming rules (DOMAIN §4).

Amounts and thresholds are monthly euros for the legislation of April 2021
(the vintage of the ``france_2021`` figures).  The eligibility and amount
formulas here are simplified hand-written rules (documented in docs/ODD.md
§7 "Submodels"): a household's resources are its earnings plus other income,
housing and family benefits are ignored.

Each benefit is a small class: ``params`` (a strict parameter tree, see
:mod:`sim.params`) and a vectorised ``amount(pop, p)`` returning euros per
month (0 where not eligible).
"""

from __future__ import annotations

import numpy as np

from .categories import Channel, HouseholdType
from .params import Param

CHANNEL_NAMES = tuple(c.name for c in Channel)


def _claiming(channels, complexity, renewal, delay, email, aware, complexity_src):
    """The claiming-process parameters every benefit has."""
    return {
        "channels": Param(list(channels), kind="strs", choices=CHANNEL_NAMES,
                          doc="routes through which a claim can be lodged"),
        "complexity": Param(complexity, "0-1", 0, 1, complexity_src,
                            doc="skill needed to file alone with even odds"),
        "renewal_months": Param(renewal, "months", 0, 24, "CAF: quarterly declaration (DTR)",
                                kind="int", doc="0 = no periodic renewal"),
        "processing_months": Param(delay, "months", 0, 12, "CAF/CARSAT processing times",
                                   kind="int"),
        "email_required": Param(email, kind="bool", source="CAF e-mail obligation (Mazet 2017)"),
        "awareness_on_entry": Param(aware, "probability", 0, 1,
                                    "assumption; fitted in calibration",
                                    doc="chance that a newly eligible household knows the right"),
    }


def _family_factor(pop, couple_factor, child_factors):
    """Equivalence factor of the RSA / prime d'activité scale (CASF L262-2)."""
    couple = np.isin(pop.household_type, (HouseholdType.couple, HouseholdType.couple_children))
    f = np.where(couple, couple_factor, 1.0).astype(np.float32)
    kids = pop.n_children.astype(np.int32)
    extra = np.where(kids >= 1, child_factors[0], 0.0) + np.where(kids >= 2, child_factors[1], 0.0)
    extra = extra + np.maximum(kids - 2, 0) * child_factors[2]
    return f + extra.astype(np.float32)


class Benefit:
    name: str = ""
    label: str = ""
    params: dict = {}

    def amount(self, pop, p: dict) -> np.ndarray:  # pragma: no cover - interface
        raise NotImplementedError


class PrimeActivite(Benefit):
    """In-work benefit (2016), online-only since its creation, quarterly renewal."""

    name = "prime_activite"
    label = "Prime d'activité"
    params = {
        "base_amount": Param(553.16, "EUR/month", 0, 5000,
                             "CAF barème: PA montant forfaitaire, 1 April 2021"),
        "earnings_share": Param(0.61, "fraction", 0, 1, "CSS L842-3: 61 % of earnings"),
        "bonus_max": Param(160.49, "EUR/month", 0, 1000, "bonification individuelle max, 2021"),
        "bonus_start": Param(595.0, "EUR/month", 0, 5000, "0.5 × SMIC net, 2021"),
        "bonus_full": Param(952.0, "EUR/month", 0, 5000, "0.8 × SMIC net, 2021"),
        "housing_deduction": Param(0.12, "fraction of base", 0, 1,
                                   "forfait logement (12 % single), simplified"),
        "min_payment": Param(15.0, "EUR/month", 0, 100, "PA not paid under 15 EUR"),
        **_claiming(["online_alone", "online_relative", "counter", "social_services",
                     "association"], 0.35, 3, 1, False, 0.55,
                    "assumption: short online form (CNAF)"),
    }

    def amount(self, pop, p):
        f = _family_factor(pop, 1.5, (0.3, 0.3, 0.4))
        e = pop.earnings
        ramp = np.clip((e - p["bonus_start"]) / max(p["bonus_full"] - p["bonus_start"], 1.0), 0, 1)
        bonus = p["bonus_max"] * ramp
        # resources: all earnings + other income, against the scale + 61 % of earnings
        base = p["base_amount"] * f * (1.0 - p["housing_deduction"])
        amt = base + p["earnings_share"] * e + bonus - (e + pop.other_income)
        amt = np.minimum(amt, p["base_amount"] * f + bonus)
        ok = (e > 0) & (pop.age >= 18) & (amt >= p["min_payment"])
        return np.where(ok, amt, 0.0).astype(np.float32)


class RSA(Benefit):
    """Minimum income (RSA socle), quarterly declaration of resources."""

    name = "rsa"
    label = "RSA"
    params = {
        "base_amount": Param(565.34, "EUR/month", 0, 5000, "RSA montant forfaitaire, 1 April 2021"),
        "housing_deduction": Param(0.12, "fraction of base", 0, 1,
                                   "forfait logement (12 % single), simplified"),
        "min_age": Param(25, "years", 18, 65, "CASF L262-4 (under 25: only parents)", kind="int"),
        "min_payment": Param(6.0, "EUR/month", 0, 100, "RSA not paid under 6 EUR"),
        **_claiming(["online_alone", "online_relative", "counter", "social_services",
                     "association"], 0.5, 3, 1, False, 0.65,
                    "assumption: long form, many documents"),
    }

    def amount(self, pop, p):
        f = _family_factor(pop, 1.5, (0.3, 0.3, 0.4))
        base = p["base_amount"] * f * (1.0 - p["housing_deduction"])
        amt = base - (pop.earnings + pop.other_income)
        parent = pop.n_children > 0
        ok = ((pop.age >= p["min_age"]) | parent) & (pop.age < 65) & ~pop.retired
        ok &= amt >= p["min_payment"]
        return np.where(ok, amt, 0.0).astype(np.float32)


class ASPA(Benefit):
    """Allocation de solidarité aux personnes âgées (minimum vieillesse): paper file."""

    name = "aspa"
    label = "ASPA (minimum vieillesse)"
    params = {
        "ceiling_single": Param(906.81, "EUR/month", 0, 5000, "ASPA plafond personne seule, 2021"),
        "ceiling_couple": Param(1407.82, "EUR/month", 0, 5000, "ASPA plafond couple, 2021"),
        "min_age": Param(65, "years", 55, 80, "CSS L815-1", kind="int"),
        "min_payment": Param(1.0, "EUR/month", 0, 100, "assumption"),
        **_claiming(["counter", "phone", "social_services", "association"], 0.6, 0, 3, False,
                    0.45, "assumption: paper file, proofs of all resources"),
    }

    def amount(self, pop, p):
        couple = np.isin(pop.household_type, (HouseholdType.couple, HouseholdType.couple_children))
        ceiling = np.where(couple, p["ceiling_couple"], p["ceiling_single"])
        amt = ceiling - (pop.earnings + pop.other_income)
        ok = (pop.age >= p["min_age"]) & (amt >= p["min_payment"])
        return np.where(ok, amt, 0.0).astype(np.float32)


REGISTRY: dict[str, Benefit] = {b.name: b for b in (PrimeActivite(), RSA(), ASPA())}
