"""Dashboard hardening: the bad-scenario corpus refused in the upload box with one line and
no server path; no population file opened from a browser; request size limit; loopback
only by default (checked against this machine's own non-loopback address)."""

from __future__ import annotations

import base64
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
    _no_server_detail(msg)


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
