"""Issue 14 on ``sim optimise`` (classes 1, 3, 6 and 9): a search file is read like a sweep
file — a regular file only, with a bound (a FIFO does not hang, a link to /dev/zero does
not fill the memory) — its name is a safe name (it names the default results folder) and
its text writable; the results folder is checked before any work.  Each is one line naming
the file, exit status 2, and nothing written anywhere."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from sim.cli import main

ROOT = Path(__file__).resolve().parent.parent
SEARCH = (ROOT / "searches" / "mediation_mix.yaml").read_text(encoding="utf-8")


def _named(d: Path, file: str, name: str) -> Path:
    p = d / file
    p.write_text(SEARCH.replace("name: mediation_mix", f"name: {name}"), encoding="utf-8")
    return p


def test_hostile_search_files_are_refused_on_one_line(tmp_path, monkeypatch, capsys):
    here = tmp_path / "a" / "b"
    here.mkdir(parents=True)
    monkeypatch.chdir(here)
    os.mkfifo(here / "fifo.yaml")
    (here / "zero.yaml").symlink_to("/dev/zero")
    a_file = here / "a_file"
    a_file.write_text("mine\n")
    cases = {
        "fifo": (["fifo.yaml"], "fifo.yaml: is a FIFO"),
        "/dev/zero": (["zero.yaml"], "zero.yaml: is a character device"),
        "directory": ([str(tmp_path)], "is a directory"),
        "name ../..": ([_named(here, "up.yaml", '"../../ESCAPED"')], "up.yaml: name: "),
        "name absolute": ([_named(here, "abs.yaml", f'"{tmp_path}/ESCAPED"')], "abs.yaml: name: "),
        "name NUL": ([_named(here, "nul.yaml", '"x\\0y"')], "nul.yaml: name: "),
        "name surrogate": ([_named(here, "sur.yaml", '"x\\ud800y"')], "sur.yaml: name: "),
        "--out at a file": (["mediation_mix", "--out", a_file], "a_file: --out: is a file"),
    }
    before = sorted(tmp_path.rglob("*"))
    for case, (args, fragment) in cases.items():
        rc = main(["optimise", *map(str, args), "-q", "--workers", "1"])
        err = capsys.readouterr().err.strip()
        assert rc == 2 and "Traceback" not in err, (case, rc, err)
        assert len(err.splitlines()) == 1 and fragment in err, (case, err)
    assert sorted(tmp_path.rglob("*")) == before  # nothing written, here or above
    assert a_file.read_text() == "mine\n"


@pytest.mark.parametrize("name", ["mediation mix 2", "réforme_v2.1"])
def test_a_safe_odd_name_is_accepted(tmp_path, name):
    from sim.experiments.optimise import load_search
    assert load_search(_named(tmp_path, "s.yaml", name)).name == name
