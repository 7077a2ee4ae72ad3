"""Reading YAML from users strictly: scenarios, sweep files, presets, uploads.

A safe loader (no Python tags) that also refuses anchors and aliases (no "billion
laughs") and duplicate keys, and one function, :func:`read_yaml`, that turns every
problem (size, encoding, NUL bytes, syntax) into a one-line
:class:`sim.params.ScenarioError` naming the source and the line.  It sits below
:mod:`sim.scenario` and :mod:`sim.calibration`, which both read YAML.
"""

from __future__ import annotations

from typing import Any

import yaml

from .params import ScenarioError

MAX_FILE_BYTES = 1_000_000


class StrictLoader(yaml.SafeLoader):
    """SafeLoader without anchors/aliases: a scenario never needs them."""

    def compose_node(self, parent, index):
        if self.check_event(yaml.AliasEvent) or (
            self.check_event(yaml.ScalarEvent, yaml.MappingStartEvent, yaml.SequenceStartEvent)
            and getattr(self.peek_event(), "anchor", None)
        ):
            event = self.peek_event()
            raise ScenarioError(f"line {event.start_mark.line + 1}: YAML anchors and aliases are not allowed")
        return super().compose_node(parent, index)

    def construct_mapping(self, node, deep=False):
        seen = set()
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=deep)
            try:
                dup = key in seen
            except TypeError:  # unhashable key: let the base class complain
                break
            if dup:
                raise ScenarioError(f"line {key_node.start_mark.line + 1}: duplicate key {key!r}")
            seen.add(key)
        return super().construct_mapping(node, deep=deep)


def read_yaml(text: str | bytes, source: str) -> Any:
    """Parse YAML text strictly; errors become one-line :class:`ScenarioError`."""
    if isinstance(text, bytes):
        if len(text) > MAX_FILE_BYTES:
            raise ScenarioError(f"file is larger than {MAX_FILE_BYTES} bytes", source=source)
        try:
            text = text.decode("utf-8")
        except UnicodeDecodeError as err:
            raise ScenarioError(f"not UTF-8 text (byte {err.start})", source=source) from None
    if len(text) > MAX_FILE_BYTES:
        raise ScenarioError(f"file is larger than {MAX_FILE_BYTES} bytes", source=source)
    if "\x00" in text:
        raise ScenarioError("binary content (NUL byte) is not YAML", source=source)
    try:
        return yaml.load(text, Loader=StrictLoader)  # noqa: S506 - strict safe loader
    except ScenarioError as err:
        raise err.with_source(source) from None
    except yaml.YAMLError as err:
        mark = getattr(err, "problem_mark", None)
        where = f"line {mark.line + 1}, column {mark.column + 1}: " if mark else ""
        problem = getattr(err, "problem", None) or str(err).splitlines()[0]
        raise ScenarioError(f"invalid YAML: {where}{problem}", source=source) from None
    except RecursionError:
        raise ScenarioError("YAML nesting is too deep", source=source) from None
