"""Step 1 - life events: income changes move households in and out of eligibility."""

from __future__ import annotations

import numpy as np

from ..agents.population import draw_income
from ..categories import ClaimState


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
    """Month 0: entitlements, awareness, and who already receives.

    The stock of eligible households has had time to learn and claim: each
    knows the right with probability ``initial_awareness`` and those who know
    it receive it if claiming is worth it to them (the deterministic part of
    the decision rule) and succeeded (90 %).  This starts the model near its
    steady state; the report window (the last ``report_months``) avoids the
    rest of the transient.
    """
    from .claims import claim_probability  # decision rule shared with step 3

    h, p = model.h, model.p
    rng = model.stream("life_events", -1)
    for b, benefit in enumerate(model.benefits):
        h.amount[b] = benefit.amount(h, model.bp[b])
        elig = np.flatnonzero(h.amount[b] > 0)
        knows = elig[rng.random(len(elig)) < p["initial_awareness"]]
        h.aware[b, knows] = True
        worth = claim_probability(model, knows, b) > 0.5 * p["claim_max"]
        got = knows[worth & (rng.random(len(knows)) < 0.9)]
        h.state[b, got] = ClaimState.receiving
        r = max(int(model.renewal_months[b]), 1)
        h.timer[b, got] = 1 + rng.integers(0, r, len(got))


def _draw_subset(rng, mask_idx: np.ndarray, rate: float) -> np.ndarray:
    """A binomial share ``rate`` of ``mask_idx`` (sorted; without duplicates)."""
    if len(mask_idx) == 0 or rate <= 0:
        return mask_idx[:0]
    k = rng.binomial(len(mask_idx), min(rate, 1.0))
    pick = rng.integers(0, len(mask_idx), k)
    return mask_idx.take(np.unique(pick))  # mask_idx is increasing: same as unique(mask_idx[pick])


def step(model) -> None:
    h, p = model.h, model.p
    rng = model.stream("life_events")
    pop_p = model.scenario.data["population"]
    employed = np.flatnonzero(~h.retired & (h.earnings > 0))
    jobless = np.flatnonzero(~h.retired & (h.earnings <= 0))

    lose = _draw_subset(rng, employed, p["job_loss_rate"])
    find = _draw_subset(rng, jobless, p["job_find_rate"])
    shock = _draw_subset(rng, employed, p["churn_rate"])
    lost = np.zeros(h.n, dtype=bool)
    lost[lose] = True
    shock = shock[~lost.take(shock)]  # a job loss is not also a pay change

    # unemployment insurance replaces ~57 % of the wage for the covered
    covered = rng.random(len(lose)) >= pop_p["no_other_income_share"]
    h.other_income[lose] = np.where(covered, 0.57 * h.earnings[lose], 0.0)
    h.earnings[lose] = 0.0
    if len(find):
        draw_income(h, pop_p, rng, find)
        h.earnings[find] = np.maximum(h.earnings[find], 1.0)
        h.other_income[find] = 0.0
    h.earnings[shock] *= np.exp(p["income_shock_sigma"] * rng.standard_normal(len(shock))).astype(np.float32)

    changed = lost  # households whose income changed, in increasing order
    changed[find] = True
    changed[shock] = True
    changed = np.flatnonzero(changed)
    update_entitlements(model, changed, rng)


def update_entitlements(model, idx: np.ndarray, rng) -> None:
    """Recompute amounts for households ``idx``; handle entries and exits."""
    h = model.h
    if len(idx) == 0:
        return
    view = View(h, idx)
    aware_draw = rng.random((h.n_benefits, len(idx)))
    for b, benefit in enumerate(model.benefits):
        before = h.amount[b, idx] > 0
        amt = benefit.amount(view, model.bp[b])
        after = amt > 0
        h.amount[b, idx] = amt
        enter = idx[after & ~before]
        leave = idx[before & ~after]
        # a newly eligible household may know the right already (relatives, past claims)
        h.aware[b, enter] |= aware_draw[b][after & ~before] < model.awareness_on_entry[b]
        for i in (enter, leave):
            h.state[b, i] = ClaimState.not_claimed
            h.failures[b, i] = 0
            h.timer[b, i] = 0
            h.months_waiting[b, i] = 0
            h.months_without[b, i] = 0
            h.not_proposed[b, i] = False
        model.ledger.flow("new_entries", len(enter), b)
        model.ledger.flow("new_exits", len(leave), b)
