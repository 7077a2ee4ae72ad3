"""Policies that close or narrow routes to a claim (dematerialisation proper)."""

from __future__ import annotations

import numpy as np

from ..categories import Channel, Territory
from ..params import Param
from .base import Policy, benefits_param, register

ORDERS = {
    "rural_first": (Territory.rural, Territory.small_town, Territory.large_city),
    "urban_first": (Territory.large_city, Territory.small_town, Territory.rural),
}


@register
class CounterClosure(Policy):
    name = "counter_closure"
    doc = "Close a share of the agency's counters (rural first, urban first or evenly) and/or cut hours."
    params = {
        "share": Param(0.5, "share of counters", 0, 1, doc="share of all counters closed"),
        "order": Param("rural_first", kind="choice", choices=("rural_first", "urban_first", "uniform")),
        "hours_factor": Param(1.0, "factor", 0, 1, doc="opening hours kept at open counters"),
    }
    effect = ("non_take_up_rate", +1)

    def apply(self, model):
        lv = model.levers
        weights = model.territory_households / max(model.territory_households.sum(), 1)
        closed = np.zeros(3)
        if self.p["order"] == "uniform":
            closed[:] = self.p["share"]
        else:
            left = self.p["share"]
            for t in ORDERS[self.p["order"]]:
                if weights[t] <= 0:
                    continue
                closed[t] = min(1.0, left / weights[t])
                left -= closed[t] * weights[t]
                if left <= 1e-12:
                    break
        lv.counter_open_share = np.minimum(lv.counter_open_share, 1.0 - closed)
        lv.counter_hours_factor *= self.p["hours_factor"]


@register
class OnlineOnly(Policy):
    name = "online_only"
    doc = ("A benefit can only be claimed online (alone, with a relative or a mediator): no counter, "
           "no phone; with paper_form, a paper form stays available on request (the prime "
           "d'activité in 2016).")
    params = {
        "benefits": benefits_param(),
        "paper_form": Param(False, kind="bool",
                            doc="keep a paper form on request, lodged or posted to the agency "
                                "(the 'counter' route, at the extra cost process.paper_cost)",
                            source="DGCS 2017: 87 % of the prime d'activité's first claims and "
                                   "95 % of its quarterly declarations arrived online in 2016"),
    }
    effect = ("non_take_up_rate", +1)

    def apply(self, model):
        lv = model.levers
        for b in self.benefit_indices(model):
            lv.channels[b, Channel.counter] = self.p["paper_form"]
            lv.paper_route[b] = self.p["paper_form"]
            lv.channels[b, Channel.phone] = False
            lv.channels[b, Channel.online_alone] = True
            lv.channels[b, Channel.online_relative] = True


@register
class EmailRequired(Policy):
    name = "email_required"
    doc = "Claiming online requires an e-mail address (the CAF obligation)."
    params = {"benefits": benefits_param(("prime_activite", "rsa"))}
    # households without an address need a helper, who spends time creating one: more are
    # deterred by the route (Model 2.0; it moved non-take-up by +0.04 pt before)
    effect = ("non_take_up_rate", +1)

    def apply(self, model):
        for b in self.benefit_indices(model):
            model.levers.email_required[b] = True


@register
class AppointmentOnly(Policy):
    name = "appointment_only"
    doc = "Counters receive by appointment only, booked online (alone or with help)."
    params = {}
    effect = ("non_take_up_rate", +1)

    def apply(self, model):
        model.levers.appointment_only = True


@register
class AlternativeRoute(Policy):
    name = "alternative_route"
    doc = ("A non-digital route (counter without appointment, phone) kept for vulnerable households, "
           "as the Défenseur des droits recommended in 2015.")
    params = {
        "min_age": Param(75, "years", 18, 120, kind="int", doc="age from which a household is vulnerable"),
        "max_skill": Param(0.5, "skill 0-1", 0, 1,
                           doc="skill under which a household is vulnerable (not autonomous online)"),
    }

    def apply(self, model):
        lv = model.levers
        lv.alternative_route = True
        lv.alternative_age = self.p["min_age"]
        lv.alternative_skill = self.p["max_skill"]
