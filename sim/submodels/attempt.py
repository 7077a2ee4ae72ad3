"""Step 5 - filing: new claims and due renewals go through their routes, within capacities.

``route`` serves every (household, benefit) pair of the month — claims and
renewals together, in one random order with people already waiting first —
through its channel: relatives, counters, the phone line, social services,
associations.  Each of them has a capacity and a queue: a request it cannot
take this month waits (the household comes back first next month).  The
delegation chain of Mazet 2017 runs at baseline: the agency orients a share of
failed online claimants to mediation; saturated social services refer on to an
association within reach.  Mediators either *do it for* the household (fast,
no learning, access codes often left with them) or *teach* it (slower, skill
grows); they choose to teach an equipped household when they have time.  A
household whose codes an intermediary keeps loses access when that
intermediary cannot see it: its renewal fails.  Every served contact may
propose other rights the household ignores (non-proposition when it does not).

``step`` turns claims' outcomes into claim states; renewal outcomes are applied
in step 7 (:func:`sim.submodels.processing.renew`).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..categories import (CH_ALONE, CH_ASSOCIATION, CH_COUNTER, CH_PHONE, CH_RELATIVE, CH_SOCIAL,
                          AfterFailure, Attempt, Channel, ClaimState, FailReason, Holder,
                          Territory)
from . import channels
from .claims import queue_for_mediation
from .information import inform_at_contact

OK, FAIL, WAIT, NO_ROUTE = map(int, Attempt)
SELF, RELATIVE, AGENCY, SOCIAL, ASSOCIATION = 0, 1, 2, 3, 4
# plain ints: comparing an int8 array with an IntEnum member casts the whole array (~10x slower)
ONLINE_ALONE, ONLINE_RELATIVE, COUNTER, PHONE, SOCIAL_SERVICES, ASSOCIATION_CH = (
    CH_ALONE, CH_RELATIVE, CH_COUNTER, CH_PHONE, CH_SOCIAL, CH_ASSOCIATION)
TERRITORIES = tuple(map(int, Territory))
GAVE_UP_COL = int(AfterFailure.gave_up)
HELPER_HOLDER = {RELATIVE: int(Holder.relative), SOCIAL: int(Holder.social_services),
                 ASSOCIATION: int(Holder.association)}


def _logistic(x):
    return 1.0 / (1.0 + np.exp(-np.clip(x, -50, 50)))


@dataclass
class Routed:
    outcome: np.ndarray  # (k,) OK / FAIL / WAIT / NO_ROUTE
    channel: np.ndarray  # (k,) final channel (a referral changes it)
    helped_by: np.ndarray  # (k,) SELF / RELATIVE / AGENCY / SOCIAL / ASSOCIATION
    teach: np.ndarray  # (k,) bool: mediated help given as teaching
    referred: np.ndarray  # (k,) bool: social services referred to an association
    reason: np.ndarray  # (k,) FailReason of a failure


def _teach_probability(model, service, equipped: np.ndarray) -> np.ndarray:
    """Chance that a mediated session is taught: imposed by a policy, or the mediator's
    choice (teach an equipped household when last month left time)."""
    lv = model.levers
    if lv.mediation_mode == "teach":
        return np.ones(len(equipped))
    if lv.mediation_mode == "do_for":
        return np.zeros(len(equipped))
    load = model.p["teach_load_drop"] * min(service.last_utilisation, 1.0)
    return lv.teach_propensity * (1.0 - load) * equipped


def route(model, hh, ben, channel, queued, renewal, rng) -> Routed:
    """Serve ``k`` pairs through ``channel``; ``renewal`` and ``queued`` are (k,) bool."""
    h, p, lv = model.h, model.p, model.levers
    k = len(hh)
    out = np.full(k, NO_ROUTE, dtype=np.int8)
    reason = np.zeros(k, dtype=np.int8)
    ch = channel.astype(np.int8).copy()
    helped = np.zeros(k, dtype=np.int8)
    teach = np.zeros(k, dtype=bool)
    referred = np.zeros(k, dtype=bool)
    u_ok, u_pick, u_ref, u_teach = rng.random((4, k))
    order = rng.random(k) - queued  # people already queuing are served first
    light = np.where(renewal, 0.5, 1.0)
    cx = model.complexity[ben].astype(np.float64) * light
    hours, succ = p["hours"], p["success"]
    # a declaration is simpler than a first claim: fewer ways to fail
    def lighter(q, sel=slice(None)):
        return np.where(renewal[sel], 1.0 - 0.3 * (1.0 - q), q)

    counter_ok, phone_ok = lighter(succ["counter"]), lighter(succ["phone"])
    online_benefit = lv.channels[ben, ONLINE_ALONE]
    email_needed = channels.email_missing(model, hh, ben) & online_benefit
    # helpers' time: e-mail creation, recovering codes kept by another intermediary
    extra = p["email_setup_hours"] * email_needed
    holder = h.credentials_holder.take(hh)
    equipped = h.equipment.take(hh) > 0

    if renewal.any():  # a missing paper is the usual reason a declaration fails: the safe helps
        # failure probability (1 - p) scaled by keep = 1 - effect: success iff 1 - (1 - u) / keep < p
        keep = 1.0 - lv.safe_effect * h.has_safe.take(hh) * renewal
        u_ok = np.where(keep > 0, 1.0 - (1.0 - u_ok) / np.maximum(keep, 1e-12), -1.0)

    m = np.flatnonzero(ch == ONLINE_ALONE)
    if len(m):
        s_on = channels.success_online(model, h.skill.take(hh[m]).astype(np.float64), ben[m])
        s_re = channels.success_online(model, h.skill.take(hh[m]).astype(np.float64), ben[m], True)
        out[m] = np.where(u_ok[m] < np.where(renewal[m], s_re, s_on), OK, FAIL)

    m = np.flatnonzero(ch == ONLINE_RELATIVE)
    if len(m):
        helpers = model.net.pick_helper(hh[m], u_pick[m])
        rel_hours = hours["relative"] * light[m] + extra[m]
        served = model.net.serve(helpers, rel_hours, order[m])
        ok = u_ok[m] < _logistic(p["success_slope"] * (h.skill[np.maximum(helpers, 0)] - cx[m]))
        out[m] = np.where(served, np.where(ok, OK, FAIL), WAIT)
        helped[m[served]] = RELATIVE
        model.ledger.flow("hours_relatives", float(rel_hours[served].sum()))
        model.ledger.flow("new_turned_away_relatives", int(np.count_nonzero(~served)))
        _holder_lost(out, reason, m, served, holder, int(Holder.relative), renewal)

    terr = h.territory.take(hh)
    m = np.flatnonzero((ch == COUNTER) & renewal)  # a paper declaration, posted
    if len(m):
        out[m] = np.where(u_ok[m] < counter_ok[m], OK, FAIL)
        helped[m] = AGENCY
    for t in TERRITORIES:
        m = np.flatnonzero((ch == COUNTER) & (terr == t) & ~renewal)
        if len(m):
            served = model.counters[t].serve(np.ones(len(m)), order[m])
            out[m] = np.where(served, np.where(u_ok[m] < counter_ok[m], OK, FAIL), WAIT)
            helped[m[served]] = AGENCY
            model.ledger.flow("counter_visits", int(served.sum()))
            model.ledger.flow("new_turned_away_counters", int(np.count_nonzero(~served)))

    m = np.flatnonzero(ch == PHONE)
    if len(m):
        served = model.phone.serve(np.ones(len(m)), order[m])
        out[m] = np.where(served, np.where(u_ok[m] < phone_ok[m], OK, FAIL), WAIT)
        helped[m[served]] = AGENCY
        model.ledger.flow("new_turned_away_phone", int(np.count_nonzero(~served)))

    in_reach = h.association_rank.take(hh) < lv.association_presence[terr]
    for t in TERRITORIES:
        m = np.flatnonzero((ch == SOCIAL_SERVICES) & (terr == t))
        if len(m):
            ss = model.social[t]
            te = u_teach[m] < _teach_probability(model, ss, equipped[m])
            cost = _mediated_hours(hours, te, renewal[m]) + extra[m]
            served = ss.serve(cost, order[m])
            ok = u_ok[m] < lighter(np.where(te, succ["teach"], succ["do_for"]), m)
            out[m] = np.where(served, np.where(ok, OK, FAIL), WAIT)
            helped[m[served]] = SOCIAL
            teach[m] = te & served
            # saturated social services refer on to an association within reach
            ref = m[~served & (u_ref[m] < p["referral_prob"]) & in_reach[m]]
            referred[ref] = True
            ch[ref] = Channel.association
            model.ledger.flow("new_referrals", len(ref))
            model.ledger.flow("new_turned_away_social", int(np.count_nonzero(~served)) - len(ref))
            _holder_lost(out, reason, m, served, holder, int(Holder.social_services), renewal)
    for t in TERRITORIES:
        m = np.flatnonzero((ch == ASSOCIATION_CH) & (terr == t))
        if len(m):
            a = model.associations[t]
            te = u_teach[m] < _teach_probability(model, a, equipped[m])
            cost = _mediated_hours(hours, te, renewal[m]) + extra[m]
            served = a.serve(cost, order[m])
            ok = u_ok[m] < lighter(np.where(te, succ["teach"], succ["do_for"]), m)
            out[m] = np.where(served, np.where(ok, OK, FAIL), WAIT)
            helped[m[served]] = ASSOCIATION
            teach[m] = te & served
            model.ledger.flow("new_turned_away_associations", int(np.count_nonzero(~served)))
            _holder_lost(out, reason, m, served, holder, int(Holder.association), renewal)
    reason[(out == FAIL) & (reason == 0)] = FailReason.attempt_failed
    reason[out == WAIT] = FailReason.turned_away
    _after_help(model, hh, ben, ch, out, helped, teach, email_needed, renewal, rng)
    return Routed(out, ch, helped, teach, referred, reason)


def _mediated_hours(hours: dict, teach: np.ndarray, renewal: np.ndarray) -> np.ndarray:
    first = np.where(teach, hours["teach"], hours["do_for"])
    again = hours["renewal"] * np.where(teach, 2.0, 1.0)
    return np.where(renewal, again, first)


def _holder_lost(out, reason, m, served, holder, code, renewal) -> None:
    """A renewal that must go through the intermediary keeping the codes, which cannot see
    the household this month, fails: access is lost (Mazet 2017)."""
    lost = m[~served & (holder[m] == code) & renewal[m]]
    out[lost] = FAIL
    reason[lost] = FailReason.lost_access


def _after_help(model, hh, ben, ch, out, helped, teach, email_needed, renewal, rng) -> None:
    """Learning, dependence, credentials, e-mail, and what a contact tells people."""
    h, p, lv = model.h, model.p, model.levers
    tried = (out == OK) | (out == FAIL)
    ok = out == OK
    # skills grow by practice online and by being taught, not by being done for
    alone = np.flatnonzero((ch == ONLINE_ALONE) & tried)
    h_alone = hh.take(alone)
    h.skill[h_alone] += p["practice_gain"] * (1.0 - h.skill.take(h_alone))
    taught = hh[teach & tried]
    h.skill[taught] += p["teach_gain"] * (1.0 - h.skill[taught])
    mediated = (helped == SOCIAL) | (helped == ASSOCIATION)
    by_self = ok & (ch == ONLINE_ALONE)
    done_for = ok & ((helped == RELATIVE) | (mediated & ~teach))
    h.dependent[hh[done_for]] = True
    h.dependent[hh[by_self | (ok & teach)]] = False
    # filing alone, or being taught, gives the codes back
    h.credentials_holder[hh[by_self | (ok & teach)]] = Holder.none
    # do-for on an online benefit: the mediator often keeps the access codes (Mazet 2017:
    # codes in drawers); a relative who did it will simply be asked again (dependence)
    online_benefit = lv.channels[ben, ONLINE_ALONE]
    keep_codes = rng.random(len(hh)) < p["credentials_left"] * (1.0 - lv.safe_effect * h.has_safe.take(hh))
    for who in (SOCIAL, ASSOCIATION):
        sel = hh[done_for & online_benefit & keep_codes & (helped == who)]
        h.credentials_holder[sel] = HELPER_HOLDER[who]
    # a missing address is created where one is required (alone by a skilled household,
    # or by the helper); a mediator who creates it often keeps its password (Mazet 2017)
    created = ok & email_needed
    h.email[hh[created]] = True
    knows_password = rng.random(len(hh)) < p["credentials_left"]
    for who in (SOCIAL, ASSOCIATION):
        sel = hh[created & knows_password & (helped == who) & (h.credentials_holder.take(hh) == 0)]
        h.credentials_holder[sel] = HELPER_HOLDER[who]

    model.ledger.flow("filings_total", int(ok.sum()))
    model.ledger.flow("filings_alone", int((ok & ((ch == ONLINE_ALONE) | (ch == PHONE))).sum()))
    model.ledger.flow("filings_counter", int((ok & (ch == COUNTER)).sum()))
    model.ledger.flow("new_failed_attempts", int((out == FAIL).sum()))
    model.ledger.flow("new_mediated", int((ok & mediated).sum()))
    model.ledger.flow("new_mediated_taught", int((ok & mediated & teach).sum()))
    trips = tried & (((ch == COUNTER) & ~renewal) | (ch >= SOCIAL_SERVICES))  # (posted: no trip)
    model.ledger.flow("new_trips", int(trips.sum()))
    model.ledger.add_filings(ch[ok], ben[ok])
    # every served contact may propose the other rights the household ignores
    served = tried & (ch != ONLINE_ALONE) & ~((ch == COUNTER) & renewal)  # posted: nobody saw them
    for c, agent in ((ONLINE_RELATIVE, None), (COUNTER, "counters"), (PHONE, "phone"),
                     (SOCIAL_SERVICES, "social"), (ASSOCIATION_CH, "associations")):
        sel = np.flatnonzero(served & (ch == c))
        if len(sel):
            seen = np.unique(hh[sel])
            inform_at_contact(model, seen, np.ones(len(seen), dtype=bool),
                              _propose(model, agent, h.territory.take(seen)), rng)
    # turned away by a service: a contact that proposed nothing
    refused = np.unique(hh[(out == WAIT) & (ch >= COUNTER)])
    inform_at_contact(model, refused, np.zeros(len(refused), dtype=bool), 0.0, rng)


def _propose(model, agent: str | None, terr: np.ndarray):
    """Proposition probability of the agent each contact saw (by territory)."""
    if agent is None:
        return model.p["propose"]["relative"]
    if agent == "phone":
        return model.phone.propose_probability
    services = getattr(model, agent)
    return np.array([s.propose_probability for s in services])[terr]


def step(model, batch) -> None:
    """Route the month's claims and renewals; turn claims' outcomes into claim states."""
    h, p, lv = model.h, model.p, model.levers
    rng = model.stream("attempt")
    if len(batch) == 0:
        batch.outcome = np.empty(0, dtype=np.int8)
        return
    hh, ben, ren = batch.hh, batch.ben, batch.renewal
    r = route(model, hh, ben, batch.channel, batch.queued, ren, rng)
    batch.outcome, batch.channel, batch.reason = r.outcome, r.channel, r.reason
    _burden(model, batch, r)
    claim = ~ren
    _follow_up(model, hh[claim], ben[claim], r.channel[claim])

    ok = np.flatnonzero(claim & (r.outcome == OK))
    b_ok, h_ok = ben[ok], hh[ok]
    h.state[b_ok, h_ok] = ClaimState.processing
    h.timer[b_ok, h_ok] = model.processing_months[b_ok]
    h.channel[b_ok, h_ok] = r.channel[ok]
    h.months_waiting[b_ok, h_ok] = 0
    model.ledger.add_lodged(r.channel[ok], b_ok, h.age_band.take(h_ok))
    alone = (r.channel[ok] == ONLINE_ALONE) | (r.channel[ok] == PHONE)
    p_inc = np.where(alone, p["incomplete"]["alone"] * (1.0 - h.skill[h_ok]),
                     p["incomplete"]["mediated"] * np.where(r.channel[ok] == ONLINE_RELATIVE, 2, 1))
    p_inc = p_inc * (1.0 - lv.safe_effect * h.has_safe[h_ok])
    h.incomplete[b_ok, h_ok] = rng.random(len(ok)) < p_inc

    # turned away: the claim waits where it was (a relative, a counter, a mediator)
    wait = np.flatnonzero(claim & (r.outcome == WAIT))
    h.state[ben[wait], hh[wait]] = ClaimState.queued
    h.channel[ben[wait], hh[wait]] = r.channel[wait]

    fail = np.flatnonzero(claim & ((r.outcome == FAIL) | (r.outcome == NO_ROUTE)))
    h.channel[ben[fail], hh[fail]] = r.channel[fail]
    # the agency spots a share of people failing online and orients them to mediation
    oriented = (r.channel[fail] == ONLINE_ALONE) & (rng.random(len(fail)) < lv.orientation_rate)
    o = fail[oriented]
    _record_failure(model, hh[o], ben[o], r.channel[o], r.reason[o])
    for b in range(h.n_benefits):  # (followed up when the mediator sees them)
        queue_for_mediation(model, b, hh[o][ben[o] == b])
    model.ledger.flow("new_oriented", len(o))
    f = fail[~oriented]
    b_f, h_f = ben[f], hh[f]
    h.failures[b_f, h_f] += 1
    _record_failure(model, h_f, b_f, r.channel[f], r.reason[f])
    gave_up = h.failures[b_f, h_f] >= p["max_failures"]
    h.state[b_f, h_f] = np.where(gave_up, ClaimState.gave_up, ClaimState.not_claimed)
    h.timer[b_f[gave_up], h_f[gave_up]] = p["give_up_months"]
    g = np.flatnonzero(gave_up)
    _after_failure(model, r.channel[f][g], np.full(len(g), GAVE_UP_COL))
    h.fail_reason[b_f[gave_up], h_f[gave_up]] = FailReason.none  # followed up: gave up
    for b in range(h.n_benefits):
        model.ledger.flow("new_gave_up", int((gave_up & (b_f == b)).sum()), b)


def _record_failure(model, hh, ben, channel, reason) -> None:
    """Remember the route that failed and why; its follow-up is recorded at the next
    attempt (:func:`_follow_up`) or when the household gives up."""
    h = model.h
    h.failed_channel[ben, hh] = channel
    h.fail_reason[ben, hh] = np.maximum(reason, int(FailReason.attempt_failed))
    h.failed_months[ben, hh] = 0


def _follow_up(model, hh, ben, channel) -> None:
    """Claims after a failure: record what followed it (same route again or a detour)."""
    h = model.h
    pending = h.fail_reason[ben, hh] > 0
    if not pending.any():
        return
    hp, bp = hh[pending], ben[pending]
    _after_failure(model, h.failed_channel[bp, hp], channel[pending])
    h.fail_reason[bp, hp] = FailReason.none


def _after_failure(model, failed: np.ndarray, then: np.ndarray) -> None:
    ok = (failed >= 0) & (then >= 0)
    model.ledger.add_after_failure(failed[ok], then[ok])


def _burden(model, batch, r: Routed) -> None:
    """Households' hours: the route's time (travel, forms, detours, seeking help) for an
    attempt, part of it for a trip or call that found no slot, and time spent
    following up a claim that waits."""
    h, p, lv = model.h, model.p, model.levers
    k = np.arange(len(batch))
    ch = np.maximum(batch.channel, 0)
    attempted = batch.channel >= 0
    route_hours = batch.hours[k, ch]
    turned = r.outcome == WAIT
    # a wasted trip or call: the travel and half the rest
    terr = h.territory.take(batch.hh)
    travel = np.asarray(p["travel_hours"])[terr]
    closed = h.counter_rank.take(batch.hh) >= lv.counter_open_share[terr]
    trip = np.zeros(len(batch))
    trip = np.where((batch.channel == COUNTER) & ~batch.renewal,
                    2 * travel * np.where(closed, p["closed_travel_factor"], 1.0), trip)
    trip = np.where(batch.channel == SOCIAL_SERVICES, 2 * travel, trip)
    trip = np.where(batch.channel == ASSOCIATION_CH, 2 * travel * lv.association_travel, trip)
    spent = np.where(turned, trip + 0.5 * (route_hours - trip), route_hours)
    spent = np.where(attempted & (r.outcome != NO_ROUTE), spent, 0.0)
    waiting = np.where(batch.queued & ~batch.renewal, p["queue_hours"], 0.0)
    total = spent + waiting
    failed = np.where((r.outcome == FAIL) | turned, spent, 0.0)
    seeking = np.where(((batch.channel == SOCIAL_SERVICES) | (batch.channel == ASSOCIATION_CH))
                       & ~batch.queued & attempted, p["seek_help_hours"], 0.0)
    np.add.at(h.burden_hours, batch.hh, total.astype(np.float32))
    led = model.ledger
    led.flow("burden_hours", float(total.sum()))
    led.flow("burden_hours_claims", float(total[~batch.renewal].sum()))
    led.flow("burden_travel", float(np.where(turned | (r.outcome == OK) | (r.outcome == FAIL),
                                             trip, 0.0).sum()))
    led.flow("burden_failed", float(failed.sum()))
    led.flow("burden_waiting", float(waiting.sum()))
    led.flow("burden_seeking", float(seeking.sum()))
    led.add_household_hours(batch.hh, total)
