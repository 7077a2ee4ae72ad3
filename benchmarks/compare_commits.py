"""CPU time of the engine at one size, this checkout against another commit's, in one run.

    git worktree add /tmp/old c312105          # the commit to compare with
    .venv/bin/python benchmarks/compare_commits.py --old /tmp/old --households 1000000

Each measurement is a fresh Python process pinned to one CPU that imports ``sim``
from one tree (``PYTHONPATH``; the dependencies are this virtualenv's), builds
``DematModel`` on a bundled scenario and runs it to its horizon; it reports the
process CPU time of that build and run (imports excluded).  Old and new runs
alternate (old, new, old, new, ...) so that a drift in the machine's speed
touches both alike; the ratio new / old is taken pair by pair and summarised by
its median.  Results are printed and written as JSON under ``benchmarks/results/``.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = Path(__file__).resolve().parent / "results"

CHILD = r"""
import json, os, sys, time
os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})
import numpy as np
import sim
from sim.model import DematModel
sc = sim.load_scenario(sys.argv[1], sets=[f"population.households={sys.argv[2]}", f"months={sys.argv[3]}"])
c0 = time.process_time()
m = DematModel(sc, np.random.SeedSequence(int(sys.argv[4])))
m.run()
print(json.dumps({"cpu_s": time.process_time() - c0, "sim": sim.__file__}))
"""


def measure(tree: Path, scenario: Path, households: int, months: int, seed: int) -> dict:
    env = {**os.environ, "PYTHONPATH": str(tree), "OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1",
           "MKL_NUM_THREADS": "1"}
    out = subprocess.run([sys.executable, "-c", CHILD, str(scenario), str(households), str(months),
                          str(seed)], env=env, cwd=tree, capture_output=True, text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--old", required=True, type=Path, help="checkout of the commit to compare with")
    ap.add_argument("--new", default=ROOT, type=Path, help="checkout to measure (default: this one)")
    ap.add_argument("--scenario", default="baseline_2013", help="bundled scenario (default baseline_2013)")
    ap.add_argument("--households", type=int, default=1_000_000)
    ap.add_argument("--months", type=int, default=36)
    ap.add_argument("--pairs", type=int, default=3, help="old/new pairs (default 3)")
    args = ap.parse_args()
    pairs = []
    for i in range(args.pairs):
        row = {}
        for name, tree in (("old", args.old), ("new", args.new)):
            sc = Path(tree) / "scenarios" / f"{args.scenario}.yaml"
            row[name] = measure(Path(tree), sc, args.households, args.months, seed=1 + i)
            assert str(Path(tree).resolve()) in row[name]["sim"], row[name]["sim"]
        row["ratio"] = row["new"]["cpu_s"] / row["old"]["cpu_s"]
        row["load"] = os.getloadavg()[0]
        pairs.append(row)
        print(f"pair {i + 1}: old {row['old']['cpu_s']:.2f} s, new {row['new']['cpu_s']:.2f} s, "
              f"ratio {row['ratio']:.3f} (load {row['load']:.1f})", flush=True)
    ratio = statistics.median(p["ratio"] for p in pairs)
    print(f"median CPU ratio new/old at {args.households:,} households x {args.months} months: {ratio:.3f}")
    RESULTS.mkdir(exist_ok=True)
    path = RESULTS / f"compare-{time.strftime('%Y%m%d-%H%M%S')}.json"
    path.write_text(json.dumps({"args": {k: str(v) for k, v in vars(args).items()}, "pairs": pairs,
                                "median_ratio": ratio}, indent=1) + "\n", encoding="utf-8")
    print(f"written {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
