"""Institutions and intermediaries: few, so they are ``mesa.Agent`` objects.

Each holds a monthly capacity (visits, calls or hours) scaled to the households
of its territory, and serves requests in priority order (people already
queuing first, then a random order) until the capacity runs out.  Requests
beyond it are *not served*: the caller decides what that means (queue,
referral, giving up).  Every service records its demand, use and refusals for
the metrics, and proposes rights it sees a household miss with a propensity of
its own that falls with its load (non-proposition, ODENORE).
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
    """A capacity-limited service in one territory (or the whole population)."""

    kind = "service"

    def __init__(self, model, territory: int, households: int):
        super().__init__(model)
        self.territory = territory
        self.households = households  # households served (for scaling)
        self.capacity = 0.0
        self.remaining = 0.0
        self.demand = 0.0
        self.used = 0.0
        self.refused = 0
        self.last_demand = 0.0
        self.last_utilisation = 0.0  # used / capacity last month (what the staff felt)
        self.propensity = 0.0  # chance to propose a right a contact ignores, when idle
        self.load_drop = 0.0  # share of that propensity lost at full load

    def set_capacity(self, per_10k: float) -> None:
        self.capacity = per_10k * self.households / 10_000.0

    def new_month(self) -> None:
        self.last_demand = self.demand
        self.last_utilisation = self.used / self.capacity if self.capacity > 0 else 1.0
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
    def propose_probability(self) -> float:
        """Chance that a served contact is told of a right it ignores: the agent's own
        propensity, lower when last month was busy."""
        return self.propensity * (1.0 - self.load_drop * min(self.last_utilisation, 1.0))

    @property
    def saturated(self) -> bool:
        return self.demand > self.capacity + 1e-6


class Counter(Service):
    """The benefit agency's counters in a territory (capacity in visits)."""

    kind = "counter"


class PhoneLine(Service):
    """The agency's phone line for the whole population (capacity in calls answered)."""

    kind = "phone"


class SocialService(Service):
    """Social workers: one hour budget shared by core social work and digital help.

    No fixed split: each month core work gets the share of the hours that its
    demand took last month (proportional rationing by demand), digital help the
    rest, up to ``digital_share_cap``.  When closures push digital requests up,
    core work gets fewer hours, fewer core contacts are served and fewer rights
    proposed (UNCCAS 2019).  ``capacity`` / ``used`` are digital help's;
    ``core_capacity`` / ``core_used`` core work's.
    """

    kind = "social_services"

    def __init__(self, model, territory: int, households: int):
        super().__init__(model, territory, households)
        self.total_hours = 0.0
        self.digital_share_cap = 1.0
        self.core_capacity = 0.0
        self.core_used = 0.0
        self.core_demand = 0.0
        self.core_refused = 0
        self._core_last_demand = 0.0
        self._digital_last_demand = 0.0

    def set_budget(self, per_10k: float, digital_share_cap: float) -> None:
        self.total_hours = per_10k * self.households / 10_000.0
        self.digital_share_cap = digital_share_cap
        self._split()

    def _split(self) -> None:
        core, digital = self._core_last_demand, self._digital_last_demand
        share = digital / (core + digital) if core + digital > 0 else 0.0
        share = min(share, self.digital_share_cap)
        self.capacity = self.total_hours * share
        self.core_capacity = self.total_hours - self.capacity

    def new_month(self) -> None:
        self._core_last_demand, self._digital_last_demand = self.core_demand, self.demand
        busy = self.used + self.core_used
        super().new_month()
        self.last_utilisation = busy / self.total_hours if self.total_hours > 0 else 1.0
        self._split()  # this month's split, from last month's demands
        self.remaining = self.capacity
        self.core_used = 0.0
        self.core_demand = 0.0
        self.core_refused = 0

    def serve_core(self, hours: float, order_key: np.ndarray) -> np.ndarray:
        """Serve core social-work contacts of ``hours`` each; unused core hours stay core."""
        k = len(order_key)
        served = allocate(np.full(k, hours), self.core_capacity - self.core_used, order_key)
        n = int(np.count_nonzero(served))
        self.core_used += hours * n
        self.core_demand += hours * k
        self.core_refused += k - n
        return served

    def release_core(self) -> None:
        """Core hours left unused this month may serve digital requests (called once core
        contacts are over): a social worker with a free slot helps whoever comes."""
        spare = max(self.core_capacity - self.core_used, 0.0)
        spare = min(spare, max(self.digital_share_cap * self.total_hours - self.capacity, 0.0))
        self.capacity += spare
        self.remaining += spare
        self.core_capacity -= spare


class Association(Service):
    """Associations, mediation points and France Services (capacity in mediator hours)."""

    kind = "associations"


class Agency(mesa.Agent):
    """The benefit agency's back office: online service and processing.

    Processing has no capacity limit in this model (delays are parameters of
    each benefit); its decisions are in :mod:`sim.submodels.processing`.
    """

    kind = "agency"
