"""Calibration targets are model outputs, measured in the regime their figure describes.

A target scored from an input parameter would pass whatever the model does: each
target's quantity must be one the model measures (households' state, a summary
output, a paired pattern), never a path of the parameter tree; and moving a
fitted parameter must move at least one target (the fit is identified).
"""

import copy

import numpy as np
import pytest

import sim
from sim.calibration import fit
from sim.calibration.check import is_population, load_targets
from sim.calibration.measure import POPULATION_QUANTITIES, REASONS
from sim.calibration.process import (PATTERNS, REGIMES, STATE_QUANTITIES, SUMMARY_QUANTITIES,
                                     is_process, regime)
from sim.params import leaves
from sim.defaults import SCENARIO
from sim.runner import replication_seeds

TARGETS = load_targets()
PARAM_PATHS = {path for path, _ in leaves(SCENARIO)}
OUTPUTS = set(POPULATION_QUANTITIES) | set(REASONS) | set(STATE_QUANTITIES) | set(
    SUMMARY_QUANTITIES) | set(PATTERNS)


@pytest.mark.parametrize("t", [t for t in TARGETS if t.get("expressible", True)], ids=lambda t: t["id"])
def test_every_expressible_target_is_a_model_output(t):
    q = t["quantity"]
    assert q in OUTPUTS, f"{t['id']}: {q!r} is not a measured model output"
    assert q not in PARAM_PATHS and not any(q.startswith(p.split(".")[0] + ".") for p in PARAM_PATHS)
    assert is_population(t) or is_process(t)
    assert regime(t) in REGIMES
    for key in ("population", "year", "source"):
        assert t.get(key), f"{t['id']} has no {key}"


def test_new_cause_mix_gradient_and_channel_targets_are_present():
    ids = {t["id"] for t in TARGETS}
    for needed in ("cnaf2012_rsa_unaware", "cnaf2012_rsa_believe_ineligible",
                   "cnaf2012_rsa_low_interest_rare", "drees2018_rsa_couples_no_children",
                   "drees2018_rsa_single_parents", "drees2018_rsa_pa_recipients",
                   "cnaf2012_rsa_diploma", "cnaf2016_pa_claims_online",
                   "cnaf2016_pa_declarations_online"):
        assert needed in ids
    # the prime d'activité is fitted where it was observed: online-first (2016)
    pa = next(t for t in TARGETS if t["id"] == "drees2016_prime_activite")
    assert regime(pa) == "2016"
    assert any(p["type"] == "online_only" and "prime_activite" in p["benefits"]
               for p in REGIMES["2016"])


def test_the_emmaus_do_for_share_is_an_output_not_the_teaching_parameter():
    """The old target read 1 - teach_share from the scenario; now mediators choose, so the
    share moves with their load even at a fixed propensity."""
    t = next(t for t in TARGETS if t["id"] == "emmaus2016_do_for")
    assert t["quantity"] == "mediated_do_for_share"
    sc = sim.from_dict({"name": "t"}).with_overrides({"population.households": 8000})
    light = sc.with_overrides({"institutions.association_hours": 400.0,
                               "institutions.social_worker_hours": 400.0})
    a = sim.run(sc, replications=3, seed=5).summary["mediated_teach_share"]["mean"]
    b = sim.run(light, replications=3, seed=5).summary["mediated_teach_share"]["mean"]
    assert b > a, "with idle mediators more sessions are taught"


def test_fitted_parameters_exist_and_their_ranges_hold_the_defaults():
    d = copy.deepcopy(sim.from_dict({"name": "t", "preset": "none"}).data)
    for path, idx, lo, hi in fit.PROCESS_PARAMS:
        v = fit._get(d, path, idx)
        assert lo <= v <= hi, f"{path}: default {v} outside the fit's range [{lo}, {hi}]"


def test_moving_a_fitted_parameter_moves_its_target():
    """Teeth: less background information leaves more RSA never-recipients unaware."""
    t = [x for x in TARGETS if x["id"] == "cnaf2012_rsa_unaware"]
    base = copy.deepcopy(sim.from_dict({"name": "t"}).data)
    base["population"]["households"] = 8000
    seeds = replication_seeds(3, 2)
    low, high = copy.deepcopy(base), copy.deepcopy(base)
    low["process"]["info_base"] = 0.001
    high["process"]["info_base"] = 0.05
    v_low = np.mean(fit.process_values(low, t, seeds)[t[0]["id"]])
    v_high = np.mean(fit.process_values(high, t, seeds)[t[0]["id"]])
    assert v_low > v_high + 0.05


def test_identify_flags_a_parameter_no_target_pins_down():
    """--identify: the paper form's cost only exists in the 2016 regime, so a target of the
    baseline regime (RSA never-recipients unaware) cannot pin it, while it pins the
    background information; the channel-mix target pins the paper cost."""
    sc = sim.from_dict({"name": "t"})
    unaware = [t for t in TARGETS if t["id"] == "cnaf2012_rsa_unaware"]
    mix = [t for t in TARGETS if t["id"] == "cnaf2016_pa_claims_online"]
    saved = fit.PROCESS_PARAMS
    fit.PROCESS_PARAMS = [p for p in saved if p[0] in ("process.paper_cost", "process.info_base")]
    try:
        quiet = dict(log=lambda *a: None, households=6000, seeds=1)
        a = {r["parameter"]: r for r in fit.identify(sc, unaware, 2021, 1, **quiet)}
        b = {r["parameter"]: r for r in fit.identify(sc, mix, 2021, 1, **quiet)}
    finally:
        fit.PROCESS_PARAMS = saved
    assert a["process.info_base"]["pinned"] and not a["process.paper_cost"]["pinned"]
    assert a["process.paper_cost"]["effects"]["cnaf2012_rsa_unaware"] == 0.0
    assert b["process.paper_cost"]["pinned"]


def test_identify_covers_the_population_stage():
    """--identify measures the population parameters against the population targets too:
    the rural gradient pins the rural shift of digital use, not the share of suffered
    non-use (which only splits non-users' reasons)."""
    sc = sim.from_dict({"name": "t"})
    rural = [t for t in TARGETS if t["id"] == "insee2021_rural"]
    saved = fit.POPULATION_PARAMS, fit.PROCESS_PARAMS
    fit.POPULATION_PARAMS = [p for p in saved[0] if p[0] in ("population.digital.territory",
                                                             "population.digital.suffered_share")]
    fit.PROCESS_PARAMS = []
    try:
        rows = {r["parameter"]: r for r in fit.identify(sc, rural, 2021, 1, log=lambda *a: None)}
    finally:
        fit.POPULATION_PARAMS, fit.PROCESS_PARAMS = saved
    assert rows["population.digital.territory[2]"]["pinned"]
    assert not rows["population.digital.suffered_share"]["pinned"]
    assert abs(rows["population.digital.suffered_share"]["effects"]["insee2021_rural"]) < 0.5
