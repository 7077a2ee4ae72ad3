"""Persona journeys: a few named households of the synthetic population, and why they changed.

A persona is a profile (e.g. "a woman over 75 living alone in a village
without a computer, entitled to the old-age minimum").  :class:`PersonaPicker`
is the engine's ``trace`` callable: once the population exists it picks, for
each persona, the households that best match the profile, and the engine
records their month-by-month state.  The same seed gives the same population,
so these are the same households in every setting (common random numbers: only
the policy differs).  :func:`choose` keeps one household per persona, on the
baseline run; :func:`journeys` turns the trace into one status, route and
failure per month; :func:`compare` says whether a journey changed under the
trainer's settings and builds its one sentence of why ("guichet fermé → CCAS →
dossier incomplet") from :func:`steps`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from sim.categories import (AgeBand, Channel, ClaimState, Diploma, Equipment, FailReason, HouseholdType,
                            Territory)


@dataclass(frozen=True)
class Persona:
    key: str  # i18n key suffix: persona.<key>
    feminine: bool  # for French agreement ("seule", "diplômée")
    benefit: str  # the benefit whose journey is shown
    criteria: tuple[tuple[str, tuple[int, ...]], ...]  # (field, accepted codes) by priority
    shown: tuple[str, ...] = ()  # attributes named in the persona's one-line portrait


PERSONAS: tuple[Persona, ...] = (
    # an 86-year-old alone in a village without a computer
    Persona("jeanne", True, "aspa", (("age_band", (AgeBand.a75_plus,)),
                                     ("household_type", (HouseholdType.alone,)),
                                     ("territory", (Territory.rural,)),
                                     ("equipment", (Equipment.none,)),
                                     ("over_80", (1,))),
            ("household_type", "territory", "equipment")),
    # a young worker online
    Persona("karim", False, "prime_activite", (("age_band", (AgeBand.a18_29,)),
                                               ("equipment", (Equipment.computer,)),
                                               ("worker", (1,)),
                                               ("territory", (Territory.large_city,)),
                                               ("diploma", (Diploma.higher,))),
            ("territory", "equipment", "diploma")),
    # a single parent with a smartphone only
    Persona("sandra", True, "prime_activite", (("household_type", (HouseholdType.single_parent,)),
                                               ("equipment", (Equipment.smartphone,)),
                                               ("worker", (1,)),
                                               ("territory", (Territory.small_town, Territory.rural))),
            ("household_type", "territory", "equipment")),
    # a couple in a small town
    Persona("nadia", True, "rsa", (("household_type", (HouseholdType.couple, HouseholdType.couple_children)),
                                   ("territory", (Territory.small_town,)),
                                   ("equipment", (Equipment.smartphone, Equipment.computer))),
            ("household_type", "territory", "equipment")),
    # a person with no diploma and no relative online
    Persona("michel", False, "rsa", (("diploma", (Diploma.none,)),
                                     ("helpers", (0,)),
                                     ("age_band", (AgeBand.a45_59, AgeBand.a30_44)),
                                     ("territory", (Territory.small_town, Territory.rural))),
            ("diploma", "helpers", "territory")),
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
OUTCOMES = ("receiving", "rejected", "suspended", "gave_up")  # statuses a sentence ends on


CANDIDATES = 40  # households traced per persona; :func:`choose` keeps one


class PersonaPicker:
    """``trace`` callable for :class:`sim.model.DematModel`: picks the personas' households.

    For each persona it traces the :data:`CANDIDATES` households that best
    match the profile (eligible for the persona's benefit but not receiving
    it yet first, then the criteria in order, then the largest entitlement).
    Income changes do not depend on policies, so under common random numbers
    the same households are traced in every setting.
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
                  "helpers": (h.n_helpers > 0).astype(np.int8),
                  "over_80": (h.age >= 80).astype(np.int8),
                  "worker": (h.earnings > 0).astype(np.int8)}
        picked: list[int] = []
        matches: list[int] = []
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
            matches += [int(score[i]) for i in order]
        idx = np.asarray(picked, dtype=np.int64)
        self.profiles = [{
            "age": int(h.age[i]), "household_type": HouseholdType(int(h.household_type[i])).name,
            "territory": Territory(int(h.territory[i])).name,
            "territory_code": int(h.territory[i]),
            "equipment": Equipment(int(h.equipment[i])).name,
            "diploma": Diploma(int(h.diploma[i])).name, "helpers": int(h.n_helpers[i]),
            "counter_rank": float(h.counter_rank[i]), "email": bool(h.email[i]),
            "match": m,  # how well it fits the persona (eligibility, not receiving, criteria: bits)
        } for i, m in zip(idx, matches)]
        return idx


def choose(trace: list[dict], picker: PersonaPicker, start: int) -> list[int]:
    """Per persona, the trace position of the candidate shown, from the *baseline* run.

    Among the candidates that fit the persona best (its criteria, see
    :class:`PersonaPicker`), preferred: a household that tries a route from ``start`` on
    (its journey is in play where the levers act), then one whose claim is still to come
    when the levers start (eligible and not receiving in month ``start - 1``), then the
    most months eligible.  Chosen on the baseline, never on
    the setting shown, so every setting shows the same households.
    """
    out = []
    before = min(max(start - 1, 0), len(trace) - 1)
    for p, slots in zip(picker.personas, picker.slots):
        b = picker.benefits.index(p.benefit)
        best, best_key = slots[0], (-1, -1, -1, -1)
        for j in slots:
            m = trace[before]
            pending = bool(m["eligible"][b, j]) and int(m["state"][b, j]) != ClaimState.receiving
            tries = False
            for i in range(max(start, 1), len(trace)):
                c, c0 = int(trace[i]["channel"][b, j]), int(trace[i - 1]["channel"][b, j])
                if (c >= 0 and c != c0) or int(trace[i]["fail_reason"][b, j]) > 0:
                    tries = True
                    break
            months = sum(bool(t["eligible"][b, j]) for t in trace)
            key = (picker.profiles[j].get("match", 0), int(tries), int(pending), months)
            if key > best_key:  # first of the best: candidates are ranked
                best, best_key = j, key
        out.append(best)
    return out


@dataclass
class Journey:
    """One persona's journey in one setting: per month, its status, its route and failures."""

    key: str
    feminine: bool
    benefit: str
    benefit_index: int
    profile: dict
    shown: tuple[str, ...]
    status: list[str]
    channel: list[str]  # last route tried ("none" before any)
    attempt: list[str]  # route tried in that month ("" when none)
    failed: list[str]  # route whose attempt failed in that month ("")
    reason: list[str]  # FailReason name of that failure ("")
    events: list[tuple[int, str, str]] = field(default_factory=list)  # (month, kind, name)


def journeys(trace: list[dict], picker: PersonaPicker, chosen: list[int]) -> list[Journey]:
    """Per persona: status, route and failure per month, for its benefit.

    ``chosen`` comes from :func:`choose` (on the baseline run, so that every setting
    shows the same households).  A month has an *attempt* when the route of the last
    attempt changes or a claim starts waiting or being processed; a *failure* when a
    failed attempt is recorded (its route and :class:`FailReason`).
    """
    out = []
    for p, j in zip(picker.personas, chosen):
        b = picker.benefits.index(p.benefit)
        status, channel, attempt, failed, reason = [], [], [], [], []
        prev_ch, prev_status, prev_fail = -1, "", (0, -1)
        for m in trace:
            if not m["eligible"][b, j]:
                s = "not_eligible"
            elif not m["aware"][b, j] and int(m["state"][b, j]) == ClaimState.not_claimed:
                s = "unaware"
            else:
                s = _STATE_STATUS[ClaimState(int(m["state"][b, j]))]
            c = int(m["channel"][b, j])
            fr, fc = int(m["fail_reason"][b, j]), int(m["failed_channel"][b, j])
            started = s in ("queued", "processing") and prev_status not in ("queued", "processing")
            tried = c >= 0 and (c != prev_ch or started)
            failure = fr > 0 and (fr, fc) != prev_fail
            status.append(s)
            channel.append(Channel(c).name if c >= 0 else "none")
            attempt.append(Channel(c).name if tried else "")
            failed.append(Channel(fc).name if failure and fc >= 0 else "")
            reason.append(FailReason(fr).name if failure else "")
            prev_ch, prev_status, prev_fail = c, s, (fr, fc)
        jr = Journey(p.key, p.feminine, p.benefit, b, picker.profiles[j], p.shown, status, channel,
                     attempt, failed, reason)
        jr.events = steps(jr)
        out.append(jr)
    return out


def steps(j: Journey, since: int = 0) -> list[tuple[int, str, str]]:
    """The journey's events from month ``since``: ``(month, kind, name)`` with kind
    ``attempt`` (a route), ``fail`` (a route, then ``reason``) or ``status`` (an outcome)."""
    out: list[tuple[int, str, str]] = []
    for m in range(since, len(j.status)):
        if j.attempt[m]:
            out.append((m, "attempt", j.attempt[m]))
        if j.failed[m]:
            out.append((m, "fail", j.failed[m]))
            out.append((m, "reason", j.reason[m]))
        s = j.status[m]
        if s in OUTCOMES and (m == 0 or j.status[m - 1] != s):
            out.append((m, "status", s))
    return out


@dataclass
class Change:
    """How a persona's journey under the trainer's settings differs from the reference."""

    changed: bool
    month: int | None  # first month that differs
    kind: str  # "same", "closed" (its route closed), "congestion" (turned away), "automatic", "chance"
    closed: str = ""  # what closed its route ("counter", "phone", "email") when kind == "closed"
    steps: list[tuple[int, str, str]] = field(default_factory=list)  # its events from that month


def route_closed(j: Journey, route: str, open_share: np.ndarray, channels: np.ndarray,
                 email_required: np.ndarray | None = None) -> bool:
    """Whether ``route`` is closed to this household in a setting (levers at the horizon)."""
    if route not in Channel.__members__:
        return False
    c = Channel[route]
    if not channels[j.benefit_index, c]:
        return True
    if c == Channel.counter:
        return j.profile["counter_rank"] >= float(open_share[j.profile["territory_code"]])
    return False


def compare(ref: Journey, yours: Journey, start: int, ref_levers: tuple, your_levers: tuple) -> Change:
    """Did the journey change from ``start`` on, and through what.

    ``*_levers`` are ``(open_share, channels, email_required)`` of each setting at the
    horizon.  The kind says what the sentence can claim: the route the household used in
    the reference is closed to it (``closed``: counter closed, no counter or phone for an
    online-only benefit, an e-mail address it does not have); a service turned it away for
    lack of room in one of the two settings (``congestion``: the others' detours fill it, or
    more mediation frees it); it was paid without a claim (``automatic``); otherwise the
    same routes were open and the journey differs by the draws of the simulation
    (``chance``), which the page says plainly.
    """
    months = len(ref.status)
    diff = [m for m in range(start, months)
            if (ref.status[m], ref.attempt[m], ref.failed[m]) != (yours.status[m], yours.attempt[m], yours.failed[m])]
    if not diff:
        return Change(False, None, "same")
    d = diff[0]
    mine = steps(yours, d)
    # the route the reference used from the levers' start (or the last one before)
    used = [ref.attempt[m] for m in range(start, months) if ref.attempt[m]] or \
           [c for c in ref.channel[:start][::-1] if c != "none"][:1]
    for route in used:
        if (route_closed(yours, route, *your_levers) and not route_closed(ref, route, *ref_levers)):
            return Change(True, d, "closed", route, mine)
    if route_closed_email(ref, yours, your_levers, ref_levers, used):
        return Change(True, d, "closed", "email", mine)
    theirs = steps(ref, d)
    if (any(kind == "reason" and name == "turned_away" for _, kind, name in mine)
            or any(kind == "reason" and name == "turned_away" for _, kind, name in theirs)):
        return Change(True, d, "congestion", "", mine)
    if yours.status[d] == "receiving" and yours.attempt[d] == "" and ref.status[d] != "receiving":
        return Change(True, d, "automatic", "", mine)  # paid without a claim
    return Change(True, d, "chance", "", mine)


def route_closed_email(ref: Journey, yours: Journey, your_levers: tuple, ref_levers: tuple,
                       used: list[str]) -> bool:
    """The reference filed online alone, and the setting shown requires an e-mail address
    the household does not have."""
    if "online_alone" not in used or yours.profile.get("email", True):
        return False
    email = your_levers[2] if len(your_levers) > 2 else None
    ref_email = ref_levers[2] if len(ref_levers) > 2 else None
    return bool(email is not None and email[yours.benefit_index]
                and not (ref_email is not None and ref_email[ref.benefit_index]))
