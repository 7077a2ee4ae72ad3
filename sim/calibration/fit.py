"""``sim calibrate --refit``: fit free parameters to the targets, write a preset.

Two stages, each a deterministic scipy.optimize run from the current values
(so the same seed reproduces the same preset file):

1. **Population** (Powell, bounded): the digital-propensity coefficients and
   the non-connection reason shares, against the population targets of the
   preset's vintage, on one synthetic population of ``POP_HOUSEHOLDS``.
2. **Process** (Powell, bounded): income churn, background information and stigma by benefit,
   against the non-take-up targets, on ``PROCESS_SEEDS`` paired runs.

The loss is Σ ((model − figure) / tolerance)² over targets (log-ratio over
log-tolerance for relative risks), so each target weighs by its stated
uncertainty; one-sided targets count only when violated.  A small ridge term
keeps parameters near their starting values where the targets say nothing.
"""

from __future__ import annotations

import copy
import math

import numpy as np
import yaml
from scipy import optimize

from ..agents.population import generate
from ..model import DematModel
from ..output import atomic_write
from ..runner import replication_seeds
from ..scenario import from_dict
from . import PRESET_DIR
from .check import _population_target_value, applies, is_population, is_process, process_values

POP_HOUSEHOLDS = 40_000
PROCESS_HOUSEHOLDS = 15_000
PROCESS_SEEDS = 2

# (dotted path, index or None, low, high)
POPULATION_PARAMS = [
    ("population.digital.intercept", None, -2, 6),
    ("population.digital.age", 0, -4, 4), ("population.digital.age", 1, -4, 4),
    ("population.digital.age", 2, -4, 4), ("population.digital.age", 3, -4, 4),
    ("population.digital.age", 4, -5, 3),
    ("population.digital.diploma", 0, -4, 0), ("population.digital.diploma", 2, 0, 3),
    ("population.digital.income_quintile", None, 0, 1.5),
    ("population.digital.alone", None, -2, 0.5),
    ("population.digital.territory", 0, -1.5, 1.5), ("population.digital.territory", 2, -1.5, 1.5),
    ("population.digital.home_internet_shift", None, -2, 5),
    ("population.digital.skill_shift", None, -4, 2),
    ("population.digital.suffered_share", None, 0.05, 0.95),
    ("population.digital.chosen_useless_share", None, 0.05, 0.95),
    ("population.digital.suffered_competence_share", None, 0.05, 0.95),
]
PROCESS_PARAMS = [
    ("process.income_redraw_rate", None, 0.01, 0.08),
    ("process.info_base", None, 0.002, 0.3),
    ("process.stigma.prime_activite", None, 0, 3000),
    ("process.stigma.rsa", None, 0, 3000),
    ("process.stigma.aspa", None, 0, 5000),
]


def _get(d, path, idx):
    node = d
    for k in path.split("."):
        node = node[k]
    return node[idx] if idx is not None else node


def _set(d, path, idx, value):
    parts = path.split(".")
    node = d
    for k in parts[:-1]:
        node = node.setdefault(k, {})
    if idx is None:
        node[parts[-1]] = value
    else:
        node[parts[-1]][idx] = value


def target_loss(t, value) -> float:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return 100.0
    kind, fig, tol = t["kind"], t["value"], t.get("tolerance") or 0.0
    if kind == "share":
        return ((value - fig) / max(tol, 1e-3)) ** 2
    if kind == "relative_risk":
        return (math.log(max(value, 1e-6) / fig) / math.log(max(tol, 1.01))) ** 2
    if kind == "at_most":
        return ((value - fig) / 0.02) ** 2 if value > fig else 0.0
    if kind in ("relative_risk_at_least", "ratio_of_ratios_at_least"):
        return (math.log(fig / max(value, 1e-6)) / 0.1) ** 2 if value < fig else 0.0
    return 0.0


def _round(x: float) -> float:
    return float(f"{x:.4g}")


def refit(scenario, targets, vintage, seed: int, log=print) -> dict:
    """Return the fitted preset values (nested dict) for ``scenario``'s starting point."""
    data = copy.deepcopy(scenario.data)
    nb = len(scenario.benefits)
    pop_t = [t for t in targets if applies(t, vintage) and t.get("expressible", True) and is_population(t)]
    proc_t = [t for t in targets if applies(t, vintage) and t.get("expressible", True) and is_process(t)]
    pop_seed = np.random.SeedSequence(seed, spawn_key=(1,))

    def pop_loss(x):
        p = copy.deepcopy(data["population"])
        for (path, idx, _, _), v in zip(POPULATION_PARAMS, x):
            _set({"population": p}, path, idx, float(v))
        h = generate(p, POP_HOUSEHOLDS, nb, np.random.default_rng(pop_seed))
        return sum(target_loss(t, _population_target_value(h, t)) for t in pop_t)

    x0 = np.array([_get(data, path, idx) for path, idx, _, _ in POPULATION_PARAMS], dtype=float)
    bounds = [(lo, hi) for _, _, lo, hi in POPULATION_PARAMS]
    ridge = lambda x: 0.01 * float(((x - x0) ** 2).sum())  # noqa: E731
    log(f"stage 1: {len(POPULATION_PARAMS)} population parameters, {len(pop_t)} targets, "
        f"loss {pop_loss(x0):.2f}")
    res = optimize.minimize(lambda x: pop_loss(x) + ridge(x), x0, method="Powell", bounds=bounds,
                            options={"maxfev": 1500, "xtol": 1e-3, "ftol": 1e-5})
    for (path, idx, _, _), v in zip(POPULATION_PARAMS, res.x):
        _set(data, path, idx, _round(v))
    log(f"stage 1 done: loss {pop_loss(np.array([_get(data, p, i) for p, i, _, _ in POPULATION_PARAMS])):.2f} "
        f"after {res.nfev} evaluations")

    if proc_t:
        seeds = replication_seeds(seed, PROCESS_SEEDS)
        base_raw = {"name": "calibration", "preset": "none", "months": 36, "report_months": 12}

        def proc_loss(z):
            d = copy.deepcopy(data)
            for (path, idx, lo, hi), v in zip(PROCESS_PARAMS, z):
                _set(d, path, idx, float(np.clip(v, lo, hi)))
            d["population"]["households"] = PROCESS_HOUSEHOLDS  # the fit never depends on --households
            sc = _scenario_from_data(d, base_raw)
            total = 0.0
            for ss in seeds:
                m = DematModel(sc, ss).run()
                vals = process_values(m, proc_t)
                total += sum(target_loss(t, vals[t["id"]]) for t in proc_t)
            return total / len(seeds)

        z0 = np.array([_get(data, path, idx) for path, idx, _, _ in PROCESS_PARAMS], dtype=float)
        log(f"stage 2: {len(PROCESS_PARAMS)} process parameters, {len(proc_t)} targets, "
            f"loss {proc_loss(z0):.2f}")
        pbounds = [(lo, hi) for _, _, lo, hi in PROCESS_PARAMS]
        res2 = optimize.minimize(proc_loss, z0, method="Powell", bounds=pbounds,
                                 options={"maxfev": 120, "xtol": 1e-2, "ftol": 1e-3})
        for (path, idx, lo, hi), v in zip(PROCESS_PARAMS, res2.x):
            _set(data, path, idx, _round(float(np.clip(v, lo, hi))))
        log(f"stage 2 done: loss {res2.fun:.2f} after {res2.nfev} evaluations")

    values: dict = {}
    for path, idx, _, _ in POPULATION_PARAMS + PROCESS_PARAMS:
        v = _get(data, path, None)
        _set(values, path, None, copy.deepcopy(v) if isinstance(v, list) else v)
    return values


def _scenario_from_data(d: dict, base_raw: dict):
    raw = dict(base_raw)
    for section in ("population", "process", "institutions", "benefits"):
        raw[section] = d[section]
    return from_dict(raw, source="<calibration>")


def write_preset(name: str, values: dict, vintage, seed: int, header: str = "") -> str:
    text = (f"# {name}: fitted by `sim calibrate --refit --preset {name} --seed {seed}`.\n"
            f"# Do not edit by hand: rerun the fit (see README 'Calibration').\n{header}")
    text += yaml.safe_dump({"vintage": vintage, "values": values}, sort_keys=False,
                           default_flow_style=None, width=100)
    atomic_write(PRESET_DIR / f"{name}.yaml", text)
    return text
