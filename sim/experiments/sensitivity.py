"""Sensitivity analysis of a finished sweep, by design (``sim sweep --analyse``).

The output of a point is its mean over replications (common random numbers
across points keep the noise low).  By design:

- ``sobol``: first-order (S1) and total (ST) Sobol indices, SALib's Saltelli
  estimators; 95 % CIs by bootstrap over the sample (SALib, seeded);
- ``morris``: elementary effects μ* (with a bootstrap 95 % CI), μ and σ (SALib);
- ``lhs``: first-order indices by RBD-FAST (SALib), 95 % CI by bootstrap;
- ``factorial``: the exact variance decomposition over the grid, S1 (main
  effect) and ST (main + all interactions); 95 % percentile CIs from a
  bootstrap over replications (resampled jointly across points, as they
  share random numbers).

Results go to ``sensitivity.json`` in the results directory: per metric, a
``factors`` list (``{"name", "S1", "S1_ci": [lo, hi], ...}``) and the same
numbers as SALib-style parallel lists (``names``, ``S1``, ``S1_conf``...).
"""

from __future__ import annotations

import os

import numpy as np
from SALib.analyze import morris, rbd_fast, sobol

from ..io import to_json
from ..params import ScenarioError
from .design import problem, sample_matrix
from .spec import Factor
from .store import ResultsStore

RESAMPLES = 1000
LEVEL = 0.95


def factors_from_manifest(sweep: dict) -> list[Factor]:
    out = []
    for f in sweep["parameters"]:
        if "values" in f:
            out.append(Factor(f["path"], values=tuple(f["values"])))
        else:
            out.append(Factor(f["path"], lo=f["range"][0], hi=f["range"][1], steps=f.get("steps"),
                              integer=f.get("integer", False)))
    return out


def _ci(value, conf):
    if value is None or conf is None or not np.isfinite(conf):
        return [None, None]
    return [float(value - conf), float(value + conf)]


def _f(x):
    x = float(x)
    return x if np.isfinite(x) else None


def _sobol(prob, design, x, y, seed):
    res = sobol.analyze(prob, y, calc_second_order=design["second_order"],
                        num_resamples=RESAMPLES, conf_level=LEVEL, seed=seed)
    return [{"name": name, "S1": _f(res["S1"][j]), "S1_ci": _ci(res["S1"][j], res["S1_conf"][j]),
             "ST": _f(res["ST"][j]), "ST_ci": _ci(res["ST"][j], res["ST_conf"][j])}
            for j, name in enumerate(prob["names"])]


def _morris(prob, design, x, y, seed):
    res = morris.analyze(prob, x, y, num_resamples=RESAMPLES, conf_level=LEVEL,
                         num_levels=design["levels"], seed=seed)
    return [{"name": name, "mu_star": _f(res["mu_star"][j]),
             "mu_star_ci": _ci(res["mu_star"][j], res["mu_star_conf"][j]),
             "mu": _f(res["mu"][j]), "sigma": _f(res["sigma"][j])}
            for j, name in enumerate(prob["names"])]


def _lhs(prob, design, x, y, seed):
    m = max(1, min(10, (len(y) - 1) // 2 - 1))
    res = rbd_fast.analyze(prob, x, y, M=m, num_resamples=RESAMPLES, conf_level=LEVEL, seed=seed)
    return [{"name": name, "S1": _f(res["S1"][j]), "S1_ci": _ci(res["S1"][j], res["S1_conf"][j])}
            for j, name in enumerate(prob["names"])]


def factorial_indices(grid: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """S1 and ST of every axis of a full-factorial grid of outputs (equal weights)."""
    v = grid.var()
    d = grid.ndim
    if not v > 0:
        return np.full(d, np.nan), np.full(d, np.nan)
    s1, st = np.empty(d), np.empty(d)
    for i in range(d):
        others = tuple(a for a in range(d) if a != i)
        s1[i] = grid.mean(axis=others).var() / v if others else 1.0
        st[i] = grid.var(axis=i).mean() / v
    return s1, st


def _factorial(prob, design, factors, reps: np.ndarray, seed):
    """``reps``: (points, replications) outputs in design order."""
    shape = [len(f.levels()) for f in factors]
    s1, st = factorial_indices(reps.mean(axis=1).reshape(shape))
    r = reps.shape[1]
    ci1 = cit = [[None, None]] * len(factors)
    if r > 1:
        rng = np.random.default_rng(seed)
        boot = np.empty((RESAMPLES, 2, len(factors)))
        for b in range(RESAMPLES):
            idx = rng.integers(0, r, r)
            boot[b] = factorial_indices(reps[:, idx].mean(axis=1).reshape(shape))
        lo, hi = np.nanpercentile(boot, [100 * (1 - LEVEL) / 2, 100 * (1 + LEVEL) / 2], axis=0)
        ci1 = [[_f(lo[0, j]), _f(hi[0, j])] for j in range(len(factors))]
        cit = [[_f(lo[1, j]), _f(hi[1, j])] for j in range(len(factors))]
    return [{"name": f.path, "S1": _f(s1[j]), "S1_ci": ci1[j], "ST": _f(st[j]), "ST_ci": cit[j]}
            for j, f in enumerate(factors)]


METHODS = {
    "sobol": "Sobol indices, Saltelli sampling (SALib); CI: bootstrap, 95 %",
    "morris": "Morris elementary effects (SALib); CI on mu*: bootstrap, 95 %",
    "lhs": "RBD-FAST first-order indices on the Latin hypercube (SALib); CI: bootstrap, 95 %",
    "factorial": ("variance decomposition over the full factorial grid (S1: main effect, "
                  "ST: main effect and interactions); CI: bootstrap over replications, 95 %"),
}


def salib_arrays(rows: list[dict]) -> dict:
    """The same indices as SALib-style parallel lists (``names``, ``S1``, ``S1_conf``...),
    ``conf`` being the CI half-width, for tools that read SALib output."""
    out = {"names": [r["name"] for r in rows]}
    for key in ("S1", "ST", "mu_star", "mu", "sigma"):
        if key in rows[0]:
            out[key] = [r[key] for r in rows]
            if f"{key}_ci" in rows[0]:
                out[f"{key}_conf"] = [None if r[f"{key}_ci"][0] is None
                                      else (r[f"{key}_ci"][1] - r[f"{key}_ci"][0]) / 2 for r in rows]
    return out


def analyse(results: str | os.PathLike | ResultsStore, metrics=None, write: bool = True) -> dict:
    """Sensitivity indices of the sweep in ``results`` for ``metrics``
    (default: the sweep file's ``analyse`` list)."""
    store = results if isinstance(results, ResultsStore) else ResultsStore(results)
    man = store.manifest()
    if man is None or man.get("kind") != "sweep":
        raise ScenarioError("not a sweep results directory", source=str(store.root))
    if man.get("status") != "complete":
        raise ScenarioError("the sweep is not finished; rerun it with --resume first",
                            source=str(store.root))
    spec = man["sweep"]
    design = spec["design"]
    factors = factors_from_manifest(spec)
    prob = problem(factors)
    x = sample_matrix(factors, design)
    summary = store.table("summary")
    n_points, r = man["points"], man["replications"]
    seed = design.get("seed", 0)
    out = {"design": design["type"], "method": METHODS[design["type"]],
           "points": n_points, "replications": r, "metrics": {}}
    for metric in (metrics or spec["analyse"]):
        if metric not in summary.column_names:
            raise ScenarioError(f"no kept summary metric {metric!r}", source=str(store.root))
        reps = summary.column(metric).to_numpy(zero_copy_only=False).astype(float)
        reps = reps.reshape(n_points, r)
        y = reps.mean(axis=1)
        if np.isnan(y).any():
            raise ScenarioError(f"{metric!r} is undefined (NaN) at some points; analyse another "
                                "metric", source=str(store.root))
        if design["type"] == "factorial":
            rows = _factorial(prob, design, factors, reps, seed)
        else:
            rows = {"sobol": _sobol, "morris": _morris, "lhs": _lhs}[design["type"]](
                prob, design, x, y, seed)
        out["metrics"][metric] = {"output_sd": _f(y.std(ddof=1)) if len(y) > 1 else None,
                                  "factors": rows, **salib_arrays(rows)}
    if write:
        store.write_text("sensitivity.json", to_json(out))
    return out
