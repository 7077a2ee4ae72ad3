"""Per-agent reference model: the engine's household rules, one ``mesa.Agent`` per household.

The engine (:class:`sim.model.DematModel`) holds households as arrays and never
loops over them.  This module writes the same monthly rules the idiomatic Mesa
way: each :class:`Household` agent has readable methods for the steps of
DOMAIN §3, and :meth:`ReferenceModel.step` activates the households step by
step, in a random order (``shuffle_do``) wherever they share something.  It is
used for two things only:

- the differential test (``tests/test_reference.py``): its rules must give the
  engine's values household by household, and its outcome distributions must
  match the engine's, over one month from the same state and over whole runs;
- the baseline of the benchmark (``benchmarks/bench_engine.py``).

What is shared with the engine, on purpose: the synthetic population and help
network (same generator and seed, so that a replication of both models starts
from the same households; newcomers and new incomes come from the same
generator), the benefit formulas (legislation, not behaviour: they run once a
month for all households whose situation changed, as at set-up), the levers and
policies, and the institution agents (``Counter``, ``PhoneLine``,
``SocialService``, ``Association``: their capacities, the social services'
split of hours between core work and digital help, the proposition propensity
that falls with load).  What is rewritten: every behavioural rule — knowing and
believing, contacts that propose or not, the decision and its reason, the
choice of a route with its memory, filing through capacity-limited helpers,
learning, dependence and access codes, burden, processing, renewal, drift and
the classification of non-take-up into causes and sub-causes.

Random draws differ (one Python ``random`` stream, draws household by
household), so the two models agree in distribution, not draw by draw.
Capacity-limited services serve requests in arrival order: households come in
a random order (``shuffle_do``), those with a request already waiting first,
which is the engine's priority rule.  A service that turns one request away
turns away every later one in the same round (the engine's first-come,
first-served rule without skipping ahead); a relative likewise.
"""

from __future__ import annotations

import copy
import math
from collections import defaultdict
from typing import ClassVar

import mesa
from mesa.agent import AgentSet
import numpy as np

from .agents import network as network_mod
from .agents import population as population_mod
from .agents.households import CLAIM_FIELDS, FIELDS, Households
from .benefits import AGENCIES, REGISTRY as BENEFITS
from .categories import (AfterFailure, AgeBand, Attempt, Channel, ClaimState, DemandReason,
                         Equipment, FailReason, Holder, HouseholdType, Intention, InternetRelation,
                         NonConnection, SubCause, SUBCAUSE_OF, Tenure)
from .metrics import record_services
from .metrics import (CAUSE_SERIES, GLOBAL, LODGED_SERIES, PER_BENEFIT, PERSISTENT_MONTHS,
                      RENEWED_SERIES, SUBCAUSE_SERIES)
from .model import DematModel, stream
from .scenario import Scenario
from .submodels.life_events import KEPT_ON_TURNOVER

N_CHANNELS = len(Channel)
ALONE, RELATIVE, COUNTER, PHONE, SOCIAL, ASSOCIATION = map(int, Channel)
HELPED = (RELATIVE, SOCIAL, ASSOCIATION)
NOT_CLAIMED, QUEUED, PROCESSING, RECEIVING, SUSPENDED, REJECTED, GAVE_UP = map(int, ClaimState)
OK, FAIL, WAIT, NO_ROUTE = map(int, Attempt)
# who served a filing: the household alone, a relative, the agency (counter, phone), a mediator
SELF, KIN, AGENCY, SOCIAL_WORKER, MEDIATOR = "self", "relative", "agency", "social_services", "association"
HOLDER_OF = {RELATIVE: int(Holder.relative), SOCIAL: int(Holder.social_services),
             ASSOCIATION: int(Holder.association)}  # route -> who keeps the codes
CHANNEL_OF_HOLDER = {code: c for c, code in HOLDER_OF.items()}
CAF = AGENCIES.index("caf")

SERIES = tuple(PER_BENEFIT)  # (months, n_benefits), the ledger's names
# (months,): every global series of the ledger but the concentration index (a statistic of
# the whole income distribution, not a behavioural rule)
GLOBAL_SERIES = tuple(k for k in GLOBAL if k != "concentration_index")


def logistic(x: float) -> float:
    return 1.0 / (1.0 + math.exp(-min(max(x, -50.0), 50.0)))


class Filing:
    """One claim or declaration a household lodges this month, and what became of it."""

    __slots__ = ("b", "renewal", "queued", "avail", "cost", "hours", "channel", "outcome",
                 "route", "helped", "teach", "reason", "email_needed")

    def __init__(self, b: int, renewal: bool, queued: bool, routes: tuple):
        self.b, self.renewal, self.queued = b, renewal, queued
        self.avail, self.cost, self.hours = routes
        self.channel = -1  # the route chosen (step 4)
        self.outcome = NO_ROUTE  # step 5
        self.route = -1  # the route finally taken (a referral changes it)
        self.helped = SELF
        self.teach = False
        self.reason = int(FailReason.none)
        self.email_needed = False

    @property
    def tried(self) -> bool:
        return self.outcome in (OK, FAIL)

    @property
    def posted(self) -> bool:
        """A paper declaration, sent by post: no visit, nobody sees the household."""
        return self.renewal and self.route == COUNTER


class Household(mesa.Agent):
    """One household: the attributes of DOMAIN §2 as plain Python values.

    Per-benefit claim state (``state``, ``knows``, ``aware``...) is a list with
    one value per benefit, in scenario order.
    """

    def __init__(self, model: "ReferenceModel", columns: dict, i: int):
        super().__init__(model)
        for name, _, _ in FIELDS:
            setattr(self, name, columns[name][i])
        for name, _, _ in CLAIM_FIELDS:  # one value per benefit
            setattr(self, name, list(columns[name][i]))
        self.helpers: list[Household] = []  # connected relatives (set by the model)
        self.helper_hours = 0.0  # this month's hours left to help others
        self.filings: list[Filing] = []  # this month's claims and declarations
        self.was_eligible: list[bool] = []  # a newcomer's predecessor's entitlements

    # -- what the household is --------------------------------------------------------
    def eligible(self, b: int) -> bool:
        return self.amount[b] > 0

    def in_reach_of_association(self) -> bool:
        return self.association_rank < self.model.association_presence[self.territory]

    def known_to_agency(self, b: int) -> bool:
        """The agency paying ``b`` already pays this household something (channels.known_to_agency)."""
        m = self.model
        if m.agency[b] == CAF and self.other_benefit:
            return True
        return any(self.state[c] == RECEIVING for c in range(m.nb)
                   if c != b and m.agency[c] == m.agency[b])

    def followed(self) -> bool:
        """Followed by social services: bottom income quintile, or an RSA recipient."""
        rsa = self.model.benefit_index.get("rsa")
        return self.income_quintile == 0 or (rsa is not None and self.state[rsa] == RECEIVING)

    def vulnerable(self) -> bool:
        lv = self.model.levers
        return (self.age >= lv.alternative_age or self.skill < lv.alternative_skill
                or self.equipment == Equipment.none)

    def can_go_online(self, b: int) -> bool:
        """Equipped, connected, skilled enough, an e-mail if required (or able to create
        one), not a radical non-user."""
        p = self.model.p
        return (self.equipment > Equipment.none
                and (self.home_internet or self.equipment == Equipment.smartphone)
                and self.skill >= p["min_skill_online"]
                and (self.email or not self.model.email_required[b] or self.skill >= p["self_email_skill"])
                and self.intention != Intention.radical)

    def success_online(self, b: int, renewal: bool, skill: float | None = None) -> float:
        m = self.model
        cx = m.complexity[b] * (0.5 if renewal else 1.0)
        return logistic(m.p["success_slope"] * ((self.skill if skill is None else skill) - cx))

    # -- the routes and their cost (channels.options) ----------------------------------------
    def routes(self, b: int, renewal: bool = False, queued: bool = False):
        """Routes to benefit ``b``: open? (6 bools), cost (EUR) and household hours per channel.

        Burden in the three parts of Herd & Moynihan: learning, psychological and
        compliance; what the household lived through (a route that failed, a filing
        done for it, codes kept by someone) changes its routes.
        """
        m, lv, p = self.model, self.model.levers, self.model.p
        allowed = list(m.channels_open[b])
        walk_in = not lv.appointment_only
        if lv.alternative_route and self.vulnerable():  # counter and phone kept for the vulnerable
            allowed[COUNTER] = allowed[PHONE] = walk_in = True
        online = self.can_go_online(b)
        skill, fear, light = self.skill, p["fear_of_error"], (0.3 if renewal else 1.0)
        held = self.credentials_holder > 0
        # done for last time and not learnt since, or codes kept by someone: no filing alone
        blocked = (held or self.dependent) and skill < p["autonomy_skill"]
        has_helper = self.n_helpers > 0
        open_share = m.counter_open_share[self.territory]
        avail = [allowed[ALONE] and online and not blocked,
                 allowed[RELATIVE] and has_helper,
                 # a paper declaration is posted; a paper claim is lodged at a counter
                 allowed[COUNTER] and (renewal or (open_share > 0 and (online or has_helper or walk_in))),
                 allowed[PHONE], allowed[SOCIAL],
                 allowed[ASSOCIATION] and self.in_reach_of_association()]

        paper = p["paperwork_hours"] * m.complexity[b] * light
        if self.known_to_agency(b):  # the agency already holds the file: a lighter claim
            paper *= p["known_file_factor"]
        travel = p["travel_hours"][self.territory]
        counter_travel = travel * (p["closed_travel_factor"] if self.counter_rank >= open_share else 1.0)
        hours = [paper * (1.5 - skill), 0.5 * paper + 0.5,
                 (0.0 if renewal else 2 * counter_travel) + 1.0 + 0.5 * paper,
                 1.0 + 0.5 * paper, 2 * travel + 1.5 + 0.3 * paper,
                 2 * travel * lv.association_travel + 1.5 + 0.3 * paper]
        if not queued:  # finding where to get help, the first time
            hours[SOCIAL] += p["seek_help_hours"]
            hours[ASSOCIATION] += p["seek_help_hours"]
        if m.channels_open[b][ALONE]:  # an online benefit: detours, an address, codes to recover
            detour = p["online_detour_hours"] * (1.0 - skill) * light
            for c in (ALONE, *HELPED):
                hours[c] += detour
            if self.email_missing(b):
                hours[ALONE] += p["email_setup_hours"] * (1.0 - skill)
                for c in HELPED:
                    hours[c] += p["email_setup_hours"]
            if held:  # another helper must first recover the codes the holder keeps
                for c in HELPED:
                    if self.credentials_holder != HOLDER_OF[c]:
                        hours[c] += p["email_setup_hours"]
        counter_psych = 0.3 * fear
        if not walk_in and avail[COUNTER] and not renewal:  # an appointment booked online, or by a relative
            hours[COUNTER] += p["booking_hours"]
            if not online:
                counter_psych += p["relative_cost"]
        if m.paper_route[b]:  # an online-first benefit's paper form must be asked for (once:
            # the agency then sends the declarations on paper, which bear a share of that cost)
            counter_psych += p["paper_cost"] * (p["paper_renewal_factor"] if renewal else 1.0)

        s = p["success"]  # people avoid the routes they expect to fail on
        data_fear = p["data_fear_cost"] if self.non_connection == NonConnection.data_fear else 0.0
        psych = [fear * (1.0 - skill) + data_fear + p["learning_cost"] * (1.0 - skill) * light
                 + fear * (1.0 - self.success_online(b, renewal)),
                 p["relative_cost"] + 0.3 * fear + data_fear + fear * 0.1,
                 counter_psych + fear * (1.0 - s["counter"]),
                 0.6 * fear + fear * (1.0 - s["phone"]),
                 p["mediated_cost"] + fear * (1.0 - s["do_for"]),
                 p["mediated_cost"] + fear * (1.0 - s["do_for"])]
        cost = [p["value_of_time"] * hours[c] + psych[c] for c in range(N_CHANNELS)]
        if self.failed_channel[b] >= 0:  # memory: the route that failed is expected to fail again
            cost[self.failed_channel[b]] += p["memory_penalty"]
        return avail, cost, hours

    def email_missing(self, b: int) -> bool:
        return self.model.email_required[b] and not self.email

    # -- the decision (claims.claim_value) ---------------------------------------------------
    def psych_cost(self, b: int) -> float:
        """Psychological cost (EUR) of claiming ``b``: stigma scaled by the household's traits."""
        m, ps = self.model, self.model.p["psych"]
        log = (ps["couple_no_children"] * (self.household_type == HouseholdType.couple)
               + ps["diploma"][self.diploma]
               + ps["owner"] * (self.tenure == Tenure.owner)
               + ps["employed"] * (self.earnings > 0)
               + ps["known_to_agency"] * self.known_to_agency(b))
        return m.stigma[b] * math.exp(log) * self.reluctance

    def claim_value(self, b: int, avail: list, cost: list):
        """Gain, psychological cost, cheapest open route and frustration (EUR)."""
        p = self.model.p
        best = min((c for a, c in zip(avail, cost) if a), default=math.inf)
        return (self.amount[b] * p["gain_horizon"], self.psych_cost(b), best,
                p["fear_of_error"] * self.failures[b])

    def claim_probability(self, b: int, avail: list, cost: list) -> float:
        """Monthly probability of claiming ``b`` (0 if no route is open)."""
        return self.probability_of(*self.claim_value(b, avail, cost))

    def probability_of(self, gain: float, psych: float, best: float, frustration: float) -> float:
        """claim_max x logistic((gain - psychological cost - cheapest route - frustration) / scale)."""
        if best == math.inf:
            return 0.0
        p = self.model.p
        return p["claim_max"] * logistic((gain - psych - best - frustration) / p["claim_scale"])

    def non_demand_reason(self, gain: float, psych: float, best: float, frustration: float) -> int:
        """Why an aware household does not claim this month (DemandReason)."""
        floor = self.model.p["value_of_time"] * self.model.p["claim_floor_hours"]
        if gain < floor:
            return int(DemandReason.low_gain)
        if gain - psych < floor:
            return int(DemandReason.stigma_autonomy)
        if best == math.inf or gain - psych - best - frustration < 0:
            return int(DemandReason.deterred_by_route)
        return int(DemandReason.not_yet)

    def choose(self, avail: list, cost: list) -> int:
        """Multinomial logit on costs over the open routes; -1 if none is open."""
        open_routes = [c for c in range(N_CHANNELS) if avail[c]]
        if not open_routes:
            return -1
        scale, best = self.model.p["choice_scale"], min(cost[c] for c in open_routes)
        weights = [math.exp(-(cost[c] - best) / scale) for c in open_routes]
        return self.random.choices(open_routes, weights)[0]

    # -- 0. set-up ---------------------------------------------------------------------------
    def start(self, stay: list[float]) -> None:
        """Knowing, believing and receiving drawn from the stationary states of the chains:
        with x the hazard of leaving eligibility, a benefit known on entry with k and learnt
        at rate l is known with 1 - (1 - k) x / (x + l); likewise for the belief; an aware
        household receives with c / (c + x), c its claim probability (life_events.initialise)."""
        m, p, rnd = self.model, self.model.p, self.random
        followed = self.followed()  # before any receipt is drawn, as the engine
        told_ss = p["core_contact_rate"] * p["propose"]["social_services"] * (1.0 - 0.5 * p["propose_load_drop"])
        for b in range(m.nb):
            if not self.eligible(b):
                continue
            x = (p["turnover_rate"] + p["mortality_75_plus"] * (self.age_band == AgeBand.a75_plus)
                 + p["income_redraw_rate"] * (1.0 - stay[b]) * (not self.retired))
            told = (p["info_relatives"] * (self.n_helpers > 0) + p["info_agency"] * self.known_to_agency(b)
                    + told_ss * followed)
            p_know = 1.0 - (1.0 - m.knows_on_entry[b]) * x / (x + p["info_base"] + told)
            correct = p["belief_update"] * (1.0 if self.can_go_online(b) else p["belief_update_offline"]) + told
            p_believe = 1.0 - (1.0 - p["belief_on_learning"]) * x / (x + correct)
            if rnd.random() >= p_know:
                continue
            self.knows[b] = True
            if rnd.random() >= p_believe:
                continue
            self.aware[b] = True
            claim = self.claim_probability(b, *self.routes(b)[:2])
            if rnd.random() < claim / max(claim + x, 1e-12):
                self.state[b], self.ever_received[b] = RECEIVING, True
                self.timer[b] = 1 + rnd.randrange(max(int(m.renewal_months[b]), 1))

    def reset_claim(self, b: int) -> None:
        """A household entering or leaving eligibility starts afresh (life_events.update_entitlements)."""
        self.state[b], self.failures[b], self.timer[b] = NOT_CLAIMED, 0, 0
        self.months_waiting[b] = self.months_without[b] = 0
        self.not_proposed[b] = False
        self.failed_channel[b], self.fail_reason[b], self.demand_reason[b] = -1, 0, 0

    # -- 1. life events ---------------------------------------------------------------
    def life_events(self) -> None:
        """The household moves out (a newcomer will move in), or its income situation changes
        (a new job, a job lost, a spell of unemployment benefit)."""
        m, p, rnd = self.model, self.model.p, self.random
        # the engine picks a binomial number of households with replacement from a pool of n:
        # each is picked with probability 1 - (1 - rate / n)^n, that is 1 - exp(-rate)
        redraw = not self.retired and rnd.random() < 1 - math.exp(-p["income_redraw_rate"])
        out = rnd.random() < 1 - math.exp(-p["turnover_rate"])
        if self.age_band == AgeBand.a75_plus:
            out |= rnd.random() < 1 - math.exp(-p["mortality_75_plus"])
        if out:
            m.moving_out.append(self)
        elif redraw:
            m.income_changed.append(self)

    def move_in(self, new: Households, k: int) -> None:
        """Newcomer ``k`` of the generator's draw replaces the household; it keeps the dwelling's
        place (territory, counter and mediation ranks) and the relatives' links (turnover)."""
        for name, _, _ in FIELDS:
            if name not in KEPT_ON_TURNOVER:
                setattr(self, name, getattr(new, name)[k].item())
        if (self.equipment == Equipment.none and self.n_helpers > 0
                and self.internet_relation != InternetRelation.distanced):
            self.internet_relation = int(InternetRelation.indirect)  # others go online for them
        self.was_eligible = [self.eligible(b) for b in range(self.model.nb)]
        for name, _, _ in CLAIM_FIELDS:
            setattr(self, name, getattr(new, name)[:, k].tolist())

    def newcomer_rights(self, amounts: list[float]) -> None:
        """A newcomer knows an entitlement with the benefit's ``knows_on_entry``, and believes
        itself eligible with ``belief_on_learning``."""
        m, p, rnd = self.model, self.model.p, self.random
        for b in range(m.nb):
            self.amount[b] = amounts[b]
            self.knows[b] = self.eligible(b) and rnd.random() < m.knows_on_entry[b]
            self.aware[b] = self.knows[b] and rnd.random() < p["belief_on_learning"]
            m.flow("new_entries", self.eligible(b), b)
            m.flow("new_exits", self.was_eligible[b], b)
        m.flow("new_households", 1)

    def update_entitlements(self, amounts: list[float]) -> None:
        """New amounts after an income change; entering or leaving eligibility starts afresh."""
        m, p, rnd = self.model, self.model.p, self.random
        for b in range(m.nb):
            before = self.eligible(b)
            self.amount[b] = amounts[b]
            after = self.eligible(b)
            if after == before:
                continue
            if after:  # knowing the benefit is not realising one is now eligible (CNAF 2012)
                self.knows[b] = (self.knows[b] or self.ever_received[b]
                                 or rnd.random() < m.knows_on_entry[b])
                self.aware[b] = self.knows[b] and rnd.random() < p["belief_on_learning"]
            else:  # out of eligibility: knows it is not for them now
                self.aware[b] = False
            self.reset_claim(b)
            m.flow("new_entries" if after else "new_exits", 1, b)

    # -- 2. information -----------------------------------------------------------------
    def tell(self, b: int) -> None:
        """The household now knows the benefit and that it is for them."""
        self.knows[b] = self.aware[b] = True
        self.not_proposed[b] = False

    def inform(self) -> None:
        """Background, relatives and the agency's files; a check of one's eligibility; then,
        for a followed household, a social worker's core contact (information.step)."""
        m, p, rnd = self.model, self.model.p, self.random
        unaware = [self.amount[b] > 0 and not self.aware[b] for b in range(m.nb)]
        for b in range(m.nb):
            if not unaware[b]:
                continue
            knew = self.knows[b]
            campaign = m.campaign[b]
            # the background (media, word of mouth, a campaign) teaches that the benefit exists
            learn = not knew and rnd.random() < p["info_base"] + campaign
            if learn:
                self.knows[b] = True
            believe = learn and rnd.random() < (1.0 if campaign > 0 else p["belief_on_learning"])
            # relatives, and the agency's own files, tell the household the right is theirs
            told = ((self.n_helpers > 0 and rnd.random() < p["info_relatives"])
                    or (self.known_to_agency(b) and rnd.random() < p["info_agency"]))
            if believe or told:
                self.tell(b)
            m.flow("new_informed", learn or told, b)
            if knew and not told:
                self.check_eligibility(b)
        if self.followed() and rnd.random() < p["core_contact_rate"]:
            self.core_contact(any(unaware))

    def check_eligibility(self, b: int) -> None:
        """Knowing the benefit but believing oneself ineligible, the household checks again:
        online with the simulator, or by calling the agency, whose line may not answer."""
        m, p, rnd = self.model, self.model.p, self.random
        if self.can_go_online(b):
            if rnd.random() < p["belief_update"]:
                self.tell(b)
                m.flow("new_simulations", 1, b)
        elif rnd.random() < p["belief_update"] * p["belief_update_offline"]:
            if m.ask(m.phone, 1.0):
                self.tell(b)
            else:  # called, nobody answered: a contact that proposed nothing
                self.not_proposed[b] = True
                m.flow("new_phone_unanswered", 1)

    def core_contact(self, has_unaware: bool) -> None:
        """Core social work: the household comes whether or not it ignores a right; a served
        contact proposes the rights it ignores, one turned away proposes nothing."""
        m = self.model
        service = m.social[self.territory]
        served = m.ask_core(service)
        m.flow("core_contacts", 1)
        m.flow("core_contacts_refused", not served)
        if has_unaware:
            self.contact(served, m.propose_probability(SOCIAL, self.territory))

    def contact(self, served: bool, propose: float) -> None:
        """A service saw the household: each right it has and ignores is proposed with
        ``propose`` if it was served; otherwise it is left *not proposed* (non-proposition)."""
        m, rnd = self.model, self.random
        for b in range(m.nb):
            if not self.eligible(b) or self.aware[b]:
                continue
            if served and rnd.random() < propose:
                self.tell(b)
                m.flow("new_proposed", 1, b)
            else:
                self.not_proposed[b] = True
                m.flow("new_not_proposed", 1, b)

    def call_about_file(self) -> None:
        """A recipient calls the agency about its file (payments, changes): the demand that
        fills the phone line whatever else happens."""
        m = self.model
        if RECEIVING in self.state and self.random.random() < m.p["call_rate"]:
            if not m.ask(m.phone, 1.0):
                m.flow("new_phone_unanswered", 1)

    # -- 3-4. decision and route -----------------------------------------------------------
    def decide(self) -> None:
        """Automatic payment, linked grants and detection act first; then people queuing keep
        their place (or leave), aware non-recipients weigh gain against the cheapest route,
        and declarations due this month join them; each filing picks its route."""
        m, p, lv, rnd = self.model, self.model.p, self.model.levers, self.random
        self.filings = []
        self.demand_reason = [0] * m.nb
        if not any(a > 0 for a in self.amount):  # nothing to claim nor to declare
            return
        for b in range(m.nb):  # automatic payment ("solidarité à la source")
            if (m.automatic_share[b] > 0 and self.eligible(b) and self.state[b] not in (RECEIVING, PROCESSING)
                    and rnd.random() < m.automatic_share[b]):
                self.enrol(b)
        for b, sources in enumerate(m.granted_with):  # through a linked benefit's declaration
            if sources and self.eligible(b) and self.state[b] not in (RECEIVING, PROCESSING):
                chance = max((1.0 / max(int(m.renewal_months[c]), 1) for c in sources
                              if self.state[c] == RECEIVING), default=0.0)
                if rnd.random() < chance:
                    self.enrol(b)
        if lv.detection_rate > 0:  # the agency books non-autonomous households a mediation slot
            for b in range(m.nb):
                if (self.eligible(b) and self.aware[b] and self.months_without[b] >= 3
                        and self.state[b] in (NOT_CLAIMED, REJECTED, SUSPENDED, GAVE_UP)
                        and self.skill < p["autonomy_skill"] and rnd.random() < lv.detection_rate):
                    self.queue_for_mediation(b)
                    m.flow("new_oriented", 1)
        for b in range(m.nb):
            if self.state[b] == QUEUED:  # some leave the queue, the others keep their place
                if rnd.random() < p["queue_leave"]:
                    self.state[b], self.months_waiting[b] = NOT_CLAIMED, 0
                    self.failures[b] += 1
                    self.remember_failure(b, self.channel[b], int(FailReason.turned_away))
                    m.flow("new_left_queue", 1)
                else:
                    self.months_waiting[b] += 1
                    self.filings.append(Filing(b, False, True, self.routes(b, queued=True)))
            if self.eligible(b) and self.aware[b] and self.state[b] in (NOT_CLAIMED, REJECTED, SUSPENDED):
                routes = self.routes(b)
                value = self.claim_value(b, *routes[:2])
                if rnd.random() < self.probability_of(*value):
                    m.flow("new_claims", 1, b)
                    self.filings.append(Filing(b, False, False, routes))
                else:
                    self.demand_reason[b] = self.non_demand_reason(*value)
                    self.follow_up_silence(b)
        for b in range(m.nb):  # recipients' clocks tick; declarations fall due
            if m.renewal_months[b] <= 0 or self.state[b] != RECEIVING:
                continue
            self.timer[b] -= 1
            if self.timer[b] > 0:
                continue
            if m.automatic_renewal[b]:
                self.timer[b] = int(m.renewal_months[b])
                m.flow("new_renewals", 1, b)
            else:
                self.filings.append(Filing(b, True, self.months_waiting[b] > 0, self.routes(b, renewal=True)))
        for f in self.filings:
            self.choose_route(f)
        if self.filings:
            m.filers.append(self)

    def choose_route(self, f: Filing) -> None:
        """A queued claim keeps its route; others choose (logit); a household whose codes an
        intermediary keeps goes back to it when it can (claims.choose)."""
        pick = self.choose(f.avail, f.cost)
        if f.queued and not f.renewal:
            f.channel = self.channel[f.b]
            return
        f.channel = pick
        back = CHANNEL_OF_HOLDER.get(self.credentials_holder)
        if back is not None and f.avail[back] and self.model.channels_open[f.b][ALONE]:
            f.channel = back

    def enrol(self, b: int) -> None:
        """Paid without claiming (automatic payment, or a linked benefit's declaration)."""
        m = self.model
        self.state[b], self.ever_received[b] = RECEIVING, True
        self.knows[b] = self.aware[b] = True
        self.not_proposed[b], self.failures[b] = False, 0
        self.timer[b] = max(int(m.renewal_months[b]), 0)
        m.flow("new_automatic", 1, b)

    def queue_for_mediation(self, b: int) -> None:
        """A mediation slot booked for ``b``: a France Services point in reach, else social services."""
        self.state[b], self.months_waiting[b] = QUEUED, 0
        self.channel[b] = ASSOCIATION if self.in_reach_of_association() else SOCIAL

    def follow_up_silence(self, b: int) -> None:
        """A failed attempt not followed by another within ``follow_up_months`` counts as
        giving up (the household may come back later)."""
        if self.fail_reason[b] == 0:
            return
        self.failed_months[b] += 1
        if self.failed_months[b] >= self.model.p["follow_up_months"]:
            self.model.after_failure(self.failed_channel[b], int(AfterFailure.gave_up))
            self.fail_reason[b] = 0

    def remember_failure(self, b: int, channel: int, reason: int) -> None:
        """The route that failed, and why; its follow-up is recorded later."""
        self.failed_channel[b] = channel
        self.fail_reason[b] = max(reason, int(FailReason.attempt_failed))
        self.failed_months[b] = 0

    # -- 5. filing ----------------------------------------------------------------------
    def file(self, queued: bool) -> None:
        """Lodge this month's filings that are (not) already waiting, through their routes."""
        for f in self.filings:
            if f.queued == queued:
                self.route(f)

    def succeeds(self, f: Filing, prob: float) -> bool:
        """One success draw; a declaration's failures are mostly a missing paper, which the
        document safe avoids (a share ``safe_effect`` of them)."""
        keep = 1.0 - self.model.levers.safe_effect * self.has_safe if f.renewal else 1.0
        return keep <= 0 or self.random.random() >= keep * (1.0 - prob)

    def lighter(self, f: Filing, prob: float) -> float:
        """A declaration is simpler than a first claim: fewer ways to fail."""
        return 1.0 - 0.3 * (1.0 - prob) if f.renewal else prob

    def route(self, f: Filing) -> None:
        """One filing through its route, within the helpers' capacities (attempt.route)."""
        m, p, rnd = self.model, self.model.p, self.random
        f.route = ch = f.channel
        if ch < 0:
            return
        light = 0.5 if f.renewal else 1.0
        succ, hours = p["success"], p["hours"]
        f.email_needed = self.email_missing(f.b) and m.channels_open[f.b][ALONE]
        extra = p["email_setup_hours"] * f.email_needed  # a helper creates the address
        if ch == ALONE:
            f.outcome = OK if self.succeeds(f, self.success_online(f.b, f.renewal)) else FAIL
        elif ch == RELATIVE:
            helper = rnd.choice(self.helpers) if self.helpers else None
            cost = hours["relative"] * light + extra
            if helper is None or not m.ask_relative(helper, cost):
                f.outcome = WAIT
                m.flow("new_turned_away_relatives", 1)
                self.lose_access(f, RELATIVE)
            else:
                m.flow("hours_relatives", cost)
                ok = self.succeeds(f, logistic(p["success_slope"] * (helper.skill - m.complexity[f.b] * light)))
                f.outcome, f.helped = (OK if ok else FAIL), KIN
        elif ch == COUNTER and f.renewal:  # a paper declaration, posted: no visit, no slot
            ok = self.succeeds(f, self.lighter(f, succ["counter"]))
            f.outcome, f.helped = (OK if ok else FAIL), AGENCY
        elif ch in (COUNTER, PHONE):
            service = m.counters[self.territory] if ch == COUNTER else m.phone
            if m.ask(service, 1.0):
                ok = self.succeeds(f, self.lighter(f, succ["counter" if ch == COUNTER else "phone"]))
                f.outcome, f.helped = (OK if ok else FAIL), AGENCY
                if ch == COUNTER:
                    m.flow("counter_visits", 1)
            else:
                f.outcome = WAIT
                m.flow("new_turned_away_counters" if ch == COUNTER else "new_turned_away_phone", 1)
        else:
            self.mediated_route(f, extra)
        if f.outcome == WAIT:
            f.reason = int(FailReason.turned_away)
        elif f.outcome == FAIL and f.reason == 0:
            f.reason = int(FailReason.attempt_failed)

    def mediated_route(self, f: Filing, extra: float) -> None:
        """Social services, which refer on to an association in reach when they have no time
        left (the delegation chain), or an association."""
        m, p = self.model, self.model.p
        if f.channel == SOCIAL:
            if self.mediate(f, m.social[self.territory], SOCIAL_WORKER, extra):
                return
            self.lose_access(f, SOCIAL)
            if not (self.random.random() < p["referral_prob"] and self.in_reach_of_association()):
                m.flow("new_turned_away_social", 1)
                return
            m.flow("new_referrals", 1)
            f.route = ASSOCIATION
        if not self.mediate(f, m.associations[self.territory], MEDIATOR, extra):
            m.flow("new_turned_away_associations", 1)
            self.lose_access(f, ASSOCIATION)

    def lose_access(self, f: Filing, route: int) -> None:
        """A declaration that must go through the intermediary keeping the codes, which could
        not see the household this month, fails: access is lost (Mazet 2017)."""
        if f.renewal and self.credentials_holder == HOLDER_OF[route]:
            f.outcome, f.reason = FAIL, int(FailReason.lost_access)

    def mediate(self, f: Filing, service, who: str, extra: float) -> bool:
        """A mediator's session if it has the hours: taught or done for the household.
        Returns False (outcome WAIT) when it has no time left this round."""
        m, p = self.model, self.model.p
        teach = self.random.random() < m.teach_probability(service, self.equipment > 0)
        hours = p["hours"]
        if f.renewal:
            cost = hours["renewal"] * (2.0 if teach else 1.0)
        else:
            cost = hours["teach" if teach else "do_for"]
        if not m.ask(service, cost + extra):
            f.outcome = WAIT
            return False
        ok = self.succeeds(f, self.lighter(f, p["success"]["teach" if teach else "do_for"]))
        f.outcome, f.helped, f.teach, f.reason = (OK if ok else FAIL), who, teach, 0
        return True

    # -- after filing: learning, dependence, codes, contacts, burden, claim states -------------
    def settle(self) -> None:
        """Once every filing of the month is through: what the household learnt, the hours it
        spent, what followed earlier failures, and its claims' new states."""
        self.after_help()
        for f in self.filings:
            self.add_burden(f)
        for f in self.filings:
            if not f.renewal:
                self.follow_up(f)
                self.claim_outcome(f)

    def after_help(self) -> None:
        """Learning, dependence, access codes, e-mail, and what each contact told (attempt._after_help)."""
        m, p, lv, rnd = self.model, self.model.p, self.model.levers, self.random
        fs = self.filings
        # skills grow by practice online and by being taught, once a month, not by being done for
        if any(f.tried and f.route == ALONE for f in fs):
            self.skill += p["practice_gain"] * (1.0 - self.skill)
        if any(f.tried and f.teach for f in fs):
            self.skill += p["teach_gain"] * (1.0 - self.skill)
        done_for = [f.outcome == OK and (f.helped == KIN or (f.helped in (SOCIAL_WORKER, MEDIATOR)
                                                             and not f.teach)) for f in fs]
        if any(done_for):
            self.dependent = True
        if any(f.outcome == OK and (f.route == ALONE or f.teach) for f in fs):
            self.dependent = False  # filing alone, or being taught, gives autonomy and the codes back
            self.credentials_holder = int(Holder.none)
        # do-for on an online benefit: the mediator often keeps the access codes (Mazet 2017)
        left = p["credentials_left"] * (1.0 - lv.safe_effect * self.has_safe)
        keeps = [rnd.random() < left for _ in fs]
        for who, route in ((SOCIAL_WORKER, SOCIAL), (MEDIATOR, ASSOCIATION)):
            if any(d and k and f.helped == who and m.channels_open[f.b][ALONE]
                   for f, d, k in zip(fs, done_for, keeps)):
                self.credentials_holder = HOLDER_OF[route]
        if any(f.outcome == OK and f.email_needed for f in fs):
            self.email = True  # created where one was required (by the household or its helper)
        # a mediator who creates the address often keeps its password (Mazet 2017)
        knows_password = [rnd.random() < p["credentials_left"] for _ in fs]
        for who, route in ((SOCIAL_WORKER, SOCIAL), (MEDIATOR, ASSOCIATION)):
            if self.credentials_holder == Holder.none and any(
                    f.outcome == OK and f.email_needed and k and f.helped == who
                    for f, k in zip(fs, knows_password)):
                self.credentials_holder = HOLDER_OF[route]
        for f in fs:
            ok = f.outcome == OK
            m.flow("filings_total", ok)
            m.flow("filings_alone", ok and f.route in (ALONE, PHONE))
            m.flow("filings_counter", ok and f.route == COUNTER)
            m.flow("new_failed_attempts", f.outcome == FAIL)
            m.flow("new_mediated", ok and f.helped in (SOCIAL_WORKER, MEDIATOR))
            m.flow("new_mediated_taught", ok and f.helped in (SOCIAL_WORKER, MEDIATOR) and f.teach)
            m.flow("new_trips", f.tried and not f.posted and (f.route == COUNTER or f.route >= SOCIAL))
            if ok:
                m.flow_channel("new_filings_by_channel", f.route)
        # every served contact may propose the rights the household ignores
        for c in (RELATIVE, COUNTER, PHONE, SOCIAL, ASSOCIATION):
            if any(f.tried and f.route == c and not f.posted for f in fs):  # posted: nobody saw them
                self.contact(True, m.propose_probability(c, self.territory))
        if any(f.outcome == WAIT and f.route >= COUNTER for f in fs):
            self.contact(False, 0.0)  # turned away by a service: a contact that proposed nothing

    def add_burden(self, f: Filing) -> None:
        """The household's hours: the route's time (travel, forms, detours, seeking help), part
        of it for a trip or call that found no slot, and following up a claim that waits."""
        m, p, lv = self.model, self.model.p, self.model.levers
        ch, turned = f.route, f.outcome == WAIT
        travel = p["travel_hours"][self.territory]
        if ch == COUNTER and not f.renewal:  # (a declaration is posted)
            closed = self.counter_rank >= m.counter_open_share[self.territory]
            trip = 2 * travel * (p["closed_travel_factor"] if closed else 1.0)
        elif ch == SOCIAL:
            trip = 2 * travel
        elif ch == ASSOCIATION:
            trip = 2 * travel * lv.association_travel
        else:
            trip = 0.0
        spent = 0.0
        if ch >= 0 and f.outcome != NO_ROUTE:
            spent = trip + 0.5 * (f.hours[ch] - trip) if turned else f.hours[ch]
        waiting = p["queue_hours"] if f.queued and not f.renewal else 0.0
        total = spent + waiting
        self.burden_hours += total
        m.flow("burden_hours", total)
        m.flow("burden_hours_claims", 0.0 if f.renewal else total)
        m.flow("burden_travel", trip if (turned or f.tried) else 0.0)
        m.flow("burden_failed", spent if (turned or f.outcome == FAIL) else 0.0)
        m.flow("burden_waiting", waiting)
        m.flow("burden_seeking", p["seek_help_hours"] if ch in (SOCIAL, ASSOCIATION) and not f.queued else 0.0)

    def follow_up(self, f: Filing) -> None:
        """A claim after a failure: record what followed it (the same route again, or a detour)."""
        b = f.b
        if self.fail_reason[b] > 0:
            self.model.after_failure(self.failed_channel[b], f.route)
            self.fail_reason[b] = 0

    def claim_outcome(self, f: Filing) -> None:
        """A lodged claim goes to processing; one without a slot waits where it was; a failed
        one is remembered (and the agency orients some online failures to mediation)."""
        m, p, lv, rnd = self.model, self.model.p, self.model.levers, self.random
        b, ch = f.b, f.route
        if f.outcome == OK:
            self.state[b], self.timer[b] = PROCESSING, int(m.processing_months[b])
            self.channel[b], self.months_waiting[b] = ch, 0
            m.flow(LODGED_SERIES[ch], 1, b)
            m.lodged(ch, self.age_band)
            if ch in (ALONE, PHONE):
                p_inc = p["incomplete"]["alone"] * (1.0 - self.skill)
            else:
                p_inc = p["incomplete"]["mediated"] * (2 if ch == RELATIVE else 1)
            p_inc *= 1.0 - lv.safe_effect * self.has_safe
            self.incomplete[b] = rnd.random() < p_inc
            return
        self.channel[b] = ch
        if f.outcome == WAIT:  # turned away: the claim waits where it was
            self.state[b] = QUEUED
            return
        if ch == ALONE and rnd.random() < lv.orientation_rate:  # the agency orients it to mediation
            self.remember_failure(b, ch, f.reason)
            self.queue_for_mediation(b)
            m.flow("new_oriented", 1)
            return
        self.failures[b] += 1
        self.remember_failure(b, ch, f.reason)
        if self.failures[b] >= p["max_failures"]:
            self.state[b], self.timer[b] = GAVE_UP, p["give_up_months"]
            m.after_failure(ch, int(AfterFailure.gave_up))
            self.fail_reason[b] = 0
            m.flow("new_gave_up", 1, b)
        else:
            self.state[b] = NOT_CLAIMED

    # -- 6. processing and 7. renewal ---------------------------------------------------------
    def process(self) -> None:
        """The agency decides lodged files when their delay is over; incomplete ones are rejected."""
        m = self.model
        for b in range(m.nb):
            if self.state[b] != PROCESSING:
                continue
            if self.timer[b] > 0:
                self.timer[b] -= 1
            elif self.incomplete[b]:  # non-reception: the file misses a document
                self.state[b], self.incomplete[b] = REJECTED, False
                self.failures[b] += 1
                self.remember_failure(b, self.channel[b], int(FailReason.incomplete))
                m.flow("new_rejections", 1, b)
            else:
                self.state[b], self.ever_received[b], self.failures[b] = RECEIVING, True, 0
                self.failed_channel[b], self.timer[b] = -1, int(m.renewal_months[b])
                m.flow("new_awards", 1, b)

    def renew(self) -> None:
        """This month's declarations: served, payment goes on; no slot, a month's grace; else
        the payment is suspended (processing.renew)."""
        m = self.model
        for f in self.filings:
            if not f.renewal:
                continue
            b = f.b
            if f.outcome == OK:
                self.timer[b], self.months_waiting[b] = int(m.renewal_months[b]), 0
                m.flow(RENEWED_SERIES[f.route], 1, b)
                m.flow("new_renewals", 1, b)
                continue
            if f.outcome == WAIT:
                self.months_waiting[b] += 1
                if self.months_waiting[b] < 2:  # one month's grace: payment goes on
                    self.timer[b] = 1
                    continue
            self.state[b], self.months_waiting[b] = SUSPENDED, 0
            self.failures[b] += 1
            self.remember_failure(b, f.route, f.reason)
            m.flow("new_suspensions", 1, b)
            m.flow("new_lost_access", f.reason == FailReason.lost_access, b)
        self.filings = []

    # -- 8. learning and drift -------------------------------------------------------------------
    def drift(self) -> None:
        m, p, lv, rnd = self.model, self.model.p, self.model.levers, self.random
        for b in range(m.nb):
            if self.state[b] == GAVE_UP:
                self.timer[b] -= 1
                if self.timer[b] <= 0:  # the give-up spell ends
                    self.state[b], self.failures[b] = NOT_CLAIMED, 0
        if self.intention == Intention.quasi_user and rnd.random() < p["quasi_user_rate"]:
            self.go_online()
            m.flow("new_online", 1)
        if (self.internet_relation == InternetRelation.occasional and self.age_band == AgeBand.a75_plus
                and rnd.random() < p["dropout_rate"]):
            self.equipment, self.internet_relation = int(Equipment.none), int(InternetRelation.dropout)
            self.intention, self.non_connection = int(Intention.distant_potential), int(NonConnection.competence)
            m.flow("new_dropouts", 1)
        if lv.training_rate > 0 and self.skill < 0.5 and not self.trained and rnd.random() < lv.training_rate:
            self.skill += lv.training_gain * (1.0 - self.skill)
            self.trained = True
            m.flow("new_trained", 1)
        if (lv.equipment_rate > 0 and self.equipment == Equipment.none
                and self.intention != Intention.radical and rnd.random() < lv.equipment_rate):
            self.go_online()
            self.home_internet = self.email = True
            self.skill = max(self.skill, lv.equipment_skill)
            m.flow("new_equipped", 1)
        if lv.safe_rate > 0 and self.income_quintile == 0 and not self.has_safe and rnd.random() < lv.safe_rate:
            self.has_safe = True
            if rnd.random() < lv.safe_effect:  # the safe keeps the codes: no intermediary has to
                self.credentials_holder = int(Holder.none)
            m.flow("new_safes", 1)

    def go_online(self) -> None:
        self.equipment, self.internet_relation = int(Equipment.smartphone), int(InternetRelation.occasional)
        self.intention, self.non_connection = int(Intention.user), int(NonConnection.connected)

    # -- 9. measurement -----------------------------------------------------------------------------
    def subcause(self, b: int) -> int:
        """ODENORE sub-cause of an eligible non-recipient (metrics.subcauses), by precedence."""
        state = self.state[b]
        if state == SUSPENDED:
            return SubCause.suspended
        if state == REJECTED:
            return SubCause.rejected
        if state == PROCESSING:
            return SubCause.processing
        if state == QUEUED:  # by where the claim waits
            if self.channel[b] == RELATIVE:
                return SubCause.deterred_by_route
            if self.channel[b] in (COUNTER, PHONE):
                return SubCause.agency_queue
            return SubCause.waiting_for_help
        if state == GAVE_UP:
            return SubCause.deterred_by_route
        if not self.aware[b]:
            if self.not_proposed[b]:
                return SubCause.not_proposed
            return SubCause.believes_ineligible if self.knows[b] else SubCause.unaware
        reason = self.demand_reason[b]
        if reason == DemandReason.none:  # not evaluated this month: a failed claim, or new
            return SubCause.deterred_by_route if self.failures[b] > 0 else SubCause.not_yet
        return DEMAND_SUBCAUSE[reason]

    def measure(self) -> None:
        """End-of-month stocks: eligibility, receipt, the sub-cause of every right not received."""
        m = self.model
        flow = m.flow
        eligible = False
        for b in range(m.nb):
            if self.amount[b] <= 0:
                self.months_without[b] = 0
                continue
            eligible = True
            flow("n_eligible", 1, b)
            if self.state[b] == RECEIVING:
                self.months_without[b] = 0
                flow("n_receiving", 1, b)
                flow("paid_euros", self.amount[b], b)
                continue
            self.months_without[b] += 1
            sub = self.subcause(b)
            flow(SUBCAUSE_SERIES[sub], 1, b)
            flow(CAUSE_SERIES[SUBCAUSE_OF[sub]], 1, b)
            flow("unclaimed_euros", self.amount[b], b)
            if self.months_without[b] >= PERSISTENT_MONTHS:
                flow("n_persistent", 1, b)
            if self.state[b] == QUEUED:
                flow("n_queued", 1)
                flow("queue_months", self.months_waiting[b] + 1)  # this month included
        if eligible:
            flow("n_eligible_households", 1)
        if RECEIVING in self.state:
            flow("n_recipients", 1)
            flow("n_dependent", self.dependent)
            flow("n_credentials_held", self.credentials_holder > 0)
        if self.equipment == Equipment.none:
            flow("n_unequipped", 1)
        m.skill_sum += self.skill


DEMAND_SUBCAUSE = {int(DemandReason.low_gain): SubCause.low_gain,
                   int(DemandReason.stigma_autonomy): SubCause.stigma_autonomy,
                   int(DemandReason.deterred_by_route): SubCause.deterred_by_route,
                   int(DemandReason.not_yet): SubCause.not_yet}


class _Rows:
    """Some households' fields as arrays of the engine's dtypes (for ``Benefit.amount``)."""

    DTYPES: ClassVar[dict[str, str]] = {name: dtype for name, dtype, _ in FIELDS}

    def __init__(self, households: list[Household]):
        self._households = households

    def __getattr__(self, name):
        value = np.array([getattr(hh, name) for hh in self._households], dtype=self.DTYPES[name])
        setattr(self, name, value)
        return value


class ReferenceModel(mesa.Model):
    """The per-agent reference of :class:`sim.model.DematModel` (same scenario, same seed)."""

    household_class = Household
    setup_institutions = DematModel.setup_institutions  # institutions are shared
    configure_services = DematModel.configure_services
    activate_policies = DematModel.activate_policies

    def __init__(self, scenario: Scenario, seed: np.random.SeedSequence | int = 0):
        seed_seq = (seed if isinstance(seed, np.random.SeedSequence)
                    else np.random.SeedSequence(int(seed), spawn_key=(0,)))  # DematModel's seed rule
        super().__init__(rng=stream(seed_seq, "reference", -1))
        sc = scenario.data
        self.sc, self.p, self.months, self.month = scenario, sc["process"], sc["months"], 0
        self.benefit_names = scenario.benefits
        self.benefit_index = {b: i for i, b in enumerate(self.benefit_names)}
        self.benefits = [BENEFITS[b].for_legislation(sc["legislation"]) for b in self.benefit_names]
        self.bp = [sc["benefits"][b] for b in self.benefit_names]
        self.nb = nb = len(self.benefits)
        self.complexity = [float(np.float32(p["complexity"])) for p in self.bp]
        self.renewal_months = [p["renewal_months"] for p in self.bp]
        self.processing_months = [p["processing_months"] for p in self.bp]
        self.knows_on_entry = [p["knows_on_entry"] for p in self.bp]
        self.granted_with = [[self.benefit_index[c] for c in p["granted_with"] if c in self.benefit_index]
                             for p in self.bp]
        self.stigma = [self.p["stigma"].get(b, 0.0) for b in self.benefit_names]
        self.report_start = self.months - sc["report_months"]
        # the same synthetic households and help network as the engine's replication
        self.n = n = sc["population"]["households"]
        h = population_mod.generate(sc["population"], n, nb, stream(seed_seq, "population", -1))
        net = network_mod.build(h, sc["population"]["network"], stream(seed_seq, "network", -1))
        population_mod.mark_indirect_users(h)
        self.setup_institutions(h.territory)
        self.read_levers()
        columns = {name: getattr(h, name).tolist() for name, _, _ in FIELDS}
        columns.update({name: getattr(h, name).T.tolist() for name, _, _ in CLAIM_FIELDS})
        self.households = AgentSet([self.household_class(self, columns, i) for i in range(n)],
                                   random=self.random)
        people = list(self.households)
        for i, hh in enumerate(people):
            hh.helpers = [people[j] for j in net.indices[net.indptr[i]:net.indptr[i + 1]]]
        self.series = {k: np.zeros((self.months, nb)) for k in SERIES}
        self.series.update({k: np.zeros(self.months) for k in GLOBAL_SERIES})
        self.series["new_filings_by_channel"] = np.zeros((self.months, N_CHANNELS))
        self.after_failure_table = np.zeros((N_CHANNELS, len(AfterFailure)))  # report window
        self.lodged_by_age = np.zeros((N_CHANNELS, len(AgeBand)))  # report window
        self._flows: dict = defaultdict(float)
        self.skill_sum = 0.0
        self.closed: set = set()  # services and relatives that turned someone away this round
        self.filers: list[Household] = []  # households with filings this month
        self.moving_out: list[Household] = []  # this month's life events
        self.income_changed: list[Household] = []
        self.helper_hours = sc["population"]["network"]["helper_hours"]
        self.income_edges = h.income_edges
        self.initialise(h)
        self.running = self.months > 0

    # -- set-up -----------------------------------------------------------------------------
    def initialise(self, h: Households) -> None:
        """Month 0 (life_events.initialise): entitlements, then knowing, believing and
        receiving drawn from the steady state of the monthly process."""
        for b, benefit in enumerate(self.benefits):  # legislation: one vectorised call
            for hh, amount in zip(self.households, benefit.amount(h, self.bp[b]).tolist()):
                hh.amount[b] = amount
        working = [hh for hh in self.households if not hh.retired]
        stay = [sum(hh.eligible(b) for hh in working) / len(working) if working else 0.0
                for b in range(self.nb)]  # share of working-age households eligible
        self.households.do("start", stay)

    def copy_state(self, engine: DematModel) -> None:
        """Take over the state of an engine replication built with the same scenario and seed
        (so with the same households and relatives), at the end of a month: household
        fields, claims, the services' capacities and last month's load, the levers, the
        month.  The one-month differential test starts both models from one state."""
        h = engine.h
        columns = {name: getattr(h, name).tolist() for name, _, _ in FIELDS}
        columns.update({name: getattr(h, name).T.tolist() for name, _, _ in CLAIM_FIELDS})
        for i, hh in enumerate(self.households):
            for name, _, _ in FIELDS:
                setattr(hh, name, columns[name][i])
            for name, _, _ in CLAIM_FIELDS:
                setattr(hh, name, list(columns[name][i]))
        for mine, theirs in zip((self.phone, *self.counters, *self.social, *self.associations),
                                (engine.phone, *engine.counters, *engine.social, *engine.associations)):
            for key, value in vars(theirs).items():
                if key not in ("model", "unique_id", "pos"):
                    setattr(mine, key, value)
        self.levers = copy.deepcopy(engine.levers)
        self.read_levers()
        self.month = engine.month
        self.series = {k: np.zeros_like(v) for k, v in self.series.items()}
        self._flows.clear()

    def read_levers(self) -> None:
        """Plain-Python copies of the per-benefit and per-territory levers (read per household)."""
        lv = self.levers
        self.channels_open = lv.channels.tolist()
        self.email_required = lv.email_required.tolist()
        self.counter_open_share = lv.counter_open_share.tolist()
        self.association_presence = np.asarray(lv.association_presence, dtype=float).tolist()
        self.paper_route = lv.paper_route.tolist()
        self.campaign = lv.campaign.tolist()
        self.automatic_share = lv.automatic_share.tolist()
        self.automatic_renewal = lv.automatic_renewal.tolist()
        self.agency = lv.agency.tolist()

    def life_events(self) -> None:
        """Step 1: each household draws whether it moves out or its income changes; the
        population generator and the benefit formulas (shared with the engine) then run
        once for all of them, and each household updates its rights."""
        self.moving_out, self.income_changed = [], []
        self.households.do("life_events")
        out, changed = self.moving_out, self.income_changed
        pop = self.sc.data["population"]
        rng = np.random.default_rng(self.random.getrandbits(64))
        if out:  # newcomers are ranked against the population they join
            fresh = population_mod.generate(pop, len(out), self.nb, rng, income_edges=self.income_edges)
            for k, hh in enumerate(out):
                hh.move_in(fresh, k)
        if changed:  # new incomes, the current quintile, the CAF benefits that follow income
            rows = Households(len(changed), self.nb)
            for name in ("age_band", "retired", "household_type", "n_children", "diploma", "tenure"):
                getattr(rows, name)[:] = [getattr(hh, name) for hh in changed]
            rows.income_edges = self.income_edges
            idx = np.arange(len(changed))
            population_mod.draw_income(rows, pop, rng, idx)
            population_mod.update_quintile(rows, idx)
            population_mod.draw_other_benefit(rows, pop, rng, idx)
            for k, hh in enumerate(changed):
                hh.earnings, hh.other_income = rows.earnings[k].item(), rows.other_income[k].item()
                hh.income_quintile = rows.income_quintile[k].item()
                hh.other_benefit = rows.other_benefit[k].item()
        amounts = self.entitlements(out + changed)
        for hh, amount in zip(out, amounts):
            hh.newcomer_rights(amount)
        for hh, amount in zip(changed, amounts[len(out):]):
            hh.update_entitlements(amount)

    def entitlements(self, households: list[Household]) -> list[list[float]]:
        """Each household's amount of every benefit (EUR/month), from one vectorised call of
        the benefit formulas (legislation, shared with the engine)."""
        if not households:
            return []
        rows = _Rows(households)
        return np.array([benefit.amount(rows, self.bp[b]) for b, benefit in enumerate(self.benefits)],
                        dtype=np.float64).T.tolist()

    # -- services -------------------------------------------------------------------------------
    def new_month_services(self) -> None:
        for service in (self.phone, *self.counters, *self.social, *self.associations):
            service.new_month()
        for hh in self.households:
            hh.helper_hours = self.helper_hours

    def ask(self, service, cost: float) -> bool:
        """One request, in arrival order; after a refusal the service refuses the rest of the round."""
        service.demand += cost
        if service in self.closed or cost > service.remaining + 1e-6:
            self.closed.add(service)
            service.refused += 1
            return False
        service.remaining -= cost
        service.used += cost
        return True

    def ask_core(self, service) -> bool:
        """A core social-work contact, within the hours core work has this month."""
        hours = self.p["hours"]["core_contact"]
        service.core_demand += hours
        if ("core", service) in self.closed or hours > service.core_capacity - service.core_used + 1e-6:
            self.closed.add(("core", service))
            service.core_refused += 1
            return False
        service.core_used += hours
        return True

    def ask_relative(self, helper: Household, hours: float) -> bool:
        """A relative helps while its monthly time lasts (first come, first served)."""
        if helper in self.closed or hours > helper.helper_hours + 1e-6:
            self.closed.add(helper)
            return False
        helper.helper_hours -= hours
        return True

    def teach_probability(self, service, equipped: bool) -> float:
        """A mediated session is taught: imposed by a policy, or the mediator's choice (teach an
        equipped household when last month left time)."""
        lv = self.levers
        if lv.mediation_mode == "teach":
            return 1.0
        if lv.mediation_mode == "do_for":
            return 0.0
        load = self.p["teach_load_drop"] * min(service.last_utilisation, 1.0)
        return lv.teach_propensity * (1.0 - load) * equipped

    def propose_probability(self, channel: int, territory: int) -> float:
        """Chance that the helper a household saw through ``channel`` proposes a right."""
        if channel == RELATIVE:
            return self.p["propose"]["relative"]
        if channel == PHONE:
            return self.phone.propose_probability
        agents = {COUNTER: self.counters, SOCIAL: self.social, ASSOCIATION: self.associations}[channel]
        return agents[territory].propose_probability

    # -- the ledger ----------------------------------------------------------------------------------
    def flow(self, name: str, value: float, b: int | None = None) -> None:
        self._flows[name, b] += value

    def flow_channel(self, name: str, channel: int) -> None:
        self._flows[name, ("channel", channel)] += 1

    def after_failure(self, failed: int, then: int) -> None:
        if failed >= 0 and then >= 0 and self.month >= self.report_start:
            self.after_failure_table[failed, then] += 1

    def lodged(self, channel: int, age_band: int) -> None:
        if self.month >= self.report_start:
            self.lodged_by_age[channel, age_band] += 1

    def close_month(self) -> None:
        """Write this month's flows and stocks, and the services' use, into the series."""
        m, s = self.month, self.series
        for (name, b), value in self._flows.items():
            if b is None:
                s[name][m] += value
            elif isinstance(b, tuple):
                s[name][m, b[1]] += value
            else:
                s[name][m, b] += value
        self._flows.clear()
        s["mean_skill"][m] = self.skill_sum / self.n
        self.skill_sum = 0.0
        record_services(s, self, m)  # the institutions' bookkeeping, shared with the engine

    # -- the month ---------------------------------------------------------------------------------
    def step(self) -> None:
        """One month, in the order of DOMAIN §3 (and of :meth:`DematModel.step`)."""
        if self.month >= self.months:
            self.running = False
            return
        self.activate_policies()                    # 0. policies due this month turn their levers
        self.read_levers()
        self.new_month_services()                   #    capacities refill
        people = self.households
        self.life_events()                          # 1. income changes move households in/out of eligibility
        self.closed = set()                         # 2. information; the phone line and social
        people.shuffle_do("inform")                 #    workers' core hours are shared
        for ss in self.social:                      #    core hours left go to digital help
            ss.release_core()
        people.shuffle_do("call_about_file")        #    recipients' own calls fill the phone line
        self.filers = []
        people.do("decide")                         # 3-4. decision to claim, due declarations, route
        self.closed = set()                         # 5. filing: people already waiting first,
        filers = AgentSet(self.filers, random=self.random)
        filers.select(lambda a: any(f.queued for f in a.filings)).shuffle_do("file", True)
        filers.select(lambda a: any(not f.queued for f in a.filings)).shuffle_do("file", False)
        filers.do("settle")                         #    then everyone learns what happened
        people.do("process")                        # 6. the agency decides lodged files
        filers.do("renew")                          # 7. declarations renew payment, or suspend it
        people.do("drift")                          # 8. skills and relation to the internet
        people.do("measure")                        # 9. measurement
        self.close_month()
        self.month += 1
        self.running = self.month < self.months

    def run(self) -> "ReferenceModel":
        while self.month < self.months:
            self.step()
        return self
