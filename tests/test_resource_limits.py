"""Issue 14, acceptance 2: under a 4 GB address-space limit (``ulimit -v``), every
command given each class's worst case either refuses before starting (exit 2, one
line) or finishes; nothing hangs past its timeout (FIFOs included).

The commands run in child processes with ``RLIMIT_AS`` set, one child for the
refusals (one after the other) and one for the runs that must finish.
"""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BAD = ROOT / "tests" / "bad"
LIMIT = 4_000_000_000

CHILD = """
import contextlib, io, json, sys, time
from sim.cli import main
out = []
for argv in json.loads(sys.stdin.read()):
    err = io.StringIO()
    t0 = time.monotonic()
    try:
        with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
            rc = main(argv)
    except BaseException:
        import traceback
        rc, err = -1, io.StringIO(traceback.format_exc())
    out.append([rc, err.getvalue(), time.monotonic() - t0])
print(json.dumps(out))
"""


def _limited():
    resource.setrlimit(resource.RLIMIT_AS, (LIMIT, LIMIT))


def run_limited(commands, cwd, timeout):
    r = subprocess.run([sys.executable, "-c", CHILD], input=json.dumps([[str(a) for a in c] for c in commands]),
                       cwd=cwd, capture_output=True, text=True, timeout=timeout, preexec_fn=_limited)
    assert r.returncode == 0, r.stderr[-3000:]
    return json.loads(r.stdout.strip().splitlines()[-1])


def _scenario(d: Path, name: str, text: str) -> Path:
    p = d / name
    p.write_text(text, encoding="utf-8")
    return p


def test_worst_cases_are_refused_before_starting_under_4_gb(tmp_path):
    d = tmp_path
    os.mkfifo(d / "fifo.yaml")
    (d / "zero.yaml").symlink_to("/dev/zero")
    pop = {k: _scenario(d, f"pop_{k}.yaml", f"name: p\npopulation:\n  file: {f}\n")
           for k, f in (("zero", "/dev/zero"), ("fifo", d / "fifo.yaml"), ("dir", d),
                        ("passwd", BAD / "population" / "no_header_passwd.csv"))}
    cases = {
        "1 name escapes": ["compare", "baseline_2013", BAD / "name_parent.yaml", "-q", "--out", d / "c"],
        "2 preset path": ["validate", BAD / "preset_parent.yaml"],
        "3 scenario /dev/zero": ["run", d / "zero.yaml"], "3 sweep /dev/zero": ["sweep", d / "zero.yaml"],
        "3 population /dev/zero": ["run", pop["zero"], "-q"],
        "3 scenario fifo": ["validate", d / "fifo.yaml"], "3 sweep fifo": ["sweep", d / "fifo.yaml"],
        "3 population fifo": ["run", pop["fifo"], "-q"], "3 population dir": ["run", pop["dir"], "-q"],
        "4 lhs 5M": ["sweep", BAD / "sweeps" / "budget_lhs_5m.yaml", "-q"],
        "4 morris 1M": ["sweep", BAD / "sweeps" / "budget_morris_1m.yaml", "-q"],
        "4 sobol 2^30": ["sweep", BAD / "sweeps" / "budget_sobol_2_30.yaml", "-q"],
        "4 factorial 1e12": ["sweep", BAD / "sweeps" / "budget_factorial_steps.yaml", "-q"],
        "4 runs 5e7": ["sweep", BAD / "sweeps" / "budget_runs.yaml", "-q"],
        "4 -r 1e8": ["run", "baseline_2013", "-r", "100000000", "--set", "population.households=1",
                     "--set", "months=1", "--set", "report_months=1"],
        "4 -r 10000 held": ["run", "baseline_2013", "-r", "10000", "--set", "population.households=1",
                            "--set", "months=1", "--set", "report_months=1", "-q", "--out", d / "r"],
        "4 memory": ["run", "baseline_2013", "-r", "1", "--set", "population.households=20000000"],
        "4 memory, workers": ["compare", "baseline_2013", "online_only_2016", "-r", "2", "--workers", "2",
                              "--set", "population.households=12000000"],
        "5 4301 digits": ["run", "baseline_2013", "--set", "population.households=1" + "0" * 5000],
        "5 seed": ["run", "baseline_2013", "--seed", "9" * 5000],
        "5 sweep samples": ["sweep", BAD / "sweeps" / "number_samples_4301_digits.yaml", "-q"],
        "6 surrogate name": ["run", BAD / "string_surrogate_name.yaml", "-q", "--out", d / "s"],
        "7 metrics []": ["sweep", BAD / "sweeps" / "accepted_metrics_empty.yaml", "-q", "--out", d / "m"],
        "8 no header": ["run", pop["passwd"], "-q"],
        "9 manifest /dev/zero": ["report", d / "zero_store", "-q"],
        "9 manifest fifo": ["report", d / "fifo_store", "-q"],
        "9 out is a file": ["run", "baseline_2013", "-q", "--out", d / "zero.yaml"],
    }
    (d / "zero_store").mkdir()
    (d / "zero_store" / "manifest.json").symlink_to("/dev/zero")
    (d / "fifo_store").mkdir()
    os.mkfifo(d / "fifo_store" / "manifest.json")
    results = run_limited(list(cases.values()), d, timeout=300)
    for (case, argv), (rc, err, _seconds) in zip(cases.items(), results):
        assert rc == 2 and "Traceback" not in err, (case, rc, err[-1500:])
        assert len(err.strip().splitlines()) == 1, (case, err)
    # refused before any work: nothing was written (a hang would end in the timeout above)
    assert not any((d / x).exists() for x in ("c", "s", "m", "r"))
    assert "--replications: this run needs about 11" in results[list(cases).index("4 -r 10000 held")][1]


def test_large_inputs_within_the_bounds_finish_under_4_gb(tmp_path):
    """The finishing side: a large population file is streamed (its memory stays near
    the household arrays); many replications of a tiny run finish."""
    d = tmp_path
    export = subprocess.run([sys.executable, "-m", "sim", "population", "baseline_2013", "--set",
                             "population.households=2000", "-q", "-o", d / "small.csv"], cwd=d,
                            capture_output=True, text=True, timeout=300)
    assert export.returncode == 0, export.stderr
    lines = (d / "small.csv").read_text().splitlines()
    with open(d / "big.csv", "w") as fh:  # ~40 MB: 100 copies of 2,000 households
        fh.write(lines[0] + "\n")
        body = "\n".join(lines[1:]) + "\n"
        for _ in range(100):
            fh.write(body)
    assert (d / "big.csv").stat().st_size > 30e6
    big = _scenario(d, "big.yaml", "name: big\nmonths: 2\nreport_months: 1\npopulation:\n  file: big.csv\n")
    results = run_limited([["run", big, "-r", "1", "-q", "--out", d / "out_big"],
                           ["run", "baseline_2013", "-r", "300", "-q", "--set", "population.households=1",
                            "--set", "months=1", "--set", "report_months=1", "--out", d / "out_reps"]],
                          d, timeout=600)
    for rc, err, _ in results:
        assert rc == 0, err[-1500:]
    assert json.loads((d / "out_big" / "summary.json").read_text())["meta"]["households"] == 200_000
    assert json.loads((d / "out_reps" / "summary.json").read_text())["meta"]["replications"] == 300


EDGE = """
import contextlib, io, sys
from sim import limits, scenario
from sim.cli import main
from sim.params import ScenarioError
sets = ["--set", "months=2", "--set", "report_months=1"]
def accepted(n):
    sc = scenario.load("baseline_2013", sets=[f"population.households={n}", "months=2", "report_months=1"])
    try:
        limits.check(sc, 1)
        return True
    except ScenarioError:
        return False
lo, hi = 1_000, 40_000_000  # the largest household count the budget accepts here
while hi - lo > 1_000:
    mid = (lo + hi) // 2
    lo, hi = (mid, hi) if accepted(mid) else (lo, mid)
err = io.StringIO()
with contextlib.redirect_stderr(err):
    over = main(["run", "baseline_2013", "-r", "1", "-q", "--set", f"population.households={hi + 100_000}", *sets])
    edge = main(["run", "baseline_2013", "-r", "1", "-q", "--set", f"population.households={lo}", *sets])
print(lo, over, edge, repr(err.getvalue()))
"""


def test_the_largest_run_the_budget_accepts_finishes_under_its_limit():
    """The budget is not optimistic: under a 2.6 GB address-space limit, the largest
    population it accepts runs to the end (and a little more is refused before starting)."""
    limit = 2_600_000_000

    def limited():
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    r = subprocess.run([sys.executable, "-c", EDGE], cwd=ROOT, capture_output=True, text=True,
                       timeout=600, preexec_fn=limited)
    assert r.returncode == 0, r.stderr[-3000:]
    n, over, edge, err = r.stdout.split(maxsplit=3)
    assert int(n) > 100_000, n  # the limit leaves room for a real run
    assert (over, edge) == ("2", "0"), err
