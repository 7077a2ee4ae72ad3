"""Persona journeys: a few named households drawn from the synthetic population.

A persona is a profile (e.g. "a woman over 75 living alone in a village
without a computer, entitled to the old-age minimum").  :class:`PersonaPicker`
is the engine's ``trace`` callable: once the population exists it picks, for
each persona, the households that best match the profile (same seed, same
population: the same households in every scenario), and the engine records
their month-by-month state.  :func:`journeys` turns that trace into
one status per persona and month.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sim.categories import AgeBand, Channel, ClaimState, Diploma, Equipment, HouseholdType, Territory


@dataclass(frozen=True)
class Persona:
    key: str  # i18n key suffix: persona.<key>
    feminine: bool  # for French agreement ("seule", "diplômée")
    benefit: str  # the benefit whose journey is shown
    criteria: tuple[tuple[str, tuple[int, ...]], ...]  # (field, accepted codes) by priority


PERSONAS: tuple[Persona, ...] = (
    Persona("jeanne", True, "aspa", (("age_band", (AgeBand.a75_plus,)),
                               ("household_type", (HouseholdType.alone,)),
                               ("territory", (Territory.rural,)),
                               ("equipment", (Equipment.none,)))),
    Persona("karim", False, "prime_activite", (("age_band", (AgeBand.a18_29,)),
                                        ("diploma", (Diploma.higher,)),
                                        ("territory", (Territory.large_city,)),
                                        ("equipment", (Equipment.computer,)))),
    Persona("sandra", True, "rsa", (("household_type", (HouseholdType.single_parent,)),
                              ("equipment", (Equipment.smartphone,)),
                              ("territory", (Territory.small_town, Territory.large_city)))),
    Persona("michel", False, "rsa", (("age_band", (AgeBand.a45_59,)),
                              ("diploma", (Diploma.none,)),
                              ("helpers", (0,)),
                              ("territory", (Territory.small_town,)))),
    Persona("nadia", True, "prime_activite", (("household_type", (HouseholdType.couple_children,)),
                                        ("age_band", (AgeBand.a30_44,)),
                                        ("equipment", (Equipment.smartphone,)),
                                        ("territory", (Territory.rural,)))),
)

# display statuses, in legend order
STATUSES = ("not_eligible", "unaware", "not_claimed", "queued", "processing", "receiving",
            "suspended", "rejected", "gave_up")
STATUS_COLOURS = {
    "not_eligible": "#E5E7EB", "unaware": "#9CA3AF", "not_claimed": "#F0E442",
    "queued": "#E69F00", "processing": "#56B4E9", "receiving": "#009E73",
    "suspended": "#CC79A7", "rejected": "#B91C1C", "gave_up": "#111827",
}
_STATE_STATUS = {
    ClaimState.not_claimed: "not_claimed", ClaimState.queued: "queued",
    ClaimState.processing: "processing", ClaimState.receiving: "receiving",
    ClaimState.suspended: "suspended", ClaimState.rejected: "rejected",
    ClaimState.gave_up: "gave_up",
}


CANDIDATES = 24  # households traced per persona; the one eligible longest is shown


class PersonaPicker:
    """``trace`` callable for :class:`sim.model.DematModel`: picks the personas' households.

    For each persona it traces the :data:`CANDIDATES` households that best
    match the profile (eligible for the persona's benefit but not receiving
    it yet first, then the criteria in order, then the largest entitlement); :func:`choose` then
    keeps, per persona, the candidate eligible in the most months.  Income
    changes do not depend on policies, so under common random numbers the
    same household is chosen in every scenario.
    """

    def __init__(self, benefits: list[str], personas: tuple[Persona, ...] = PERSONAS,
                 candidates: int = CANDIDATES):
        self.benefits = list(benefits)
        self.personas = tuple(p for p in personas if p.benefit in self.benefits)
        self.candidates = candidates
        self.slots: list[list[int]] = []  # per persona: positions of its candidates in the trace
        self.profiles: list[dict] = []  # per traced household

    def __call__(self, h) -> np.ndarray:
        fields = {"age_band": h.age_band, "household_type": h.household_type,
                  "territory": h.territory, "equipment": h.equipment, "diploma": h.diploma,
                  "helpers": (h.n_helpers > 0).astype(np.int8)}
        picked: list[int] = []
        self.slots = []
        for p in self.personas:
            b = self.benefits.index(p.benefit)
            amount = h.amount[b]
            # eligible, and not yet receiving: their journey is still to come
            score = (amount > 0).astype(np.int64) << (len(p.criteria) + 1)
            score += (h.state[b] != ClaimState.receiving).astype(np.int64) << len(p.criteria)
            for rank, (name, codes) in enumerate(p.criteria):
                score += np.isin(fields[name], codes).astype(np.int64) << (len(p.criteria) - 1 - rank)
            score[picked] = -1
            # best score, then largest entitlement, then lowest index: deterministic
            order = np.lexsort((np.arange(h.n), -amount, -score))[: self.candidates]
            self.slots.append(list(range(len(picked), len(picked) + len(order))))
            picked += [int(i) for i in order]
        idx = np.asarray(picked, dtype=np.int64)
        self.profiles = [{
            "age": int(h.age[i]), "household_type": HouseholdType(int(h.household_type[i])).name,
            "territory": Territory(int(h.territory[i])).name,
            "equipment": Equipment(int(h.equipment[i])).name,
            "diploma": Diploma(int(h.diploma[i])).name, "helpers": int(h.n_helpers[i]),
        } for i in idx]
        return idx


def choose(trace: list[dict], picker: PersonaPicker) -> list[int]:
    """Per persona, the trace position of the candidate eligible in the most months."""
    out = []
    for p, slots in zip(picker.personas, picker.slots):
        b = picker.benefits.index(p.benefit)
        months = np.array([[m["eligible"][b, j] for j in slots] for m in trace]).sum(axis=0)
        out.append(slots[int(np.argmax(months))])  # first of the best: candidates are ranked
    return out


def journeys(trace: list[dict], picker: PersonaPicker, chosen: list[int]) -> list[dict]:
    """Per persona: ``status`` and ``channel`` name per month, for its benefit.

    ``chosen`` comes from :func:`choose` (on the reference run, so that both
    scenarios show the same households).  ``channel`` is the channel of the
    household's last attempt ("none" before any).
    """
    out = []
    for p, j in zip(picker.personas, chosen):
        b = picker.benefits.index(p.benefit)
        status, channel = [], []
        for month in trace:
            if not month["eligible"][b, j]:
                s = "not_eligible"
            elif not month["aware"][b, j]:
                s = "unaware"
            else:
                s = _STATE_STATUS[ClaimState(int(month["state"][b, j]))]
            status.append(s)
            c = int(month["channel"][b, j])
            channel.append(Channel(c).name if c >= 0 else "none")
        out.append({"key": p.key, "feminine": p.feminine, "benefit": p.benefit, "status": status,
                    "channel": channel,
                    "profile": picker.profiles[j]})
    return out
