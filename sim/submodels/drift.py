"""Step 8 - learning and drift: the relation to the internet changes slowly.

Quasi-users go online, some occasional users over 75 drop out, give-up spells
end, and support policies (training, equipment, document safe) reach a share
of their target households each month.
"""

from __future__ import annotations

import numpy as np

from ..categories import (GAVE_UP, AgeBand, ClaimState, Equipment, Intention, InternetRelation,
                          NonConnection)

# plain ints: comparing an int8 array with an IntEnum member casts the whole array (~10x slower)
QUASI_USER, OCCASIONAL = int(Intention.quasi_user), int(InternetRelation.occasional)
OLDEST, NO_EQUIPMENT, RADICAL = int(AgeBand.a75_plus), int(Equipment.none), int(Intention.radical)


def _some(rng, mask: np.ndarray, rate: float) -> np.ndarray:
    idx = np.flatnonzero(mask)
    return idx[rng.random(len(idx)) < rate] if rate > 0 and len(idx) else idx[:0]


def _go_online(h, idx) -> None:
    h.equipment[idx] = Equipment.smartphone
    h.internet_relation[idx] = InternetRelation.occasional
    h.intention[idx] = Intention.user
    h.non_connection[idx] = NonConnection.connected


def step(model) -> None:
    h, p, lv = model.h, model.p, model.levers
    rng = model.stream("drift")
    # give-up spells end: the household may consider claiming again
    state = h.flat("state")
    gu = np.flatnonzero(state == GAVE_UP)  # (benefit, household) pairs
    if len(gu):
        timer = h.flat("timer")
        timer[gu] -= 1
        back = gu[timer[gu] <= 0]
        state[back] = ClaimState.not_claimed
        h.flat("failures")[back] = 0
    quasi = _some(rng, h.intention == QUASI_USER, p["quasi_user_rate"])
    _go_online(h, quasi)
    drop = _some(rng, (h.internet_relation == OCCASIONAL) & (h.age_band == OLDEST),
                 p["dropout_rate"])
    h.equipment[drop] = Equipment.none
    h.internet_relation[drop] = InternetRelation.dropout
    h.intention[drop] = Intention.distant_potential
    h.non_connection[drop] = NonConnection.competence
    model.ledger.flow("new_online", len(quasi))
    model.ledger.flow("new_dropouts", len(drop))

    if lv.training_rate > 0:
        t = _some(rng, (h.skill < 0.5) & ~h.trained, lv.training_rate)
        h.skill[t] += lv.training_gain * (1.0 - h.skill[t])
        h.trained[t] = True
        model.ledger.flow("new_trained", len(t))
    if lv.equipment_rate > 0:
        e = _some(rng, (h.equipment == NO_EQUIPMENT) & (h.intention != RADICAL),
                  lv.equipment_rate)
        _go_online(h, e)
        h.home_internet[e] = True
        h.email[e] = True
        h.skill[e] = np.maximum(h.skill[e], lv.equipment_skill)
        model.ledger.flow("new_equipped", len(e))
    if lv.safe_rate > 0:
        s = _some(rng, (h.income_quintile == 0) & ~h.has_safe, lv.safe_rate)
        h.has_safe[s] = True
        # the safe keeps the codes: an intermediary no longer has to
        h.credentials_holder[s[rng.random(len(s)) < lv.safe_effect]] = 0
        model.ledger.flow("new_safes", len(s))
