"""``sim calibrate``: check a preset against the targets, or refit it."""

from __future__ import annotations

import time
from pathlib import Path

from ..params import ScenarioError
from ..scenario import from_dict
from ..strict_yaml import read_yaml
from . import DEFAULT_PRESET, PRESET_DIR, TARGETS_FILE, preset_names, preset_values
from .check import check, load_targets, table_text, write_csv, write_html
from . import totals
from .fit import identify, refit, write_preset


def register(sub) -> None:
    p = sub.add_parser("calibrate", help="compare a calibrated preset with the French figures, or refit it")
    p.add_argument("--preset", default=DEFAULT_PRESET, help=f"preset to check or fit (default {DEFAULT_PRESET})")
    p.add_argument("--refit", action="store_true", help="rerun the fit and write the preset file")
    p.add_argument("--identify", action="store_true",
                   help="print, per fitted parameter, which targets move it (local sensitivities, "
                        "in tolerance units) and flag parameters no target pins down")
    p.add_argument("--targets", default=str(TARGETS_FILE), help="targets file (YAML, same format)")
    p.add_argument("--seeds", type=int, default=5, help="seeds for the check (default 5)")
    p.add_argument("--seed", type=int, default=2021)
    p.add_argument("--households", type=int, default=20_000)
    p.add_argument("--out", "-o", default=None, help="directory for calibration.csv and calibration.html")
    p.add_argument("--quiet", "-q", action="store_true")
    p.set_defaults(func=cmd_calibrate)


def cmd_calibrate(args) -> int:
    if args.preset not in preset_names():
        raise ScenarioError(f"unknown preset (known: {', '.join(preset_names())})", source="--preset")
    targets = load_targets(args.targets)
    doc_vintage = _vintage(args.preset)
    say = (lambda *a: None) if args.quiet else print
    if args.refit:
        t0 = time.perf_counter()
        start = from_dict({"name": "fit", "preset": "none",
                           "population": {"households": args.households}})
        values = refit(start, targets, doc_vintage, args.seed, log=say)
        write_preset(args.preset, values, doc_vintage, args.seed)
        say(f"wrote preset {args.preset} in {time.perf_counter() - t0:.0f} s")
    preset_values(args.preset)  # validates
    sc = from_dict({"name": f"calibration {args.preset}", "preset": args.preset,
                    "population": {"households": args.households}})
    if args.identify:
        found = identify(sc, targets, doc_vintage, args.seed, log=say)
        loose = [r["parameter"] for r in found if not r["pinned"]]
        say(f"\n{len(found) - len(loose)}/{len(found)} fitted parameters pinned by a target"
            + (f"; not pinned: {', '.join(loose)}" if loose else ""))
        return 1 if loose else 0
    rows = check(sc, targets, doc_vintage, seeds=args.seeds, seed=args.seed)
    say(table_text(rows))
    # scaled figures vs published national totals: a second table, not fitted targets
    trows = totals.check_totals(sc, totals.load_totals(), seeds=args.seeds, seed=args.seed)
    say("\n" + totals.table_text(trows))
    out = Path(args.out or f"results/calibration-{args.preset}")
    write_csv(rows, out / "calibration.csv")
    totals.write_csv(trows, out / "totals.csv")
    write_html(rows, out / "calibration.html", f"Calibration of preset {args.preset}",
               extra=totals.html_section(trows))
    say(f"\nwritten: {out}/calibration.csv, {out}/totals.csv, {out}/calibration.html")
    return 0


def _vintage(name: str):
    doc = read_yaml((PRESET_DIR / f"{name}.yaml").read_bytes(), name) or {}
    return doc.get("vintage")
