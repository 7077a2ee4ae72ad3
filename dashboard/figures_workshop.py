"""Numbers and figures of the Workshop tab: large type for a projector, two situations.

Every number compares the trainer's settings ("yours") with a reference
situation over the replications computed so far (common random numbers: the
difference is paired by replication).  The headline is the mean of the report
window (the last ``report_months``); its paired 95 % interval decides the cue
("non distinguable du hasard" when it includes zero).  Figures are plain plotly
dicts (no ``go.Figure``): the monthly curve is drawn in the browser from
:func:`curve_data` (``assets/workshop.js``) so that the month slider and the play
button never call the server.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from sim import present
from sim.categories import Cause, SubCause, SUBCAUSE_OF
from sim.metrics import CAUSE_SERIES
from sim.summary import t_interval

from . import i18n
from .i18n import t
from .scenarios import WORKSHOP_COLOURS
from .stats import paired
from .theme import FONT, GRID, INK, layout_dict
from .workshop_runs import Rep

SIZE = 18  # base font size of the figures on a projector

# headline tiles: (tile, summary path, metric key for units and formats)
KPIS = (
    ("ntu", "non_take_up_rate", "non_take_up_rate"),
    ("unclaimed", "unclaimed_euros_per_month", "unclaimed_euros_per_month"),
    ("work", "delegated_total", "delegated_hours_per_month.social_services"),
    ("households", "burden.hours_per_month", "burden.hours_per_month"),
)
# where the work goes: parts of the "work" and "households" tiles
WORK_PARTS = ("social_services", "associations", "relatives")
BURDEN_PARTS = ("travel", "failed_attempts", "waiting", "seeking_help")
WORK_COLOURS = {"social_services": "#0072B2", "associations": "#56B4E9", "relatives": "#CC79A7",
                "households": "#E69F00"}
BURDEN_COLOURS = {"travel": "#8E6C8A", "failed_attempts": "#B91C1C", "waiting": "#E4B363",
                  "seeking_help": "#6C8EAD"}


def _leaf(summary: dict, path: str) -> float:
    if path == "delegated_total":
        return float(sum(summary["delegated_hours_per_month"].values()))
    node = summary
    for part in path.split("."):
        node = node[part]
    return float(node)


@dataclass
class Headline:
    """One tile: the mean of yours, of the reference, the paired difference and its cue."""

    value: float
    ref: float
    diff: float
    ci: tuple[float, float] | None  # paired 95 % interval of the difference (None: < 2 pairs)
    pairs: int  # replications paired so far
    verdict: str  # "pending", "same", "noise", "up" or "down"
    parts: dict[str, float]  # yours, by part (work by service, households' time by part)


def headlines(ref: list[Rep], yours: list[Rep], replications: int) -> dict[str, Headline]:
    """The four tiles from the replications of both situations computed so far.

    The verdict (:func:`dashboard.stats.paired`) waits for every replication
    (``pending`` until then); then it is ``same`` (every paired difference exactly zero:
    the same situation), ``noise`` (the paired interval includes zero) or the direction of
    a difference the interval tells from chance.
    """
    n = min(len(ref), len(yours))
    out = {}
    for tile, path, key in KPIS:
        a = [_leaf(r.summary, path) for r in ref[:n]]
        b = [_leaf(r.summary, path) for r in yours[:n]]
        p = paired(a, b, key, replications)
        verdict = "pending" if p.verdict == "one" else p.verdict
        if tile == "work":
            parts = {s: float(np.mean([r.summary["delegated_hours_per_month"][s] for r in yours[:n]]))
                     for s in WORK_PARTS}
        elif tile == "households":
            parts = {s: float(np.mean([r.summary["burden"]["hours_by_part"][s] for r in yours[:n]]))
                     for s in BURDEN_PARTS}
        else:
            parts = {}
        out[tile] = Headline(float(np.mean(b)), float(np.mean(a)), p.mean, p.ci, n, verdict, parts)
    return out


def format_diff(key: str, h: Headline, lang: str) -> str:
    return i18n.compact(key, h.diff, lang, diff=True)


def format_ci(key: str, h: Headline, lang: str) -> str:
    return i18n.compact_ci(key, h.ci, lang)


def format_value(key: str, x: float, lang: str) -> str:
    return i18n.compact(key, x, lang)


# -- the monthly curve (drawn in the browser) -------------------------------------------------

def monthly_rate(reps: list[Rep]) -> np.ndarray:
    """Non-take-up rate per replication and month, all benefits: shape (R, months)."""
    rows = []
    for r in reps:
        non = sum(r.series[c] for c in CAUSE_SERIES).sum(axis=1)
        elig = r.series["n_eligible"].sum(axis=1)
        rows.append(np.divide(non, elig, out=np.full_like(non, np.nan), where=elig > 0))
    return np.array(rows)


def _band(values: np.ndarray) -> tuple[list, list, list]:
    mean, lo, hi = [], [], []
    for col in values.T:
        m, ci = t_interval(list(col), (0.0, 1.0))
        mean.append(round(m, 5))
        lo.append(round(ci[0], 5) if ci[0] is not None else None)
        hi.append(round(ci[1], 5) if ci[1] is not None else None)
    return mean, lo, hi


def curve_data(ref: list[Rep], yours: list[Rep], labels: dict, start: int, lang: str, key: str = "") -> dict:
    """What ``assets/workshop.js`` needs to draw the curve for any month (``key`` names the
    setting: the browser records which one it drew last, for the benchmark)."""
    r_ref, r_yours = monthly_rate(ref), monthly_rate(yours)
    m_ref, lo_ref, hi_ref = _band(r_ref)
    m_y, lo_y, hi_y = _band(r_yours)
    vals = [v for v in (*m_ref, *m_y, *lo_ref, *hi_ref, *lo_y, *hi_y) if v is not None and not math.isnan(v)]
    top, bottom = (max(vals), min(vals)) if vals else (1.0, 0.0)
    span = max(top - bottom, 0.04)  # at least 4 points: a flat curve stays readable
    pad = 0.15 * span
    both = len(ref) > 1 and len(yours) > 1
    return {
        "key": key, "months": len(m_ref), "start": start, "ref": m_ref, "yours": m_y,
        "ref_lo": lo_ref if both else None, "ref_hi": hi_ref if both else None,
        "lo": lo_y if both else None, "hi": hi_y if both else None,
        "yrange": [max(0.0, bottom - pad), min(1.0, top + pad)],
        "labels": labels, "colours": WORKSHOP_COLOURS,
        "band_label": t("ws.band", lang, n=len(yours)),
        "axis_x": t("axis.month", lang), "axis_y": t("axis.rate", lang), "levers": t("ws.levers_on", lang),
        "separators": i18n.plotly_separators(lang), "font": FONT, "ink": INK, "grid": GRID, "size": SIZE,
    }


# -- "Pourquoi ?": causes and sub-causes ------------------------------------------------------

def _mean(reps: list[Rep], cause: str, sub: str) -> float:
    return float(np.mean([r.summary["non_take_up_by_subcause"][cause][sub] for r in reps])) if reps else 0.0


def fig_causes(ref: list[Rep], yours: list[Rep], labels: dict, lang: str, height: int) -> dict:
    """Non-take-up by sub-cause (grouped under their cause), reference and yours, report window."""
    rows = []
    for sc in SubCause:
        c = SUBCAUSE_OF[sc].name
        a, b = _mean(ref, c, sc.name), _mean(yours, c, sc.name)
        if max(a, b) >= 0.002:
            rows.append((c, sc.name, a, b))
    names = [t("subcause." + s, lang) for _, s, _, _ in rows][::-1]
    cause_of = [c for c, _, _, _ in rows][::-1]
    data = []
    for key, idx in (("reference", 2), ("yours", 3)):
        xs = [r[idx] for r in rows][::-1]
        data.append({"type": "bar", "orientation": "h", "y": names, "x": xs, "name": labels[key],
                     "marker": {"color": WORKSHOP_COLOURS[key]},
                     "text": [i18n.pct(x, lang) for x in xs], "textposition": "outside",
                     "cliponaxis": False, "textfont": {"size": SIZE - 5},
                     "hovertemplate": "%{y}: %{x:.1%}<extra>" + labels[key] + "</extra>"})
    top = max([max(r[2], r[3]) for r in rows] or [0.01])
    layout = layout_dict(lang, SIZE - 3, height, margin={"l": 10, "r": 60, "t": 36, "b": 48})
    layout.update(barmode="group", bargap=0.25, bargroupgap=0.05,
                  legend={"orientation": "h", "x": 0, "y": 1.0, "xanchor": "left", "yanchor": "bottom",
                          "yref": "paper", "font": {"size": SIZE - 4}})
    layout["xaxis"].update(tickformat=".0%", range=[0, top * 1.25], title={"text": t("axis.share_eligible", lang)})
    layout["yaxis"].update(automargin=True, tickfont={"size": SIZE - 5})
    # a thin line between the groups of sub-causes of each cause
    layout["shapes"] = [{"type": "line", "xref": "paper", "x0": 0, "x1": 1, "yref": "y", "y0": i - 0.5,
                         "y1": i - 0.5, "line": {"color": "#9CA3AF", "width": 1, "dash": "dot"}}
                        for i in range(1, len(names)) if cause_of[i] != cause_of[i - 1]]
    return {"data": data, "layout": layout}


def cause_totals(reps: list[Rep]) -> dict[str, float]:
    """The four ODENORE causes (report window, mean over replications)."""
    return {c.name: float(np.mean([r.summary["non_take_up_by_cause"][c.name] for r in reps])) if reps else 0.0
            for c in Cause}


# -- "Où va le travail ?": hours by who does the work ----------------------------------------

WORK_ROWS = (("social_services", ("delegated_hours_per_month", "social_services")),
             ("associations", ("delegated_hours_per_month", "associations")),
             ("relatives", ("delegated_hours_per_month", "relatives")),
             ("households", ("burden", "hours_per_month")))


def _work(reps: list[Rep], path: tuple[str, str]) -> float:
    return float(np.mean([r.summary[path[0]][path[1]] for r in reps])) if reps else 0.0


def fig_work(ref: list[Rep], yours: list[Rep], labels: dict, lang: str, height: int) -> dict:
    """Hours per month by who does the work (report window): reference and yours."""
    names = [t(f"ws.work_{k}", lang) for k, _ in WORK_ROWS][::-1]
    data = []
    for key, reps in (("reference", ref), ("yours", yours)):
        xs = [_work(reps, path) for _, path in WORK_ROWS][::-1]
        data.append({"type": "bar", "orientation": "h", "y": names, "x": xs, "name": labels[key],
                     "marker": {"color": WORKSHOP_COLOURS[key]},
                     "text": [f"{i18n.num(x, lang)} h" for x in xs], "textposition": "outside",
                     "cliponaxis": False, "textfont": {"size": SIZE - 5},
                     "hovertemplate": "%{y}: %{x:,.0f} h<extra>" + labels[key] + "</extra>"})
    top = max([max(d["x"]) for d in data] or [1.0])
    layout = layout_dict(lang, SIZE - 3, height, margin={"l": 10, "r": 70, "t": 36, "b": 48})
    layout.update(barmode="group", bargap=0.25, bargroupgap=0.05,
                  legend={"orientation": "h", "x": 0, "y": 1.0, "xanchor": "left", "yanchor": "bottom",
                          "yref": "paper", "font": {"size": SIZE - 4}})
    layout["xaxis"].update(range=[0, top * 1.3], title={"text": t("axis.hours", lang)}, separatethousands=True)
    layout["yaxis"].update(automargin=True, tickfont={"size": SIZE - 5})
    return {"data": data, "layout": layout}


# where the room sees the saturation: requests turned away, and how full each service is
CAPACITY_FACTS = ("turned_away_by_service.social_services", "turned_away_by_service.associations",
                  "turned_away_by_service.counters", "capacity_utilisation.social_services",
                  "capacity_utilisation.associations")


def work_facts(ref: list[Rep], yours: list[Rep]) -> dict[str, tuple[float, float]]:
    """Requests turned away and referrals per month, turned away by service and capacity
    used (report window, mean over replications): ``{summary key: (reference, yours)}``."""
    def mean(reps, key):
        return float(np.mean([_leaf(r.summary, key) for r in reps])) if reps else 0.0
    keys = ("turned_away_per_month", "referrals_per_month", *CAPACITY_FACTS)
    return {k: (mean(ref, k), mean(yours, k)) for k in keys}


def capacity_note(facts: dict[str, tuple[float, float]], lang: str) -> str:
    """"Refusés par les services sociaux 12 → 40 /mois · Occupation des services sociaux 61 % → 100 %"."""
    parts = []
    for key in CAPACITY_FACTS:
        a, b = facts[key]
        if max(a, b) <= 0:
            continue
        unit = present.metric(key).unit
        if unit is present.RATE:
            va, vb = i18n.pct(a, lang, 0), i18n.pct(b, lang, 0)
        else:
            va, vb = i18n.num(a, lang), f"{i18n.num(b, lang)}{i18n.NBSP}{unit.suffix(lang).strip()}"
        parts.append(f"{present.metric_label(key, lang)} {va} → {vb}")
    return " · ".join(parts)
