"""Writing files: the one way the package puts bytes on disk.

Every file the package writes (result stores, ``sim run``'s CSV and JSON, reports,
population exports, presets) goes through :func:`atomic_write`: the bytes go to a
hidden temporary file in the target's directory, are flushed to disk, then the file
is renamed over the target.  A reader, or a run killed at any instant, sees the old
file or the new one, never half of one; what a kill leaves behind is a hidden
``.NAME.*.tmp`` file, which :func:`remove_temporaries` deletes.

Formats, each deterministic (same data, same bytes):

- JSON (:func:`to_json`): indented, keys in insertion order, NaN and infinities
  written as ``null`` (JSON has no NaN), numpy scalars as plain numbers;
- CSV (:func:`csv_text`): a header from the first row, floats as ``repr`` (they read
  back exactly), NaN as an empty cell;
- Parquet (:func:`parquet_bytes`): zstd, statistics, no pandas index, no timestamps.

Nothing here knows about scenarios or results; it sits below everything that writes.
"""

from __future__ import annotations

import csv
import io
import json
import math
import os
import tempfile
from pathlib import Path
from typing import Any, Iterable

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

TMP_SUFFIX = ".tmp"


class WriteError(OSError):
    """A file could not be written (disk full, read-only folder, permissions): ``filename``
    is the file meant (not its temporary); nothing half-written is left behind."""


def atomic_write(path: str | os.PathLike, data: str | bytes) -> Path:
    """Write ``data`` (text as UTF-8, or bytes) to ``path`` atomically; returns the path.

    Parent directories are created.  The file gets the usual permissions (``0666``
    less the umask; results are meant to be shared), not ``mkstemp``'s ``0600``.
    """
    path = Path(path)
    # encoded before anything is created; a lone surrogate (a file name given on the command
    # line that is not UTF-8) is written as its escape, never a crash half-way
    blob = data.encode("utf-8", errors="backslashreplace") if isinstance(data, str) else data
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=TMP_SUFFIX)
    except OSError as err:
        raise WriteError(err.errno, err.strerror, str(path)) from None
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(blob)
            fh.flush()
            os.fsync(fh.fileno())
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)
        os.replace(tmp, path)
    except BaseException as err:
        if os.path.exists(tmp):
            os.unlink(tmp)
        if isinstance(err, OSError):  # ENOSPC, EROFS, EACCES...: the file meant, one line
            raise WriteError(err.errno, err.strerror, str(path)) from None
        raise
    return path


def remove_temporaries(*dirs: str | os.PathLike) -> int:
    """Delete the hidden temporary files a killed writer left in ``dirs``; how many."""
    n = 0
    for d in map(Path, dirs):
        if d.is_dir():
            for f in d.iterdir():
                if f.name.startswith(".") and f.name.endswith(TMP_SUFFIX) and f.is_file():
                    f.unlink()
                    n += 1
    return n


# -- JSON -------------------------------------------------------------------------

def clean(obj: Any) -> Any:
    """``obj`` with numpy scalars as Python numbers and NaN / infinities as ``None``."""
    if isinstance(obj, dict):
        return {k: clean(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [clean(v) for v in obj]
    if isinstance(obj, (float, np.floating)):
        return None if math.isnan(obj) or math.isinf(obj) else float(obj)
    if isinstance(obj, np.integer):
        return int(obj)
    if isinstance(obj, np.bool_):
        return bool(obj)
    return obj


def to_json(obj: Any) -> str:
    """Indented JSON text (UTF-8 characters kept), ending with a newline."""
    return json.dumps(clean(obj), indent=2, sort_keys=False, ensure_ascii=False) + "\n"


def write_json(path: str | os.PathLike, obj: Any) -> Path:
    return atomic_write(path, to_json(obj))


def read_json(path: str | os.PathLike) -> Any:
    return json.loads(Path(path).read_text(encoding="utf-8"))


# -- CSV --------------------------------------------------------------------------

def _cell(v: Any) -> Any:
    if isinstance(v, (float, np.floating)):
        return "" if math.isnan(v) else repr(float(v))
    if v is None:
        return ""
    return v


def csv_text(rows: Iterable[dict]) -> str:
    """CSV text of ``rows`` (dicts sharing the first row's keys); empty text for no rows."""
    rows = list(rows)
    buf = io.StringIO()
    if rows:
        w = csv.DictWriter(buf, fieldnames=list(rows[0]), lineterminator="\n")
        w.writeheader()
        for r in rows:
            w.writerow({k: _cell(v) for k, v in r.items()})
    return buf.getvalue()


def write_csv(path: str | os.PathLike, rows: Iterable[dict]) -> Path:
    return atomic_write(path, csv_text(rows))


# -- Parquet ----------------------------------------------------------------------

def parquet_bytes(table: pa.Table) -> bytes:
    """A table as Parquet bytes, deterministically (same table, same bytes)."""
    sink = pa.BufferOutputStream()
    pq.write_table(table, sink, compression="zstd", write_statistics=True)
    return sink.getvalue().to_pybytes()


def write_parquet(path: str | os.PathLike, table: pa.Table) -> Path:
    return atomic_write(path, parquet_bytes(table))


def read_parquet(path: str | os.PathLike) -> pa.Table:
    return pq.read_table(path)


__all__ = ["WriteError", "atomic_write", "remove_temporaries", "clean", "to_json", "write_json", "read_json",
           "csv_text", "write_csv", "parquet_bytes", "write_parquet", "read_parquet"]
