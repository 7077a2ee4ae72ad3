"""Bit-identity check for engine optimisations.

Runs a few (scenario, seed, households) cases and stores every output of each
replication (ledger series, group tables, routes, summary) and the final
household arrays.  ``--save FILE`` writes them; ``--compare FILE`` reruns and
reports any array that differs.  Run the "before" engine with ``PYTHONPATH``
pointing at a copy of the old ``sim`` package::

    PYTHONPATH=/tmp/base .venv/bin/python benchmarks/fingerprint.py --save /tmp/before.npz
    .venv/bin/python benchmarks/fingerprint.py --compare /tmp/before.npz
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
CASES = (  # scenario file, seed, households, months
    ("baseline_2013", 1, 20_000, 24),
    ("online_only_2016", 2, 20_000, 24),
    ("counter_closure_rural", 3, 20_000, 24),
    ("france_services", 4, 20_000, 24),
    ("automatic_payment", 5, 20_000, 24),
    ("document_safe", 6, 20_000, 24),
    ("alternative_route", 7, 5_000, 36),
    ("all_online", 8, 5_000, 36),
    ("dematerialised", 9, 10_000, 24),  # every access policy at once (defined below)
    ("supported", 10, 10_000, 24),  # every support policy at once
)
ALL = ["prime_activite", "rsa", "aspa"]
WORLDS = {
    "dematerialised": [{"type": "online_only", "start": 0, "benefits": ALL},
                       {"type": "email_required", "start": 0, "benefits": ALL},
                       {"type": "counter_closure", "start": 2, "share": 0.6},
                       {"type": "appointment_only", "start": 3},
                       {"type": "detection_orientation", "start": 4}],
    "supported": [{"type": "online_only", "start": 0, "benefits": ALL},
                  {"type": "alternative_route", "start": 0},
                  {"type": "automatic_payment", "start": 4, "benefits": ["rsa"]},
                  {"type": "digital_training", "start": 0},
                  {"type": "equipment_support", "start": 0},
                  {"type": "document_safe", "start": 0},
                  {"type": "information_campaign", "start": 2},
                  {"type": "mediation_capacity", "start": 0, "mode": "teach"}],
}


def outputs(case) -> dict[str, np.ndarray]:
    import sim
    from sim.agents.households import CLAIM_FIELDS, FIELDS
    from sim.model import DematModel
    from sim.runner import replication_seeds
    from sim.summary import replication_summary

    name, seed, n, months = case
    sets = {"population.households": n, "months": months, "report_months": 12}
    if name in WORLDS:
        sc = sim.from_dict({"name": name, "policies": WORLDS[name]}).with_overrides(sets)
    else:
        sc = sim.load_scenario(ROOT / "scenarios" / f"{name}.yaml").with_overrides(sets)
    model = DematModel(sc, replication_seeds(seed, 1)[0]).run()
    led, out = model.ledger, {}
    for k, v in led.series.items():
        out[f"series/{k}"] = np.asarray(v)
    for g, v in led.groups.items():
        out[f"groups/{g}"] = v
        out[f"euros/{g}"] = led.group_euros[g]
    out["routes"] = led.routes
    out["amount_bands"] = led.amount_bands
    for f, _, _ in FIELDS + CLAIM_FIELDS:
        out[f"h/{f}"] = np.asarray(getattr(model.h, f)).astype(np.float64)
    summ = replication_summary(led, model.benefit_names, model.h.n)
    out["summary"] = np.frombuffer(json.dumps(summ, sort_keys=True).encode(), dtype=np.uint8)
    return {f"{name}:{seed}:{k}": v for k, v in out.items()}


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    g = ap.add_mutually_exclusive_group(required=True)
    g.add_argument("--save")
    g.add_argument("--compare")
    args = ap.parse_args(argv)
    data = {}
    for case in CASES:
        data.update(outputs(case))
    if args.save:
        np.savez_compressed(args.save, **data)
        print(f"saved {len(data)} arrays to {args.save}")
        return 0
    ref = np.load(args.compare)
    bad = [k for k in ref.files if k not in data or not np.array_equal(ref[k], data[k], equal_nan=True)]
    bad += [k for k in data if k not in ref.files]
    for k in bad[:40]:
        print("DIFFERS:", k)
    print(f"{len(ref.files) - len(bad)} identical, {len(bad)} differ")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
