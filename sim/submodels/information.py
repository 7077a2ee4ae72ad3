"""Step 2 - information: unaware eligible households may learn of their rights.

Three ways: the background (media, word of mouth), connected relatives, and
contact with social services.  Social workers' core hours are what digital
help leaves them (last month's load): when digital help has eaten them, some
households who come for core social work are not told of rights they have
(non-proposition, ODENORE).
"""

from __future__ import annotations

import numpy as np

from ..agents.institutions import allocate
from ..categories import Territory


def step(model) -> None:
    h, p, lv = model.h, model.p, model.levers
    rng = model.stream("information")
    unaware = (h.amount > 0) & ~h.aware  # (n_benefits, n)
    for b in range(h.n_benefits):
        idx = np.flatnonzero(unaware[b])
        if len(idx) == 0:
            continue
        prob = p["info_base"] + p["info_relatives"] * (h.n_helpers.take(idx) > 0) + lv.campaign[b]
        learn = idx[rng.random(len(idx)) < prob]
        h.aware[b, learn] = True
        h.not_proposed[b, learn] = False
        model.ledger.flow("new_informed", len(learn), b)
    has_unaware = np.zeros(h.n, dtype=bool)  # unaware of at least one right (row-wise OR)
    for b in range(h.n_benefits):
        has_unaware |= unaware[b]
    core_contacts(model, rng, has_unaware)


def core_contacts(model, rng, has_unaware: np.ndarray) -> None:
    """Households with rights they ignore come to social services for core social work."""
    h, p = model.h, model.p
    idx = np.flatnonzero(has_unaware)
    idx = idx[rng.random(len(idx)) < p["core_contact_rate"]]
    if len(idx) == 0:
        return
    served = np.zeros(len(idx), dtype=bool)
    order = rng.random(len(idx))
    hours = p["hours"]["core_contact"]
    terr = h.territory.take(idx)
    for t in map(int, Territory):  # plain ints: an IntEnum operand casts the whole array
        m = np.flatnonzero(terr == t)
        ss = model.social[t]
        # what digital help took last month is missing from core work now
        core_capacity = max(ss.total_hours - ss.last_used, 0.0)
        served[m] = allocate(np.full(len(m), hours), core_capacity, order[m])
        ss.core_used = hours * int(served[m].sum())
    tell = rng.random((h.n_benefits, len(idx))) < p["info_contact"]
    for b in range(h.n_benefits):
        cand = (h.amount[b, idx] > 0) & ~h.aware[b, idx]
        told = idx[cand & served & tell[b]]
        h.aware[b, told] = True
        h.not_proposed[b, told] = False
        missed = idx[cand & ~served]
        h.not_proposed[b, missed] = True
        model.ledger.flow("new_not_proposed", len(missed), b)
    model.ledger.flow("core_contacts", len(idx))
    model.ledger.flow("core_contacts_refused", int((~served).sum()))
