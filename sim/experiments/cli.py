"""Commands ``sim compare``, ``sim sweep`` and ``sim report`` (registered by :mod:`sim.cli`).

They take ``sim run``'s options (``--seed``, ``--replications/-r``, ``--set``,
``--out/-o``, ``--quiet/-q``) plus the executor's (``--workers``,
``--scheduler``, ``--dask-local``) and ``--resume`` / ``--analyse``.  Input
errors raise :class:`sim.params.ScenarioError`: one line on stderr, exit 2.
What they print comes from :mod:`sim.present`, in ``args.lang``.
"""

from __future__ import annotations

import math
import sys
from pathlib import Path

from .. import destination, limits
from ..cli_args import replications_arg, seed_arg, whole, workers_arg
from ..params import ScenarioError, show
from ..present import (KEY_METRICS, LEDGER_METRICS, bounds, interval, metric_label, node, number,
                       param_label, row_label, table, value)
from ..scenario import load as load_scenario
from ..texts import text
from .compare import compare
from .design import n_points
from .executors import default_workers, make_executor
from .optimise import COST, load_search, optimise
from .precision import replications_needed
from .report import write_report
from .sensitivity import analyse
from .spec import load_sweep, sweep_work
from .sweep import sweep
from .tables import probe_columns

EXIT_INPUT = 2


def _common(p, replications_default, seed_default):
    p.add_argument("--replications", "-r", type=replications_arg(), default=replications_default,
                   help="replications" + (f" (default {replications_default})"
                                          if replications_default else " (default: the sweep file's)"))
    p.add_argument("--seed", type=seed_arg(), default=None, help=f"root seed (default: {seed_default})")
    p.add_argument("--set", action="append", default=[], metavar="PATH=VALUE",
                   help="override a parameter, e.g. population.households=5000 (repeatable)")
    p.add_argument("--out", "-o", default=None, metavar="DIR", help="results directory")
    p.add_argument("--quiet", "-q", action="store_true", help="no progress bar, no banner")
    p.add_argument("--workers", type=workers_arg(), default=None,
                   help=f"local worker processes (default: all cores, here {default_workers()})")
    p.add_argument("--scheduler", default=None, metavar="tcp://HOST:PORT",
                   help="run on an existing Dask scheduler")
    p.add_argument("--dask-local", type=whole(1, limits.MAX_WORKERS, "a number of workers"), default=None,
                   metavar="N",
                   help="start a local Dask cluster of N worker processes")
    p.add_argument("--resume", action="store_true",
                   help="continue the results in --out, skipping finished runs")
    p.add_argument("--allow-large", action="store_true",
                   help="lift the cap on households × months × replications of one scenario")


def register(sub) -> None:
    p = sub.add_parser("compare", help="compare scenarios with common random numbers (paired CIs)")
    p.add_argument("scenarios", nargs="+", metavar="SCENARIO",
                   help="two or more scenario files or bundled names; differences are against "
                        "the first")
    _common(p, 5, "the first scenario's")
    p.add_argument("--metric", default="non_take_up_rate",
                   help="metric of the closing note (default non_take_up_rate)")
    p.add_argument("--precision", type=float, default=None, metavar="HALF_WIDTH",
                   help="say how many replications give this CI half-width on the metric's difference")
    p.add_argument("--analyse", action="store_true",
                   help="replications needed per key metric for a CI half-width of 10 %% of the difference")
    p.set_defaults(func=cmd_compare)

    p = sub.add_parser("sweep", help="run a sweep file (factorial, LHS, Sobol, Morris)")
    p.add_argument("sweep_file", metavar="SWEEP_FILE",
                   help="sweep file (YAML: base scenario, parameters, design; docs/experiments.md)")
    _common(p, None, "the sweep file's, else its base scenario's")
    p.add_argument("--analyse", action="store_true",
                   help="sensitivity indices with CIs when the sweep is done")
    p.set_defaults(func=cmd_sweep)

    p = sub.add_parser("optimise", help="search policy mixes under a yearly budget (NSGA-II): "
                       "the Pareto front, re-evaluated against the base")
    p.add_argument("search_file", metavar="SEARCH_FILE",
                   help="search file (YAML: base scenario, levers, budget, objectives; "
                        "docs/costs.md) or the name of a bundled one (searches/)")
    _common(p, None, "the search file's")
    p.set_defaults(func=cmd_optimise)

    p = sub.add_parser("report", help="write a self-contained HTML report of a results directory")
    p.add_argument("results_dir", metavar="RESULTS_DIR",
                   help="directory written by sim run --out, sim compare --out or sim sweep --out")
    p.add_argument("--out", "-o", default=None, metavar="FILE",
                   help="HTML file (default RESULTS_DIR/report.html)")
    p.add_argument("--quiet", "-q", action="store_true", help="print nothing but errors")
    p.set_defaults(func=cmd_report)


def _local_workers(args) -> int:
    """Processes that run models on this machine: 0 when Dask runs them (a Dask worker's
    memory is its own machine's business), else the local workers (1: this process)."""
    return 0 if (args.scheduler or args.dask_local) else (args.workers or default_workers())


def _check_limits(scenarios, args) -> None:
    """The budget of :mod:`sim.limits` for the compared scenarios (the largest one counts)."""
    big = max(scenarios, key=lambda sc: sc.data["population"]["households"] * sc.data["months"])
    n, m = big.data["population"]["households"], big.data["months"]
    limits.check_work(limits.Work(
        source=big.source, households=max(sc.data["population"]["households"] for sc in scenarios),
        months=m, household_months=n * m, benefits=max(len(sc.benefits) for sc in scenarios),
        points=len(scenarios), replications=args.replications, workers=_local_workers(args),
        keep_results=False), allow_large=args.allow_large)


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

def compare_rows(c) -> list[str]:
    """Dotted metrics of the comparison table: the key metrics, per-benefit rates, group gaps."""
    common = set(c.summaries[0])
    for s in c.summaries[1:]:
        common &= set(s)
    keys = list(KEY_METRICS)
    keys += sorted(k for k in common if k.startswith("per_benefit.") and k.endswith(".non_take_up_rate"))
    keys += sorted(k for k in common if k.startswith("group_gaps.") and k.endswith(".gap"))
    return [k for k in keys if k in common]


def format_comparison(c, lang: str) -> str:
    blocks = []
    for i in range(1, len(c.names)):
        a, b = c.names[0], c.names[i]
        rows = [(text("metric", lang), a, b, text("cmp.paired", lang), text("cmp.unpaired", lang))]
        for key in compare_rows(c):
            rows.append((row_label(key, lang), node(key, c.summaries[0][key], lang),
                         node(key, c.summaries[i][key], lang),
                         node(key, c.paired[i - 1][key], lang, diff=True),
                         node(key, c.unpaired[i - 1][key], lang, diff=True)))
        blocks.append(text("cmp.pair", lang, a=a, b=b) + "\n" + table(rows))
    return "\n\n".join(blocks)


def _z_text(d, se: float, lang: str) -> str:
    """A paired difference in standard errors; ``±∞`` when it is exact (zero SE, as a
    capacity set by a policy)."""
    if d is None or se != se:
        return "–"
    if se == 0:
        return "0" if d == 0 else ("+∞" if d > 0 else "−∞")
    return number(d / se, lang, 1, sign=True)


def format_ledger(c, lang: str) -> str:
    """Who pays: the cost ledger of each scenario and B − A paired, bearer by bearer, in
    national terms; ``Δ/SE`` is the paired difference over its standard error."""
    blocks = []
    for i in range(1, len(c.names)):
        a, b = c.names[0], c.names[i]
        rows = [(text("metric", lang), a, b, text("cmp.paired", lang), "Δ/SE")]
        for key in LEDGER_METRICS:
            if key not in c.paired[i - 1]:
                continue
            d, sd = c.paired[i - 1][key]["mean"], c.sd_paired[i - 1].get(key, math.nan)
            se = sd / math.sqrt(c.replications) if sd == sd else math.nan
            z = _z_text(d, se, lang)
            rows.append((row_label(key, lang), node(key, c.summaries[0][key], lang),
                         node(key, c.summaries[i][key], lang),
                         node(key, c.paired[i - 1][key], lang, diff=True), z))
        blocks.append(text("cmp.ledger", lang, a=a, b=b) + "\n" + table(rows))
    return "\n\n".join(blocks)


def _ratio(hp: float, hu: float, lang: str) -> str:
    if hp == 0:
        return text("cmp.zero_width", lang)
    if hu / hp >= 1.05:
        return text("cmp.narrower", lang, x=number(hu / hp, lang, 1))
    if hu > 0:
        return text("cmp.width_ratio", lang, x=number(hp / hu, lang, 2))
    return text("cmp.unpaired_zero", lang)


def closing_note(c, metric: str, precision: float | None, lang: str = "en") -> str:
    lines = []
    for i in range(1, len(c.names)):
        if metric not in c.paired[i - 1]:
            raise ScenarioError(f"no summary metric {metric!r}", source="--metric")
        p, u = c.paired[i - 1][metric], c.unpaired[i - 1][metric]
        if p["ci95"][0] is None or u["ci95"][0] is None:
            lines.append(text("cmp.need_two", lang, metric=metric))
            continue
        hp = (p["ci95"][1] - p["ci95"][0]) / 2
        hu = (u["ci95"][1] - u["ci95"][0]) / 2
        half = dict(diff=True, signed=False)
        lines.append(text(
            "cmp.note", lang, metric=metric, a=c.names[0], b=c.names[i],
            diff=value(metric, p["mean"], lang, diff=True),
            paired=bounds(metric, p["ci95"][0], p["ci95"][1], lang, diff=True),
            unpaired=bounds(metric, u["ci95"][0], u["ci95"][1], lang, diff=True),
            hp=value(metric, hp, lang, **half), hu=value(metric, hu, lang, **half),
            ratio=_ratio(hp, hu, lang)))
        if precision is not None:
            sd_p = c.sd_paired[i - 1][metric]
            sa, sb = c.sd_unpaired[i - 1][metric]
            n_p = _needed(sd_p, precision, lang) if sd_p == sd_p else "–"
            # unpaired: the difference of two independent means of n each has sd sqrt(sa²+sb²)
            n_u = _needed(math.hypot(sa, sb), precision, lang) if sa == sa and sb == sb else "–"
            lines.append(text("cmp.precision", lang, target=value(metric, precision, lang, **half),
                              n_p=n_p, n_u=n_u, sd=value(metric, sd_p, lang, **half)))
    return "\n".join(lines)


def _needed(sd: float, target: float, lang: str) -> str:
    try:
        return number(replications_needed(sd, target), lang)
    except ValueError:
        return "> " + number(1_000_000, lang)


def precision_table(c, lang: str = "en") -> str:
    """Replications for a half-width of 10 % of the observed difference, per key metric."""
    rows = [(text("metric", lang), "B − A", text("cmp.sd", lang), text("cmp.n_paired", lang),
             text("cmp.n_unpaired", lang))]
    for i in range(1, len(c.names)):
        for key in compare_rows(c):
            d = c.paired[i - 1][key]["mean"]
            sd_p = c.sd_paired[i - 1][key]
            sa, sb = c.sd_unpaired[i - 1][key]
            if d is None or d == 0 or any(v != v for v in (sd_p, sa, sb)):
                continue
            target = abs(d) / 10
            rows.append((f"{metric_label(key, lang)} ({c.names[i]})",
                         value(key, d, lang, diff=True),
                         value(key, sd_p, lang, diff=True, signed=False),
                         _needed(sd_p, target, lang), _needed(math.hypot(sa, sb), target, lang)))
    return text("cmp.precision_head", lang) + "\n" + table(rows)


def cmd_compare(args) -> int:
    lang = args.lang
    if len(args.scenarios) < 2:
        raise ScenarioError("give at least two scenarios", source="compare")
    if args.precision is not None and not 0 < args.precision < math.inf:
        raise ScenarioError("must be a positive number", source="--precision")
    scenarios = [load_scenario(s, sets=args.set) for s in args.scenarios]
    _check_distinct_names(scenarios)
    if args.metric not in probe_columns(scenarios[0])[0]:
        raise ScenarioError(f"no summary metric {show(args.metric)} (e.g. non_take_up_rate, "
                            "group_gaps.age_band.gap)", source="--metric")
    _check_limits(scenarios, args)
    if args.out:
        destination.results_dir(args.out)
    ex = _executor(args)
    try:
        c = compare(args.scenarios, replications=args.replications, seed=args.seed, sets=args.set,
                    out=args.out, executor=ex, resume=args.resume, quiet=args.quiet, lang=lang)
    finally:
        ex.close()
    if not args.quiet:
        hh = ", ".join(number(h, lang) for h in sorted(set(c.households)))
        print(text("cmp.banner", lang, names=" vs ".join(c.names), households=hh,
                   replications=c.replications, seed=c.seed))
        print(text("cmp.method", lang) + "\n")
        print(format_comparison(c, lang))
        print()
        print(format_ledger(c, lang))
        print()
    print(closing_note(c, args.metric, args.precision, lang))
    if args.analyse:
        print()
        print(precision_table(c, lang))
    if args.out and not args.quiet:
        print("\n" + text("run.written", lang, out=c.out))
    return 0


# -- sweep ------------------------------------------------------------------

def format_sensitivity(res: dict, lang: str = "en") -> str:
    out = []
    for metric, n in res["metrics"].items():
        out.append(text("sens.head", lang, metric=metric, method=res["method"],
                        points=number(res["points"], lang), replications=res["replications"]))
        rows = n["factors"]
        par = text("sens.parameter", lang)
        head: tuple[str, ...]
        tab: list[tuple[str, ...]]
        if res["design"] == "morris":
            head = (par, text("sens.mu_star", lang), "mu", "sigma")
            tab = [(r["name"], _ci_text(r["mu_star"], r["mu_star_ci"], lang), _num(r["mu"], lang),
                    _num(r["sigma"], lang)) for r in rows]
        elif res["design"] == "lhs":
            head = (par, text("sens.S1_only", lang))
            tab = [(r["name"], _ci_text(r["S1"], r["S1_ci"], lang)) for r in rows]
        else:
            head = (par, text("sens.S1", lang), text("sens.ST", lang))
            tab = [(r["name"], _ci_text(r["S1"], r["S1_ci"], lang),
                    _ci_text(r["ST"], r["ST_ci"], lang)) for r in rows]
        out.append(table([head, *tab]))
    return "\n\n".join(out)


def _num(v, lang: str) -> str:
    return "–" if v is None else number(v, lang, 4)


def _ci_text(v, ci, lang: str) -> str:
    """A sensitivity index and its bootstrap CI (indices are not clipped: a negative
    first-order estimate within its CI of 0 means "no detectable effect")."""
    if v is None:
        return "–"
    if ci[0] is None:
        return number(v, lang, 3)
    sep = "\u202f;" if lang != "en" else ";"
    return f"{number(v, lang, 3)} [{number(ci[0], lang, 3)}{sep} {number(ci[1], lang, 3)}]"


def cmd_sweep(args) -> int:
    lang = args.lang
    spec = load_sweep(args.sweep_file, sets=args.set, replications=args.replications,
                      seed=args.seed)
    out = Path(args.out) if args.out else Path("results") / spec.name
    args.replications = spec.replications
    # the whole design's budget, before any point is built or run
    limits.check_work(sweep_work(spec, _local_workers(args)), allow_large=args.allow_large)
    destination.results_dir(out)
    ex = _executor(args)
    try:
        if not args.quiet:
            n = n_points(spec.factors, spec.design)
            d = ex.describe()
            where = {"serial": text("sweep.serial", lang),
                     "processes": text("sweep.processes", lang, n=d.get("workers")),
                     "dask": text("sweep.dask", lang, address=d.get("scheduler"),
                                  threads=d.get("threads"))}[d["kind"]]
            print(text("sweep.banner", lang, name=spec.name, design=spec.design["type"],
                       points=number(n, lang), replications=spec.replications,
                       runs=number(n * spec.replications, lang), where=where, seed=spec.seed),
                  file=sys.stderr)
        sweep(spec, out=out, executor=ex, resume=args.resume, quiet=args.quiet, lang=lang)
    finally:
        ex.close()
    if not args.quiet:
        print(text("run.written", lang, out=out), file=sys.stderr)
    if args.analyse:
        print(format_sensitivity(analyse(out), lang))
    return 0


# -- optimise ---------------------------------------------------------------

def format_front(doc: dict, spec, lang: str) -> str:
    """The Pareto front: each mix's levers, yearly cost, and per objective its value and
    its paired difference from the base [95 % CI]."""
    kinds = {f"policies.{p.get('id')}": p.get("type") for p in spec.base.raw.get("policies", [])}
    head = ["mix", *[param_label(f.path, lang, kinds.get(".".join(f.path.split(".")[:2])))
                     for f in spec.levers], metric_label(COST, lang) + " (Δ)"]
    head += [f"{metric_label(o.metric, lang)} (Δ)" for o in spec.objectives]
    rows = [tuple(head)]
    for m in doc["front"]:
        cost = m["metrics"][COST]
        row = [m["mix"], *[_lever(m["levers"][f.path], lang) for f in spec.levers],
               interval(COST, cost["difference"], cost["ci95"][0], cost["ci95"][1], lang, diff=True)]
        for o in spec.objectives:
            n = m["metrics"][o.metric]
            row.append(f"{value(o.metric, n['mix'], lang)}, "
                       f"{interval(o.metric, n['difference'], n['ci95'][0], n['ci95'][1], lang, diff=True)}")
        rows.append(tuple(row))
    return table(rows)


def _lever(v, lang: str) -> str:
    if isinstance(v, float):
        return number(v, lang, 3) if abs(v) < 10 else number(v, lang, 1)
    return str(v)


def cmd_optimise(args) -> int:
    lang = args.lang
    spec = load_search(args.search_file, sets=args.set, seed=args.seed,
                       replications=args.replications)
    out = Path(args.out) if args.out else Path("results") / spec.name
    args.replications = max(spec.replications, spec.reevaluate_replications)
    _check_limits([spec.base], args)
    destination.results_dir(out)
    ex = _executor(args)
    try:
        if not args.quiet:
            print(text("opt.banner", lang, name=spec.name, levers=len(spec.levers),
                       objectives=len(spec.objectives), population=spec.population,
                       generations=spec.generations, replications=spec.replications,
                       seed=spec.seed, budget=value(COST, spec.budget, lang)), file=sys.stderr)
        doc = optimise(spec, out, executor=ex, resume=args.resume, quiet=args.quiet, lang=lang)
    finally:
        ex.close()
    feasible = len(doc["front"])
    print(text("opt.front", lang, n=feasible, budget=value(COST, spec.budget, lang),
               r=spec.reevaluate_replications, seed=spec.reevaluate_seed))
    if feasible:
        print(format_front(doc, spec, lang))
    if not args.quiet:
        print("\n" + text("run.written", lang, out=out))
    return 0


# -- report -----------------------------------------------------------------

def cmd_report(args) -> int:
    out = Path(args.out) if args.out else Path(args.results_dir) / "report.html"
    destination.output_file(out)
    write_report(args.results_dir, out, lang=args.lang)
    if not args.quiet:
        print(text("report.written", args.lang, out=out))
    return 0
