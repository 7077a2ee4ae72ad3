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


def vulnerable(model, hh: np.ndarray) -> np.ndarray:
    """Households the alternative route is kept for (old, unequipped or low skill)."""
    h, lv = model.h, model.levers
    return ((h.age[hh] >= lv.alternative_age) | (h.skill[hh] < lv.alternative_skill)
            | (h.equipment[hh] == Equipment.none))


def can_go_online(model, hh: np.ndarray, ben: np.ndarray) -> np.ndarray:
    """Equipped, connected (home internet or mobile data), skilled enough, e-mail if required."""
    h, lv, p = model.h, model.levers, model.p
    return ((h.equipment[hh] > Equipment.none)
            & (h.home_internet[hh] | (h.equipment[hh] == Equipment.smartphone))
            & (h.skill[hh] >= p["min_skill_online"])
            & (h.email[hh] | ~lv.email_required[ben])
            & (h.intention[hh] != Intention.radical))


def options(model, hh: np.ndarray, ben: np.ndarray, renewal: bool = False):
    h, lv, p = model.h, model.levers, model.p
    k = len(hh)
    allowed = lv.channels[ben].copy()
    walk_in = np.full(k, not lv.appointment_only)
    if lv.alternative_route:  # counter without appointment and phone kept for the vulnerable
        vul = vulnerable(model, hh)
        allowed[vul, Channel.counter] = True
        allowed[vul, Channel.phone] = True
        walk_in |= vul
    online = can_go_online(model, hh, ben)
    has_helper = h.n_helpers[hh] > 0
    terr = h.territory[hh]
    open_share = lv.counter_open_share[terr]
    counter_exists = open_share > 0
    own_counter_closed = h.counter_rank[hh] >= open_share
    can_book = online | has_helper | walk_in
    assoc_in_reach = h.association_rank[hh] < lv.association_presence[terr]

    avail = np.zeros((k, N_CHANNELS), dtype=bool)
    avail[:, Channel.online_alone] = allowed[:, Channel.online_alone] & online
    avail[:, Channel.online_relative] = allowed[:, Channel.online_relative] & has_helper
    avail[:, Channel.counter] = allowed[:, Channel.counter] & counter_exists & can_book
    avail[:, Channel.phone] = allowed[:, Channel.phone]
    avail[:, Channel.social_services] = allowed[:, Channel.social_services]
    avail[:, Channel.association] = allowed[:, Channel.association] & assoc_in_reach

    skill = h.skill[hh].astype(np.float64)
    paper = p["paperwork_hours"] * model.complexity[ben] * (0.3 if renewal else 1.0)
    travel = np.asarray(p["travel_hours"])[terr]
    counter_travel = travel * np.where(own_counter_closed, p["closed_travel_factor"], 1.0)
    fear = p["fear_of_error"]
    data_fear = p["data_fear_cost"] * (h.non_connection[hh] == NonConnection.data_fear)
    learn = p["learning_cost"] * (1.0 - skill) * (0.3 if renewal else 1.0)

    hours = np.empty((k, N_CHANNELS))
    hours[:, Channel.online_alone] = paper * (1.5 - skill)
    hours[:, Channel.online_relative] = 0.5 * paper + 0.5
    hours[:, Channel.counter] = 2 * counter_travel + 1.0 + 0.5 * paper
    hours[:, Channel.phone] = 1.0 + 0.5 * paper
    hours[:, Channel.social_services] = 2 * travel + 1.5 + 0.3 * paper
    hours[:, Channel.association] = 2 * travel * lv.association_travel + 1.5 + 0.3 * paper

    psych = np.empty((k, N_CHANNELS))
    psych[:, Channel.online_alone] = fear * (1.0 - skill) + data_fear + learn
    psych[:, Channel.online_relative] = p["relative_cost"] + 0.3 * fear + data_fear
    psych[:, Channel.counter] = 0.3 * fear
    psych[:, Channel.phone] = 0.6 * fear
    psych[:, Channel.social_services] = p["mediated_cost"]
    psych[:, Channel.association] = p["mediated_cost"]
    # filing online through someone else still takes the household trips and time:
    # an e-mail address, scanned papers, codes, coming back (Mazet 2017: "more trials")
    online_filing = lv.channels[ben, Channel.online_alone]
    detour = p["online_detour_hours"] * (1.0 - skill) * online_filing * (0.3 if renewal else 1.0)
    for c in (Channel.online_relative, Channel.social_services, Channel.association):
        hours[:, c] += detour
    # no e-mail but one is required: someone has to create it (and often keeps its password)
    no_email = (~h.email[hh] & lv.email_required[ben] & online_filing).astype(np.float64)
    for c in (Channel.online_relative, Channel.social_services, Channel.association):
        hours[:, c] += p["email_setup_hours"] * no_email
    # expected cost of failing: people avoid routes they expect to fail on
    p_fail = np.empty((k, N_CHANNELS))
    p_fail[:, Channel.online_alone] = 1.0 - success_online(model, skill, ben, renewal)
    p_fail[:, Channel.online_relative] = 0.1
    p_fail[:, Channel.counter] = 1.0 - p["success"]["counter"]
    p_fail[:, Channel.phone] = 1.0 - p["success"]["phone"]
    p_fail[:, Channel.social_services] = 1.0 - p["success"]["do_for"]
    p_fail[:, Channel.association] = 1.0 - p["success"]["do_for"]
    # appointment-only counters: booking online takes time, or a favour from a relative
    booking = ~walk_in & avail[:, Channel.counter]
    hours[:, Channel.counter] += p["booking_hours"] * booking
    psych[:, Channel.counter] += p["relative_cost"] * (booking & ~online)
    cost = p["value_of_time"] * hours + psych + fear * p_fail
    return avail, cost, hours


def success_online(model, skill, ben, renewal: bool = False) -> np.ndarray:
    """Chance to file alone online: logistic in (skill - complexity)."""
    cx = model.complexity[ben].astype(np.float64) * (0.5 if renewal else 1.0)
    return 1.0 / (1.0 + np.exp(-np.clip(model.p["success_slope"] * (skill - cx), -50, 50)))


def choose(model, avail: np.ndarray, cost: np.ndarray, rng) -> np.ndarray:
    """Multinomial logit over available routes (Gumbel trick); -1 where none is open."""
    k = len(avail)
    if k == 0:
        return np.empty(0, dtype=np.int8)
    util = -cost / model.p["choice_scale"] - np.log(-np.log(rng.random(cost.shape)))
    util = np.where(avail, util, -np.inf)
    pick = util.argmax(axis=1).astype(np.int8)
    return np.where(avail.any(axis=1), pick, -1).astype(np.int8)
