"""Every problem of a scenario file, one :class:`ScenarioError` each (``sim validate``).

Loading a scenario (:func:`sim.scenario.from_dict`) stops at its first problem.  To
report them all, :func:`problems` loads the file, sets aside the field the error
names (a key, a list, a policy) and loads again, until the rest is valid: each
independent problem is reported once, in the order the loader checks them, with the
file and the field.  A file that is not readable YAML, or whose top level is not a
mapping, has one problem.
"""

from __future__ import annotations

import copy
import os
import re
from typing import Any

from .params import ScenarioError
from .safe_read import read_bounded
from .scenario import MAX_FILE_BYTES, from_dict, load, read_yaml, resolve_path

MAX_PROBLEMS = 200

_STEP = re.compile(r"([^.\[\]]+)|\[(\d+)\]")


def _steps(path: str) -> list[str | int]:
    """``"policies[2].share"`` -> ``["policies", 2, "share"]``."""
    return [int(i) if i else k for k, i in _STEP.findall(path)]


def _remove(raw: dict, steps: list[str | int]) -> bool:
    """Delete the node at ``steps`` in ``raw``; whether there was one.  An item of a list
    of numbers (``age_shares[0]``) takes its list with it; a policy leaves a hole
    (``None``) so that the positions of the others, used in messages, do not shift."""
    if steps and isinstance(steps[-1], int) and len(steps) >= 2 and steps[-2] != "policies":
        steps = steps[:-1]
    node: Any = raw
    for s in steps[:-1]:
        try:
            node = node[s]
        except (KeyError, IndexError, TypeError):
            return False
    last = steps[-1] if steps else None
    if isinstance(node, dict) and last in node:
        del node[last]
        return True
    if isinstance(node, list) and isinstance(last, int) and last < len(node) and node[last] is not None:
        node[last] = None
        return True
    return False


def _without_holes(raw: dict) -> tuple[dict, list[int]]:
    """``raw`` without the policies set aside, and the original position of each left."""
    pols = raw.get("policies")
    if not isinstance(pols, list):
        return raw, []
    keep = [i for i, p in enumerate(pols) if p is not None]
    return {**raw, "policies": [pols[i] for i in keep]}, keep


def _renumber(err: ScenarioError, keep: list[int], source: str) -> ScenarioError:
    """The error with its policy position as written in the file."""
    path = err.path
    if path and keep:
        m = re.match(r"policies\[(\d+)\]", path)
        if m and int(m.group(1)) < len(keep):
            path = f"policies[{keep[int(m.group(1))]}]" + path[m.end():]
    return ScenarioError(err.detail, source=source, path=path)


def scenario_problems(raw: Any, source: str = "<scenario>") -> list[ScenarioError]:
    """Every problem of a parsed scenario mapping (empty if it is valid)."""
    found: list[ScenarioError] = []
    work = copy.deepcopy(raw)
    while len(found) < MAX_PROBLEMS:
        trial, keep = _without_holes(work) if isinstance(work, dict) else (work, [])
        try:
            from_dict(trial, source=source)
            return found
        except ScenarioError as err:
            err = _renumber(err, keep, source)
            steps = _steps(err.path or "")
            if any(f.path == err.path for f in found):
                steps = steps[:-1]  # a default put in place of a bad value fails there too
            else:
                found.append(err)
            if not isinstance(work, dict) or not steps:
                return found
            # the field itself, else what holds it (a policy whose type is unknown...)
            while steps and not _remove(work, steps):
                steps = steps[:-1]
            if not steps:
                return found
    return found


def problems(path: str | os.PathLike) -> list[ScenarioError]:
    """Every problem of the scenario file ``path`` (empty if it is valid)."""
    try:
        load(path)
        return []
    except ScenarioError as first:
        try:  # read as load() did: a regular file, bounded (a FIFO was refused above)
            raw = read_yaml(read_bounded(resolve_path(path), MAX_FILE_BYTES), str(path))
        except (ScenarioError, OSError):
            return [first]
        if not isinstance(raw, dict):
            return [first]
        return scenario_problems(raw, str(path)) or [first]


__all__ = ["problems", "scenario_problems"]
