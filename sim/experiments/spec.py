"""Sweep files: what to vary, how to sample it, what to keep (strict YAML).

A sweep file names a base scenario, the dotted parameter paths to vary and a
design; see ``docs/experiments.md`` for the format.  Loading is strict like
scenario loading: unknown keys, wrong types, paths the scenario does not have
and values the scenario would refuse raise :class:`sim.params.ScenarioError`
with ``source`` = the sweep file and ``path`` = the sweep field
(``parameters.policies.2.share.range``).  Every point is checked before the
first run starts.
"""

from __future__ import annotations

import hashlib
import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable

from .. import limits
from ..agents.population_io import count_households
from ..names import check_name, check_tree, slug
from ..params import ScenarioError, number, show
from ..runner import population_path
from ..safe_read import read_bounded
from ..scenario import MAX_FILE_BYTES, Scenario, load as load_scenario, read_yaml, resolve_path
from .tables import Selection, probe_columns

TOP_KEYS = ("name", "description", "scenario", "add_policies", "set", "design", "parameters",
            "replications", "seed", "metrics", "timeseries", "analyse")
DESIGN_KEYS = {
    "factorial": (),
    "lhs": ("samples", "seed"),
    "sobol": ("samples", "second_order", "seed"),
    "morris": ("samples", "levels", "seed"),
}
FACTOR_KEYS = ("values", "range", "steps", "integer")
MAX_POINTS = limits.MAX_POINTS


@dataclass(frozen=True)
class Factor:
    """One varied parameter: a dotted scenario path and its levels or range.

    ``values``: discrete levels (numbers, strings or booleans), for any design
    (sampled designs draw them uniformly).  ``lo``/``hi``: a continuous range;
    the factorial design needs ``steps`` evenly spaced levels in it.
    ``integer`` rounds sampled values to whole numbers.
    """

    path: str
    values: tuple | None = None
    lo: float | None = None
    hi: float | None = None
    steps: int | None = None
    integer: bool = False

    @property
    def discrete(self) -> bool:
        return self.values is not None

    @property
    def choices(self) -> tuple:
        """The discrete levels (only for a factor given by ``values``)."""
        if self.values is None:
            raise TypeError(f"{self.path} is a range, not a list of values")
        return self.values

    @property
    def span(self) -> tuple[float, float]:
        """``(lo, hi)`` (only for a factor given by ``range``)."""
        if self.lo is None or self.hi is None:
            raise TypeError(f"{self.path} is a list of values, not a range")
        return self.lo, self.hi

    def levels(self) -> list:
        """Factorial levels, in the order given (ranges: ``steps`` from lo to hi)."""
        if self.discrete:
            return list(self.choices)
        lo, hi = self.span
        steps = self.steps or 2
        vals = [lo + (hi - lo) * i / (steps - 1) for i in range(steps)]
        return [self._clean(v) for v in vals]

    def bounds(self) -> tuple[float, float]:
        """Bounds of the sampled variable (discrete factors: level index in [0, k))."""
        return (0.0, float(len(self.choices))) if self.discrete else self.span

    def decode(self, x: float) -> Any:
        """The scenario value for a sampled ``x`` (inside :meth:`bounds`)."""
        if self.discrete:
            return self.choices[min(int(math.floor(x)), len(self.choices) - 1)]
        return self._clean(x)

    def _clean(self, v: float):
        if self.integer:
            return int(round(v))
        return float(round(v, 12))  # strip float noise from linspace / samplers

    def to_dict(self) -> dict:
        if self.discrete:
            return {"path": self.path, "values": list(self.choices)}
        out = {"path": self.path, "range": [self.lo, self.hi], "integer": self.integer}
        if self.steps is not None:
            out["steps"] = self.steps
        return out


@dataclass
class SweepSpec:
    """A checked sweep: base scenario (with the file's and the command line's
    overrides applied), factors, design, replications, seed, kept columns."""

    name: str
    description: str
    source: str
    file_sha256: str
    base: Scenario
    design: dict
    factors: list[Factor]
    replications: int
    seed: int
    metrics: Selection = field(default_factory=Selection)
    timeseries: Selection = field(default_factory=Selection)
    analyse: tuple[str, ...] = ("non_take_up_rate",)
    sets: tuple[str, ...] = ()  # command-line --set overrides of the base scenario

    def to_dict(self) -> dict:
        """JSON-able description, enough to regenerate the design (manifest)."""
        return {
            "name": self.name, "description": self.description,
            "file": self.source, "file_sha256": self.file_sha256,
            "base_scenario": self.base.name, "base_scenario_file": self.base.source,
            "base_scenario_sha256": self.base.content_hash(), "sets": list(self.sets),
            "design": dict(self.design),
            "parameters": [f.to_dict() for f in self.factors],
            "replications": self.replications, "seed": self.seed,
            "metrics": self.metrics.to_json(), "timeseries": self.timeseries.to_json(),
            "analyse": list(self.analyse),
        }


def _err(msg: str, source: str, path: str | None = None) -> ScenarioError:
    return ScenarioError(msg, source=source, path=path)


def _number(v, source, path, integer=False):
    return number(v, source=source, path=path, integer=integer)


def _factor(path: str, spec: Any, design: str, source: str) -> Factor:
    where = f"parameters.{path}"
    if isinstance(spec, list):
        spec = {"values": spec}
    if not isinstance(spec, dict):
        raise _err("expected a mapping (values: [...] or range: [lo, hi]) or a list of values",
                   source, where)
    for k in spec:
        if k not in FACTOR_KEYS:
            raise _err(f"unknown key (known keys: {', '.join(FACTOR_KEYS)})", source, f"{where}.{k}")
    if ("values" in spec) == ("range" in spec):
        raise _err("give either values or range", source, where)
    integer = spec.get("integer", False)
    if not isinstance(integer, bool):
        raise _err(f"expected true/false, got {show(integer)}", source, f"{where}.integer")
    if "values" in spec:
        vals = spec["values"]
        if not isinstance(vals, list) or not vals:
            raise _err("expected a non-empty list", source, f"{where}.values")
        for i, v in enumerate(vals):
            if not isinstance(v, (int, float, str, bool)):
                raise _err(f"expected a number, string or true/false, got {show(v)}", source,
                           f"{where}.values[{i}]")
            if isinstance(v, (int, float)) and not isinstance(v, bool):
                _number(v, source, f"{where}.values[{i}]")
        kinds = {bool if isinstance(v, bool) else str if isinstance(v, str) else float for v in vals}
        if len(kinds) > 1:  # each point's table would get another column type
            raise _err("values mix numbers, strings and true/false: give one kind", source,
                       f"{where}.values")
        if kinds == {float} and any(isinstance(v, float) for v in vals):
            vals = [float(v) for v in vals]  # 0 and 0.5: one column of floats
        if len(set(map(repr, vals))) != len(vals):
            raise _err("a value is listed twice", source, f"{where}.values")
        if "steps" in spec:
            raise _err("steps only applies to a range", source, f"{where}.steps")
        return Factor(path, values=tuple(vals), integer=integer)
    rng = spec["range"]
    if not isinstance(rng, list) or len(rng) != 2:
        raise _err("expected [lo, hi]", source, f"{where}.range")
    lo = _number(rng[0], source, f"{where}.range[0]")
    hi = _number(rng[1], source, f"{where}.range[1]")
    if not lo < hi:
        raise _err(f"lo must be below hi (got [{lo}, {hi}])", source, f"{where}.range")
    steps = spec.get("steps")
    if design == "factorial":
        if steps is None:
            raise _err("the factorial design needs steps (number of levels) for a range", source,
                       f"{where}.steps")
        steps = _number(steps, source, f"{where}.steps", integer=True)
        if steps < 2:
            raise _err("expected at least 2 steps", source, f"{where}.steps")
    elif steps is not None:
        raise _err(f"steps only applies to the factorial design (this one is {design})", source,
                   f"{where}.steps")
    return Factor(path, lo=float(lo), hi=float(hi), steps=steps, integer=integer)


def _design(raw: Any, source: str) -> dict[str, Any]:
    if isinstance(raw, str):
        raw = {"type": raw}
    if not isinstance(raw, dict) or "type" not in raw:
        raise _err(f"expected a design name ({', '.join(DESIGN_KEYS)}) or a mapping with 'type'",
                   source, "design")
    kind = raw["type"]
    if not isinstance(kind, str) or kind not in DESIGN_KEYS:
        raise _err(f"unknown design {show(kind)} (known designs: {', '.join(DESIGN_KEYS)})", source,
                   "design.type")
    for k in raw:
        if k != "type" and k not in DESIGN_KEYS[kind]:
            allowed = ", ".join(DESIGN_KEYS[kind]) or "none"
            raise _err(f"unknown key for the {kind} design (allowed: {allowed})", source, f"design.{k}")
    out: dict[str, Any] = {"type": kind}
    if kind != "factorial":
        if "samples" not in raw:
            raise _err(f"the {kind} design needs samples", source, "design.samples")
        n = _number(raw["samples"], source, "design.samples", integer=True)
        if n < 2:
            raise _err("expected at least 2 samples", source, "design.samples")
        if kind == "sobol" and n & (n - 1):
            raise _err(f"Saltelli sampling needs a power of 2 (got {n})", source, "design.samples")
        out["samples"] = n
        design_seed = _number(raw.get("seed", 0), source, "design.seed", integer=True)
        out["seed"] = design_seed
        if design_seed < 0:
            raise _err("expected a non-negative whole number", source, "design.seed")
    if kind == "sobol":
        so = raw.get("second_order", False)
        if not isinstance(so, bool):
            raise _err(f"expected true/false, got {show(so)}", source, "design.second_order")
        out["second_order"] = so
    if kind == "morris":
        lv = _number(raw.get("levels", 4), source, "design.levels", integer=True)
        if lv < 2 or lv % 2:
            raise _err("expected an even number of levels, at least 2", source, "design.levels")
        out["levels"] = lv
    return out


def _selection(raw: Any, source: str, key: str, default_all: bool = True) -> Selection:
    if raw is None:
        return Selection(None if default_all else ())
    if raw == "all":
        return Selection(None)
    if raw == "none":
        return Selection(())
    if not isinstance(raw, list) or not all(isinstance(x, str) for x in raw):
        raise _err("expected all, none or a list of names", source, key)
    return Selection(tuple(raw))


def _base_path(name: str, sweep_file: Path) -> Path:
    p = Path(name)
    if not p.is_absolute() and (sweep_file.parent / p).is_file():
        return sweep_file.parent / p
    return resolve_path(p)


def read_spec_file(path: str | Path, what: str, top_keys: Iterable[str],
                   required: Iterable[str]) -> tuple[dict, str]:
    """The checked top level of a sweep or search file and the file's sha256: a regular
    file read with a bound (never a FIFO or /dev/zero, issue 14), safe YAML, a mapping
    whose keys are strings and every string writable text, only ``top_keys``, each of
    ``required`` present."""
    source = str(path)
    blob = read_bounded(path, MAX_FILE_BYTES, source=source, what=what)
    raw = read_yaml(blob, source)
    if not isinstance(raw, dict):
        raise _err("expected a mapping at the top level", source)
    check_tree(raw, source=source)  # keys are strings; every string is writable text
    known = tuple(top_keys)
    for k in raw:
        if k not in known:
            raise _err(f"unknown key (known keys: {', '.join(known)})", source, str(k))
    for k in required:
        if k not in raw:
            raise _err("missing", source, k)
    return raw, hashlib.sha256(blob).hexdigest()


def load_sweep(path: str | Path, sets: Iterable[str] = (), replications: int | None = None,
               seed: int | None = None) -> SweepSpec:
    """Load and check a sweep file.

    ``sets`` (``["population.households=5000"]``) apply to the base scenario after
    the file's own ``set``; ``replications`` and ``seed`` override the file's.
    """
    source = str(path)
    raw, sha256 = read_spec_file(path, "sweep file", TOP_KEYS, ("scenario", "parameters"))
    # the name names the default results folder: a safe name, never a path
    name = check_name(raw["name"], source=source) if "name" in raw else slug(Path(path).stem)
    desc = raw.get("description", "")
    if not isinstance(desc, str):
        raise _err(f"expected a string, got {show(desc)}", source, "description")
    design = _design(raw.get("design", "factorial"), source)

    params = raw["parameters"]
    if not isinstance(params, dict) or not params:
        raise _err("expected a mapping of parameter paths to values or ranges", source, "parameters")
    factors = [_factor(p, spec, design["type"], source) for p, spec in params.items()]
    reps = raw.get("replications", 1) if replications is None else replications
    reps = _number(reps, source if replications is None else "--replications",
                   "replications" if replications is None else None, integer=True)
    if reps < 1:
        raise _err("expected at least 1", source, "replications")
    # the budget's structure (points, replications, runs) before any point is built
    limits.check_structure(limits.Work(
        source=source, households=0, months=0, household_months=0,
        points=design_points(factors, design), replications=reps,
        fields={"points": "parameters" if design["type"] == "factorial" else "design.samples",
                "replications": "replications" if replications is None else "--replications"}))

    # base scenario: file (or bundled name), extra policies, the file's set, then --set
    if not isinstance(raw["scenario"], str):
        raise _err("expected a scenario file path or a bundled scenario name", source, "scenario")
    try:
        base = load_scenario(_base_path(raw["scenario"], Path(path)))
    except ScenarioError as err:
        raise _err(f"{err}", source, "scenario") from None
    extra = raw.get("add_policies") or []
    if not isinstance(extra, list):
        raise _err("expected a list of policies", source, "add_policies")
    fixed = raw.get("set") or {}
    if not isinstance(fixed, dict):
        raise _err("expected a mapping of PATH: VALUE", source, "set")
    try:
        if extra:
            base = base.with_overrides({"policies": list(base.raw.get("policies", [])) + extra})
    except ScenarioError as err:
        raise _err(err.detail, source, f"add_policies ({err.path})" if err.path else "add_policies") from None
    varied = {f.path for f in factors}
    for k, v in fixed.items():
        if k in varied:  # the sweep would silently override it at every point
            raise _err("is also varied under parameters; set it in one place only", source,
                       f"set.{k}")
        try:
            base = base.with_overrides({k: v})
        except ScenarioError as err:
            raise _err(err.detail, source, f"set.{k}") from None
    sets = list(sets)
    if sets:
        base = base.with_overrides(sets)  # errors name --set already

    cli_paths = {s.split("=", 1)[0].strip() for s in sets}
    for f in factors:
        if f.path in cli_paths:
            raise ScenarioError("is varied by the sweep; it cannot also be set", source="--set",
                                path=f.path)
        _check_factor(base, f, source)

    root = raw.get("seed", base.data["seed"]) if seed is None else seed
    root = _number(root, source if seed is None else "--seed", "seed" if seed is None else None,
                   integer=True)
    if root < 0:
        raise _err("expected a non-negative whole number", source, "seed")

    metrics = _selection(raw.get("metrics"), source, "metrics")
    if metrics.patterns == ():  # nothing to aggregate: it would run every point for nothing
        raise _err("keeps no summary metric: name at least one, or all", source, "metrics")
    timeseries = _selection(raw.get("timeseries"), source, "timeseries")
    analyse = raw.get("analyse", ["non_take_up_rate"])
    if isinstance(analyse, str):
        analyse = [analyse]
    if not isinstance(analyse, list) or not all(isinstance(x, str) for x in analyse):
        raise _err("expected a list of summary metric names", source, "analyse")

    spec = SweepSpec(name=name, description=desc, source=source,
                     file_sha256=sha256, base=base, design=design,
                     factors=factors, replications=reps, seed=root, metrics=metrics,
                     timeseries=timeseries, analyse=tuple(analyse), sets=tuple(sets))
    _check_columns(spec)
    return spec


def design_points(factors: list[Factor], design: dict) -> int:
    """Points of the design, counted without building any (see :func:`sim.experiments.design.n_points`)."""
    kind, d = design["type"], len(factors)
    if kind == "factorial":
        return math.prod(len(f.values or ()) if f.discrete else (f.steps or 0) for f in factors)
    if kind == "lhs":
        return design["samples"]
    if kind == "sobol":
        return design["samples"] * ((2 * d + 2) if design["second_order"] else (d + 2))
    return design["samples"] * (d + 1)


def sweep_work(spec: SweepSpec, workers: int = 1) -> "limits.Work":
    """The sweep as the budget sees it: its points, replications, and its largest point
    (the largest households and months any factor can reach, or the base's)."""
    base = spec.base.data
    top = {"population.households": base["population"]["households"], "months": base["months"]}
    pop = base["population"]["file"]
    if pop:  # the households are the file's: counted, not parsed
        top["population.households"] = count_households(population_path(spec.base))
    for f in spec.factors:
        if f.path in top:
            vals = [v for v in ((f.values or ()) if f.discrete else (f.lo, f.hi))
                    if isinstance(v, (int, float)) and not isinstance(v, bool)]
            if vals:
                top[f.path] = int(math.ceil(max(vals)))
    n, m = top["population.households"], top["months"]
    return limits.Work(source=spec.source, households=n, months=m, household_months=n * m,
                       benefits=len(spec.base.benefits), points=design_points(spec.factors, spec.design),
                       replications=spec.replications, workers=workers, keep_results=False,
                       fields={"points": "parameters" if spec.design["type"] == "factorial"
                               else "design.samples", "replications": "replications",
                               "households": "population.households", "workers": "--workers"})


def _check_factor(base: Scenario, f: Factor, source: str) -> None:
    """Build the base scenario at every level (or both bounds) of one factor."""
    if f.discrete:
        probes = list(f.choices)
    elif f.steps is not None:
        probes = f.levels()
    else:
        probes = [f.decode(v) for v in f.span]
    for v in probes:
        try:
            base.with_overrides({f.path: v})
        except ScenarioError as err:
            where = f" ({err.path})" if err.path and err.path != f.path else ""
            raise _err(f"value {show(v)}: {err.detail}{where}", source, f"parameters.{f.path}") from None


def _check_columns(spec: SweepSpec) -> None:
    summary_cols, ts_cols = probe_columns(spec.base)
    for i, p in spec.metrics.unmatched(summary_cols):
        raise _err(f"no summary metric {show(p)} (e.g. non_take_up_rate, by_group.age_band)",
                   spec.source, f"metrics[{i}]")
    for i, p in spec.timeseries.unmatched(ts_cols):
        raise _err(f"no monthly series {show(p)} (e.g. non_take_up_rate, hours_social_services)",
                   spec.source, f"timeseries[{i}]")
    kept = set(spec.metrics.apply(summary_cols))
    for i, m in enumerate(spec.analyse):
        if m not in kept:
            raise _err(f"{show(m)} is not a kept summary metric", spec.source, f"analyse[{i}]")
