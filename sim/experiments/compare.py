"""Paired comparison of scenarios with common random numbers.

Every scenario runs replication ``r`` with the same ``SeedSequence`` child, so
with the same synthetic population and random streams; the difference B−A of
every summary metric (group gaps and the concentration index included) is
estimated on the per-replication differences (paired t-interval,
:func:`sim.summary.paired_difference`) and, for reference, by Welch's
unpaired interval (:func:`sim.summary.unpaired_difference`).  With common
random numbers the paired interval is the narrower one.

Writes, besides the store (see :mod:`sim.experiments.store`, one point per
scenario): ``comparison.json`` (nested summaries and differences) and
``differences.csv`` / ``differences.parquet`` (one row per metric and pair).
"""

from __future__ import annotations

import io
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Sequence

import numpy as np
import pyarrow as pa
import pyarrow.csv as pacsv

from ..io import atomic_write, to_json
from ..params import ScenarioError, nest
from ..scenario import Scenario, load as load_scenario
from ..summary import aggregate, paired_difference, unpaired_difference
from .engine import Plan, Point, execute
from .executors import Executor, make_executor
from .store import ResultsStore
from .tables import KEYS, TABLES, Selection
from .tasks import with_population_size


@dataclass
class Comparison:
    """Results of a comparison; summaries and differences are flat ``{metric: node}``
    dicts where ``node = {"mean": x, "ci95": [lo, hi]}``."""

    names: list[str]
    replications: int
    seed: int
    households: list[int]
    summaries: list[dict]
    paired: list[dict]  # paired[i-1]: scenario i minus scenario 0
    unpaired: list[dict]
    out: Path | None
    sd_paired: list[dict]  # sd of the per-replication differences, per metric
    sd_unpaired: list[dict]  # (sd_a, sd_b) per metric


def build_plan(scenarios: Sequence[Scenario | str | os.PathLike], replications: int,
               seed: int | None, sets=()) -> Plan:
    sets = list(sets)
    scs = []
    for s in scenarios:
        sc = s if isinstance(s, Scenario) else load_scenario(s)
        scs.append(sc.with_overrides(sets) if sets else sc)
    names: list[str] = []
    seen: dict[str, int] = {}
    for sc in scs:  # two scenarios with one name stay apart in the tables
        seen[sc.name] = seen.get(sc.name, 0) + 1
        names.append(sc.name if seen[sc.name] == 1 else f"{sc.name}#{seen[sc.name]}")
    root = scs[0].data["seed"] if seed is None else int(seed)
    scs = [with_population_size(sc, root) for sc in scs]
    points = [Point(i, {"scenario": n}, sc) for i, (n, sc) in enumerate(zip(names, scs))]
    spec = {"scenarios": [{"name": n, "file": sc.source, "sha256": sc.content_hash()}
                          for n, sc in zip(names, scs)],
            "sets": sets}
    return Plan(kind="compare", name=" vs ".join(names), points=points,
                replications=replications, seed=root, metrics=Selection(None),
                timeseries=Selection(None), spec=spec, tables=TABLES)


def compare(scenarios: Sequence[Scenario | str | os.PathLike], replications: int = 5,
            seed: int | None = None, sets=(), out: str | os.PathLike | None = None,
            executor: Executor | None = None, workers: int | None = None, resume: bool = False,
            quiet: bool = True, lang: str = "en") -> Comparison:
    """Run scenarios with common random numbers and compare each to the first.

    ``sets`` apply to every scenario.  Without ``out`` the store lives in a
    temporary directory and only the returned :class:`Comparison` remains.
    """
    if len(scenarios) < 2:
        raise ScenarioError("a comparison needs at least two scenarios", source="compare")
    plan = build_plan(scenarios, replications, seed, sets)
    files = {f"scenarios/{i:02d}_{p.values['scenario']}.yaml": p.scenario.to_yaml()
             for i, p in enumerate(plan.points)}
    own = executor is None
    ex: Executor = make_executor(workers) if executor is None else executor
    tmp = None
    try:
        if out is None:
            tmp = tempfile.TemporaryDirectory(prefix="sim-compare-")
            target = Path(tmp.name)
        else:
            target = Path(out)
        def finish(store: ResultsStore) -> None:  # before the manifest says "complete"
            write_comparison(store, comparison_from_store(store, plan))

        store = execute(plan, target, ex, resume=resume, quiet=quiet, extra_files=files, lang=lang,
                        finish=finish)
        result = comparison_from_store(store, plan)
        result.out = None if out is None else target
        return result
    finally:
        if own:
            ex.close()
        if tmp is not None:
            tmp.cleanup()


def _rows(store: ResultsStore, n_points: int) -> list[list[dict]]:
    """Per point, the flat per-replication summaries (replication order)."""
    table = store.table("summary")
    skip = set(KEYS) | {"scenario"}
    out: list[list[dict]] = [[] for _ in range(n_points)]
    for row in table.to_pylist():  # None: a metric this scenario does not have (other benefits)
        out[row["point"]].append({k: v for k, v in row.items() if k not in skip and v is not None})
    return out


def _common(rows_a: list[dict], rows_b: list[dict]) -> tuple[list[dict], list[dict]]:
    """Both scenarios' rows restricted to the metrics they share."""
    keys = [k for k in rows_a[0] if k in rows_b[0]]
    return [{k: r[k] for k in keys} for r in rows_a], [{k: r[k] for k in keys} for r in rows_b]


def _sd(values) -> float:
    x = np.asarray([v for v in values if v is not None and v == v], dtype=float)
    return float(x.std(ddof=1)) if len(x) > 1 else float("nan")


def comparison_from_store(store: ResultsStore, plan: Plan) -> Comparison:
    rows = _rows(store, len(plan.points))
    names = [p.values["scenario"] for p in plan.points]
    summaries = [aggregate(r) for r in rows]
    paired, unpaired, sd_p, sd_u = [], [], [], []
    for b in range(1, len(rows)):
        ra, rb = _common(rows[0], rows[b])
        paired.append(paired_difference(ra, rb))
        unpaired.append(unpaired_difference(ra, rb))
        sd_p.append({k: _sd([y[k] - x[k] for x, y in zip(ra, rb)]) for k in ra[0]})
        sd_u.append({k: (_sd([x[k] for x in ra]), _sd([y[k] for y in rb])) for k in ra[0]})
    return Comparison(names=names, replications=plan.replications, seed=plan.seed,
                      households=[p.scenario.data["population"]["households"] for p in plan.points],
                      summaries=summaries, paired=paired, unpaired=unpaired, out=None,
                      sd_paired=sd_p, sd_unpaired=sd_u)


def difference_table(c: Comparison) -> pa.Table:
    cols: dict[str, list] = {k: [] for k in ("baseline", "scenario", "metric", "mean_baseline", "mean_scenario",
                            "difference", "paired_ci_low", "paired_ci_high", "unpaired_ci_low",
                            "unpaired_ci_high", "paired_sd")}
    nan = float("nan")
    for i in range(1, len(c.names)):
        p, u = c.paired[i - 1], c.unpaired[i - 1]
        for metric, node in p.items():
            cols["baseline"].append(c.names[0])
            cols["scenario"].append(c.names[i])
            cols["metric"].append(metric)
            cols["mean_baseline"].append(_num(c.summaries[0][metric]["mean"]))
            cols["mean_scenario"].append(_num(c.summaries[i][metric]["mean"]))
            cols["difference"].append(_num(node["mean"]))
            cols["paired_ci_low"].append(_num(node["ci95"][0]))
            cols["paired_ci_high"].append(_num(node["ci95"][1]))
            un = u.get(metric, {"ci95": [None, None]})
            cols["unpaired_ci_low"].append(_num(un["ci95"][0]))
            cols["unpaired_ci_high"].append(_num(un["ci95"][1]))
            cols["paired_sd"].append(c.sd_paired[i - 1].get(metric, nan))
    types = {k: pa.string() if k in ("baseline", "scenario", "metric") else pa.float64()
             for k in cols}
    return pa.table({k: pa.array(v, types[k]) for k, v in cols.items()})


def _num(v) -> float:
    return float("nan") if v is None else float(v)


def write_comparison(store: ResultsStore, c: Comparison) -> None:
    doc = {
        "scenarios": c.names, "replications": c.replications, "seed": c.seed,
        "households": c.households,
        "ci_method": ("Student t-interval over replications, 95 %; differences B - A paired by "
                      "replication (common random numbers); unpaired: Welch interval"),
        "summary": {n: nest(s) for n, s in zip(c.names, c.summaries)},
        "differences": {f"{c.names[i]} - {c.names[0]}": {"paired": nest(c.paired[i - 1]),
                                                          "unpaired": nest(c.unpaired[i - 1])}
                        for i in range(1, len(c.names))},
    }
    store.write_text("comparison.json", to_json(doc))
    table = difference_table(c)
    store.write_table("differences", table)
    buf = io.BytesIO()
    pacsv.write_csv(table, buf)
    atomic_write(store.root / "differences.csv", buf.getvalue())
