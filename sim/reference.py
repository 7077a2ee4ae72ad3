"""Per-agent reference model: the engine's household rules, one ``mesa.Agent`` per household.

The engine (:class:`sim.model.DematModel`) holds households as arrays and never
loops over them.  This module writes the same monthly rules the idiomatic Mesa
way: each :class:`Household` agent has readable methods for the steps of
DOMAIN §3, and :meth:`ReferenceModel.step` activates all households step by
step in a random order (``shuffle_do``).  It is used for two things only:

- the differential test (``tests/test_reference.py``): over many seeds, its
  outcome distributions must match the engine's;
- the baseline of the benchmark (``benchmarks/bench_engine.py``).

What is shared with the engine, on purpose: the synthetic population and help
network (same generator and seed, so that a replication of both models starts
from the same households), the benefit formulas (legislation, not behaviour),
the levers and policies, and the institutions (``Counter``, ``SocialService``,
``Association`` agents).  What is rewritten: every behavioural rule.

Random draws differ (one Python ``random`` stream, per-household draws), so the
two models agree in distribution, not draw by draw.  Capacity-limited services
serve requests in arrival order; arrival order is the random activation order,
people already queuing first, which is the engine's priority rule.  A service
that turns one request away turns away every later one in the same step (the
engine's first-come-first-served rule without skipping ahead).
"""

from __future__ import annotations

import math

import mesa
from mesa.agent import AgentSet
import numpy as np

from .agents import network as network_mod
from .agents import population as population_mod
from .agents.households import CLAIM_FIELDS, FIELDS, Households
from .benefits import REGISTRY as BENEFITS
from .categories import (AgeBand, Cause, Channel, ClaimState, Equipment, Intention,
                         InternetRelation, NonConnection)
from .metrics import CAUSE_SERIES, PERSISTENT_MONTHS
from .model import DematModel, stream
from .scenario import Scenario
from .submodels.life_events import KEPT_ON_TURNOVER

ALONE, RELATIVE, COUNTER, PHONE, SOCIAL, ASSOCIATION = map(int, Channel)
NOT_CLAIMED, QUEUED, PROCESSING, RECEIVING, SUSPENDED, REJECTED, GAVE_UP = map(int, ClaimState)
OK, FAIL, WAIT, NO_ROUTE = "ok", "fail", "wait", "no route"
# who helped a filing: the household itself, a relative, the agency (counter or phone), a mediator
SELF, KIN, AGENCY, MEDIATOR = "self", "relative", "agency", "mediator"

SERIES = ("n_eligible", "n_receiving", *CAUSE_SERIES, "n_persistent", "unclaimed_euros",
          "new_entries", "new_exits", "new_claims", "new_awards", "new_rejections", "new_suspensions", "new_gave_up")
GLOBAL_SERIES = ("hours_social_services", "hours_associations", "hours_relatives", "new_referrals",
                 "new_turned_away", "burden_hours", "new_failed_attempts", "filings_alone",
                 "filings_total", "n_recipients", "n_dependent", "n_credentials_held",
                 "new_households")


def logistic(x: float) -> float:
    return 1.0 / (1.0 + math.exp(-min(max(x, -50.0), 50.0)))


class Household(mesa.Agent):
    """One household: the attributes of DOMAIN §2 as plain Python values."""

    def __init__(self, model: "ReferenceModel", h: Households, i: int):
        super().__init__(model)
        for name, _, _ in FIELDS:
            setattr(self, name, getattr(h, name)[i].item())
        for name, _, _ in CLAIM_FIELDS:  # one value per benefit
            setattr(self, name, getattr(h, name)[:, i].tolist())
        self.helpers: list[Household] = []  # connected relatives (set by the model)
        self.helper_hours = 0.0  # this month's hours left to help others
        self.pending: list[list] = []  # this month's claims: [benefit, channel, queued?, hours, result]

    # -- helpers --------------------------------------------------------------------
    def eligible(self, b: int) -> bool:
        return self.amount[b] > 0

    def columns(self):
        """This household as a one-row population, for the (vectorised) benefit formulas."""
        return _OneRow(self)

    def in_reach_of_association(self) -> bool:
        return self.association_rank < self.model.levers.association_presence[self.territory]

    def success_online(self, b: int, renewal: bool, skill: float | None = None) -> float:
        m = self.model
        cx = m.complexity[b] * (0.5 if renewal else 1.0)
        return logistic(m.p["success_slope"] * ((self.skill if skill is None else skill) - cx))

    def can_go_online(self, b: int) -> bool:
        lv, p = self.model.levers, self.model.p
        return (self.equipment > Equipment.none
                and (self.home_internet or self.equipment == Equipment.smartphone)
                and self.skill >= p["min_skill_online"]
                and (self.email or not lv.email_required[b])
                and self.intention != Intention.radical)

    def costs(self, b: int, renewal: bool = False):
        """Routes to benefit ``b``: open?, cost (EUR) and hours, per channel (channels.options).

        Burden in the three parts of Herd & Moynihan: learning, psychological, compliance.
        """
        m, lv, p = self.model, self.model.levers, self.model.p
        allowed = [bool(x) for x in lv.channels[b]]
        walk_in = not lv.appointment_only
        if lv.alternative_route and (self.age >= lv.alternative_age or self.skill < lv.alternative_skill
                                     or self.equipment == Equipment.none):
            allowed[COUNTER] = allowed[PHONE] = walk_in = True
        online = self.can_go_online(b)
        has_helper = self.n_helpers > 0
        open_share = lv.counter_open_share[self.territory]
        avail = [allowed[ALONE] and online,
                 allowed[RELATIVE] and has_helper,
                 allowed[COUNTER] and open_share > 0 and (online or has_helper or walk_in),
                 allowed[PHONE], allowed[SOCIAL],
                 allowed[ASSOCIATION] and self.in_reach_of_association()]
        light = 0.3 if renewal else 1.0
        skill, fear = self.skill, p["fear_of_error"]
        paper = p["paperwork_hours"] * m.complexity[b] * light
        travel = p["travel_hours"][self.territory]
        counter_travel = travel * (p["closed_travel_factor"] if self.counter_rank >= open_share else 1.0)
        data_fear = p["data_fear_cost"] if self.non_connection == NonConnection.data_fear else 0.0
        hours = [paper * (1.5 - skill), 0.5 * paper + 0.5, 2 * counter_travel + 1.0 + 0.5 * paper,
                 1.0 + 0.5 * paper, 2 * travel + 1.5 + 0.3 * paper,
                 2 * travel * lv.association_travel + 1.5 + 0.3 * paper]
        psych = [fear * (1.0 - skill) + data_fear + p["learning_cost"] * (1.0 - skill) * light,
                 p["relative_cost"] + 0.3 * fear + data_fear, 0.3 * fear, 0.6 * fear,
                 p["mediated_cost"], p["mediated_cost"]]
        if lv.channels[b, ALONE]:  # filing online through others: detours, maybe an e-mail to create
            extra = p["online_detour_hours"] * (1.0 - skill) * light
            if lv.email_required[b] and not self.email:
                extra += p["email_setup_hours"]
            for c in (RELATIVE, SOCIAL, ASSOCIATION):
                hours[c] += extra
        if not walk_in and avail[COUNTER]:  # appointment booked online, or by a relative
            hours[COUNTER] += p["booking_hours"]
            if not online:
                psych[COUNTER] += p["relative_cost"]
        s = p["success"]  # people avoid routes they expect to fail on
        p_fail = [1.0 - self.success_online(b, renewal), 0.1, 1.0 - s["counter"], 1.0 - s["phone"],
                  1.0 - s["do_for"], 1.0 - s["do_for"]]
        cost = [p["value_of_time"] * hours[c] + psych[c] + fear * p_fail[c] for c in range(len(Channel))]
        return avail, cost, hours

    def claim_probability(self, b: int, avail: list, cost: list) -> float:
        """Gain against the cheapest open route, stigma and past failures (claims.py's rule)."""
        if not any(avail):
            return 0.0
        p = self.model.p
        best = min(c for a, c in zip(avail, cost) if a)
        net = (self.amount[b] * p["gain_horizon"] - best - self.model.stigma[b] * self.reluctance
               - p["fear_of_error"] * self.failures[b])
        return p["claim_max"] * logistic(net / p["claim_scale"])

    def choose(self, avail: list, cost: list) -> int:
        """Multinomial logit on costs over the open routes; -1 if none is open."""
        channels = [c for c in range(len(Channel)) if avail[c]]
        if not channels:
            return -1
        scale, best = self.model.p["choice_scale"], min(cost[c] for c in channels)
        return self.random.choices(channels, [math.exp(-(cost[c] - best) / scale) for c in channels])[0]

    # -- 0. set-up ----------------------------------------------------------------------
    def start(self, stay: list[float]) -> None:
        """Aware with probability 1 - (1 - a) x / (x + l), receiving if aware with c / (c + x):
        the stationary states of learning (l), claiming (c) and leaving eligibility (x)."""
        m, p = self.model, self.model.p
        for b in range(m.nb):
            if not self.eligible(b):
                continue
            x = (p["turnover_rate"] + p["mortality_75_plus"] * (self.age_band == AgeBand.a75_plus)
                 + p["income_redraw_rate"] * (1.0 - stay[b]) * (not self.retired))
            learn = (p["info_base"] + p["info_relatives"] * (self.n_helpers > 0)
                     + p["core_contact_rate"] * p["info_contact"])
            if self.random.random() >= 1.0 - (1.0 - m.awareness_on_entry[b]) * x / (x + learn):
                continue
            self.aware[b] = True
            claim = self.claim_probability(b, *self.costs(b)[:2])
            if self.random.random() < claim / max(claim + x, 1e-12):
                self.state[b] = RECEIVING
                self.timer[b] = 1 + self.random.randrange(max(int(m.renewal_months[b]), 1))

    def reset_claim(self, b: int) -> None:
        self.state[b], self.failures[b], self.timer[b] = NOT_CLAIMED, 0, 0
        self.months_waiting[b] = self.months_without[b] = 0
        self.not_proposed[b] = False

    # -- 1. life events ---------------------------------------------------------------
    def life_events(self) -> None:
        """The household moves out (a newcomer moves in), or its income situation is redrawn."""
        m, p, rnd = self.model, self.model.p, self.random
        # the engine picks a binomial number of households with replacement from a pool of n:
        # each is picked with probability 1 - (1 - rate / n)^n, that is 1 - exp(-rate)
        out = rnd.random() < 1 - math.exp(-p["turnover_rate"])
        if self.age_band == AgeBand.a75_plus:
            out |= rnd.random() < 1 - math.exp(-p["mortality_75_plus"])
        if out:
            self.replace_by_newcomer()
        elif not self.retired and rnd.random() < 1 - math.exp(-p["income_redraw_rate"]):
            self.earnings, self.other_income = m.draw_income(self)
            self.update_entitlements()

    def replace_by_newcomer(self) -> None:
        """A fresh draw of the population generator moves in; it keeps the dwelling's place
        (territory, counter and mediation ranks) and the relatives' links (life_events.turnover)."""
        m = self.model
        new = m.newcomer()
        for name, _, _ in FIELDS:
            if name not in KEPT_ON_TURNOVER:
                setattr(self, name, getattr(new, name)[0].item())
        if (self.equipment == Equipment.none and self.n_helpers > 0
                and self.internet_relation != InternetRelation.distanced):
            self.internet_relation = InternetRelation.indirect  # others go online for them
        was = [self.eligible(b) for b in range(m.nb)]
        for name, _, _ in CLAIM_FIELDS:
            setattr(self, name, getattr(new, name)[:, 0].tolist())
        for b, benefit in enumerate(m.benefits):
            self.amount[b] = float(benefit.amount(self.columns(), m.bp[b])[0])
            self.aware[b] = self.eligible(b) and self.random.random() < m.awareness_on_entry[b]
            m.flow("new_entries", self.eligible(b), b)
            m.flow("new_exits", was[b], b)
        m.flow("new_households", 1)

    def update_entitlements(self) -> None:
        m = self.model
        for b, benefit in enumerate(m.benefits):
            before = self.eligible(b)
            self.amount[b] = float(benefit.amount(self.columns(), m.bp[b])[0])
            after = self.eligible(b)
            if after and not before and self.random.random() < m.awareness_on_entry[b]:
                self.aware[b] = True
            if after != before:
                self.reset_claim(b)
                m.flow("new_entries" if after else "new_exits", 1, b)

    # -- 2. information -----------------------------------------------------------------
    def inform(self) -> None:
        """Background and relatives; then, for some with rights they ignore, a social worker."""
        m, p = self.model, self.model.p
        unaware = [self.eligible(b) and not self.aware[b] for b in range(m.nb)]
        for b in range(m.nb):
            prob = p["info_base"] + p["info_relatives"] * (self.n_helpers > 0) + m.levers.campaign[b]
            if unaware[b] and self.random.random() < prob:
                self.aware[b], self.not_proposed[b] = True, False
        if any(unaware) and self.random.random() < p["core_contact_rate"]:
            served = m.core_contact(self.territory)
            for b in range(m.nb):
                if self.eligible(b) and not self.aware[b]:
                    if not served:  # saturated by digital help: the right is not proposed
                        self.not_proposed[b] = True
                        m.flow("new_not_proposed", 1, b)
                    elif self.random.random() < p["info_contact"]:
                        self.aware[b], self.not_proposed[b] = True, False

    # -- 3-4. decision and route -----------------------------------------------------------
    def decide(self) -> None:
        m, p, lv, rnd = self.model, self.model.p, self.model.levers, self.random
        self.pending = []
        for b in range(m.nb):  # automatic payment enrols some eligible households
            if (lv.automatic_share[b] > 0 and self.eligible(b)
                    and self.state[b] not in (RECEIVING, PROCESSING) and rnd.random() < lv.automatic_share[b]):
                self.state[b], self.aware[b], self.not_proposed[b] = RECEIVING, True, False
                self.failures[b], self.timer[b] = 0, max(int(m.renewal_months[b]), 0)
                m.flow("new_automatic", 1, b)
        if lv.detection_rate > 0:  # the agency orients non-autonomous households to mediation
            for b in range(m.nb):
                if (self.eligible(b) and self.aware[b] and self.months_without[b] >= 3
                        and self.state[b] in (NOT_CLAIMED, REJECTED, SUSPENDED, GAVE_UP)
                        and self.skill < p["autonomy_skill"] and rnd.random() < lv.detection_rate):
                    self.state[b], self.months_waiting[b] = QUEUED, 0
                    self.channel[b] = ASSOCIATION if self.in_reach_of_association() else SOCIAL
                    m.flow("new_oriented", 1)
        for b in range(m.nb):
            if self.state[b] == QUEUED:  # some leave the queue, the others keep their place
                if rnd.random() < p["queue_leave"]:
                    self.state[b], self.months_waiting[b] = NOT_CLAIMED, 0
                    self.failures[b] += 1
                    m.flow("new_left_queue", 1)
                else:
                    self.months_waiting[b] += 1
                    self.pending.append([b, self.channel[b], True, self.costs(b)[2]])
            if (self.eligible(b) and self.aware[b] and self.state[b] in (NOT_CLAIMED, REJECTED, SUSPENDED)):
                avail, cost, hours = self.costs(b)
                if rnd.random() < self.claim_probability(b, avail, cost):
                    m.flow("new_claims", 1, b)
                    self.pending.append([b, self.choose(avail, cost), False, hours])

    # -- 5. attempt ----------------------------------------------------------------------
    def file_claims(self, queued: bool) -> None:
        """Lodge this month's claims through their routes (those already queuing, or the new)."""
        for claim in self.pending:
            if claim[2] == queued:
                claim.append(self.route(claim[0], claim[1], renewal=False))

    def settle_claims(self) -> None:
        """After all filings of the month: what the household learnt, and its claims' states."""
        m, p, lv = self.model, self.model.p, self.model.levers
        if not self.pending:
            return
        self.after_help([c[0] for c in self.pending], [c[4] for c in self.pending])
        for b, _, _, hours, (out, ch, _, _) in self.pending:
            if ch >= 0:
                self.burden_hours += hours[ch]
                m.flow("burden_hours", hours[ch])
            if out == OK:
                self.state[b], self.timer[b] = PROCESSING, int(m.processing_months[b])
                self.channel[b], self.months_waiting[b] = ch, 0
                if ch in (ALONE, PHONE):
                    p_inc = p["incomplete"]["alone"] * (1.0 - self.skill)
                else:
                    p_inc = p["incomplete"]["mediated"] * (2 if ch == RELATIVE else 1)
                p_inc *= 1.0 - lv.safe_effect * self.has_safe
                self.incomplete[b] = self.random.random() < p_inc
            elif out == WAIT:
                if ch != RELATIVE:  # a relative with no time left is asked again another month
                    self.state[b], self.channel[b] = QUEUED, ch
            else:
                self.channel[b] = ch
                if ch == ALONE and self.random.random() < lv.detection_rate:  # failing online: oriented
                    self.state[b] = QUEUED
                    self.channel[b] = ASSOCIATION if self.in_reach_of_association() else SOCIAL
                    m.flow("new_oriented", 1)
                    continue
                self.failures[b] += 1
                if self.failures[b] >= p["max_failures"]:
                    self.state[b], self.timer[b] = GAVE_UP, p["give_up_months"]
                    m.flow("new_gave_up", 1, b)
                else:
                    self.state[b] = NOT_CLAIMED
        self.pending = []

    def route(self, b: int, channel: int, renewal: bool):
        """One filing through ``channel``: (outcome, final channel, who helped, taught?)."""
        m, p, lv, rnd = self.model, self.model.p, self.model.levers, self.random
        if channel < 0:
            return NO_ROUTE, channel, SELF, False
        teach = rnd.random() < lv.teach_share
        succ, hours = p["success"], p["hours"]
        if renewal:  # a declaration is lighter: fewer ways to fail, half an hour of help
            med_hours = hours["renewal"] * (2.0 if teach else 1.0)
            med_ok = 1.0 - 0.3 * (1.0 - succ["teach" if teach else "do_for"])
            counter_ok, phone_ok = 1.0 - 0.3 * (1.0 - succ["counter"]), 1.0 - 0.3 * (1.0 - succ["phone"])
            keep = 1.0 - lv.safe_effect * self.has_safe  # the document safe avoids lost papers

            def succeeds(prob):
                return keep <= 0 or rnd.random() >= keep * (1.0 - prob)
        else:
            med_hours = hours["teach" if teach else "do_for"]
            med_ok = succ["teach" if teach else "do_for"]
            counter_ok, phone_ok = succ["counter"], succ["phone"]

            def succeeds(prob):
                return rnd.random() < prob
        if channel == ALONE:
            return (OK if succeeds(self.success_online(b, renewal)) else FAIL), ALONE, SELF, False
        if channel == RELATIVE:
            helper = rnd.choice(self.helpers) if self.helpers else None
            rel_hours = hours["relative"] * (0.5 if renewal else 1.0)
            if helper is None or helper.helper_hours + 1e-6 < rel_hours:
                return WAIT, RELATIVE, SELF, False
            helper.helper_hours -= rel_hours
            m.flow("hours_relatives", rel_hours)
            ok = succeeds(self.success_online(b, renewal, skill=helper.skill))
            return (OK if ok else FAIL), RELATIVE, KIN, False
        if channel == COUNTER:
            if not m.ask(m.counters[self.territory], 1.0):
                return WAIT, COUNTER, SELF, False
            m.flow("counter_visits", 1)
            return (OK if succeeds(counter_ok) else FAIL), COUNTER, AGENCY, False
        if channel == PHONE:
            return (OK if succeeds(phone_ok) else FAIL), PHONE, AGENCY, False
        if channel == SOCIAL:
            if m.ask(m.social[self.territory], med_hours):
                return (OK if succeeds(med_ok) else FAIL), SOCIAL, MEDIATOR, teach
            # saturated social services refer on to an association within reach
            if not (rnd.random() < p["referral_prob"] and self.in_reach_of_association()):
                m.flow("new_turned_away", 1)
                return WAIT, SOCIAL, SELF, False
            m.flow("new_referrals", 1)
        if m.ask(m.associations[self.territory], med_hours):
            return (OK if succeeds(med_ok) else FAIL), ASSOCIATION, MEDIATOR, teach
        m.flow("new_turned_away", 1)
        return WAIT, ASSOCIATION, SELF, False

    def after_help(self, benefits: list[int], results: list) -> None:
        """Learning, dependence, access codes and what a contact tells (attempt._after_help)."""
        m, p, lv, rnd = self.model, self.model.p, self.model.levers, self.random
        tried = [out in (OK, FAIL) for out, *_ in results]
        # learning happens once per round of filings, by practice alone or by being taught
        if any(t and ch == ALONE for t, (_, ch, _, _) in zip(tried, results)):
            self.skill += p["practice_gain"] * (1.0 - self.skill)
        if any(t and teach for t, (_, _, _, teach) in zip(tried, results)):
            self.skill += p["teach_gain"] * (1.0 - self.skill)
        dependent_now = independent_now = codes_back = codes_given = False
        created_email = False
        for b, (out, ch, helped, teach) in zip(benefits, results):
            ok = out == OK
            done_for = ok and (helped == KIN or (helped == MEDIATOR and not teach))
            dependent_now |= done_for
            independent_now |= ok and (ch == ALONE or teach)
            codes_back |= ok and ch == ALONE
            keep_codes = rnd.random() < p["credentials_left"] * (1.0 - lv.safe_effect * self.has_safe)
            codes_given |= done_for and helped == MEDIATOR and bool(lv.channels[b, ALONE]) and keep_codes
            # a helper creating a required e-mail address often keeps its password
            knows_password = rnd.random() < p["credentials_left"]
            if ok and helped in (KIN, MEDIATOR) and lv.email_required[b] and not self.email:
                created_email = True
                codes_given |= knows_password
            m.flow("filings_total", ok)
            m.flow("filings_alone", ok and helped in (SELF, AGENCY))
            m.flow("new_failed_attempts", out == FAIL)
            if ok:
                m.filings_by_channel[m.month, ch] += 1
        if dependent_now:
            self.dependent = True
        if independent_now:
            self.dependent = False
        if codes_back:
            self.credentials_held = False
        if codes_given:
            self.credentials_held = True
        if created_email:
            self.email = True
        for t, (out, ch, _, _) in zip(tried, results):
            m.flow("new_trips", t and (ch == COUNTER or ch >= SOCIAL))
        # any contact may reveal other rights; a saturated service does not tell
        seen = sum(t and ch != ALONE for t, (_, ch, _, _) in zip(tried, results))
        refused = any(out == WAIT and ch >= SOCIAL for out, ch, _, _ in results)
        for b in range(m.nb):
            for _ in range(seen):
                if self.eligible(b) and not self.aware[b] and rnd.random() < p["info_contact"]:
                    self.aware[b], self.not_proposed[b] = True, False
            if refused and self.eligible(b) and not self.aware[b]:
                self.not_proposed[b] = True

    # -- 6. processing and 7. renewal ---------------------------------------------------------
    def process(self) -> None:
        m = self.model
        for b in range(m.nb):
            if self.state[b] != PROCESSING:
                continue
            if self.timer[b] > 0:
                self.timer[b] -= 1
            elif self.incomplete[b]:  # non-reception: the file misses a document
                self.state[b], self.incomplete[b] = REJECTED, False
                self.failures[b] += 1
                m.flow("new_rejections", 1, b)
            else:
                self.state[b], self.failures[b], self.timer[b] = RECEIVING, 0, int(m.renewal_months[b])
                m.flow("new_awards", 1, b)

    def renew(self) -> None:
        m, lv = self.model, self.model.levers
        due = []
        for b in range(m.nb):
            if m.renewal_months[b] <= 0 or self.state[b] != RECEIVING:
                continue
            self.timer[b] -= 1
            if self.timer[b] > 0:
                continue
            if lv.automatic_renewal[b]:
                self.timer[b] = int(m.renewal_months[b])
                m.flow("new_renewals", 1, b)
            else:
                due.append(b)
        if not due:
            return
        costs = [self.costs(b, renewal=True) for b in due]
        chosen = [self.choose(avail, cost) for avail, cost, _ in costs]
        results = [self.route(b, c, renewal=True) for b, c in zip(due, chosen)]
        self.after_help(due, results)
        for b, c, (_, _, hours), (out, _, _, _) in zip(due, chosen, costs, results):
            if c >= 0:  # the burden of the route chosen (a referral does not change it here)
                self.burden_hours += hours[c]
                m.flow("burden_hours", hours[c])
            if out == OK:
                self.timer[b], self.months_waiting[b] = int(m.renewal_months[b]), 0
                m.flow("new_renewals", 1, b)
                continue
            if out == WAIT:
                self.months_waiting[b] += 1
                if self.months_waiting[b] < 2:  # one month's grace: payment goes on
                    self.timer[b] = 1
                    continue
            self.state[b], self.months_waiting[b] = SUSPENDED, 0
            self.failures[b] += 1
            m.flow("new_suspensions", 1, b)

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
            self.equipment, self.internet_relation = Equipment.none, InternetRelation.dropout
            self.intention, self.non_connection = Intention.distant_potential, NonConnection.competence
            m.flow("new_dropouts", 1)
        if lv.training_rate > 0 and self.skill < 0.5 and not self.trained and rnd.random() < lv.training_rate:
            self.skill += lv.training_gain * (1.0 - self.skill)
            self.trained = True
        if (lv.equipment_rate > 0 and self.equipment == Equipment.none
                and self.intention != Intention.radical and rnd.random() < lv.equipment_rate):
            self.go_online()
            self.home_internet = self.email = True
            self.skill = max(self.skill, lv.equipment_skill)
        if lv.safe_rate > 0 and self.income_quintile == 0 and not self.has_safe and rnd.random() < lv.safe_rate:
            self.has_safe = True
            if rnd.random() < lv.safe_effect:
                self.credentials_held = False

    def go_online(self) -> None:
        self.equipment, self.internet_relation = Equipment.smartphone, InternetRelation.occasional
        self.intention, self.non_connection = Intention.user, NonConnection.connected

    # -- 9. measurement -----------------------------------------------------------------------------
    def cause(self, b: int) -> int:
        """ODENORE cause of an eligible non-recipient (metrics.classify)."""
        state = self.state[b]
        if state in (PROCESSING, REJECTED, SUSPENDED):
            return Cause.non_reception
        if state == QUEUED or (not self.aware[b] and self.not_proposed[b]):
            return Cause.non_proposition
        return Cause.non_knowledge if not self.aware[b] else Cause.non_demand

    def measure(self) -> None:
        m = self.model
        for b in range(m.nb):
            if not self.eligible(b):
                self.months_without[b] = 0
                continue
            m.flow("n_eligible", 1, b)
            if self.state[b] == RECEIVING:
                self.months_without[b] = 0
                m.flow("n_receiving", 1, b)
                continue
            self.months_without[b] += 1
            m.flow(CAUSE_SERIES[self.cause(b)], 1, b)
            m.flow("n_persistent", self.months_without[b] >= PERSISTENT_MONTHS, b)
            m.flow("unclaimed_euros", self.amount[b], b)
        if RECEIVING in self.state:
            m.flow("n_recipients", 1)
            m.flow("n_dependent", self.dependent)
            m.flow("n_credentials_held", self.credentials_held)


class _OneRow:
    """A household's fields as length-1 arrays of the engine's dtypes (for ``Benefit.amount``)."""

    DTYPES = {name: dtype for name, dtype, _ in FIELDS}

    def __init__(self, household: Household):
        self._hh = household

    def __getattr__(self, name):
        return np.array([getattr(self._hh, name)], dtype=self.DTYPES[name])


class ReferenceModel(mesa.Model):
    """The per-agent reference of :class:`sim.model.DematModel` (same scenario, same seed)."""

    household_class = Household
    setup_institutions = DematModel.setup_institutions  # institutions are shared
    configure_services = DematModel.configure_services
    activate_policies = DematModel.activate_policies

    def __init__(self, scenario: Scenario, seed: np.random.SeedSequence | int = 0):
        seed_seq = seed if isinstance(seed, np.random.SeedSequence) else np.random.SeedSequence(seed)
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
        self.awareness_on_entry = [p["awareness_on_entry"] for p in self.bp]
        self.stigma = [self.p["stigma"].get(b, 0.0) for b in self.benefit_names]
        # the same synthetic households and help network as the engine's replication
        n = sc["population"]["households"]
        h = population_mod.generate(sc["population"], n, nb, stream(seed_seq, "population", -1))
        net = network_mod.build(h, sc["population"]["network"], stream(seed_seq, "network", -1))
        population_mod.mark_indirect_users(h)
        self.setup_institutions(h.territory)
        self.households = AgentSet([self.household_class(self, h, i) for i in range(n)], random=self.random)
        people = list(self.households)
        for i, hh in enumerate(people):
            hh.helpers = [people[j] for j in net.indices[net.indptr[i]:net.indptr[i + 1]]]
        self.series = {k: np.zeros((self.months, nb)) for k in SERIES}
        self.series.update({k: np.zeros(self.months) for k in GLOBAL_SERIES})
        self.filings_by_channel = self.series["new_filings_by_channel"] = np.zeros((self.months, len(Channel)))
        self.closed: set = set()  # services that turned someone away in the current step
        self.helper_hours = sc["population"]["network"]["helper_hours"]
        self.income_edges = h.income_edges
        self.initialise(h)

    # -- set-up -----------------------------------------------------------------------------
    def initialise(self, h: Households) -> None:
        """Month 0 (life_events.initialise): entitlements, then awareness and receipt drawn
        from the steady state of the monthly process."""
        for b, benefit in enumerate(self.benefits):  # legislation: one vectorised call
            for hh, amount in zip(self.households, benefit.amount(h, self.bp[b]).tolist()):
                hh.amount[b] = amount
        working = [hh for hh in self.households if not hh.retired]
        stay = [sum(hh.eligible(b) for hh in working) / len(working) if working else 0.0
                for b in range(self.nb)]  # share of working-age households eligible
        self.households.do("start", stay)

    def newcomer(self) -> Households:
        """One household drawn by the population generator, ranked against the population."""
        rng = np.random.default_rng(self.random.getrandbits(64))
        return population_mod.generate(self.sc.data["population"], 1, self.nb, rng,
                                       income_edges=self.income_edges)

    def draw_income(self, hh: Household) -> tuple[float, float]:
        """New earnings and other income from the population's income rules."""
        one = Households(1, self.nb)
        for name in ("age_band", "retired", "household_type", "diploma"):
            getattr(one, name)[0] = getattr(hh, name)
        rng = np.random.default_rng(self.random.getrandbits(64))
        population_mod.draw_income(one, self.sc.data["population"], rng, np.array([0]))
        return float(one.earnings[0]), float(one.other_income[0])

    # -- services -------------------------------------------------------------------------------
    def ask(self, service, cost: float) -> bool:
        """One request, in arrival order; after a refusal the service refuses the rest of the step."""
        service.demand += cost
        if service in self.closed or cost > service.remaining + 1e-6:
            self.closed.add(service)
            service.refused += 1
            return False
        service.remaining -= cost
        service.used += cost
        return True

    def core_contact(self, territory: int) -> bool:
        """Core social work gets what last month's digital help left of the hours (information.py)."""
        hours = self.p["hours"]["core_contact"]
        self.core_contacts[territory] += 1
        if territory in self.core_full or hours > self.core_left[territory] + 1e-6:
            self.core_full.add(territory)
            return False
        self.core_left[territory] -= hours
        self.core_served[territory] += 1
        return True

    def flow(self, name: str, value: float, b: int | None = None) -> None:
        if name not in self.series:
            return
        if b is None:
            self.series[name][self.month] += value
        else:
            self.series[name][self.month, b] += value

    # -- the month ---------------------------------------------------------------------------------
    def step(self) -> None:
        """One month, in the order of DOMAIN §3 (and of :meth:`DematModel.step`)."""
        self.activate_policies()
        for service in (*self.counters, *self.social, *self.associations):
            service.new_month()
        for hh in self.households:
            hh.helper_hours = self.helper_hours
        people = self.households
        people.do("life_events")                    # 1. income changes (no interaction: any order)
        self.core_left = [max(s.total_hours - s.last_used, 0.0) for s in self.social]
        self.core_full, self.core_contacts, self.core_served = set(), [0, 0, 0], [0, 0, 0]
        people.shuffle_do("inform")                 # 2. learning; core social work is shared
        if sum(self.core_contacts):
            for t in range(3):
                self.social[t].core_used = self.p["hours"]["core_contact"] * self.core_served[t]
        people.do("decide")                         # 3-4. decision to claim and choice of a route
        self.closed = set()                         # 5. filing: people already queuing first,
        people.select(lambda a: any(c[2] for c in a.pending)).shuffle_do("file_claims", True)
        people.select(lambda a: any(not c[2] for c in a.pending)).shuffle_do("file_claims", False)
        people.do("settle_claims")                  #    then everyone learns what happened
        people.do("process")                        # 6. the agency decides lodged files
        self.closed = set()
        people.shuffle_do("renew")                  # 7. renewals, through the same capacities
        people.do("drift")                          # 8. skills and relation to the internet
        people.do("measure")                        # 9. measurement
        for t in range(3):
            self.series["hours_social_services"][self.month] += self.social[t].used
            self.series["hours_associations"][self.month] += self.associations[t].used
        self.month += 1

    def run(self) -> "ReferenceModel":
        while self.month < self.months:
            self.step()
        return self
