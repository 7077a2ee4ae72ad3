"""Issue 14, acceptance 3: no command writes outside its --out folder (or the default
results folder under the working directory), whatever names its inputs carry.

Every command runs inside a temporary root (working directory, HOME and TMPDIR all
under it), with scenario and sweep names built to escape (``../../``, absolute paths,
NUL bytes, lone surrogates) and with odd names that are accepted (spaces, accents,
a file stem that is no name).  Afterwards every file under the root must sit in a
folder the command was allowed to write, and the token the hostile names carry must
appear nowhere: not under the root's parent, not in /tmp, not in the repository.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SMALL = "population:\n  households: 300\nmonths: 6\nreport_months: 3\n"


CHILD = """
import contextlib, io, json, sys
from sim.cli import main
out = []
for argv in json.loads(sys.stdin.read()):
    err = io.StringIO()
    try:
        with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
            rc = main(argv)
    except BaseException as exc:  # a traceback: reported, the test fails on it
        import traceback
        rc, err = -1, io.StringIO(traceback.format_exc())
    out.append([rc, err.getvalue()])
print(json.dumps(out))
"""


def _sims(commands, cwd, env, timeout=600):
    """Run ``sim`` commands one after the other in one child process (in ``cwd``, with
    ``env``): [(exit status, stderr)] in order."""
    import json
    argvs = [[str(a) for a in args] for args in commands]
    r = subprocess.run([sys.executable, "-c", CHILD], input=json.dumps(argvs, ensure_ascii=True),
                       cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout,
                       errors="surrogateescape")
    assert r.returncode == 0, r.stderr[-2000:]
    return [tuple(x) for x in json.loads(r.stdout.strip().splitlines()[-1])]


def _files(top: Path) -> set[Path]:
    return {p for p in top.rglob("*") if p.is_file() or p.is_symlink()}


def _hostile_names(root: Path, token: str) -> list[str]:
    return [f"../../{token}", f"../../../../../../../../tmp/{token}", str(root.parent / token),
            f"/tmp/{token}", f"{token}/../../..", f"..\\..\\{token}", f"{token}\x00x", f"{token}\ud800"]


def _yaml_str(text: str) -> str:
    """A YAML double-quoted scalar for any text (NUL and lone surrogates as escapes)."""
    out = []
    for c in text:
        if c in '"\\':
            out.append("\\" + c)
        elif c.isprintable():
            out.append(c)
        else:
            out.append(f"\\u{ord(c):04x}")
    return '"' + "".join(out) + '"'


def test_every_command_writes_only_where_it_is_told(tmp_path, request):
    token = f"ESCAPED_{uuid.uuid4().hex[:12]}"
    root = tmp_path / "root"
    cwd, home, tmp = root / "work" / "here", root / "home", root / "tmp"
    for d in (cwd, home, tmp):
        d.mkdir(parents=True)
    # TMPDIR by a short link: a Unix socket's path (the forkserver's, under TMPDIR) must be
    # under 108 bytes, which pytest's own temporary paths can exceed
    short_tmp = Path("/tmp") / f"sim-conf-{uuid.uuid4().hex[:8]}"
    short_tmp.symlink_to(tmp)
    request.addfinalizer(short_tmp.unlink)
    env = {**os.environ, "HOME": str(home), "TMPDIR": str(short_tmp), "XDG_CACHE_HOME": str(home / ".cache"),
           "XDG_CONFIG_HOME": str(home / ".config"), "SIM_DASHBOARD_WORKERS": "1",
           "SIM_DASHBOARD_RESULTS": str(cwd / "results")}
    inputs = cwd / "in"
    inputs.mkdir()

    # hostile names: every command refuses them before writing anything
    commands = []
    for i, name in enumerate(_hostile_names(root, token)):
        sc = inputs / f"hostile_{i}.yaml"
        sc.write_text(f"name: {_yaml_str(name)}\n{SMALL}", encoding="utf-8")
        sw = inputs / f"hostile_sweep_{i}.yaml"
        sw.write_text(f"name: {_yaml_str(name)}\nscenario: {sc.name}\nparameters:\n"
                      "  institutions.teach_propensity: [0.1, 0.9]\n", encoding="utf-8")
        ok = inputs / "ok.yaml"
        ok.write_text(f"name: fine\n{SMALL}", encoding="utf-8")
        for args in (["validate", sc], ["run", sc, "-r", "1", "-q", "--out", cwd / f"out_run_{i}"],
                     ["run", sc, "-r", "1", "-q"],
                     ["compare", ok, sc, "-r", "1", "-q", "--workers", "1", "--out", cwd / f"out_cmp_{i}"],
                     ["compare", ok, sc, "-r", "1", "-q", "--workers", "1"],
                     ["sweep", sw, "-q", "--workers", "1"],
                     ["sweep", sw, "-q", "--workers", "1", "--out", cwd / f"out_sweep_{i}"],
                     ["population", sc, "-q", "--out", cwd / f"pop_{i}.csv"],
                     ["run", "baseline_2013", "-q", "-r", "1", "--set", f"name={name}"],
                     ["run", "baseline_2013", "-q", "-r", "1", "--set", f"preset={name}"],
                     ["calibrate", "--preset", name, "-q"]):
            commands.append(args)
    for args, (rc, err) in zip(commands, _sims(commands, cwd, env)):
        assert rc == 2 and "Traceback" not in err, (args, err[-800:])
        assert len(err.strip().splitlines()) == 1, (args, err)
    assert _files(cwd) == _files(inputs), "a refused command wrote something"

    # odd names that are accepted land inside their folders, under readable names
    odd = inputs / "odd.yaml"
    odd.write_text(f"name: réforme 2016 v2.1\n{SMALL}", encoding="utf-8")
    stem = inputs / "my sweep (v2).yaml"
    stem.write_text("scenario: odd.yaml\nparameters:\n  institutions.teach_propensity: [0.1, 0.9]\n",
                    encoding="utf-8")
    allowed = {cwd / "results", cwd / "out_run", cwd / "out_cmp", cwd / "out_sweep", cwd / "pop.csv",
               cwd / "out_cal", inputs}
    commands = [["validate", odd], ["run", odd, "-r", "1", "-q", "--out", cwd / "out_run"],
                 ["run", odd, "-r", "1", "-q"], ["demo", "--households", "300", "-r", "1"],
                 ["compare", inputs / "ok.yaml", odd, "-r", "1", "-q", "--workers", "1", "--out",
                  cwd / "out_cmp"],
                 ["compare", inputs / "ok.yaml", odd, "-r", "1", "-q", "--workers", "1"],
                 ["sweep", stem, "-q", "--workers", "1"],
                 ["sweep", stem, "-q", "--workers", "1", "--out", cwd / "out_sweep"],
                 ["population", odd, "-q", "--out", cwd / "pop.csv"],
                 ["report", cwd / "out_cmp", "-q"], ["report", cwd / "out_sweep", "-q"],
                 ["sweep", stem, "-q", "--workers", "1", "--out", cwd / "out_sweep", "--resume",
                  "--analyse"]]
    for args, (rc, err) in zip(commands, _sims(commands, cwd, env)):
        assert rc == 0, (args, err[-800:])
    assert (cwd / "results" / "my_sweep__v2_" / "manifest.json").is_file()  # the stem, made a name
    assert (cwd / "out_cmp" / "scenarios" / "01_réforme 2016 v2.1.yaml").is_file()

    # the dashboard, started and stopped in the same root, writes nothing at all
    before = _files(root)
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    log = tmp_path / "dashboard.log"  # outside the root
    dash = subprocess.Popen([sys.executable, "-m", "sim", "dashboard", "--port", str(port)], cwd=cwd,
                            env=env, stdout=subprocess.DEVNULL, stderr=log.open("wb"),
                            start_new_session=True)
    try:
        deadline, up = time.monotonic() + 120, False
        while time.monotonic() < deadline and not up and dash.poll() is None:
            with socket.socket() as s:
                s.settimeout(1)
                up = s.connect_ex(("127.0.0.1", port)) == 0
            time.sleep(0.2)
        assert up, (f"the dashboard did not answer within 120 s (exit status {dash.poll()}): "
                    + log.read_text(errors="replace")[-1500:])
    finally:
        os.killpg(dash.pid, signal.SIGTERM)
        dash.wait(timeout=60)
    assert _files(root) == before

    # nothing outside the allowed folders; the temporary folder is left empty
    for f in _files(root):
        assert any(f == a or a in f.parents for a in allowed), f"written outside: {f.relative_to(root)}"
    assert list(tmp.iterdir()) == [] and list(home.iterdir()) == []
    # and the hostile token appears nowhere it could have escaped to
    for top in (root.parent, Path("/tmp"), ROOT):
        for dirpath, dirnames, filenames in os.walk(top):
            assert not any(token in n for n in dirnames + filenames), f"{token} under {dirpath}"
            if top == Path("/tmp"):
                break  # /tmp itself only: other tests own its subfolders
            dirnames[:] = [d for d in dirnames if d not in (".venv", ".git", "node_modules")]
