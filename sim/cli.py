"""Command line: ``sim run``, ``sim validate`` (and more commands as they land).

Input errors print one line naming the file and field, and exit with status 2.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from .params import ScenarioError

EXIT_INPUT = 2


def _fmt_ci(node, pct=False) -> str:
    mean, ci = node["mean"], node["ci95"]
    if mean is None:
        return "n/a"
    if pct:
        def f(v):
            return f"{100 * v:.1f} %"
    elif abs(mean) < 10:
        def f(v):
            return f"{v:.3f}"
    else:
        def f(v):
            return f"{v:,.0f}"
    if ci[0] is None:
        return f(mean)
    return f"{f(mean)} [{f(ci[0])}; {f(ci[1])}]"


KEY_ROWS = (
    ("non-take-up rate", ("non_take_up_rate",), True),
    ("  non-knowledge", ("non_take_up_by_cause", "non_knowledge"), True),
    ("  non-proposition", ("non_take_up_by_cause", "non_proposition"), True),
    ("  non-demand", ("non_take_up_by_cause", "non_demand"), True),
    ("  non-reception", ("non_take_up_by_cause", "non_reception"), True),
    ("persistent (3 quarters)", ("persistent_non_take_up_rate",), True),
    ("unclaimed EUR/month", ("unclaimed_euros_per_month",), False),
    ("social services h/month", ("delegated_hours_per_month", "social_services"), False),
    ("associations h/month", ("delegated_hours_per_month", "associations"), False),
    ("relatives h/month", ("delegated_hours_per_month", "relatives"), False),
    ("social workers' digital share", ("social_services_digital_share",), True),
    ("filings done alone", ("autonomy_share",), True),
    ("recipients' codes held", ("credentials_held",), True),
    ("concentration index", ("concentration_index",), False),
)


def _get(summary, path):
    node = summary
    for k in path:
        node = node[k]
    return node


def format_table(summaries: list[dict]) -> str:
    names = [s["meta"]["scenario"] for s in summaries]
    rows = [("metric", *names)]
    for label, path, pct in KEY_ROWS:
        rows.append((label, *[_fmt_ci(_get(s, path), pct) for s in summaries]))
    for b in summaries[0]["per_benefit"]:
        rows.append((f"non-take-up {b}",
                     *[_fmt_ci(s["per_benefit"][b]["non_take_up_rate"], True)
                       if b in s["per_benefit"] else "-" for s in summaries]))
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    lines = ["  ".join(c.ljust(w) for c, w in zip(r, widths)) for r in rows]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)


def cmd_run(args) -> int:
    from . import limits, load_scenario, run
    from .output import write_run
    sc = load_scenario(args.scenario, sets=args.set)
    population = None
    if sc.data["population"]["file"]:  # read and checked before anything is written
        from .runner import load_population
        population = load_population(sc, sc.data["seed"] if args.seed is None else args.seed)
        sc = sc.with_overrides({"population.households": population.n})
    limits.check(sc, args.replications, args.workers, allow_large=args.allow_large)
    parts, done = None, {}
    if args.out:  # each finished replication is saved at once: --resume after a crash
        from .output import RunParts
        parts = RunParts(args.out, _run_identity(sc, args.seed))
        done = parts.start(resume=args.resume)
        if done and not args.quiet:
            print(f"resuming: {len([i for i in done if i < args.replications])} of "
                  f"{args.replications} replication(s) already in {args.out}", file=sys.stderr)
    elif args.resume:
        raise ScenarioError("needs --out (the directory of the run to resume)", source="--resume")
    t0 = time.perf_counter()
    result = run(sc, replications=args.replications, seed=args.seed, workers=args.workers,
                 population=population, done=done, on_replication=parts.save if parts else None)
    elapsed = time.perf_counter() - t0
    summary = result.summary
    if not args.quiet:
        m = summary["meta"]
        print(f"{m['scenario']}: {m['households']:,} households, {m['months']} months, "
              f"{m['replications']} replication(s), seed {m['seed']} ({elapsed:.1f} s)")
        print("mean [95 % CI] over the last", m["report_months"], "months\n")
        print(format_table([summary]))
    if args.out:
        out = write_run(result, args.out)
        parts.finish()
        if not args.quiet:
            print(f"\nresults written to {out}/")
    return 0


def _run_identity(sc, seed) -> dict:
    """What must match for ``sim run --resume`` to reuse saved replications."""
    from . import __version__
    from .runner import population_path
    from .scenario import file_hash
    pop = sc.data["population"]["file"]
    return {"scenario_sha256": sc.content_hash(), "seed": sc.data["seed"] if seed is None else seed,
            "population_file_sha256": file_hash(population_path(sc)) if pop and
            population_path(sc).is_file() else None, "version": __version__}


def cmd_demo(args) -> int:
    from . import load_scenario, run
    summaries = []
    for name in args.scenarios:
        sc = load_scenario(name, sets=[f"population.households={args.households}"])
        summaries.append(run(sc, replications=args.replications, seed=args.seed).summary)
    print(f"{args.households:,} households, {args.replications} replications, same seed "
          f"(common random numbers); mean [95 % CI]\n")
    print(format_table(summaries))
    return 0


def cmd_validate(args) -> int:
    from . import load_scenario
    bad = 0
    for f in args.files:
        try:
            load_scenario(f)
            if not args.quiet:
                print(f"{f}: ok")
        except ScenarioError as err:
            print(str(err), file=sys.stderr)
            bad += 1
    return EXIT_INPUT if bad else 0


def cmd_population(args) -> int:
    from . import load_scenario
    from .runner import export_population
    sc = load_scenario(args.scenario, sets=args.set)
    seed = sc.data["seed"] if args.seed is None else args.seed
    n = export_population(sc, seed, args.out, replication=args.replication)
    if not args.quiet:
        print(f"{n:,} households of {sc.name} (seed {seed}, replication {args.replication}) "
              f"written to {args.out}")
    return 0


def cmd_dashboard(args) -> int:
    # the engine never imports the dashboard; only this command reaches it, lazily
    from dashboard.app import serve
    serve(host=args.host, port=args.port)
    return 0


def build_parser() -> argparse.ArgumentParser:
    from . import __version__
    ap = argparse.ArgumentParser(prog="sim", description="Dematerialisation and non-take-up of benefits.")
    ap.add_argument("--version", action="version", version=f"sim {__version__}")
    sub = ap.add_subparsers(dest="command", required=True)

    def common(p):
        p.add_argument("--replications", "-r", type=int, default=5, help="replications (default 5)")
        p.add_argument("--seed", type=int, default=None, help="root seed (default: the scenario's)")
        p.add_argument("--set", action="append", default=[], metavar="PATH=VALUE",
                       help="override a parameter, e.g. population.households=5000 (repeatable)")
        p.add_argument("--out", "-o", default=None, help="directory for result files")
        p.add_argument("--workers", type=int, default=1, help="parallel processes")
        p.add_argument("--quiet", "-q", action="store_true")

    p = sub.add_parser("run", help="run a scenario and summarise it")
    p.add_argument("scenario", help="scenario file, or the name of a bundled scenario")
    common(p)
    p.add_argument("--allow-large", action="store_true",
                   help="lift the cap on households × months × replications (see README)")
    p.add_argument("--resume", action="store_true",
                   help="continue an interrupted run in --out, keeping its finished replications")
    p.set_defaults(func=cmd_run)

    p = sub.add_parser("validate", help="check scenario files (exit 2 if any is invalid)")
    p.add_argument("files", nargs="+")
    p.add_argument("--quiet", "-q", action="store_true")
    p.set_defaults(func=cmd_validate)

    p = sub.add_parser("demo", help="run bundled scenarios and print them side by side")
    p.add_argument("scenarios", nargs="*", default=["baseline_2013", "online_only_2016"])
    p.add_argument("--households", type=int, default=20_000)
    p.add_argument("--replications", "-r", type=int, default=5)
    p.add_argument("--seed", type=int, default=2016)
    p.set_defaults(func=cmd_demo)

    p = sub.add_parser("population", help="export a scenario's synthetic population as CSV")
    p.add_argument("scenario")
    p.add_argument("--out", "-o", required=True, help="CSV file to write")
    p.add_argument("--seed", type=int, default=None)
    p.add_argument("--replication", type=int, default=0, help="which replication's population")
    p.add_argument("--set", action="append", default=[], metavar="PATH=VALUE")
    p.add_argument("--quiet", "-q", action="store_true")
    p.set_defaults(func=cmd_population)

    p = sub.add_parser("dashboard", help="start the Dash dashboard (http://127.0.0.1:8050)")
    p.add_argument("--host", default="127.0.0.1", help="address to bind (default: loopback only)")
    p.add_argument("--port", type=int, default=8050)
    p.set_defaults(func=cmd_dashboard)

    for register in _extensions():
        register(sub)
    return ap


def _extensions():
    """Subcommands contributed by other parts of the package (experiments, dashboard...)."""
    from .calibration.cli import register as calibrate
    regs = [calibrate]
    try:
        from .experiments.cli import register
        regs.append(register)
    except ImportError:
        pass
    return regs


def main(argv=None) -> int:
    ap = build_parser()
    args = ap.parse_args(argv)
    for name in ("replications", "workers"):
        if getattr(args, name, 1) is not None and getattr(args, name, 1) < 1:
            print(f"sim: --{name} must be at least 1", file=sys.stderr)
            return EXIT_INPUT
    try:
        return args.func(args)
    except ScenarioError as err:
        print(str(err), file=sys.stderr)
        return EXIT_INPUT
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
