"""Bad-input corpus: every malformed file is rejected by the CLI with exit status 2 and
one line naming the file and the field or line, never a traceback."""

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
BAD = ROOT / "tests" / "bad"

# file -> a fragment the one-line message must contain (the field, line or problem)
SCENARIOS = {
    "bad_yaml.yaml": "invalid YAML", "bad_indent.yaml": "invalid YAML", "tab_indent.yaml": "invalid YAML",
    "unknown_key.yaml": "populaton", "unknown_nested_key.yaml": "process.stigma.housing",
    "wrong_type.yaml": "population.households", "wrong_type_bool.yaml": "institutions.appointment_only",
    "wrong_type_list.yaml": "population.age_shares", "list_length.yaml": "population.age_shares",
    "out_of_range.yaml": "population.households", "zero_households.yaml": "population.households",
    "huge_households.yaml": "population.households", "zero_months.yaml": "months",
    "report_longer.yaml": "report_months", "share_above_one.yaml": "institutions.teach_share",
    "shares_sum.yaml": "population.age_shares", "nan_value.yaml": "process.income_redraw_rate",
    "inf_value.yaml": "process.income_redraw_rate", "fractional_int.yaml": "months",
    "unknown_policy.yaml": "policies[0].type", "policy_no_type.yaml": "policies[0].type",
    "policy_not_mapping.yaml": "policies[0]", "policies_not_list.yaml": "policies",
    "policy_month.yaml": "policies[0].start", "policy_negative_month.yaml": "policies[0].start",
    "policy_unknown_param.yaml": "policies[0].shares", "policy_bad_choice.yaml": "policies[0].order",
    "unknown_benefit.yaml": "policies[0].benefits", "benefit_not_enabled.yaml": "policies[0].benefits",
    "duplicate_benefit.yaml": "benefits_enabled", "no_benefit.yaml": "benefits_enabled",
    "unknown_channel.yaml": "benefits.rsa.channels", "unknown_preset.yaml": "preset",
    "top_level_list.yaml": "mapping", "top_level_scalar.yaml": "mapping", "empty.yaml": "empty",
    "only_comments.yaml": "empty", "alias.yaml": "aliases", "billion_laughs.yaml": "aliases",
    "python_tag.yaml": "python", "python_name_tag.yaml": "python", "binary.yaml": "UTF-8",
    "nul_byte.yaml": "NUL", "duplicate_name_key.yaml": "duplicate key", "deep_nesting.yaml": "deep",
}


def one_line_error(args, name, fragment):
    r = subprocess.run([sys.executable, "-m", "sim", *map(str, args)], cwd=ROOT,
                       capture_output=True, text=True, timeout=120)
    assert r.returncode == 2, (name, r.returncode, r.stderr[-500:])
    assert "Traceback" not in r.stderr, r.stderr[-2000:]
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1, r.stderr
    assert name in lines[0] and fragment in lines[0], lines[0]
    return lines[0]


def test_corpus_is_complete():
    on_disk = {p.name for p in BAD.glob("*.yaml")}
    assert on_disk == set(SCENARIOS)
    assert len(SCENARIOS) >= 40


@pytest.fixture(scope="module")
def validate_all():
    """One `sim validate` over the whole corpus: one stderr line per rejected file."""
    files = sorted(SCENARIOS)
    r = subprocess.run([sys.executable, "-m", "sim", "validate", *[BAD / f for f in files]], cwd=ROOT,
                       capture_output=True, text=True, timeout=300)
    assert r.returncode == 2 and "Traceback" not in r.stderr, r.stderr[-2000:]
    lines = r.stderr.strip().splitlines()
    assert len(lines) == len(files), r.stderr
    return {f: line for f, line in zip(files, lines)}


@pytest.mark.parametrize("name", sorted(SCENARIOS))
def test_scenario_rejected_by_validate(validate_all, name):
    line = validate_all[name]
    assert name in line and SCENARIOS[name] in line, line


@pytest.mark.parametrize("name", ["unknown_key.yaml", "billion_laughs.yaml", "python_tag.yaml",
                                  "huge_households.yaml", "binary.yaml"])
def test_scenario_rejected_by_run(name):
    one_line_error(["run", BAD / name, "-r", "1"], name, SCENARIOS[name])
