"""Step 2 - information: knowing that a benefit exists, then believing oneself eligible.

Both are non-knowledge in the ODENORE sense, and the CNAF's RSA survey (2012)
tells them apart: 46 % of never-recipients did not know the RSA, 19 % knew it
but were sure not to be eligible.  Information comes mostly from contacts:

- the background (media, word of mouth) teaches that a benefit exists;
  believing oneself eligible follows with ``belief_on_learning``;
- relatives tell (a right "for you"), and information campaigns too;
- the agency flags an unclaimed right in the file of a household it already
  pays (another benefit of the same agency, or a CAF benefit the model does
  not simulate): DREES 2022 finds RSA non-take-up at 16 % among prime
  d'activité recipients against 39 % among non-recipients;
- a household that knows the benefit but believes itself ineligible checks
  again: online (the simulator) if it can go online, otherwise by calling the
  agency, whose phone line has a capacity (an unanswered call is a contact that
  proposed nothing);
- social workers see the households they follow (bottom income quintile, RSA
  recipients) for core social work; a served contact proposes each ignored
  right with the service's propensity, lower when it is busy; a contact turned
  away, or served without a proposal, leaves the household *not proposed*
  (non-proposition) until it learns.

Other contacts (counter visits, mediation, a relative's help) inform in step 5
(:func:`sim.submodels.attempt.inform_at_contact`).
"""

from __future__ import annotations

import numpy as np

from ..categories import RECEIVING, Territory
from . import channels



def followed(model) -> np.ndarray:
    """(n,) bool: households followed by social services (bottom income quintile, or
    receiving the RSA, whose recipients have a referent)."""
    h = model.h
    out = h.income_quintile == 0
    b = model.benefit_index.get("rsa")
    if b is not None:
        out |= h.state[b] == RECEIVING
    return out


def steady_rate_told(model, b: int, idx: np.ndarray, follow: np.ndarray) -> np.ndarray:
    """Monthly rate at which households ``idx`` are told of benefit ``b`` by someone
    (relatives, the agency's files, social workers), for the steady-state start."""
    h, p = model.h, model.p
    rate = p["info_relatives"] * (h.n_helpers.take(idx) > 0)
    rate = rate + p["info_agency"] * channels.known_to_agency(model, b, idx)
    rate = rate + (p["core_contact_rate"] * p["propose"]["social_services"]
                   * (1.0 - 0.5 * p["propose_load_drop"])) * follow.take(idx)
    return rate


def steady_rate_belief(model, b: int, idx: np.ndarray) -> np.ndarray:
    """Monthly rate at which households ``idx`` who know benefit ``b`` correct the belief
    that they are not eligible by checking themselves."""
    p = model.p
    online = channels.can_go_online(model, idx, b)
    return p["belief_update"] * np.where(online, 1.0, p["belief_update_offline"])


def _tell(model, b: int, told: np.ndarray) -> None:
    h = model.h
    h.knows[b, told] = True
    h.aware[b, told] = True
    h.not_proposed[b, told] = False


def step(model) -> None:
    h, p, lv = model.h, model.p, model.levers
    rng = model.stream("information")
    eligible = h.amount > 0
    unaware = eligible & ~h.aware  # (n_benefits, n): does not know the right is theirs
    for b in range(h.n_benefits):
        idx = np.flatnonzero(unaware[b])
        if len(idx) == 0:
            continue
        knows = h.knows[b].take(idx)
        u = rng.random((4, len(idx)))
        # the background: media, word of mouth, campaigns teach that the benefit exists
        learn = ~knows & (u[0] < p["info_base"] + lv.campaign[b])
        h.knows[b, idx[learn]] = True
        believe = learn & (u[1] < np.where(lv.campaign[b] > 0, 1.0, p["belief_on_learning"]))
        # relatives, and the agency's own files, tell the household the right is theirs
        told = (u[2] < p["info_relatives"]) & (h.n_helpers.take(idx) > 0)
        told |= (u[3] < p["info_agency"]) & channels.known_to_agency(model, b, idx)
        _tell(model, b, idx[believe | told])
        model.ledger.flow("new_informed", int(np.count_nonzero(learn | told)), b)
        check_eligibility(model, b, idx[knows & ~told], rng)
    core_contacts(model, rng, unaware.any(axis=0))
    background_calls(model, rng)


def check_eligibility(model, b: int, idx: np.ndarray, rng) -> None:
    """Households who know benefit ``b`` but believe themselves ineligible check again:
    online with the simulator, or by calling the agency (capacity-limited)."""
    h, p = model.h, model.p
    if len(idx) == 0:
        return
    online = channels.can_go_online(model, idx, b)
    u = rng.random((2, len(idx)))
    sim_ok = online & (u[0] < p["belief_update"])
    _tell(model, b, idx[sim_ok])
    calls = idx[~online & (u[0] < p["belief_update"] * p["belief_update_offline"])]
    if len(calls):
        answered = model.phone.serve(np.ones(len(calls)), u[1][: len(calls)])
        _tell(model, b, calls[answered])
        h.not_proposed[b, calls[~answered]] = True  # called, nobody answered
        model.ledger.flow("new_phone_unanswered", int(np.count_nonzero(~answered)))
    model.ledger.flow("new_simulations", int(np.count_nonzero(sim_ok)), b)


def background_calls(model, rng) -> None:
    """Recipients call the agency about their own file (payments, changes): the demand
    that fills the phone line whatever else happens."""
    h = model.h
    recipients = h.state[0] == RECEIVING
    for b in range(1, h.n_benefits):
        recipients |= h.state[b] == RECEIVING
    recipients = np.flatnonzero(recipients)
    callers = recipients[rng.random(len(recipients)) < model.p["call_rate"]]
    if len(callers):
        served = model.phone.serve(np.ones(len(callers)), rng.random(len(callers)))
        model.ledger.flow("new_phone_unanswered", int(np.count_nonzero(~served)))


def core_contacts(model, rng, has_unaware: np.ndarray) -> None:
    """Households followed by social services come for core social work.

    Every followed household may come (its demand fills the core hours whether or
    not it ignores a right); those who do and ignore a right are proposed it with
    the service's propensity.  What core work does not use this month is released
    to digital help.
    """
    h, p = model.h, model.p
    idx = np.flatnonzero(followed(model))
    idx = idx[rng.random(len(idx)) < p["core_contact_rate"]]
    served = np.zeros(len(idx), dtype=bool)
    propose = np.zeros(len(idx))
    order = rng.random(len(idx))
    hours = p["hours"]["core_contact"]
    terr = h.territory.take(idx)
    for t in map(int, Territory):  # plain ints: an IntEnum operand casts the whole array
        m = np.flatnonzero(terr == t)
        ss = model.social[t]
        served[m] = ss.serve_core(hours, order[m])
        propose[m] = ss.propose_probability
        ss.release_core()
    seen = idx[has_unaware.take(idx)] if len(idx) else idx
    sel = has_unaware.take(idx) if len(idx) else np.zeros(0, dtype=bool)
    inform_at_contact(model, seen, served[sel], propose[sel], rng)
    model.ledger.flow("core_contacts", len(idx))
    model.ledger.flow("core_contacts_refused", int(np.count_nonzero(~served)))


def inform_at_contact(model, seen: np.ndarray, served: np.ndarray, propose, rng) -> None:
    """Households ``seen`` by a service: a served contact proposes each right they have
    and ignore with probability ``propose``; those not proposed (turned away, or served
    without a proposal) are marked *not proposed* (non-proposition)."""
    h = model.h
    if len(seen) == 0:
        return
    tell = rng.random((h.n_benefits, len(seen))) < propose
    for b in range(h.n_benefits):
        cand = (h.amount[b].take(seen) > 0) & ~h.aware[b].take(seen)
        told = cand & served & tell[b]
        _tell(model, b, seen[told])
        missed = seen[cand & ~told]
        h.not_proposed[b, missed] = True
        model.ledger.flow("new_not_proposed", len(missed), b)
        model.ledger.flow("new_proposed", int(np.count_nonzero(told)), b)
