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

from .params import HugeNumber, ScenarioError

MAX_FILE_BYTES = 1_000_000
MAX_NUMBER_CHARS = 40  # a YAML integer's text (2**63 has 19 digits)


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

    def construct_object(self, node, deep=False):
        # a value the constructors cannot build is the file's fault: one line with its
        # position, never a ValueError from deep inside PyYAML
        try:
            return super().construct_object(node, deep=deep)
        except ScenarioError:
            raise
        except (ValueError, OverflowError, TypeError) as err:
            raise ScenarioError(f"line {node.start_mark.line + 1}: cannot read this value "
                                f"({type(err).__name__})") from None

    def construct_yaml_int(self, node):
        # Python refuses to read integers of more than 4,300 digits (and a number that long
        # is never meant): not converted, but kept as a value every check refuses by its field
        if len(node.value) > MAX_NUMBER_CHARS:
            return HugeNumber(sum(c.isdigit() for c in node.value))
        return super().construct_yaml_int(node)


StrictLoader.add_constructor("tag:yaml.org,2002:int", StrictLoader.construct_yaml_int)
# a date (2016-04-01, or 2016-02-30 that cannot be one) stays the text it is: no parameter is a
# datetime, and the field's own check then names it
StrictLoader.add_constructor("tag:yaml.org,2002:timestamp",
                             StrictLoader.construct_yaml_str)  # type: ignore[type-var]


def parse(text: str) -> Any:
    """YAML text -> Python objects with the strict loader (errors: ScenarioError or
    YAMLError; nesting too deep is a ScenarioError); ``--set`` values use it too."""
    try:
        return yaml.load(text, Loader=StrictLoader)  # noqa: S506 - strict safe loader
    except RecursionError:
        raise ScenarioError("YAML nesting is too deep") from None


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
        return parse(text)
    except ScenarioError as err:
        raise err.with_source(source) from None
    except yaml.YAMLError as err:
        mark = getattr(err, "problem_mark", None)
        where = f"line {mark.line + 1}, column {mark.column + 1}: " if mark else ""
        problem = getattr(err, "problem", None) or str(err).splitlines()[0]
        raise ScenarioError(f"invalid YAML: {where}{problem}", source=source) from None
