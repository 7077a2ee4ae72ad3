"""Names and text that come from users, checked once before anything runs or is written.

A scenario's or a sweep's ``name`` goes into file names (a comparison's
``scenarios/NN_NAME.yaml``, a sweep's default folder ``results/NAME``, a
download's file name), so it must be a **safe name**: letters of any script,
digits, ``_``, ``-``, ``+``, ``.`` and single spaces, starting with a letter, a
digit or ``_``, not ending with a space or a dot, at most :data:`MAX_NAME`
characters.  Such a name is never a path: no separator, no ``..``, no leading
dot, no NUL, nothing a file system would refuse.

Every other string and every key of a scenario or sweep must be **text**:
valid Unicode (no lone surrogate, which no encoding can write: the writers
would fail after the run) and no control character (NUL and friends) other
than tab and newline.  :func:`check_tree` walks a whole document once, so a
description, a choice or a policy key is covered wherever it sits; mapping
keys must be strings.
"""

from __future__ import annotations

import re
from typing import Any

from .params import ScenarioError, show

MAX_NAME = 80
# the same rule for editors (JSON Schema, ECMA-262 and Python regex alike), a little looser in
# the characters it lets through: no leading dot, dash, plus or space; no separator, colon or
# control character; single spaces; no trailing space or dot
NAME_SCHEMA_PATTERN = r"^[^\s./\\:+\-](?:[^/\\:\x00-\x1f\x7f ]| (?! ))*(?<![ .])$"
_NAME = re.compile(r"\w(?:[\w.+-]| (?! ))*")
_BAD_TEXT = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")


def check_name(value: Any, *, source: str | None = None, path: str = "name") -> str:
    """``value`` if it is a safe name (see the module docstring), else :class:`ScenarioError`."""
    if not isinstance(value, str):
        raise ScenarioError(f"expected a name, got {show(value)}", source=source, path=path)
    if not value:
        raise ScenarioError("must not be empty", source=source, path=path)
    if len(value) > MAX_NAME:
        raise ScenarioError(f"longer than {MAX_NAME} characters", source=source, path=path)
    if not _NAME.fullmatch(value) or value[-1] in ". ":
        raise ScenarioError(
            f"{show(value)} is not a safe name: use letters, digits, '_', '-', '+', '.' and "
            "single spaces, starting with a letter, a digit or '_' (it names files)",
            source=source, path=path)
    return value


def slug(text: str, default: str = "sweep") -> str:
    """A safe name made from ``text`` (e.g. a file's stem): other characters become ``_``."""
    out = re.sub(r"[^\w.+-]", "_", text)[:MAX_NAME].strip(". ")
    out = re.sub(r"^[.+-]+", "", out)
    try:
        return check_name(out)
    except ScenarioError:
        return default


def text_problem(value: str) -> str | None:
    """Why ``value`` is not text (see the module docstring), or ``None``."""
    m = _BAD_TEXT.search(value)
    if m is None:
        return None
    ch = ord(m.group())
    if 0xD800 <= ch <= 0xDFFF:
        return f"invalid Unicode (a lone surrogate U+{ch:04X} at character {m.start() + 1})"
    return f"a control character (U+{ch:04X}) at character {m.start() + 1}"


def check_tree(node: Any, *, source: str | None = None, path: str | None = "") -> None:
    """Walk a parsed document: every key a string, every string (key or value) text."""
    if isinstance(node, str):
        problem = text_problem(node)
        if problem:
            raise ScenarioError(f"{problem}: not text", source=source, path=path or None)
    elif isinstance(node, dict):
        for key, value in node.items():
            here = f"{path}.{key}" if path else str(key) if isinstance(key, str) else None
            if not isinstance(key, str):
                shown = show(key, 20)
                raise ScenarioError(f"keys must be text, got {shown}", source=source,
                                    path=f"{path}.{shown}" if path else shown)
            problem = text_problem(key)
            if problem:  # (the message shows the key with escapes)
                raise ScenarioError(f"this key holds {problem}", source=source, path=here)
            check_tree(value, source=source, path=here)
    elif isinstance(node, (list, tuple)):
        for i, value in enumerate(node):
            check_tree(value, source=source, path=f"{path}[{i}]")
