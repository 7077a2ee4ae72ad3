"""Mesa conventions: mesa.batch_run drives the model, and one seed rule is shared by
DematModel, sim.run and batch_run (sim/mesa_adapter.py)."""

from __future__ import annotations

import multiprocessing

import mesa
import numpy as np
import pytest

import sim
from sim.mesa_adapter import REPORTERS, MesaModel, overrides
from sim.model import DematModel

TINY = {"households": 1200, "months": 10, "report_months": 5}
SETS = ["population.households=1200", "months=10", "report_months=5"]


@pytest.fixture
def batch_run():
    """mesa.batch_run sets the process-wide start method to 'spawn': put it back after."""
    before = multiprocessing.get_start_method(allow_none=True)
    yield mesa.batch_run
    multiprocessing.set_start_method(before, force=True)


def test_batch_run_two_parameter_values_two_seeds(batch_run):
    rows = batch_run(MesaModel, parameters={"scenario": "online_only_2016", **TINY,
                                            "institutions__association_hours": [0.0, 960.0]},
                     rng=[1, 2], max_steps=100, number_processes=1, display_progress=False)
    assert len(rows) == 4
    assert {(r["institutions__association_hours"], r["rng"]) for r in rows} == \
        {(0.0, 1), (0.0, 2), (960.0, 1), (960.0, 2)}
    for r in rows:
        assert r["Step"] == 10  # running fell at the horizon, before max_steps
        assert set(REPORTERS) <= set(r) and 0 < r["non_take_up_rate"] < 1
    hours = {(r["institutions__association_hours"], r["rng"]): r["hours_associations"] for r in rows}
    assert hours[(960.0, 1)] > hours[(0.0, 1)] and hours[(960.0, 2)] > hours[(0.0, 2)]


def _final(model) -> dict:
    s = model.ledger.series
    return {k: np.array(v) for k, v in s.items()}


def test_one_seed_rule_for_demat_model_sim_run_and_batch_run(batch_run):
    sc = sim.load_scenario("counter_closure_rural", sets=SETS)
    res = sim.run(sc, replications=3, seed=11)
    direct = DematModel(sc, 11).run()  # an int seed: replication 0
    for k, v in res.replications[0].series.items():
        assert np.array_equal(v, direct.ledger.series[k]), k
    # replication r of the same seed, whatever the number of replications run
    for r in (1, 2):
        m = MesaModel(scenario=sc, rng=11, replication=r).run()
        for k, v in res.replications[r].series.items():
            assert np.array_equal(v, m.ledger.series[k]), (r, k)
    # batch_run with rng=[11] and replication 0..2 reproduces sim.run's monthly series
    rows = batch_run(MesaModel, parameters={"scenario": "counter_closure_rural", **TINY,
                                            "replication": range(3)},
                     rng=[11], max_steps=100, number_processes=1, data_collection_period=1,
                     display_progress=False)
    assert len(rows) == 3 * 10
    for r in range(3):
        series = res.replications[r].series
        got = [row["recipients"] for row in sorted(rows, key=lambda x: x["Step"])
               if row["replication"] == r]
        assert got == [float(series["n_recipients"][m].sum()) for m in range(10)], r
    # and a different root seed gives a different population
    other = MesaModel(scenario=sc, rng=12).run()
    assert not np.array_equal(other.ledger.series["n_eligible"], direct.ledger.series["n_eligible"])


def test_flat_parameters_reach_the_scenario():
    assert overrides({"households": 10, "process__info_base": 0.1,
                      "policies__counter_closure__share": 0.9}) == {
        "population.households": 10, "process.info_base": 0.1,
        "policies.counter_closure.share": 0.9}
    m = MesaModel(scenario="counter_closure_rural", households=800, months=8, report_months=2,
                  policies__counter_closure__share=0.9, rng=3)
    assert m.h.n == 800 and m.months == 8
    assert [p for p in m.sc.policies if p.name == "counter_closure"][0].p["share"] == 0.9
    with pytest.raises(sim.ScenarioError):
        MesaModel(scenario="baseline_2013", process__no_such_parameter=1)


def test_running_falls_and_a_step_past_the_horizon_does_nothing():
    m = MesaModel(scenario="baseline_2013", **TINY, rng=5)
    while m.running:
        m.step()
    assert m.month == 10 and len(m.datacollector.get_model_vars_dataframe()) == 10
    before = {k: v.copy() for k, v in m.ledger.series.items()}
    m.step()
    assert m.month == 10 and all(np.array_equal(before[k], m.ledger.series[k]) for k in before)
    assert len(m.datacollector.get_model_vars_dataframe()) == 10
