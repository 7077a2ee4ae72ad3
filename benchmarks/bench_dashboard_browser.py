"""Workshop latency in a real browser: lever -> every figure drawn, and play's pace.

Starts ``sim dashboard`` (the command a trainer runs: 20,000 households, its
default workers) on a free loopback port, opens the Atelier in headless
Chromium at 1280x720 and moves levers one step at a time, as a trainer does
with the keyboard or a click, each move to a setting not seen before (no cache
hit).  For each move it measures, from the key press or click:

- **drawn**: the headline tiles, the persona journeys and the curve of the new
  setting are on screen (the tab's stamp names the setting, plotly has finished
  drawing the curve of that setting, no graph is still redrawing);
- **settled**: every replication of the setting is in (the headline's paired
  interval and its "non distinguable du hasard" cue are final).

Then it plays the 36 months and records when each month's curve was drawn
(``window.wsFrames``): every month must appear, at a steady pace.

    .venv/bin/python benchmarks/bench_dashboard_browser.py              # 40 moves, then play
    .venv/bin/python benchmarks/bench_dashboard_browser.py -n 20 --json artifacts/bench_browser.json

Acceptance (issue 12): drawn median <= 0.6 s and p95 <= 1 s on the 2-core machine when
idle.  The machine's load (``os.getloadavg``) is printed before and after: report it.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import signal
import statistics
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from dashboard import screenshots as S  # noqa: E402  (after the path: run as a script)

LEVERS = ("closure", "online_only", "email", "mediation", "mode", "alternative", "automatic")


def start_server(port: int, households: int) -> subprocess.Popen:
    env = {**os.environ, "SIM_DASHBOARD_MAX_HOUSEHOLDS": str(max(households, 20_000))}
    return subprocess.Popen([sys.executable, "-m", "sim", "dashboard", "--port", str(port)], cwd=REPO, env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)


def stop(proc: subprocess.Popen) -> None:
    os.killpg(proc.pid, signal.SIGTERM)
    try:
        proc.wait(timeout=30)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()


def wait_up(port: int, proc: subprocess.Popen, timeout: float = 180) -> None:
    import http.client
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError("the dashboard exited")
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            conn.request("GET", "/_dash-layout")
            if conn.getresponse().status == 200:
                return
        except OSError:
            pass
        time.sleep(0.3)
    raise RuntimeError("the dashboard did not start")


class Levers:
    """The levers as the page shows them, and one-step moves to settings not seen yet."""

    def __init__(self, seed: int):
        self.rng = random.Random(seed)
        self.state = {"closure": 0, "online_only": False, "email": False, "mediation": 40, "mode": "keep",
                      "alternative": False, "automatic": False}
        self.seen = {self.key(self.state)}

    @staticmethod
    def key(state: dict) -> tuple:
        return tuple(sorted(state.items()))

    def candidates(self) -> list[tuple[str, object, dict]]:
        out = []
        st = self.state
        for step in (-10, 10):
            if 0 <= st["closure"] + step <= 100:
                out.append(("closure", step, {**st, "closure": st["closure"] + step}))
        for step in (-20, 20):
            if 0 <= st["mediation"] + step <= 400:
                out.append(("mediation", step, {**st, "mediation": st["mediation"] + step}))
        for name in ("online_only", "email", "alternative", "automatic"):
            out.append((name, None, {**st, name: not st[name]}))
        for mode in ("keep", "do_for", "teach"):
            if mode != st["mode"]:
                out.append(("mode", mode, {**st, "mode": mode}))
        return out

    def next(self) -> tuple[str, object]:
        fresh = [c for c in self.candidates() if self.key(c[2]) not in self.seen]
        name, arg, new = self.rng.choice(fresh or self.candidates())
        self.state = new
        self.seen.add(self.key(new))
        return name, arg


def act(driver, name: str, arg) -> None:
    from selenium.webdriver.common.keys import Keys
    if name in ("closure", "mediation"):
        thumb = S.find(driver, f"#ws-{name} [role=slider]")
        thumb.send_keys(Keys.ARROW_RIGHT if arg > 0 else Keys.ARROW_LEFT)
    elif name == "mode":
        driver.execute_script("document.querySelector(arguments[0]).click()", f'#ws-mode input[value="{arg}"]')
    else:
        driver.execute_script("document.getElementById(arguments[0]).click()", f"ws-{name.replace('_', '-')}")


def drawn(driver, previous: str) -> str:
    """The new stamp once the new setting's tiles, personas and curve are all drawn."""
    value = S.stamp(driver, "ws-stamp")
    if not value or value.split("|")[0] == previous.split("|")[0]:
        return ""
    key = "|".join(value.split("|")[:3])
    ok = driver.execute_script("return (window.wsDrawn || '').startsWith(arguments[0] + '|')", key)
    return value if ok and S.graphs_drawn(driver) else ""


def pct(values: list[float], q: float) -> float:
    if len(values) == 1:
        return values[0]
    return statistics.quantiles(values, n=100, method="inclusive")[int(q) - 1]


def run(n: int, seed: int, play: bool) -> dict:
    port = S.free_port()
    load_before = os.getloadavg()
    proc = start_server(port, 20_000)
    try:
        wait_up(port, proc)
        with S.browser(1280, 720) as driver:
            driver.get(f"http://127.0.0.1:{port}/")
            S.open_tab(driver, "workshop")
            S.tab_ready(driver, "workshop", "fr")
            replications = 4
            S.wait_stamp(driver, "ws-stamp", lambda v: int(v.split("|")[2]) >= replications, timeout=300)
            levers = Levers(seed)
            first, settled, moves = [], [], []
            for _ in range(n):
                name, arg = levers.next()
                before = S.stamp(driver, "ws-stamp")
                t0 = time.perf_counter()
                act(driver, name, arg)
                value = S.wait(driver, lambda: drawn(driver, before), timeout=60, what="figures drawn")
                t1 = time.perf_counter()
                S.wait_stamp(driver, "ws-stamp", lambda v: v.split("|")[0] == value.split("|")[0]
                             and int(v.split("|")[2]) >= replications, timeout=120)
                t2 = time.perf_counter()
                first.append(t1 - t0)
                settled.append(t2 - t0)
                moves.append(f"{name}:{arg}")
            frames = []
            if play:
                driver.execute_script("window.wsFrames = [];")
                S.find(driver, "#ws-play").click()
                S.wait(driver, lambda: "playing" not in (S.find(driver, "#ws-play").get_attribute("class") or ""),
                       timeout=120, what="play to the end")
                frames = driver.execute_script("return window.wsFrames")
    finally:
        stop(proc)
    load_after = os.getloadavg()
    out: dict = {
        "moves": n, "households": 20_000, "viewport": "1280x720",
        "drawn_s": {"median": statistics.median(first), "p95": pct(first, 95), "max": max(first),
                    "min": min(first)},
        "settled_s": {"median": statistics.median(settled), "p95": pct(settled, 95), "max": max(settled)},
        "loadavg_before": [round(x, 2) for x in load_before], "loadavg_after": [round(x, 2) for x in load_after],
        "cpus": os.cpu_count(), "samples_drawn_s": [round(x, 3) for x in first], "sequence": moves,
    }
    if frames:
        months = [int(m) for m, _ in frames]
        times = [t for _, t in frames]
        gaps = [(b - a) / 1000 for a, b in zip(times, times[1:])]
        out["play"] = {"months_drawn": sorted(set(months)), "every_month": sorted(set(months)) == list(range(36)),
                       "frames": len(frames), "gap_mean_s": statistics.mean(gaps) if gaps else None,
                       "gap_max_s": max(gaps) if gaps else None,
                       "gap_sd_s": statistics.pstdev(gaps) if len(gaps) > 1 else None,
                       "total_s": (times[-1] - times[0]) / 1000 if len(times) > 1 else None}
    return out


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("-n", "--moves", type=int, default=40)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--no-play", action="store_true")
    ap.add_argument("--json", default=None)
    args = ap.parse_args(argv)
    res = run(args.moves, args.seed, not args.no_play)
    d, st = res["drawn_s"], res["settled_s"]
    print(f"{res['moves']} lever moves at 20,000 households, 1280x720, {res['cpus']} CPUs; load before "
          f"{res['loadavg_before']}, after {res['loadavg_after']}")
    print(f"  lever -> all figures drawn: median {d['median']:.3f} s, p95 {d['p95']:.3f} s, max {d['max']:.3f} s")
    print(f"  lever -> every replication in (settled): median {st['median']:.3f} s, p95 {st['p95']:.3f} s")
    if "play" in res:
        p = res["play"]
        print(f"  play: every month drawn {p['every_month']} ({p['frames']} frames), gap mean "
              f"{p['gap_mean_s']:.3f} s, sd {p['gap_sd_s']:.3f} s, max {p['gap_max_s']:.3f} s, "
              f"36 months in {p['total_s']:.1f} s")
    if args.json:
        Path(args.json).parent.mkdir(parents=True, exist_ok=True)
        Path(args.json).write_text(json.dumps(res, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
