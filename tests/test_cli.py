"""The command line: help for every argument, an example per command, French and
English output from the one vocabulary, rate intervals that stay within [0, 1]."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from sim.cli import EXAMPLES, build_parser, main

ROOT = Path(__file__).resolve().parent.parent
TINY = ["population.households=1500", "months=12", "report_months=6"]


def _sets():
    return sum((["--set", s] for s in TINY), [])


def _subparsers():
    ap = build_parser()
    sub = next(a for a in ap._actions if a.dest == "command")
    return sub.choices


def test_every_argument_of_every_command_has_help_and_every_command_an_example():
    commands = _subparsers()
    assert set(commands) >= {"run", "validate", "schema", "demo", "population", "dashboard",
                             "calibrate", "compare", "sweep", "report"}
    for name, p in commands.items():
        for action in p._actions:
            if action.dest == "help":
                continue
            assert action.help, f"sim {name}: {action.dest} has no help text"
        assert p.epilog and p.epilog.startswith("example:") and name in EXAMPLES, name
        assert any(a.dest == "lang" for a in p._actions), name


@pytest.mark.parametrize("command", ["run", "compare", "sweep", "report", "validate", "schema"])
def test_help_shows_the_example(command, capsys):
    with pytest.raises(SystemExit) as done:
        main([command, "--help"])
    assert done.value.code == 0
    out = capsys.readouterr().out
    assert "example:" in out and f"sim {command}" in out and "--lang" in out


def _cli(*args, env=None):
    return subprocess.run([sys.executable, "-m", "sim", *map(str, args)], cwd=ROOT,
                          capture_output=True, text=True, env=env, timeout=600)


PCT = re.compile(r"(−?\+?\d+(?:,\d+)?)\u202f%(?: \[(−?\+?\d+,\d+)\u202f; (−?\+?\d+,\d+)\])?")


def _fr(x: str) -> float:
    return float(x.replace("−", "-").replace(",", "."))


def test_compare_in_french_with_commas_and_rates_within_0_100(tmp_path):
    r = _cli("compare", "baseline_2013", "online_only_2016", "-r", "3", "--seed", "4", *_sets(),
             "--workers", "1", "--lang", "fr")
    assert r.returncode == 0, r.stderr
    out = r.stdout
    for words in ("indicateur", "Taux de non-recours", "non-connaissance", "non-demande",
                  "Droits non versés", "B − A apparié", "IC 95 % apparié", "Écart de non-recours par âge"):
        assert words in out, words
    for words in ("Non-take-up", "metric", "paired 95% CI"):
        assert words not in out, words
    cells = PCT.findall(out)
    assert len(cells) > 20
    for mean, lo, hi in cells:
        for v in (mean, lo, hi):
            if v:
                assert 0 <= _fr(v) <= 100, (mean, lo, hi)
    assert not re.search(r"\d\.\d+\u202f%", out)  # no decimal point in a French percentage
    assert "pts [" in out  # differences of rates in points


def test_report_in_french_from_the_command_line(tmp_path):
    out = tmp_path / "r"
    assert main(["run", "baseline_2013", *_sets(), "-r", "2", "--seed", "1", "-o", str(out),
                 "-q"]) == 0
    assert main(["report", str(out), "--lang", "fr", "-q"]) == 0
    html = (out / "report.html").read_text(encoding="utf-8")
    assert '<html lang="fr">' in html and "Simulation : baseline_2013" in html
    assert "Taux de non-recours" in html


def test_the_default_language_follows_the_locale(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("name: x\npopulation: {households: -3}\n")
    env = {k: v for k, v in os.environ.items() if k not in ("LANGUAGE", "LC_ALL", "LC_MESSAGES")}
    fr = _cli("validate", bad, env={**env, "LANG": "fr_FR.UTF-8"})
    en = _cli("validate", bad, env={**env, "LANG": "C.UTF-8"})
    assert fr.returncode == en.returncode == 2
    assert "est sous le minimum" in fr.stderr and "is below the minimum" in en.stderr
    assert f"{bad}: population.households:" in fr.stderr  # the file and the field stay
