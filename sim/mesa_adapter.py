"""The model as Mesa tools expect it: flat keyword parameters, ``rng=``, a DataCollector.

:class:`MesaModel` is :class:`sim.model.DematModel` built from keyword arguments, so
``mesa.batch_run``, Mesa's SolaraViz and the EMA workbench can drive it like any Mesa
model::

    import mesa
    from sim.mesa_adapter import MesaModel
    rows = mesa.batch_run(MesaModel, parameters={"scenario": "online_only_2016",
                          "households": 5000, "institutions__association_hours": [0, 400]},
                          rng=[1, 2, 3], max_steps=100, display_progress=False)

Parameters (all keyword):

- ``scenario``: a bundled scenario's name, a scenario file, or a :class:`Scenario`;
- any scenario parameter by its dotted path written with ``__`` for the dots
  (``process__info_base=0.02``, ``benefits__rsa__complexity=0.5``,
  ``policies__counter_closure__share=0.8``: a policy by its ``id``, its type when it is
  the only one of that type, or its position), and the short names of :data:`SHORT`
  (``households``, ``months``, ``report_months``);
- ``rng``: the seed (an int, a ``SeedSequence``, or ``None`` for the scenario's ``seed``);
- ``replication``: which replication of that seed (default 0);
- ``collect``: keep the DataCollector (default ``True``).

**The seed rule** (one rule for ``DematModel``, ``sim.run`` and ``batch_run``):
replication ``r`` of root seed ``s`` is seeded by ``SeedSequence(s).spawn(R)[r]``,
the same child whatever ``R`` is.  ``sim.run(sc, replications=R, seed=s)`` runs
replications ``0 .. R-1``; ``DematModel(sc, s)`` (an int seed) is replication 0;
``MesaModel(scenario=sc, rng=s, replication=r)`` is replication ``r``.  So
``batch_run(..., rng=[s])`` reproduces ``sim.run(seed=s)``'s first replication,
and ``parameters={"replication": range(R)}, rng=[s]`` all of them (tested:
``tests/test_mesa.py``).  ``rng=[1, 2, 3]`` gives three *different* root seeds
(replication 0 of each), not the common random numbers of ``sim.run``'s
replications: use ``replication`` for those.

The DataCollector records, after each month, the month's value of the ledger series
named in :data:`REPORTERS` (non-take-up rate, recipients, unclaimed euros, delegated
hours...), so ``batch_run(..., data_collection_period=1)`` gives monthly rows.
"""

from __future__ import annotations

import os
from typing import Any

import mesa
import numpy as np

from .metrics import CAUSE_SERIES
from .model import DematModel
from .scenario import Scenario, load

SHORT = {"households": "population.households", "months": "months",
         "report_months": "report_months"}


def _month_total(name: str):
    def report(model: DematModel) -> float:
        m = model.month - 1
        return float(np.sum(model.ledger.series[name][m])) if m >= 0 else float("nan")
    return report


def _non_take_up_rate(model: DematModel) -> float:
    m = model.month - 1
    if m < 0:
        return float("nan")
    s = model.ledger.series
    elig = float(np.sum(s["n_eligible"][m]))
    non = float(sum(np.sum(s[c][m]) for c in CAUSE_SERIES))
    return non / elig if elig else float("nan")


# DataCollector columns: the month's values of the ledger's series (sim.metrics)
REPORTERS = {
    "non_take_up_rate": _non_take_up_rate,
    "eligible": _month_total("n_eligible"),
    "recipients": _month_total("n_recipients"),
    "unclaimed_euros": _month_total("unclaimed_euros"),
    "paid_euros": _month_total("paid_euros"),
    "hours_social_services": _month_total("hours_social_services"),
    "hours_associations": _month_total("hours_associations"),
    "hours_relatives": _month_total("hours_relatives"),
    "referrals": _month_total("new_referrals"),
    "turned_away": _month_total("new_turned_away"),
}


def seed_sequence(rng: Any, replication: int = 0, default: int = 0) -> np.random.SeedSequence:
    """The seed rule: replication ``r`` of root seed ``s`` = ``SeedSequence(s).spawn(r + 1)[r]``."""
    if isinstance(rng, np.random.SeedSequence):
        root = rng
    else:
        root = np.random.SeedSequence(default if rng is None else int(rng))
    return np.random.SeedSequence(root.entropy, spawn_key=root.spawn_key + (int(replication),))


def overrides(params: dict[str, Any]) -> dict[str, Any]:
    """Flat keyword parameters -> dotted scenario paths (``a__b`` -> ``a.b``)."""
    return {SHORT.get(k, k.replace("__", ".")): v for k, v in params.items()}


class MesaModel(DematModel):
    """:class:`DematModel` with keyword parameters (see the module docstring)."""

    def __init__(self, scenario: Scenario | str | os.PathLike = "baseline_2013", rng: Any = None,
                 replication: int = 0, collect: bool = True, **params: Any):
        sc = scenario if isinstance(scenario, Scenario) else load(scenario)
        if params:
            sc = sc.with_overrides(overrides(params))
        super().__init__(sc, seed_sequence(rng, replication, sc.data["seed"]))
        self.replication = int(replication)
        self.datacollector = mesa.DataCollector(model_reporters=dict(REPORTERS)) if collect else None

    def step(self) -> None:
        if not self.running:
            return
        super().step()
        if self.datacollector is not None:
            self.datacollector.collect(self)


__all__ = ["MesaModel", "REPORTERS", "SHORT", "overrides", "seed_sequence"]
