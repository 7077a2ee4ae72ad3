"""Typed, strict parameter trees.

A parameter tree is a nested ``dict`` whose leaves are :class:`Param` objects.
Every leaf carries its default, unit, bounds and source; user input (a YAML
scenario or a ``--set a.b.c=VALUE`` override) is checked against the tree:
unknown keys, wrong types and out-of-range values raise :class:`ScenarioError`
naming the field's dotted path.  Nothing here knows about households.
"""

from __future__ import annotations

import copy
import math
from dataclasses import dataclass, field
from typing import Any, Iterator


class ScenarioError(ValueError):
    """A user-facing input error: one line naming the file and the field."""

    def __init__(self, message: str, *, source: str | None = None, path: str | None = None):
        self.source = source
        self.path = path
        self.detail = message
        super().__init__(self._format())

    def _format(self) -> str:
        # one line, of a readable length, whatever the user's keys and values
        where = _clip(self.source or "<scenario>", 200)
        detail = _clip(" ".join(str(self.detail).split(" ")), 500)
        if self.path:
            return f"{where}: {_clip(self.path, 120)}: {detail}"
        return f"{where}: {detail}"

    def with_source(self, source: str) -> "ScenarioError":
        return ScenarioError(self.detail, source=source, path=self.path)


def _clip(text: str, width: int) -> str:
    """``text`` made printable (control characters and lone surrogates as escapes: a message
    is one line, and a terminal never receives an escape sequence), cut at ``width``."""
    text = str(text)
    if not text.isprintable():
        text = "".join(c if c.isprintable() else repr(c)[1:-1] for c in text)
    return text if len(text) <= width else text[: width - 3] + "..."


@dataclass(frozen=True)
class Param:
    """One leaf of a parameter tree.

    kind: "float", "int", "bool", "str", "choice", "floats" (list of floats),
    "strs" (list of strings), "shares" (list of floats in [0, 1] summing to 1).
    """

    default: Any
    unit: str = ""
    lo: float | None = None
    hi: float | None = None
    source: str = ""
    kind: str = "float"
    choices: tuple[str, ...] = ()
    length: int | None = None
    doc: str = ""

    def check(self, value: Any, path: str) -> Any:
        """Return ``value`` coerced to this parameter's type, or raise."""
        k = self.kind
        if k == "bool":
            if not isinstance(value, bool):
                raise ScenarioError(f"expected true/false, got {_show(value)}", path=path)
            return value
        if k in ("float", "int"):
            return self._number(value, path)
        if k == "str":
            if not isinstance(value, str):
                raise ScenarioError(f"expected a string, got {_show(value)}", path=path)
            return value
        if k == "choice":
            if not isinstance(value, str) or value not in self.choices:
                raise ScenarioError(
                    f"expected one of {', '.join(self.choices)}, got {_show(value)}", path=path
                )
            return value
        if k in ("floats", "shares"):
            if not isinstance(value, (list, tuple)):
                raise ScenarioError(f"expected a list of numbers, got {_show(value)}", path=path)
            if self.length is not None and len(value) != self.length:
                raise ScenarioError(
                    f"expected {self.length} numbers, got {len(value)}", path=path
                )
            out = [self._number(v, f"{path}[{i}]") for i, v in enumerate(value)]
            if k == "shares" and abs(sum(out) - 1.0) > 1e-6:
                raise ScenarioError(f"shares must add up to 1 (they add up to {sum(out):.6g})", path=path)
            return out
        if k == "strs":
            if not isinstance(value, (list, tuple)) or not all(isinstance(v, str) for v in value):
                raise ScenarioError(f"expected a list of strings, got {_show(value)}", path=path)
            bad = [v for v in value if self.choices and v not in self.choices]
            if bad:
                raise ScenarioError(
                    f"unknown value {bad[0]!r} (expected among {', '.join(self.choices)})", path=path
                )
            return list(value)
        raise AssertionError(f"unknown Param kind {k}")  # programming error

    def _number(self, value: Any, path: str) -> float | int:
        value = number(value, path=path, integer=False)
        if self.kind == "int":
            if isinstance(value, float) and not value.is_integer():
                raise ScenarioError(f"expected a whole number, got {value}", path=path)
            value = int(value)
        else:
            value = float(value)
        lo = 0.0 if self.kind == "shares" and self.lo is None else self.lo
        hi = 1.0 if self.kind == "shares" and self.hi is None else self.hi
        if lo is not None and value < lo:
            raise ScenarioError(f"{value:g} is below the minimum {lo:g} {self.unit}".rstrip(), path=path)
        if hi is not None and value > hi:
            raise ScenarioError(f"{value:g} is above the maximum {hi:g} {self.unit}".rstrip(), path=path)
        return value


MAX_INT_BITS = 63  # integers beyond a signed 64-bit word are refused wherever a number goes


class HugeNumber:
    """What the YAML loader reads for an integer too long to convert (Python refuses more
    than 4,300 digits): a value every check refuses *with its field's path*."""

    def __init__(self, digits: int):
        self.digits = digits

    def __repr__(self) -> str:
        return f"an integer of {self.digits:,} digits"


def show(value: Any, width: int = 40) -> str:
    """A short, safe rendering of any user value for a message (never raises).

    ``repr`` alone is not enough: an integer of more than 4,300 digits cannot be
    turned into text, and a long string would flood the one-line message.
    """
    if isinstance(value, int) and not isinstance(value, bool) and value.bit_length() > 128:
        return f"an integer of about {int(value.bit_length() * 0.30103) + 1:,} digits"
    try:
        text = repr(value)
    except Exception:  # noqa: BLE001 - a message must never fail
        return f"a {type(value).__name__}"
    return text if len(text) <= width else text[: width - 3] + "..."


_show = show


def number(value: Any, *, path: str | None = None, source: str | None = None,
           integer: bool = False) -> float | int:
    """``value`` if it is a finite number that fits a machine word or a float, else
    :class:`ScenarioError`; ``integer`` also asks for a whole number (returned as ``int``).

    One check for every number a user gives (scenario leaves, policy parameters,
    sweep values and sizes, seeds): booleans, strings, huge integers (beyond
    2**63, or beyond float range) and NaN/infinity are refused with the field's path.
    """
    if isinstance(value, HugeNumber):
        raise ScenarioError(f"{show(value)} is too large (at most {2**MAX_INT_BITS - 1:,})",
                            source=source, path=path)
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise ScenarioError(f"expected a number, got {show(value)}", source=source, path=path)
    if isinstance(value, int) and value.bit_length() > MAX_INT_BITS:
        raise ScenarioError(f"{show(value)} is too large (at most {2**MAX_INT_BITS - 1:,})",
                            source=source, path=path)
    if isinstance(value, float) and not math.isfinite(value):
        raise ScenarioError(f"expected a finite number, got {value}", source=source, path=path)
    if integer:
        if isinstance(value, float):
            if not value.is_integer():
                raise ScenarioError(f"expected a whole number, got {show(value)}", source=source,
                                    path=path)
            if abs(value) >= 2.0**MAX_INT_BITS:
                raise ScenarioError(f"{value:g} is too large", source=source, path=path)
        return int(value)
    return value


def defaults(tree: dict) -> dict:
    """Plain nested dict of the tree's default values."""
    out = {}
    for key, node in tree.items():
        out[key] = defaults(node) if isinstance(node, dict) else copy.deepcopy(node.default)
    return out


def merge(tree: dict, base: dict, user: Any, prefix: str = "") -> dict:
    """Return ``base`` updated with ``user``, checked strictly against ``tree``."""
    if not isinstance(user, dict):
        raise ScenarioError(f"expected a mapping, got {_show(user)}", path=prefix or None)
    out = copy.deepcopy(base)
    for key, value in user.items():
        path = f"{prefix}.{key}" if prefix else str(key)
        if not isinstance(key, str) or key not in tree:
            known = ", ".join(sorted(tree))
            raise ScenarioError(f"unknown key (known keys: {known})", path=path)
        node = tree[key]
        if isinstance(node, dict):
            out[key] = merge(node, out[key], value, path)
        else:
            out[key] = node.check(value, path)
    return out


def lookup(tree: dict, path: str) -> Param | dict:
    node: Any = tree
    for part in path.split("."):
        if not isinstance(node, dict) or part not in node:
            raise ScenarioError("unknown parameter", path=path)
        node = node[part]
    return node


def leaves(tree: dict, prefix: str = "") -> Iterator[tuple[str, Any]]:
    """Yield ``(dotted_path, leaf)`` for every leaf of a nested dict, in order.

    The leaves of a parameter tree are its :class:`Param` objects; those of a
    summary (:mod:`sim.summary`) its numbers.
    """
    for key, node in tree.items():
        path = f"{prefix}.{key}" if prefix else key
        if isinstance(node, dict):
            yield from leaves(node, path)
        else:
            yield path, node


def nest(flat: dict[str, Any]) -> dict:
    """The inverse of :func:`leaves`: ``{"a.b": x}`` -> ``{"a": {"b": x}}``, in order."""
    out: dict = {}
    for key, value in flat.items():
        node = out
        *head, last = key.split(".")
        for part in head:
            node = node.setdefault(part, {})
        node[last] = value
    return out


@dataclass
class Namespace:
    """Attribute access over a checked parameter dict (read-only by convention)."""

    data: dict = field(default_factory=dict)

    def __getattr__(self, name: str) -> Any:
        try:
            value = self.data[name]
        except KeyError:
            raise AttributeError(name) from None
        return Namespace(value) if isinstance(value, dict) else value
