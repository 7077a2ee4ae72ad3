"""Command line: ``sim run``, ``validate``, ``schema``, ``demo``, ``population``,
``dashboard``, and the commands registered by :mod:`sim.calibration.cli`
(``calibrate``) and :mod:`sim.experiments.cli` (``compare``, ``sweep``, ``optimise``,
``report``).

Input errors print one line naming the file and field, and exit with status 2.
Every command takes ``--lang fr|en`` (default: the locale's language) for what it
prints, its errors and the HTML report; labels and numbers come from
:mod:`sim.present`.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import sys
import time

from . import __version__, destination, limits
from .calibration.cli import register as register_calibrate
from .cli_args import replications_arg, seed_arg, whole, workers_arg
from .experiments import runs
from .experiments.cli import register as register_experiments
from .experiments.executors import kill_all_pools, killed_pools_stuck, make_executor, signal_workers
from .params import ScenarioError
from .present import (KEY_METRICS, LEDGER_METRICS, NATIONAL_METRICS, default_lang, number,
                      row_label, table)
from .present import node as fmt_node
from .runner import export_population, load_population, run
from .io import WriteError, atomic_write
from .safe_read import read_bounded
from .scenario import MAX_FILE_BYTES, load as load_scenario
from .schema import scenario_schema
from .texts import error, text
from .validate import problems

EXIT_INPUT = 2


class Parser(argparse.ArgumentParser):
    """argparse with one-line errors (exit 2) that never echo a long argument back."""

    def error(self, message: str):  # noqa: D401 - argparse's hook
        message = " ".join(message.split())
        if len(message) > 200:
            message = message[:197] + "..."
        self.exit(EXIT_INPUT, f"{self.prog}: {message}\n")


# One example per command, shown at the end of ``sim COMMAND --help``.
EXAMPLES = {
    "run": ["sim run scenarios/online_only_2016.yaml -r 10 --seed 1 --out results/online",
            "sim run baseline_2013 --set population.households=100000 --set policies.closure.share=0.8",
            "sim run scenarios/online_only_2016.yaml -r 10 --seed 1 --out results/online --resume"
            "   # finish it after a crash"],
    "validate": ["sim validate scenarios/*.yaml my_scenario.yaml"],
    "schema": ["sim schema > scenario.schema.json",
               "# then, first line of a scenario file:",
               "# yaml-language-server: $schema=scenario.schema.json"],
    "demo": ["sim demo", "sim demo baseline_2013 counter_closure_rural --households 50000"],
    "population": ["sim population baseline_2013 -o households.csv --seed 1"],
    "dashboard": ["sim dashboard                 # then open http://127.0.0.1:8050"],
    "calibrate": ["sim calibrate --preset france_2021",
                  "sim calibrate --preset france_2021 --refit"],
    "compare": ["sim compare baseline_2013 online_only_2016 -r 10 --seed 1 "
                "--set population.households=20000 -o results/online --lang fr"],
    "sweep": ["sim sweep sweeps/closure_x_mediation.yaml -o results/closure --analyse",
              "sim sweep sweeps/sobol_levers.yaml --dask-local 2 -o results/sobol --resume"],
    "report": ["sim report results/online -o online.html --lang fr"],
    "optimise": ["sim optimise mediation_mix -o results/mix --workers 2",
                 "sim optimise searches/mediation_mix.yaml -o results/mix --resume   # after a crash"],
}
# Help for arguments that a registering module leaves without one.
HELP_FILL = {
    ("calibrate", "seed"): "root seed of the check and the fit (default 2021)",
    ("calibrate", "households"): "households per run (default 20000)",
    ("calibrate", "quiet"): "print nothing but errors",
}


def key_table(summaries: list[dict], lang: str) -> str:
    """The key metrics of one or more summaries side by side (mean [95 % CI])."""
    names = [s["meta"]["scenario"] for s in summaries]
    rows = [(text("metric", lang), *names)]
    for key in KEY_METRICS:
        head, *rest = key.split(".")
        rows.append((row_label(key, lang),
                     *[fmt_node(key, _get(s, key.split(".")), lang) for s in summaries]))
    for b in summaries[0]["per_benefit"]:
        key = f"per_benefit.{b}.non_take_up_rate"
        rows.append((row_label(key, lang),
                     *[fmt_node(key, s["per_benefit"][b]["non_take_up_rate"], lang)
                       if b in s["per_benefit"] else "–" for s in summaries]))
    return table(rows)


def metrics_table(keys, summaries: list[dict], lang: str) -> str:
    """Rows ``keys`` of one or more summaries side by side (mean [95 % CI]); the per-benefit
    unclaimed euros follow the national table's rows."""
    names = [s["meta"]["scenario"] for s in summaries]
    rows = [(text("metric", lang), *names)]
    keys = list(keys)
    if keys == list(NATIONAL_METRICS):
        keys += [f"national.per_benefit.{b}.unclaimed_euros_per_year"
                 for b in summaries[0]["national"]["per_benefit"]]
    for key in keys:
        rows.append((row_label(key, lang),
                     *[fmt_node(key, _get(s, key.split(".")), lang) for s in summaries]))
    return table(rows)


def national_banner(meta: dict, lang: str) -> str:
    r = meta.get("represented") or {}
    return text("run.national", lang, name=r.get("name", ""),
                households=number(r.get("households"), lang), source=r.get("source", ""))


def _get(summary: dict, path: list[str]) -> dict | None:
    node = summary
    for k in path:
        if not isinstance(node, dict) or k not in node:
            return None
        node = node[k]
    return node


def cmd_run(args) -> int:
    lang = args.lang
    sc = load_scenario(args.scenario, sets=args.set)
    seed = sc.data["seed"] if args.seed is None else args.seed
    if sc.data["population"]["file"]:  # read and checked before anything is written
        sc = sc.with_overrides({"population.households": load_population(sc, seed).n})
    limits.check(sc, args.replications, args.workers, allow_large=args.allow_large)
    if args.out:
        destination.results_dir(args.out)
    if args.resume and not args.out:
        raise ScenarioError("needs --out (the directory of the run to resume)", source="--resume")
    t0 = time.perf_counter()
    with make_executor(args.workers) as ex:
        summary = runs.run(sc, replications=args.replications, seed=seed, out=args.out,
                           executor=ex, resume=args.resume, quiet=args.quiet, lang=lang)
    elapsed = time.perf_counter() - t0
    if not args.quiet:
        m = summary["meta"]
        print(text("run.banner", lang, scenario=m["scenario"],
                   households=number(m["households"], lang), months=m["months"],
                   replications=m["replications"], seed=m["seed"],
                   seconds=number(elapsed, lang, 1)))
        print(text("mean_ci", lang, m=m["report_months"]) + "\n")
        print(key_table([summary], lang))
        print("\n" + national_banner(m, lang) + "\n")
        print(metrics_table(NATIONAL_METRICS, [summary], lang))
        print("\n" + text("run.ledger", lang) + "\n")
        print(metrics_table(LEDGER_METRICS, [summary], lang))
        if args.out:
            print("\n" + text("run.written", lang, out=args.out))
    return 0


def cmd_demo(args) -> int:
    summaries = []
    for name in args.scenarios:
        sc = load_scenario(name, sets=[f"population.households={args.households}"])
        limits.check(sc, args.replications)
        summaries.append(run(sc, replications=args.replications, seed=args.seed).summary)
    print(text("demo.banner", args.lang, households=number(args.households, args.lang),
               replications=args.replications) + "\n")
    print(key_table(summaries, args.lang))
    return 0


def cmd_validate(args) -> int:
    bad = 0
    for f in args.files:
        found = problems(f)
        for err in found:  # one line per problem
            print(error(str(err), args.lang), file=sys.stderr)
        if found:
            bad += 1
        elif not args.quiet:
            print(text("validate.ok", args.lang, file=f))
    return EXIT_INPUT if bad else 0


def schema_text() -> str:
    return json.dumps(scenario_schema(), indent=2, ensure_ascii=False) + "\n"


def cmd_schema(args) -> int:
    if args.out:
        destination.output_file(args.out)
        atomic_write(args.out, schema_text())
        if not args.quiet:
            print(text("schema.written", args.lang, out=args.out), file=sys.stderr)
    else:
        sys.stdout.write(schema_text())
    return 0


def cmd_population(args) -> int:
    sc = load_scenario(args.scenario, sets=args.set)
    seed = sc.data["seed"] if args.seed is None else args.seed
    limits.check(sc, 1)
    destination.output_file(args.out)
    n = export_population(sc, seed, args.out, replication=args.replication)
    if not args.quiet:
        print(text("population.written", args.lang, n=number(n, args.lang), scenario=sc.name,
                   seed=seed, replication=args.replication, out=args.out))
    return 0


def cmd_dashboard(args) -> int:
    # the engine never imports the dashboard; only this command reaches it, lazily
    # (in-function import: the dashboard is a separate, heavy application)
    from dashboard.app import serve
    serve(host=args.host, port=args.port, results=args.results)
    return 0


def _scenario_options(p, replications: int = 5) -> None:
    p.add_argument("--replications", "-r", type=replications_arg(), default=replications,
                   help=f"replications (default {replications})")
    p.add_argument("--seed", type=seed_arg(), default=None, help="root seed (default: the scenario's)")
    p.add_argument("--set", action="append", default=[], metavar="PATH=VALUE",
                   help="override a parameter, e.g. population.households=5000 or "
                        "policies.ID.share=0.8 (repeatable)")


def build_parser() -> argparse.ArgumentParser:
    ap = Parser(prog="sim", description="Dematerialisation and non-take-up of "
                                 "social benefits: an agent-based simulation.")
    ap.add_argument("--version", action="version", version=f"sim {__version__}")
    sub = ap.add_subparsers(dest="command", required=True, metavar="COMMAND")

    p = sub.add_parser("run", help="run a scenario and summarise it")
    p.add_argument("scenario", help="scenario file, or the name of a bundled scenario")
    _scenario_options(p)
    p.add_argument("--out", "-o", default=None, metavar="DIR",
                   help="results directory: summary.json, CSV files and the results store")
    p.add_argument("--workers", type=workers_arg(), default=1, help="parallel processes (default 1)")
    p.add_argument("--quiet", "-q", action="store_true", help="print nothing but errors")
    p.add_argument("--allow-large", action="store_true",
                   help="lift the cap on households × months × replications (see README)")
    p.add_argument("--resume", action="store_true",
                   help="continue an interrupted run in --out, keeping its finished replications")
    p.set_defaults(func=cmd_run)

    p = sub.add_parser("validate", help="check scenario files, one line per problem "
                       "(exit 2 if any is invalid)")
    p.add_argument("files", nargs="+", metavar="FILE", help="scenario files to check")
    p.add_argument("--quiet", "-q", action="store_true", help="say nothing about valid files")
    p.set_defaults(func=cmd_validate)

    p = sub.add_parser("schema", help="print the JSON Schema of scenario files (for editors)")
    p.add_argument("--out", "-o", default=None, metavar="FILE",
                   help="write the schema to FILE instead of standard output")
    p.add_argument("--quiet", "-q", action="store_true", help="print nothing but errors")
    p.set_defaults(func=cmd_schema)

    p = sub.add_parser("demo", help="run bundled scenarios and print them side by side")
    p.add_argument("scenarios", nargs="*", default=["baseline_2013", "online_only_2016"],
                   metavar="SCENARIO", help="scenarios (default: baseline_2013 online_only_2016)")
    p.add_argument("--households", type=whole(1, 2**63 - 1, "a number of households"), default=20_000,
                   help="households per scenario (default 20000)")
    p.add_argument("--replications", "-r", type=replications_arg(), default=5,
                   help="replications (default 5)")
    p.add_argument("--seed", type=seed_arg(), default=2016, help="root seed (default 2016)")
    p.set_defaults(func=cmd_demo)

    p = sub.add_parser("population", help="export a scenario's synthetic population as CSV")
    p.add_argument("scenario", help="scenario file, or the name of a bundled scenario")
    p.add_argument("--out", "-o", required=True, metavar="FILE", help="CSV file to write")
    p.add_argument("--seed", type=seed_arg(), default=None, help="root seed (default: the scenario's)")
    p.add_argument("--replication", type=whole(0, limits.MAX_REPLICATIONS - 1, "a replication index"),
                   default=0, help="which replication's population (default 0)")
    p.add_argument("--set", action="append", default=[], metavar="PATH=VALUE",
                   help="override a parameter (repeatable)")
    p.add_argument("--quiet", "-q", action="store_true", help="print nothing but errors")
    p.set_defaults(func=cmd_population)

    p = sub.add_parser("dashboard", help="start the Dash dashboard (http://127.0.0.1:8050)")
    p.add_argument("--host", default="127.0.0.1", help="address to bind (default: loopback only)")
    p.add_argument("--port", type=whole(0, 65535, "a port"), default=8050, help="port (default 8050)")
    p.add_argument("--results", default=None, metavar="DIR",
                   help="folder whose sweep results the Balayages tab lists (default: results/, "
                        "or SIM_DASHBOARD_RESULTS)")
    p.set_defaults(func=cmd_dashboard)

    register_calibrate(sub)
    register_experiments(sub)
    for name, p in sub.choices.items():
        p.formatter_class = argparse.RawDescriptionHelpFormatter
        if name in EXAMPLES:
            p.epilog = "example:\n  " + "\n  ".join(EXAMPLES[name])
        p.add_argument("--lang", choices=("fr", "en"), default=default_lang(),
                       help="language of the output, errors and report (default: the "
                            "locale's, here %(default)s)")
        for action in p._actions:
            if not action.help and action.dest != "help":
                action.help = HELP_FILL.get((name, action.dest))
    return ap


def os_error_line(err: OSError) -> str:
    """One line for an error of the file system, naming the file."""
    reason = " ".join(str(err.strerror or err).split())
    if isinstance(err, WriteError):
        return (f"{err.filename}: --out: cannot write ({reason}); the files already written are "
                "whole: make room or choose another --out, then run the command again "
                "(--resume continues a run, a comparison or a sweep)")
    return f"{err.filename or 'sim'}: {reason}"


def _preflight(args) -> None:
    """Checks for ``sim calibrate``, whose module reads and sizes its inputs itself: its
    targets file must be a regular file of at most 1 MB (never a FIFO or a device), and its
    check runs (households x 36 months x seeds) go through the budget of :mod:`sim.limits`."""
    if args.command != "calibrate":
        return
    if args.out:
        destination.results_dir(args.out)
    read_bounded(args.targets, MAX_FILE_BYTES, source=args.targets, what="targets file")
    limits.check_work(limits.Work(source="calibrate", households=args.households, months=36,
                                  household_months=args.households * 36,
                                  replications=args.seeds,
                                  fields={"households": "--households", "replications": "--seeds"}))


def _terminate(signum, frame):
    # SIGTERM (a scheduler's or the user's kill): the worker processes are killed at once,
    # then the command unwinds like Ctrl+C (the pools are shut down below, out of the handler:
    # the handler may have interrupted a pool holding its own lock)
    signal_workers()
    raise KeyboardInterrupt


def main(argv=None) -> int:
    code = 1
    try:
        code = _main(argv)
    finally:
        if argv is None and killed_pools_stuck():
            # the command line, after a signal killed a pool whose manager thread does not end
            # (the interpreter would join it at exit, for ever): nothing is left but to go
            sys.stdout.flush()
            sys.stderr.flush()
            os._exit(code)
    return code


def _main(argv=None) -> int:
    ap = build_parser()
    try:
        args = ap.parse_args(argv)
    except SystemExit as done:  # a one-line usage error: exit 2 (--help and --version: 0, as argparse)
        if done.code in (0, None):
            raise
        return done.code if isinstance(done.code, int) else EXIT_INPUT
    lang = getattr(args, "lang", "en")
    for name in ("replications", "workers"):
        value = getattr(args, name, None)
        if value is not None and value < 1:
            print("sim: " + text("at_least_1", lang, name=name), file=sys.stderr)
            return EXIT_INPUT
    previous = signal.getsignal(signal.SIGTERM)
    try:
        signal.signal(signal.SIGTERM, _terminate)
    except ValueError:  # not the main thread (an embedding application): leave signals alone
        previous = None
    try:
        _preflight(args)
        return args.func(args)
    except ScenarioError as err:
        print(error(str(err), lang), file=sys.stderr)
        return EXIT_INPUT
    except OSError as err:  # the disk filled up, a folder became read-only...: one line
        print(error(os_error_line(err), lang), file=sys.stderr)
        return EXIT_INPUT
    except MemoryError:  # beyond the budget's estimate (sim/limits.py): one line, never a traceback
        print("sim: out of memory while running: use fewer households, replications or workers "
              "(finished replications are kept in --out: --resume continues)", file=sys.stderr)
        return EXIT_INPUT
    except KeyboardInterrupt:
        kill_all_pools()  # Ctrl+C: the workers got SIGINT too; a pool still waiting is ended
        print(text("interrupted", lang), file=sys.stderr)
        return 130
    finally:
        if previous is not None:
            signal.signal(signal.SIGTERM, previous)
