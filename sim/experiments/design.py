"""Designs: from factors to the points of a sweep.

- ``factorial``: every combination of the factors' levels (first factor varies slowest);
- ``lhs``: Latin hypercube, ``samples`` points (SALib ``latin``);
- ``sobol``: Saltelli's scheme for Sobol indices, ``samples`` × (D + 2) points
  (× (2D + 2) with ``second_order``), scrambled Sobol' sequence (SALib ``sobol``);
- ``morris``: ``samples`` elementary-effect trajectories of D + 1 points on a
  ``levels`` grid (SALib ``morris``).

A design is a pure function of the sweep description (factors, design options
and their ``seed``), so the analysis can rebuild the sample matrix from the
manifest.  Discrete factors (``values``) are sampled as a uniform index in
``[0, k)`` and decoded to the k-th value.
"""

from __future__ import annotations

import itertools

import numpy as np
from SALib.sample import latin
from SALib.sample import morris as morris_sample
from SALib.sample import sobol as sobol_sample

from .spec import Factor


def problem(factors: list[Factor]) -> dict:
    """The SALib problem for the factors (names are the dotted paths)."""
    return {"num_vars": len(factors), "names": [f.path for f in factors],
            "bounds": [list(f.bounds()) for f in factors]}


def _factorial(factors, design):
    grids = [range(len(f.levels())) for f in factors]
    return np.array(list(itertools.product(*grids)), dtype=np.float64)


def _lhs(factors, design):
    return latin.sample(problem(factors), design["samples"], seed=design["seed"])


def _sobol(factors, design):
    return sobol_sample.sample(problem(factors), design["samples"],
                        calc_second_order=design["second_order"], seed=design["seed"])


def _morris(factors, design):
    return morris_sample.sample(problem(factors), design["samples"], num_levels=design["levels"],
                         seed=design["seed"])


DESIGNS = {"factorial": _factorial, "lhs": _lhs, "sobol": _sobol, "morris": _morris}


def sample_matrix(factors: list[Factor], design: dict) -> np.ndarray:
    """(points, factors) matrix: level indices (factorial) or sampled values."""
    return DESIGNS[design["type"]](factors, design)


def point_values(factors: list[Factor], design: dict) -> list[dict]:
    """Scenario values of every point, ``{path: value}``, in design order."""
    x = sample_matrix(factors, design)
    if design["type"] == "factorial":
        levels = [f.levels() for f in factors]
        return [{f.path: levels[j][int(row[j])] for j, f in enumerate(factors)} for row in x]
    return [{f.path: f.decode(row[j]) for j, f in enumerate(factors)} for row in x]


def n_points(factors: list[Factor], design: dict) -> int:
    kind, d = design["type"], len(factors)
    if kind == "factorial":
        return int(np.prod([len(f.levels()) for f in factors]))
    if kind == "lhs":
        return design["samples"]
    if kind == "sobol":
        return design["samples"] * ((2 * d + 2) if design["second_order"] else (d + 2))
    return design["samples"] * (d + 1)
