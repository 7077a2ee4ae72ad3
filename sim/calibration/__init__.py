"""Calibration: targets (targets.yaml), presets of fitted parameters, and their check.

A preset is a YAML file in ``presets/`` giving values for part of the scenario
tree; a scenario selects one with its ``preset`` key (default
:data:`DEFAULT_PRESET`), and its own keys override the preset's.  Presets may
build on another (``base:``).
"""

from __future__ import annotations

from pathlib import Path

from ..strict_yaml import read_yaml

PRESET_DIR = Path(__file__).resolve().parent / "presets"
TARGETS_FILE = Path(__file__).resolve().parent / "targets.yaml"
DEFAULT_PRESET = "france_2021"


def preset_names() -> list[str]:
    return sorted(p.stem for p in PRESET_DIR.glob("*.yaml"))


def preset_values(name: str, _seen: tuple = ()) -> dict:
    """The raw parameter values of a preset, its bases merged in (base first)."""
    from ..params import ScenarioError
    if name in _seen:
        raise ScenarioError(f"preset {name!r} builds on itself", path="preset")
    path = PRESET_DIR / f"{name}.yaml"
    if not path.is_file():
        raise ScenarioError(f"unknown preset {name!r} (known: {', '.join(preset_names())}, none)",
                            path="preset")
    doc = read_yaml(path.read_bytes(), str(path)) or {}
    values = doc.get("values", {}) or {}
    base = doc.get("base")
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
