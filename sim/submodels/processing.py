"""Steps 6-7 - the agency processes lodged files; recipients renew.

A file lodged in month m with a processing delay of d months is decided in
month m + d: complete files start payment, incomplete ones are rejected
(non-reception).  Recipients of a benefit with a renewal period renew every
``renewal_months`` through a route chosen like a claim (lighter: less
paperwork, half the complexity); an unserved or failed renewal suspends
payment.  Automatic renewal (a policy) skips the route.
"""

from __future__ import annotations

import numpy as np

from ..categories import ClaimState
from . import attempt, channels

# plain ints: comparing an int8 array with an IntEnum member casts the whole array (~10x slower)
PROCESSING, RECEIVING = int(ClaimState.processing), int(ClaimState.receiving)


def step(model) -> None:
    h = model.h
    for b in range(h.n_benefits):
        idx = np.flatnonzero(h.state[b] == PROCESSING)
        due = h.timer[b, idx] <= 0
        d = idx[due]
        bad = h.incomplete[b, d]
        rej, acc = d[bad], d[~bad]
        h.state[b, rej] = ClaimState.rejected
        h.failures[b, rej] += 1
        h.incomplete[b, rej] = False
        h.state[b, acc] = ClaimState.receiving
        h.failures[b, acc] = 0
        h.timer[b, acc] = model.renewal_months[b]
        h.timer[b, idx[~due]] -= 1
        model.ledger.flow("new_rejections", len(rej), b)
        model.ledger.flow("new_awards", len(acc), b)


def renew(model) -> None:
    h, lv = model.h, model.levers
    rng = model.stream("renewal")
    hh_parts, ben_parts = [], []
    for b in np.flatnonzero(model.renewal_months > 0):
        receiving = h.state[b] == RECEIVING
        timer = h.timer[b]
        np.subtract(timer, receiving, out=timer, casting="unsafe")  # recipients' clocks tick
        due = np.flatnonzero(receiving & (timer <= 0))
        if lv.automatic_renewal[b]:
            h.timer[b, due] = model.renewal_months[b]
            model.ledger.flow("new_renewals", len(due), b)
            continue
        hh_parts.append(due)
        ben_parts.append(np.full(len(due), b, dtype=np.int16))
    if not hh_parts:
        return
    hh, ben = np.concatenate(hh_parts), np.concatenate(ben_parts)
    if len(hh) == 0:
        return
    avail, cost, hours = channels.options(model, hh, ben, renewal=True)
    ch = channels.choose(model, avail, cost, rng)
    r = attempt.route(model, hh, ben, ch, np.zeros(len(hh), dtype=bool), renewal=True, rng=rng)
    k = np.arange(len(hh))
    burden = np.where(ch >= 0, hours[k, np.maximum(ch, 0)], 0.0)
    np.add.at(h.burden_hours, hh, burden.astype(np.float32))
    model.ledger.flow("burden_hours", float(burden.sum()))
    ok = r.outcome == attempt.OK
    h.timer[ben[ok], hh[ok]] = model.renewal_months[ben[ok]]
    h.months_waiting[ben[ok], hh[ok]] = 0
    # not served this month: one month's grace (payment goes on), then suspension
    late = r.outcome == attempt.WAIT
    h.months_waiting[ben[late], hh[late]] += 1
    grace = late & (h.months_waiting[ben, hh] < 2)
    h.timer[ben[grace], hh[grace]] = 1
    lost = ~ok & ~grace
    h.state[ben[lost], hh[lost]] = ClaimState.suspended
    h.failures[ben[lost], hh[lost]] += 1
    h.months_waiting[ben[lost], hh[lost]] = 0
    for b in range(h.n_benefits):
        model.ledger.flow("new_renewals", int((ok & (ben == b)).sum()), b)
        model.ledger.flow("new_suspensions", int((lost & (ben == b)).sum()), b)
