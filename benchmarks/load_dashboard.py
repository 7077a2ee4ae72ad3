"""Load test of the dashboard: simulated workshop participants against gunicorn.

Starts the dashboard under gunicorn (a production WSGI server) on 127.0.0.1,
then runs N participants for D seconds, each a thread with its own HTTP
connection doing what a browser does in the workshop tab: load the page
(``/``, ``/_dash-layout``, ``/_dash-dependencies``), open the workshop tab,
then, every 2 to 6 s (``--think``: looking at the figures, talking), move a
lever one step (85 %) or pick a preset (15 %) — each a POST to
``/_dash-update-component`` with the payload Dash's front end sends — and, as the
page does, poll every 0.25 s until the setting's replications are all in (the month
slider and play are drawn in the browser: no request).  Reports requests, errors
(non-2xx, time-outs, refused connections) and latency percentiles by kind ("lever":
lever -> the figures' data, the acceptance figure; "poll"; "page"...).  Only
loopback is contacted; the machine's load average is printed before and after.

    .venv/bin/python benchmarks/load_dashboard.py                    # 30 participants x 60 s
    .venv/bin/python benchmarks/load_dashboard.py -n 5 -d 10         # the test suite's version
    .venv/bin/python benchmarks/load_dashboard.py --url http://127.0.0.1:8050   # a running server

The workshop's results memo (``dashboard/memo.py``, shared by the gunicorn workers and kept
across restarts) is reported with its number of results before and after: a warm memo
makes the run cheaper.  For a cold run give the server a fresh folder:
``SIM_DASHBOARD_MEMO=$(mktemp -d) .venv/bin/python benchmarks/load_dashboard.py``.

Acceptance (issue 8, then issue 12 with a move every 2-6 s): 0 errors and p95 <= 2 s for 30
participants over 60 s.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlparse

REPO = Path(__file__).resolve().parent.parent
PRESETS = ("p2013", "p2016", "closure", "france_services", "automatic")
LEVERS = ("ws-closure", "ws-online-only", "ws-email", "ws-mediation", "ws-mode", "ws-alternative",
          "ws-automatic")
PRESET_LEVERS = {  # as dashboard.scenarios.PRESETS, in the widgets' units (closure in %)
    "p2013": (0, False, False, 40.0, "keep", False, False),
    "p2016": (0, True, True, 40.0, "keep", False, False),
    "closure": (60, True, True, 40.0, "keep", False, False),
    "france_services": (60, True, True, 200.0, "teach", False, False),
    "automatic": (60, True, True, 40.0, "keep", False, True),
}
TIMEOUT = 60.0  # seconds before a request counts as an error


@dataclass
class Stats:
    latencies: dict[str, list[float]] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, kind: str, seconds: float, error: str | None = None) -> None:
        with self.lock:
            self.latencies.setdefault(kind, []).append(seconds)
            if error:
                self.errors.append(f"{kind}: {error}")

    def summary(self) -> dict:
        every = sorted(x for v in self.latencies.values() for x in v)
        out = {"requests": len(every), "errors": len(self.errors),
               "p50_s": _pct(every, 50), "p95_s": _pct(every, 95), "max_s": every[-1] if every else None,
               "by_kind": {k: {"requests": len(v), "p50_s": _pct(sorted(v), 50), "p95_s": _pct(sorted(v), 95)}
                           for k, v in sorted(self.latencies.items())},
               "first_errors": self.errors[:5]}
        return out


def _pct(sorted_values: list[float], q: float) -> float | None:
    if not sorted_values:
        return None
    if len(sorted_values) == 1:
        return round(sorted_values[0], 4)
    return round(statistics.quantiles(sorted_values, n=100, method="inclusive")[q - 1], 4)


class DashClient:
    """One browser: a keep-alive connection and the Dash callback protocol."""

    def __init__(self, url: str, stats: Stats):
        u = urlparse(url)
        self.host, self.port = u.hostname, u.port or 80
        self.stats = stats
        self.conn: http.client.HTTPConnection | None = None
        self.deps: list[dict] = []

    def _request(self, kind: str, method: str, path: str, body: dict | None = None):
        data = None if body is None else json.dumps(body).encode()
        headers = {"Content-Type": "application/json"} if data else {}
        t0 = time.perf_counter()
        try:
            if self.conn is None:
                self.conn = http.client.HTTPConnection(self.host, self.port, timeout=TIMEOUT)
            self.conn.request(method, path, body=data, headers=headers)
            resp = self.conn.getresponse()
            payload = resp.read()
            elapsed = time.perf_counter() - t0
            ok = 200 <= resp.status < 300
            self.stats.add(kind, elapsed, None if ok else f"HTTP {resp.status} {payload[:200]!r}")
            return payload if ok else None
        except (OSError, http.client.HTTPException) as err:
            self.stats.add(kind, time.perf_counter() - t0, f"{type(err).__name__}: {err}")
            if self.conn is not None:
                self.conn.close()
            self.conn = None
            return None

    def load_page(self) -> bool:
        self._request("page", "GET", "/")
        self._request("page", "GET", "/_dash-layout")
        deps = self._request("page", "GET", "/_dash-dependencies")
        if deps:
            self.deps = json.loads(deps)
        return bool(self.deps)

    def callback(self, kind: str, output_part: str, values: dict, changed: list[str]):
        """POST the callback whose output contains ``output_part``; ``values``: "id.prop" -> value."""
        # the callback writing ``output_part`` that one of the changed properties triggers
        cbs = [d for d in self.deps if output_part in d["output"]]
        cb = next((d for d in cbs if any(f"{i['id']}.{i['property']}" in changed for i in d["inputs"])), cbs[0])
        outputs = [{"id": o.split(".")[0], "property": o.split(".")[1].split("@")[0]}
                   for o in cb["output"].strip(".").split("...")]
        body = {"output": cb["output"], "outputs": outputs if len(outputs) > 1 else outputs[0],
                "inputs": [{**i, "value": values.get(f"{i['id']}.{i['property']}")} for i in cb["inputs"]],
                "state": [{**s, "value": values.get(f"{s['id']}.{s['property']}")} for s in cb["state"]],
                "changedPropIds": changed}
        return self._request(kind, "POST", "/_dash-update-component", body)


POLL_S = 0.25  # the page polls for the remaining replications (Settings.poll_ms)


def participant(url: str, seed: int, until: float, stats: Stats, think: tuple[float, float]) -> None:
    """A workshop participant: open the workshop, then move levers until ``until``.

    After each move the page polls, as the browser does, until every replication of the
    setting is in (or the next move comes); the month slider and the play button work in
    the browser only, so stopping on a month sends nothing."""
    rng = random.Random(seed)
    c = DashClient(url, stats)
    if not c.load_page():
        return
    lang = "fr"
    c.callback("tab", "tab-content.children", {"tabs.active_tab": "workshop", "lang.value": lang},
               ["tabs.active_tab"])
    levers = list(PRESET_LEVERS["p2013"])
    state = {"ws-reference.value": "p2013", "lang.value": lang}
    shown: dict = {}

    def update(changed: str, kind: str):
        values = {**state, **{f"{k}.value": v for k, v in zip(LEVERS, levers)}}
        body = c.callback(kind, "ws-result.data", values, [changed])
        shown["data"], shown["done"] = _ws_result(body)

    def wait(seconds: float) -> None:
        """Think for ``seconds``, polling while the shown setting still misses replications."""
        end = min(time.monotonic() + seconds, until)
        while time.monotonic() < end:
            time.sleep(min(POLL_S, max(0.0, end - time.monotonic())))
            if shown.get("done") or not shown.get("data") or time.monotonic() >= end:
                continue
            body = c.callback("poll", "ws-poll.disabled", {"ws-poll.n_intervals": 1, "ws-result.data": shown["data"],
                                                           "lang.value": lang}, ["ws-poll.n_intervals"])
            data, done = _ws_result(body)
            shown["done"] = done if done is not None else shown.get("done")
            if data:
                shown["data"] = data

    update("ws-closure.value", "lever")
    while time.monotonic() < until:
        wait(rng.uniform(*think))
        if time.monotonic() >= until:
            break
        r = rng.random()
        if r < 0.85:  # move one lever one step, as on the projector's sliders and switches
            i = rng.randrange(len(LEVERS))
            if LEVERS[i] == "ws-closure":
                levers[i] = min(100, max(0, levers[i] + rng.choice((-10, 10))))
            elif LEVERS[i] == "ws-mediation":
                levers[i] = min(400.0, max(0.0, levers[i] + rng.choice((-20.0, 20.0))))
            elif LEVERS[i] == "ws-mode":
                levers[i] = rng.choice(("keep", "do_for", "teach"))
            else:
                levers[i] = not levers[i]
            update(f"{LEVERS[i]}.value", "lever")
        else:  # start again from a preset
            name = rng.choice(PRESETS)
            c.callback("preset", "ws-closure.value", {"ws-preset.value": name}, ["ws-preset.value"])
            levers = list(PRESET_LEVERS[name])
            update("ws-closure.value", "lever")


def _ws_result(body: bytes | None) -> tuple[dict | None, bool | None]:
    """The workshop's ``ws-result`` data and whether polling stops, from a callback answer."""
    if not body:
        return None, None
    try:
        resp = json.loads(body).get("response", {})
    except ValueError:
        return None, None
    data = (resp.get("ws-result") or {}).get("data")
    disabled = (resp.get("ws-poll") or {}).get("disabled")
    return data, disabled


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_gunicorn(port: int, workers: int, threads: int) -> subprocess.Popen:
    env = {**os.environ, "SIM_DASHBOARD_WORKERS": "1"}  # workshop runs happen in the request thread
    cmd = [sys.executable, "-m", "gunicorn", "--bind", f"127.0.0.1:{port}", "--workers", str(workers),
           "--threads", str(threads), "--timeout", "120", "--graceful-timeout", "10",
           "--keep-alive", "75",  # as browsers keep connections: longer than a think time
           "--log-level", "warning", "dashboard.wsgi:server"]
    return subprocess.Popen(cmd, cwd=REPO, env=env, start_new_session=True)


def wait_ready(url: str, proc: subprocess.Popen | None, timeout: float = 180.0) -> None:
    u = urlparse(url)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc is not None and proc.poll() is not None:
            raise RuntimeError(f"gunicorn exited with status {proc.returncode}")
        try:
            conn = http.client.HTTPConnection(u.hostname, u.port, timeout=5)
            conn.request("GET", "/_dash-layout")
            if conn.getresponse().status == 200:
                return
        except OSError:
            pass
        time.sleep(0.5)
    raise RuntimeError("the dashboard did not answer in time")


def warm(url: str, workers: int) -> None:
    """One participant's first moves per gunicorn worker (reference runs, first figures),
    as a trainer does before the session; not counted."""
    scratch = Stats()
    threads = [threading.Thread(target=participant, args=(url, -1 - i, time.monotonic(), scratch, (0, 0)))
               for i in range(2 * workers)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()


def memo_state() -> tuple[str, int | None]:
    """The server's memo folder for this code and the results in it (``None``: memo off).
    Read as the server will (its settings come from the same environment)."""
    sys.path.insert(0, str(REPO))
    from dashboard.config import Settings
    from dashboard.memo import SUFFIX, Memo

    root = Settings().workshop_memo
    if root is None:
        return "off", None
    folder = Memo(root, 1).dir
    return str(folder), len(list(folder.glob("*" + SUFFIX))) if folder.is_dir() else 0


def run_load(participants: int = 30, duration: float = 60.0, url: str | None = None, workers: int = 2,
             threads: int = 16, think: tuple[float, float] = (2.0, 6.0), seed: int = 1) -> dict:
    proc = None
    memo_dir, memo_before = memo_state()
    if url is None:
        url = f"http://127.0.0.1:{free_port()}"
        proc = start_gunicorn(urlparse(url).port, workers, threads)
    try:
        wait_ready(url, proc)
        warm(url, workers)
        load_before = os.getloadavg()
        stats = Stats()
        until = time.monotonic() + duration
        t0 = time.perf_counter()
        pool = [threading.Thread(target=participant, args=(url, seed * 1000 + i, until, stats, think),
                                 daemon=True) for i in range(participants)]
        for t in pool:
            t.start()
            time.sleep(min(0.1, duration / max(participants, 1) / 4))  # people arrive over a few seconds
        for t in pool:
            t.join(timeout=duration + 2 * TIMEOUT)
        hung = sum(t.is_alive() for t in pool)
        out = stats.summary()
        out["loadavg_before"], out["loadavg_after"] = [round(x, 2) for x in load_before], \
            [round(x, 2) for x in os.getloadavg()]
        out.update(participants=participants, duration_s=duration, think_s=list(think), wall_s=round(time.perf_counter() - t0, 1),
                   server=f"gunicorn --workers {workers} --threads {threads}" if proc else url,
                   hung_participants=hung)
        out["errors"] += hung
        out["memo"] = {"folder": memo_dir, "results_before": memo_before, "results_after": memo_state()[1]}
        return out
    finally:
        if proc is not None:
            os.killpg(proc.pid, signal.SIGTERM)
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("-n", "--participants", type=int, default=30)
    ap.add_argument("-d", "--duration", type=float, default=60.0, help="seconds")
    ap.add_argument("--workers", type=int, default=2, help="gunicorn worker processes")
    ap.add_argument("--threads", type=int, default=16, help="threads per gunicorn worker")
    ap.add_argument("--think", type=float, nargs=2, default=(2.0, 6.0), metavar=("LO", "HI"),
                    help="seconds a participant looks and talks between two moves (uniform; default 2 6)")
    ap.add_argument("--url", default=None, help="an already running dashboard (loopback) instead")
    ap.add_argument("--json", default=None, help="also write the figures to this file")
    args = ap.parse_args(argv)
    if args.url and urlparse(args.url).hostname not in ("127.0.0.1", "localhost", "::1"):
        ap.error("--url must be a loopback address")
    res = run_load(args.participants, args.duration, args.url, args.workers, args.threads,
                   tuple(args.think))
    print(f"{res['participants']} participants x {res['duration_s']:.0f} s, think {args.think[0]:g}-"
          f"{args.think[1]:g} s ({res['server']}): "
          f"{res['requests']} requests, {res['errors']} errors, p50 {res['p50_s']} s, "
          f"p95 {res['p95_s']} s, max {res['max_s']} s; load average before {res['loadavg_before']}, "
          f"after {res['loadavg_after']} ({os.cpu_count()} CPUs)")
    memo = res["memo"]
    print(f"  memo {memo['folder']}: {memo['results_before']} results before the server started, "
          f"{memo['results_after']} after the run")
    for kind, v in res["by_kind"].items():
        print(f"  {kind:7s} {v['requests']:5d} requests  p50 {v['p50_s']} s  p95 {v['p95_s']} s")
    for e in res["first_errors"]:
        print("  error:", e[:300])
    if args.json:
        Path(args.json).write_text(json.dumps(res, indent=2) + "\n")
    return 0 if res["errors"] == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
