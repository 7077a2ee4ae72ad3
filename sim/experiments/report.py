"""``sim report``: one self-contained HTML file for a comparison or a sweep.

plotly.js is inlined once (no network needed to open the file); each figure
is a ``div`` drawn by ``Plotly.newPlot``.  The report shows the key metrics
with their 95 % CIs, non-take-up over time with bands, causes, groups,
delegated workload and, for sweeps, main effects and sensitivity indices.
The same results directory gives the same HTML bytes.
"""

from __future__ import annotations

import html
import math
import os
from pathlib import Path

import plotly.io as pio
from plotly.offline import get_plotlyjs

from ..cli import KEY_ROWS
from ..output import atomic_write
from ..params import ScenarioError
from . import figures as F
from .store import Results, load_results
from .tables import is_rate

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


def _fmt(v, pct: bool, signed: bool = False) -> str:
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return "n/a"
    sign = "+" if signed else ""
    return f"{100 * v:{sign}.2f}" if pct else f"{v:{sign},.2f}"


def _ci(mean, lo, hi, pct, signed=False) -> str:
    unit = (" pp" if signed else " %") if pct else ""
    if mean is None or (isinstance(mean, float) and math.isnan(mean)):
        return "n/a"
    if lo is None or (isinstance(lo, float) and math.isnan(lo)):
        return _fmt(mean, pct, signed) + unit
    return f"{_fmt(mean, pct, signed)}{unit} [{_fmt(lo, pct, signed)}; {_fmt(hi, pct, signed)}]"


def _value(v) -> str:
    """A parameter value for a table: floats to 4 significant digits."""
    return f"{v:.4g}" if isinstance(v, float) else str(v)


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


def _provenance(res: Results) -> str:
    m = res.manifest
    runs = m.get("runs", [])
    execs = "; ".join(f"{r['executor'].get('kind')} ({r.get('started', '')})" for r in runs)
    rows = [("kind", m.get("kind")), ("name", m.get("name")), ("package version", m.get("version")),
            ("points", m.get("points")), ("replications per point", m.get("replications")),
            ("root seed", m.get("seed")), ("seeds", m.get("seeds")),
            ("plan hash (SHA-256)", m.get("plan_sha256")), ("created", m.get("created")),
            ("status", m.get("status")), ("executors", execs), ("command", m.get("command"))]
    return _table(("", ""), rows)


def _report_start(res: Results, root: Path) -> int | None:
    """First month of the summary window (from the saved scenario; ``None`` if unknown)."""
    from ..scenario import from_dict, read_yaml
    ts = res.timeseries
    files = sorted(root.glob("scenarios/*.yaml")) or [root / "base_scenario.yaml"]
    if ts is None or not files[0].is_file():
        return None
    try:
        sc = from_dict(read_yaml(files[0].read_bytes(), str(files[0])), source=str(files[0]))
    except ScenarioError:
        return None
    return sc.data["months"] - sc.data["report_months"]


def _compare_body(res: Results, root: Path, figs: _Figures) -> str:
    labels = dict(zip(res.design["point"].tolist(), res.design["scenario"].tolist()))
    mean, lo, hi = (F.wide(res.aggregate, f) for f in ("mean", "ci_low", "ci_high"))
    names = list(labels.values())
    body = [f"<h1>Comparison: {_e(' vs '.join(names))}</h1>",
            f'<p class="note">{res.manifest["replications"]} replications per scenario with common '
            "random numbers (replication r of every scenario shares its synthetic population and "
            "random streams). Means and 95 % Student t-intervals over replications; differences "
            "B − A: paired t-interval on per-replication differences, and Welch's unpaired interval "
            "for reference.</p>"]
    rows = []
    for label, path, pct in KEY_ROWS:
        key = ".".join(path)
        if key in mean.columns:
            rows.append((label, *[_ci(mean.loc[p, key], lo.loc[p, key], hi.loc[p, key], pct)
                                  for p in labels]))
    body += ["<h2>Key metrics</h2>", _table(("metric", *names), rows)]
    diff = res.differences
    if diff is not None:
        drows = []
        for label, path, pct in KEY_ROWS:
            key = ".".join(path)
            for _, d in diff[diff["metric"] == key].iterrows():
                hp = (d["paired_ci_high"] - d["paired_ci_low"]) / 2
                hu = (d["unpaired_ci_high"] - d["unpaired_ci_low"]) / 2
                drows.append((label, f"{d['scenario']} − {d['baseline']}",
                               _ci(d["difference"], d["paired_ci_low"], d["paired_ci_high"], pct, True),
                               _ci(d["difference"], d["unpaired_ci_low"], d["unpaired_ci_high"], pct, True),
                               f"{hu / hp:.1f}×" if hp > 0 else "n/a"))
        body += ["<h2>Differences</h2>",
                 _table(("metric", "B − A", "paired 95 % CI", "unpaired 95 % CI",
                         "unpaired / paired width"), drows)]
    figs.add(F.key_metrics(mean, lo, hi, labels))
    figs.add(F.differences_forest(diff), "Each difference with its paired interval (common "
             "random numbers) and its unpaired interval: the paired one is narrower when the "
             "scenarios share populations and random streams.")
    figs.add(F.timeseries_bands(res.timeseries, labels, report_start=_report_start(res, root)),
             "Shaded: 95 % t-interval over replications, month by month. Summary metrics average "
             "the months after the dotted line.")
    figs.add(F.causes_stack(mean, labels), "ODENORE typology: every eligible non-recipient is "
             "in exactly one cause; the four add up to the non-take-up rate.")
    figs.add(F.groups_panel(mean, lo, hi, labels))
    figs.add(F.workload(mean, lo, hi, labels), "Hours of digital help given by social services, "
             "associations / mediation points and relatives.")
    return "\n".join(body)


def _sweep_body(res: Results, root: Path, figs: _Figures) -> str:
    from .sensitivity import analyse
    m = res.manifest
    spec = m["sweep"]
    factors = [f["path"] for f in spec["parameters"]]
    metric = spec["analyse"][0] if spec.get("analyse") else "non_take_up_rate"
    mean, lo, hi = (F.wide(res.aggregate, f) for f in ("mean", "ci_low", "ci_high"))
    design = res.design
    body = [f"<h1>Sweep: {_e(spec['name'])}</h1>",
            f"<p>{_e(spec.get('description', ''))}</p>",
            f'<p class="note">{spec["design"]["type"]} design over {len(factors)} parameter(s), '
            f"{m['points']} points × {m['replications']} replication(s), base scenario "
            f"<code>{_e(spec['base_scenario'])}</code>. Replication r of every point shares its "
            "random numbers. Means and 95 % Student t-intervals over replications.</p>"]
    frows = []
    for f in spec["parameters"]:
        what = ", ".join(map(str, f["values"])) if "values" in f else \
            f"[{f['range'][0]:g}, {f['range'][1]:g}]" + (f", {f['steps']} steps" if f.get("steps") else "")
        frows.append((f["path"], what))
    body += ["<h2>Parameters</h2>", _table(("parameter", "values"), frows)]

    sens = None
    try:
        sens = analyse(root, write=False)
    except (ScenarioError, ValueError, ZeroDivisionError) as err:
        body.append(f'<p class="note">No sensitivity analysis: {_e(err)}</p>')
    top = factors[0]
    if sens and metric in sens["metrics"]:
        rows = sens["metrics"][metric]["factors"]
        key = "mu_star" if sens["design"] == "morris" else ("ST" if sens["design"] != "lhs" else "S1")
        scored = [(r[key] if r[key] is not None else -1, r["name"]) for r in rows]
        top = max(scored)[1]

    if metric in mean.columns:
        pct = is_rate(metric)
        order = mean[metric].sort_values(kind="stable")
        pick = order.index.tolist() if len(order) <= 40 else \
            order.index[:10].tolist() + order.index[-10:].tolist()
        prow = []
        d = design.set_index("point")
        for p in pick:
            prow.append((p, *[_value(d.loc[p, f]) for f in factors],
                         _ci(mean.loc[p, metric], lo.loc[p, metric], hi.loc[p, metric], pct)))
        title = "Points" if len(order) <= 40 else "Ten lowest and ten highest points"
        body += [f"<h2>{title} by {_e(metric)}</h2>",
                 _table(("point", *factors, f"{metric} [95 % CI]"), prow)]

    for s in F.sensitivity_bars(sens):
        figs.add(s, f"{sens['method']}. Bars: point estimates; whiskers: 95 % confidence intervals.")
    figs.add(F.main_effects(design, mean, lo, hi, factors, metric),
             "Dots: every point (mean over replications, 95 % CI); line: mean by level of the "
             "parameter (quantile bins for sampled designs).")
    figs.add(F.heatmap(design, mean, factors, metric))
    if res.timeseries is not None and metric in mean.columns:
        order = mean[metric].sort_values(kind="stable").index.tolist()
        picks = sorted({order[0], order[len(order) // 2], order[-1]}, key=order.index)
        d = design.set_index("point")
        labels = {p: f"point {p}: " + ", ".join(f"{f}={_value(d.loc[p, f])}" for f in factors)
                  for p in picks}
        figs.add(F.timeseries_bands(res.timeseries, labels, report_start=_report_start(res, root),
                                    title="Non-take-up rate by month: lowest, median and highest "
                                          "points (mean and 95 % CI)"))
    figs.add(F.by_factor_lines(design, mean, top,
                               {f"non_take_up_by_cause.{c}": F.CAUSE_LABELS[c] for c in F.CAUSES},
                               f"Non-take-up by cause along {top} (%, stacked)", "%", 100, stack=True))
    figs.add(F.by_factor_lines(design, mean, top,
                               {f"delegated_hours_per_month.{a}": lab for a, lab in F.ACTORS.items()},
                               f"Delegated workload along {top}", "hours/month"))
    figs.add(F.by_factor_lines(design, mean, top,
                               {f"group_gaps.{g}.gap": g.replace("_", " ") for g in F.GROUPS},
                               f"Gap in non-take-up between the most and least exposed group, "
                               f"along {top}", "percentage points", 100))
    return "\n".join(body)


def render(results: str | os.PathLike) -> str:
    """The report of a results directory, as one HTML string."""
    root = Path(results)
    res = load_results(root)
    kind = res.manifest.get("kind")
    if res.aggregate is None or res.design is None:
        raise ScenarioError("results are incomplete (no aggregate table); finish the run with "
                            "--resume first", source=str(root))
    figs = _Figures()
    if kind == "compare":
        body = _compare_body(res, root, figs)
    elif kind == "sweep":
        body = _sweep_body(res, root, figs)
    else:
        raise ScenarioError(f"unknown results kind {kind!r}", source=str(root))
    title = res.manifest.get("name", "results")
    return "\n".join([
        "<!DOCTYPE html>", '<html lang="en"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{_e(title)}</title>", f"<style>{CSS}</style>",
        f'<script type="text/javascript">{get_plotlyjs()}</script>',
        "</head><body>", body, "<h2>Figures</h2>", *figs.parts,
        "<h2>Provenance</h2>", _provenance(res),
        '<p class="note">Load the data with pandas: <code>pandas.read_parquet("'
        f'{_e(root.name)}/summary")</code>; see docs/experiments.md.</p>',
        "</body></html>", ""])


def write_report(results: str | os.PathLike, out: str | os.PathLike) -> Path:
    """Write the HTML report of ``results`` to ``out``; returns its path."""
    out = Path(out)
    atomic_write(out, render(results))
    return out


__all__ = ["render", "write_report"]
