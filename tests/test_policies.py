"""Shared base test for every policy (as Axelrod's TestPlayer does for strategies).

For each registered policy: it does nothing before its start month, it is
deterministic under a seed, it round-trips through the scenario file, and it
moves its documented target metric (``Policy.effect``) in the documented
direction, paired over several seeds with a tolerance of 2 standard errors.
"""

import math

import numpy as np
import pytest
import yaml

import sim
from sim.policies import REGISTRY
from sim.summary import paired_difference

SETS = {"population.households": 20000, "months": 24, "report_months": 12}
SEEDS = 6  # replications = paired seeds

ONLINE_ALL = [{"type": "online_only", "start": 0, "benefits": ["prime_activite", "rsa", "aspa"]},
              {"type": "email_required", "start": 0, "benefits": ["prime_activite", "rsa", "aspa"]}]
# The world in which each policy's effect is measured: a lever that repairs
# dematerialisation is tested where dematerialisation happened.
ONLINE_NO_EMAIL = ONLINE_ALL[:1]
CONTEXT = {
    "email_required": ONLINE_NO_EMAIL,  # with every benefit concerned (PARAMS)
    "alternative_route": ONLINE_ALL,
    # orienting people to saturated mediation points achieves little: test it with room there
    "detection_orientation": ONLINE_ALL + [{"type": "mediation_capacity", "start": 0}],
    "mediation_capacity": ONLINE_ALL,
    "equipment_support": ONLINE_ALL,
    "digital_training": ONLINE_ALL,
    "document_safe": ONLINE_ALL,
}


# Policy parameters for the effect test, where the defaults are not the case to test.
PARAMS = {"email_required": {"benefits": ["prime_activite", "rsa", "aspa"]}}


def scenario(policies, name="t"):
    sc = sim.from_dict({"name": name, "policies": policies})
    return sc.with_overrides(SETS)


def get(d, path):
    for k in path.split("."):
        d = d[k]
    return d


@pytest.mark.parametrize("name", sorted(REGISTRY))
def test_no_effect_before_start(name):
    start = 10
    base = sim.run(scenario([]), replications=1, seed=11)
    pol = sim.run(scenario([{"type": name, "start": start}]), replications=1, seed=11)
    a, b = base.replications[0].series, pol.replications[0].series
    for key in a:
        assert np.array_equal(a[key][:start], b[key][:start]), f"{name} changed {key} before month {start}"


@pytest.mark.parametrize("name", sorted(REGISTRY))
def test_round_trip_and_determinism(name):
    sc = scenario([{"type": name, "start": 3}])
    again = sim.from_dict(yaml.safe_load(sc.to_yaml())).with_overrides(SETS)
    assert again.content_hash() == sc.content_hash()
    r1 = sim.run(sc, replications=1, seed=4).replications[0].summary
    r2 = sim.run(again, replications=1, seed=4).replications[0].summary
    assert r1 == r2 or _nan_equal(r1, r2)


def _nan_equal(a, b):
    if isinstance(a, dict):
        return a.keys() == b.keys() and all(_nan_equal(a[k], b[k]) for k in a)
    return a == b or (isinstance(a, float) and math.isnan(a) and math.isnan(b))


@pytest.mark.parametrize("name", sorted(REGISTRY))
def test_moves_target_in_documented_direction(name):
    cls = REGISTRY[name]
    path, sign = cls.effect
    context = CONTEXT.get(name, [])
    base = sim.run(scenario(context), replications=SEEDS, seed=2024)
    spec = {"type": name, "start": 0, **PARAMS.get(name, {})}
    pol = sim.run(scenario(context + [spec]), replications=SEEDS, seed=2024)
    reps_a = [r.summary for r in base.replications]
    reps_b = [r.summary for r in pol.replications]
    diffs = np.array([get(b, path) - get(a, path) for a, b in zip(reps_a, reps_b)])
    se = diffs.std(ddof=1) / math.sqrt(len(diffs))
    assert sign * diffs.mean() > 2 * se, (
        f"{name}: {path} moved {diffs.mean():+.4f} (SE {se:.4f}), expected sign {sign:+d}")
