"""Step 5 - the attempt: filing through the chosen route, within capacities.

``route`` is the shared machinery for claims and renewals: it serves each
(household, benefit) pair through its channel, in the order relatives,
counters, phone, social services, associations, so that social services can
refer what they cannot absorb to associations in the same month (the
delegation chain of Mazet 2017).  Mediators either *do it for* the household
(fast, no learning, access codes often left with them) or *teach* it (slower,
skill grows).  It returns an outcome per pair; ``step`` turns outcomes of new
claims into claim states.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..categories import Channel, ClaimState, Territory
from . import channels

OK, FAIL, WAIT, NO_ROUTE = 0, 1, 2, 3
SELF, RELATIVE, AGENCY, SOCIAL, ASSOCIATION = 0, 1, 2, 3, 4
# plain ints: comparing an int8 array with an IntEnum member casts the whole array (~10x slower)
ONLINE_ALONE, ONLINE_RELATIVE, COUNTER, PHONE, SOCIAL_SERVICES, ASSOCIATION_CH = map(int, Channel)
TERRITORIES = tuple(map(int, Territory))


def _logistic(x):
    return 1.0 / (1.0 + np.exp(-np.clip(x, -50, 50)))


@dataclass
class Routed:
    outcome: np.ndarray  # (k,) OK / FAIL / WAIT / NO_ROUTE
    channel: np.ndarray  # (k,) final channel (a referral changes it)
    helped_by: np.ndarray  # (k,) SELF / RELATIVE / AGENCY / SOCIAL / ASSOCIATION
    teach: np.ndarray  # (k,) bool: mediated help given as teaching
    referred: np.ndarray  # (k,) bool: social services referred to an association


def route(model, hh, ben, channel, queued, renewal: bool, rng) -> Routed:
    h, p, lv = model.h, model.p, model.levers
    k = len(hh)
    out = np.full(k, NO_ROUTE, dtype=np.int8)
    ch = channel.astype(np.int8).copy()
    helped = np.zeros(k, dtype=np.int8)
    teach = rng.random(k) < lv.teach_share
    referred = np.zeros(k, dtype=bool)
    u_ok, u_pick, u_ref = rng.random(k), rng.random(k), rng.random(k)
    order = rng.random(k) - queued  # people already queuing are served first
    cx = model.complexity[ben].astype(np.float64) * (0.5 if renewal else 1.0)
    slope = p["success_slope"]
    hours = p["hours"]
    succ = p["success"]
    mediated_hours = np.where(teach, hours["teach"], hours["do_for"])
    if renewal:
        mediated_hours = np.full(k, hours["renewal"]) * np.where(teach, 2.0, 1.0)
    mediated_ok = np.where(teach, succ["teach"], succ["do_for"])
    counter_ok, phone_ok = succ["counter"], succ["phone"]
    if renewal:  # a declaration is simpler than a first claim: fewer ways to fail
        mediated_ok = 1.0 - 0.3 * (1.0 - mediated_ok)
        counter_ok, phone_ok = 1.0 - 0.3 * (1.0 - counter_ok), 1.0 - 0.3 * (1.0 - phone_ok)

    if renewal:  # a missing paper is the usual reason a declaration fails: the safe helps
        # failure probability (1 - p) scaled by keep = 1 - effect: success iff 1 - (1 - u) / keep < p
        keep = 1.0 - lv.safe_effect * h.has_safe[hh]
        u_ok = np.where(keep > 0, 1.0 - (1.0 - u_ok) / np.maximum(keep, 1e-12), -1.0)

    m = np.flatnonzero(ch == ONLINE_ALONE)
    out[m] = np.where(u_ok[m] < channels.success_online(model, h.skill[hh[m]], ben[m], renewal), OK, FAIL)

    m = np.flatnonzero(ch == ONLINE_RELATIVE)
    if len(m):
        helpers = model.net.pick_helper(hh[m], u_pick[m])
        rel_hours = hours["relative"] * (0.5 if renewal else 1.0)
        served = model.net.serve(helpers, rel_hours, order[m])
        ok = u_ok[m] < _logistic(slope * (h.skill[np.maximum(helpers, 0)] - cx[m]))
        out[m] = np.where(served, np.where(ok, OK, FAIL), WAIT)
        helped[m[served]] = RELATIVE
        model.ledger.flow("hours_relatives", rel_hours * int(served.sum()))

    terr = h.territory[hh]
    for t in TERRITORIES:
        m = np.flatnonzero((ch == COUNTER) & (terr == t))
        if len(m):
            served = model.counters[t].serve(np.ones(len(m)), order[m])
            out[m] = np.where(served, np.where(u_ok[m] < counter_ok, OK, FAIL), WAIT)
            helped[m[served]] = AGENCY
            model.ledger.flow("counter_visits", int(served.sum()))

    m = np.flatnonzero(ch == PHONE)
    out[m] = np.where(u_ok[m] < phone_ok, OK, FAIL)
    helped[m] = AGENCY

    in_reach = h.association_rank[hh] < lv.association_presence[terr]
    for t in TERRITORIES:
        m = np.flatnonzero((ch == SOCIAL_SERVICES) & (terr == t))
        if len(m):
            served = model.social[t].serve(mediated_hours[m], order[m])
            out[m] = np.where(served, np.where(u_ok[m] < mediated_ok[m], OK, FAIL), WAIT)
            helped[m[served]] = SOCIAL
            # saturated social services refer on to an association within reach
            ref = m[~served & (u_ref[m] < p["referral_prob"]) & in_reach[m]]
            referred[ref] = True
            ch[ref] = Channel.association
            model.ledger.flow("new_referrals", len(ref))
    for t in TERRITORIES:
        m = np.flatnonzero((ch == ASSOCIATION_CH) & (terr == t))
        if len(m):
            served = model.associations[t].serve(mediated_hours[m], order[m])
            out[m] = np.where(served, np.where(u_ok[m] < mediated_ok[m], OK, FAIL), WAIT)
            helped[m[served]] = ASSOCIATION
    mediated = (helped == SOCIAL) | (helped == ASSOCIATION)
    teach &= mediated
    model.ledger.flow("new_turned_away", int(((out == WAIT) & (ch >= SOCIAL_SERVICES)).sum()))
    _after_help(model, hh, ben, ch, out, helped, teach, rng)
    return Routed(out, ch, helped, teach, referred)


def _after_help(model, hh, ben, ch, out, helped, teach, rng) -> None:
    """Burden, learning, dependence, credentials, and what a contact tells people."""
    h, p, lv = model.h, model.p, model.levers
    tried = (out == OK) | (out == FAIL)
    ok = out == OK
    # skills grow by practice online and by being taught, not by being done for
    alone = np.flatnonzero((ch == ONLINE_ALONE) & tried)
    h_alone = hh.take(alone)
    h.skill[h_alone] += p["practice_gain"] * (1.0 - h.skill.take(h_alone))
    taught = np.flatnonzero(teach & tried)
    h.skill[hh[taught]] += p["teach_gain"] * (1.0 - h.skill[hh[taught]])
    mediated = (helped == SOCIAL) | (helped == ASSOCIATION)
    by_self = ok & (ch == ONLINE_ALONE)
    done_for = ok & ((helped == RELATIVE) | (mediated & ~teach))
    h.dependent[hh[done_for]] = True
    h.dependent[hh[by_self | (ok & teach)]] = False
    h.credentials_held[hh[by_self]] = False
    # do-for on an online benefit: the mediator often keeps the access codes
    online_benefit = lv.channels[ben, Channel.online_alone]
    keep_codes = rng.random(len(hh)) < p["credentials_left"] * (
        1.0 - lv.safe_effect * h.has_safe[hh])
    mediated_do_for = done_for & mediated & online_benefit & keep_codes
    h.credentials_held[hh[mediated_do_for]] = True
    # a helper filing where an e-mail is required creates one for the household, and often
    # keeps its password (Mazet 2017: codes kept in drawers)
    created = ok & (helped != SELF) & (helped != AGENCY) & lv.email_required[ben] & ~h.email[hh]
    knows_password = rng.random(len(hh)) < p["credentials_left"]
    h.credentials_held[hh[created & knows_password]] = True
    h.email[hh[created]] = True

    model.ledger.flow("filings_total", int(ok.sum()))
    model.ledger.flow("filings_alone", int((ok & ((helped == SELF) | (helped == AGENCY))).sum()))
    model.ledger.flow("new_failed_attempts", int((out == FAIL).sum()))
    trips = tried & ((ch == COUNTER) | (ch >= SOCIAL_SERVICES))
    model.ledger.flow("new_trips", int(trips.sum()))
    model.ledger.add_filings(ch[ok], ben[ok])
    inform_at_contact(model, hh[tried & (ch != ONLINE_ALONE)],
                      hh[(out == WAIT) & (ch >= SOCIAL_SERVICES)], rng)


def inform_at_contact(model, seen: np.ndarray, refused: np.ndarray, rng) -> None:
    """Any served contact may reveal other rights; a saturated service does not tell."""
    h, p = model.h, model.p
    for b in range(h.n_benefits):
        s = seen[(h.amount[b].take(seen) > 0) & ~h.aware[b].take(seen)]
        told = s[rng.random(len(s)) < p["info_contact"]]
        h.aware[b, told] = True
        h.not_proposed[b, told] = False
        r = refused[(h.amount[b].take(refused) > 0) & ~h.aware[b].take(refused)]
        h.not_proposed[b, r] = True


def step(model, batch) -> None:
    """Turn new claims' outcomes into claim states."""
    h, p, lv = model.h, model.p, model.levers
    rng = model.stream("attempt")
    if len(batch) == 0:
        return
    hh, ben = batch.hh, batch.ben
    r = route(model, hh, ben, batch.channel, batch.queued, renewal=False, rng=rng)
    attempted = r.channel >= 0
    k = np.arange(len(hh))
    burden = np.where(attempted, batch.hours[k, np.maximum(r.channel, 0)], 0.0)
    np.add.at(h.burden_hours, hh, burden.astype(np.float32))
    model.ledger.flow("burden_hours", float(burden.sum()))

    ok = np.flatnonzero(r.outcome == OK)
    b_ok, h_ok = ben[ok], hh[ok]
    h.state[b_ok, h_ok] = ClaimState.processing
    h.timer[b_ok, h_ok] = model.processing_months[b_ok]
    h.channel[b_ok, h_ok] = r.channel[ok]
    h.months_waiting[b_ok, h_ok] = 0
    alone = (r.channel[ok] == ONLINE_ALONE) | (r.channel[ok] == PHONE)
    p_inc = np.where(alone, p["incomplete"]["alone"] * (1.0 - h.skill[h_ok]),
                     p["incomplete"]["mediated"] * np.where(r.channel[ok] == ONLINE_RELATIVE, 2, 1))
    p_inc = p_inc * (1.0 - lv.safe_effect * h.has_safe[h_ok])
    h.incomplete[b_ok, h_ok] = rng.random(len(ok)) < p_inc

    wait = np.flatnonzero((r.outcome == WAIT) & (r.channel != ONLINE_RELATIVE))
    h.state[ben[wait], hh[wait]] = ClaimState.queued
    h.channel[ben[wait], hh[wait]] = r.channel[wait]

    fail = np.flatnonzero((r.outcome == FAIL) | (r.outcome == NO_ROUTE))
    b_f, h_f = ben[fail], hh[fail]
    h.channel[b_f, h_f] = r.channel[fail]
    # the agency spots people failing online and orients them to mediation
    oriented = (r.channel[fail] == ONLINE_ALONE) & (rng.random(len(fail)) < lv.detection_rate)
    o = fail[oriented]
    in_reach = h.association_rank[hh[o]] < lv.association_presence[h.territory[hh[o]]]
    h.state[ben[o], hh[o]] = ClaimState.queued
    h.channel[ben[o], hh[o]] = np.where(in_reach, Channel.association, Channel.social_services)
    model.ledger.flow("new_oriented", len(o))
    f = fail[~oriented]
    b_f, h_f = ben[f], hh[f]
    h.failures[b_f, h_f] += 1
    gave_up = h.failures[b_f, h_f] >= p["max_failures"]
    h.state[b_f, h_f] = np.where(gave_up, ClaimState.gave_up, ClaimState.not_claimed)
    h.timer[b_f[gave_up], h_f[gave_up]] = p["give_up_months"]
    for b in range(h.n_benefits):
        model.ledger.flow("new_gave_up", int((gave_up & (b_f == b)).sum()), b)
