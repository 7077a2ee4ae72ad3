"""Bad-input corpus: every malformed file is rejected by the CLI with exit status 2 and
one line naming the file and the field or line, never a traceback."""

import json
import os
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
    "report_longer.yaml": "report_months", "share_above_one.yaml": "institutions.teach_propensity",
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

# issue 14's classes (the same files are refused by `sim validate`, `sim run` and the
# dashboard's upload box): file -> the field the one line must name
NAMES = {  # 1. names become paths: a scenario's name must be a safe name
    f"name_{k}.yaml": ": name: " for k in (
        "parent", "absolute", "slash", "backslash", "dotdot", "hidden", "dash", "trailing_dot",
        "empty", "too_long", "newline", "not_string", "home", "colon", "double_space")}
PRESETS = {  # 2. preset: is a closed set of names, never a path
    f"preset_{k}.yaml": ": preset: unknown preset" for k in (
        "parent", "absolute", "real_file_by_path", "targets_file", "list", "mapping", "dot", "empty")}
NUMBERS = {  # 5. numbers and types the validator did not expect
    "number_4301_digits.yaml": ": population.households: ", "number_huge_int.yaml": ": months: ",
    "number_beyond_float.yaml": ": institutions.teach_propensity: ", "number_int64_overflow.yaml": ": seed: ",
    "number_negative_seed.yaml": ": seed: ", "number_float_overflow.yaml": ": process.income_redraw_rate: ",
    "number_in_list.yaml": ": population.age_shares[0]: ", "number_policy_param.yaml": ": policies[0].share: ",
    "number_policy_start.yaml": ": policies[0].start: ", "number_sexagesimal.yaml": ": months: ",
    "type_policy_type_mapping.yaml": ": policies[0].type: ", "type_policy_type_list.yaml": ": policies[0].type: ",
    "type_policy_int_key.yaml": ": policies[0].1: ", "type_policy_self_key.yaml": ": policies[0].self: ",
    "type_policy_dunder_key.yaml": ": policies[0].__class__: ",
    "type_policy_start_string.yaml": ": policies[0].start: ", "type_int_key.yaml": ": 1: keys must be text",
    "type_bool_key.yaml": ": True: keys must be text", "type_null_key.yaml": ": None: keys must be text",
    "type_date_value.yaml": ": legislation: ", "type_set_value.yaml": ": benefits_enabled: ",
    "type_binary_value.yaml": ": name: ", "type_section_scalar.yaml": ": population: ",
}
STRINGS = {  # 6. strings that break writers (lone surrogates, NUL, control characters)
    "string_surrogate_name.yaml": ": name: invalid Unicode",
    "string_surrogate_description.yaml": ": description: invalid Unicode",
    "string_nul_name.yaml": ": name: a control character", "string_nul_description.yaml": ": description: a control",
    "string_terminal_escape.yaml": ": description: a control character (U+001B)",
    "string_surrogate_key.yaml": ": k\\udc80: this key holds invalid Unicode",
    "string_surrogate_policy_choice.yaml": ": policies[0].order: invalid Unicode",
    "string_nul_legislation.yaml": ": legislation: a control character",
}
ACCEPTED = {  # 7. accepted although wrong
    f"accepted_policies_{k}.yaml": ": policies: expected a list" for k in ("mapping", "false", "zero", "string")}
CLASSES = {"names": NAMES, "presets": PRESETS, "numbers": NUMBERS, "strings": STRINGS, "accepted": ACCEPTED}
for _corpus in CLASSES.values():
    SCENARIOS.update(_corpus)


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
    "duplicate_values.yaml": "parameters.institutions.teach_propensity.values",
    "empty.yaml": "expected a mapping",
    "empty_values.yaml": "parameters.institutions.teach_propensity.values",
    "factorial_no_steps.yaml": "parameters.institutions.teach_propensity.steps",
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
    "parameter_not_mapping.yaml": "parameters.institutions.teach_propensity",
    "parameter_unknown_key.yaml": "parameters.institutions.teach_propensity.step",
    "parameters_empty.yaml": "parameters",
    "parameters_list.yaml": "parameters",
    "policy_month_outside.yaml": "parameters.policies.0.start",
    "python_name_tag.yaml": "python/name",
    "python_tag.yaml": "python/object",
    "range_inf.yaml": "parameters.institutions.association_hours.range[1]",
    "range_nan.yaml": "parameters.institutions.teach_propensity.range[0]",
    "range_not_number.yaml": "parameters.institutions.teach_propensity.range[0]",
    "range_one_number.yaml": "parameters.institutions.teach_propensity.range",
    "range_out_of_range.yaml": "parameters.institutions.teach_propensity",
    "range_reversed.yaml": "parameters.institutions.teach_propensity.range",
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
    "steps_one.yaml": "parameters.institutions.teach_propensity.steps",
    "steps_with_lhs.yaml": "parameters.institutions.teach_propensity.steps",
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
    "value_not_scalar.yaml": "parameters.institutions.teach_propensity.values[1]",
    "value_out_of_range.yaml": "parameters.institutions.teach_propensity",
    "value_wrong_type.yaml": "parameters.months",
    "values_and_range.yaml": "parameters.institutions.teach_propensity",
    "zero_months.yaml": "parameters.months",
    # issue 14's classes
    "name_parent.yaml": ": name: ", "name_absolute.yaml": ": name: ",
    "name_nul.yaml": ": name: a control character", "name_surrogate.yaml": ": name: invalid Unicode",
    "budget_lhs_5m.yaml": ": design.samples: 5,000,000 points", "budget_morris_1m.yaml": ": design.samples: ",
    "budget_sobol_2_30.yaml": ": design.samples: ", "budget_factorial_steps.yaml": ": parameters: ",
    "budget_replications.yaml": ": replications: ", "budget_runs.yaml": ": replications: 50,000 points",
    "number_samples_4301_digits.yaml": ": design.samples: an integer of 5,001 digits",
    "number_value_huge.yaml": ": parameters.institutions.association_hours.values[1]: ",
    "number_range_overflow.yaml": ": parameters.institutions.association_hours.range[1]: ",
    "number_seed_huge.yaml": ": seed: ", "number_design_seed_huge.yaml": ": design.seed: ",
    "type_design_type_mapping.yaml": ": design.type: ", "type_parameter_int_key.yaml": ": parameters.1: ",
    "string_value_surrogate.yaml": ": parameters.policies.0.order[1]: invalid Unicode",
    "accepted_set_and_parameters.yaml": ": set.institutions.teach_propensity: ",
    "accepted_metrics_empty.yaml": ": metrics: ", "accepted_metrics_none.yaml": ": metrics: ",
    "accepted_values_mixed_types.yaml": ": parameters.institutions.teach_propensity.values: ",
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
    "html_page.csv": "not a header",
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
    "semicolon_separated.csv": "not a header",
    "short_row.csv": "row 6",
    "tab_separated.csv": "not a header",
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
    "yaml_not_csv.csv": "not a header",
    # issue 14, class 8: rows are the file's lines (blank lines count); content never echoed
    "blank_lines_before_error.csv": "column 'skill', row 7", "blank_lines_crlf.csv": "column 'skill', row 5",
    "quoted_newline_field.csv": "column 'household_type', row 2",
    "no_header_passwd.csv": "row 1: the first line is not a header",
    "no_header_data.csv": "row 1: the first line is not a header",
    "header_cell_not_a_name.csv": "row 1: header cell 13 is not a known column",
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
    b.write_text("name: same\nmonths: 12\nreport_months: 6\ninstitutions:\n  teach_propensity: 0.9\n",
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


# -- issue 14: hostile command lines (numbers, paths, types), in this process -------------

DEEP = "[" * 5000 + "]" * 5000
ARGV = {  # argv -> the field the one line must name
    "set_unicode_digit": (["run", "online_only_2016", "--set", "policies.\u00b2.share=1"], "--set: policies.\u00b2"),
    "set_into_a_string": (["run", "online_only_2016", "--set", "policies.0.benefits.0.x=1"],
                          "--set: policies.0.benefits.0: not a section"),
    "set_into_a_number": (["run", "online_only_2016", "--set", "policies.0.start.x=1"],
                          "--set: policies.0.start: not a section"),
    "set_empty_path": (["run", "baseline_2013", "--set", "=1"], "--set"),
    "set_empty_part": (["run", "baseline_2013", "--set", "population..households=1"], "--set: population..households"),
    "set_4301_digits": (["run", "baseline_2013", "--set", "population.households=1" + "0" * 5000],
                        "population.households: an integer of 5,001 digits"),
    "set_beyond_int64": (["run", "baseline_2013", "--set", "seed=" + "9" * 30], ": seed: "),
    "set_deep_nesting": (["run", "baseline_2013", "--set", "months=" + DEEP], "--set: months: YAML nesting"),
    "set_alias": (["run", "baseline_2013", "--set", "months=*a"], "--set: months: "),
    "set_name_escape": (["run", "baseline_2013", "--set", "name=../../ESCAPED"], ": name: "),
    "set_preset_path": (["run", "baseline_2013", "--set", "preset=../../../../x"], ": preset: "),
    "set_policies_mapping": (["run", "baseline_2013", "--set", "policies={}"], ": policies: expected a list"),
    "seed_negative": (["run", "baseline_2013", "--seed", "-1"], "--seed"),
    "seed_5000_digits": (["run", "baseline_2013", "--seed", "1" + "0" * 5000], "--seed"),
    "seed_not_a_number": (["run", "baseline_2013", "--seed", "１２"], "--seed"),
    "replications_1e8": (["run", "baseline_2013", "-r", "100000000"], "--replications"),
    "replications_negative": (["compare", "baseline_2013", "online_only_2016", "-r", "-3"], "--replications"),
    "workers_huge": (["run", "baseline_2013", "--workers", "100000"], "--workers"),
    "population_replication_negative": (["population", "baseline_2013", "--replication", "-1", "-o", "x.csv"],
                                        "--replication"),
    "population_seed_huge": (["population", "baseline_2013", "--seed", "9" * 40, "-o", "x.csv"], "--seed"),
    "demo_households_huge": (["demo", "--households", "3000000000", "-r", "5"], "population.households"),
    "precision_infinite": (["compare", "baseline_2013", "online_only_2016", "--precision", "inf"], "--precision"),
    "precision_nan": (["compare", "baseline_2013", "online_only_2016", "--precision", "nan"], "--precision"),
    "dask_local_zero": (["sweep", "sweeps/closure_x_mediation.yaml", "--dask-local", "0"], "--dask-local"),
    "sweep_seed_negative": (["sweep", "sweeps/closure_x_mediation.yaml", "--seed", "-1"], "--seed"),
    "sweep_replications_1e8": (["sweep", "sweeps/closure_x_mediation.yaml", "-r", "100000000"], "--replications"),
    "port_out_of_range": (["dashboard", "--port", "70000"], "--port"),
    "calibrate_households_huge": (["calibrate", "--households", "100000000000", "-q"], "--households"),
    "calibrate_seeds_zero": (["calibrate", "--seeds", "0", "-q"], "--seeds"),
}


@pytest.mark.parametrize("case", sorted(ARGV))
def test_hostile_command_line_is_refused_with_one_line(case, capsys, monkeypatch, tmp_path):
    argv, fragment = ARGV[case]
    monkeypatch.chdir(ROOT)
    argv = [str(tmp_path / a) if a == "x.csv" else a for a in argv]
    rc, lines = run_cli(argv, capsys)
    assert rc == 2 and len(lines) == 1, (rc, lines)
    assert fragment in lines[0] and len(lines[0]) < 400, lines[0]
    assert not (tmp_path / "x.csv").exists()


def test_population_messages_never_echo_the_files_content(capsys, tmp_path):
    """Class 8: whatever the file, its values never reach the message (only our column names,
    our category labels and the row number); a first line that is no header is not echoed."""
    from sim.agents.population_io import CATEGORIES, KNOWN
    ours = set(KNOWN) | {m.name for enum in CATEGORIES.values() for m in enum}
    for name in sorted(POPULATIONS):
        rc, lines = run_cli(["run", _population_scenario(tmp_path, BAD / "population" / name), "-r", "1",
                             "-q"], capsys)
        msg = lines[0].split(": ", 1)[1]  # after the file's own name
        raw = (BAD / "population" / name).read_bytes().decode("utf-8", "replace")
        rows = [r.split(",") for r in raw.splitlines()]
        header_is_ours = bool(rows) and any(c.strip() in KNOWN for c in rows[0])
        cells = {c.strip() for r in (rows[1:] if header_is_ours else rows) for c in r}
        leaked = [c for c in cells if len(c) >= 4 and c not in ours and c in msg]
        assert not leaked, (name, leaked, msg)


# -- class 3: only regular files are read; nothing blocks -------------------------------

def _special_inputs(tmp_path) -> dict[str, Path]:
    """FIFOs, devices, directories, links to them, and a file over the bound (sparse)."""
    d = tmp_path / "special"
    d.mkdir()
    os.mkfifo(d / "fifo.yaml")
    (d / "link_to_fifo.yaml").symlink_to(d / "fifo.yaml")
    (d / "link_to_zero.yaml").symlink_to("/dev/zero")
    (d / "link_to_random.yaml").symlink_to("/dev/urandom")
    (d / "directory.yaml").mkdir()
    with open(d / "sparse_2gb.yaml", "wb") as fh:  # 2 GB on paper, no disk used
        fh.truncate(2 * 1024**3)
    return {p.name: p for p in sorted(d.iterdir())} | {"dev_null": Path("/dev/null")}


SPECIAL = {"fifo.yaml": "FIFO", "link_to_fifo.yaml": "FIFO", "link_to_zero.yaml": "character device",
           "link_to_random.yaml": "character device", "directory.yaml": "directory",
           "sparse_2gb.yaml": "larger than", "dev_null": "character device"}


BLOCKING = ("fifo.yaml", "link_to_fifo.yaml")  # these would hang a reader that waits for a writer

CHILD = """
import json, sys
from sim.cli import main
for argv in json.loads(sys.argv[1]):
    main(argv)
"""


def test_special_files_are_refused_as_scenario_sweep_and_population_files(tmp_path, capsys):
    inputs = _special_inputs(tmp_path)
    assert set(inputs) == set(SPECIAL)
    cases = {}
    for name, path in inputs.items():
        sc = tmp_path / f"pop_{name}.yaml"
        sc.write_text(f"name: p\npopulation:\n  file: {path}\n", encoding="utf-8")
        cases[f"validate {name}"] = ["validate", str(path)]
        cases[f"sweep {name}"] = ["sweep", str(path), "-q"]
        cases[f"run {name}"] = ["run", str(sc), "-q"]
    # the ones that could block run in a child process with a timeout, the others here
    blocking = [k for k in cases if k.split()[1] in BLOCKING]
    child = subprocess.run([sys.executable, "-c", CHILD, json.dumps([cases[k] for k in blocking])],
                           cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert "Traceback" not in child.stderr, child.stderr
    lines = dict(zip(blocking, child.stderr.strip().splitlines()))
    assert len(lines) == len(blocking), child.stderr
    for key in (k for k in cases if k not in blocking):
        rc, out = run_cli(cases[key], capsys)
        assert rc == 2 and len(out) == 1, (key, out)
        lines[key] = out[0]
    for key, line in lines.items():
        name = key.split()[1]
        # a 2 GB population file is within its 4 GB bound, but its endless first line is not
        expected = "a line longer than" if key == "run sparse_2gb.yaml" else SPECIAL[name]
        assert str(inputs[name]) in line and expected in line, (key, line)
