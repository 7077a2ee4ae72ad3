"""`sim schema` (a JSON Schema editors can use), `sim validate` (every problem, one line
each) and policy ids (`policies.<id>.share` in --set and sweeps)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest
import yaml

import sim
from sim.cli import main, schema_text
from sim.experiments import load_sweep
from sim.policies import REGISTRY as POLICIES
from sim.scenario import bundled
from sim.validate import problems

ROOT = Path(__file__).resolve().parent.parent
BAD = ROOT / "tests" / "bad"
MODELINE = "# yaml-language-server: $schema=../docs/scenario.schema.json"

# bad files whose problem is not one field's type, bounds or name: it depends on other
# fields (report_months vs months, a policy month vs the horizon, shares adding up to 1,
# a benefit not enabled, a legislation date without tables), is a YAML-level duplicate
# (the schema sees the last value), or is a NaN (YAML's .nan has no JSON counterpart)
NOT_SCHEMA_LEVEL = {"benefit_not_enabled", "duplicate_name_key", "nan_value", "policy_month",
                    "report_longer", "shares_sum", "unknown_legislation",
                    # text that no file can hold (lone surrogates) or control characters in a
                    # free text: the loader refuses them in every string (sim/names.py)
                    "string_surrogate_name", "string_surrogate_description", "string_nul_description",
                    "string_terminal_escape"}


@pytest.fixture(scope="module")
def validator(tmp_path_factory):
    out = tmp_path_factory.mktemp("schema") / "s.json"
    r = subprocess.run([sys.executable, "-m", "sim", "schema"], cwd=ROOT, capture_output=True,
                       text=True, check=True)
    out.write_text(r.stdout, encoding="utf-8")
    schema = json.loads(out.read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema)


def _parsed(path: Path):
    try:
        return True, yaml.safe_load(path.read_bytes())
    except (yaml.YAMLError, RecursionError, ValueError):  # ValueError: an integer of >4,300 digits,
        return False, None                               # a date that is none (2016-02-30)


def test_every_bundled_scenario_is_valid_under_the_schema(validator):
    files = bundled()
    assert len(files) >= 8
    for f in files:
        errors = [e.message for e in validator.iter_errors(yaml.safe_load(f.read_text()))]
        assert errors == [], (f.name, errors)


def test_bundled_scenarios_name_the_schema_on_their_first_line():
    for f in bundled():
        assert f.read_text(encoding="utf-8").splitlines()[0] == MODELINE, f.name


def test_the_committed_schema_is_current():
    assert (ROOT / "docs" / "scenario.schema.json").read_text(encoding="utf-8") == schema_text(), \
        "regenerate it: sim schema -o docs/scenario.schema.json"


@pytest.mark.parametrize("path", sorted(BAD.glob("*.yaml")), ids=lambda p: p.stem)
def test_the_schema_rejects_each_schema_level_error(validator, path):
    ok, doc = _parsed(path)
    if not ok:
        return  # not YAML: no editor's schema sees it (sim validate does: test_bad_inputs.py)
    errors = list(validator.iter_errors(doc))
    if path.stem in NOT_SCHEMA_LEVEL:
        assert errors == [], (path.name, [e.message for e in errors])
        assert problems(path), path.name  # ...and sim validate still refuses it
    else:
        assert errors, f"{path.name} is a schema-level error the schema accepts"


def test_schema_carries_units_defaults_and_policies(validator):
    s = json.loads(schema_text())
    hh = s["properties"]["population"]["properties"]["households"]
    assert hh["type"] == "integer" and hh["minimum"] == 1 and hh["default"] == 20000
    assert "unit: households" in hh["description"]
    assert set(s["$defs"]) == set(POLICIES)
    closure = s["$defs"]["counter_closure"]["properties"]
    assert closure["share"]["maximum"] == 1 and "id" in closure
    good = {"name": "x", "policies": [{"type": "counter_closure", "id": "closure", "share": 0.4}]}
    assert list(validator.iter_errors(good)) == []
    bad = {"name": "x", "policies": [{"type": "counter_closure", "id": "2", "share": 0.4}]}
    assert list(validator.iter_errors(bad))


FOUR = """\
name: four
months: 0
population:
  households: many
institutions:
  teach_propensity: 1.5
policies:
  - type: counter_closure
    start: 0
    share: 2
"""


def test_validate_prints_one_line_per_problem(tmp_path, capsys):
    f = tmp_path / "four.yaml"
    f.write_text(FOUR)
    assert main(["validate", str(f)]) == 2
    lines = capsys.readouterr().err.strip().splitlines()
    assert len(lines) == 4, lines
    assert [ln.split(": ")[1] for ln in lines] == ["months", "population.households",
                                                   "institutions.teach_propensity", "policies[0].share"]
    assert all(ln.startswith(f"{f}: ") for ln in lines)
    assert main(["validate", str(f), "--lang", "fr"]) == 2
    fr = capsys.readouterr().err.strip().splitlines()
    assert len(fr) == 4 and "un nombre est attendu" in fr[1] and "dépasse le maximum" in fr[2]


def test_validate_keeps_the_positions_of_the_policies_after_a_bad_one(tmp_path):
    f = tmp_path / "p.yaml"
    f.write_text("name: p\npolicies:\n  - {type: teleport}\n  - {type: online_only, start: 0}\n"
                 "  - {type: counter_closure, share: 3}\n")
    paths = [e.path for e in problems(f)]
    assert paths == ["policies[0].type", "policies[2].share"]


def test_validate_every_bundled_scenario_ok(capsys):
    assert main(["validate", *map(str, bundled())]) == 0
    assert capsys.readouterr().out.count(": ok") == len(bundled())


# -- policy ids ---------------------------------------------------------------------

ID_SCENARIO = """\
name: ids
policies:
  - {type: online_only, id: online, start: 0}
  - {type: counter_closure, id: closure, start: 0, share: 0.3}
"""


def test_policies_are_addressed_by_id_or_unique_type(tmp_path):
    f = tmp_path / "ids.yaml"
    f.write_text(ID_SCENARIO)
    sc = sim.load_scenario(f, sets=["policies.closure.share=0.8"])
    assert sc.policies[1].p["share"] == 0.8
    assert sim.load_scenario(f, sets=["policies.counter_closure.share=0.7"]).policies[1].p["share"] == 0.7
    assert sim.load_scenario(f, sets=["policies.1.share=0.6"]).policies[1].p["share"] == 0.6
    # an id is a name, not a parameter: the results do not depend on it
    plain = sim.from_dict(yaml.safe_load(ID_SCENARIO.replace("id: online, ", "").replace("id: closure, ", "")))
    assert plain.content_hash() == sim.load_scenario(f).content_hash()
    with pytest.raises(sim.ScenarioError, match="no policy with id 'nope'"):
        sim.load_scenario(f, sets=["policies.nope.share=0.1"])


def test_bad_policy_ids_are_refused_naming_the_field():
    for pols, where in (([{"type": "online_only", "id": "a"}, {"type": "counter_closure", "id": "a"}],
                         "policies[1].id"),
                        ([{"type": "online_only", "id": "3"}], "policies[0].id"),
                        ([{"type": "online_only", "id": "counter_closure"},
                          {"type": "counter_closure"}], "policies[0].id")):
        with pytest.raises(sim.ScenarioError) as err:
            sim.from_dict({"name": "x", "policies": pols})
        assert err.value.path == where


def test_a_sweep_over_a_policy_id_survives_an_inserted_policy(tmp_path):
    base = tmp_path / "base.yaml"
    base.write_text(ID_SCENARIO)
    spec = tmp_path / "s.yaml"
    spec.write_text("scenario: base.yaml\nset: {population.households: 500, report_months: 3, "
                    "months: 6}\nadd_policies:\n  - {type: email_required, start: 0}\n"
                    "parameters:\n  policies.closure.share: {values: [0.1, 0.9]}\n")
    s = load_sweep(spec)
    shares = [s.base.with_overrides({"policies.closure.share": v}).policies[1].p["share"]
              for v in (0.1, 0.9)]
    assert shares == [0.1, 0.9]
    # inserting a policy before the closure does not move what the sweep varies
    base.write_text(ID_SCENARIO.replace("policies:\n", "policies:\n  - {type: digital_training, start: 0}\n"))
    s = load_sweep(spec)
    assert s.base.with_overrides({"policies.closure.share": 0.9}).policies[2].p["share"] == 0.9
