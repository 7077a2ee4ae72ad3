"""Policies that support households: information, automatic payment, training,
equipment, and a digital safe for documents."""

from __future__ import annotations

from ..params import Param
from ..benefits import DEFAULT_ENABLED
from .base import Policy, benefits_param, register


@register
class InformationCampaign(Policy):
    name = "information_campaign"
    doc = "An information campaign: unaware eligible households learn of the right faster."
    params = {
        "benefits": benefits_param(DEFAULT_ENABLED),
        "rate": Param(0.10, "probability/month", 0, 1, doc="extra monthly chance to learn of the right"),
        "months": Param(0, "months", 0, 600, kind="int", doc="duration; 0 = until the end"),
    }
    effect = ("non_take_up_by_cause.non_knowledge", -1)

    def apply(self, model):
        for b in self.benefit_indices(model):
            model.levers.campaign[b] = max(model.levers.campaign[b], self.p["rate"])

    def monthly(self, model):
        if self.p["months"] and model.month >= self.start + self.p["months"]:
            for b in self.benefit_indices(model):
                model.levers.campaign[b] = 0.0


@register
class AutomaticPayment(Policy):
    name = "automatic_payment"
    doc = ("Pre-filled or automatic payment ('solidarité à la source'): eligible households are "
           "enrolled without claiming, and renewals are automatic.")
    params = {
        "benefits": benefits_param(),
        "share": Param(0.5, "probability/month", 0, 1,
                       doc="monthly chance an eligible non-recipient is enrolled automatically"),
        "automatic_renewal": Param(True, kind="bool"),
    }

    def apply(self, model):
        for b in self.benefit_indices(model):
            model.levers.automatic_share[b] = self.p["share"]
            model.levers.automatic_renewal[b] = self.p["automatic_renewal"]


@register
class DigitalTraining(Policy):
    name = "digital_training"
    doc = "Digital training sessions for households with low skill."
    params = {
        "rate": Param(0.03, "probability/month", 0, 1, doc="monthly share of low-skill households trained"),
        "gain": Param(0.25, "skill", 0, 1, doc="skill gained by a trained household"),
    }
    effect = ("autonomy_share", +1)

    def apply(self, model):
        model.levers.training_rate = self.p["rate"]
        model.levers.training_gain = self.p["gain"]


@register
class EquipmentSupport(Policy):
    name = "equipment_support"
    doc = "Equipment and connection support: a smartphone with a data plan and an e-mail set up."
    params = {
        "rate": Param(0.05, "probability/month", 0, 1,
                      doc="monthly share of unequipped households (not radical non-users) equipped"),
        "starter_skill": Param(0.3, "skill 0-1", 0, 1,
                               doc="skill after the first-use session that comes with the device"),
    }
    # equipment alone barely changes who files alone (skills matter): its direct target
    effect = ("unequipped_share", -1)

    def apply(self, model):
        model.levers.equipment_rate = self.p["rate"]
        model.levers.equipment_skill = self.p["starter_skill"]


@register
class DocumentSafe(Policy):
    name = "document_safe"
    doc = ("A digital safe for papers (Reconnect's 'coffre-fort numérique'): fewer incomplete files, "
           "fewer access codes left with intermediaries.")
    params = {
        "rate": Param(0.1, "probability/month", 0, 1,
                      doc="monthly share of bottom-quintile households given a safe"),
        "effect": Param(0.5, "share", 0, 1, doc="share of incomplete files and lost credentials avoided"),
    }
    effect = ("non_take_up_by_cause.non_reception", -1)

    def apply(self, model):
        model.levers.safe_rate = self.p["rate"]
        model.levers.safe_effect = self.p["effect"]
