"""``sim optimise``: a multi-objective search for policy mixes under a yearly budget.

A search file (strict YAML, ``searches/``; format in ``docs/costs.md``) names a base
scenario, the **levers** to set (dotted scenario paths with a range or values, as a
sweep's parameters), a **budget** in euros a year and the **objectives** to minimise
(summary metrics such as ``non_take_up_rate`` or ``cost_ledger.households.hours_per_year``,
and ``most_exposed.GROUP``: the highest non-take-up among the labels of a group).

A mix's **yearly cost** is the change of ``cost_ledger.public_funding.euros_per_year``
from the base scenario (:mod:`sim.costs`: staffed counters and phone, social workers' and
mediators' hours on offer, programmes), paired by replication, for the represented
population: the unit costs of the ledger price the levers.  A mix whose cost exceeds the
budget is infeasible (a constraint of the search, not a penalty).

The search is NSGA-II (optuna's ``NSGAIISampler``, seeded): each generation's mixes are
asked of the sampler, run as one plan of points × replications by the same executors and
results store as sweeps (:func:`sim.experiments.engine.execute`; every mix and the base
use the same replication seeds: common random numbers), and their mean objectives told
back.  Then the feasible non-dominated mixes are **re-evaluated** with fresh seeds and more
replications beside the base, and each gets paired intervals against it (its selection
noise is not re-used).  Layout of ``OUT``::

    OUT/manifest.json           kind optimise, the search file's hash, status
    OUT/search.yaml, OUT/base_scenario.yaml
    OUT/base/                   the base scenario (a one-point store)
    OUT/generations/gen-NNN/    one store per generation (a point per mix)
    OUT/front/                  the re-evaluation: point 0 the base, then the front
    OUT/trials.parquet|csv      every mix: generation, levers, objectives, cost, feasible,
                                on the front
    OUT/front.parquet|csv|json  the front: levers, cost, and per objective (and key
                                ledger figures) the base, the mix and B − A paired [95 % CI]

Deterministic: the same search file and seed give the same files (manifests aside: they
carry times).  ``--resume`` after a kill replays the sampler on the stored generations
(each store's plan hash proves the replay asks the same mixes), finishes the generation in
flight from its store, and ends with the files an uninterrupted search writes.
"""

from __future__ import annotations

import hashlib
import json
import math
import os
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa

from ..io import atomic_write, csv_text, parquet_bytes, to_json
from ..params import ScenarioError
from ..names import check_name, slug
from ..scenario import Scenario
from ..scenario import load as load_scenario
from ..summary import paired_difference
from ..texts import text
from .engine import Plan, Point, execute
from .executors import Executor, make_executor
from .spec import Factor, _base_path, _check_factor, _factor, _number, read_spec_file
from .store import ResultsStore
from .tables import KEYS, Selection, probe_columns
from .tasks import with_population_size

SEARCH_DIR = Path(__file__).resolve().parent.parent.parent / "searches"
TOP_KEYS = ("name", "description", "scenario", "add_policies", "set", "levers", "budget",
            "objectives", "search", "replications", "seed", "reevaluate")
COST = "cost_ledger.public_funding.euros_per_year"
MOST_EXPOSED = "most_exposed."
# what the front table shows beside the objectives (national terms)
FRONT_EXTRA = ("non_take_up_rate", "national.unclaimed_euros_per_year",
               "cost_ledger.households.hours_per_year", "national.social_services_fte",
               "national.associations_fte", COST)


@dataclass(frozen=True)
class Objective:
    metric: str
    direction: str = "minimize"  # or "maximize"

    @property
    def sign(self) -> float:
        return 1.0 if self.direction == "minimize" else -1.0


@dataclass
class SearchSpec:
    name: str
    description: str
    source: str
    file_sha256: str
    base: Scenario
    levers: list[Factor]
    budget: float  # euros a year (represented population), cost change from the base
    objectives: list[Objective]
    population: int
    generations: int
    replications: int
    seed: int
    reevaluate_replications: int
    reevaluate_seed: int
    sets: tuple[str, ...] = field(default_factory=tuple)

    def to_dict(self) -> dict:
        return {"name": self.name, "description": self.description, "file": self.source,
                "file_sha256": self.file_sha256, "base_scenario": self.base.name,
                "base_scenario_sha256": self.base.content_hash(), "sets": list(self.sets),
                "levers": [f.to_dict() for f in self.levers], "budget_euros_per_year": self.budget,
                "objectives": [{"metric": o.metric, "direction": o.direction} for o in self.objectives],
                "search": {"sampler": "optuna NSGAIISampler", "population": self.population,
                           "generations": self.generations, "seed": self.seed},
                "replications": self.replications, "seed": self.seed,
                "reevaluate": {"replications": self.reevaluate_replications,
                               "seed": self.reevaluate_seed}}

    def sha256(self) -> str:
        blob = to_json({k: v for k, v in self.to_dict().items() if k not in ("file",)})
        return hashlib.sha256(blob.encode()).hexdigest()


def _err(msg: str, source: str, path: str | None = None) -> ScenarioError:
    return ScenarioError(msg, source=source, path=path)


def resolve_search(path: str | os.PathLike) -> Path:
    """A search file, or the name of a bundled one (``searches/NAME.yaml``)."""
    p = Path(path)
    if not p.exists() and not p.suffix and (SEARCH_DIR / f"{p.name}.yaml").exists():
        return SEARCH_DIR / f"{p.name}.yaml"
    return p


def _whole(v: Any, source: str, path: str, lo: int = 1) -> int:
    v = _number(v, source, path, integer=True)
    if v < lo:
        raise _err(f"expected at least {lo}", source, path)
    return int(v)


def load_search(path: str | os.PathLike, sets=(), seed: int | None = None,
                replications: int | None = None) -> SearchSpec:
    """Load and check a search file; errors name the file and the field."""
    path = resolve_search(path)
    source = str(path)
    raw, sha256 = read_spec_file(path, "search file", TOP_KEYS, ("scenario", "levers", "budget", "objectives"))
    # the name names the default results folder: a safe name, never a path (issue 14)
    name = check_name(raw["name"], source=source) if "name" in raw else slug(Path(path).stem)
    desc = raw.get("description", "")
    for k, v in (("name", name), ("description", desc)):
        if not isinstance(v, str):
            raise _err(f"expected a string, got {v!r}", source, k)

    # the base scenario, as a sweep's: file or bundled name, extra policies, set, --set
    if not isinstance(raw["scenario"], str):
        raise _err("expected a scenario file path or a bundled scenario name", source, "scenario")
    try:
        base = load_scenario(_base_path(raw["scenario"], Path(path)))
    except ScenarioError as err:
        raise _err(f"{err}", source, "scenario") from None
    extra = raw.get("add_policies") or []
    if not isinstance(extra, list):
        raise _err("expected a list of policies", source, "add_policies")
    try:
        if extra:
            base = base.with_overrides({"policies": list(base.raw.get("policies", [])) + extra})
    except ScenarioError as err:
        raise _err(err.detail, source, f"add_policies ({err.path})" if err.path else "add_policies") from None
    fixed = raw.get("set") or {}
    if not isinstance(fixed, dict):
        raise _err("expected a mapping of PATH: VALUE", source, "set")
    for k, v in fixed.items():
        try:
            base = base.with_overrides({str(k): v})
        except ScenarioError as err:
            raise _err(err.detail, source, f"set.{k}") from None
    sets = list(sets)
    if sets:
        base = base.with_overrides(sets)

    levers_raw = raw["levers"]
    if not isinstance(levers_raw, dict) or not levers_raw:
        raise _err("expected a mapping of parameter paths to ranges or values", source, "levers")
    levers = []
    for p, spec in levers_raw.items():
        try:
            f = _factor(str(p), spec, "lhs", source)
        except ScenarioError as err:
            raise _err(err.detail, source, (err.path or "").replace("parameters.", "levers.", 1)) from None
        try:
            _check_factor(base, f, source)
        except ScenarioError as err:
            raise _err(err.detail, source, f"levers.{p}") from None
        levers.append(f)

    budget = raw["budget"]
    if not isinstance(budget, dict) or set(budget) != {"euros_per_year"}:
        raise _err("expected {euros_per_year: AMOUNT}", source, "budget")
    amount = _number(budget["euros_per_year"], source, "budget.euros_per_year")
    if amount < 0:
        raise _err("expected a non-negative amount", source, "budget.euros_per_year")

    objs_raw = raw["objectives"]
    if not isinstance(objs_raw, list) or not objs_raw:
        raise _err("expected a list of summary metrics", source, "objectives")
    objectives = []
    for i, o in enumerate(objs_raw):
        if isinstance(o, str):
            o = {"metric": o}
        if not isinstance(o, dict) or not isinstance(o.get("metric"), str) or \
                set(o) - {"metric", "direction"}:
            raise _err("expected a metric name or {metric: NAME, direction: minimize|maximize}",
                       source, f"objectives[{i}]")
        direction = o.get("direction", "minimize")
        if direction not in ("minimize", "maximize"):
            raise _err(f"expected minimize or maximize, got {direction!r}", source,
                       f"objectives[{i}].direction")
        objectives.append(Objective(o["metric"], direction))
    columns = set(probe_columns(base)[0])
    for i, o in enumerate(objectives):
        if o.metric.startswith(MOST_EXPOSED):
            g = o.metric[len(MOST_EXPOSED):]
            if not any(c.startswith(f"by_group.{g}.") for c in columns):
                raise _err(f"no group {g!r} (e.g. most_exposed.age_band)", source, f"objectives[{i}]")
        elif o.metric not in columns:
            raise _err(f"no summary metric {o.metric!r} (e.g. non_take_up_rate)", source,
                       f"objectives[{i}]")

    search = raw.get("search") or {}
    if not isinstance(search, dict) or set(search) - {"population", "generations"}:
        raise _err("expected {population: N, generations: N}", source, "search")
    population = _whole(search.get("population", 12), source, "search.population", lo=2)
    generations = _whole(search.get("generations", 4), source, "search.generations")
    reps = _whole(raw.get("replications", 3) if replications is None else replications,
                  source, "replications" if replications is None else "--replications")
    root = _whole(raw.get("seed", base.data["seed"]) if seed is None else seed, source,
                  "seed" if seed is None else "--seed", lo=0)
    ree = raw.get("reevaluate") or {}
    if not isinstance(ree, dict) or set(ree) - {"replications", "seed"}:
        raise _err("expected {replications: N, seed: N}", source, "reevaluate")
    ree_reps = _whole(ree.get("replications", max(reps, 5)), source, "reevaluate.replications", lo=2)
    ree_seed = _whole(ree.get("seed", root + 1), source, "reevaluate.seed", lo=0)
    return SearchSpec(name=name, description=desc, source=source,
                      file_sha256=sha256, base=base, levers=levers,
                      budget=float(amount), objectives=objectives, population=population,
                      generations=generations, replications=reps, seed=root,
                      reevaluate_replications=ree_reps, reevaluate_seed=ree_seed, sets=tuple(sets))


# -- evaluating a plan's points ------------------------------------------------

def _rows(store: ResultsStore, n_points: int) -> list[list[dict]]:
    table = store.table("summary")
    out: list[list[dict]] = [[] for _ in range(n_points)]
    skip = set(KEYS)
    for row in table.to_pylist():
        out[row["point"]].append({k: v for k, v in row.items() if k not in skip})
    return out


def objective_value(row: dict, metric: str) -> float:
    """One replication's value of an objective (``most_exposed.G``: the highest group rate)."""
    if metric.startswith(MOST_EXPOSED):
        g = metric[len(MOST_EXPOSED):]
        vals = [v for k, v in row.items() if k.startswith(f"by_group.{g}.")
                and k.endswith(".non_take_up_rate") and v is not None and v == v]
        return max(vals) if vals else float("nan")
    v = row.get(metric)
    return float("nan") if v is None else float(v)


def _with_objectives(rows: list[dict], objectives: list[Objective]) -> list[dict]:
    """Flat replication rows plus the derived ``most_exposed.*`` objectives."""
    out = []
    for r in rows:
        r = dict(r)
        for o in objectives:
            if o.metric.startswith(MOST_EXPOSED):
                r[o.metric] = objective_value(r, o.metric)
        out.append(r)
    return out


def _plan(kind: str, name: str, points: list[Point], replications: int, seed: int,
          spec: dict, metrics: Selection | None = None) -> Plan:
    return Plan(kind=kind, name=name, points=points, replications=replications, seed=seed,
                metrics=metrics or Selection(None), timeseries=Selection(()), spec=spec,
                tables=("summary",))


def _kept(spec: SearchSpec) -> Selection:
    """The summary columns a generation keeps: its objectives (a group's rates for
    ``most_exposed``) and the cost."""
    keep = [f"by_group.{o.metric[len(MOST_EXPOSED):]}" if o.metric.startswith(MOST_EXPOSED)
            else o.metric for o in spec.objectives]
    return Selection(tuple(dict.fromkeys([*keep, COST])))


def _run_plan(plan: Plan, out: Path, ex: Executor, lang: str, quiet: bool) -> ResultsStore:
    """Execute a plan into ``out`` (skipped if complete there, resumed if interrupted)."""
    store = ResultsStore(out)
    man = store.manifest()
    if man is not None and man.get("status") == "complete":
        if man.get("plan_sha256") != plan.sha256(plan.design_table()):
            raise ScenarioError("holds results of a different plan (search file, seed or code "
                                "changed); cannot resume", source=str(out))
        return store
    return execute(plan, out, ex, resume=man is not None, quiet=quiet, lang=lang)


# -- the search ----------------------------------------------------------------

def _distribution(f: Factor):
    from optuna.distributions import (CategoricalDistribution, FloatDistribution,
                                      IntDistribution)
    if f.discrete:
        return CategoricalDistribution(list(f.choices))
    lo, hi = f.span
    if f.integer:
        return IntDistribution(int(math.ceil(lo)), int(math.floor(hi)))
    return FloatDistribution(lo, hi)


def _lever_value(v: Any) -> Any:
    if isinstance(v, (bool, str)):
        return v
    if isinstance(v, (int, np.integer)):
        return int(v)
    return float(v)


def optimise(spec: SearchSpec, out: str | os.PathLike, executor: Executor | None = None,
             workers: int | None = None, resume: bool = False, quiet: bool = True,
             lang: str = "en") -> dict:
    """Run the search into ``out`` and return the front document (``front.json``)."""
    import optuna
    optuna.logging.set_verbosity(optuna.logging.WARNING)
    out = Path(out)
    root = ResultsStore(out)
    old = root.manifest()
    if old is not None and not resume:
        raise ScenarioError("already holds results; pass --resume to continue them, or choose "
                            "another --out directory", source=str(out))
    if old is not None and old.get("search_sha256") != spec.sha256():
        raise ScenarioError("holds the results of another search (file, seed or replications "
                            "differ); cannot resume", source=str(out))
    base = with_population_size(spec.base, spec.seed)
    manifest = old or {"package": "sim", "kind": "optimise", "name": spec.name,
                       "search_sha256": spec.sha256(), "optimise": spec.to_dict(),
                       "command": " ".join(sys.argv)}
    manifest["status"] = "running"
    if old is None:
        out.mkdir(parents=True, exist_ok=True)
        atomic_write(out / "search.yaml", Path(spec.source).read_text(encoding="utf-8"))
        atomic_write(out / "base_scenario.yaml", base.to_yaml())
    root.write_manifest(manifest)
    own = executor is None
    ex: Executor = make_executor(workers) if executor is None else executor
    say = (lambda msg: None) if quiet else (lambda msg: print(msg, file=sys.stderr))
    try:
        base_plan = _plan("run", f"{spec.name} base", [Point(0, {"scenario": base.name}, base)],
                          spec.replications, spec.seed, {"optimise": spec.name, "role": "base"})
        base_rows = _with_objectives(_rows(_run_plan(base_plan, out / "base", ex, lang, quiet), 1)[0],
                                     spec.objectives)
        sampler = optuna.samplers.NSGAIISampler(population_size=spec.population, seed=spec.seed)
        directions: list[Any] = [o.direction for o in spec.objectives]
        study = optuna.create_study(directions=directions, sampler=sampler)
        dists = {f.path: _distribution(f) for f in spec.levers}
        trials: list[dict] = []
        for g in range(spec.generations):
            asked = [study.ask(fixed_distributions=dists) for _ in range(spec.population)]
            points = []
            for i, t in enumerate(asked):
                values = {f.path: _lever_value(t.params[f.path]) for f in spec.levers}
                points.append(Point(i, values, base.with_overrides(values)))
            plan = _plan("optimise", f"{spec.name} generation {g}", points, spec.replications,
                         spec.seed, {"optimise": spec.name, "generation": g}, _kept(spec))
            say(text("opt.generation", lang, g=g + 1, n=spec.generations, points=len(points)))
            rows = _rows(_run_plan(plan, out / "generations" / f"gen-{g:03d}", ex, lang, quiet),
                         len(points))
            for t, p, reps in zip(asked, points, rows):
                reps = _with_objectives(reps, spec.objectives)
                cost = float(np.mean([r[COST] - b[COST] for r, b in zip(reps, base_rows)]))
                vals = [float(np.mean([objective_value(r, o.metric) for r in reps]))
                        for o in spec.objectives]
                t.set_constraint("budget", cost - spec.budget)  # feasible when <= 0
                ok = all(v == v for v in vals)
                study.tell(t, vals if ok else None,
                           state=optuna.trial.TrialState.COMPLETE if ok else optuna.trial.TrialState.FAIL)
                trials.append({"trial": t.number, "generation": g, "point": p.index, **p.values,
                               **{o.metric: v for o, v in zip(spec.objectives, vals)},
                               "cost_euros_per_year": cost, "feasible": cost <= spec.budget})
        front = pareto_front(trials, spec)
        on_front = {f["trial"] for f in front}
        for row in trials:
            row["on_front"] = row["trial"] in on_front
        doc = _reevaluate(spec, base, front, out, ex, lang, quiet)
        write_outputs(out, spec, trials, doc)
        manifest["status"] = "complete"
        root.write_manifest(manifest)
        return doc
    finally:
        if own:
            ex.close()


def pareto_front(trials: list[dict], spec: SearchSpec) -> list[dict]:
    """Feasible trials that no other feasible trial dominates (objectives as minimised;
    a mix asked twice counts once, its first trial)."""
    seen: set[tuple] = set()
    cand = []
    for t in trials:
        key = tuple(t[f.path] for f in spec.levers)
        vals = [t[o.metric] for o in spec.objectives]
        if not t["feasible"] or key in seen or any(v != v for v in vals):
            continue
        seen.add(key)
        cand.append((t, [o.sign * v for o, v in zip(spec.objectives, vals)]))
    front = []
    for t, v in cand:
        dominated = any(all(a <= b for a, b in zip(w, v)) and any(a < b for a, b in zip(w, v))
                        for _, w in cand)
        if not dominated:
            front.append(t)
    return front


def _reevaluate(spec: SearchSpec, base: Scenario, front: list[dict], out: Path, ex: Executor,
                lang: str, quiet: bool) -> dict:
    """The front beside the base with fresh seeds: paired intervals of every objective."""
    points = [Point(0, {"scenario": "base"}, base)]
    for k, t in enumerate(front, 1):
        values = {f.path: t[f.path] for f in spec.levers}
        points.append(Point(k, {"scenario": f"mix-{k:02d}"}, base.with_overrides(values)))
    plan = _plan("compare", f"{spec.name} front", points, spec.reevaluate_replications,
                 spec.reevaluate_seed, {"optimise": spec.name, "role": "front",
                                        "trials": [t["trial"] for t in front]})
    store = _run_plan(plan, out / "front", ex, lang, quiet)
    rows = [_with_objectives(r, spec.objectives) for r in _rows(store, len(points))]
    metrics = list(dict.fromkeys([*(o.metric for o in spec.objectives), *FRONT_EXTRA]))
    mixes = []
    for k, t in enumerate(front, 1):
        a = [{m: r[m] for m in metrics} for r in rows[0]]
        b = [{m: r[m] for m in metrics} for r in rows[k]]
        d = paired_difference(a, b)
        base_mean = {m: float(np.mean([r[m] for r in a])) for m in metrics}
        mix_mean = {m: float(np.mean([r[m] for r in b])) for m in metrics}
        mixes.append({"mix": f"mix-{k:02d}", "trial": t["trial"], "generation": t["generation"],
                      "levers": {f.path: t[f.path] for f in spec.levers},
                      "search_cost_euros_per_year": t["cost_euros_per_year"],
                      "metrics": {m: {"base": base_mean[m], "mix": mix_mean[m],
                                      "difference": d[m]["mean"], "ci95": d[m]["ci95"]}
                                  for m in metrics}})
    return {"search": spec.name, "objectives": [o.metric for o in spec.objectives],
            "directions": [o.direction for o in spec.objectives],
            "budget_euros_per_year": spec.budget, "levers": [f.path for f in spec.levers],
            "reevaluation": {"replications": spec.reevaluate_replications,
                             "seed": spec.reevaluate_seed,
                             "ci_method": "paired t-interval on per-replication differences "
                                          "mix - base (common random numbers), 95 %"},
            "front": mixes}


def front_rows(doc: dict) -> list[dict]:
    """The front as flat rows (one per mix): levers, cost, and per metric base / mix /
    difference / paired CI."""
    rows = []
    for m in doc["front"]:
        row: dict[str, Any] = {"mix": m["mix"], "trial": m["trial"], "generation": m["generation"],
                               **m["levers"], "search_cost_euros_per_year": m["search_cost_euros_per_year"]}
        for k, v in m["metrics"].items():
            row[f"{k}.base"] = v["base"]
            row[f"{k}.mix"] = v["mix"]
            row[f"{k}.difference"] = v["difference"]
            row[f"{k}.ci_low"] = v["ci95"][0]
            row[f"{k}.ci_high"] = v["ci95"][1]
        rows.append(row)
    return rows


def _table(rows: list[dict]) -> pa.Table:
    if not rows:
        return pa.table({})
    cols: dict[str, pa.Array] = {}
    for k in rows[0]:
        vals = [r[k] for r in rows]
        if all(isinstance(v, bool) for v in vals):
            cols[k] = pa.array(vals, pa.bool_())
        elif all(isinstance(v, int) and not isinstance(v, bool) for v in vals):
            cols[k] = pa.array(vals, pa.int64())
        elif all(isinstance(v, str) for v in vals):
            cols[k] = pa.array(vals, pa.string())
        else:
            cols[k] = pa.array([float("nan") if v is None else float(v) for v in vals], pa.float64())
    return pa.table(cols)


def write_outputs(out: Path, spec: SearchSpec, trials: list[dict], doc: dict) -> None:
    atomic_write(out / "trials.parquet", parquet_bytes(_table(trials)))
    atomic_write(out / "trials.csv", csv_text(trials))
    rows = front_rows(doc)
    atomic_write(out / "front.parquet", parquet_bytes(_table(rows)))
    atomic_write(out / "front.csv", csv_text(rows))
    atomic_write(out / "front.json", to_json(doc))


def load_front(out: str | os.PathLike) -> dict:
    """The front document of a finished search (``front.json``)."""
    p = Path(out) / "front.json"
    if not p.is_file():
        raise ScenarioError("no front.json (the search is not finished: rerun it with --resume)",
                            source=str(out))
    return json.loads(p.read_text(encoding="utf-8"))


__all__ = ["SearchSpec", "Objective", "load_search", "optimise", "pareto_front", "front_rows",
           "load_front", "objective_value"]
