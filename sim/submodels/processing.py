"""Steps 6-7 - the agency processes lodged files; recipients renew.

A file lodged in month m with a processing delay of d months is decided in
month m + d: complete files start payment, incomplete ones are rejected
(non-reception).  Recipients of a benefit with a renewal period declare every
``renewal_months``: the declarations due this month (:func:`due_renewals`) go
through a route chosen like a claim's (lighter: less paperwork, half the
complexity), in the same month's queues as claims (step 5); :func:`renew`
applies their outcomes: a served declaration renews, one that found no slot has
a month's grace, a failed one suspends payment.  Automatic renewal (a policy)
skips the route.
"""

from __future__ import annotations

import numpy as np

from ..categories import PROCESSING, RECEIVING, Attempt, ClaimState, FailReason

OK, WAIT = int(Attempt.ok), int(Attempt.wait)


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
        h.failed_channel[b, rej] = h.channel[b, rej]
        h.fail_reason[b, rej] = FailReason.incomplete
        h.failed_months[b, rej] = 0
        h.state[b, acc] = ClaimState.receiving
        h.ever_received[b, acc] = True
        h.failures[b, acc] = 0
        h.failed_channel[b, acc] = -1
        h.timer[b, acc] = model.renewal_months[b]
        h.timer[b, idx[~due]] -= 1
        model.ledger.flow("new_rejections", len(rej), b)
        model.ledger.flow("new_awards", len(acc), b)


def due_renewals(model):
    """Recipients' clocks tick; yield ``(benefit, households)`` whose declaration is due."""
    h, lv = model.h, model.levers
    for b in np.flatnonzero(model.renewal_months > 0):
        receiving = h.state[b] == RECEIVING
        timer = h.timer[b]
        np.subtract(timer, receiving, out=timer, casting="unsafe")  # recipients' clocks tick
        due = np.flatnonzero(receiving & (timer <= 0))
        if lv.automatic_renewal[b]:
            h.timer[b, due] = model.renewal_months[b]
            model.ledger.flow("new_renewals", len(due), b)
            continue
        yield int(b), due


def renew(model, batch) -> None:
    """Apply the outcomes of this month's declarations (the renewal pairs of ``batch``)."""
    h = model.h
    if batch.outcome is None or not batch.renewal.any():
        return
    sel = np.flatnonzero(batch.renewal)
    hh, ben = batch.hh[sel], batch.ben[sel]
    out = batch.outcome[sel]
    ok = out == OK
    h.timer[ben[ok], hh[ok]] = model.renewal_months[ben[ok]]
    h.months_waiting[ben[ok], hh[ok]] = 0
    # not served this month: one month's grace (payment goes on), then suspension
    late = out == WAIT
    h.months_waiting[ben[late], hh[late]] += 1
    grace = late & (h.months_waiting[ben, hh] < 2)
    h.timer[ben[grace], hh[grace]] = 1
    lost = ~ok & ~grace
    h.state[ben[lost], hh[lost]] = ClaimState.suspended
    h.failures[ben[lost], hh[lost]] += 1
    h.months_waiting[ben[lost], hh[lost]] = 0
    h.failed_channel[ben[lost], hh[lost]] = batch.channel[sel][lost]
    h.fail_reason[ben[lost], hh[lost]] = np.maximum(batch.reason[sel][lost],
                                                    int(FailReason.attempt_failed))
    h.failed_months[ben[lost], hh[lost]] = 0
    model.ledger.add_renewed(batch.channel[sel][ok], ben[ok])
    for b in range(h.n_benefits):
        model.ledger.flow("new_renewals", int((ok & (ben == b)).sum()), b)
        model.ledger.flow("new_suspensions", int((lost & (ben == b)).sum()), b)
        model.ledger.flow("new_lost_access", int((lost & (ben == b) & (
            batch.reason[sel] == FailReason.lost_access)).sum()), b)
