"""Scaled figures against published national totals (``sim calibrate``'s second table).

The model's ``national`` block (:mod:`sim.national`) scales every count and flow to the
population a scenario represents.  Here a preset is run in the regime each published
total was observed in, represented by the households that total counts, and its scaled
figure set beside the total (``totals.yaml``: value, unit, population, year, source,
relative tolerance).  These totals are **not fitted**: they test the scaling and the
model's orders of magnitude, and a miss is reported as such.
"""

from __future__ import annotations

import csv
import html
import io
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..io import atomic_write
from ..national import france_households
from ..params import ScenarioError
from ..runner import replication_seeds, run_replication
from ..scenario import Scenario, from_dict
from ..strict_yaml import read_yaml
from ..summary import t_interval
from .process import REGIMES as FIT_REGIMES

TOTALS_FILE = Path(__file__).resolve().parent / "totals.yaml"

# Policies in force when the totals were observed (every one from month 0).
_CLOSURE = [{"type": "counter_closure", "start": 0, "share": 0.6, "order": "rural_first",
             "hours_factor": 0.75},
            {"type": "appointment_only", "start": 0}]
REGIMES: dict[str, list[dict]] = {
    # the prime d'activité online-first with its paper form, the e-mail obligation
    "2016": FIT_REGIMES["2016"],
    # and CAF counters "divided by 2.5 between 2014 and 2022" (Cour des comptes, Sécurité
    # sociale 2024, via the CGT: secondary), appointment-only
    "2021": FIT_REGIMES["2016"] + _CLOSURE,
    # and France Services with conseillers numériques (scenarios/france_services.yaml)
    "2023": FIT_REGIMES["2016"] + _CLOSURE + [
        {"type": "mediation_capacity", "start": 0, "association_hours": 160,
         "association_presence": [1.0, 0.95, 0.9], "mode": "teach"},
        {"type": "digital_training", "start": 0, "rate": 0.02}],
}
# Households that the totals' populations count.
METRO_2018 = int(round(28_200_000 * math.sqrt(30_907_289 / 29_235_939)))
REPRESENTED: dict[str, tuple[int, str, str]] = {
    "metro_2018": (METRO_2018, "France métropolitaine 2018",
                   "derived: 28.2 M households in metropolitan France at RP2015 (INED, from INSEE) "
                   "grown 3 years at France's RP2016-RP2022 rate; France 2018: 29.8 M (INSEE "
                   "Focus 317), of which ~0.8 M overseas"),
    "france_2016": (france_households(2016), "France 2016", "INSEE RP2016"),
    "france_2021": (france_households(2021), "France 2021", "INSEE RP2016-RP2022, interpolated"),
    "france_2023": (france_households(2023), "France 2023", "INSEE RP2016-RP2022, interpolated"),
}
KEYS = ("id", "description", "value", "unit", "kind", "tolerance", "quantity", "factor", "regime",
        "legislation", "represented", "population", "year", "source")


@dataclass
class TotalRow:
    id: str
    description: str
    value: float
    unit: str
    kind: str
    tolerance: float
    model: float | None
    ci95: tuple[float | None, float | None]
    status: str  # pass / fail
    population: str
    year: int
    source: str
    represented: int


def load_totals(path: str | Path = TOTALS_FILE) -> list[dict]:
    doc = read_yaml(Path(path).read_bytes(), str(path))
    if not isinstance(doc, list):
        raise ScenarioError("expected a list of totals", source=str(path))
    for i, t in enumerate(doc):
        for key in KEYS:
            if not isinstance(t, dict) or key not in t:
                raise ScenarioError(f"missing key {key!r}", source=str(path), path=f"[{i}]")
        if t["kind"] not in ("within", "at_most"):
            raise ScenarioError("expected within or at_most", source=str(path), path=f"[{i}].kind")
        if str(t["regime"]) not in REGIMES:
            raise ScenarioError(f"unknown regime (known: {', '.join(REGIMES)})", source=str(path),
                                path=f"[{i}].regime")
        if t["represented"] not in REPRESENTED:
            raise ScenarioError(f"unknown population (known: {', '.join(REPRESENTED)})",
                                source=str(path), path=f"[{i}].represented")
    return doc


def scenario_for(base: Scenario, t: dict) -> Scenario:
    """``base`` in the total's regime and legislation, representing its population."""
    households, name, source = REPRESENTED[t["represented"]]
    raw = {**base.raw, "policies": list(base.raw.get("policies", [])) + REGIMES[str(t["regime"])],
           "legislation": str(t["legislation"]),
           "represented": {"households": households, "name": name, "source": source}}
    return from_dict(raw, source=base.source)


def _leaf(summary: dict, path: str) -> float:
    node: Any = summary
    for k in path.split("."):
        node = node[k]
    return float(node)


def check_totals(base: Scenario, totals: list[dict], seeds: int = 5, seed: int = 2021) -> list[TotalRow]:
    """Every total beside the preset's scaled figure (mean and 95 % CI over ``seeds``)."""
    runs: dict[tuple, list[dict]] = {}
    for t in totals:
        key = (str(t["regime"]), str(t["legislation"]), t["represented"])
        if key not in runs:
            sc = scenario_for(base, t)
            runs[key] = [run_replication(sc, ss, i).summary
                         for i, ss in enumerate(replication_seeds(seed, seeds))]
    rows = []
    for t in totals:
        reps = runs[(str(t["regime"]), str(t["legislation"]), t["represented"])]
        vals = [_leaf(s, t["quantity"]) * float(t["factor"]) for s in reps]
        mean, ci = t_interval(vals)
        value, tol = float(t["value"]), float(t["tolerance"])
        ok = (abs(mean / value - 1) <= tol) if t["kind"] == "within" else mean <= value * (1 + tol)
        rows.append(TotalRow(t["id"], t["description"], value, t["unit"], t["kind"], tol, mean,
                             (ci[0], ci[1]), "pass" if ok else "fail", t["population"],
                             int(t["year"]), t["source"], REPRESENTED[t["represented"]][0]))
    return rows


def _num(x: float | None) -> str:
    if x is None or x != x:
        return "-"
    return f"{x:,.3g}" if abs(x) < 1000 else f"{x:,.0f}"


def _tol(r: TotalRow) -> str:
    return f"±{100 * r.tolerance:.0f} %" if r.kind == "within" else "at most"


def table_text(rows: list[TotalRow]) -> str:
    out = ["Scaled figures vs published national totals (not fitted; sim/calibration/totals.yaml)",
           f"{'total':44s} {'published':>14s} {'model [95 % CI]':>38s} {'tolerance':>9s}  status"]
    for r in rows:
        mod = _num(r.model) if r.ci95[0] is None else \
            f"{_num(r.model)} [{_num(r.ci95[0])}; {_num(r.ci95[1])}]"
        out.append(f"{r.id:44s} {_num(r.value):>14s} {mod:>38s} {_tol(r):>9s}  {r.status}")
    passed = sum(r.status == "pass" for r in rows)
    out.append(f"\n{passed}/{len(rows)} totals within their tolerance")
    return "\n".join(out)


def write_csv(rows: list[TotalRow], path) -> None:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(["id", "description", "published", "unit", "kind", "tolerance", "model_mean",
                "model_ci_low", "model_ci_high", "status", "households_represented", "population",
                "year", "source"])
    for r in rows:
        w.writerow([r.id, r.description, r.value, r.unit, r.kind, r.tolerance, r.model, r.ci95[0],
                    r.ci95[1], r.status, r.represented, r.population, r.year, r.source])
    atomic_write(path, buf.getvalue())


def html_section(rows: list[TotalRow]) -> str:
    """The totals as an HTML section of the calibration report."""
    e = html.escape
    body = "".join(
        f"<tr class='{r.status}'><td>{e(r.id)}</td><td>{e(r.description)}</td>"
        f"<td>{_num(r.value)} {e(r.unit)}</td><td>{_num(r.model)} [{_num(r.ci95[0])}; "
        f"{_num(r.ci95[1])}]</td><td>{_tol(r)}</td><td>{r.status}</td>"
        f"<td>{e(r.population)}, {r.year}; {_num(r.represented)} households</td>"
        f"<td>{e(r.source)}</td></tr>" for r in rows)
    return ("<h2>Scaled figures vs published national totals (not fitted)</h2>"
            "<table><tr><th>id</th><th>total</th><th>published</th><th>model [95 % CI]</th>"
            "<th>tolerance</th><th>status</th><th>population</th><th>source</th></tr>"
            f"{body}</table>")


__all__ = ["REGIMES", "REPRESENTED", "TOTALS_FILE", "TotalRow", "check_totals", "html_section",
           "load_totals", "scenario_for", "table_text", "write_csv"]
