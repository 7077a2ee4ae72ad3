"""JSON Schema of scenario files, generated from the parameter tree and the policy registry.

``sim schema`` prints it; ``docs/scenario.schema.json`` is the committed copy (a
test checks it is current) that the bundled scenarios name on their first line::

    # yaml-language-server: $schema=../docs/scenario.schema.json

so that an editor with a YAML language server (VS Code's YAML extension, vim/neovim
with yaml-language-server...) completes keys, shows each parameter's unit, default
and source, and underlines unknown keys, wrong types and out-of-range values as you
type.  The schema says what one field can be on its own; what depends on several
(shares adding up to 1, ``report_months`` within ``months``, a policy month within
the horizon, a benefit with tables at the legislation date, a policy's benefits
being enabled) is checked by ``sim validate``, which reports every problem.
"""

from __future__ import annotations

from typing import Any

from . import __version__
from .calibration import preset_names
from .names import MAX_NAME, NAME_SCHEMA_PATTERN
from .defaults import SCENARIO
from .params import Param
from .policies import REGISTRY as POLICIES
from .scenario import POLICY_ID_PATTERN

DRAFT = "https://json-schema.org/draft/2020-12/schema"  # the dialect's name; nothing is fetched


def _describe(p: Param) -> str:
    parts = [p.doc] if p.doc else []
    if p.unit:
        parts.append(f"unit: {p.unit}")
    if p.source:
        parts.append(f"source: {p.source}")
    return "; ".join(parts)


def _number(p: Param) -> dict:
    out: dict[str, Any] = {"type": "integer" if p.kind == "int" else "number"}
    lo, hi = p.lo, p.hi
    if p.kind == "shares":
        lo = 0.0 if lo is None else lo
        hi = 1.0 if hi is None else hi
    if lo is not None:
        out["minimum"] = lo
    if hi is not None:
        out["maximum"] = hi
    return out


def param_schema(p: Param) -> dict:
    """The schema of one parameter (its type, bounds or choices, default, description)."""
    k = p.kind
    out: dict[str, Any]
    if k == "bool":
        out = {"type": "boolean"}
    elif k in ("float", "int"):
        out = _number(p)
    elif k == "str":
        out = {"type": "string"}
    elif k == "choice":
        out = {"enum": list(p.choices)}
    elif k in ("floats", "shares"):
        out = {"type": "array", "items": _number(p)}
        if p.length is not None:
            out["minItems"] = out["maxItems"] = p.length
    elif k == "strs":
        items: dict[str, Any] = {"type": "string"}
        if p.choices:
            items["enum"] = list(p.choices)
        out = {"type": "array", "items": items, "uniqueItems": True}
    else:  # pragma: no cover - a new Param kind must be described here
        raise AssertionError(f"no schema for Param kind {k}")
    out["default"] = p.default
    desc = _describe(p)
    if desc:
        out["description"] = desc
    return out


def tree_schema(tree: dict) -> dict:
    """A mapping of parameters: every key known, no other allowed."""
    return {"type": "object", "additionalProperties": False,
            "properties": {k: tree_schema(v) if isinstance(v, dict) else param_schema(v)
                           for k, v in tree.items()}}


def policy_schema(name: str, cls) -> dict:
    props: dict[str, Any] = {
        "type": {"const": name, "description": cls.doc},
        "start": {"type": "integer", "minimum": 0, "default": 0,
                  "description": "month the policy is switched on (0-based, within the horizon)"},
        "id": {"type": "string", "pattern": POLICY_ID_PATTERN,
               "description": "a name for --set and sweeps: policies.ID.KEY"},
    }
    props.update(tree_schema(cls.params)["properties"])
    return {"type": "object", "title": name, "required": ["type"], "additionalProperties": False,
            "properties": props}


def scenario_schema() -> dict:
    """The JSON Schema (draft 2020-12) of a scenario file."""
    body = tree_schema(SCENARIO)
    props = body["properties"]
    props["name"] = {**props["name"], "minLength": 1, "maxLength": MAX_NAME,
                     "pattern": NAME_SCHEMA_PATTERN}
    props["preset"] = {**props["preset"], "enum": [*preset_names(), "none"]}
    props["legislation"] = {**props["legislation"], "pattern": r"^\d{4}-\d{2}$"}
    props["benefits_enabled"] = {**props["benefits_enabled"], "minItems": 1}
    kinds = sorted(POLICIES)
    props["policies"] = {
        "type": ["array", "null"],
        "description": "policies switched on at given months; each has a type, a start and "
                       "its parameters",
        "items": {"type": "object", "required": ["type"],
                  "properties": {"type": {"enum": kinds}},
                  "allOf": [{"if": {"properties": {"type": {"const": k}}},
                             "then": {"$ref": f"#/$defs/{k}"}} for k in kinds]},
    }
    return {"$schema": DRAFT,
            "title": f"sim scenario (sim {__version__})",
            "description": "A scenario file of sim: parameters that differ from the defaults "
                           "(docs/parameters.md) and a list of policies.",
            **body, "$defs": {k: policy_schema(k, POLICIES[k]) for k in kinds}}


__all__ = ["scenario_schema", "param_schema", "tree_schema", "policy_schema"]
