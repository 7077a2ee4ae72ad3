"""Sweep throughput (runs per minute) with 1 and 2 local workers, 100,000-household runs.

    .venv/bin/python benchmarks/bench_sweep.py                  # 100,000 households, 24 runs
    .venv/bin/python benchmarks/bench_sweep.py --households 20000 --points 8 --workers 1 2 4
    .venv/bin/python benchmarks/bench_sweep.py --dask-local 2    # also a local Dask cluster

Throughput is measured on a whole ``sim.experiments.sweep`` call — planning,
runs, Parquet parts and the aggregate table — on a factorial sweep of the
counter-closure share over ``online_only_2016`` (36 months), with the workers
already started (their one-off start-up, mostly importing the engine, is
printed apart: it does not grow with the sweep).  The result files of every
mode are checked to be byte-identical.  Wall-clock figures depend on the
machine and its load; the script prints them, it asserts nothing about speed.
For local modes it also prints the CPU time used by this process and the
workers: fewer cores busy than workers means other programs took the CPU.
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sim.experiments import sweep  # noqa: E402
from sim.experiments.executors import DaskExecutor, make_executor  # noqa: E402

SWEEP = """
name: bench_sweep
scenario: online_only_2016
add_policies: [{{type: counter_closure, start: 0, share: 0.0}}]
set: {{population.households: {households}, months: {months}}}
design: factorial
replications: {replications}
seed: 2024
parameters:
  policies.2.share: {{range: [0.0, 1.0], steps: {points}}}
timeseries: [non_take_up_rate]
"""


def cpu_seconds(pids) -> float:
    """User + system CPU time of live processes (Linux /proc), 0 where unreadable."""
    tick = os.sysconf("SC_CLK_TCK")
    total = 0.0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            total += (int(fields[11]) + int(fields[12])) / tick
        except (OSError, IndexError, ValueError):
            pass
    return total


def run_pids(ex) -> list[int]:
    """This process (where serial runs and the store work happen) and local workers."""
    pool = getattr(ex, "pool", None)
    return [os.getpid(), *(getattr(pool, "_processes", None) or {})]


def parquet_bytes(out: Path) -> dict[str, bytes]:
    return {str(p.relative_to(out)): p.read_bytes() for p in sorted(out.rglob("*.parquet"))}


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--households", type=int, default=100_000)
    ap.add_argument("--months", type=int, default=36)
    ap.add_argument("--points", type=int, default=12)
    ap.add_argument("--replications", type=int, default=2)
    ap.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    ap.add_argument("--dask-local", type=int, default=None, metavar="N",
                    help="also measure a local Dask cluster of N workers")
    args = ap.parse_args(argv)

    runs = args.points * args.replications
    print(f"sweep throughput: {args.households:,} households x {args.months} months, "
          f"{args.points} points x {args.replications} replications = {runs} runs per mode")
    print(f"machine: {platform.processor() or platform.machine()}, {os.cpu_count()} CPUs, "
          f"Python {platform.python_version()}; load average before: "
          f"{', '.join(f'{x:.2f}' for x in os.getloadavg())}")
    with tempfile.TemporaryDirectory(prefix="bench-sweep-") as tmp:
        tmp = Path(tmp)
        f = tmp / "bench.yaml"
        f.write_text(SWEEP.format(households=args.households, months=args.months,
                                  points=args.points, replications=args.replications))
        modes = [(f"--workers {w}", lambda w=w: make_executor(workers=w)) for w in args.workers]
        if args.dask_local:
            modes.append((f"--dask-local {args.dask_local}",
                          lambda: DaskExecutor(local_workers=args.dask_local)))
        rows, reference = [], None
        for label, make in modes:
            out = tmp / label.replace(" ", "_").strip("-")
            t0 = time.perf_counter()
            with make() as ex:
                # start every worker (and its imports) before the clock starts
                list(ex.run(os.getpid, [(i, ()) for i in range(2 * ex.slots)]))
                c1 = cpu_seconds(run_pids(ex))
                t1 = time.perf_counter()
                sweep(f, out=out, executor=ex, quiet=True)
                t2 = time.perf_counter()
                cpu = cpu_seconds(run_pids(ex)) - c1
            files = parquet_bytes(out)
            same = "reference" if reference is None else ("identical" if files == reference else "DIFFERENT")
            reference = reference or files
            rate = runs / (t2 - t1) * 60
            rows.append((label, rate, same))
            busy = f", CPU {cpu:5.1f} s = {cpu / (t2 - t1):.2f} cores busy" if cpu > 0 else ""
            print(f"  {label:<16} start-up {t1 - t0:5.1f} s, sweep {t2 - t1:6.1f} s: {rate:7.1f} runs/min"
                  f"{busy}  (results {same})", flush=True)
    base = rows[0][1]
    print("\nmode              runs/min   speed-up")
    for label, rate, _ in rows:
        print(f"{label:<16} {rate:9.1f}   {rate / base:6.2f}x")
    print(f"load average after: {', '.join(f'{x:.2f}' for x in os.getloadavg())}")
    return 0 if all(r[2] != "DIFFERENT" for r in rows) else 1


if __name__ == "__main__":
    raise SystemExit(main())
