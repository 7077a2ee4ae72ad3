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
    "unknown_legislation.yaml": "legislation",
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


# -- sweep files (`sim sweep`) -------------------------------------------------------

SWEEPS = {
    "add_policies_not_list.yaml": "add_policies",
    "add_policy_unknown_type.yaml": "add_policies (policies[0].type)",
    "analyse_not_kept.yaml": "analyse[0]",
    "analyse_not_list.yaml": "analyse",
    "bad_indent.yaml": "invalid YAML: line 9",
    "bad_yaml.yaml": "invalid YAML: line 2",
    "billion_laughs.yaml": "anchors and aliases",
    "binary.yaml": "not UTF-8",
    "design_negative_seed.yaml": "design.seed",
    "design_no_type.yaml": "design",
    "design_not_mapping.yaml": "design",
    "design_unknown_key.yaml": "design.levls",
    "duplicate_key.yaml": "duplicate key 'parameters'",
    "duplicate_values.yaml": "parameters.institutions.teach_share.values",
    "empty.yaml": "expected a mapping",
    "empty_values.yaml": "parameters.institutions.teach_share.values",
    "factorial_no_steps.yaml": "parameters.institutions.teach_share.steps",
    "huge_households.yaml": "parameters.population.households",
    "integer_not_bool.yaml": "parameters.institutions.association_hours.integer",
    "invalid_base_scenario.yaml": "scenario: ",
    "lhs_no_samples.yaml": "design.samples",
    "metrics_not_list.yaml": "metrics",
    "missing_parameters.yaml": "parameters",
    "missing_scenario.yaml": "scenario",
    "morris_odd_levels.yaml": "design.levels",
    "name_not_string.yaml": "name",
    "nul_byte.yaml": "NUL",
    "only_comments.yaml": "expected a mapping",
    "parameter_not_mapping.yaml": "parameters.institutions.teach_share",
    "parameter_unknown_key.yaml": "parameters.institutions.teach_share.step",
    "parameters_empty.yaml": "parameters",
    "parameters_list.yaml": "parameters",
    "policy_month_outside.yaml": "parameters.policies.0.start",
    "python_name_tag.yaml": "python/name",
    "python_tag.yaml": "python/object",
    "range_inf.yaml": "parameters.institutions.association_hours.range[1]",
    "range_nan.yaml": "parameters.institutions.teach_share.range[0]",
    "range_not_number.yaml": "parameters.institutions.teach_share.range[0]",
    "range_one_number.yaml": "parameters.institutions.teach_share.range",
    "range_out_of_range.yaml": "parameters.institutions.teach_share",
    "range_reversed.yaml": "parameters.institutions.teach_share.range",
    "replications_string.yaml": "replications",
    "replications_zero.yaml": "replications",
    "samples_fractional.yaml": "design.samples",
    "samples_string.yaml": "design.samples",
    "samples_too_few.yaml": "design.samples",
    "scenario_not_string.yaml": "scenario",
    "seed_float.yaml": "seed",
    "seed_negative.yaml": "seed",
    "set_bad_value.yaml": "set.population.households",
    "set_not_mapping.yaml": "set",
    "set_unknown_path.yaml": "set.population.househods",
    "sobol_not_power_of_two.yaml": "design.samples",
    "sobol_second_order_not_bool.yaml": "design.second_order",
    "steps_one.yaml": "parameters.institutions.teach_share.steps",
    "steps_with_lhs.yaml": "parameters.institutions.teach_share.steps",
    "tab_indent.yaml": "invalid YAML: line 7",
    "too_many_points.yaml": "points is more than",
    "top_level_list.yaml": "expected a mapping",
    "top_level_scalar.yaml": "expected a mapping",
    "unknown_design.yaml": "design.type",
    "unknown_key.yaml": "paramaters",
    "unknown_metric.yaml": "metrics[0]",
    "unknown_parameter_path.yaml": "parameters.institutions.no_such_lever",
    "unknown_scenario.yaml": "scenario: no_such_scenario_2099",
    "unknown_timeseries.yaml": "timeseries[0]",
    "value_not_scalar.yaml": "parameters.institutions.teach_share.values[1]",
    "value_out_of_range.yaml": "parameters.institutions.teach_share",
    "value_wrong_type.yaml": "parameters.months",
    "values_and_range.yaml": "parameters.institutions.teach_share",
    "zero_months.yaml": "parameters.months",
}

# -- population CSVs (a scenario's population.file, read by `sim run`) ---------------

POPULATIONS = {
    "bad_bool.csv": "column 'email', row 5",
    "bad_bool_french.csv": "column 'email', row 3",
    "bad_bool_number.csv": "column 'home_internet', row 7",
    "binary.csv": "not UTF-8 text",
    "blank_rows_only.csv": "no household rows",
    "category_as_number.csv": "column 'diploma', row 6",
    "decimal_comma.csv": "column 'skill', row 3",
    "derived_typo_column.csv": "column 'income_quintil', row 1",
    "duplicate_column.csv": "row 1",
    "empty.csv": "empty file (expected a header row)",
    "empty_cell.csv": "column 'age', row 7",
    "formula_injection.csv": "column 'diploma', row 7",
    "fractional_age.csv": "column 'age', row 8",
    "fractional_children.csv": "column 'n_children', row 4",
    "header_only.csv": "no household rows",
    "html_page.csv": "unknown column",
    "huge_field.csv": "row 2",
    "inf_value.csv": "column 'other_income', row 6",
    "long_row.csv": "row 4",
    "missing_age.csv": "column 'age'",
    "missing_earnings.csv": "column 'earnings'",
    "missing_email.csv": "column 'email'",
    "missing_household_type.csv": "column 'household_type'",
    "missing_skill.csv": "column 'skill'",
    "nan_value.csv": "column 'earnings', row 5",
    "non_utf8_latin1.csv": "not UTF-8 text",
    "not_a_number.csv": "column 'earnings', row 4",
    "nul_byte.csv": "column 'household_type', row 3",
    "out_of_range_age_too_high.csv": "column 'age', row 6",
    "out_of_range_age_too_low.csv": "column 'age', row 4",
    "out_of_range_children_too_many.csv": "column 'n_children', row 5",
    "out_of_range_counter_rank.csv": "column 'counter_rank', row 5",
    "out_of_range_earnings_negative.csv": "column 'earnings', row 9",
    "out_of_range_income_quintile.csv": "column 'income_quintile', row 4",
    "out_of_range_other_income_absurd.csv": "column 'other_income', row 10",
    "out_of_range_skill_above_one.csv": "column 'skill', row 8",
    "out_of_range_skill_negative.csv": "column 'skill', row 3",
    "semicolon_separated.csv": "unknown column",
    "short_row.csv": "row 6",
    "tab_separated.csv": "unknown column",
    "unknown_column.csv": "column 'shoe_size', row 1",
    "unterminated_quote.csv": "row 3",
    "utf16.csv": "not UTF-8 text",
    "wrong_category_age_band.csv": "column 'age_band', row 8",
    "wrong_category_case.csv": "column 'territory', row 3",
    "wrong_category_diploma.csv": "column 'diploma', row 5",
    "wrong_category_equipment.csv": "column 'equipment', row 5",
    "wrong_category_french.csv": "column 'tenure', row 4",
    "wrong_category_household_type.csv": "column 'household_type', row 5",
    "wrong_category_intention.csv": "column 'intention', row 3",
    "wrong_category_tenure.csv": "column 'tenure', row 5",
    "wrong_category_territory.csv": "column 'territory', row 5",
    "yaml_not_csv.csv": "unknown column",
}


def run_cli(argv, capsys):
    """`sim ARGV` in this process: exit status and stderr lines (an uncaught exception,
    i.e. a traceback on the command line, fails the test)."""
    from sim.cli import main
    rc = main([str(a) for a in argv])
    err = capsys.readouterr().err
    assert "Traceback" not in err, err
    return rc, err.strip().splitlines()


def test_sweep_and_population_corpora_are_complete():
    assert {p.name for p in (BAD / "sweeps").iterdir()} == set(SWEEPS)
    assert {p.name for p in (BAD / "population").iterdir()} == set(POPULATIONS)
    assert len(SWEEPS) >= 40 and len(POPULATIONS) >= 40


@pytest.mark.parametrize("name", sorted(SWEEPS))
def test_sweep_file_rejected_before_anything_runs(name, capsys, tmp_path):
    out = tmp_path / "out"
    rc, lines = run_cli(["sweep", BAD / "sweeps" / name, "-q", "--workers", "1", "--out", out], capsys)
    assert rc == 2 and len(lines) == 1, (rc, lines)
    assert name in lines[0] and SWEEPS[name] in lines[0], lines[0]
    assert not out.exists()  # rejected before the results directory is made


@pytest.mark.parametrize("name", ["billion_laughs.yaml", "python_tag.yaml", "unknown_parameter_path.yaml",
                                  "range_reversed.yaml", "unknown_design.yaml"])
def test_sweep_file_rejected_by_the_command_line(name):
    one_line_error(["sweep", BAD / "sweeps" / name, "-q", "--workers", "1"], name, SWEEPS[name])


def _population_scenario(tmp_path, csv_path):
    sc = tmp_path / f"{csv_path.stem}.yaml"
    sc.write_text(f"name: imported\nmonths: 12\nreport_months: 6\npopulation:\n  file: {csv_path}\n",
                  encoding="utf-8")
    return sc


def test_population_control_file_runs(capsys, tmp_path):
    """The corpus's households, unbroken, do run: the rejections are the files' doing."""
    good = tmp_path / "good.csv"
    good.write_text((BAD / "population" / "not_a_number.csv").read_text().replace("lots", "1000"))
    rc, lines = run_cli(["run", _population_scenario(tmp_path, good), "-r", "1", "-q"], capsys)
    assert rc == 0, lines


@pytest.mark.parametrize("name", sorted(POPULATIONS))
def test_population_file_rejected(name, capsys, tmp_path):
    rc, lines = run_cli(["run", _population_scenario(tmp_path, BAD / "population" / name), "-r", "1",
                         "-q", "--out", tmp_path / "out"], capsys)
    assert rc == 2 and len(lines) == 1, (rc, lines)
    assert name in lines[0] and POPULATIONS[name] in lines[0], lines[0]
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("name", ["binary.csv", "missing_skill.csv", "wrong_category_territory.csv"])
def test_population_file_rejected_by_the_command_line(name, tmp_path):
    sc = _population_scenario(tmp_path, BAD / "population" / name)
    one_line_error(["run", sc, "-r", "1", "-q"], name, POPULATIONS[name])


def test_compare_refuses_two_scenarios_with_one_name(tmp_path):
    a, b = tmp_path / "a.yaml", tmp_path / "b.yaml"
    a.write_text("name: same\nmonths: 12\nreport_months: 6\n", encoding="utf-8")
    b.write_text("name: same\nmonths: 12\nreport_months: 6\ninstitutions:\n  teach_share: 0.9\n",
                 encoding="utf-8")
    line = one_line_error(["compare", a, b, "-r", "1", "-q", "--workers", "1"], "b.yaml", "name")
    assert "'same'" in line and "a.yaml" in line


# -- resource cap on the experiments commands -----------------------------------------

def test_sweep_cap_counts_the_point_with_most_household_months(capsys, tmp_path):
    spec = tmp_path / "long.yaml"
    spec.write_text("scenario: baseline_2013\nset:\n  population.households: 20000000\n"
                    "parameters:\n  months: [12, 120]\n", encoding="utf-8")
    rc, lines = run_cli(["sweep", spec, "-q", "--workers", "1", "--out", tmp_path / "o"], capsys)
    assert rc == 2 and len(lines) == 1 and "--allow-large" in lines[0] and "120 months" in lines[0], lines
    assert not (tmp_path / "o").exists()


def test_compare_cap_needs_the_command_line_flag(capsys, tmp_path):
    rc, lines = run_cli(["compare", "baseline_2013", "online_only_2016", "-q", "--workers", "1", "-r", "3",
                         "--set", "population.households=30000000"], capsys)
    assert rc == 2 and len(lines) == 1 and "--allow-large" in lines[0], lines
