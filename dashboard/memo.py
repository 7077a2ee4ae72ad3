"""A memo of results on disk, shared by the dashboard's processes and kept across restarts.

The workshop computes the same settings in several processes: the gunicorn workers
(each its own app), their low-priority pools, and the dashboard started again on the
same machine.  :class:`Memo` lets one process's result be a hit for every other:

- **One file per result**, named by the SHA-256 of its key, holding
  ``zlib(pickle((key, value)))``.  Written to a temporary file in the same folder and
  moved into place with :func:`os.replace` (atomic): a reader sees the whole file or
  none, so reads take no lock.  The key is stored in the file and checked on reading.
- **Never stale.**  The files live in a folder named by :func:`code_version`, a hash
  of the engine's and the dashboard's source (and of the versions of Python, numpy,
  scipy and mesa): any change to the code that computes a result starts an empty
  folder.  Folders of other versions left unused for :data:`OLD_VERSION_S` are removed.
- **Bounded.**  A hit touches its file; when the folder holds more than ``max_bytes``,
  the least recently used files go (:meth:`Memo.sweep`, run every
  :data:`SWEEP_EVERY` writes of a process and when the memo opens).
- **Computed once.**  :meth:`Memo.claim` creates ``KEY.lock`` with ``O_EXCL`` (pid,
  role, time): another process asking for the same result waits for it
  (:meth:`Memo.wait`) instead of computing it again.  A claim whose process died, or
  older than :data:`STALE_S`, is broken.  Waiting is only ever an optimisation: whoever
  times out computes the result itself, and the results are deterministic.
- **Safe to load.**  Results are pickles, so the folder must be this user's own and
  not writable by anyone else (checked when it opens, created ``0700``).
- **Never in the way.**  A folder that cannot be created, written or trusted makes
  :func:`open_memo` return ``None`` (said once in the log): the dashboard then runs
  without the memo, as before.  Write errors later are logged once and ignored.
"""

from __future__ import annotations

import hashlib
import logging
import os
import pickle
import secrets
import shutil
import sys
import tempfile
import threading
import time
import zlib
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)

SUFFIX = ".rep"
LOCK = ".lock"
TMP = ".tmp-"
STALE_S = 300.0  # seconds after which a claim counts as abandoned (a run takes a few)
TMP_STALE_S = 600.0  # seconds after which a leftover temporary file is removed
OLD_VERSION_S = 24 * 3600.0  # other code versions' folders unused this long are removed
SWEEP_EVERY = 32  # writes of one process between two size checks
LEVEL = 3  # zlib level: a workshop replication (300 kB pickled) -> about 40 kB in 2 ms
ROLES = ("request", "background")  # who holds a claim: a request thread, or a low-priority pool

_logged: set[str] = set()
_logged_lock = threading.Lock()


def _warn_once(kind: str, message: str, *args: object) -> None:
    with _logged_lock:
        if kind in _logged:
            return
        _logged.add(kind)
    log.warning(message, *args)


# -- what the results depend on ---------------------------------------------------------------

def source_hash(roots: dict[str, Path], only_py: tuple[str, ...] = ()) -> str:
    """SHA-256 (hex) of every file under each root (name -> folder; ``__pycache__`` left
    out), by relative path and content; for the names in ``only_py``, ``.py`` files only."""
    h = hashlib.sha256()
    for name, root in sorted(roots.items()):
        for path in sorted(Path(root).rglob("*")):
            if not path.is_file() or "__pycache__" in path.parts or path.suffix in (".pyc", ".pyo"):
                continue
            if name in only_py and path.suffix != ".py":
                continue
            h.update(f"{name}/{path.relative_to(root).as_posix()}\0".encode())
            h.update(hashlib.sha256(path.read_bytes()).digest())
    return h.hexdigest()


_VERSION: list[str] = []


def code_version() -> str:
    """What the workshop's results depend on besides their key: the source and data files of
    ``sim`` and the ``.py`` files of ``dashboard`` as imported (the files that actually run,
    wherever they are installed; the dashboard's assets draw, they never compute), and the
    versions of Python, numpy, scipy and mesa.  Computed once per process (about 20 ms), as
    soon as :mod:`dashboard.workshop_runs` is imported."""
    if not _VERSION:
        import dashboard
        import sim

        h = hashlib.sha256(sys.version.encode())
        for dist in ("numpy", "scipy", "mesa"):
            try:
                h.update(f"{dist}={metadata.version(dist)};".encode())
            except metadata.PackageNotFoundError:
                h.update(f"{dist}=?;".encode())
        roots = {m.__name__: Path(m.__file__ or "").resolve().parent for m in (sim, dashboard)}
        h.update(source_hash(roots, only_py=("dashboard",)).encode())
        _VERSION.append(h.hexdigest())
    return _VERSION[0]


def digest(key: tuple) -> str:
    """File name of ``key`` (a tuple of str, int, float, bool: its ``repr`` is stable)."""
    return hashlib.sha256(repr(key).encode()).hexdigest()


# -- claims ----------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Holder:
    """Who computes a result now: a process of this machine and its role."""

    pid: int
    role: str
    age: float  # seconds since the claim


@dataclass
class Claim:
    """A result this process computes (release it when the result is stored or given up)."""

    path: Path | None  # None: claims are unavailable, the holder computes without one
    token: str = ""

    def release(self) -> None:
        if self.path is None:
            return
        try:
            if self.path.read_text().split()[3:4] == [self.token]:  # ours, not a successor's
                self.path.unlink()
        except (OSError, IndexError):
            pass
        self.path = None


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # exists, another user's
        return True
    return True


# -- the memo ----------------------------------------------------------------------------------

class Memo:
    """Results on disk under ``root/<code version>``; see the module's docstring."""

    def __init__(self, root: Path, max_bytes: int, version: str | None = None):
        self.root = Path(root)
        self.version = version or code_version()
        self.dir = self.root / self.version[:20]
        self.max_bytes = int(max_bytes)
        self._writes = 0
        self._lock = threading.Lock()

    # -- files -------------------------------------------------------------------------------
    def path(self, key: tuple) -> Path:
        return self.dir / (digest(key) + SUFFIX)

    def _lock_path(self, key: tuple) -> Path:
        return self.dir / (digest(key) + LOCK)

    def has(self, key: tuple) -> bool:
        return self.path(key).exists()

    def get(self, key: tuple) -> Any | None:
        """The value stored for ``key``, or ``None``.  A file that cannot be read back (cut
        short, another format) is removed and counts as a miss."""
        path = self.path(key)
        try:
            blob = path.read_bytes()
        except FileNotFoundError:
            return None
        except OSError as err:
            _warn_once("read", "workshop memo: cannot read %s (%s)", path, err)
            return None
        try:
            stored, value = pickle.loads(zlib.decompress(blob))
        except Exception:  # a damaged file is no result
            self._discard(path)
            return None
        if stored != key:  # a digest collision, or a file put there by hand
            return None
        try:
            os.utime(path)  # recently used: kept by the sweep
        except OSError:
            pass
        return value

    def put(self, key: tuple, value: Any) -> bool:
        """Store ``value`` for ``key`` (atomically); ``False`` if it could not be written."""
        blob = zlib.compress(pickle.dumps((key, value), protocol=pickle.HIGHEST_PROTOCOL), LEVEL)
        tmp = None
        try:
            try:
                fd, tmp = tempfile.mkstemp(dir=self.dir, prefix=TMP)
            except FileNotFoundError:  # removed meanwhile (by hand, or as an old version): again
                _make_dirs(self.dir)
                fd, tmp = tempfile.mkstemp(dir=self.dir, prefix=TMP)
            with os.fdopen(fd, "wb") as f:
                f.write(blob)
            os.replace(tmp, self.path(key))
        except OSError as err:
            _warn_once("write", "workshop memo: cannot write in %s (%s); results are not shared", self.dir, err)
            if tmp is not None:
                self._discard(Path(tmp))
            return False
        with self._lock:
            self._writes += 1
            sweep = self._writes % SWEEP_EVERY == 0
        if sweep:
            self.sweep()
        return True

    @staticmethod
    def _discard(path: Path) -> None:
        try:
            path.unlink()
        except OSError:
            pass

    # -- claims ------------------------------------------------------------------------------
    def holder(self, key: tuple) -> Holder | None:
        """The live process computing ``key`` now, if any (abandoned claims are ignored)."""
        return self._holder(self._lock_path(key))

    def _holder(self, path: Path) -> Holder | None:
        try:
            text = path.read_text()
            age = time.time() - path.stat().st_mtime
        except OSError:
            return None
        parts = text.split()
        if len(parts) < 4:  # created, not written yet: alive if recent
            return Holder(0, "request", age) if age < 5.0 else None
        try:
            pid, role, since = int(parts[0]), parts[1], float(parts[2])
        except ValueError:
            return None
        age = time.time() - since
        if age > STALE_S or not _alive(pid):
            return None
        return Holder(pid, role, age)

    def claim(self, key: tuple, role: str) -> Claim | None:
        """Claim ``key`` for this process (``role``: one of :data:`ROLES`); ``None`` if a live
        process holds it already.  If claims cannot be made, a claim without a file is
        returned: the caller computes, as it would without a memo."""
        path = self._lock_path(key)
        token = secrets.token_hex(8)
        for _ in range(2):
            try:
                fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
            except FileExistsError:
                if self._holder(path) is not None:
                    return None
                self._discard(path)  # abandoned: its process died or it is too old
                continue
            except OSError as err:
                _warn_once("claim", "workshop memo: cannot claim in %s (%s)", self.dir, err)
                return Claim(None)
            with os.fdopen(fd, "w") as f:
                f.write(f"{os.getpid()} {role} {time.time():.3f} {token}\n")
            return Claim(path, token)
        return None

    def wait(self, key: tuple, timeout: float) -> Any | None:
        """The value of ``key`` once the process holding its claim has stored it; ``None``
        after ``timeout`` seconds, or as soon as nobody holds the claim any more without a
        result (the holder failed or gave up)."""
        deadline = time.monotonic() + timeout
        pause = 0.005
        while True:
            value = self.get(key)
            if value is not None:
                return value
            if self.holder(key) is None:
                return self.get(key)  # released just now: stored, or given up
            left = deadline - time.monotonic()
            if left <= 0:
                return None
            time.sleep(min(pause, left))
            pause = min(2 * pause, 0.04)

    # -- size --------------------------------------------------------------------------------
    def sweep(self) -> None:
        """Keep the folder under ``max_bytes`` (least recently used results go first) and
        remove leftovers: temporary files and abandoned claims."""
        now = time.time()
        files = []
        try:
            entries = list(os.scandir(self.dir))
        except OSError:
            return
        for e in entries:
            try:
                st = e.stat()
            except OSError:
                continue
            if e.name.endswith(SUFFIX):
                files.append((st.st_mtime, st.st_size, e.path))
            elif e.name.startswith(TMP) and now - st.st_mtime > TMP_STALE_S:
                self._discard(Path(e.path))
            elif e.name.endswith(LOCK) and self._holder(Path(e.path)) is None and now - st.st_mtime > 5.0:
                self._discard(Path(e.path))
        total = sum(size for _, size, _ in files)
        if total <= self.max_bytes:
            return
        files.sort()
        target = 0.8 * self.max_bytes
        for _, size, path in files:
            if total <= target:
                break
            self._discard(Path(path))
            total -= size

    def remove_old_versions(self) -> None:
        """Remove the folders of other code versions that nobody used for :data:`OLD_VERSION_S`."""
        now = time.time()
        try:
            entries = list(os.scandir(self.root))
        except OSError:
            return
        for e in entries:
            if e.name == self.dir.name or not e.is_dir(follow_symlinks=False):
                continue
            try:
                if now - e.stat(follow_symlinks=False).st_mtime > OLD_VERSION_S:
                    shutil.rmtree(e.path, ignore_errors=True)
            except OSError:
                pass


def _trusted(path: Path) -> str | None:
    """Why ``path`` cannot hold pickles this process will load, or ``None``."""
    st = path.stat()
    if hasattr(os, "getuid") and st.st_uid != os.getuid():
        return "owned by another user"
    if st.st_mode & 0o022:
        return "writable by other users"
    return None


def _make_dirs(path: Path) -> None:
    """Create ``path`` and its missing parents as ``0700`` (whatever the umask lets
    ``mkdir(parents=True)`` give them: group-writable under a 002 umask)."""
    missing = []
    p = path
    while not p.exists():
        missing.append(p)
        p = p.parent
    for p in reversed(missing):
        try:
            p.mkdir(mode=0o700)
        except FileExistsError:  # another process made it meanwhile
            continue
        os.chmod(p, 0o700)


_OPEN: dict[tuple, Memo | None] = {}
_OPEN_LOCK = threading.Lock()


def open_memo(root: Path | None, max_bytes: int) -> Memo | None:
    """The memo under ``root`` for this code version (one per process), or ``None`` when
    ``root`` is ``None`` or the folder cannot be used (logged once)."""
    if root is None or max_bytes <= 0:
        return None
    key = (str(root), int(max_bytes))
    with _OPEN_LOCK:
        if key not in _OPEN:
            memo = Memo(Path(root), max_bytes)
            try:
                _make_dirs(memo.dir)
                why = _trusted(memo.root) or _trusted(memo.dir)
                if why is None and not os.access(memo.dir, os.W_OK | os.X_OK):
                    why = "not writable"
                if why is None:
                    os.utime(memo.dir)  # in use: not an old version for the other versions' sweeps
            except OSError as err:
                why = str(err)
            if why is None:
                memo.remove_old_versions()
                memo.sweep()
                _OPEN[key] = memo
            else:
                _warn_once(f"open:{root}", "workshop memo disabled: %s (%s); each process computes its own "
                           "results", root, why)
                _OPEN[key] = None
        return _OPEN[key]
