"""Policies: one small class each, registered by name (see base.py)."""

from . import access, mediation, support  # noqa: F401  (registration)
from .base import REGISTRY, Policy, build_policy

__all__ = ["REGISTRY", "Policy", "build_policy"]
