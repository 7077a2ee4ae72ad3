"""Synthetic population generator.

Builds households from a few interpretable parameters (``population`` section
of a scenario, see :mod:`sim.defaults`): age, household type, diploma, income
and territory are drawn from marginal and conditional shares; equipment, home
internet, skill and e-mail follow from one latent *digital propensity*

    z = intercept + age[band] + diploma[d] + income_quintile * (q - 2)
        + alone * [lives alone] + territory[t] + noise_sd * N(0, 1)

so that the links equipment/skill/isolation <- age, diploma, income, household
type of DOMAIN §2 hold by construction.  All draws come from the generator
passed in; no global RNG.
"""

from __future__ import annotations

import numpy as np

from ..categories import (AGE_BAND_BOUNDS, Diploma, Equipment, HouseholdType, Intention,
                          InternetRelation, NonConnection)
from .households import Households


def _logistic(x):
    return 1.0 / (1.0 + np.exp(-x))


def _pick(rng, probs: np.ndarray, n: int) -> np.ndarray:
    """``n`` categorical draws from the probabilities ``probs`` (the same for every draw):
    the number of cumulative probabilities at or below a scaled uniform."""
    cum = np.cumsum(probs)
    u = rng.random(n) * cum[-1]
    return np.searchsorted(cum, u, side="right").astype(np.int8)


def _choice(rng, probs, n: int) -> np.ndarray:
    """``rng.choice(len(probs), size=n, p=probs)`` as int8, without its checks: the same
    draws (numpy's own method: a search of one uniform per draw in the normalised
    cumulative probabilities), for a fraction of the fixed cost on small ``n``."""
    cdf = np.cumsum(np.asarray(probs, dtype=np.float64))
    cdf /= cdf[-1]
    return np.searchsorted(cdf, rng.random(n), side="right").astype(np.int8)


CHILDREN_SHARES = np.array([0.45, 0.40, 0.15])  # 1, 2, 3 children (French family sizes, rounded)
_IS_COUPLE = np.zeros(max(HouseholdType) + 1, dtype=bool)
_IS_COUPLE[[HouseholdType.couple, HouseholdType.couple_children]] = True


def generate(p: dict, n: int, n_benefits: int, rng: np.random.Generator,
             income_edges: np.ndarray | None = None) -> Households:
    """Draw ``n`` households from population parameters ``p`` (a checked dict).

    ``income_edges``: quintile cut points of income per consumption unit; by default
    they are the drawn households' own (stored as ``h.income_edges``).
    """
    h = Households(n, n_benefits)
    # -- demography -----------------------------------------------------------
    band = _choice(rng, p["age_shares"], n)
    lo = np.array([b[0] for b in AGE_BAND_BOUNDS])[band]
    hi = np.array([b[1] for b in AGE_BAND_BOUNDS])[band]
    h.age_band[:] = band
    h.age[:] = lo + np.floor(rng.random(n) * (hi - lo + 1)).astype(np.int16)
    h.retired[:] = rng.random(n) < np.asarray(p["retired_by_age"])[band]
    h.retired |= h.age >= 67  # full-rate retirement age

    alone = rng.random(n) < np.asarray(p["alone_by_age"])[band]
    kids = ~alone & (rng.random(n) < np.asarray(p["children_by_age"])[band])
    single_parent = kids & (rng.random(n) < p["single_parent_share"])
    htype = np.full(n, HouseholdType.couple, dtype=np.int8)
    htype[alone] = HouseholdType.alone
    htype[kids] = HouseholdType.couple_children
    htype[single_parent] = HouseholdType.single_parent
    h.household_type[:] = htype
    # 1 to 3 children, French family size distribution (rounded: 45/40/15 %)
    h.n_children[:] = np.where(kids, 1 + _pick(rng, CHILDREN_SHARES, n), 0)

    none_p = np.asarray(p["diploma_none_by_age"])[band]
    higher_p = np.asarray(p["diploma_higher_by_age"])[band]
    u = rng.random(n)
    dip = np.full(n, Diploma.secondary, dtype=np.int8)
    dip[u < none_p] = Diploma.none
    dip[u >= 1.0 - higher_p] = Diploma.higher
    h.diploma[:] = dip
    h.territory[:] = _choice(rng, p["territory_shares"], n)

    # -- income -----------------------------------------------------------------
    draw_income(h, p, rng, np.arange(n))
    total = h.earnings + h.other_income
    # quintile of income per consumption unit (OECD-modified scale); the cut points of
    # the first population stay the reference as incomes churn (a stationary process)
    uc = h.consumption_units()
    if income_edges is None:
        order = np.argsort(total / uc, kind="stable")
        q = np.empty(n, dtype=np.int8)
        q[order] = (np.arange(n) * 5 // max(n, 1)).astype(np.int8)
        h.income_edges = np.quantile(total / uc, [0.2, 0.4, 0.6, 0.8]) if n else np.zeros(4)
    else:  # newcomers are ranked against the population they join
        q = np.searchsorted(income_edges, total / uc, side="right").astype(np.int8)
        h.income_edges = income_edges
    h.income_quintile[:] = q

    # -- digital propensity -------------------------------------------------------
    d = p["digital"]
    z = (d["intercept"] + np.asarray(d["age"])[band] + np.asarray(d["diploma"])[dip]
         + d["income_quintile"] * (q - 2.0) + d["alone"] * alone
         + np.asarray(d["territory"])[h.territory] + d["noise_sd"] * rng.standard_normal(n))
    eq = np.full(n, Equipment.smartphone, dtype=np.int8)
    eq[z < 0.0] = Equipment.none
    eq[z >= d["computer_threshold"]] = Equipment.computer
    h.equipment[:] = eq
    # a non-user may live in a connected household (another member goes online)
    shift = np.where(eq > 0, d["home_internet_shift"], d["home_internet_shift"] + d["nonuser_home_shift"])
    h.home_internet[:] = rng.random(n) < _logistic(z + shift)
    h.skill[:] = _logistic(0.9 * z + d["skill_shift"] + d["skill_noise"] * rng.standard_normal(n))
    h.skill[eq == Equipment.none] *= 0.5  # skills fade without practice
    h.email[:] = (eq > 0) & (rng.random(n) < _logistic(z + d["email_shift"]))
    assign_internet_relation(h, d, rng)

    # renters are poorer and younger: tenure drawn after income, by quintile (simplified)
    tshares = np.asarray(p["tenure_shares"])
    own_p = np.clip(tshares[0] * (0.55 + 0.225 * q) * np.where(band >= 3, 1.25, 1.0), 0, 0.95)
    social_p = tshares[2] / (1 - tshares[0]) * np.where(q <= 1, 1.5, 0.6)
    u = rng.random(n)
    h.tenure[:] = np.where(u < own_p, 0, np.where(rng.random(n) < social_p, 2, 1)).astype(np.int8)
    h.reluctance[:] = np.exp(p["reluctance_sigma"] * rng.standard_normal(n))
    h.counter_rank[:] = rng.random(n)
    h.association_rank[:] = rng.random(n)
    draw_other_benefit(h, p, rng, np.arange(n))
    return h


def update_quintile(h: Households, idx: np.ndarray) -> None:
    """Current income quintile of households ``idx`` against the population's cut points."""
    if len(idx) == 0:
        return
    total = h.earnings.take(idx) + h.other_income.take(idx)
    q = np.searchsorted(h.income_edges, total / h.consumption_units(idx), side="right")
    h.income_quintile[idx] = q.astype(np.int8)


def draw_other_benefit(h: Households, p: dict, rng: np.random.Generator, idx: np.ndarray) -> None:
    """Whether households ``idx`` receive a CAF benefit the model does not simulate.

    Family benefits for families (allocations familiales from the second child,
    young-child benefits, the single parents' allocation de soutien familial),
    housing benefit for renters in the bottom two income quintiles.  Such a household
    is known to the CAF, which may flag its other rights (``process.info_agency``).
    Redrawn when income changes.
    """
    o = p["other_benefit"]
    kids = h.n_children.take(idx)
    tenure = h.tenure.take(idx)
    low = h.income_quintile.take(idx) <= 1
    p_family = np.where(kids >= 2, o["families"], np.where(kids == 1, 0.5 * o["families"], 0.0))
    single = h.household_type.take(idx) == 2
    p_family = np.where(single, np.maximum(p_family, o["single_parents"]), p_family)
    p_housing = low * np.where(tenure == 2, o["social_renters"],
                               np.where(tenure == 1, o["private_renters"], 0.0))
    u = rng.random(len(idx))
    h.other_benefit[idx] = u < 1.0 - (1.0 - p_family) * (1.0 - p_housing)


def draw_income(h: Households, p: dict, rng: np.random.Generator, idx: np.ndarray) -> None:
    """(Re)draw employment, earnings and other income for households ``idx``."""
    m = len(idx)
    band = h.age_band[idx]
    retired = h.retired[idx]
    couple = _IS_COUPLE[h.household_type[idx]]
    employed = ~retired & (rng.random(m) < np.asarray(p["employment_by_age"])[band])
    dip_factor = np.asarray(p["earnings_by_diploma"])[h.diploma[idx]]
    wage = p["earnings_median"] * dip_factor * np.exp(p["earnings_sigma"] * rng.standard_normal(m))
    low_pay = rng.random(m) < p["low_pay_share"]  # part-time / short contracts
    wage = np.where(low_pay, wage * (0.25 + 0.35 * rng.random(m)), wage)
    second = couple & (rng.random(m) < p["second_earner_share"])
    wage2 = 0.8 * p["earnings_median"] * np.exp(p["earnings_sigma"] * rng.standard_normal(m))
    earnings = np.where(employed, wage, 0.0) + np.where(second & ~retired, wage2, 0.0)
    benefit = p["other_income_median"] * np.exp(0.5 * rng.standard_normal(m))
    benefit = np.where(rng.random(m) < p["no_other_income_share"], 0.0, benefit)
    pension = p["pension_median"] * dip_factor * np.exp(p["pension_sigma"] * rng.standard_normal(m))
    pension = pension * np.where(couple, 1.6, 1.0)
    other = np.where(retired, pension, np.where(employed, 0.0, benefit))
    h.earnings[idx] = earnings
    h.other_income[idx] = other


def assign_internet_relation(h: Households, d: dict, rng: np.random.Generator) -> None:
    """Relation to the internet, intention and non-connection reason (Mazet 2017)."""
    n = h.n
    user = h.equipment > 0
    rel = np.where(h.skill >= 0.35, InternetRelation.regular, InternetRelation.occasional)
    u = rng.random(n)
    non_user_rel = np.where(u < d["dropout_share"], InternetRelation.dropout,
                            InternetRelation.disconnected)
    suffered = rng.random(n) < d["suffered_share"]
    # chosen non-connection: "useless" vs data fear; suffered: competence vs money (CREDOC 2012)
    chosen_reason = np.where(rng.random(n) < d["chosen_useless_share"], NonConnection.useless,
                             NonConnection.data_fear)
    suffered_reason = np.where(rng.random(n) < d["suffered_competence_share"],
                               NonConnection.competence, NonConnection.money)
    reason = np.where(suffered, suffered_reason, chosen_reason)
    non_user_rel = np.where(~suffered & (non_user_rel == InternetRelation.disconnected),
                            InternetRelation.distanced, non_user_rel)
    h.internet_relation[:] = np.where(user, rel, non_user_rel)
    h.non_connection[:] = np.where(user, NonConnection.connected, reason)
    v = rng.random(n)
    intention = np.where(v < d["quasi_user_share"], Intention.quasi_user,
                         np.where(v < d["quasi_user_share"] + d["radical_share"],
                                  Intention.radical, Intention.distant_potential))
    h.intention[:] = np.where(user, Intention.user, intention)


def mark_indirect_users(h: Households) -> None:
    """Non-users with connected relatives are *indirect users* (others go online for them)."""
    mark_indirect_users_at(h, np.arange(h.n))


def mark_indirect_users_at(h: Households, idx: np.ndarray) -> None:
    nonuser = h.equipment[idx] == Equipment.none
    indirect = nonuser & (h.n_helpers[idx] > 0) & (h.internet_relation[idx] != InternetRelation.distanced)
    h.internet_relation[idx[indirect]] = InternetRelation.indirect
