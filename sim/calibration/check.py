"""``sim calibrate``: the table target vs model (mean and CI over seeds), pass/fail."""

from __future__ import annotations

import csv
import io
import math
from pathlib import Path

import numpy as np

from ..model import DematModel
from ..output import atomic_write
from ..params import ScenarioError
from ..runner import replication_seeds
from ..scenario import from_dict, read_yaml
from ..summary import t_interval
from . import TARGETS_FILE
from .measure import REASONS, POPULATION_QUANTITIES, Row, evaluate, population_value
from .process import (DEFAULT_REGIME, PATTERNS, REGIMES, SUMMARY_QUANTITIES, is_process, regime,
                      regimes_needed, run_regime, summary_value)

def load_targets(path: str | Path = TARGETS_FILE) -> list[dict]:
    doc = read_yaml(Path(path).read_bytes(), str(path))
    if not isinstance(doc, list):
        raise ScenarioError("expected a list of targets", source=str(path))
    ids = set()
    for i, t in enumerate(doc):
        for key in ("id", "value", "kind", "source", "year", "vintages", "description"):
            if not isinstance(t, dict) or key not in t:
                raise ScenarioError(f"missing key {key!r}", source=str(path), path=f"[{i}]")
        if t["id"] in ids:
            raise ScenarioError("duplicate target id", source=str(path), path=f"[{i}].id")
        ids.add(t["id"])
    return doc


def applies(target: dict, vintage) -> bool:
    v = target["vintages"]
    return v == "all" or vintage in v


def _population_target_value(h, t) -> float:
    q = t["quantity"]
    if "reference_quantity" in t:
        a = population_value(h, q, t.get("filter"))
        b = population_value(h, t["reference_quantity"], t.get("filter"))
        return a / b if b else float("nan")
    a = population_value(h, q, t.get("filter"))
    if "reference" in t:
        b = population_value(h, q, t["reference"])
        a = a / b if b else float("nan")
        if "filter2" in t:
            c = population_value(h, q, t["filter2"]) / max(population_value(h, q, t["reference2"]), 1e-12)
            a = a / c if c else float("nan")
    return a


def is_population(t) -> bool:
    return t.get("quantity") in POPULATION_QUANTITIES or t.get("quantity") in REASONS


def with_regime(scenario, name: str):
    """``scenario`` with the policies of regime ``name`` added."""
    raw = {**scenario.raw, "policies": list(scenario.raw.get("policies", [])) + REGIMES[name]}
    return from_dict(raw, source=scenario.source)


def measure_seed(scenarios: dict, targets: list[dict], ss) -> dict[str, float]:
    """Every target's value for one replication seed ``ss``; ``scenarios``: regime -> scenario."""
    values: dict[str, float] = {}
    pop_t = [t for t in targets if is_population(t)]
    if pop_t:
        model = DematModel(scenarios[DEFAULT_REGIME] if DEFAULT_REGIME in scenarios
                           else next(iter(scenarios.values())), ss)
        for t in pop_t:
            values[t["id"]] = _population_target_value(model.h, t)
    summaries = {}
    for name, sc in scenarios.items():
        mine = [t for t in targets if is_process(t) and regime(t) == name]
        state, summaries[name] = run_regime(DematModel(sc, ss), mine)
        values.update(state)
        for t in mine:
            if t["quantity"] in SUMMARY_QUANTITIES:
                values[t["id"]] = summary_value(t, summaries[name])
    for t in targets:
        if t.get("quantity") in PATTERNS:
            other, q = PATTERNS[t["quantity"]]
            a, b = summaries[regime(t)], summaries[other]
            if q == "non_take_up_rate":
                values[t["id"]] = b["non_take_up_rate"] - a["non_take_up_rate"]
            else:
                values[t["id"]] = summary_value({"quantity": q}, b) - summary_value({"quantity": q}, a)
    return values


def measure(scenario, targets, seeds: int, seed: int) -> dict[str, list[float]]:
    """Every target's value over ``seeds`` replication seeds (common to all regimes)."""
    scenarios = {name: with_regime(scenario, name) for name in sorted(regimes_needed(targets))}
    if not scenarios:
        scenarios = {DEFAULT_REGIME: with_regime(scenario, DEFAULT_REGIME)}
    values: dict[str, list[float]] = {t["id"]: [] for t in targets}
    for ss in replication_seeds(seed, seeds):
        for k, v in measure_seed(scenarios, targets, ss).items():
            values[k].append(v)
    return values


def check(scenario, targets, vintage, seeds: int = 5, seed: int = 2021) -> list[Row]:
    expressible = [t for t in targets if t.get("expressible", True) and applies(t, vintage)]
    values = measure(scenario, expressible, seeds, seed)
    rows = []
    for t in targets:
        base = dict(id=t["id"], description=t["description"], target=t["value"], kind=t["kind"],
                    tolerance=t.get("tolerance"), source=t["source"], year=t["year"])
        if not t.get("expressible", True):
            rows.append(Row(**base, model=None, ci95=(None, None), status="not expressible",
                            reason=t.get("reason", "")))
            continue
        if not applies(t, vintage):
            rows.append(Row(**base, model=None, ci95=(None, None), status="other vintage",
                            reason=f"describes {t['vintages']}, preset is {vintage}"))
            continue
        vals = values[t["id"]]
        mean, ci = t_interval(vals)
        if t["kind"] == "pattern":
            se = np.std(vals, ddof=1) / math.sqrt(len(vals)) if len(vals) > 1 else float("inf")
            status, reason = evaluate(t, [1.0 if mean > 2 * se else 0.0])
        else:
            status, reason = evaluate(t, vals)
        rows.append(Row(**base, model=mean, ci95=(ci[0], ci[1]), status=status, reason=reason))
    return rows


def table_text(rows: list[Row]) -> str:
    out = [f"{'target':44s} {'figure':>8s} {'model [95 % CI]':>26s}  status"]
    for r in rows:
        fig = f"{r.target:g}"
        if r.model is None or (isinstance(r.model, float) and math.isnan(r.model)):
            mod = "-"
        elif r.ci95[0] is None:
            mod = f"{r.model:.3f}"
        else:
            mod = f"{r.model:.3f} [{r.ci95[0]:.3f}; {r.ci95[1]:.3f}]"
        out.append(f"{r.id:44s} {fig:>8s} {mod:>26s}  {r.status}")
    scored = [r for r in rows if r.status in ("pass", "fail")]
    passed = sum(r.status == "pass" for r in scored)
    out.append(f"\n{passed}/{len(scored)} expressible targets of this vintage pass "
               f"({100 * passed / max(len(scored), 1):.0f} %); "
               f"{sum(r.status == 'other vintage' for r in rows)} of other vintages, "
               f"{sum(r.status == 'not expressible' for r in rows)} not expressible")
    return "\n".join(out)


def write_csv(rows: list[Row], path) -> None:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(["id", "description", "figure", "kind", "tolerance", "model_mean", "model_ci_low",
                "model_ci_high", "status", "reason", "source", "year"])
    for r in rows:
        w.writerow([r.id, r.description, r.target, r.kind, r.tolerance, _f(r.model), _f(r.ci95[0]),
                    _f(r.ci95[1]), r.status, r.reason, r.source, r.year])
    atomic_write(path, buf.getvalue())


def _f(v):
    return "" if v is None or (isinstance(v, float) and math.isnan(v)) else repr(float(v))


def _gap(a: float | None, b: float | None) -> float:
    return a - b if a is not None and b is not None else 0.0


def write_html(rows: list[Row], path, title: str, extra: str = "") -> None:
    import plotly.graph_objects as go  # heavy (about 0.3 s): only for the HTML report
    shown = [r for r in rows if r.status in ("pass", "fail") and r.kind in ("share", "at_most")]
    fig = go.Figure()
    fig.add_trace(go.Scatter(x=[r.target for r in shown], y=[r.id for r in shown], mode="markers",
                             name="figure", marker=dict(symbol="line-ns-open", size=18, color="#333")))
    fig.add_trace(go.Scatter(
        x=[r.model for r in shown], y=[r.id for r in shown], mode="markers", name="model",
        marker=dict(size=10, color=["#2a9d8f" if r.status == "pass" else "#e76f51" for r in shown]),
        error_x=dict(type="data", symmetric=False,
                     array=[_gap(r.ci95[1], r.model) for r in shown],
                     arrayminus=[_gap(r.model, r.ci95[0]) for r in shown])))
    fig.update_layout(title=title, height=30 * len(shown) + 160, xaxis_title="share",
                      margin=dict(l=300), template="plotly_white")
    table = "".join(
        f"<tr class='{r.status.replace(' ', '-')}'><td>{r.id}</td><td>{r.description}</td>"
        f"<td>{r.target:g}</td><td>{'' if r.model is None else f'{r.model:.3f}'}</td>"
        f"<td>{r.status}</td><td>{r.reason}</td><td>{r.source} ({r.year})</td></tr>" for r in rows)
    html = (f"<!doctype html><html><head><meta charset='utf-8'><title>{title}</title><style>"
            "body{font-family:sans-serif;margin:2em} td{padding:4px 8px;border-bottom:1px solid #ddd}"
            ".pass{background:#e9f5f3}.fail{background:#fbeae5}</style></head><body>"
            f"<h1>{title}</h1>{fig.to_html(full_html=False, include_plotlyjs=True)}"
            "<table><tr><th>id</th><th>figure</th><th>value</th><th>model</th><th>status</th>"
            f"<th>why</th><th>source</th></tr>{table}</table>{extra}</body></html>")
    atomic_write(path, html)
