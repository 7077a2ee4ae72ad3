"""Steps 3-4 - the decision to claim, and the choice of a route.

Aware eligible non-recipients claim this month with probability

    claim_max * logistic((G - S - C - F) / claim_scale)

- G = amount x gain_horizon: the gain at stake (EUR);
- S = stigma[benefit] x exp(traits) x reluctance: the psychological cost of
  claiming, grounded in observable traits (CNAF 2012, DREES 2022): couples
  without children "feel they manage better", graduates refuse more to depend
  on assistance and believe their situation transitory, owners and people in
  work claim less, a household the agency already pays has crossed that
  threshold; ``reluctance`` is a small idiosyncratic spread around it;
- C = the cost of the cheapest route the policies leave open to *this*
  household (:func:`sim.submodels.channels.options`), its memory included;
- F = fear_of_error x failed attempts so far (frustration).

The reason an aware household does not claim is recorded every month
(:class:`sim.categories.DemandReason`): the gain is below the least a claim
costs (*low gain*), or the psychological cost eats it (*stigma, autonomy*):
both are chosen non-demand that no route can change; or the cheapest open
route costs more than what is left, or no route is open (*deterred by the
route*: what dematerialisation moves); otherwise the household intends to
claim and has not yet.  Households already queuing keep their place and
route; renewals due this month join the batch.  Automatic payment and
detection (policies) act first.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..categories import (GAVE_UP, NOT_CLAIMED, PROCESSING, QUEUED, RECEIVING, REJECTED,
                          SUSPENDED, AfterFailure, Channel, ClaimState, DemandReason, FailReason,
                          HouseholdType, Tenure)
from . import channels, processing

# plain ints: comparing an int8 array with an IntEnum member casts the whole array (~10x slower)
COUPLE, OWNER = int(HouseholdType.couple), int(Tenure.owner)
LOW_GAIN, STIGMA, DETERRED, NOT_YET = (int(DemandReason.low_gain), int(DemandReason.stigma_autonomy),
                                       int(DemandReason.deterred_by_route), int(DemandReason.not_yet))


@dataclass
class Batch:
    """(household, benefit) pairs that try to file this month: claims, then renewals."""

    hh: np.ndarray
    ben: np.ndarray
    renewal: np.ndarray  # (k,) bool: a periodic declaration, not a claim
    avail: np.ndarray  # (k, 6) bool
    cost: np.ndarray  # (k, 6) EUR
    hours: np.ndarray  # (k, 6) hours
    queued: np.ndarray  # (k,) bool: already waiting (served first)
    channel: np.ndarray | None = None  # (k,) int8, -1 = no route
    outcome: np.ndarray | None = None  # (k,) attempt outcome (set in step 5)

    def __len__(self):
        return len(self.hh)


def _logistic(x):
    return 1.0 / (1.0 + np.exp(-np.clip(x, -50, 50)))


def psych_cost(model, hh: np.ndarray, b: int) -> np.ndarray:
    """Psychological cost (EUR) of claiming benefit ``b`` for households ``hh``."""
    h, ps = model.h, model.p["psych"]
    log = (ps["couple_no_children"] * (h.household_type.take(hh) == COUPLE)
           + np.asarray(ps["diploma"])[h.diploma.take(hh)]
           + ps["owner"] * (h.tenure.take(hh) == OWNER)
           + ps["employed"] * (h.earnings.take(hh) > 0)
           + ps["known_to_agency"] * channels.information_known(model, hh, b))
    return model.stigma[b] * np.exp(log) * h.reluctance.take(hh)


def claim_value(model, hh: np.ndarray, b: int, opts=None):
    """Gain, psychological cost, cheapest route cost and frustration (EUR) of claiming
    benefit ``b`` for households ``hh``; ``opts`` as returned by :func:`channels.options`."""
    h, p = model.h, model.p
    avail, cost, _ = channels.options(model, hh, b) if opts is None else opts
    best = np.where(avail.T, cost.T, np.inf).min(axis=0)
    gain = h.amount[b].take(hh).astype(np.float64) * p["gain_horizon"]
    frustration = p["fear_of_error"] * h.failures[b].take(hh)
    return gain, psych_cost(model, hh, b), best, frustration


def claim_probability(model, hh: np.ndarray, b: int, opts=None) -> np.ndarray:
    """Monthly probability that households ``hh`` claim benefit ``b`` (0 if no route)."""
    p = model.p
    gain, psych, best, frustration = claim_value(model, hh, b, opts)
    net = gain - psych - best - frustration
    return np.where(np.isfinite(best), p["claim_max"] * _logistic(net / p["claim_scale"]), 0.0)


def demand_reason(model, gain, psych, best, frustration) -> np.ndarray:
    """DemandReason code of aware households that do not claim this month."""
    floor = model.p["value_of_time"] * model.p["claim_floor_hours"]
    out = np.full(len(gain), NOT_YET, dtype=np.int8)
    out[~np.isfinite(best) | (gain - psych - best - frustration < 0)] = DETERRED
    out[gain - psych < floor] = STIGMA
    out[gain < floor] = LOW_GAIN
    return out


def automatic_enrolment(model, rng) -> None:
    h, lv = model.h, model.levers
    for b in np.flatnonzero(lv.automatic_share > 0):
        idx = np.flatnonzero((h.amount[b] > 0) & (h.state[b] != RECEIVING)
                             & (h.state[b] != PROCESSING))
        got = idx[rng.random(len(idx)) < lv.automatic_share[b]]
        h.state[b, got] = ClaimState.receiving
        h.ever_received[b, got] = True
        h.knows[b, got] = True
        h.aware[b, got] = True
        h.not_proposed[b, got] = False
        h.failures[b, got] = 0
        h.timer[b, got] = max(int(model.renewal_months[b]), 0)
        model.ledger.flow("new_automatic", len(got), b)


def linked_grants(model, rng) -> None:
    """A recipient of a linked benefit (``granted_with``) who becomes eligible gets this one
    through its own quarterly declaration, without claiming: each month with probability
    1 / the source's renewal period."""
    h = model.h
    for b, sources in enumerate(model.granted_with):
        if not sources:
            continue
        state = h.state[b]
        idx = np.flatnonzero((h.amount[b] > 0) & (state != RECEIVING) & (state != PROCESSING))
        if len(idx) == 0:
            continue
        chance = np.zeros(len(idx))
        for c in sources:
            rc = h.state[c].take(idx) == RECEIVING
            chance = np.maximum(chance, rc / max(int(model.renewal_months[c]), 1))
        got = idx[rng.random(len(idx)) < chance]
        h.state[b, got] = ClaimState.receiving
        h.ever_received[b, got] = True
        h.knows[b, got] = True
        h.aware[b, got] = True
        h.not_proposed[b, got] = False
        h.failures[b, got] = 0
        h.timer[b, got] = max(int(model.renewal_months[b]), 0)
        model.ledger.flow("new_automatic", len(got), b)


def orient(model, rng) -> None:
    """Detection and orientation (policy): the agency spots non-autonomous households that
    know a right but have not obtained it for a quarter, and books them a mediation slot."""
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
        queue_for_mediation(model, b, got)
        model.ledger.flow("new_oriented", len(got))


def queue_for_mediation(model, b: int, hh: np.ndarray) -> None:
    """Book households ``hh`` a mediation slot for benefit ``b``: a France Services point
    in reach, else social services."""
    h, lv = model.h, model.levers
    in_reach = h.association_rank[hh] < lv.association_presence[h.territory[hh]]
    h.state[b, hh] = ClaimState.queued
    h.channel[b, hh] = np.where(in_reach, Channel.association, Channel.social_services)
    h.months_waiting[b, hh] = 0


def _give_up_silently(model, b: int, idx: np.ndarray) -> None:
    """A failed attempt not followed by another within ``follow_up_months`` is recorded
    as given up (the household may still come back later)."""
    h = model.h
    pend = idx[h.fail_reason[b].take(idx) > 0]
    if len(pend) == 0:
        return
    h.failed_months[b, pend] += 1
    done = pend[h.failed_months[b].take(pend) >= model.p["follow_up_months"]]
    if len(done):
        failed = h.failed_channel[b].take(done).astype(np.int64)
        model.ledger.add_after_failure(failed, np.full(len(done), int(AfterFailure.gave_up)))
        h.fail_reason[b, done] = FailReason.none


def decide(model) -> Batch:
    h, p = model.h, model.p
    rng = model.stream("decision")
    automatic_enrolment(model, rng)
    linked_grants(model, rng)
    orient(model, rng)
    h.demand_reason[:] = 0
    # who the agencies already pay, once for the month's decisions (no payment starts or
    # stops below: queue leavers go back to "not claimed")
    model.known_cache = np.array([channels.known_to_agency(model, b) for b in range(h.n_benefits)])
    # first the month's draws, benefit by benefit (queue leavers, then the candidates'
    # uniforms), then every queued claim and candidate of every benefit priced in one
    # options call: the routes of benefit b read only b's claim fields, which the
    # decisions of the other benefits do not touch
    segments = []  # (benefit, households, queued, uniforms or None)
    for b in range(h.n_benefits):
        # people waiting for a slot: some leave, the others keep their place
        state = h.state[b]
        q = np.flatnonzero(state == QUEUED)
        if len(q):
            leave = rng.random(len(q)) < p["queue_leave"]
            gone = q[leave]
            h.state[b, gone] = ClaimState.not_claimed
            h.failures[b, gone] += 1
            h.failed_channel[b, gone] = h.channel[b, gone]
            h.fail_reason[b, gone] = FailReason.turned_away
            h.months_waiting[b, gone] = 0
            model.ledger.flow("new_left_queue", len(gone))
            q = q[~leave]
            h.months_waiting[b, q] += 1
            segments.append((b, q, True, None))
        cand = np.flatnonzero((h.amount[b] > 0) & h.aware[b] & (
            (state == NOT_CLAIMED) | (state == REJECTED) | (state == SUSPENDED)))
        if len(cand):
            segments.append((b, cand, False, rng.random(len(cand))))
    parts = []  # (hh, ben, renewal, queued, opts)
    if segments:
        all_opts = channels.options(
            model, np.concatenate([seg[1] for seg in segments]),
            np.concatenate([np.full(len(seg[1]), seg[0], dtype=np.int16) for seg in segments]),
            queued=np.concatenate([np.full(len(seg[1]), seg[2]) for seg in segments]))
    start = 0
    for b, hh, waiting, u in segments:
        opts = tuple(x[start:start + len(hh)] for x in all_opts)
        start += len(hh)
        if waiting:
            parts.append((hh, b, False, True, opts))
            continue
        cand = hh
        gain, psych, best, frustration = claim_value(model, cand, b, opts)
        net = gain - psych - best - frustration
        prob = np.where(np.isfinite(best), p["claim_max"] * _logistic(net / p["claim_scale"]), 0.0)
        go_mask = u < prob
        sel = np.flatnonzero(go_mask)
        stay = ~go_mask
        h.demand_reason[b, cand[stay]] = demand_reason(
            model, gain[stay], psych[stay], best[stay], frustration[stay])
        go = cand.take(sel)
        _give_up_silently(model, b, cand[stay])
        model.ledger.flow("new_claims", len(go), b)
        parts.append((go, b, False, False, tuple(x.T.take(sel, axis=1).T for x in opts)))
    renewals = [(b, due) for b, due in processing.due_renewals(model) if len(due)]
    if renewals:  # every benefit's declarations priced in one call, as the claims above
        ren_opts = channels.options(
            model, np.concatenate([due for _, due in renewals]),
            np.concatenate([np.full(len(due), b, dtype=np.int16) for b, due in renewals]),
            renewal=True)
        start = 0
        for b, due in renewals:
            waited = h.months_waiting[b].take(due) > 0
            parts.append((due, b, True, waited, tuple(x[start:start + len(due)] for x in ren_opts)))
            start += len(due)
    model.known_cache = None  # (declarations start or stop no payment either)
    if not parts:
        empty = np.empty(0, dtype=np.int64)
        avail, cost, hours = channels.options(model, empty, np.empty(0, dtype=np.int16))
        return Batch(empty, np.empty(0, dtype=np.int16), np.empty(0, dtype=bool), avail, cost,
                     hours, np.empty(0, dtype=bool))
    hh = np.concatenate([x[0] for x in parts])
    ben = np.concatenate([np.full(len(x[0]), x[1], dtype=np.int16) for x in parts])
    renewal = np.concatenate([np.full(len(x[0]), x[2], dtype=bool) for x in parts])
    queued = np.concatenate([np.broadcast_to(np.asarray(x[3], dtype=bool), len(x[0])) for x in parts])
    # stack the (6, k) blocks of each part; the batch sees (k, 6) views
    avail, cost, hours = (np.concatenate([x[4][i].T for x in parts], axis=1).T for i in range(3))
    return Batch(hh, ben, renewal, avail, cost, hours, queued)


def choose(model, batch: Batch) -> None:
    """New claimants and renewals pick a route by multinomial logit; queued claims keep
    theirs; a household whose access codes an intermediary keeps goes back to it when
    that route is open."""
    h = model.h
    rng = model.stream("choice")
    pick = channels.choose(model, batch.avail, batch.cost, rng)
    kept = h.channel[batch.ben, batch.hh]
    keep = batch.queued & ~batch.renewal
    ch = np.where(keep, kept, pick).astype(np.int8)
    holder = h.credentials_holder.take(batch.hh)
    if (holder > 0).any():
        to_holder = np.full(len(batch), -1, dtype=np.int8)
        for code, c in channels.HOLDER_CHANNEL.items():
            to_holder[holder == code] = c
        k = np.arange(len(batch))
        back = (to_holder >= 0) & ~keep & batch.avail[k, np.maximum(to_holder, 0)] & (
            model.levers.channels[batch.ben, channels.ALONE])
        ch = np.where(back, to_holder, ch).astype(np.int8)
    batch.channel = ch
