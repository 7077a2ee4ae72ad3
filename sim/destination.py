"""Where results go: an output folder or file, checked before any work starts.

Every command that writes (``sim run --out``, ``compare``, ``sweep``, ``optimise``,
``population``, ``report``, ``schema``, ``calibrate``) asks here first, so that a run of an hour never
ends on "read-only file system": the folder (or the file's folder) must be one, or be
creatable under the nearest folder that exists; that folder must be on a writable file
system, writable by this user, with at least :data:`MIN_FREE` bytes free.  An output
file must not be an existing folder, and an output folder not an existing file.

What can still happen after the check (the disk fills up during the run) is handled by
the writer (:func:`sim.io.atomic_write`: a :class:`sim.io.WriteError` naming the file,
nothing half-written) and reported by the command line on one line, exit status 2.
"""

from __future__ import annotations

import os
from pathlib import Path

from .params import ScenarioError

MIN_FREE = 128 * 1024  # bytes: less than this, and even a small run cannot finish


def _nearest_existing(p: Path) -> Path:
    p = p.absolute()
    while not os.path.lexists(p) and p != p.parent:
        p = p.parent
    return p


def _writable(folder: Path, target: Path, option: str) -> None:
    if not folder.is_dir():
        raise ScenarioError(f"{folder} is a file, not a folder", source=str(target), path=option)
    try:
        st = os.statvfs(folder)
    except OSError as err:
        raise ScenarioError(f"cannot use {folder} ({err.strerror})", source=str(target),
                            path=option) from None
    if st.f_flag & os.ST_RDONLY:
        raise ScenarioError(f"{folder} is on a read-only file system", source=str(target), path=option)
    if not os.access(folder, os.W_OK | os.X_OK):
        raise ScenarioError(f"{folder} is not writable (permission denied)", source=str(target),
                            path=option)
    free = st.f_bavail * st.f_frsize
    if free < MIN_FREE:
        raise ScenarioError(f"only {free:,} bytes are free on the disk of {folder}: make room or "
                            "choose another folder", source=str(target), path=option)


def results_dir(path: str | os.PathLike, option: str = "--out") -> Path:
    """``path`` if it can be (or become) a results folder, else :class:`ScenarioError`."""
    p = Path(path)
    try:
        if os.path.lexists(p) and not p.is_dir():
            raise ScenarioError("is a file, not a folder", source=str(p), path=option)
        _writable(_nearest_existing(p), p, option)
    except OSError as err:  # a name too long, a loop of links...
        raise ScenarioError(f"cannot use this path ({err.strerror})", source=str(p), path=option) from None
    return p


def output_file(path: str | os.PathLike, option: str = "--out") -> Path:
    """``path`` if a file can be written there, else :class:`ScenarioError`."""
    p = Path(path)
    try:
        if p.is_dir():
            raise ScenarioError("is a folder, not a file", source=str(p), path=option)
        if os.path.lexists(p) and not p.is_file():
            raise ScenarioError("is not a regular file", source=str(p), path=option)
        _writable(_nearest_existing(p.parent), p, option)
    except OSError as err:
        raise ScenarioError(f"cannot use this path ({err.strerror})", source=str(p), path=option) from None
    return p
