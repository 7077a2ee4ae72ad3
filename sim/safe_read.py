"""Reading files a user names: regular files only, bounded, never blocking.

Every loader of a user's file (scenario, sweep, population CSV, results
manifests) opens it here.  The file is opened without blocking (a FIFO would
otherwise wait forever for a writer), then checked on the open descriptor —
not on the name, which could be swapped in between: directories, FIFOs,
sockets and devices (``/dev/zero`` behind a link) are refused, as is a file
larger than the caller's bound.  Reads stop at the bound whatever the file
claims, so a file growing while it is read cannot run past it either.

Errors are :class:`sim.params.ScenarioError`: one line naming the file.
"""

from __future__ import annotations

import hashlib
import io
import os
import stat
from pathlib import Path

from .params import ScenarioError

_KINDS = ((stat.S_ISDIR, "a directory"), (stat.S_ISFIFO, "a FIFO (named pipe)"),
          (stat.S_ISSOCK, "a socket"), (stat.S_ISCHR, "a character device"),
          (stat.S_ISBLK, "a block device"))


def _kind(mode: int) -> str:
    return next((name for test, name in _KINDS if test(mode)), "not a regular file")


def open_regular(path: str | os.PathLike, limit: int, *, source: str | None = None,
                 what: str = "file") -> io.BufferedReader:
    """Open ``path`` for reading in binary mode if it is a regular file of at most ``limit``
    bytes; the caller closes it (``with open_regular(...) as fh``)."""
    source = str(path) if source is None else source
    try:  # refused before opening: opening a device or a FIFO may itself do something
        st = os.stat(path)
        if not stat.S_ISREG(st.st_mode):
            raise ScenarioError(f"is {_kind(st.st_mode)}, not a {what}: only regular files are read",
                                source=source)
    except FileNotFoundError:
        raise ScenarioError("no such file", source=source) from None
    except (OSError, ValueError):
        pass  # os.open below says why
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC | getattr(os, "O_NOCTTY", 0))
    except FileNotFoundError:
        raise ScenarioError("no such file", source=source) from None
    except IsADirectoryError:
        raise ScenarioError(f"is a directory, not a {what}", source=source) from None
    except (OSError, ValueError) as err:  # ValueError: a NUL byte in the name
        reason = getattr(err, "strerror", None) or "invalid file name"
        raise ScenarioError(f"cannot read this {what} ({reason})", source=source) from None
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            raise ScenarioError(f"is {_kind(st.st_mode)}, not a {what}: only regular files are read",
                                source=source)
        if st.st_size > limit:
            raise ScenarioError(f"{what} larger than {limit:,} bytes", source=source)
        os.set_blocking(fd, True)
        return os.fdopen(fd, "rb")
    except BaseException:
        os.close(fd)
        raise


def read_bounded(path: str | os.PathLike, limit: int, *, source: str | None = None,
                 what: str = "file") -> bytes:
    """The bytes of a regular file of at most ``limit`` bytes (see :func:`open_regular`)."""
    source = str(path) if source is None else source
    with open_regular(path, limit, source=source, what=what) as fh:
        try:
            blob = fh.read(limit + 1)
        except OSError as err:
            raise ScenarioError(f"cannot read this {what} ({err.strerror})", source=source) from None
    if len(blob) > limit:  # it grew after the check
        raise ScenarioError(f"{what} larger than {limit:,} bytes", source=source)
    return blob


def is_regular(path: str | os.PathLike) -> bool:
    """True for an existing regular file (following links), without opening it."""
    try:
        return stat.S_ISREG(Path(path).stat().st_mode)
    except (OSError, ValueError):
        return False


def file_sha256(path: str | os.PathLike, limit: int, *, what: str = "file") -> str:
    """SHA-256 of a regular file, read in chunks (a 4 GB population file is never in memory)."""
    h = hashlib.sha256()
    with open_regular(path, limit, what=what) as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()
