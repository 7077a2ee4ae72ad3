"""Property-based fuzzing of the scenario schema (hypothesis): whatever the input,
loading either returns a scenario that runs, or raises ScenarioError with one line
naming the field - never another exception."""

import math

from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

import sim
from sim.defaults import SCENARIO
from sim.params import Param, ScenarioError, leaves
from sim.policies import REGISTRY

LEAVES = list(leaves(SCENARIO))
SMALL = {"population.households", "months", "report_months", "seed"}


def value_for(p: Param):
    """Mostly valid values within the declared range, sometimes wrong ones."""
    lo = -1e3 if p.lo is None else p.lo
    hi = 1e3 if p.hi is None else min(p.hi, 1e6)
    valid = {
        "float": st.floats(lo, hi, allow_nan=False),
        "int": st.integers(int(lo), int(min(hi, 1e6))),
        "bool": st.booleans(),
        "str": st.text(max_size=10),
        "choice": st.sampled_from(p.choices or ("x",)),
        "floats": st.lists(st.floats(lo, hi, allow_nan=False), min_size=p.length or 1,
                           max_size=p.length or 4),
        "shares": st.just(p.default),
        "strs": st.lists(st.sampled_from(p.choices or ("x",)), max_size=3, unique=True),
    }[p.kind]
    junk = st.one_of(st.none(), st.text(max_size=5), st.floats(), st.integers(-10**13, 10**13),
                     st.lists(st.integers(), max_size=3), st.dictionaries(st.text(max_size=3),
                                                                          st.integers(), max_size=2))
    return st.one_of(valid, valid, valid, junk)


def set_path(raw, path, value):
    parts = path.split(".")
    node = raw
    for k in parts[:-1]:
        node = node.setdefault(k, {})
    node[parts[-1]] = value


@st.composite
def scenarios(draw):
    raw = {"name": "fuzz", "population": {"households": draw(st.integers(20, 300))},
           "months": draw(st.integers(2, 8)), "report_months": 2}
    for path, p in draw(st.lists(st.sampled_from(LEAVES), max_size=6)):
        if path in SMALL or path == "population.file":
            continue
        set_path(raw, path, draw(value_for(p)))
    pols = draw(st.lists(st.fixed_dictionaries({"type": st.sampled_from(sorted(REGISTRY) + ["nope"]),
                                                 "start": st.integers(-1, 9)}), max_size=3))
    raw["policies"] = pols
    if draw(st.integers(0, 3)) == 0:
        raw[draw(st.sampled_from(["extra", "populaton", "polices"]))] = 1
    return raw


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(raw=scenarios(), seed=st.integers(0, 2**32))
def test_validated_scenarios_run_and_others_fail_cleanly(raw, seed):
    try:
        sc = sim.from_dict(raw, source="fuzz.yaml")
    except ScenarioError as err:
        event("rejected")
        msg = str(err)
        assert msg.startswith("fuzz.yaml") and "\n" not in msg
        return
    event("valid: ran")
    res = sim.run(sc, replications=1, seed=seed)
    s = res.replications[0].summary
    rate = s["non_take_up_rate"]
    assert math.isnan(rate) or 0.0 <= rate <= 1.0
