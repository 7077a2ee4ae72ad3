"""Policy base class and registry.

A policy is a small object: its parameters (a strict tree, see
:mod:`sim.params`), a ``start`` month, and ``apply(model)``, called once when
the month reaches ``start``, which turns some :class:`sim.levers.Levers`.
Policies that act every month (training, campaigns) also define
``monthly(model)``.  The engine owns all mechanics; a policy never touches
household arrays except through the helpers the engine gives it.

``effect`` documents the metric the policy is meant to move and the
direction, used by the shared policy test (tests/test_policies.py).
"""

from __future__ import annotations

from typing import ClassVar

from ..benefits import REGISTRY as BENEFITS
from ..params import Param, ScenarioError, merge, defaults

REGISTRY: dict[str, type["Policy"]] = {}

BENEFIT_NAMES = tuple(BENEFITS)


def benefits_param(default=("prime_activite",), doc="benefits concerned"):
    return Param(list(default), kind="strs", choices=BENEFIT_NAMES, doc=doc)


def register(cls: type["Policy"]) -> type["Policy"]:
    REGISTRY[cls.name] = cls
    return cls


class Policy:
    name: ClassVar[str] = ""
    doc: ClassVar[str] = ""
    params: ClassVar[dict] = {}
    # (summary metric path, +1 raises / -1 lowers) when switched on against the baseline
    effect: ClassVar[tuple[str, int]] = ("non_take_up_rate", -1)

    def __init__(self, start: int = 0, **values):
        self.start = int(start)
        self.p = merge(self.params, defaults(self.params), values, prefix="")

    def apply(self, model) -> None:  # pragma: no cover - interface
        raise NotImplementedError

    def monthly(self, model) -> None:
        """Called every month from ``start`` on (after ``apply`` on the first)."""

    def benefit_indices(self, model) -> list[int]:
        return [model.benefit_index[b] for b in self.p.get("benefits", []) if b in model.benefit_index]

    def to_dict(self) -> dict:
        return {"type": self.name, "start": self.start, **self.p}


def build_policy(spec, path: str, months: int, enabled: list[str]) -> Policy:
    """Build a policy from its scenario mapping, with errors naming ``path``."""
    if not isinstance(spec, dict):
        raise ScenarioError("expected a mapping with a 'type' key", path=path)
    kind = spec.get("type")
    if kind not in REGISTRY:
        known = ", ".join(sorted(REGISTRY))
        raise ScenarioError(f"unknown policy {kind!r} (known policies: {known})", path=f"{path}.type")
    cls = REGISTRY[kind]
    start = spec.get("start", 0)
    if isinstance(start, bool) or not isinstance(start, int):
        raise ScenarioError(f"expected a whole month number, got {start!r}", path=f"{path}.start")
    if not 0 <= start < months:
        raise ScenarioError(f"start month {start} is outside the horizon 0..{months - 1}",
                            path=f"{path}.start")
    values = {k: v for k, v in spec.items() if k not in ("type", "start")}
    try:
        policy = cls(start=start, **values)
    except ScenarioError as err:
        raise ScenarioError(err.detail, path=f"{path}.{err.path}" if err.path else path) from None
    for b in policy.p.get("benefits", []):
        if b not in enabled:
            raise ScenarioError(f"benefit {b!r} is not enabled in this scenario",
                                path=f"{path}.benefits")
    return policy
