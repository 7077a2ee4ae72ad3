"""CPU time of one Atelier lever move, in-process: what the server spends per new setting.

For N settings one lever step apart (none computed before), it measures, in CPU time
(``time.process_time``, less sensitive than wall time to a shared machine's load):

- **run**: replication 0 of the setting from the shared start (the 2013 baseline
  stopped at month 12, copied; then the setting's policies to month 36), 20,000 households;
- **figures**: the four headline tiles, the curve's data and the five persona journeys.

Wall time is printed beside it, with the load average before and after.

    .venv/bin/python benchmarks/bench_dashboard_cpu.py            # 12 settings
    .venv/bin/python benchmarks/bench_dashboard_cpu.py -n 30 --json artifacts/bench_cpu.json
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from dashboard import figures_workshop as fw  # noqa: E402  (after the path: run as a script)
from dashboard.config import Settings  # noqa: E402
from dashboard.personas import choose, journeys  # noqa: E402
from dashboard.personas_view import persona_blocks  # noqa: E402
from dashboard.scenarios import DEFAULT_LEVERS, neighbours, preset_levers  # noqa: E402
from dashboard.tab_workshop import _Picker, tiles  # noqa: E402
from dashboard.workshop_runs import WorkshopRuns  # noqa: E402


def settings_walk(n: int) -> list[dict]:
    """``n`` distinct settings, each one lever step from the one before."""
    out, seen, lv = [], set(), dict(DEFAULT_LEVERS)
    while len(out) < n:
        for nxt in neighbours(lv):
            key = tuple(sorted(nxt.items()))
            if key not in seen:
                seen.add(key)
                out.append(nxt)
                lv = nxt
                break
        else:  # every neighbour seen: jump to a preset
            lv = preset_levers("closure")
    return out


def run(n: int) -> dict:
    s = Settings(workers=0, workshop_replications=1)
    runs = WorkshopRuns(s, workers=0)
    runs.warm_up()
    ref = runs.first(runs.scenario(preset_levers("p2013")))
    base = runs.first(runs.scenario(DEFAULT_LEVERS))
    load_before = os.getloadavg()
    cpu_run, cpu_fig, wall = [], [], []
    for lv in settings_walk(n):
        sc = runs.scenario(lv)
        w0, c0 = time.perf_counter(), time.process_time()
        rep = runs.first(sc)
        c1 = time.process_time()
        tiles([ref], [rep], "2013", 4, s.workshop_households, "fr")
        fw.curve_data([ref], [rep], {"reference": "2013", "yours": "vous"}, s.workshop_start, "fr")
        picker = _Picker(base, sc.benefits)
        chosen = choose(base.trace, picker, s.workshop_start)
        persona_blocks(journeys(ref.trace, picker, chosen), journeys(rep.trace, picker, chosen), ref, rep,
                       {"reference": "2013"}, s.workshop_start, "fr")
        c2, w1 = time.process_time(), time.perf_counter()
        cpu_run.append(c1 - c0)
        cpu_fig.append(c2 - c1)
        wall.append(w1 - w0)
    return {"settings": n, "households": s.workshop_households,
            "cpu_run_s": {"median": statistics.median(cpu_run), "max": max(cpu_run)},
            "cpu_figures_s": {"median": statistics.median(cpu_fig), "max": max(cpu_fig)},
            "wall_s": {"median": statistics.median(wall), "max": max(wall)},
            "loadavg_before": [round(x, 2) for x in load_before],
            "loadavg_after": [round(x, 2) for x in os.getloadavg()], "cpus": os.cpu_count()}


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("-n", "--settings", type=int, default=12)
    ap.add_argument("--json", default=None)
    args = ap.parse_args(argv)
    res = run(args.settings)
    print(f"{res['settings']} new settings at {res['households']:,} households; load before "
          f"{res['loadavg_before']}, after {res['loadavg_after']} ({res['cpus']} CPUs)")
    print(f"  CPU: run median {res['cpu_run_s']['median']:.3f} s (max {res['cpu_run_s']['max']:.3f}), "
          f"figures median {res['cpu_figures_s']['median']:.3f} s; wall median {res['wall_s']['median']:.3f} s")
    if args.json:
        Path(args.json).parent.mkdir(parents=True, exist_ok=True)
        Path(args.json).write_text(json.dumps(res, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
