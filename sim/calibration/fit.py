"""``sim calibrate --refit``: fit free parameters to the targets, write a preset.

Two stages, each a deterministic scipy.optimize run from the current values
(so the same seed reproduces the same preset file):

1. **Population** (least squares, bounded): the digital-propensity coefficients and
   the non-connection reason shares, against the population targets of the
   preset's vintage, on one synthetic population of ``POP_HOUSEHOLDS``.
2. **Process** (least squares, bounded): information, belief, the psychological
   cost's traits, stigma by benefit, income churn, the paper form's cost, the
   phone line and mediators' teaching, against the process targets (levels,
   cause mix, gradients, channel mix), each in the regime its figure was
   observed in, on ``PROCESS_SEEDS`` paired runs.

The loss is Σ ((model − figure) / tolerance)² over targets (log-ratio over
log-tolerance for relative risks), so each target weighs by its stated
uncertainty; one-sided targets count only when violated.  A small ridge term
keeps parameters near their starting values where the targets say nothing.
Stage 2 minimises it as a least-squares problem (scipy's trust-region
reflective method on parameters scaled to their ranges, Jacobians by finite
differences under common random numbers).
"""

from __future__ import annotations

import copy
import math

import numpy as np
import yaml
from scipy import optimize

from ..agents.population import generate
from ..output import atomic_write
from ..runner import replication_seeds
from ..scenario import from_dict
from . import PRESET_DIR
from .check import _population_target_value, applies, is_population, measure_seed, with_regime
from .process import is_process, regimes_needed

POP_HOUSEHOLDS = 40_000
PROCESS_HOUSEHOLDS = 20_000
PROCESS_SEEDS = 3
PROCESS_ITERATIONS = 40  # least-squares iterations (each costs one Jacobian by differences)
RIDGE = 0.05  # residual weight keeping a parameter near its start where targets say nothing

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
    ("population.digital.skill_noise", None, 0.1, 2.0),
    ("population.digital.nonuser_home_shift", None, -8, 2),
    ("population.digital.suffered_share", None, 0.05, 0.95),
    ("population.digital.chosen_useless_share", None, 0.05, 0.95),
    ("population.digital.suffered_competence_share", None, 0.05, 0.95),
]
# each with the targets meant to pin it (``sim calibrate --identify`` measures it)
PROCESS_PARAMS = [
    ("process.income_redraw_rate", None, 0.005, 0.08),  # RSA quarterly vs persistent
    ("process.claim_max", None, 0.05, 0.95),  # ... (frictional non-take-up: time to claim)
    ("process.info_base", None, 0.0005, 0.2),  # never-recipients unaware of the RSA
    ("benefits.rsa.knows_on_entry", None, 0.05, 0.95),  # ... (how well known the RSA is)
    ("process.belief_on_learning", None, 0.05, 0.95),  # ... knowing it, believing not eligible
    ("process.info_agency", None, 0.0, 0.5),  # RSA non-take-up of prime d'activité recipients
    ("benefits.prime_activite.knows_on_entry", None, 0.05, 0.95),  # prime d'activité's level
    ("process.stigma.rsa", None, 0, 3000),  # RSA's level
    ("process.stigma.aspa", None, 0, 5000),  # ASPA's level
    ("process.psych.known_to_agency", None, -4, 1),  # single parents, social renters (CAF files)
    ("process.psych.couple_no_children", None, -2, 3),  # couples without children vs single parents
    ("process.psych.owner", None, -2, 3),  # owners vs tenants
    ("population.other_benefit.private_renters", None, 0.05, 1.0),  # private vs social renters
    ("process.psych.diploma", 2, -2, 3),  # graduates vs no diploma (CNAF: higher with a diploma)
    ("process.paper_cost", None, 0, 2000),  # prime d'activité's first claims online
    ("process.paper_renewal_factor", None, 0, 1),  # ... and its declarations online
    ("institutions.phone_calls", None, 5, 2000),  # calls answered
    ("institutions.teach_propensity", None, 0, 1),  # mediated filings done for people
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
    if kind == "at_least":
        return ((value - fig) / 0.02) ** 2 if value < fig else 0.0
    if kind in ("relative_risk_at_least", "ratio_of_ratios_at_least"):
        return (math.log(fig / max(value, 1e-6)) / 0.1) ** 2 if value < fig else 0.0
    return 0.0


def target_residual(t, value) -> float:
    """Signed residual in tolerance units (its square is :func:`target_loss`)."""
    loss = target_loss(t, value)
    if t["kind"] in ("share",):
        return (value - t["value"]) / max(t.get("tolerance") or 0.0, 1e-3)
    return math.sqrt(loss)


def _round(x: float) -> float:
    return float(f"{x:.4g}")


def refit(scenario, targets, vintage, seed: int, log=print) -> dict:
    """Return the fitted preset values (nested dict) for ``scenario``'s starting point."""
    data = copy.deepcopy(scenario.data)
    nb = len(scenario.benefits)
    pop_t = [t for t in targets if applies(t, vintage) and t.get("expressible", True) and is_population(t)]
    proc_t = [t for t in targets if applies(t, vintage) and t.get("expressible", True) and is_process(t)
              and t["kind"] != "pattern"]  # patterns are checked, not fitted
    pop_seed = np.random.SeedSequence(seed, spawn_key=(1,))

    def pop_loss(x):
        p = copy.deepcopy(data["population"])
        for (path, idx, _, _), v in zip(POPULATION_PARAMS, x):
            _set({"population": p}, path, idx, float(v))
        h = generate(p, POP_HOUSEHOLDS, nb, np.random.default_rng(pop_seed))
        return sum(target_loss(t, _population_target_value(h, t)) for t in pop_t)

    x0 = np.array([_get(data, path, idx) for path, idx, _, _ in POPULATION_PARAMS], dtype=float)
    bounds = [(lo, hi) for _, _, lo, hi in POPULATION_PARAMS]
    lo1 = np.array([b[0] for b in bounds]), np.array([b[1] for b in bounds])
    scale1 = lo1[1] - lo1[0]

    def pop_residuals(w):  # w = 1 + u (see stage 2)
        u = w - 1.0
        x = lo1[0] + np.clip(u, 0, 1) * scale1
        p = copy.deepcopy(data["population"])
        for (path, idx, _, _), v in zip(POPULATION_PARAMS, x):
            _set({"population": p}, path, idx, float(v))
        h = generate(p, POP_HOUSEHOLDS, nb, np.random.default_rng(pop_seed))
        r = [target_residual(t, _population_target_value(h, t)) for t in pop_t]
        return np.array(r + list(RIDGE * (u - u1)))

    u1 = (np.clip(x0, lo1[0], lo1[1]) - lo1[0]) / scale1
    log(f"stage 1: {len(POPULATION_PARAMS)} population parameters, {len(pop_t)} targets, "
        f"loss {pop_loss(x0):.2f}")
    res = optimize.least_squares(pop_residuals, 1.0 + u1, bounds=(1, 2), method="trf",
                                 diff_step=0.01, max_nfev=60, xtol=1e-6, ftol=1e-6)
    for (path, idx, _, _), v in zip(POPULATION_PARAMS, lo1[0] + (res.x - 1.0) * scale1):
        _set(data, path, idx, _round(float(v)))
    log(f"stage 1 done: loss {pop_loss(np.array([_get(data, p, i) for p, i, _, _ in POPULATION_PARAMS])):.2f} "
        f"after {res.nfev} iterations")

    if proc_t:
        seeds = replication_seeds(seed, PROCESS_SEEDS)
        lo = np.array([b[2] for b in PROCESS_PARAMS], dtype=float)
        hi = np.array([b[3] for b in PROCESS_PARAMS], dtype=float)
        z0 = np.array([_get(data, path, idx) for path, idx, _, _ in PROCESS_PARAMS], dtype=float)
        u0 = (np.clip(z0, lo, hi) - lo) / (hi - lo)

        def residuals(w):  # w = 1 + u: least_squares' difference step is relative to w
            u = w - 1.0
            d = copy.deepcopy(data)
            for (path, idx, _, _), v in zip(PROCESS_PARAMS, lo + np.clip(u, 0, 1) * (hi - lo)):
                _set(d, path, idx, float(v))
            values = process_values(d, proc_t, seeds)
            r = [target_residual(t, float(np.mean(values[t["id"]]))) for t in proc_t]
            return np.array(r + list(RIDGE * (u - u0)))

        r0 = residuals(1.0 + u0)
        log(f"stage 2: {len(PROCESS_PARAMS)} process parameters, {len(proc_t)} targets, "
            f"loss {float(r0 @ r0):.2f}")
        res2 = optimize.least_squares(residuals, 1.0 + u0, bounds=(1, 2), method="trf",
                                      diff_step=0.04, max_nfev=PROCESS_ITERATIONS,
                                      xtol=1e-6, ftol=1e-6)
        for (path, idx, _, _), v in zip(PROCESS_PARAMS, lo + (res2.x - 1.0) * (hi - lo)):
            _set(data, path, idx, _round(float(v)))
        log(f"stage 2 done: loss {2 * res2.cost:.2f} after {res2.nfev} iterations "
            f"({res2.nfev * (len(PROCESS_PARAMS) + 1)} evaluations at most)")

    values: dict = {}
    for path, idx, _, _ in POPULATION_PARAMS + PROCESS_PARAMS:
        v = _get(data, path, None)
        _set(values, path, None, copy.deepcopy(v) if isinstance(v, list) else v)
    return values


def process_values(d: dict, targets: list[dict], seeds,
                   households: int = PROCESS_HOUSEHOLDS) -> dict[str, list[float]]:
    """Process targets' values over ``seeds`` for the scenario tree ``d``."""
    d = copy.deepcopy(d)
    d["population"]["households"] = households  # the fit never depends on --households
    sc = _scenario_from_data(d, {"name": "calibration", "preset": "none", "months": 36,
                                 "report_months": 12})
    scenarios = {name: with_regime(sc, name) for name in sorted(regimes_needed(targets))}
    values: dict[str, list[float]] = {t["id"]: [] for t in targets}
    for ss in seeds:
        for k, v in measure_seed(scenarios, targets, ss).items():
            values[k].append(v)
    return values


def process_loss(d: dict, targets: list[dict], seeds) -> float:
    values = process_values(d, targets, seeds)
    return sum(target_loss(t, float(np.mean(values[t["id"]]))) for t in targets
               if t["kind"] != "pattern")


def identify(scenario, targets, vintage, seed: int, step: float = 0.1, log=print,
             households: int = PROCESS_HOUSEHOLDS, seeds: int = PROCESS_SEEDS) -> list[dict]:
    """Local sensitivities of the targets of each stage to every fitted parameter.

    Each parameter is moved by ``step`` of its fitting range down and up (common
    random numbers: the same population seed for the population stage, the same
    replication seeds for the process stage); the effect on a target is the central
    difference in units of the target's tolerance.  A parameter is *pinned* when
    some target of its stage moves by at least 0.5 tolerance over that step.
    """
    usable = [t for t in targets if applies(t, vintage) and t.get("expressible", True)]
    pop_t = [t for t in usable if is_population(t)]
    proc_t = [t for t in usable if is_process(t) and t["kind"] != "pattern"]
    seed_seqs = replication_seeds(seed, seeds)
    data = copy.deepcopy(scenario.data)
    rows = []
    if pop_t:  # stage 1: the population generator alone, as in the fit
        nb = len(scenario.benefits)
        pop_seed = np.random.SeedSequence(seed, spawn_key=(1,))
        for path, idx, lo, hi in POPULATION_PARAMS:
            x = float(_get(data, path, idx))
            h = step * (hi - lo)
            pop_vals = []
            for v in (max(lo, x - h), min(hi, x + h)):
                pop = copy.deepcopy(data["population"])
                _set({"population": pop}, path, idx, v)
                hh = generate(pop, POP_HOUSEHOLDS, nb, np.random.default_rng(pop_seed))
                pop_vals.append({t["id"]: _population_target_value(hh, t) for t in pop_t})
            rows.append(_identify_row(path, idx, x, pop_t, pop_vals, log))
    if not proc_t:
        return rows
    for path, idx, lo, hi in PROCESS_PARAMS:
        x = float(_get(data, path, idx))
        h = step * (hi - lo)
        xs = (max(lo, x - h), min(hi, x + h))
        vals = []
        for v in xs:
            d = copy.deepcopy(data)
            _set(d, path, idx, v)
            vals.append(process_values(d, proc_t, seed_seqs, households))
        rows.append(_identify_row(path, idx, x, proc_t, vals, log))
    return rows


def _identify_row(path, idx, x, targets, vals, log) -> dict:
    """One parameter's effects (in tolerances) on ``targets`` between its two values."""
    effects = {}
    for t in targets:
        a, b = (float(np.mean(v[t["id"]])) for v in vals)
        effects[t["id"]] = (b - a) / max(_tolerance_scale(t, (a + b) / 2), 1e-9)
    name = path + (f"[{idx}]" if idx is not None else "")
    top = sorted(effects.items(), key=lambda kv: -abs(kv[1]) if kv[1] == kv[1] else 0)[:3]
    pinned = any(abs(e) >= 0.5 for e in effects.values() if e == e)
    log(f"{name:42s} {x:10.4g}  {'pinned' if pinned else 'NOT PINNED':10s}  "
        + ", ".join(f"{k} {v:+.2f}" for k, v in top))
    return {"parameter": name, "value": x, "pinned": pinned, "effects": effects, "top": top}


def _tolerance_scale(t: dict, value: float) -> float:
    """How much of a target's quantity one tolerance is (for sensitivities)."""
    if t["kind"] in ("relative_risk", "relative_risk_at_least", "ratio_of_ratios_at_least"):
        return max(abs(value), 1e-6) * 0.1 if not t.get("tolerance") else abs(value) * (t["tolerance"] - 1)
    if t["kind"] == "at_most":
        return 0.02
    return max(t.get("tolerance") or 0.0, 1e-3)


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
