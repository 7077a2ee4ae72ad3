"""Commands ``sim compare``, ``sim sweep`` and ``sim report`` (registered by :mod:`sim.cli`).

They take ``sim run``'s options (``--seed``, ``--replications/-r``, ``--set``,
``--out/-o``, ``--quiet/-q``) plus the executor's (``--workers``,
``--scheduler``, ``--dask-local``) and ``--resume`` / ``--analyse``.  Input
errors raise :class:`sim.params.ScenarioError`: one line on stderr, exit 2.
"""

from __future__ import annotations

import math
import sys
from pathlib import Path

from ..cli import KEY_ROWS
from ..params import ScenarioError
from .executors import default_workers, make_executor
from .tables import is_rate

EXIT_INPUT = 2


def _common(p, replications_default, seed_default):
    p.add_argument("--replications", "-r", type=int, default=replications_default,
                   help="replications" + (f" (default {replications_default})"
                                          if replications_default else " (default: the sweep file's)"))
    p.add_argument("--seed", type=int, default=None, help=f"root seed (default: {seed_default})")
    p.add_argument("--set", action="append", default=[], metavar="PATH=VALUE",
                   help="override a parameter, e.g. population.households=5000 (repeatable)")
    p.add_argument("--out", "-o", default=None, help="directory for result files")
    p.add_argument("--quiet", "-q", action="store_true", help="no progress bar, no banner")
    p.add_argument("--workers", type=int, default=None,
                   help=f"local worker processes (default: all cores, here {default_workers()})")
    p.add_argument("--scheduler", default=None, metavar="tcp://HOST:PORT",
                   help="run on an existing Dask scheduler")
    p.add_argument("--dask-local", type=int, default=None, metavar="N",
                   help="start a local Dask cluster of N worker processes")
    p.add_argument("--resume", action="store_true",
                   help="continue the results in --out, skipping finished points")
    p.add_argument("--allow-large", action="store_true",
                   help="lift the cap on households × months × replications of one scenario")


def register(sub) -> None:
    p = sub.add_parser("compare", help="compare scenarios with common random numbers (paired CIs)")
    p.add_argument("scenarios", nargs="+", help="two or more scenario files or bundled names; "
                   "differences are against the first")
    _common(p, 5, "the first scenario's")
    p.add_argument("--metric", default="non_take_up_rate",
                   help="metric of the closing note (default non_take_up_rate)")
    p.add_argument("--precision", type=float, default=None, metavar="HALF_WIDTH",
                   help="say how many replications give this CI half-width on the metric's difference")
    p.add_argument("--analyse", action="store_true",
                   help="replications needed per key metric for a CI half-width of 10 %% of the difference")
    p.set_defaults(func=cmd_compare)

    p = sub.add_parser("sweep", help="run a sweep file (factorial, LHS, Sobol, Morris)")
    p.add_argument("sweep_file")
    _common(p, None, "the sweep file's, else its base scenario's")
    p.add_argument("--analyse", action="store_true",
                   help="sensitivity indices with CIs when the sweep is done")
    p.set_defaults(func=cmd_sweep)

    p = sub.add_parser("report", help="write a self-contained HTML report of a results directory")
    p.add_argument("results_dir")
    p.add_argument("--out", "-o", default=None, help="HTML file (default RESULTS_DIR/report.html)")
    p.add_argument("--quiet", "-q", action="store_true")
    p.set_defaults(func=cmd_report)


def _check_limits(scenarios, args) -> None:
    """``sim run``'s resource checks, per scenario: the household-months cap, and memory
    for the local workers (a Dask worker's memory is its own machine's business)."""
    from .. import limits
    local = 1 if (args.scheduler or args.dask_local) else (args.workers or default_workers())
    for sc in scenarios:
        limits.check(sc, args.replications, local, allow_large=args.allow_large)


def _check_distinct_names(scenarios) -> None:
    """Input check (issue 8): two compared scenarios with one name would be told apart
    only by a suffix in every table; the command line asks for distinct names instead."""
    seen: dict[str, str] = {}
    for sc in scenarios:
        if sc.name in seen:
            raise ScenarioError(f"{sc.name!r} is also the name of {seen[sc.name]}: give each "
                                "compared scenario its own name", source=sc.source, path="name")
        seen[sc.name] = sc.source


def _executor(args):
    if args.dask_local is not None and args.dask_local < 1:
        raise ScenarioError("must be at least 1", source="--dask-local")
    return make_executor(workers=args.workers, scheduler=args.scheduler, dask_local=args.dask_local)


# -- compare ----------------------------------------------------------------

def _fmt(v, pct, signed=False):
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return "n/a"
    sign = "+" if signed else ""
    return f"{100 * v:{sign}.2f}" if pct else f"{v:{sign},.2f}"


def _node(node, pct, signed=False, unit=True):
    mean, ci = node["mean"], node["ci95"]
    u = (" pp" if signed else " %") if pct and unit else ""
    if mean is None:
        return "n/a"
    if ci[0] is None:
        return _fmt(mean, pct, signed) + u
    return f"{_fmt(mean, pct, signed)}{u} [{_fmt(ci[0], pct, signed)}; {_fmt(ci[1], pct, signed)}]"


def compare_rows(c) -> list[tuple[str, str]]:
    """(label, dotted metric) rows of the comparison table."""
    rows = [(label, ".".join(p)) for label, p, _ in KEY_ROWS]
    common = set(c.summaries[0])
    for s in c.summaries[1:]:
        common &= set(s)
    for key in sorted(k for k in common if k.startswith("per_benefit.") and k.endswith(".non_take_up_rate")):
        rows.append((f"non-take-up {key.split('.')[1]}", key))
    for key in sorted(k for k in common if k.startswith("group_gaps.") and k.endswith(".gap")):
        rows.append((f"gap by {key.split('.')[1].replace('_', ' ')}", key))
    return [r for r in rows if r[1] in common]


def format_comparison(c) -> str:
    blocks = []
    for i in range(1, len(c.names)):
        a, b = c.names[0], c.names[i]
        head = ("metric", a, b, "B - A paired", "B - A unpaired")
        rows = [head]
        for label, key in compare_rows(c):
            pct = is_rate(key)
            rows.append((label, _node(c.summaries[0][key], pct), _node(c.summaries[i][key], pct),
                         _node(c.paired[i - 1][key], pct, signed=True),
                         _node(c.unpaired[i - 1][key], pct, signed=True)))
        widths = [max(len(r[j]) for r in rows) for j in range(len(head))]
        lines = ["  ".join(col.ljust(w) for col, w in zip(r, widths)).rstrip() for r in rows]
        lines.insert(1, "  ".join("-" * w for w in widths))
        blocks.append(f"A = {a}, B = {b}\n" + "\n".join(lines))
    return "\n\n".join(blocks)


def closing_note(c, metric: str, precision: float | None) -> str:
    lines = []
    for i in range(1, len(c.names)):
        if metric not in c.paired[i - 1]:
            raise ScenarioError(f"no summary metric {metric!r}", source="--metric")
        p, u = c.paired[i - 1][metric], c.unpaired[i - 1][metric]
        pct = is_rate(metric)
        if p["ci95"][0] is None or u["ci95"][0] is None:
            lines.append(f"{metric}: intervals need at least 2 replications")
            continue
        hp = (p["ci95"][1] - p["ci95"][0]) / 2
        hu = (u["ci95"][1] - u["ci95"][0]) / 2
        if hp == 0:
            ratio = "paired interval has zero width"
        elif hu / hp >= 1.05:
            ratio = f"paired interval {hu / hp:.1f}x narrower"
        else:
            ratio = f"paired/unpaired width ratio {hp / hu:.2f}" if hu > 0 else "unpaired has zero width"
        unit = " pp" if pct else ""
        lines.append(
            f"{metric}, {c.names[i]} - {c.names[0]}: {_fmt(p['mean'], pct, True)}{unit}; "
            f"paired 95 % CI [{_fmt(p['ci95'][0], pct, True)}; {_fmt(p['ci95'][1], pct, True)}] "
            f"(half-width {_fmt(hp, pct)}{unit}) vs unpaired [{_fmt(u['ci95'][0], pct, True)}; "
            f"{_fmt(u['ci95'][1], pct, True)}] (half-width {_fmt(hu, pct)}{unit}): {ratio}")
        if precision is not None:
            sd_p = c.sd_paired[i - 1][metric]
            sa, sb = c.sd_unpaired[i - 1][metric]
            n_p = _needed(sd_p, precision) if sd_p == sd_p else "n/a"
            # unpaired: the difference of two independent means of n each has sd sqrt(sa²+sb²)
            n_u = _needed(math.hypot(sa, sb), precision) if sa == sa and sb == sb else "n/a"
            lines.append(f"  for a half-width of {_fmt(precision, pct)}{unit}: {n_p} replications "
                         f"paired (sd of differences {_fmt(sd_p, pct)}{unit}), {n_u} per scenario "
                         f"unpaired")
    return "\n".join(lines)


def _needed(sd: float, target: float) -> str:
    from .precision import replications_needed
    try:
        return f"{replications_needed(sd, target):,}"
    except ValueError:
        return "> 1,000,000"


def precision_table(c) -> str:
    """Replications for a half-width of 10 % of the observed difference, per key metric."""
    rows = [("metric", "B - A", "paired sd", "n paired", "n unpaired")]
    for i in range(1, len(c.names)):
        for label, key in compare_rows(c):
            d = c.paired[i - 1][key]["mean"]
            sd_p = c.sd_paired[i - 1][key]
            sa, sb = c.sd_unpaired[i - 1][key]
            if d is None or d == 0 or any(v != v for v in (sd_p, sa, sb)):
                continue
            target = abs(d) / 10
            pct = is_rate(key)
            rows.append((f"{label} ({c.names[i]})", _fmt(d, pct, True), _fmt(sd_p, pct),
                         _needed(sd_p, target), _needed(math.hypot(sa, sb), target)))
    widths = [max(len(r[j]) for r in rows) for j in range(len(rows[0]))]
    lines = ["  ".join(col.ljust(w) for col, w in zip(r, widths)).rstrip() for r in rows]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return ("replications for a 95 % CI half-width of 10 % of the difference "
            "(rates in percentage points)\n" + "\n".join(lines))


def cmd_compare(args) -> int:
    from .compare import compare
    if len(args.scenarios) < 2:
        raise ScenarioError("give at least two scenarios", source="compare")
    if args.precision is not None and not args.precision > 0:
        raise ScenarioError("must be a positive number", source="--precision")
    from ..scenario import load as load_scenario
    from .tables import probe_columns
    scenarios = [load_scenario(s, sets=args.set) for s in args.scenarios]
    _check_distinct_names(scenarios)
    if args.metric not in probe_columns(scenarios[0])[0]:
        raise ScenarioError(f"no summary metric {args.metric!r} (e.g. non_take_up_rate, "
                            "group_gaps.age_band.gap)", source="--metric")
    _check_limits(scenarios, args)
    ex = _executor(args)
    try:
        c = compare(args.scenarios, replications=args.replications, seed=args.seed, sets=args.set,
                    out=args.out, executor=ex, resume=args.resume, quiet=args.quiet)
    finally:
        ex.close()
    if not args.quiet:
        hh = ", ".join(f"{h:,}" for h in sorted(set(c.households)))
        print(f"{' vs '.join(c.names)}: {hh} households, {c.replications} replication(s), "
              f"seed {c.seed}, common random numbers")
        print("mean [95 % CI] over the report months; B - A: paired t-interval on per-replication "
              "differences, and unpaired Welch interval\n")
        print(format_comparison(c))
        print()
    print(closing_note(c, args.metric, args.precision))
    if args.analyse:
        print()
        print(precision_table(c))
    if args.out and not args.quiet:
        print(f"\nresults written to {c.out}/")
    return 0


# -- sweep ------------------------------------------------------------------

def format_sensitivity(res: dict) -> str:
    out = []
    for metric, node in res["metrics"].items():
        out.append(f"{metric}: {res['method']} ({res['points']} points x {res['replications']} "
                   f"replication(s))")
        rows = node["factors"]
        if res["design"] == "morris":
            head = ("parameter", "mu* [95 % CI]", "mu", "sigma")
            table = [(r["name"], _ci_text(r["mu_star"], r["mu_star_ci"]), _num(r["mu"]),
                      _num(r["sigma"])) for r in rows]
        elif res["design"] == "lhs":
            head = ("parameter", "S1 [95 % CI]")
            table = [(r["name"], _ci_text(r["S1"], r["S1_ci"])) for r in rows]
        else:
            head = ("parameter", "S1 first-order [95 % CI]", "ST total [95 % CI]")
            table = [(r["name"], _ci_text(r["S1"], r["S1_ci"]), _ci_text(r["ST"], r["ST_ci"]))
                     for r in rows]
        table = [head, *table]
        widths = [max(len(r[j]) for r in table) for j in range(len(head))]
        lines = ["  ".join(col.ljust(w) for col, w in zip(r, widths)).rstrip() for r in table]
        lines.insert(1, "  ".join("-" * w for w in widths))
        out.append("\n".join(lines))
    return "\n\n".join(out)


def _num(v) -> str:
    return "n/a" if v is None else f"{v:.4g}"


def _ci_text(v, ci) -> str:
    if v is None:
        return "n/a"
    if ci[0] is None:
        return f"{v:.3f}"
    return f"{v:.3f} [{ci[0]:.3f}; {ci[1]:.3f}]"


def cmd_sweep(args) -> int:
    from .design import n_points
    from .sensitivity import analyse
    from .spec import load_sweep
    from .sweep import build_plan, sweep
    spec = load_sweep(args.sweep_file, sets=args.set, replications=args.replications,
                      seed=args.seed)
    out = Path(args.out) if args.out else Path("results") / spec.name
    args.replications = spec.replications
    # the cap on the point with the most household-months, memory on the one with most households
    scs = [p.scenario for p in build_plan(spec).points]
    _check_limits([max(scs, key=lambda sc: sc.data["population"]["households"] * sc.data["months"]),
                   max(scs, key=lambda sc: sc.data["population"]["households"])], args)
    ex = _executor(args)
    try:
        if not args.quiet:
            n = n_points(spec.factors, spec.design)
            d = ex.describe()
            where = {"serial": "in this process", "processes": f"{d.get('workers')} processes",
                     "dask": f"Dask at {d.get('scheduler')} ({d.get('threads')} threads)"}[d["kind"]]
            print(f"{spec.name}: {spec.design['type']} design, {n:,} points x {spec.replications} "
                  f"replication(s) = {n * spec.replications:,} runs, {where}; seed {spec.seed}",
                  file=sys.stderr)
        sweep(spec, out=out, executor=ex, resume=args.resume, quiet=args.quiet)
    finally:
        ex.close()
    if not args.quiet:
        print(f"results written to {out}/", file=sys.stderr)
    if args.analyse:
        print(format_sensitivity(analyse(out)))
    return 0


# -- report -----------------------------------------------------------------

def cmd_report(args) -> int:
    from .report import write_report
    out = Path(args.out) if args.out else Path(args.results_dir) / "report.html"
    write_report(args.results_dir, out)
    if not args.quiet:
        print(f"report written to {out}")
    return 0
