"""Institutions and intermediaries: few, so they are ``mesa.Agent`` objects.

Each holds a monthly capacity (visits or hours) scaled to the households of
its territory, and serves requests in priority order (people already queuing
first, then a random order) until the capacity runs out.  Requests beyond it
are *not served*: the caller decides what that means (queue, referral, giving
up).  Every service records its demand and use for the metrics.
"""

from __future__ import annotations

import mesa
import numpy as np


def allocate(cost: np.ndarray, capacity: float, order_key: np.ndarray) -> np.ndarray:
    """Serve requests in increasing ``order_key`` while cumulative ``cost`` fits ``capacity``.

    First-come-first-served on a queue: once a request does not fit, no later
    request is served (no skipping ahead with a cheaper request).  Costs are
    non-negative.
    """
    k = len(cost)
    if k == 0 or capacity <= 0:
        return np.zeros(k, dtype=bool)
    # Everything fits: no need to sort.  The margin bounds the rounding difference
    # between this sum and any running sum in queue order (k * 2^-53 relative each),
    # so the answer is the one the sorted running sum would give.
    if float(cost.sum()) * (1.0 + 4.0 * k * 2.0**-53) <= capacity + 1e-6:
        return np.ones(k, dtype=bool)
    served = np.zeros(k, dtype=bool)
    order = np.argsort(order_key, kind="stable")
    fits = np.cumsum(cost[order]) <= capacity + 1e-6
    served[order[fits]] = True
    return served


class Service(mesa.Agent):
    """A capacity-limited service in one territory."""

    kind = "service"

    def __init__(self, model, territory: int, households: int):
        super().__init__(model)
        self.territory = territory
        self.households = households  # households of the territory (for scaling)
        self.capacity = 0.0
        self.remaining = 0.0
        self.demand = 0.0
        self.used = 0.0
        self.last_used = 0.0
        self.refused = 0

    def set_capacity(self, per_10k: float) -> None:
        self.capacity = per_10k * self.households / 10_000.0

    def new_month(self) -> None:
        self.last_used = self.used
        self.remaining = self.capacity
        self.demand = 0.0
        self.used = 0.0
        self.refused = 0

    def serve(self, cost: np.ndarray, order_key: np.ndarray) -> np.ndarray:
        served = allocate(cost, self.remaining, order_key)
        spent = float(cost[served].sum())
        self.remaining -= spent
        self.used += spent
        self.demand += float(cost.sum())
        self.refused += len(served) - int(np.count_nonzero(served))
        return served

    @property
    def saturated(self) -> bool:
        return self.demand > self.capacity + 1e-6


class Counter(Service):
    """The benefit agency's counters in a territory (capacity in visits)."""

    kind = "counter"


class SocialService(Service):
    """Social workers: one hour budget shared between core social work and digital help.

    Digital help may take at most ``digital_share_cap`` of the hours; what it
    takes is missing from core work, which is how saturation turns into
    non-proposition (see :func:`sim.submodels.information.inform`).
    """

    kind = "social_services"

    def __init__(self, model, territory: int, households: int):
        super().__init__(model, territory, households)
        self.total_hours = 0.0
        self.core_used = 0.0

    def set_budget(self, per_10k: float, digital_share_cap: float) -> None:
        self.total_hours = per_10k * self.households / 10_000.0
        self.capacity = self.total_hours * digital_share_cap

    @property
    def core_hours(self) -> float:
        """Hours left for core social work this month."""
        return self.total_hours - self.used


class Association(Service):
    """Associations, mediation points and France Services (capacity in mediator hours)."""

    kind = "associations"


class Agency(mesa.Agent):
    """The benefit agency's back office: online service, phone line and processing.

    Processing has no capacity limit in this model (delays are parameters of
    each benefit); its decisions are in :mod:`sim.submodels.processing`.
    """

    kind = "agency"
