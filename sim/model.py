"""The model: households under dematerialisation policies, one month per step.

The monthly order of DOMAIN §3 is written once, in :meth:`DematModel.step`.
Households are arrays (:mod:`sim.agents.households`); institutions are
``mesa.Agent`` objects (:mod:`sim.agents.institutions`); policies turn levers
(:mod:`sim.levers`) at their start month.  Randomness comes from one
``SeedSequence`` per replication, with a separate stream per (month,
submodel) so that two scenarios run with the same seed share their draws as
far as their households behave alike (common random numbers).
"""

from __future__ import annotations

from collections.abc import Callable

import mesa
import numpy as np

from .agents import network as network_mod
from .agents import population as population_mod
from .agents.households import Households
from .agents.institutions import Agency, Association, Counter, PhoneLine, SocialService
from .benefits import REGISTRY as BENEFITS
from .categories import Territory
from .levers import Levers
from .metrics import Ledger
from .scenario import Scenario
from .submodels import attempt, claims, information, life_events, processing, drift

# stream identifiers: never reuse or renumber (it would change every result)
STREAMS = {
    "population": 1, "network": 2, "life_events": 10, "information": 11, "decision": 12,
    "choice": 13, "attempt": 14, "processing": 15, "renewal": 16, "drift": 17, "policy": 18,
    "reference": 99,  # the per-agent reference model's own draws (sim/reference.py)
}


def stream(seed_seq: np.random.SeedSequence, name: str, month: int) -> np.random.Generator:
    """Generator for submodel ``name`` in ``month`` (-1: set-up) of the replication ``seed_seq``."""
    key = seed_seq.spawn_key + (month + 1, STREAMS[name])
    return np.random.Generator(np.random.PCG64(np.random.SeedSequence(seed_seq.entropy, spawn_key=key)))


class DematModel(mesa.Model):
    """One replication of a scenario.

    Parameters
    ----------
    scenario: a checked :class:`sim.scenario.Scenario`.
    seed: a ``numpy.random.SeedSequence`` for this replication, or an int ``s``: then the
        model is replication 0 of ``sim.run(scenario, seed=s)`` (the seed rule shared by
        ``DematModel``, ``sim.run`` and ``mesa.batch_run``: replication ``r`` of seed ``s``
        uses ``SeedSequence(s).spawn(r + 1)[r]``).
    population: optional prebuilt :class:`Households` (copied), e.g. imported from CSV.
    trace: household indices whose month-by-month journey is recorded, or a
        callable ``trace(households) -> indices`` evaluated once the population
        and its help network exist (to pick personas by their attributes).
    tables: False skips the ledger's report-window tables (:class:`sim.metrics.Ledger`):
        the monthly series and the run are the same; the summary then leaves out the
        breakdowns those tables give (:data:`sim.summary.TABLE_KEYS`).
    """

    def __init__(self, scenario: Scenario, seed: np.random.SeedSequence | int = 0,
                 population: Households | None = None,
                 trace: np.ndarray | Callable[[Households], np.ndarray] | None = None,
                 tables: bool = True):
        self.seed_seq = (seed if isinstance(seed, np.random.SeedSequence)
                         else np.random.SeedSequence(int(seed), spawn_key=(0,)))  # = spawn(1)[0]
        super().__init__(rng=np.random.default_rng(self.seed_seq))
        sc = scenario.data
        self.sc = scenario  # not `self.scenario`: Mesa's setter would tie the scenario to this model
        self.p = sc["process"]
        self.months = sc["months"]
        self.month = 0
        self.benefit_names = scenario.benefits
        self.benefit_index = {b: i for i, b in enumerate(self.benefit_names)}
        self.benefits = [BENEFITS[b].for_legislation(sc["legislation"]) for b in self.benefit_names]
        self.bp = [sc["benefits"][b] for b in self.benefit_names]
        nb = len(self.benefits)
        self.complexity = np.array([p["complexity"] for p in self.bp], dtype=np.float32)
        self.renewal_months = np.array([p["renewal_months"] for p in self.bp], dtype=np.int16)
        self.processing_months = np.array([p["processing_months"] for p in self.bp], dtype=np.int16)
        self.knows_on_entry = np.array([p["knows_on_entry"] for p in self.bp])
        self.granted_with = [[self.benefit_index[c] for c in p["granted_with"] if c in self.benefit_index]
                             for p in self.bp]
        self.stigma = np.array([self.p["stigma"].get(b, 0.0) for b in self.benefit_names])

        if population is None:
            n = sc["population"]["households"]
            self.h = population_mod.generate(sc["population"], n, nb, self.stream("population", -1))
        else:
            self.h = population.copy()
            if self.h.n_benefits != nb:
                raise ValueError("population was built for another number of benefits")
        self.net = network_mod.build(self.h, sc["population"]["network"], self.stream("network", -1))
        population_mod.mark_indirect_users(self.h)
        self.setup_institutions(self.h.territory)

        life_events.initialise(self)
        if callable(trace):
            trace = trace(self.h)
        self.ledger = Ledger(self, trace=trace, tables=tables)
        self.running = self.months > 0  # Mesa convention: falls at the horizon

    # -- randomness -----------------------------------------------------------
    def stream(self, name: str, month: int | None = None) -> np.random.Generator:
        """Generator for one submodel in one month, independent of all others."""
        return stream(self.seed_seq, name, self.month if month is None else month)

    # -- institutions -----------------------------------------------------------
    def setup_institutions(self, territory: np.ndarray) -> None:
        """Levers, the agency, and one counter, social service and association per territory."""
        sc = self.sc.data
        self.territory_households = np.bincount(territory, minlength=3).astype(float)
        self.levers = Levers.from_scenario(sc, self.benefit_names)
        self.agency = Agency(self)
        self.phone = PhoneLine(self, -1, int(self.territory_households.sum()))
        self.counters = [Counter(self, t, int(self.territory_households[t])) for t in Territory]
        self.social = [SocialService(self, t, int(self.territory_households[t])) for t in Territory]
        self.associations = [Association(self, t, int(self.territory_households[t])) for t in Territory]
        self.configure_services()
        self.policies = sorted(self.sc.policies, key=lambda p: p.start)

    def configure_services(self) -> None:
        """Set institutions' monthly capacities and proposition propensities from the levers."""
        lv, prop, drop = self.levers, self.p["propose"], self.p["propose_load_drop"]
        self.phone.set_capacity(lv.phone_calls)
        self.phone.propensity, self.phone.load_drop = prop["phone"], drop
        for agents, key in ((self.counters, "counter"), (self.social, "social_services"),
                            (self.associations, "association")):
            for a in agents:
                a.propensity, a.load_drop = prop[key], drop
        for t in Territory:
            self.counters[t].set_capacity(lv.counter_visits * lv.counter_open_share[t] * lv.counter_hours_factor)
            self.social[t].set_budget(lv.social_worker_hours, lv.digital_share_cap)
            # associations only serve the households they reach
            self.associations[t].set_capacity(lv.association_hours * lv.association_presence[t])

    def new_month_services(self) -> None:
        for agent in (self.phone, *self.counters, *self.social, *self.associations):
            agent.new_month()
        self.net.new_month()

    def activate_policies(self) -> None:
        for policy in self.policies:
            if policy.start == self.month:
                policy.apply(self)
            if self.month >= policy.start:
                policy.monthly(self)
        self.configure_services()

    # -- the month ------------------------------------------------------------------
    def step(self) -> None:
        """One month, in the order of DOMAIN §3 (docs/ODD.md, 'Process overview').

        Past the horizon a step does nothing (``running`` is then False).
        """
        if self.month >= self.months:
            self.running = False
            return
        self.activate_policies()      # 0. policies due this month turn their levers
        self.new_month_services()     #    capacities refill; last month's load stays readable
        life_events.step(self)        # 1. income changes move households in/out of eligibility
        information.step(self)        # 2. households learn of rights through contacts (or are not told)
        batch = claims.decide(self)   # 3. aware non-recipients weigh gain against the cheapest route;
        #                                  declarations due this month join them
        claims.choose(self, batch)    # 4. discrete choice among the routes open to them (and memory)
        attempt.step(self, batch)     # 5. claims and declarations share the month's capacities, in
        #                                  one order: help, queues, the delegation chain
        processing.step(self)         # 6. the agency decides; incomplete files are rejected
        processing.renew(self, batch)  # 7. declarations renew payment, or it is suspended
        drift.step(self)              # 8. skills, equipment and relation to the internet change
        self.ledger.measure(self)     # 9. measurement, after everything else in the month
        self.month += 1
        self.running = self.month < self.months

    def run(self) -> "DematModel":
        while self.month < self.months:
            self.step()
        return self
