"""Levers: the settings that policies turn and the monthly process reads.

Built from the scenario's ``institutions`` and ``benefits`` sections at
month 0; a policy switched on at month ``m`` changes some of them from then
on (see :mod:`sim.policies`).  Arrays are indexed by benefit (scenario order),
channel (:class:`sim.categories.Channel`) or territory.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .benefits import AGENCIES
from .categories import Channel


@dataclass
class Levers:
    channels: np.ndarray  # (n_benefits, 6) bool: routes open for each benefit
    email_required: np.ndarray  # (n_benefits,) bool
    counter_open_share: np.ndarray  # (3,) share of counters open by territory
    counter_visits: float  # visits/month per 10k households
    counter_hours_factor: float
    appointment_only: bool
    social_worker_hours: float  # hours/month per 10k households
    digital_share_cap: float  # most of social workers' hours digital help may take (1: no cap)
    association_hours: float  # hours/month per 10k households
    association_presence: np.ndarray  # (3,) share of households with a mediation point in reach
    teach_propensity: float  # chance a mediator with time teaches an equipped household
    phone_calls: float  # calls/month per 10k households
    orientation_rate: float  # failed online claimants the agency orients to mediation
    agency: np.ndarray  # (n_benefits,) index into benefits.AGENCIES
    mediation_mode: str = "endogenous"  # or "do_for" / "teach" (a policy imposes it)
    paper_route: np.ndarray | None = None  # (n_benefits,) bool: online-first with a paper form
    association_travel: float = 1.0  # factor on travel time to a mediation point
    alternative_route: bool = False  # counter/phone kept for vulnerable households
    alternative_age: int = 75
    alternative_skill: float = 0.5
    detection_rate: float = 0.0  # detection policy: non-autonomous non-claimants booked a slot
    campaign: np.ndarray | None = None  # (n_benefits,) extra monthly awareness probability
    automatic_share: np.ndarray | None = None  # (n_benefits,) monthly auto-enrolment probability
    automatic_renewal: np.ndarray | None = None  # (n_benefits,) bool
    training_rate: float = 0.0
    training_gain: float = 0.0
    equipment_rate: float = 0.0
    equipment_skill: float = 0.0
    safe_rate: float = 0.0
    safe_effect: float = 0.5  # share of incomplete files and lost credentials avoided

    @classmethod
    def from_scenario(cls, sc: dict, benefit_names: list[str]) -> "Levers":
        nb = len(benefit_names)
        chans = np.zeros((nb, len(Channel)), dtype=bool)
        for b, name in enumerate(benefit_names):
            for c in sc["benefits"][name]["channels"]:
                chans[b, Channel[c]] = True
        inst = sc["institutions"]
        return cls(
            channels=chans,
            email_required=np.array([sc["benefits"][n]["email_required"] for n in benefit_names],
                                    dtype=bool),
            counter_open_share=np.asarray(inst["counter_open_share"], dtype=float),
            counter_visits=inst["counter_visits"],
            counter_hours_factor=inst["counter_hours_factor"],
            appointment_only=inst["appointment_only"],
            social_worker_hours=inst["social_worker_hours"],
            digital_share_cap=inst["digital_share_cap"],
            association_hours=inst["association_hours"],
            association_presence=np.asarray(inst["association_presence"], dtype=float),
            teach_propensity=inst["teach_propensity"],
            phone_calls=inst["phone_calls"],
            orientation_rate=inst["orientation_rate"],
            agency=np.array([AGENCIES.index(sc["benefits"][n]["agency"]) for n in benefit_names],
                            dtype=np.int8),
            paper_route=np.zeros(nb, dtype=bool),
            campaign=np.zeros(nb),
            automatic_share=np.zeros(nb),
            automatic_renewal=np.zeros(nb, dtype=bool),
        )
