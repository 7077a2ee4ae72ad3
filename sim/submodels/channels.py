"""Routes to a claim: which ones a household can use, and what each costs it.

Burden is counted in euros (hours at the value of time) in the three parts of
Herd & Moynihan: learning (finding one's way online), psychological (fear of
error, fear for one's data, asking for help) and compliance (time, travel,
paperwork).  ``options`` returns, for ``k`` (household, benefit) pairs:
``avail`` (k, 6) bool, ``cost`` (k, 6) EUR and ``hours`` (k, 6) hours.

What a household has lived through changes its routes:

- **memory**: the route that failed last time costs ``memory_penalty`` more
  (people avoid what failed them, and detour);
- **dependence**: a household whose last filing was done for it and which has
  not learnt (skill below ``autonomy_skill``) cannot file online alone;
- **credentials**: a household whose access codes an intermediary keeps cannot
  file online alone either, and any other helper must first recover the codes
  (``email_setup_hours``); only the holder's route is as cheap as before.
"""

from __future__ import annotations

import numpy as np

from ..categories import (CH_ALONE, CH_ASSOCIATION, CH_COUNTER, CH_PHONE, CH_RELATIVE, CH_SOCIAL,
                          RECEIVING, Channel, Equipment, Holder, Intention, NonConnection)

N_CHANNELS = len(Channel)
# plain ints: comparing an int8 array with an IntEnum member casts the whole array (~10x slower)
NO_EQUIPMENT, SMARTPHONE = int(Equipment.none), int(Equipment.smartphone)
RADICAL, DATA_FEAR = int(Intention.radical), int(NonConnection.data_fear)
CAF = 0  # index of "caf" in sim.benefits.AGENCIES
ALONE, RELATIVE, COUNTER, PHONE, SOCIAL, ASSOCIATION = (CH_ALONE, CH_RELATIVE, CH_COUNTER, CH_PHONE,
                                                        CH_SOCIAL, CH_ASSOCIATION)
HELPED = (RELATIVE, SOCIAL, ASSOCIATION)
HOLDER_CHANNEL = {int(Holder.relative): RELATIVE, int(Holder.social_services): SOCIAL,
                  int(Holder.association): ASSOCIATION}


def vulnerable(model, hh: np.ndarray) -> np.ndarray:
    """Households the alternative route is kept for (old, unequipped or low skill)."""
    h = model.h
    return _vulnerable(model.levers, h.age.take(hh), h.skill.take(hh), h.equipment.take(hh))


def _vulnerable(lv, age, skill, equipment) -> np.ndarray:
    return (age >= lv.alternative_age) | (skill < lv.alternative_skill) | (equipment == NO_EQUIPMENT)


def can_go_online(model, hh: np.ndarray, ben) -> np.ndarray:
    """Equipped, connected (home internet or mobile data), skilled enough, e-mail if
    required (or skilled enough to create one), not a radical non-user."""
    h = model.h
    return _can_go_online(model, hh, ben, h.equipment.take(hh), h.skill.take(hh))


def _can_go_online(model, hh, ben, equipment, skill) -> np.ndarray:
    h, lv, p = model.h, model.levers, model.p
    return ((equipment > NO_EQUIPMENT)
            & (h.home_internet.take(hh) | (equipment == SMARTPHONE))
            & (skill >= p["min_skill_online"])
            & (h.email.take(hh) | ~lv.email_required[ben] | (skill >= p["self_email_skill"]))
            & (h.intention.take(hh) != RADICAL))


def options(model, hh: np.ndarray, ben, renewal: bool = False, queued=None):
    """Routes open to ``k`` (household, benefit) pairs and their cost.

    ``ben`` is a (k,) array of benefit codes, or one code shared by all pairs.
    ``queued``: (k,) bool, pairs already waiting for a slot (they sought help already).
    Returns ``avail`` (k, 6) bool, ``cost`` (k, 6) EUR and ``hours`` (k, 6) hours;
    they are transposed views of (6, k) arrays, so that each channel's column is
    one contiguous row (``.T`` gives it back).
    """
    h, lv, p = model.h, model.levers, model.p
    k = len(hh)
    skill32 = h.skill.take(hh)
    equipment = h.equipment.take(hh)
    terr = h.territory.take(hh)
    allowed = [lv.channels[:, c][ben] for c in range(N_CHANNELS)]  # (k,) or scalar per channel
    walk_in = np.full(k, not lv.appointment_only)
    if lv.alternative_route:  # counter without appointment and phone kept for the vulnerable
        vul = _vulnerable(lv, h.age.take(hh), skill32, equipment)
        allowed[COUNTER] = allowed[COUNTER] | vul
        allowed[PHONE] = allowed[PHONE] | vul
        walk_in |= vul
    online = _can_go_online(model, hh, ben, equipment, skill32)
    holder = h.credentials_holder.take(hh)
    held = holder > 0
    # done for last time and not learnt since, or codes kept by someone: no filing alone
    blocked = (held | h.dependent.take(hh)) & (skill32 < p["autonomy_skill"])
    has_helper = h.n_helpers.take(hh) > 0
    open_share = lv.counter_open_share[terr]
    counter_exists = open_share > 0
    own_counter_closed = h.counter_rank.take(hh) >= open_share
    can_book = online | has_helper | walk_in
    assoc_in_reach = h.association_rank.take(hh) < lv.association_presence[terr]

    avail = np.empty((N_CHANNELS, k), dtype=bool)
    avail[ALONE] = allowed[ALONE] & online & ~blocked
    avail[RELATIVE] = allowed[RELATIVE] & has_helper
    # a paper declaration is posted (the agency's back office, no visit); a paper claim is
    # lodged at a counter (or with its help)
    avail[COUNTER] = allowed[COUNTER] if renewal else allowed[COUNTER] & counter_exists & can_book
    avail[PHONE] = allowed[PHONE]
    avail[SOCIAL] = allowed[SOCIAL]
    avail[ASSOCIATION] = allowed[ASSOCIATION] & assoc_in_reach

    skill = skill32.astype(np.float64)
    light = 0.3 if renewal else 1.0
    paper = p["paperwork_hours"] * model.complexity[ben] * light
    travel = np.asarray(p["travel_hours"])[terr]
    counter_travel = travel * np.where(own_counter_closed, p["closed_travel_factor"], 1.0)
    fear = p["fear_of_error"]
    data_fear = p["data_fear_cost"] * (h.non_connection.take(hh) == DATA_FEAR)
    learn = p["learning_cost"] * (1.0 - skill) * light

    # the agency already holds the file of a household it pays: a lighter claim
    known = information_known(model, hh, ben)
    paper = paper * np.where(known, p["known_file_factor"], 1.0)

    hours = np.empty((N_CHANNELS, k))
    hours[ALONE] = paper * (1.5 - skill)
    hours[RELATIVE] = 0.5 * paper + 0.5
    hours[COUNTER] = 1.0 + 0.5 * paper if renewal else 2 * counter_travel + 1.0 + 0.5 * paper
    hours[PHONE] = 1.0 + 0.5 * paper
    hours[SOCIAL] = 2 * travel + 1.5 + 0.3 * paper
    hours[ASSOCIATION] = 2 * travel * lv.association_travel + 1.5 + 0.3 * paper
    # finding where to get help, the first time (a queued claim has found it already)
    seek = p["seek_help_hours"] * (np.ones(k) if queued is None else ~np.asarray(queued))
    hours[SOCIAL] += seek
    hours[ASSOCIATION] += seek

    # filing online, alone or through someone else, takes the household trips and time
    # that fall on the least skilled: scanned papers, codes, coming back (Mazet 2017:
    # "more trials")
    online_filing = lv.channels[:, ALONE][ben]
    if np.any(online_filing):  # (adding zero hours changes nothing)
        detour = p["online_detour_hours"] * (1.0 - skill) * online_filing * light
        for c in (ALONE, *HELPED):
            hours[c] += detour
        need_email = email_missing(model, hh, ben) & online_filing
        if need_email.any():
            # alone: a skilled household creates the address itself; helped: with the helper
            hours[ALONE] += p["email_setup_hours"] * (1.0 - skill) * need_email
            for c in HELPED:
                hours[c] += p["email_setup_hours"] * need_email
        if held.any():  # another helper must first recover the codes the holder keeps
            for c in HELPED:
                recover = held & (holder != _holder_code(c)) & online_filing
                hours[c] += p["email_setup_hours"] * recover
    # appointment-only counters: booking online takes time, or a favour from a relative
    counter_psych = 0.3 * fear
    if not walk_in.all() and not renewal:
        booking = ~walk_in & avail[COUNTER]
        hours[COUNTER] += p["booking_hours"] * booking
        counter_psych = counter_psych + p["relative_cost"] * (booking & ~online)
    if lv.paper_route.any():  # an online-first benefit's paper form must be asked for (once:
        # the agency then sends the declarations on paper: a declaration bears a share)
        share = p["paper_renewal_factor"] if renewal else 1.0
        counter_psych = counter_psych + p["paper_cost"] * share * lv.paper_route[ben]

    # cost = time + psychological cost + expected cost of failing (people avoid routes
    # they expect to fail on), channel by channel: constant terms are added as scalars
    s = p["success"]
    cost = p["value_of_time"] * hours
    cost[ALONE] += fear * (1.0 - skill) + data_fear + learn
    cost[ALONE] += fear * (1.0 - success_online(model, skill, ben, renewal))
    cost[RELATIVE] += p["relative_cost"] + 0.3 * fear + data_fear
    cost[RELATIVE] += fear * 0.1
    cost[COUNTER] += counter_psych
    cost[COUNTER] += fear * (1.0 - s["counter"])
    cost[PHONE] += 0.6 * fear
    cost[PHONE] += fear * (1.0 - s["phone"])
    for c in (SOCIAL, ASSOCIATION):
        cost[c] += p["mediated_cost"]
        cost[c] += fear * (1.0 - s["do_for"])
    # memory: the route that failed last time is expected to fail again
    failed = model.h.failed_channel[ben, hh] if np.ndim(ben) else model.h.failed_channel[ben].take(hh)
    if (failed >= 0).any():
        for c in range(N_CHANNELS):
            cost[c] += p["memory_penalty"] * (failed == c)
    return avail.T, cost.T, hours.T


def known_to_agency(model, b: int, idx: np.ndarray | None = None) -> np.ndarray:
    """Bool per household (of ``idx``, or all): the agency paying benefit ``b`` already
    pays it something (another of its benefits, or a CAF benefit the model does not
    simulate)."""
    cache = getattr(model, "known_cache", None)
    if cache is not None:  # the month's masks, while no state changes (claims.decide)
        return cache[b] if idx is None else cache[b].take(idx)
    h, lv = model.h, model.levers
    take = (lambda a: a) if idx is None else (lambda a: a.take(idx))  # noqa: E731
    known = take(h.other_benefit) if lv.agency[b] == CAF else np.zeros(
        h.n if idx is None else len(idx), dtype=bool)
    for c in range(h.n_benefits):
        if c != b and lv.agency[c] == lv.agency[b]:
            known = known | (take(h.state[c]) == RECEIVING)
    return known


def information_known(model, hh: np.ndarray, ben) -> np.ndarray:
    """(k,) bool: the agency paying ``ben`` (one code or one per pair) already pays ``hh``."""
    if not np.ndim(ben):
        return known_to_agency(model, int(ben), hh)
    cache = getattr(model, "known_cache", None)
    if cache is not None:  # (n_benefits, n) masks of the month's decisions
        return cache[ben, hh]
    out = np.zeros(len(hh), dtype=bool)
    for b in np.unique(ben):
        sel = np.flatnonzero(ben == b)
        out[sel] = known_to_agency(model, int(b), hh[sel])
    return out


def _holder_code(channel: int) -> int:
    return {RELATIVE: int(Holder.relative), SOCIAL: int(Holder.social_services),
            ASSOCIATION: int(Holder.association)}[channel]


def email_missing(model, hh: np.ndarray, ben) -> np.ndarray:
    """(k,) bool: an e-mail address is required for ``ben`` and the household has none."""
    return ~model.h.email.take(hh) & model.levers.email_required[ben]


def success_online(model, skill, ben, renewal: bool = False) -> np.ndarray:
    """Chance to file alone online: logistic in (skill - complexity)."""
    cx = model.complexity[ben].astype(np.float64) * (0.5 if renewal else 1.0)
    return 1.0 / (1.0 + np.exp(-np.clip(model.p["success_slope"] * (skill - cx), -50, 50)))


def choose(model, avail: np.ndarray, cost: np.ndarray, rng) -> np.ndarray:
    """Multinomial logit over available routes (Gumbel trick); -1 where none is open.

    ``avail`` and ``cost`` are (k, 6); one uniform draw per (pair, route) in that
    order.  Utilities are compared route by route on (6, k) rows (``options``
    returns transposed views, so ``.T`` is contiguous); ties go to the first route.
    """
    k = len(avail)
    if k == 0:
        return np.empty(0, dtype=np.int8)
    gumbel = np.log(-np.log(rng.random(cost.shape)))
    util = -cost.T / model.p["choice_scale"]
    util -= gumbel.T
    np.copyto(util, -np.inf, where=~avail.T)
    best = util[0].copy()
    pick = np.zeros(k, dtype=np.int8)
    for c in range(1, N_CHANNELS):
        np.copyto(pick, c, where=util[c] > best)
        np.maximum(best, util[c], out=best)
    return np.where(avail.T.any(axis=0), pick, -1).astype(np.int8)
