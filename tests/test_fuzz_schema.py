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


# -- issue 14: hostile numbers, strings and types at every leaf and every --set path -------

import json  # noqa: E402

import pytest  # noqa: E402
import yaml  # noqa: E402

from sim.names import check_name  # noqa: E402
from sim.params import HugeNumber  # noqa: E402

PATHS = [path for path, _ in LEAVES]
POLICY_LEAVES = [(kind, path) for kind, cls in sorted(REGISTRY.items()) for path, _ in leaves(cls.params)]

numbers = st.one_of(
    st.integers(-(2**70), 2**70), st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from([2**63, -(2**63) - 1, 10**400, 1e308, -0.0, 5e-324]),
    st.integers(4301, 6000).map(lambda digits: 10**digits),  # beyond int-to-text conversion
    st.integers(0, 6000).map(HugeNumber))
strings = st.one_of(
    st.text(st.characters(codec=None, exclude_categories=()), max_size=12),  # lone surrogates included
    st.sampled_from(["../../ESCAPED", "/etc/passwd", "x\x00y", "\ud800", "\x1b[31m", "a" * 600, "",
                     "²", "self", "__class__", "nan", "1e400", "0x10", "~"]))
types = st.recursive(
    st.one_of(st.none(), st.booleans(), st.binary(max_size=4), numbers, strings),
    lambda inner: st.one_of(st.lists(inner, max_size=3), st.tuples(inner),
                            st.dictionaries(st.one_of(strings, st.integers(), st.none(), st.booleans()),
                                            inner, max_size=3)),
    max_leaves=6)


def value_or_hostile(p: Param):
    return st.one_of(value_for(p), numbers, strings, types)


def writable(sc) -> None:
    """A scenario the validator accepted can be written, hashed and named safely."""
    sc.to_yaml().encode("utf-8")
    json.dumps(sc.resolved(), ensure_ascii=False, allow_nan=False).encode("utf-8")
    sc.content_hash()
    check_name(sc.name)


def refused_cleanly(err: ScenarioError, source: str) -> str:
    msg = str(err)
    assert msg.startswith(f"{source}: ") and "\n" not in msg and len(msg) < 600, msg
    return msg


@pytest.mark.parametrize("path", PATHS)
@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_every_leaf_takes_hostile_values_cleanly(path, data):
    p = dict(LEAVES)[path]
    value = data.draw(value_or_hostile(p), label=path)
    raw = {"name": "fuzz", "months": 12, "report_months": 6, "population": {"households": 200}}
    set_path(raw, path, value)
    try:
        sc = sim.from_dict(raw, source="fuzz.yaml")
    except ScenarioError as err:
        msg = refused_cleanly(err, "fuzz.yaml")
        assert any(f": {q}" in msg for q in PATHS + [path.split(".")[0]]), msg  # names a field
        return
    writable(sc)


@pytest.mark.parametrize("kind,key", POLICY_LEAVES)
@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_every_policy_parameter_takes_hostile_values_cleanly(kind, key, data):
    p = dict(leaves(REGISTRY[kind].params))[key]
    value = data.draw(value_or_hostile(p), label=key)
    extra = data.draw(st.dictionaries(st.one_of(strings, st.integers()), types, max_size=2), label="extra")
    spec = {"type": kind, "start": data.draw(st.one_of(st.integers(0, 11), numbers, types)), **extra}
    set_path(spec, key, value)
    raw = {"name": "fuzz", "months": 12, "report_months": 6, "policies": [spec]}
    try:
        sc = sim.from_dict(raw, source="fuzz.yaml")
    except ScenarioError as err:
        assert ": policies[0]" in refused_cleanly(err, "fuzz.yaml")
        return
    writable(sc)


BASE = sim.load_scenario("online_only_2016")  # three policies: policies.N paths exist

def _plain(v):
    if isinstance(v, HugeNumber) or (isinstance(v, int) and v.bit_length() > 13_000):
        return int("9" * 4000)  # the longest integer YAML text can be written for
    if isinstance(v, (list, tuple)):
        return [_plain(x) for x in v]
    if isinstance(v, dict):
        return {_plain(k) if not isinstance(k, (list, dict)) else str(k): _plain(x) for k, x in v.items()}
    return v


def as_yaml(v) -> str:
    """A value as a --set argument would write it (YAML text)."""
    return yaml.safe_dump(_plain(v), allow_unicode=True)


set_paths = st.one_of(
    st.sampled_from(PATHS),
    st.builds(lambda i, k: f"policies.{i}.{k}", st.one_of(st.integers(-2, 5).map(str), st.sampled_from(
        ["²", "٣", "0x1", "", " 1", "1.5"])), st.sampled_from(["share", "start", "type", "benefits", "self",
                                                              "benefits.0", "benefits.0.x", "order.x"])),
    st.lists(st.one_of(st.sampled_from(["population", "policies", "0", "", "..", "months"]),
                       st.text(max_size=4)), min_size=1, max_size=5).map(".".join))
set_values = st.one_of(
    st.text(st.characters(codec=None, exclude_categories=()), max_size=20),
    types.map(as_yaml).filter(lambda t: len(t) < 20_000),
    st.sampled_from(["[" * 1000, "*a", "&a 1", "!!python/name:os.system", "1" + "0" * 5000, ".nan", "{a: 1}"]))


def set_cleanly(path: str, value: str) -> None:
    try:
        sc = BASE.with_overrides([f"{path}={value}"])
    except ScenarioError as err:
        msg = str(err)
        assert "\n" not in msg and len(msg) < 600, msg
        assert msg.startswith(("--set: ", f"{BASE.source}: ")), msg
        return
    writable(sc)


@settings(max_examples=250, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(path=set_paths, value=set_values)
def test_every_set_path_takes_hostile_values_cleanly(path, value):
    """Odd paths (indices in other scripts, empty parts, unknown keys) and odd values."""
    set_cleanly(path, value)


# every path --set accepts: each scenario leaf and each key of the base scenario's policies
SET_PATHS = PATHS + [f"policies.{i}.{k}" for i, pol in enumerate(BASE.resolved()["policies"])
                     for k in sorted(pol)]


@pytest.mark.parametrize("path", SET_PATHS)
@settings(max_examples=4, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(value=set_values)
def test_each_set_path_takes_hostile_values_cleanly(path, value):
    set_cleanly(path, value)
