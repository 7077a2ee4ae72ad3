"""Routes to a claim: which ones a household can use, and what each costs it.

Burden is counted in euros (hours at the value of time) in the three parts of
Herd & Moynihan: learning (finding one's way online), psychological (fear of
error, fear for one's data, asking for help) and compliance (time, travel,
paperwork).  ``options`` returns, for ``k`` (household, benefit) pairs:
``avail`` (k, 6) bool, ``cost`` (k, 6) EUR and ``hours`` (k, 6) hours.
"""

from __future__ import annotations

import numpy as np

from ..categories import Channel, Equipment, Intention, NonConnection

N_CHANNELS = len(Channel)
# plain ints: comparing an int8 array with an IntEnum member casts the whole array (~10x slower)
NO_EQUIPMENT, SMARTPHONE = int(Equipment.none), int(Equipment.smartphone)
RADICAL, DATA_FEAR = int(Intention.radical), int(NonConnection.data_fear)


def vulnerable(model, hh: np.ndarray) -> np.ndarray:
    """Households the alternative route is kept for (old, unequipped or low skill)."""
    h = model.h
    return _vulnerable(model.levers, h.age.take(hh), h.skill.take(hh), h.equipment.take(hh))


def _vulnerable(lv, age, skill, equipment) -> np.ndarray:
    return (age >= lv.alternative_age) | (skill < lv.alternative_skill) | (equipment == NO_EQUIPMENT)


def can_go_online(model, hh: np.ndarray, ben) -> np.ndarray:
    """Equipped, connected (home internet or mobile data), skilled enough, e-mail if required."""
    h = model.h
    return _can_go_online(model, hh, ben, h.equipment.take(hh), h.skill.take(hh))


def _can_go_online(model, hh, ben, equipment, skill) -> np.ndarray:
    h, lv, p = model.h, model.levers, model.p
    return ((equipment > NO_EQUIPMENT)
            & (h.home_internet.take(hh) | (equipment == SMARTPHONE))
            & (skill >= p["min_skill_online"])
            & (h.email.take(hh) | ~lv.email_required[ben])
            & (h.intention.take(hh) != RADICAL))


def options(model, hh: np.ndarray, ben, renewal: bool = False):
    """Routes open to ``k`` (household, benefit) pairs and their cost.

    ``ben`` is a (k,) array of benefit codes, or one code shared by all pairs.
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
        allowed[Channel.counter] = allowed[Channel.counter] | vul
        allowed[Channel.phone] = allowed[Channel.phone] | vul
        walk_in |= vul
    online = _can_go_online(model, hh, ben, equipment, skill32)
    has_helper = h.n_helpers.take(hh) > 0
    open_share = lv.counter_open_share[terr]
    counter_exists = open_share > 0
    own_counter_closed = h.counter_rank.take(hh) >= open_share
    can_book = online | has_helper | walk_in
    assoc_in_reach = h.association_rank.take(hh) < lv.association_presence[terr]

    avail = np.empty((N_CHANNELS, k), dtype=bool)
    avail[Channel.online_alone] = allowed[Channel.online_alone] & online
    avail[Channel.online_relative] = allowed[Channel.online_relative] & has_helper
    avail[Channel.counter] = allowed[Channel.counter] & counter_exists & can_book
    avail[Channel.phone] = allowed[Channel.phone]
    avail[Channel.social_services] = allowed[Channel.social_services]
    avail[Channel.association] = allowed[Channel.association] & assoc_in_reach

    skill = skill32.astype(np.float64)
    paper = p["paperwork_hours"] * model.complexity[ben] * (0.3 if renewal else 1.0)
    travel = np.asarray(p["travel_hours"])[terr]
    counter_travel = travel * np.where(own_counter_closed, p["closed_travel_factor"], 1.0)
    fear = p["fear_of_error"]
    data_fear = p["data_fear_cost"] * (h.non_connection.take(hh) == DATA_FEAR)
    learn = p["learning_cost"] * (1.0 - skill) * (0.3 if renewal else 1.0)

    hours = np.empty((N_CHANNELS, k))
    hours[Channel.online_alone] = paper * (1.5 - skill)
    hours[Channel.online_relative] = 0.5 * paper + 0.5
    hours[Channel.counter] = 2 * counter_travel + 1.0 + 0.5 * paper
    hours[Channel.phone] = 1.0 + 0.5 * paper
    hours[Channel.social_services] = 2 * travel + 1.5 + 0.3 * paper
    hours[Channel.association] = 2 * travel * lv.association_travel + 1.5 + 0.3 * paper

    # filing online through someone else still takes the household trips and time:
    # an e-mail address, scanned papers, codes, coming back (Mazet 2017: "more trials")
    online_filing = lv.channels[:, Channel.online_alone][ben]
    if np.any(online_filing):  # (adding zero hours changes nothing)
        detour = p["online_detour_hours"] * (1.0 - skill) * online_filing * (0.3 if renewal else 1.0)
        for c in (Channel.online_relative, Channel.social_services, Channel.association):
            hours[c] += detour
        # no e-mail but one is required: someone has to create it (and often keeps its password)
        no_email = (~h.email.take(hh) & lv.email_required[ben] & online_filing).astype(np.float64)
        if no_email.any():
            for c in (Channel.online_relative, Channel.social_services, Channel.association):
                hours[c] += p["email_setup_hours"] * no_email
    # appointment-only counters: booking online takes time, or a favour from a relative
    counter_psych = 0.3 * fear
    if not walk_in.all():
        booking = ~walk_in & avail[Channel.counter]
        hours[Channel.counter] += p["booking_hours"] * booking
        counter_psych = counter_psych + p["relative_cost"] * (booking & ~online)

    # cost = time + psychological cost + expected cost of failing (people avoid routes
    # they expect to fail on), channel by channel: constant terms are added as scalars
    s = p["success"]
    cost = p["value_of_time"] * hours
    cost[Channel.online_alone] += fear * (1.0 - skill) + data_fear + learn
    cost[Channel.online_alone] += fear * (1.0 - success_online(model, skill, ben, renewal))
    cost[Channel.online_relative] += p["relative_cost"] + 0.3 * fear + data_fear
    cost[Channel.online_relative] += fear * 0.1
    cost[Channel.counter] += counter_psych
    cost[Channel.counter] += fear * (1.0 - s["counter"])
    cost[Channel.phone] += 0.6 * fear
    cost[Channel.phone] += fear * (1.0 - s["phone"])
    for c in (Channel.social_services, Channel.association):
        cost[c] += p["mediated_cost"]
        cost[c] += fear * (1.0 - s["do_for"])
    return avail.T, cost.T, hours.T


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
