"""Policies on mediation: capacity, mode, and orientation of non-autonomous users."""

from __future__ import annotations

import numpy as np

from ..defaults import INSTITUTIONS
from ..params import Param
from .base import Policy, register


@register
class MediationCapacity(Policy):
    name = "mediation_capacity"
    doc = ("Set mediation capacity (social workers' hours, association / France Services hours and "
           "coverage) and the mediation mode: do it for people, or teach them.")
    params = {
        "social_worker_hours": Param(INSTITUTIONS["social_worker_hours"].default,
                                     "hours/month per 10k households", 0, 100_000,
                                     doc="default: the baseline's (unchanged)"),
        "digital_share_cap": Param(INSTITUTIONS["digital_share_cap"].default,
                                   "share of social workers' hours", 0, 1),
        "association_hours": Param(160.0, "hours/month per 10k households", 0, 100_000,
                                   source="assumption: France Services + conseillers numériques"),
        "association_presence": Param([1.0, 0.95, 0.9], "share of households in reach", 0, 1,
                                      kind="floats", length=3,
                                      source="France Services: a point within 30 min for 99 %"),
        "travel_factor": Param(0.5, "factor", 0, 1,
                               source="France Services: a point within 30 minutes",
                               doc="travel time to a mediation point, relative to a counter"),
        "mode": Param("keep", kind="choice", choices=("keep", "do_for", "teach"),
                      doc="do_for: mediators file for people; teach: they show how; keep: "
                          "mediators choose (they teach an equipped household when they have "
                          "time, institutions.teach_propensity)"),
    }

    def apply(self, model):
        lv = model.levers
        lv.social_worker_hours = self.p["social_worker_hours"]
        lv.digital_share_cap = self.p["digital_share_cap"]
        lv.association_hours = self.p["association_hours"]
        lv.association_presence = np.asarray(self.p["association_presence"], dtype=float)
        lv.association_travel = self.p["travel_factor"]
        if self.p["mode"] != "keep":
            lv.mediation_mode = self.p["mode"]
        model.configure_services()


@register
class DetectionOrientation(Policy):
    name = "detection_orientation"
    doc = ("The agency detects non-autonomous households (failing online, or knowing a right "
           "they have not obtained for a quarter) and books them a mediation slot.")
    params = {"rate": Param(0.3, "probability/month", 0, 1,
                            doc="chance that such a household is detected and oriented (also the "
                                "least share of failed online claimants oriented)")}

    def apply(self, model):
        lv = model.levers
        lv.detection_rate = self.p["rate"]
        lv.orientation_rate = max(lv.orientation_rate, self.p["rate"])
