"""Calibration: targets (targets.yaml), presets of fitted parameters, and their check.

A preset is a YAML file in ``presets/`` giving values for part of the scenario
tree; a scenario selects one with its ``preset`` key (default
:data:`DEFAULT_PRESET`), and its own keys override the preset's.  Presets may
build on another (``base:``).
"""

from __future__ import annotations

from pathlib import Path

from ..params import ScenarioError
from ..strict_yaml import read_yaml

PRESET_DIR = Path(__file__).resolve().parent / "presets"
TARGETS_FILE = Path(__file__).resolve().parent / "targets.yaml"
DEFAULT_PRESET = "france_2021"


def preset_names() -> list[str]:
    return sorted(p.stem for p in PRESET_DIR.glob("*.yaml"))


def preset_values(name: str, _seen: tuple = ()) -> dict:
    """The raw parameter values of a preset, its bases merged in (base first)."""
    if name in _seen:
        raise ScenarioError(f"preset {name!r} builds on itself", path="preset")
    if not isinstance(name, str) or name not in preset_names():  # a closed set, never a path
        raise ScenarioError(f"unknown preset (known: {', '.join(preset_names())}, none)",
                            path="preset")
    path = PRESET_DIR / f"{name}.yaml"
    doc = read_yaml(path.read_bytes(), f"preset {name}") or {}
    values = doc.get("values", {}) if isinstance(doc, dict) else None
    base = doc.get("base") if isinstance(doc, dict) else None
    if not isinstance(values, dict) or not (base is None or isinstance(base, str)):
        raise ScenarioError(f"the preset file of {name!r} is not a mapping of values", path="preset")
    if base:
        merged = preset_values(base, _seen + (name,))
        _deep_update(merged, values)
        return merged
    return values


def _deep_update(dst: dict, src: dict) -> None:
    for k, v in src.items():
        if isinstance(v, dict) and isinstance(dst.get(k), dict):
            _deep_update(dst[k], v)
        else:
            dst[k] = v
