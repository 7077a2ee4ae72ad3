"""``sim report``: one self-contained HTML file for a run, a comparison or a sweep.

plotly.js is inlined once (no network needed to open the file); each figure
is a ``div`` drawn by ``Plotly.newPlot``.  The report shows the key metrics
with their 95 % CIs, non-take-up over time with bands, causes, groups,
delegated workload and, for sweeps, main effects and sensitivity indices.
It is written in French or English (``lang``; ``<html lang=...>``), its labels
and numbers from :mod:`sim.present`.  The same results directory gives the
same HTML bytes.
"""

from __future__ import annotations

import html
import json
import os
from pathlib import Path

import pandas as pd
import plotly.io as pio
import pyarrow as pa
from plotly.offline import get_plotlyjs

from ..io import atomic_write
from ..params import ScenarioError
from ..present import (KEY_METRICS, LEDGER_METRICS, NATIONAL_METRICS, interval, metric_label,
                       number, param_label, row_label, value)
from ..scenario import from_dict, policy_index, read_yaml
from ..texts import text
from . import figures as F
from .optimise import COST, load_front
from .sensitivity import analyse
from .store import Results, ResultsStore, load_results

CSS = """
body{font-family:system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:0 auto;max-width:1200px;
padding:1.5em;color:#222;line-height:1.4}
h1{font-size:1.6em;margin-bottom:.2em}h2{margin-top:2em;border-bottom:1px solid #ddd;padding-bottom:.2em}
table{border-collapse:collapse;margin:.8em 0;font-size:.9em}
th,td{border:1px solid #ddd;padding:.3em .6em;text-align:right}th{background:#f5f5f5}
td:first-child,th:first-child{text-align:left}
.note{color:#555;font-size:.9em}.figure{margin:1.2em 0}
code{background:#f5f5f5;padding:0 .2em}
"""


def _e(x) -> str:
    return html.escape(str(x))


def _ci(key: str, mean, lo, hi, lang: str, diff: bool = False) -> str:
    return interval(key, mean, lo, hi, lang, diff)


def _value(v, lang: str = "en") -> str:
    """A parameter value for a table: floats to 4 significant digits."""
    if isinstance(v, float):
        text_ = f"{v:.4g}"
        return text_.replace(".", ",") if lang != "en" else text_
    return str(v)


def _table(head, rows) -> str:
    out = ["<table><thead><tr>", *[f"<th>{_e(h)}</th>" for h in head], "</tr></thead><tbody>"]
    for r in rows:
        out.append("<tr>" + "".join(f"<td>{_e(c)}</td>" for c in r) + "</tr>")
    out.append("</tbody></table>")
    return "".join(out)


class _Figures:
    def __init__(self):
        self.parts: list[str] = []

    def add(self, fig, caption: str = "") -> None:
        if fig is None:
            return
        k = len(self.parts) + 1
        height = fig.layout.height or 460
        div = pio.to_html(fig, include_plotlyjs=False, full_html=False, div_id=f"figure-{k}",
                          default_height=f"{height}px",
                          config={"displaylogo": False, "responsive": True})
        cap = f'<p class="note">{_e(caption)}</p>' if caption else ""
        self.parts.append(f'<div class="figure">{div}{cap}</div>')


def _provenance(m: dict, lang: str) -> str:
    runs = m.get("runs", [])
    execs = "; ".join(f"{r['executor'].get('kind')} ({r.get('started', '')})" for r in runs)
    rows = [(text(f"prov.{k}", lang), v) for k, v in (
        ("kind", m.get("kind")), ("name", m.get("name")), ("version", m.get("version")),
        ("points", m.get("points")), ("replications", m.get("replications")),
        ("seed", m.get("seed")), ("seeds", m.get("seeds")), ("plan", m.get("plan_sha256")),
        ("created", m.get("created")), ("status", m.get("status")), ("executors", execs),
        ("command", m.get("command")))]
    return _table(("", ""), rows)


def _report_start(res: Results, root: Path) -> int | None:
    """First month of the summary window (from the saved scenario; ``None`` if unknown)."""
    ts = res.timeseries
    files = (sorted(root.glob("scenarios/*.yaml")) or [root / "scenario.yaml"]
             if (root / "scenarios").is_dir() or (root / "scenario.yaml").is_file()
             else [root / "base_scenario.yaml"])
    if ts is None or not files[0].is_file():
        return None
    try:
        sc = from_dict(read_yaml(files[0].read_bytes(), str(files[0])), source=str(files[0]))
    except ScenarioError:
        return None
    return sc.data["months"] - sc.data["report_months"]


def _compare_body(res: Results, root: Path, figs: _Figures, lang: str) -> str:
    """A comparison, or a run (a one-point store: no differences)."""
    assert res.design is not None  # render() checked the store is complete
    labels = dict(zip(res.design["point"].tolist(), res.design["scenario"].tolist()))
    mean, lo, hi = (F.wide(res.aggregate, f) for f in ("mean", "ci_low", "ci_high"))
    names = list(labels.values())
    r = res.manifest["replications"]
    if res.manifest.get("kind") == "run":
        body = [f"<h1>{_e(text('rep.run_title', lang, name=names[0]))}</h1>",
                f'<p class="note">{_e(text("rep.run_note", lang, r=r))}</p>']
    else:
        body = [f"<h1>{_e(text('rep.compare_title', lang, names=' vs '.join(names)))}</h1>",
                f'<p class="note">{_e(text("rep.compare_note", lang, r=r))}</p>']
    rows = []
    for key in KEY_METRICS:
        if key in mean.columns:
            rows.append((row_label(key, lang),
                         *[_ci(key, mean.loc[p, key], lo.loc[p, key], hi.loc[p, key], lang)
                           for p in labels]))
    body += [f"<h2>{_e(text('rep.key', lang))}</h2>", _table((text("metric", lang), *names), rows)]
    diff = res.differences
    if diff is not None:
        drows = []
        for key in KEY_METRICS:
            for _, d in diff[diff["metric"] == key].iterrows():
                hp = (d["paired_ci_high"] - d["paired_ci_low"]) / 2
                hu = (d["unpaired_ci_high"] - d["unpaired_ci_low"]) / 2
                drows.append((row_label(key, lang), f"{d['scenario']} − {d['baseline']}",
                              _ci(key, d["difference"], d["paired_ci_low"], d["paired_ci_high"],
                                  lang, True),
                              _ci(key, d["difference"], d["unpaired_ci_low"],
                                  d["unpaired_ci_high"], lang, True),
                              f"{number(hu / hp, lang, 1)}×" if hp > 0 else "–"))
        body += [f"<h2>{_e(text('rep.differences', lang))}</h2>",
                 _table((text("metric", lang), "B − A", text("rep.paired_ci", lang),
                         text("rep.unpaired_ci", lang), text("rep.width_ratio", lang)), drows)]
    body += _ledger_section(res, mean, lo, hi, labels, figs, lang)
    figs.add(F.key_metrics(mean, lo, hi, labels, lang))
    figs.add(F.differences_forest(diff, lang), text("rep.cap_forest", lang))
    figs.add(F.timeseries_bands(res.timeseries, labels, report_start=_report_start(res, root),
                                lang=lang), text("rep.cap_ts", lang))
    figs.add(F.causes_stack(mean, labels, lang), text("rep.cap_causes", lang))
    figs.add(F.groups_panel(mean, lo, hi, labels, lang))
    figs.add(F.workload(mean, lo, hi, labels, lang), text("rep.cap_workload", lang))
    return "\n".join(body)


def _ledger_section(res: Results, mean, lo, hi, labels: dict, figs: _Figures, lang: str) -> list[str]:
    """"Qui paie ?": the national figures and the cost ledger of each scenario, B − A paired
    per bearer, and a waterfall per comparison (one scenario's costs for a run)."""
    keys = [k for k in (*NATIONAL_METRICS, *LEDGER_METRICS) if k in mean.columns]
    if not keys:
        return []
    names = list(labels.values())
    diff = res.differences
    head = [text("metric", lang), *names]
    if diff is not None:
        head += [f"{n} − {names[0]}" for n in names[1:]]
    rows = []
    for key in dict.fromkeys(keys):
        row = [row_label(key, lang),
               *[_ci(key, mean.loc[p, key], lo.loc[p, key], hi.loc[p, key], lang) for p in labels]]
        if diff is not None:
            for n in names[1:]:
                d = diff[(diff["metric"] == key) & (diff["scenario"] == n)]
                row.append(_ci(key, d["difference"].iloc[0], d["paired_ci_low"].iloc[0],
                               d["paired_ci_high"].iloc[0], lang, True) if len(d) else "–")
        rows.append(row)
    out = [f"<h2>{_e(text('rep.ledger', lang))}</h2>",
           f'<p class="note">{_e(text("rep.ledger_note", lang))}</p>', _table(head, rows)]
    if diff is not None:
        for n in names[1:]:
            figs.add(F.cost_waterfall(F.nodes_from_differences(diff, n), lang, diff=True,
                                      title=text("fig.waterfall_pair", lang, a=names[0], b=n)),
                     text("rep.cap_waterfall", lang))
    else:
        first = next(iter(labels))
        figs.add(F.cost_waterfall(F.nodes_from_aggregate(mean, lo, hi, first), lang, diff=False),
                 text("rep.cap_waterfall", lang))
    return out


def _param_name(path: str, root: Path, lang: str) -> str:
    """A swept parameter's label, its policy's type found in the saved base scenario."""
    kind = None
    parts = path.split(".")
    if parts[0] == "policies" and len(parts) == 3:
        try:
            raw = read_yaml((root / "base_scenario.yaml").read_bytes(), "base_scenario.yaml")
            pols = raw.get("policies") or []
            kind = pols[policy_index(pols, parts[1], path)].get("type")
        except (OSError, ScenarioError, AttributeError, IndexError, TypeError):
            kind = None
    return param_label(path, lang, kind)


def _sweep_body(res: Results, root: Path, figs: _Figures, lang: str) -> str:
    m = res.manifest
    spec = m["sweep"]
    factors = [f["path"] for f in spec["parameters"]]
    metric = spec["analyse"][0] if spec.get("analyse") else "non_take_up_rate"
    mean, lo, hi = (F.wide(res.aggregate, f) for f in ("mean", "ci_low", "ci_high"))
    design = res.design
    assert design is not None  # render() checked the store is complete
    note = text("rep.sweep_note", lang, design=spec["design"]["type"], k=len(factors),
                points=number(m["points"], lang), r=m["replications"], base=spec["base_scenario"])
    body = [f"<h1>{_e(text('rep.sweep_title', lang, name=spec['name']))}</h1>",
            f"<p>{_e(spec.get('description', ''))}</p>", f'<p class="note">{_e(note)}</p>']
    frows = []
    for f in spec["parameters"]:
        if "values" in f:
            what = ", ".join(_value(v, lang) for v in f["values"])
        else:
            what = f"[{_value(float(f['range'][0]), lang)} ; {_value(float(f['range'][1]), lang)}]" \
                if lang != "en" else f"[{f['range'][0]:g}, {f['range'][1]:g}]"
            if f.get("steps"):
                what += ", " + text("rep.steps", lang, n=f["steps"])
        frows.append((_param_name(f["path"], root, lang), f["path"], what))
    body += [f"<h2>{_e(text('rep.parameters', lang))}</h2>",
             _table((text("sens.parameter", lang), text("rep.path", lang), text("rep.values", lang)),
                    frows)]

    sens = None
    try:
        sens = analyse(root, write=False)
    except (ScenarioError, ValueError, ZeroDivisionError) as err:
        body.append(f'<p class="note">{_e(text("rep.no_sensitivity", lang, err=err))}</p>')
    top = factors[0]
    if sens and metric in sens["metrics"]:
        rows = sens["metrics"][metric]["factors"]
        key = "mu_star" if sens["design"] == "morris" else ("ST" if sens["design"] != "lhs" else "S1")
        scored = [(r[key] if r[key] is not None else -1, r["name"]) for r in rows]
        top = max(scored)[1]

    if metric in mean.columns:
        order = mean[metric].sort_values(kind="stable")
        pick = order.index.tolist() if len(order) <= 40 else \
            order.index[:10].tolist() + order.index[-10:].tolist()
        prow = []
        d = design.set_index("point")
        for p in pick:
            prow.append((p, *[_value(d.loc[p, f], lang) for f in factors],
                         _ci(metric, mean.loc[p, metric], lo.loc[p, metric], hi.loc[p, metric], lang)))
        name = metric_label(metric, lang)
        title = text("rep.points" if len(order) <= 40 else "rep.extremes", lang, metric=name)
        body += [f"<h2>{_e(title)}</h2>",
                 _table((text("rep.point", lang), *factors, f"{name} [{text('fig.ci', lang)}]"),
                        prow)]

    for fig in F.sensitivity_bars(sens, lang):
        figs.add(fig, text("rep.cap_sensitivity", lang, method=sens["method"] if sens else ""))
    figs.add(F.main_effects(design, mean, lo, hi, factors, metric, lang), text("rep.cap_main", lang))
    figs.add(F.heatmap(design, mean, factors, metric, lang))
    if res.timeseries is not None and metric in mean.columns:
        order = mean[metric].sort_values(kind="stable").index.tolist()
        picks = sorted({order[0], order[len(order) // 2], order[-1]}, key=order.index)
        d = design.set_index("point")
        labels = {p: text("rep.point_n", lang, p=p) + ": "
                  + ", ".join(f"{f}={_value(d.loc[p, f], lang)}" for f in factors) for p in picks}
        figs.add(F.timeseries_bands(res.timeseries, labels, report_start=_report_start(res, root),
                                    title=text("fig.ts_points", lang), lang=lang))
    figs.add(F.by_factor_lines(design, mean, top,
                               {f"non_take_up_by_cause.{c}": F.cause_label(c, lang) for c in F.CAUSES},
                               text("fig.causes_along", lang, f=top), "%", 100, stack=True, lang=lang))
    figs.add(F.by_factor_lines(design, mean, top,
                               {f"delegated_hours_per_month.{a}": F.actor_label(a, lang)
                                for a in F.ACTORS},
                               text("fig.workload_along", lang, f=top), text("fig.hours", lang),
                               lang=lang))
    figs.add(F.by_factor_lines(design, mean, top,
                               {f"group_gaps.{g}.gap": F.label("group", g, lang) for g in F.GROUPS},
                               text("fig.gaps_along", lang, f=top), text("fig.pp", lang), 100,
                               lang=lang))
    return "\n".join(body)


def _optimise_body(root: Path, figs: _Figures, lang: str) -> str:
    """A policy search (``sim optimise``): the levers, the front with paired intervals, and
    the mixes tried by cost and objective."""
    man = json.loads((root / "manifest.json").read_text(encoding="utf-8"))
    spec = man["optimise"]
    doc = load_front(root)
    trials = pd.read_parquet(root / "trials.parquet")
    note = text("rep.optimise_note", lang, population=spec["search"]["population"],
                generations=spec["search"]["generations"], r=spec["replications"],
                budget=value(COST, spec["budget_euros_per_year"], lang),
                rr=spec["reevaluate"]["replications"])
    body = [f"<h1>{_e(text('rep.optimise_title', lang, name=spec['name']))}</h1>",
            f"<p>{_e(spec.get('description', ''))}</p>", f'<p class="note">{_e(note)}</p>']
    lrows = [(_param_name(f["path"], root, lang), f["path"],
              ", ".join(_value(v, lang) for v in f["values"]) if "values" in f
              else f"[{_value(float(f['range'][0]), lang)} ; {_value(float(f['range'][1]), lang)}]")
             for f in spec["levers"]]
    body += [f"<h2>{_e(text('rep.levers', lang))}</h2>",
             _table((text("sens.parameter", lang), text("rep.path", lang), text("rep.values", lang)),
                    lrows)]
    metrics = list(doc["front"][0]["metrics"]) if doc["front"] else []
    head = ("mix", *[f["path"] for f in spec["levers"]], *[metric_label(m, lang) for m in metrics])
    rows = []
    for m in doc["front"]:
        cells = [m["mix"], *[_value(m["levers"][f["path"]], lang) for f in spec["levers"]]]
        for k in metrics:
            n = m["metrics"][k]
            cells.append(f"{value(k, n['mix'], lang)} ; "
                         f"{_ci(k, n['difference'], n['ci95'][0], n['ci95'][1], lang, True)}")
        rows.append(cells)
    body += [f"<h2>{_e(text('rep.front', lang))}</h2>", _table(head, rows)]
    for o in doc["objectives"]:
        figs.add(F.pareto_front(trials, doc, o, lang))
    return "\n".join(body)


def render(results: str | os.PathLike, lang: str = "en") -> str:
    """The report of a results directory (a run, a comparison or a sweep), as one HTML string."""
    root = Path(results)
    if (root / "search.yaml").is_file() and (root / "manifest.json").is_file():  # sim optimise
        figs = _Figures()
        man = ResultsStore(root).manifest() or {}  # a manifest that is not sim's: one line
        return _page(man.get("name", ""), _optimise_body(root, figs, lang), figs, man, root, lang,
                     table="trials")
    try:
        res = load_results(root)
    except pa.ArrowException as err:  # a damaged Parquet file
        raise ScenarioError(f"a results table is unreadable ({type(err).__name__}): the folder "
                            "is damaged", source=str(root)) from None
    kind = res.manifest.get("kind")
    if res.aggregate is None or res.design is None:
        raise ScenarioError("results are incomplete (no aggregate table): the command that "
                            "wrote them was interrupted; rerun it with --resume to finish",
                            source=str(root))
    figs = _Figures()
    if kind in ("compare", "run"):
        body = _compare_body(res, root, figs, lang)
    elif kind == "sweep":
        body = _sweep_body(res, root, figs, lang)
    else:
        raise ScenarioError(f"unknown results kind {kind!r}", source=str(root))
    return _page(res.manifest.get("name", "results"), body, figs, res.manifest, root, lang)


def _page(title: str, body: str, figs: _Figures, manifest: dict, root: Path, lang: str,
          table: str = "summary") -> str:
    code = f'<code>pandas.read_parquet("{_e(root.name)}/{table}")</code>'
    prov = _provenance(manifest, lang)
    return "\n".join([
        "<!DOCTYPE html>", f'<html lang="{"en" if lang == "en" else "fr"}"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{_e(title)}</title>", f"<style>{CSS}</style>",
        f'<script type="text/javascript">{get_plotlyjs()}</script>',
        "</head><body>", body, f"<h2>{_e(text('rep.figures', lang))}</h2>", *figs.parts,
        f"<h2>{_e(text('rep.provenance', lang))}</h2>", prov,
        f'<p class="note">{_e(text("rep.load", lang, code="CODE")).replace("CODE", code)}</p>',
        "</body></html>", ""])


def write_report(results: str | os.PathLike, out: str | os.PathLike, lang: str = "en") -> Path:
    """Write the HTML report of ``results`` to ``out`` in ``lang``; returns its path."""
    out = Path(out)
    atomic_write(out, render(results, lang))
    return out


__all__ = ["render", "write_report"]
