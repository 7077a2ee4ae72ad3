"""Population files: export -> import gives identical results; broken files get one line
naming the file, the column and the row (and never echo the file's content)."""

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def cli(*args, cwd):
    return subprocess.run([sys.executable, "-m", "sim", *map(str, args)], cwd=cwd,
                          capture_output=True, text=True, timeout=300)


@pytest.fixture(scope="module")
def exported(tmp_path_factory):
    d = tmp_path_factory.mktemp("pop")
    r = cli("population", ROOT / "scenarios" / "online_only_2016.yaml", "--set",
            "population.households=2500", "--seed", "21", "-o", d / "pop.csv", cwd=d)
    assert r.returncode == 0, r.stderr
    return d


def test_export_import_round_trip_gives_identical_results(exported):
    d = exported
    (d / "imp.yaml").write_text(
        (ROOT / "scenarios" / "online_only_2016.yaml").read_text()
        + "population:\n  file: pop.csv\n", encoding="utf-8")
    a = cli("run", d / "imp.yaml", "--seed", "21", "-r", "1", "-q", "--out", d / "a", cwd=d)
    b = cli("run", ROOT / "scenarios" / "online_only_2016.yaml", "--set",
            "population.households=2500", "--seed", "21", "-r", "1", "-q", "--out", d / "b", cwd=d)
    assert a.returncode == 0 and b.returncode == 0, a.stderr + b.stderr
    for name in ("timeseries.csv", "groups.csv", "routes.csv", "replications.csv"):
        assert (d / "a" / name).read_bytes() == (d / "b" / name).read_bytes(), name


def _broken(exported, name, edit):
    lines = (exported / "pop.csv").read_text().splitlines()
    lines = edit(lines)
    path = exported / f"{name}.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    (exported / f"{name}.yaml").write_text(f"name: {name}\npopulation:\n  file: {name}.csv\n")
    return exported / f"{name}.yaml"


def _col(lines, col, row, value):
    header = lines[0].split(",")
    j = header.index(col)
    cells = lines[row - 1].split(",")
    cells[j] = value
    lines[row - 1] = ",".join(cells)
    return lines


def _drop(lines, col):
    j = lines[0].split(",").index(col)
    return [",".join(c for i, c in enumerate(l.split(",")) if i != j) for l in lines]


CASES = {
    "missing_column": (lambda l: _drop(l, "skill"), "column 'skill'"),
    "wrong_category": (lambda l: _col(l, "diploma", 5, "doctorate"), "column 'diploma', row 5"),
    "out_of_range": (lambda l: _col(l, "skill", 7, "1.7"), "column 'skill', row 7"),
    "not_a_number": (lambda l: _col(l, "earnings", 3, "lots"), "column 'earnings', row 3"),
    "bad_bool": (lambda l: _col(l, "email", 4, "maybe"), "column 'email', row 4"),
    "unknown_column": (lambda l: [l[0] + ",shoe_size"] + [x + ",42" for x in l[1:]], "shoe_size"),
    "short_row": (lambda l: l[:9] + [l[9].rsplit(",", 3)[0]] + l[10:], "row 10"),
    "empty": (lambda l: [], "empty"),
    "header_only": (lambda l: l[:1], "no household rows"),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_broken_population_file_is_rejected_with_one_line(exported, name):
    edit, expected = CASES[name]
    scenario = _broken(exported, name, edit)
    r = cli("run", scenario, "-r", "1", "-q", cwd=exported)
    assert r.returncode == 2, r.stderr
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in r.stderr, r.stderr
    assert f"{name}.csv" in lines[0] and expected in lines[0], lines[0]
    for secret in ("doctorate", "lots", "maybe"):
        assert secret not in lines[0]
