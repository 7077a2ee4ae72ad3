"""Regression baseline of the default scenario's summary (as Covasim's test_baselines).

    python tests/baseline.py            # compare with the committed baseline
    python tests/baseline.py --refresh  # rewrite it, on purpose, after a model change

The test (tests/test_baseline.py) fails on any change to these numbers: if the
change is intended, refresh the baseline in the same commit and say why.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
BASELINE = HERE / "baselines" / "default_summary.json"
ARGS = dict(replications=3, seed=20240101,
            sets=["population.households=10000", "months=24", "report_months=12"])
SCENARIO = "online_only_2016"


def current() -> dict:
    sys.path.insert(0, str(HERE.parent))
    import sim
    from sim.summary import leaves
    res = sim.run(SCENARIO, **ARGS)
    flat = {}
    for rep in res.replications:
        for key, value in leaves(rep.summary):
            flat[f"rep{rep.index}.{key}"] = None if value != value else round(float(value), 12)
    return flat


def main() -> int:
    now = current()
    if "--refresh" in sys.argv:
        BASELINE.parent.mkdir(exist_ok=True)
        BASELINE.write_text(json.dumps(now, indent=1, sort_keys=True) + "\n", encoding="utf-8")
        print(f"wrote {BASELINE} ({len(now)} values)")
        return 0
    old = json.loads(BASELINE.read_text(encoding="utf-8"))
    diff = {k: (old.get(k), now.get(k)) for k in sorted(set(old) | set(now)) if old.get(k) != now.get(k)}
    for k, (a, b) in list(diff.items())[:20]:
        print(f"{k}: baseline {a} now {b}")
    print("identical" if not diff else f"{len(diff)} values differ")
    return 1 if diff else 0


if __name__ == "__main__":
    raise SystemExit(main())
