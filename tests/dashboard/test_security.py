"""Dashboard hardening: the bad-scenario corpus refused in the upload box with one line and
no server path; no population file opened from a browser; request size limit; loopback
only by default (checked against this machine's own non-loopback address)."""

from __future__ import annotations

import base64
import json
import importlib.util
import os
import re
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
BAD = REPO / "tests" / "bad"
_spec = importlib.util.spec_from_file_location("bad_inputs", REPO / "tests" / "test_bad_inputs.py")
_bad = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_bad)
SCENARIOS = _bad.SCENARIOS  # the scenario corpus and the fragment each message must contain


@pytest.fixture(scope="module")
def client():
    from dashboard.app import create_app
    from dashboard.config import Settings
    app = create_app(Settings(workers=1))
    deps = app.server.test_client().get("/_dash-dependencies").get_json()
    yield app, deps
    app.sim_state.close()


def upload(app, deps, blob: bytes, filename: str) -> str:
    """POST the upload callback as the browser does; the text shown in the message box."""
    cb = next(d for d in deps if "cmp-upload-msg.children" in d["output"])
    outputs = [{"id": o.split(".")[0], "property": o.split(".")[1].split("@")[0]}
               for o in cb["output"].strip(".").split("...")]
    values = {"cmp-upload.contents": "data:application/x-yaml;base64," + base64.b64encode(blob).decode(),
              "cmp-upload.filename": filename, "cmp-uploads.data": [], "cmp-scenarios.value": [],
              "lang.value": "en"}
    body = {"output": cb["output"], "outputs": outputs,
            "inputs": [{**i, "value": values[f"{i['id']}.{i['property']}"]} for i in cb["inputs"]],
            "state": [{**s, "value": values[f"{s['id']}.{s['property']}"]} for s in cb["state"]],
            "changedPropIds": ["cmp-upload.contents"]}
    r = app.server.test_client().post("/_dash-update-component", json=body)
    assert r.status_code == 200, r.data[:500]
    return " ".join(_texts(r.get_json()["response"]["cmp-upload-msg"]["children"]))


def _texts(node):
    if isinstance(node, str):
        yield node
    elif isinstance(node, list):
        for x in node:
            yield from _texts(x)
    elif isinstance(node, dict):
        yield from _texts(node.get("props", {}).get("children"))


def _without_own_values(msg: str, uploaded: str) -> str:
    """The message without the values it quotes from the user's own file (a name such as
    '/tmp/ESCAPED' is the file's, not a path of this server)."""
    for value in re.findall(r"'([^']*)'", msg):
        if value and value in uploaded:
            msg = msg.replace(value, "")
    return msg


def _no_server_detail(msg: str) -> None:
    assert "Traceback" not in msg and "File \"" not in msg, msg
    assert str(REPO) not in msg and "/tmp" not in msg and "site-packages" not in msg, msg
    assert not re.search(r"(^|\s)/\w", msg), msg  # no absolute path of this machine


@pytest.mark.parametrize("name", sorted(SCENARIOS))
def test_bad_scenario_corpus_is_refused_in_the_upload_box(client, name):
    app, deps = client
    msg = upload(app, deps, (BAD / name).read_bytes(), name)
    assert "\n" not in msg.strip()
    assert name in msg, msg  # the file as the user named it, never a server path
    assert SCENARIOS[name] in msg, msg  # the field or line at fault, as `sim validate` says
    _no_server_detail(_without_own_values(msg, (BAD / name).read_bytes().decode("utf-8", "replace")))


def test_a_preset_upload_does_not_tell_whether_a_file_exists(client):
    """Class 2: the answer is the same for a path to an existing file and to none."""
    app, deps = client
    existing = upload(app, deps, b"name: x\npreset: ../../../../../../../etc/os-release\n", "a.yaml")
    missing = upload(app, deps, b"name: x\npreset: ../../../../../../../etc/no-such-file\n", "a.yaml")
    assert "unknown preset" in existing
    assert existing.replace("os-release", "?") == missing.replace("no-such-file", "?")


def test_a_good_upload_is_accepted(client):
    """The control: the same route accepts a valid scenario (the refusals above are the files')."""
    app, deps = client
    msg = upload(app, deps, (REPO / "scenarios" / "online_only_2016.yaml").read_bytes(), "mine.yaml")
    assert "online_only_2016" in msg


@pytest.mark.parametrize("path", ["/etc/passwd", "../../../etc/shadow", "pop.csv"])
def test_uploaded_scenario_never_opens_a_population_file(client, path, monkeypatch):
    from sim import runner
    opened = []
    monkeypatch.setattr(runner, "load_population", lambda *a, **k: opened.append(a) or 1 / 0)
    app, deps = client
    msg = upload(app, deps, f"name: sneaky\npopulation:\n  file: {path}\n".encode(), "sneaky.yaml")
    assert "population.file" in msg and "sneaky.yaml" in msg, msg
    assert not opened
    _no_server_detail(msg.replace(path, ""))


def test_request_size_is_limited(client):
    app, _ = client
    r = app.server.test_client().post("/_dash-update-component", data=b"x" * 3_000_000,
                                      content_type="application/json")
    assert r.status_code == 413


def test_defaults_are_loopback_and_no_debug():
    import inspect

    from dashboard.app import serve
    from sim.cli import build_parser
    assert inspect.signature(serve).parameters["host"].default == "127.0.0.1"
    assert build_parser().parse_args(["dashboard"]).host == "127.0.0.1"
    assert "debug=False" in inspect.getsource(serve)


def own_non_loopback_addresses() -> list[tuple[int, str]]:
    """This machine's own addresses other than loopback (``hostname -I``, then the resolver)."""
    found = []
    try:
        out = subprocess.run(["hostname", "-I"], capture_output=True, text=True, timeout=10).stdout
        found = out.split()
    except (OSError, subprocess.SubprocessError):
        pass
    if not found:
        found = [ai[4][0] for ai in socket.getaddrinfo(socket.gethostname(), None)]
    addrs = []
    for a in dict.fromkeys(found):
        fam = socket.AF_INET6 if ":" in a else socket.AF_INET
        if not (a.startswith("127.") or a == "::1" or a.startswith("fe80")):
            addrs.append((fam, a))
    return addrs


def test_dashboard_started_with_defaults_is_not_reachable_on_a_non_loopback_address(tmp_path):
    addrs = own_non_loopback_addresses()
    assert addrs, "this machine has no non-loopback address to test against"
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    proc = subprocess.Popen([sys.executable, "-m", "sim", "dashboard", "--port", str(port)], cwd=REPO,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
                            env={**os.environ, "SIM_DASHBOARD_WORKERS": "1"})
    try:
        deadline, up = time.monotonic() + 120, False
        while time.monotonic() < deadline and proc.poll() is None and not up:
            with socket.socket() as s:
                s.settimeout(1)
                up = s.connect_ex(("127.0.0.1", port)) == 0
            time.sleep(0.2)
        assert up, "the dashboard did not start on 127.0.0.1"  # so the refusals below mean something
        for fam, addr in addrs:
            with socket.socket(fam) as s:
                s.settimeout(2)
                assert s.connect_ex((addr, port)) != 0, f"reachable on {addr}:{port}"
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()


# -- issue 14, class 11: headers, Host, debug routes, malformed bodies, job limit -----------

def _callback(deps, fragment: str) -> dict:
    return next(d for d in deps if fragment in d["output"])


def _body(cb: dict, values: dict, changed: list[str]) -> dict:
    """A callback request as Dash's renderer sends it (``values``: "id.prop" -> value)."""
    outputs = [{"id": o.split(".")[0], "property": o.split(".")[1].split("@")[0]}
               for o in cb["output"].strip(".").split("...")]
    return {"output": cb["output"], "outputs": outputs,
            "inputs": [{**i, "value": values.get(f"{i['id']}.{i['property']}")} for i in cb["inputs"]],
            "state": [{**s, "value": values.get(f"{s['id']}.{s['property']}")} for s in cb["state"]],
            "changedPropIds": changed}


def test_every_response_carries_the_security_headers(client):
    app, _ = client
    c = app.server.test_client()
    for path in ("/", "/_dash-layout", "/_dash-dependencies", "/no/such/page"):
        r = c.get(path)
        h = r.headers
        csp = h["Content-Security-Policy"]
        assert "default-src 'self'" in csp and "frame-ancestors 'none'" in csp and "object-src 'none'" in csp
        assert "'unsafe-eval'" not in csp and "script-src 'self' 'sha256-" in csp  # Dash's inline script by hash
        assert h["X-Frame-Options"] == "DENY" and h["X-Content-Type-Options"] == "nosniff"
        assert "Server" not in h  # the server's own handler names itself (next tests)


def test_an_unexpected_host_is_refused(client):
    app, _ = client
    c = app.server.test_client()
    for host in ("evil.example", "evil.example:8050", "127.0.0.1.evil.example", "localhost.", "[::2]:80", ""):
        assert c.get("/", headers={"Host": host}).status_code == 400, host
    for host in ("127.0.0.1:8050", "localhost:8050", "localhost", "[::1]:8050", "LOCALHOST:1"):
        assert c.get("/", headers={"Host": host}).status_code == 200, host


def test_extra_hosts_come_from_the_settings():
    from dashboard.app import create_app
    from dashboard.config import Settings
    app = create_app(Settings(workers=1, allowed_hosts=("atelier.lan",)))
    try:
        c = app.server.test_client()
        assert c.get("/", headers={"Host": "atelier.lan:8050"}).status_code == 200
        assert c.get("/", headers={"Host": "other.lan:8050"}).status_code == 400
    finally:
        app.sim_state.close()


def test_the_hot_reload_route_is_not_served(client):
    app, _ = client
    assert app.server.test_client().get("/_reload-hash").status_code == 404


def test_malformed_callback_bodies_get_400(client):
    app, deps = client
    c = app.server.test_client()
    run = _callback(deps, "cmp-job.data")
    good = _body(run, {"cmp-run.n_clicks": 1, "cmp-scenarios.value": ["bundled:baseline_2013"],
                       "cmp-households.value": 500, "cmp-replications.value": 1, "cmp-seed.value": 1,
                       "lang.value": "en"}, ["cmp-run.n_clicks"])
    assert c.post("/_dash-update-component", json=good).status_code == 200  # the control
    text = json.dumps(good)
    bodies = {
        "households Infinity": text.replace('"value": 500', '"value": Infinity'),
        "households NaN": text.replace('"value": 500', '"value": NaN'),
        "households 1e400": text.replace('"value": 500', '"value": 1e400'),
        "households 5001 digits": text.replace('"value": 500', '"value": 1' + "0" * 5000),
        "not JSON": "{", "empty": "", "a list": "[]", "a string": '"x"',
        "deep nesting": "[" * 100_000 + "]" * 100_000,
        "no output": json.dumps({k: v for k, v in good.items() if k != "output"}),
        "unknown output": json.dumps({**good, "output": "nope.children"}),
        "inputs not a list": json.dumps({**good, "inputs": {"a": 1}}),
        "input without id": json.dumps({**good, "inputs": [{"property": "n_clicks", "value": 1}]}),
        "too few inputs": json.dumps({**good, "inputs": []}),
        "state not a list": json.dumps({**good, "state": "x"}),
        "changedPropIds not a list": json.dumps({**good, "changedPropIds": 5}),
    }
    for case, body in bodies.items():
        r = c.post("/_dash-update-component", data=body, content_type="application/json")
        assert 400 <= r.status_code < 500, (case, r.status_code, r.data[:200])
        assert b"Traceback" not in r.data and b"File \"" not in r.data


def test_wrongly_typed_values_are_coerced_not_500(client):
    """Values of the wrong type in a well-formed body: each callback coerces (never a 500)."""
    app, deps = client
    c = app.server.test_client()
    run = _callback(deps, "cmp-job.data")
    for households in ({"a": 1}, [1], "x" * 1000, -5, 10**30, True, None):
        body = _body(run, {"cmp-run.n_clicks": 1, "cmp-scenarios.value": ["bundled:baseline_2013", 5],
                           "cmp-households.value": households, "cmp-replications.value": "x",
                           "cmp-seed.value": -1, "lang.value": {"x": 1}}, ["cmp-run.n_clicks"])
        assert c.post("/_dash-update-component", json=body).status_code < 500, households


def _status_text(resp) -> str:
    return " ".join(_texts(resp.get_json()["response"].get("cmp-status", {}).get("children")))


def test_comparisons_beyond_the_job_limit_wait_and_say_so():
    """At most ``max_running_jobs`` comparisons compute at once; the next ones wait with a
    visible message ("place N in line"); beyond the waiting line the server says it is busy."""
    from dashboard.app import create_app
    from dashboard.config import Settings
    app = create_app(Settings(workers=1, max_running_jobs=1, max_waiting_jobs=2))
    try:
        deps = app.server.test_client().get("/_dash-dependencies").get_json()
        c = app.server.test_client()
        run, poll = _callback(deps, "cmp-job.data"), _callback(deps, "cmp-progress.value@")
        texts, jobs = [], []
        for seed in range(4):  # long comparisons (max size), each its own seed: nothing cached
            body = _body(run, {"cmp-run.n_clicks": 1, "cmp-households.value": 200_000,
                               "cmp-scenarios.value": ["bundled:baseline_2013", "bundled:online_only_2016"],
                               "cmp-replications.value": 20, "cmp-seed.value": 100 + seed, "lang.value": "en"},
                         ["cmp-run.n_clicks"])
            r = c.post("/_dash-update-component", json=body)
            assert r.status_code == 200
            texts.append(_status_text(r))
            jobs.append(r.get_json()["response"].get("cmp-job", {}).get("data"))
        assert texts[0] == "Running…", texts
        assert "Waiting" in texts[1] and "place 1" in texts[1], texts
        assert "Waiting" in texts[2] and "place 2" in texts[2], texts
        assert "Too many runs" in texts[3] and jobs[3] is None, texts
        runner = app.sim_state.runner
        states = [runner.job(j["job"]) for j in jobs[:3]]
        assert [s.waiting for s in states] == [False, True, True]
        # the poll shows the same line to the waiting page
        r = c.post("/_dash-update-component", json=_body(poll, {"cmp-poll.n_intervals": 1,
                                                                "cmp-job.data": jobs[2], "lang.value": "en"},
                                                          ["cmp-poll.n_intervals"]))
        assert "place 2" in " ".join(_texts(r.get_json()["response"]["cmp-status"]["children"]))
        # the first one cancelled: the next one computes, only one at a time
        runner.cancel(jobs[0]["job"])
        deadline = time.monotonic() + 120
        while states[1].waiting and time.monotonic() < deadline:
            assert sum(1 for s in states if s.running and not s.waiting and not s.cancelled) <= 1
            time.sleep(0.05)
        assert not states[1].waiting and states[2].waiting
    finally:
        app.sim_state.close()


def test_the_real_server_sends_no_version_banner_and_checks_host(tmp_path):
    """`sim dashboard` itself (the development server with its own handler)."""
    import http.client
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    proc = subprocess.Popen([sys.executable, "-m", "sim", "dashboard", "--port", str(port)], cwd=tmp_path,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
                            env={**os.environ, "SIM_DASHBOARD_WORKERS": "1"})
    try:
        deadline, up = time.monotonic() + 120, False
        while time.monotonic() < deadline and proc.poll() is None and not up:
            with socket.socket() as s:
                s.settimeout(1)
                up = s.connect_ex(("127.0.0.1", port)) == 0
            time.sleep(0.2)
        assert up

        def get(host, raw=None):
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            if raw is not None:  # a request line the server cannot parse: its own error page
                conn.connect()
                conn.sock.sendall(raw)
                data = conn.sock.recv(65536).decode("latin-1")
                conn.close()
                return data
            conn.request("GET", "/", headers={"Host": host})
            resp = conn.getresponse()
            resp.read()
            conn.close()
            return resp

        ok = get(f"127.0.0.1:{port}")
        assert ok.status == 200 and ok.getheader("Server") == "sim-dashboard"
        assert "Content-Security-Policy" in dict(ok.getheaders())
        assert get(f"rebind.example:{port}").status == 400
        for request in (b"GET / HTTP/1.1x\r\n\r\n", b"GET /%zz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n",
                        b"PATCH / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"):  # the server's own pages
            raw = get(None, raw=request)
            assert "Werkzeug" not in raw and "Python/" not in raw, raw[:400]
            server = [line for line in raw.splitlines() if line.lower().startswith("server:")]
            assert all(line.split(":", 1)[1].strip() == "sim-dashboard" for line in server), raw[:400]
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()


@pytest.mark.browser
def test_the_page_renders_under_its_csp_without_console_errors(start):
    """Dash's renderer, plotly and the components run under the CSP as sent (no
    'unsafe-eval'): the comparison draws its figures and the console has no error."""
    import urllib.request
    dash_duo = start()
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        stamp = dash_duo.driver.execute_script(
            "var e = document.getElementById('cmp-stamp'); return e ? e.textContent : ''")
        if stamp and stamp != "empty":
            break
        time.sleep(0.2)
    assert stamp.endswith("|fr|2"), stamp
    n_traces = dash_duo.driver.execute_script(
        "var g = document.querySelector('#cmp-fig-ts .js-plotly-plot'); return g && g.data ? g.data.length : 0")
    assert n_traces > 0
    logs = dash_duo.get_logs()
    assert not [e for e in logs if "Content Security Policy" in e.get("message", "")], logs
    assert [e for e in logs if e.get("level") == "SEVERE"] == [], logs
    with urllib.request.urlopen(dash_duo.server_url) as resp:
        csp = resp.headers["Content-Security-Policy"]
    assert "'unsafe-eval'" not in csp and "'unsafe-inline'" not in csp.split("script-src")[1].split(";")[0]
