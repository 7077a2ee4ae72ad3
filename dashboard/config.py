"""Dashboard settings: safe defaults, one place.

Every limit the browser could push against lives here and is enforced on the
server (the browser's own limits, e.g. ``dcc.Upload(max_size=...)``, are a
convenience only).  Environment variables override the defaults so that a
trainer can start ``sim dashboard`` without editing code:

- ``SIM_DASHBOARD_RESULTS``: root folder of sweep results (default ``results/``);
- ``SIM_DASHBOARD_MAX_HOUSEHOLDS``: households per scenario in one run;
- ``SIM_DASHBOARD_WORKERS``: processes running replications (default: up to 2);
- ``SIM_DASHBOARD_MAX_JOBS``: comparisons computed at once (default 2); others wait in
  line, up to ``SIM_DASHBOARD_MAX_WAITING`` (default 8), with a message in their page;
- ``SIM_DASHBOARD_MEMO``: folder of the workshop's results shared by the server's processes
  and kept across restarts (:mod:`dashboard.memo`; default
  ``$XDG_CACHE_HOME/sim-dashboard/memo``, i.e. ``~/.cache/sim-dashboard/memo``); ``off``
  turns it off.  ``SIM_DASHBOARD_MEMO_MB`` bounds its size (default 256 MB);
- ``SIM_DASHBOARD_FIRST_WORKERS``: processes computing the workshop levers' first
  replications (default: up to 2; 0: in the request's thread);
- ``SIM_DASHBOARD_ALLOWED_HOSTS``: extra ``Host`` names the server answers to, comma
  separated (e.g. a name the trainer gives the machine on the workshop's network;
  ``*`` turns the check off).  Loopback names, the bound address and, when bound to every
  interface, this machine's own names and addresses are always allowed.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def _env_int(name: str, default: int, lo: int = 1, hi: int = 10**9) -> int:
    try:
        value = int(os.environ.get(name, default))
    except ValueError:
        return default
    return min(max(value, lo), hi)


def _env_hosts() -> tuple[str, ...]:
    text = os.environ.get("SIM_DASHBOARD_ALLOWED_HOSTS", "")
    return tuple(h.strip().strip("[]").lower() for h in text.split(",") if h.strip())


def _env_memo() -> Path | None:
    text = os.environ.get("SIM_DASHBOARD_MEMO")
    if text is None:
        cache = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
        return Path(cache) / "sim-dashboard" / "memo"
    if text.strip().lower() in ("", "0", "off", "no", "none", "false"):
        return None
    return Path(text).expanduser()


@dataclass(frozen=True)
class Settings:
    workshop_households: int = 20_000  # default workshop size (households)
    workshop_months: int = 36  # horizon of a workshop run (months)
    workshop_start: int = 12  # month from which the workshop's levers apply
    # replications of each workshop setting (common random numbers): the headline's paired
    # interval needs several; the first is drawn at once, the others follow in the background
    workshop_replications: int = field(default_factory=lambda: _env_int("SIM_DASHBOARD_WORKSHOP_REPLICATIONS", 4))
    workshop_cache: int = 300  # workshop settings whose replications are kept in memory (LRU)
    workshop_pending: int = 6  # settings whose background replications may wait at once
    workshop_guess_wait: float = 0.5  # seconds a lever waits for its setting being computed ahead
    # results shared by the server's processes (gunicorn workers, pools) and restarts, on disk
    # (dashboard/memo.py); None: each process keeps its own, in memory only
    workshop_memo: Path | None = field(default_factory=_env_memo)
    workshop_memo_mb: int = field(default_factory=lambda: _env_int("SIM_DASHBOARD_MEMO_MB", 256, lo=0))
    # seconds a lever waits for its setting being computed by another request (another
    # participant, maybe in another process) before computing it too
    workshop_memo_wait: float = 10.0
    # processes (normal priority) computing levers' first replications, so that levers moved
    # at once run on every core (a server process runs one Python thread at a time); 0: in
    # the request's thread
    workshop_first_workers: int = field(default_factory=lambda: _env_int(
        "SIM_DASHBOARD_FIRST_WORKERS", min(2, os.cpu_count() or 1), lo=0))
    compare_households: int = 20_000  # default size of a comparison
    compare_replications: int = 3  # default replications of a comparison
    compare_seed: int = 2016  # root seed shared by compared scenarios (common random numbers)
    max_households: int = field(default_factory=lambda: _env_int("SIM_DASHBOARD_MAX_HOUSEHOLDS", 200_000))
    max_replications: int = 20
    max_scenarios: int = 4
    # household-months x replications x scenarios in one comparison (~5 min on one core)
    max_work: int = 600_000_000
    upload_max_bytes: int = 256_000  # scenario files are a few kB
    request_max_bytes: int = 2_000_000  # Flask refuses larger request bodies (base64 upload + JSON)
    max_uploads: int = 16  # uploaded scenarios kept in memory (oldest dropped)
    cache_size: int = 48  # run results kept in memory (LRU)
    workshop_pages: int = 256  # workshop figures kept in memory, by settings and month (LRU)
    workers: int = field(default_factory=lambda: _env_int("SIM_DASHBOARD_WORKERS",
                                                          min(2, os.cpu_count() or 1)))
    results_root: Path = field(default_factory=lambda: Path(
        os.environ.get("SIM_DASHBOARD_RESULTS", REPO / "results")))
    max_running_jobs: int = field(default_factory=lambda: _env_int("SIM_DASHBOARD_MAX_JOBS", 2))
    max_waiting_jobs: int = field(default_factory=lambda: _env_int("SIM_DASHBOARD_MAX_WAITING", 8,
                                                                   lo=0))
    allowed_hosts: tuple[str, ...] = field(default_factory=_env_hosts)  # beside loopback, see above
    max_sweep_files: int = 5_000  # Parquet parts read from one sweep directory
    max_sweep_rows: int = 2_000_000
    poll_ms: int = 250  # progress polling interval (ms)
    play_ms: int = 700  # one month per tick when the workshop plays
