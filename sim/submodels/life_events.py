"""Step 1 - life events: income changes move households in and out of eligibility."""

from __future__ import annotations

import numpy as np

from ..agents.households import CLAIM_FIELDS, FIELDS
from ..agents.population import (draw_income, draw_other_benefit, generate,
                                 mark_indirect_users_at, update_quintile)
from .. import benefit_tables
from ..categories import AgeBand, ClaimState
from . import information
from .claims import claim_probability  # the decision rule of step 3, for the steady state


def amounts(model, pop) -> list[np.ndarray]:
    """Every benefit's amount for the households of ``pop`` (one array per benefit)."""
    return benefit_tables.amounts([(b.name, b.legislation) for b in model.benefits], pop)


class View:
    """Read-only view of some households' fields (what benefit rules need).

    Each field is gathered once, on first use, and kept (benefit rules read the
    same fields several times).
    """

    def __init__(self, h, idx):
        self._h, self._idx = h, idx

    def __getattr__(self, name):
        value = getattr(self._h, name)
        if isinstance(value, np.ndarray) and value.ndim == 1:
            value = value.take(self._idx)
        else:
            value = value[self._idx]
        setattr(self, name, value)
        return value


def initialise(model) -> None:
    """Month 0: entitlements, knowledge and receipt drawn from their steady state.

    For each eligible household, knowing the benefit, believing oneself eligible
    and receiving it are drawn from the stationary distribution of the chains the
    monthly process runs.  With x the household's monthly hazard of leaving
    eligibility (turnover, mortality, income redraws), a benefit known on entry
    with probability k and learnt at rate λ (background, relatives, the agency's
    files, social workers), P(knows) = 1 − (1 − k)·x / (x + λ); a household that
    knows believes itself eligible with probability 1 − (1 − β)·x / (x + μ), β
    being the belief on learning and μ the rate at which beliefs are corrected;
    an aware household receives with probability c / (c + x), c being its
    monthly claim probability under the pre-policy levers.  The model thus starts
    near its steady state instead of drifting for years.
    """
    h, p = model.h, model.p
    rng = model.stream("life_events", -1)
    working = ~h.retired
    base_exit = p["turnover_rate"] + p["mortality_75_plus"] * (h.age_band == AgeBand.a75_plus)
    followed = information.followed(model)
    for b, amt in enumerate(amounts(model, h)):
        h.amount[b] = amt
        eligible = h.amount[b] > 0
        stay = eligible[working].mean() if working.any() else 0.0
        elig = np.flatnonzero(eligible)
        x = base_exit[elig] + p["income_redraw_rate"] * (1.0 - stay) * working[elig]
        told = information.steady_rate_told(model, b, elig, followed)
        learn = p["info_base"] + told
        p_know = 1.0 - (1.0 - model.knows_on_entry[b]) * x / (x + learn)
        correct = information.steady_rate_belief(model, b, elig) + told
        p_believe = 1.0 - (1.0 - p["belief_on_learning"]) * x / (x + correct)
        u = rng.random((2, len(elig)))
        knows = u[0] < p_know
        h.knows[b, elig[knows]] = True
        pick = knows & (u[1] < p_believe)
        aware, x = elig[pick], x[pick]
        h.aware[b, aware] = True
        claim = claim_probability(model, aware, b)
        got = aware[rng.random(len(aware)) < claim / np.maximum(claim + x, 1e-12)]
        h.state[b, got] = ClaimState.receiving
        h.ever_received[b, got] = True
        r = max(int(model.renewal_months[b]), 1)
        h.timer[b, got] = 1 + rng.integers(0, r, len(got))


def _draw_subset(rng, mask_idx, rate: float) -> np.ndarray:
    """A binomial share ``rate`` of ``mask_idx`` (sorted; without duplicates).

    ``mask_idx`` is an increasing index array, or an int ``n`` for ``range(n)``.
    Duplicate picks are removed with a mask rather than ``np.unique`` (which is
    slow on large arrays of distinct values); the result is the same sorted set.
    """
    n = mask_idx if isinstance(mask_idx, int) else len(mask_idx)
    if n == 0 or rate <= 0:
        return np.empty(0, dtype=np.int64)
    k = rng.binomial(n, min(rate, 1.0))
    picked = np.zeros(n, dtype=bool)
    picked[rng.integers(0, n, k)] = True
    pos = np.flatnonzero(picked)
    return pos if isinstance(mask_idx, int) else mask_idx.take(pos)


def step(model) -> None:
    """Income changes: a share of working-age households see their whole income
    situation redrawn from the generator's distribution (a new job, a job lost, a
    pay change, a spell of unemployment benefit).  Mixing with the population's own
    distribution keeps incomes stationary while households churn in and out of
    eligibility (DREES: about a third of RSA recipients leave within a year)."""
    h, p = model.h, model.p
    rng = model.stream("life_events")
    pop_p = model.sc.data["population"]
    working_age = np.flatnonzero(~h.retired)
    redraw = _draw_subset(rng, working_age, p["income_redraw_rate"])
    if len(redraw):
        draw_income(h, pop_p, rng, redraw)
        update_quintile(h, redraw)  # measured groups use the current quintile
        draw_other_benefit(h, pop_p, rng, redraw)  # housing benefit follows income
    changed = np.zeros(h.n, dtype=bool)
    changed[redraw] = True
    out, entry_draws = turnover(model, rng)
    changed[out] = False  # newcomers' entitlements are set afresh
    idx = np.flatnonzero(changed)
    draws = rng.random((2, h.n_benefits, len(idx))) if len(idx) else np.empty((2, h.n_benefits, 0))
    if len(out) + len(idx) == 0:
        return
    # one pass of the benefit rules for newcomers and changed households (no draw in it)
    amts = amounts(model, View(h, np.concatenate([out, idx])))
    if entry_draws is not None:  # (there were newcomers)
        enter_newcomers(model, out, [a[: len(out)] for a in amts], entry_draws)
    if len(idx):
        update_entitlements(model, idx, [a[len(out):] for a in amts], draws)


KEPT_ON_TURNOVER = ("territory", "counter_rank", "association_rank", "n_helpers")


def turnover(model, rng) -> tuple[np.ndarray, np.ndarray | None]:
    """Households move out, die or split; new ones move in (a fresh draw of the generator).

    The newcomer keeps the dwelling's territory, its place in the counter and
    mediation orders and its relatives' links; everything else is new, including
    its claims: newly eligible newcomers know the benefit with its ``knows_on_entry``
    (and believe themselves eligible with ``belief_on_learning``).  This inflow of new eligible households is what keeps
    non-knowledge and non-demand in a steady state (and renews the ASPA's eligible).
    """
    h, p = model.h, model.p
    old = np.flatnonzero(h.age_band == int(AgeBand.a75_plus))  # int: an IntEnum casts the array
    leaving = np.zeros(h.n, dtype=bool)  # moved out or died (sorted union, without np.union1d)
    leaving[_draw_subset(rng, h.n, p["turnover_rate"])] = True
    leaving[_draw_subset(rng, old, p["mortality_75_plus"])] = True
    out = np.flatnonzero(leaving)
    if len(out) == 0:
        return out, None
    pop_p = model.sc.data["population"]
    new = generate(pop_p, len(out), h.n_benefits, rng, income_edges=h.income_edges)
    for name, _, _ in FIELDS:
        if name not in KEPT_ON_TURNOVER:
            getattr(h, name)[out] = getattr(new, name)
    mark_indirect_users_at(h, out)
    was = h.amount[:, out] > 0
    for b in range(h.n_benefits):
        model.ledger.flow("new_exits", int(was[b].sum()), b)
    for name, _, _ in CLAIM_FIELDS:
        getattr(h, name)[:, out] = getattr(new, name)
    model.ledger.flow("new_households", len(out))
    return out, rng.random((2, h.n_benefits, len(out)))


def enter_newcomers(model, out: np.ndarray, amts: list[np.ndarray], draws: np.ndarray) -> None:
    """Newcomers ``out``'s amounts ``amts`` (one array per benefit); the eligible know
    each benefit with its ``knows_on_entry`` and believe themselves eligible with
    ``belief_on_learning`` (``draws``: two uniforms per benefit and newcomer)."""
    h, p = model.h, model.p
    for b, amt in enumerate(amts):
        h.amount[b, out] = amt
        h.knows[b, out] = (amt > 0) & (draws[0, b] < model.knows_on_entry[b])
        h.aware[b, out] = h.knows[b, out] & (draws[1, b] < p["belief_on_learning"])
        model.ledger.flow("new_entries", int((amt > 0).sum()), b)


def update_entitlements(model, idx: np.ndarray, amts: list[np.ndarray], draws: np.ndarray) -> None:
    """New amounts ``amts`` of households ``idx`` (one array per benefit); entries and
    exits (``draws``: two uniforms per benefit and household)."""
    h = model.h
    p = model.p
    for b, amt in enumerate(amts):
        before = h.amount[b, idx] > 0
        after = amt > 0
        h.amount[b, idx] = amt
        entering = after & ~before
        enter = idx[entering]
        leave = idx[before & ~after]
        # a newly eligible household may know the benefit already (relatives, a past
        # claim), but knowing it is not realising one is now eligible (CNAF 2012)
        knows = h.knows[b, enter] | h.ever_received[b, enter] | (draws[0, b][entering] < model.knows_on_entry[b])
        h.knows[b, enter] = knows
        h.aware[b, enter] = knows & (draws[1, b][entering] < p["belief_on_learning"])
        h.aware[b, leave] = False  # out of eligibility: knows it is not for them now
        for i in (enter, leave):
            h.state[b, i] = ClaimState.not_claimed
            h.failures[b, i] = 0
            h.timer[b, i] = 0
            h.months_waiting[b, i] = 0
            h.months_without[b, i] = 0
            h.not_proposed[b, i] = False
            h.failed_channel[b, i] = -1
            h.fail_reason[b, i] = 0
            h.demand_reason[b, i] = 0
        model.ledger.flow("new_entries", len(enter), b)
        model.ledger.flow("new_exits", len(leave), b)
