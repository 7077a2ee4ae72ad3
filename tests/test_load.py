"""Short load test: 5 workshop participants for 10 s against the dashboard under gunicorn.

The full run (30 participants x 60 s, acceptance p95 <= 2 s) is
``benchmarks/load_dashboard.py``; here only errors are asserted (latency is reported,
never asserted: speed lives in benchmarks)."""

import importlib.util
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
_spec = importlib.util.spec_from_file_location("load_dashboard", REPO / "benchmarks" / "load_dashboard.py")
load_dashboard = importlib.util.module_from_spec(_spec)
sys.modules["load_dashboard"] = load_dashboard  # dataclasses look their module up
_spec.loader.exec_module(load_dashboard)


def test_five_participants_for_ten_seconds_get_no_error():
    res = load_dashboard.run_load(participants=5, duration=10, workers=2, threads=4, think=(1.0, 3.0))
    print(f"\n[load] {res['requests']} requests, {res['errors']} errors, p50 {res['p50_s']} s, "
          f"p95 {res['p95_s']} s")
    assert res["errors"] == 0, res["first_errors"]
    assert res["hung_participants"] == 0
    kinds = res["by_kind"]
    # every participant loaded the page, opened the workshop and moved a lever (the first
    # move is made whatever the time; how many more fit in 10 s depends on the machine's
    # load — 8 instead of 10 at load 12-15 — so it is reported, not asserted)
    assert kinds["page"]["requests"] == 15 and kinds["tab"]["requests"] == 5
    assert kinds["lever"]["requests"] >= 5
