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

# plain ints: comparing an int8 array with an IntEnum member casts the whole array (~10x slower)
NOT_CLAIMED, QUEUED, PROCESSING, RECEIVING, SUSPENDED, REJECTED, GAVE_UP = map(int, ClaimState)


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


def claim_probability(model, hh: np.ndarray, b: int, opts=None) -> np.ndarray:
    """Monthly probability that households ``hh`` claim benefit ``b`` (0 if no route).

    ``opts``: the ``(avail, cost, hours)`` of :func:`channels.options` for these
    households, when the caller has them already.
    """
    h, p = model.h, model.p
    avail, cost, _ = channels.options(model, hh, b) if opts is None else opts
    best = np.where(avail.T, cost.T, np.inf).min(axis=0)
    gain = h.amount[b].take(hh).astype(np.float64) * p["gain_horizon"]
    frustration = p["fear_of_error"] * h.failures[b].take(hh)
    net = gain - best - model.stigma[b] * h.reluctance.take(hh) - frustration
    return np.where(np.isfinite(best), p["claim_max"] * _logistic(net / p["claim_scale"]), 0.0)


def automatic_enrolment(model, rng) -> None:
    h, lv = model.h, model.levers
    for b in np.flatnonzero(lv.automatic_share > 0):
        idx = np.flatnonzero((h.amount[b] > 0) & (h.state[b] != RECEIVING)
                             & (h.state[b] != PROCESSING))
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
                             & ((state == NOT_CLAIMED) | (state == REJECTED)
                                | (state == SUSPENDED) | (state == GAVE_UP)))
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
    hh_parts, ben_parts, queued_parts, opt_parts = [], [], [], []
    for b in range(h.n_benefits):
        # people waiting for a mediated appointment: some leave, the others keep their place
        state = h.state[b]
        q = np.flatnonzero(state == QUEUED)
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
            opt_parts.append(channels.options(model, q, b))
        cand = np.flatnonzero((h.amount[b] > 0) & h.aware[b] & (
            (state == NOT_CLAIMED) | (state == REJECTED) | (state == SUSPENDED)))
        if len(cand) == 0:
            continue
        u = rng.random(len(cand))
        # the probability never exceeds claim_max: only households drawing below it can
        # claim, so their routes are the only ones worth costing (same draws, same result)
        maybe = np.flatnonzero(u < p["claim_max"])
        sub = cand.take(maybe)
        opts = channels.options(model, sub, b)
        prob = claim_probability(model, sub, b, opts)
        sel = np.flatnonzero(u.take(maybe) < prob)
        go = sub.take(sel)
        model.ledger.flow("new_claims", len(go), b)
        hh_parts.append(go)
        ben_parts.append(np.full(len(go), b, dtype=np.int16))
        queued_parts.append(np.zeros(len(go), dtype=bool))
        opt_parts.append(tuple(x.T.take(sel, axis=1).T for x in opts))
    hh = np.concatenate(hh_parts) if hh_parts else np.empty(0, dtype=np.int64)
    ben = np.concatenate(ben_parts) if ben_parts else np.empty(0, dtype=np.int16)
    queued = np.concatenate(queued_parts) if queued_parts else np.empty(0, dtype=bool)
    if opt_parts:  # stack the (6, k) blocks of each part; the batch sees (k, 6) views
        avail, cost, hours = (np.concatenate([o[i].T for o in opt_parts], axis=1).T for i in range(3))
    else:
        avail, cost, hours = channels.options(model, hh, ben)
    return Batch(hh, ben, avail, cost, hours, queued)


def choose(model, batch: Batch) -> None:
    """New claimants pick a route by multinomial logit; queued ones keep theirs."""
    rng = model.stream("choice")
    pick = channels.choose(model, batch.avail, batch.cost, rng)
    kept = model.h.channel[batch.ben, batch.hh]
    batch.channel = np.where(batch.queued, kept, pick).astype(np.int8)
