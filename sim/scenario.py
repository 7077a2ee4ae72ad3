"""Scenario files: strict YAML loading, dotted overrides, hashing.

A scenario is the parameter tree of :data:`sim.defaults.SCENARIO` plus a
``policies`` list.  Loading is strict: unknown keys, wrong types, values out
of range, unknown policies or benefits raise :class:`ScenarioError` whose
message names the file and the field path.  YAML is read with a safe loader
that also refuses anchors/aliases (no "billion laughs") and Python tags.
"""

from __future__ import annotations

import copy
import hashlib
import json
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable

import yaml

from .calibration import DEFAULT_PRESET, preset_names, preset_values
from .benefits import REGISTRY as BENEFITS
from .defaults import SCENARIO
from .names import check_name, check_tree
from .params import ScenarioError, defaults, merge, number, show
from .strict_yaml import MAX_FILE_BYTES, StrictLoader, parse, read_yaml  # noqa: F401  (re-exported)
from .policies import REGISTRY as POLICIES, Policy, build_policy
from .safe_read import file_sha256, read_bounded

SCENARIO_DIR = Path(__file__).resolve().parent.parent / "scenarios"


@dataclass
class Scenario:
    """A checked scenario: parameter values, policies, and where it came from."""

    data: dict
    policies: list[Policy]
    source: str = "<scenario>"
    raw: dict = field(default_factory=dict)  # the user's own keys, for saving and overrides

    @property
    def name(self) -> str:
        return self.data["name"]

    @property
    def benefits(self) -> list[str]:
        return list(self.data["benefits_enabled"])

    def content_hash(self) -> str:
        """SHA-256 of the fully resolved scenario (defaults included)."""
        blob = json.dumps(self.resolved(), sort_keys=True, separators=(",", ":")).encode()
        return hashlib.sha256(blob).hexdigest()

    def resolved(self) -> dict:
        out = copy.deepcopy(self.data)  # preset values already merged in
        out["policies"] = [p.to_dict() for p in self.policies]
        return out

    def with_overrides(self, sets: Iterable[str] | dict) -> "Scenario":
        raw = copy.deepcopy(self.raw)
        items = sets.items() if isinstance(sets, dict) else (parse_set(s) for s in sets)
        for path, value in items:
            set_path(raw, path, value)
        return from_dict(raw, source=self.source)

    def to_yaml(self) -> str:
        return yaml.safe_dump(self.raw, sort_keys=False, allow_unicode=True)


def parse_set(text: str) -> tuple[str, Any]:
    """``"a.b=VALUE"`` -> ``("a.b", value)``; the value is read as YAML (numbers, lists...)."""
    if "=" not in text:
        raise ScenarioError(f"--set expects PATH=VALUE, got {show(text)}", source="--set")
    path, value = text.split("=", 1)
    path = path.strip()
    if not path:
        raise ScenarioError(f"--set expects PATH=VALUE, got {show(text)}", source="--set")
    try:
        parsed = parse(value) if value.strip() else ""
    except yaml.YAMLError:
        parsed = value  # not YAML: the text itself (the parameter's check decides)
    except ScenarioError as err:  # nesting too deep, an alias...
        detail = err.detail.removeprefix("line 1: ")  # the value is one line
        raise ScenarioError(detail, source="--set", path=_clip(path)) from None
    return path, parsed


def _clip(text: str, width: int = 80) -> str:
    return text if len(text) <= width else text[: width - 3] + "..."


def set_path(raw: dict, path: str, value: Any) -> None:
    """Set ``value`` at dotted ``path`` in a raw scenario dict.

    A policy is addressed by its ``id`` (``policies.closure.share``), by its ``type``
    when no other policy has that type (``policies.counter_closure.share``), or by
    its position (``policies.2.share``, which shifts when a policy is inserted).
    Every step must be a section (a mapping) or a list; anything else is refused naming
    the path so far.
    """
    parts = path.split(".")
    if not all(parts):
        raise ScenarioError("empty part in the path", source="--set", path=_clip(path))
    node: Any = raw
    for i, part in enumerate(parts):
        if isinstance(node, list):
            key: Any = policy_index(node, part, ".".join(parts[: i + 1]))
        elif isinstance(node, dict):
            key = part
        else:
            raise ScenarioError("not a section", source="--set", path=".".join(parts[:i]))
        if i == len(parts) - 1:
            node[key] = value
            return
        if isinstance(node, dict):
            if key == "policies" and key not in node:
                raise ScenarioError("this scenario has no policies", source="--set", path=path)
            node = node.setdefault(key, {})
        else:
            node = node[key]


def from_dict(raw: Any, source: str = "<scenario>") -> Scenario:
    """Check a raw mapping against the scenario tree and build its policies."""
    if raw is None:
        raise ScenarioError("empty scenario (expected a mapping)", source=source)
    if not isinstance(raw, dict):
        raise ScenarioError(f"expected a mapping at the top level, got {type(raw).__name__}", source=source)
    raw = copy.deepcopy(raw)
    try:
        check_tree(raw)  # keys are strings; every string is writable text (no NUL, no surrogate)
        if "name" in raw:
            check_name(raw["name"])  # it names files: a safe name, never a path
        policies_raw = raw.pop("policies", [])
        if policies_raw is None:  # `policies:` with every item commented out
            policies_raw = []
        if not isinstance(policies_raw, list):
            raise ScenarioError(f"expected a list of policies, got {show(policies_raw)}",
                                path="policies")
        preset = raw.get("preset", DEFAULT_PRESET)
        if preset != "none" and preset not in preset_names():  # a closed set of names, never a path
            raise ScenarioError(f"unknown preset {show(preset)} (known: "
                                f"{', '.join(preset_names())}, none)", path="preset")
        base = defaults(SCENARIO)
        if preset != "none":
            base = merge(SCENARIO, base, _preset_values(preset), prefix="")
        data = merge(SCENARIO, base, {k: v for k, v in raw.items() if k != "preset"})
        data["preset"] = preset
        if data["report_months"] > data["months"]:
            raise ScenarioError(f"must not exceed months ({data['months']})", path="report_months")
        enabled = data["benefits_enabled"]
        if not enabled:
            raise ScenarioError("at least one benefit must be enabled", path="benefits_enabled")
        if len(set(enabled)) != len(enabled):
            raise ScenarioError("a benefit is listed twice", path="benefits_enabled")
        for b in enabled:  # a table must exist for the legislation date
            BENEFITS[b].for_legislation(data["legislation"])
        check_policy_ids(policies_raw)
        policies = [build_policy(_policy_spec(without_id(spec), f"policies[{i}]"), f"policies[{i}]",
                                 data["months"], enabled) for i, spec in enumerate(policies_raw)]
    except ScenarioError as err:
        raise err.with_source(source) from None
    raw["policies"] = policies_raw
    return Scenario(data=data, policies=policies, source=source, raw=raw)


_PRESETS: dict[str, tuple[tuple, dict]] = {}


def _preset_values(name: str) -> dict:
    """:func:`sim.calibration.preset_values`, read once per version of the preset files
    (a sweep builds one scenario per point: the YAML is not parsed again each time)."""
    from .calibration import PRESET_DIR
    stamp = tuple(sorted((p.name, p.stat().st_mtime_ns, p.stat().st_size)
                         for p in PRESET_DIR.glob("*.yaml")))
    hit = _PRESETS.get(name)
    if hit is None or hit[0] != stamp:
        hit = _PRESETS[name] = (stamp, preset_values(name))
    return copy.deepcopy(hit[1])


def _policy_spec(spec: Any, path: str) -> Any:
    """A policy mapping whose ``type`` is a known name and whose keys are its parameters.

    Checked here, before the policy class sees them as keyword arguments: a ``type``
    that is a mapping or a list, or a key such as ``self``, is a message, not a crash.
    """
    if not isinstance(spec, dict):
        return spec  # build_policy names what is expected
    kind = spec.get("type")
    if not isinstance(kind, str) or kind not in POLICIES:
        raise ScenarioError(f"unknown policy {show(kind)} (known policies: "
                            f"{', '.join(sorted(POLICIES))})", path=f"{path}.type")
    if "start" in spec:  # a month: a machine integer (build_policy checks the horizon)
        start = spec["start"]
        if isinstance(start, bool) or not isinstance(start, int):
            raise ScenarioError(f"expected a whole month number, got {show(start)}",
                                path=f"{path}.start")
        number(start, path=f"{path}.start", integer=True)
    known = set(POLICIES[kind].params)
    for key in spec:
        if key not in known and key not in ("type", "start"):
            raise ScenarioError(f"unknown key (known keys: {', '.join(sorted(known | {'id', 'start'}))})",
                                path=f"{path}.{key}")
    return spec


def load(path: str | os.PathLike, sets: Iterable[str] = ()) -> Scenario:
    """Load and check a scenario file (a path, or the name of a bundled scenario)."""
    p = resolve_path(path)
    source = str(path)
    blob = read_bounded(p, MAX_FILE_BYTES, source=source, what="scenario file")
    sc = from_dict(read_yaml(blob, source), source=source)
    sets = list(sets)
    return sc.with_overrides(sets) if sets else sc


def resolve_path(path: str | os.PathLike) -> Path:
    """``path`` itself, or the bundled scenario of that name (a closed set: never a path)."""
    p = Path(path)
    if not os.path.lexists(p) and str(path) in bundled_names():
        return SCENARIO_DIR / f"{path}.yaml"
    return p


def bundled_names() -> list[str]:
    return [p.stem for p in bundled()]


def bundled() -> list[Path]:
    return sorted(SCENARIO_DIR.glob("*.yaml"))


def file_hash(path: str | os.PathLike, limit: int = 1 << 40) -> str:
    """SHA-256 of a regular file, streamed (population files can be gigabytes)."""
    return file_sha256(path, limit)


# -- policy ids: `policies.<id>.share` in --set and sweeps ------------------------------

POLICY_ID_PATTERN = r"^[A-Za-z_][A-Za-z0-9_-]{0,63}$"  # never all digits: those are positions
_POLICY_ID = re.compile(POLICY_ID_PATTERN)


def check_policy_ids(policies: list) -> None:
    """Each ``id:`` is a name (letters, digits, ``_``, ``-``; not starting with a digit) and
    unique, and no id is the type of another policy (``policies.TYPE`` would be ambiguous)."""
    seen: dict[str, int] = {}
    for i, spec in enumerate(policies):
        if not isinstance(spec, dict) or "id" not in spec:
            continue
        pid = spec["id"]
        if not isinstance(pid, str) or not _POLICY_ID.match(pid):
            raise ScenarioError(f"a policy id is a name of letters, digits, '_' and '-' starting "
                                f"with a letter, got {show(pid)}", path=f"policies[{i}].id")
        if pid in seen:
            raise ScenarioError(f"id {pid!r} is also the id of policies[{seen[pid]}]",
                                path=f"policies[{i}].id")
        seen[pid] = i
    for i, spec in enumerate(policies):
        kind = spec.get("type") if isinstance(spec, dict) else None
        if isinstance(kind, str) and kind in seen and seen[kind] != i:
            raise ScenarioError(f"id {kind!r} is the type of policies[{i}]: choose another id",
                                path=f"policies[{seen[kind]}].id")


def without_id(spec: Any) -> Any:
    """A policy mapping without its ``id`` (a name for addressing it, not a parameter)."""
    return {k: v for k, v in spec.items() if k != "id"} if isinstance(spec, dict) else spec


def policy_index(policies: list, part: str, path: str) -> int:
    """The position of the policy that ``part`` names: its id, its type if no other policy
    has that type, or a position written in digits."""
    if part.isascii() and part.isdigit():
        if int(part) >= len(policies):
            raise ScenarioError(f"no such policy index (the scenario has {len(policies)} "
                                "policies)", source="--set", path=path)
        return int(part)
    by_id = [i for i, p in enumerate(policies) if isinstance(p, dict) and p.get("id") == part]
    if by_id:
        return by_id[0]
    by_type = [i for i, p in enumerate(policies) if isinstance(p, dict) and p.get("type") == part]
    if len(by_type) == 1:
        return by_type[0]
    names = sorted({str(p.get("id") or p.get("type")) for p in policies if isinstance(p, dict)})
    if by_type:
        raise ScenarioError(f"{len(by_type)} policies have type {part!r}: give them an id, or "
                            "use their position", source="--set", path=path)
    raise ScenarioError(f"no policy with id {part!r} (ids and types: {', '.join(names) or 'none'})",
                        source="--set", path=path)
