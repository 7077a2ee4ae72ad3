"""Steps 3-4 - the decision to claim, and the choice of a route.

Aware eligible non-recipients claim this month with probability

    claim_max * logistic((amount * gain_horizon - min_route_cost - stigma - frustration) / claim_scale)

so the decision reacts to the amount at stake and to the burden of the
cheapest route the policies leave open to *this* household.  Households
already queuing for a mediated slot keep their place and route.  Automatic
payment (when a policy enables it) enrols some eligible households first.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..categories import Channel, ClaimState
from . import channels


@dataclass
class Batch:
    """(household, benefit) pairs that try to file this month."""

    hh: np.ndarray
    ben: np.ndarray
    avail: np.ndarray  # (k, 6) bool
    cost: np.ndarray  # (k, 6) EUR
    hours: np.ndarray  # (k, 6) hours
    queued: np.ndarray  # (k,) bool: already waiting in a queue (served first)
    channel: np.ndarray | None = None  # (k,) int8, -1 = no route

    def __len__(self):
        return len(self.hh)


def _logistic(x):
    return 1.0 / (1.0 + np.exp(-np.clip(x, -50, 50)))


def claim_probability(model, hh: np.ndarray, b: int) -> np.ndarray:
    """Monthly probability that households ``hh`` claim benefit ``b`` (0 if no route)."""
    h, p = model.h, model.p
    avail, cost, _ = channels.options(model, hh, np.full(len(hh), b, dtype=np.int16))
    best = np.where(avail, cost, np.inf).min(axis=1)
    gain = h.amount[b, hh].astype(np.float64) * p["gain_horizon"]
    frustration = p["fear_of_error"] * h.failures[b, hh]
    net = gain - best - model.stigma[b] * h.reluctance[hh] - frustration
    return np.where(np.isfinite(best), p["claim_max"] * _logistic(net / p["claim_scale"]), 0.0)


def automatic_enrolment(model, rng) -> None:
    h, lv = model.h, model.levers
    for b in np.flatnonzero(lv.automatic_share > 0):
        idx = np.flatnonzero((h.amount[b] > 0) & (h.state[b] != ClaimState.receiving)
                             & (h.state[b] != ClaimState.processing))
        got = idx[rng.random(len(idx)) < lv.automatic_share[b]]
        h.state[b, got] = ClaimState.receiving
        h.aware[b, got] = True
        h.not_proposed[b, got] = False
        h.failures[b, got] = 0
        h.timer[b, got] = max(int(model.renewal_months[b]), 0)
        model.ledger.flow("new_automatic", len(got), b)


def orient(model, rng) -> None:
    """Detection and orientation: the agency spots non-autonomous households that know a
    right but have not obtained it for a quarter, and books them a mediation slot."""
    h, p, lv = model.h, model.p, model.levers
    if lv.detection_rate <= 0:
        return
    for b in range(h.n_benefits):
        state = h.state[b]
        idx = np.flatnonzero((h.amount[b] > 0) & h.aware[b] & (h.months_without[b] >= 3)
                             & ((state == ClaimState.not_claimed) | (state == ClaimState.rejected)
                                | (state == ClaimState.suspended) | (state == ClaimState.gave_up)))
        idx = idx[h.skill[idx] < p["autonomy_skill"]]
        got = idx[rng.random(len(idx)) < lv.detection_rate]
        in_reach = h.association_rank[got] < lv.association_presence[h.territory[got]]
        h.state[b, got] = ClaimState.queued
        h.channel[b, got] = np.where(in_reach, Channel.association, Channel.social_services)
        h.months_waiting[b, got] = 0
        model.ledger.flow("new_oriented", len(got))


def decide(model) -> Batch:
    h, p = model.h, model.p
    rng = model.stream("decision")
    automatic_enrolment(model, rng)
    orient(model, rng)
    hh_parts, ben_parts, queued_parts = [], [], []
    for b in range(h.n_benefits):
        # people waiting for a mediated appointment: some leave, the others keep their place
        q = np.flatnonzero(h.state[b] == ClaimState.queued)
        if len(q):
            leave = rng.random(len(q)) < p["queue_leave"]
            gone = q[leave]
            h.state[b, gone] = ClaimState.not_claimed
            h.failures[b, gone] += 1
            h.months_waiting[b, gone] = 0
            model.ledger.flow("new_left_queue", len(gone))
            q = q[~leave]
            h.months_waiting[b, q] += 1
            hh_parts.append(q)
            ben_parts.append(np.full(len(q), b, dtype=np.int16))
            queued_parts.append(np.ones(len(q), dtype=bool))
        state = h.state[b]
        cand = np.flatnonzero((h.amount[b] > 0) & h.aware[b] & (
            (state == ClaimState.not_claimed) | (state == ClaimState.rejected)
            | (state == ClaimState.suspended)))
        if len(cand) == 0:
            continue
        bvec = np.full(len(cand), b, dtype=np.int16)
        prob = claim_probability(model, cand, b)
        go = cand[rng.random(len(cand)) < prob]
        model.ledger.flow("new_claims", len(go), b)
        hh_parts.append(go)
        ben_parts.append(np.full(len(go), b, dtype=np.int16))
        queued_parts.append(np.zeros(len(go), dtype=bool))
    hh = np.concatenate(hh_parts) if hh_parts else np.empty(0, dtype=np.int64)
    ben = np.concatenate(ben_parts) if ben_parts else np.empty(0, dtype=np.int16)
    queued = np.concatenate(queued_parts) if queued_parts else np.empty(0, dtype=bool)
    avail, cost, hours = channels.options(model, hh, ben)
    return Batch(hh, ben, avail, cost, hours, queued)


def choose(model, batch: Batch) -> None:
    """New claimants pick a route by multinomial logit; queued ones keep theirs."""
    rng = model.stream("choice")
    pick = channels.choose(model, batch.avail, batch.cost, rng)
    kept = model.h.channel[batch.ben, batch.hh]
    batch.channel = np.where(batch.queued, kept, pick).astype(np.int8)
