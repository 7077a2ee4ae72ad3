"""Engine benchmarks: throughput, memory, the per-agent ratio, a workshop comparison, national scale.

Run from the repository root::

    .venv/bin/python benchmarks/bench_engine.py              # sizes, ratio, workshop
    .venv/bin/python benchmarks/bench_engine.py --quick      # a smoke run (small sizes)
    .venv/bin/python benchmarks/bench_engine.py --national   # 30 million households x 36 months
    .venv/bin/python benchmarks/bench_engine.py --skip sizes workshop --ratio-households 20000 1000000

Every measurement runs in a fresh Python process pinned to one CPU, so that its
peak resident memory (``ru_maxrss``) is its own and the engine runs on one core.
Times exclude interpreter start-up and imports (reported apart): they cover
building the model (population, network, initial claims) and running it.
Household-months per second = households x months / that time.

Results are printed and written as JSON under ``benchmarks/results/``, with
the machine's load average before and after each measurement (timings taken
on a busy machine are slower; compare like with like).
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import platform
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = Path(__file__).resolve().parent / "results"

# -- child side: one measurement per process ------------------------------------------------


def _child(spec: dict) -> dict:
    t0 = time.perf_counter()
    import resource

    import numpy as np

    import sim
    from sim.model import DematModel
    import_s = time.perf_counter() - t0

    out = {"spec": spec, "import_s": import_s}
    if spec["kind"] in ("engine", "ratio"):
        sc = sim.load_scenario(ROOT / "scenarios" / f"{spec['scenario']}.yaml",
                               sets=[f"population.households={spec['households']}",
                                     f"months={spec['months']}"])
        runs = []
        for r in range(spec.get("repeats", 1)):
            seed = np.random.SeedSequence(spec.get("seed", 1) + r)
            c0, t0 = time.process_time(), time.perf_counter()
            model = DematModel(sc, seed)
            t1 = time.perf_counter()
            model.run()
            t2, c2 = time.perf_counter(), time.process_time()
            runs.append({"build_s": t1 - t0, "run_s": t2 - t1, "total_s": t2 - t0, "cpu_s": c2 - c0})
            del model
        out["engine"] = runs
        if spec["kind"] == "ratio":
            from sim.reference import ReferenceModel
            seed = np.random.SeedSequence(spec.get("seed", 1))
            c0, t0 = time.process_time(), time.perf_counter()
            ReferenceModel(sc, seed).run()
            out["reference"] = {"total_s": time.perf_counter() - t0, "cpu_s": time.process_time() - c0}
    elif spec["kind"] == "workshop":
        sets = [f"population.households={spec['households']}"]
        scenarios = [ROOT / "scenarios" / f"{s}.yaml" for s in spec["scenarios"]]
        times = []
        for _ in range(2):  # cold (worker processes start), then warm (as in a running dashboard)
            t0 = time.perf_counter()
            results = sim.compare(scenarios, replications=spec["replications"], seed=spec["seed"],
                                  sets=sets, workers=spec["workers"])
            times.append(time.perf_counter() - t0)
        out["total_s"], out["warm_s"] = times
        out["non_take_up_rate"] = [r.summary["non_take_up_rate"]["mean"] for r in results]
    out["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return out


# -- parent side -----------------------------------------------------------------------------


QUIET = {"load": None, "timeout": 0.0}  # --quiet-load: wait for a quiet machine


def wait_until_quiet() -> float:
    """Wait (up to the timeout) until the 1-minute load average is under the threshold."""
    t0 = time.perf_counter()
    while QUIET["load"] is not None and os.getloadavg()[0] > QUIET["load"] \
            and time.perf_counter() - t0 < QUIET["timeout"]:
        time.sleep(5)
    return time.perf_counter() - t0


def measure(spec: dict, cpus: set[int] | None) -> dict:
    """Run one measurement in a child process (pinned to ``cpus``) and return its report."""
    env = dict(os.environ, OMP_NUM_THREADS="1", OPENBLAS_NUM_THREADS="1", MKL_NUM_THREADS="1")
    waited = wait_until_quiet()
    load_before = os.getloadavg()
    t0 = time.perf_counter()
    proc = subprocess.run([sys.executable, __file__, "--child", json.dumps(spec)], env=env,
                          capture_output=True, text=True, cwd=ROOT,
                          preexec_fn=(lambda: os.sched_setaffinity(0, cpus)) if cpus else None)
    if proc.returncode:
        raise RuntimeError(f"benchmark child failed:\n{proc.stderr}")
    out = json.loads(proc.stdout.strip().splitlines()[-1])
    out["process_wall_s"] = time.perf_counter() - t0
    out["load_before"], out["load_after"], out["waited_for_quiet_s"] = load_before, os.getloadavg(), waited
    return out


def machine() -> dict:
    import numpy as np
    cpu = "unknown"
    try:
        cpu = next(l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name"))
    except (OSError, StopIteration):
        pass
    mem = None
    try:
        mem = int(next(l.split()[1] for l in open("/proc/meminfo") if l.startswith("MemTotal"))) / 2**20
    except (OSError, StopIteration):
        pass
    # the commit of the engine measured: the checkout `sim` is imported from (PYTHONPATH may
    # point the children at another worktree than this script's)
    spec = importlib.util.find_spec("sim")
    tree = Path(spec.origin).resolve().parent.parent if spec and spec.origin else ROOT
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=tree, capture_output=True,
                            text=True).stdout.strip()
    return {"cpu": cpu, "cpus": os.cpu_count(), "memory_gib": mem, "python": platform.python_version(),
            "numpy": np.__version__, "commit": commit, "when": time.strftime("%Y-%m-%d %H:%M:%S")}


def _fmt_load(r: dict) -> str:
    return f"load {r['load_before'][0]:.1f}->{r['load_after'][0]:.1f}"


def bench_sizes(sizes, months, repeats, cpus) -> list[dict]:
    rows = []
    for n in sizes:
        r = measure({"kind": "engine", "scenario": "baseline_2013", "households": n, "months": months,
                     "repeats": repeats}, cpus)
        totals = [x["total_s"] for x in r["engine"]]
        best, median = min(totals), statistics.median(totals)
        cpu = statistics.median(x["cpu_s"] for x in r["engine"])
        r.update(households=n, months=months, best_s=best, median_s=median, cpu_median_s=cpu,
                 hm_per_s_best=n * months / best, hm_per_s_median=n * months / median,
                 hm_per_cpu_s=n * months / cpu)
        print(f"engine {n:>10,} households x {months} months: best {best:7.2f} s, median {median:7.2f} s "
              f"-> {r['hm_per_s_best'] / 1e6:6.2f} M household-months/s (best), "
              f"{r['hm_per_s_median'] / 1e6:6.2f} M (median), {r['hm_per_cpu_s'] / 1e6:6.2f} M per CPU-s; "
              f"peak RSS {r['peak_rss_mb']:,.0f} MB; {_fmt_load(r)}", flush=True)
        rows.append(r)
    return rows


def bench_ratio(n, months, repeats, cpus) -> dict:
    r = measure({"kind": "ratio", "scenario": "baseline_2013", "households": n, "months": months,
                 "repeats": repeats}, cpus)
    engine = statistics.median(x["total_s"] for x in r["engine"])
    engine_cpu = statistics.median(x["cpu_s"] for x in r["engine"])
    r.update(households=n, months=months, engine_median_s=engine, reference_s=r["reference"]["total_s"],
             ratio=r["reference"]["total_s"] / engine, ratio_cpu=r["reference"]["cpu_s"] / engine_cpu)
    print(f"ratio at {n:,} households x {months} months (same process): engine {engine:.3f} s (median of "
          f"{repeats}), per-agent reference {r['reference_s']:.1f} s -> {r['ratio']:.0f}x "
          f"({r['ratio_cpu']:.0f}x in CPU time); {_fmt_load(r)}", flush=True)
    return r


def bench_workshop(n, replications, workers_list, cpus_all) -> list[dict]:
    rows = []
    for workers in workers_list:
        r = measure({"kind": "workshop", "scenarios": ["online_only_2016", "france_services"],
                     "households": n, "replications": replications, "seed": 2024, "workers": workers},
                    cpus_all if workers > 1 else {min(cpus_all)})
        r.update(households=n, replications=replications, workers=workers)
        print(f"workshop comparison (online_only_2016 vs france_services, {replications} replications "
              f"each, {n:,} households, {workers} worker(s)): {r['total_s']:.1f} s "
              f"(again in the same process: {r['warm_s']:.1f} s); {_fmt_load(r)}", flush=True)
        rows.append(r)
    return rows


def bench_national(n, months, cpus) -> dict:
    r = measure({"kind": "engine", "scenario": "baseline_2013", "households": n, "months": months,
                 "repeats": 1}, cpus)
    x = r["engine"][0]
    r.update(households=n, months=months, hm_per_s=n * months / x["total_s"])
    print(f"national {n:,} households x {months} months: build {x['build_s']:.1f} s + run {x['run_s']:.1f} s "
          f"= {x['total_s']:.1f} s ({x['total_s'] / 60:.1f} min, {r['hm_per_s'] / 1e6:.2f} M household-months/s; "
          f"CPU {x['cpu_s']:.1f} s); peak RSS {r['peak_rss_mb'] / 1024:.2f} GB; {_fmt_load(r)}", flush=True)
    return r


def markdown(paths: list[str]) -> str:
    """Markdown tables of one or more results files (for docs/performance.md)."""
    lines = []
    for path in paths:
        rep = json.loads(Path(path).read_text())
        m = rep["machine"]
        lines += [f"{Path(path).name}: {m['cpu']}, {m['cpus']} CPUs, {m['memory_gib']:.0f} GiB, Python "
                  f"{m['python']}, numpy {m['numpy']}, commit {m['commit']}, {m['when']}", ""]
        if "sizes" in rep:
            lines += ["| households x months | best (s) | median (s) | M household-months/s (best / median) "
                      "| M per CPU-second | peak RSS (MB) | load avg (1 min) |", "|---|---|---|---|---|---|---|"]
            for r in rep["sizes"]:
                cpu = statistics.median(x["cpu_s"] for x in r["engine"])
                lines.append(f"| {r['households']:,} x {r['months']} | {r['best_s']:.2f} | {r['median_s']:.2f} | "
                             f"{r['hm_per_s_best'] / 1e6:.2f} / {r['hm_per_s_median'] / 1e6:.2f} | "
                             f"{r['households'] * r['months'] / cpu / 1e6:.2f} | {r['peak_rss_mb']:,.0f} | "
                             f"{r['load_before'][0]:.1f}-{r['load_after'][0]:.1f} |")
            lines.append("")
        for r in rep.get("ratios", [rep["ratio"]] if "ratio" in rep else []):
            lines += [f"Per-agent reference at {r['households']:,} households x {r['months']} months, same process: "
                      f"engine {r['engine_median_s']:.3f} s, reference {r['reference_s']:.1f} s: "
                      f"**{r['ratio']:.0f}x** ({r.get('ratio_cpu', float('nan')):.0f}x in CPU time; load "
                      f"{r['load_before'][0]:.1f}-{r['load_after'][0]:.1f}).", ""]
        for r in rep.get("workshop", []):
            lines.append(f"Workshop comparison, {r['replications']} replications x 2 scenarios, "
                         f"{r['households']:,} households, {r['workers']} worker(s): {r['total_s']:.1f} s "
                         f"(warm: {r.get('warm_s', float('nan')):.1f} s; load {r['load_before'][0]:.1f}).")
        if "workshop" in rep:
            lines.append("")
        if "national" in rep:
            r = rep["national"]
            x = r["engine"][0]
            lines += [f"National: {r['households']:,} households x {r['months']} months: build "
                      f"{x['build_s']:.1f} s + run {x['run_s']:.1f} s = **{x['total_s']:.0f} s "
                      f"({x['total_s'] / 60:.1f} min)**, CPU {x['cpu_s']:.0f} s, peak RSS "
                      f"**{r['peak_rss_mb'] / 1024:.2f} GB** (load {r['load_before'][0]:.1f}-"
                      f"{r['load_after'][0]:.1f}).", ""]
    return "\n".join(lines)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description="Engine benchmarks (see the module docstring).")
    ap.add_argument("--child", help=argparse.SUPPRESS)
    ap.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000, 1_000_000])
    ap.add_argument("--months", type=int, default=36)
    ap.add_argument("--repeats", type=int, default=3, help="runs per size (best and median reported)")
    ap.add_argument("--ratio-households", type=int, nargs="+", default=[20_000],
                    help="sizes of the per-agent ratio (the engine's lead grows with size: its fixed "
                         "per-month cost weighs less; the reference is linear)")
    ap.add_argument("--workshop-households", type=int, default=20_000)
    ap.add_argument("--workshop-replications", type=int, default=10)
    ap.add_argument("--national", action="store_true", help="only the national-scale run")
    ap.add_argument("--national-households", type=int, default=30_000_000)
    ap.add_argument("--quick", action="store_true", help="small sizes, for a smoke test")
    ap.add_argument("--skip", nargs="*", default=[], choices=["sizes", "ratio", "workshop"])
    ap.add_argument("--out", help="JSON file (default: benchmarks/results/<kind>-<date>.json)")
    ap.add_argument("--markdown", nargs="+", metavar="JSON", help="print results files as Markdown")
    ap.add_argument("--quiet-load", type=float, metavar="LOAD",
                    help="before each measurement, wait until the 1-minute load average is below LOAD")
    ap.add_argument("--quiet-timeout", type=float, default=900, metavar="S",
                    help="longest wait for --quiet-load (seconds)")
    args = ap.parse_args(argv)
    QUIET.update(load=args.quiet_load, timeout=args.quiet_timeout)
    if args.markdown:
        print(markdown(args.markdown))
        return 0
    if args.child:
        print(json.dumps(_child(json.loads(args.child))))
        return 0

    cpus_all = os.sched_getaffinity(0)
    one = {max(cpus_all)}
    report = {"machine": machine(), "single_cpu": sorted(one)}
    print(f"{report['machine']['cpu']}, {report['machine']['cpus']} CPUs, "
          f"load {os.getloadavg()[0]:.2f}; engine runs pinned to CPU {sorted(one)}", flush=True)
    if args.national:
        report["national"] = bench_national(args.national_households, args.months, one)
        kind = "national"
    else:
        sizes, ratio_n, ws_n, ws_r = args.sizes, args.ratio_households, args.workshop_households, \
            args.workshop_replications
        if args.quick:
            sizes, ratio_n, ws_n, ws_r = [10_000, 50_000], [2_000], 5_000, 2
        if "sizes" not in args.skip:
            report["sizes"] = bench_sizes(sizes, args.months, args.repeats, one)
        if "ratio" not in args.skip:
            report["ratios"] = [bench_ratio(n, args.months, args.repeats, one) for n in ratio_n]
            report["ratio"] = report["ratios"][0]  # (files written before several sizes)
        if "workshop" not in args.skip:
            report["workshop"] = bench_workshop(ws_n, ws_r, [1, len(cpus_all)] if len(cpus_all) > 1 else [1],
                                                cpus_all)
        kind = "quick" if args.quick else "engine"
    out = Path(args.out) if args.out else RESULTS / f"{kind}-{time.strftime('%Y%m%d-%H%M%S')}.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(report, indent=1) + "\n")
    print(f"written {out.relative_to(ROOT) if out.is_relative_to(ROOT) else out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
