"""Issue 14, class 9 (acceptance 4): a full disk and a read-only folder give one line and
exit status 2, and leave the previous results folder intact; an output path of the wrong
kind, ``sim population --out FOLDER`` and ``sim report`` on a folder that is not a
results folder give one line too.  A results folder is the old one or the new one, whole.

The disk is a real small file system: a 4 MB tmpfs mounted for the test when this process
may mount (root in CI and on the development machines), else the kernel's per-process
file size limit (RLIMIT_FSIZE: writes fail with EFBIG, as they fail with ENOSPC on a full
disk) and a folder without write permission.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import resource
import signal
import subprocess
import sys
from pathlib import Path

import pyarrow.parquet as pq
import pytest

ROOT = Path(__file__).resolve().parent.parent
SMALL = ["--set", "population.households=300", "--set", "months=24", "--set", "report_months=6"]
BIG = ["--set", "population.households=300", "--set", "months=60", "--set", "report_months=6"]

CHILD = """
import contextlib, io, json, os, sys
from sim.cli import main
out = []
for argv in json.loads(sys.stdin.read()):
    if argv[0] == "FILL":  # fill the disk of folder argv[1], leaving argv[2] bytes free
        with open(os.path.join(argv[1], "filler"), "ab") as fh:
            fh.truncate(0)
            st = os.statvfs(argv[1])
            fh.write(b"\\1" * max(0, st.f_bavail * st.f_frsize - int(argv[2])))
        continue
    err = io.StringIO()
    try:
        with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
            rc = main(argv)
    except BaseException:
        import traceback
        rc, err = -1, io.StringIO(traceback.format_exc())
    out.append([rc, err.getvalue()])
print(json.dumps(out))
"""


def sims(commands, cwd, file_limit: int | None = None):
    """``sim`` commands run one after the other in one child process: [(status, stderr)]."""
    def limits():
        if file_limit is not None:
            signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a write beyond the limit: EFBIG
            resource.setrlimit(resource.RLIMIT_FSIZE, (file_limit, file_limit))
    r = subprocess.run([sys.executable, "-c", CHILD], input=json.dumps([[str(a) for a in c] for c in commands]),
                       cwd=cwd, capture_output=True, text=True, timeout=600, preexec_fn=limits)
    assert r.returncode == 0, r.stderr[-3000:]
    return [tuple(x) for x in json.loads(r.stdout.strip().splitlines()[-1])]


def snapshot(folder: Path) -> dict[str, str]:
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def assert_whole(top: Path) -> None:
    """No temporary file anywhere; every JSON and Parquet file reads back."""
    for p in top.rglob("*"):
        if not p.is_file():
            continue
        assert not p.name.endswith(".tmp"), f"temporary file left: {p}"
        if p.suffix == ".json":
            json.loads(p.read_text(encoding="utf-8"))
        elif p.suffix == ".parquet":
            pq.read_table(p)


def one_line(rc: int, err: str, *fragments: str) -> str:
    assert rc == 2 and "Traceback" not in err, (rc, err[-2000:])
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert all(f in lines[0] for f in fragments), (fragments, lines[0])
    return lines[0]


@pytest.fixture
def disk(tmp_path):
    """A small file system of its own when it can be mounted: (folder, mounted)."""
    d = tmp_path / "disk"
    d.mkdir()
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=4m,mode=0777", "tmpfs", str(d)],
                             capture_output=True).returncode == 0
    try:
        yield d, mounted
    finally:
        if mounted:
            subprocess.run(["umount", "-l", str(d)], capture_output=True)
        else:
            with contextlib.suppress(OSError):
                d.chmod(0o755)


def _sweep_file(d: Path) -> Path:
    f = d.parent / "sweep.yaml"
    f.write_text("scenario: baseline_2013\nset:\n  population.households: 300\n  months: 60\n"
                 "  report_months: 6\nreplications: 3\ntimeseries: all\n"
                 "parameters:\n  institutions.teach_propensity: [0.1, 0.4, 0.6, 0.9]\n", encoding="utf-8")
    return f


def test_a_full_disk_gives_one_line_and_keeps_the_previous_results(disk):
    d, mounted = disk
    prev = d / "prev"
    ((rc, err),) = sims([["run", "baseline_2013", *SMALL, "-r", "2", "-q", "--out", prev]], d.parent)
    assert rc == 0, err
    before = snapshot(prev)
    limit, reason = (None, "No space left on device") if mounted else (40_000, "File too large")
    commands = [["run", "baseline_2013", *BIG, "-r", "4", "-q", "--workers", "1", "--out", d / "new_run"],
                ["compare", "baseline_2013", "online_only_2016", *BIG, "-r", "3", "-q", "--workers", "1",
                 "--out", d / "new_cmp"],
                ["population", "baseline_2013", "--set", "population.households=20000", "-q",
                 "--out", d / "pop.csv"],
                ["report", prev, "-q", "--out", d / "report.html"]]
    if mounted:  # (a sweep's files are small each: only a full disk stops it)
        commands.append(["sweep", _sweep_file(d), "-q", "--workers", "1", "--out", d / "new_sweep"])
    # each command on a disk filled again, leaving more than the check asks (128 kB) and
    # less than the command writes: it fails while writing
    script = [step for args in commands for step in ([["FILL", d, 250_000]] if mounted else []) + [args]]
    for args, (rc, err) in zip(commands, sims(script, d.parent, file_limit=limit)):
        line = one_line(rc, err, reason, "cannot write")
        assert str(d) in line, line
    assert snapshot(prev) == before  # the previous results, byte for byte
    assert_whole(d)  # and nothing half-written anywhere on the disk
    for new in ("new_run", "new_cmp"):  # the unfinished folders say so; they are not "complete"
        man = d / new / "manifest.json"
        assert not man.exists() or json.loads(man.read_text())["status"] == "running"
    assert not (d / "pop.csv").exists() and not (d / "report.html").exists()

    # with room again, the unfinished run resumes to the very files of an uninterrupted run
    if mounted:
        (d / "filler").unlink()
    ref = d.parent / "ref"
    run = ["run", "baseline_2013", *BIG, "-r", "4", "-q", "--workers", "1"]
    (rc1, e1), (rc2, e2) = sims([[*run, "--out", d / "new_run", "--resume"], [*run, "--out", ref]],
                                d.parent)
    assert rc1 == 0 and rc2 == 0, (e1, e2)
    for name in ("summary.json", "timeseries.csv", "groups.csv"):
        assert (d / "new_run" / name).read_bytes() == (ref / name).read_bytes(), name


def test_a_read_only_folder_gives_one_line_and_keeps_the_previous_results(disk):
    d, mounted = disk
    prev = d / "prev"
    sweep = _sweep_file(d)
    ((rc, err),) = sims([["run", "baseline_2013", *SMALL, "-r", "2", "-q", "--out", prev]], d.parent)
    assert rc == 0, err
    before = snapshot(prev)
    if mounted:
        subprocess.run(["mount", "-o", "remount,ro", str(d)], check=True, capture_output=True)
    else:
        assert os.geteuid() != 0, "as root, this test needs to mount a file system (CAP_SYS_ADMIN)"
        d.chmod(0o555)
        prev.chmod(0o555)
    commands = [["run", "baseline_2013", *SMALL, "-r", "2", "-q", "--out", d / "new"],
                ["run", "baseline_2013", *SMALL, "-r", "2", "-q", "--out", prev, "--resume"],
                ["compare", "baseline_2013", "online_only_2016", *SMALL, "-r", "2", "-q", "--out", d / "c"],
                ["sweep", sweep, "-q", "--out", d / "s"],
                ["population", "baseline_2013", "-q", "--out", d / "pop.csv"],
                ["report", prev, "-q"], ["schema", "-q", "--out", d / "schema.json"]]
    for args, (rc, err) in zip(commands, sims(commands, d.parent)):
        one_line(rc, err, "--out", "read-only" if mounted else "not writable")
    assert snapshot(prev) == before
    assert sorted(p.name for p in d.iterdir()) == ["prev"]


def test_outputs_and_results_folders_of_the_wrong_kind_give_one_line(tmp_path):
    a_file = tmp_path / "a_file"
    a_file.write_text("not a folder\n")
    prev = tmp_path / "prev"
    ((rc, err),) = sims([["run", "baseline_2013", *SMALL, "-r", "2", "-q", "--out", prev]], tmp_path)
    assert rc == 0, err
    bad = {}
    for name, manifest in (("list", "[]"), ("empty", "{}"), ("not_json", "{"), ("nul", "\0"),
                           ("kind_number", '{"kind": 5}')):
        bad[name] = tmp_path / f"bad_{name}"
        bad[name].mkdir()
        (bad[name] / "manifest.json").write_text(manifest)
    bad["fifo"] = tmp_path / "bad_fifo"
    bad["fifo"].mkdir()
    os.mkfifo(bad["fifo"] / "manifest.json")
    damaged = tmp_path / "damaged"
    subprocess.run(["cp", "-r", str(prev), str(damaged)], check=True)
    part = damaged / "summary" / "part-000000.parquet"
    part.write_bytes(part.read_bytes()[: len(part.read_bytes()) // 2])
    users = tmp_path / "users_folder"  # a folder of the user's, not results of sim
    users.mkdir()
    (users / "summary.json").write_text("mine\n")
    before = snapshot(prev)
    cases = {
        "run into a finished run": (["run", "baseline_2013", *SMALL, "-r", "2", "-q", "--out", prev],
                                    "already holds results"),
        "run of another plan into it": (["run", "baseline_2013", *SMALL, "-r", "3", "-q", "--out", prev],
                                        "already holds results"),
        "compare into a finished run": (["compare", "baseline_2013", "online_only_2016", *SMALL, "-r", "1",
                                         "-q", "--out", prev], "already holds results"),
        "sweep into a finished run": (["sweep", "sweeps/closure_x_mediation.yaml", "-q", "--out", prev],
                                      "already holds results"),
        "run into the user's folder": (["run", "baseline_2013", *SMALL, "-r", "1", "-q", "--out", users],
                                       "not empty"),
        "run into a file": (["run", "baseline_2013", *SMALL, "-r", "1", "-q", "--out", a_file], "is a file"),
        "compare into a file": (["compare", "baseline_2013", "online_only_2016", *SMALL, "-r", "1", "-q",
                                 "--out", a_file], "is a file"),
        "sweep into a file": (["sweep", "sweeps/closure_x_mediation.yaml", "-q", "--out", a_file], "is a file"),
        "under a file": (["run", "baseline_2013", *SMALL, "-r", "1", "-q", "--out", a_file / "x"], "is a file"),
        "population into a folder": (["population", "baseline_2013", "-q", "--out", tmp_path], "is a folder"),
        "report into a folder": (["report", prev, "-q", "--out", tmp_path], "is a folder"),
        "schema into a folder": (["schema", "-q", "--out", tmp_path], "is a folder"),
        "report of no results": (["report", tmp_path, "-q"], "not a results"),
        "report of a file": (["report", a_file, "-q"], "a_file"),
        **{f"report, manifest {k}": (["report", v, "-q"], "manifest" if k != "fifo" else "FIFO")
           for k, v in bad.items()},
        "report of a damaged store": (["report", damaged, "-q"], "unreadable"),
        "resume a folder that is not a store": (["run", "baseline_2013", *SMALL, "-r", "1", "-q", "--out",
                                                 bad["list"], "--resume"], "manifest"),
    }
    results = sims([c for c, _ in cases.values()], ROOT)
    for (case, (_, fragment)), (rc, err) in zip(cases.items(), results):
        one_line(rc, err, fragment)
    assert snapshot(prev) == before  # the finished run, byte for byte
    assert sorted(p.name for p in users.iterdir()) == ["summary.json"]
    assert (users / "summary.json").read_text() == "mine\n"
    assert a_file.read_text() == "not a folder\n"
    assert not (tmp_path / "report.html").exists()
