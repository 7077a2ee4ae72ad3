"""The rows of a run's results: what result tables and CSV files are made of.

- :func:`timeseries_rows`: one row per (replication, month), monthly stocks and flows,
  overall and per benefit;
- :func:`group_rows`: non-take-up and unclaimed euros by group, per replication and
  benefit;
- :func:`route_rows`: eligible households at the last month by last route tried and
  outcome, per replication;
- :func:`replication_rows`: one row per replication, one column per summary metric.

The results store (:mod:`sim.experiments.store`) keeps them as Parquet tables, and
``sim run --out`` writes them as CSV too (:mod:`sim.experiments.runs`); the dashboard
offers them as downloads.
"""

from __future__ import annotations

from .categories import GROUP_LABELS, Channel
from .io import atomic_write  # noqa: F401  (re-exported for sim.calibration, until it imports sim.io)
from .metrics import CAUSE_SERIES, GLOBAL, PER_BENEFIT, ROUTE_OUTCOMES
from .params import leaves


def timeseries_rows(result) -> list[dict]:
    names = result.scenario.benefits
    rows = []
    for rep in result.replications:
        s = rep.series
        for m in range(len(s["n_eligible"])):
            row = {"replication": rep.index, "month": m}
            elig = s["n_eligible"][m]
            non = sum(s[c][m] for c in CAUSE_SERIES)
            row["non_take_up_rate"] = non.sum() / elig.sum() if elig.sum() else float("nan")
            for b, name in enumerate(names):
                row[f"non_take_up_rate.{name}"] = non[b] / elig[b] if elig[b] else float("nan")
            for key in PER_BENEFIT:
                row[key] = float(s[key][m].sum())
                for b, name in enumerate(names):
                    row[f"{key}.{name}"] = float(s[key][m, b])
            for key in GLOBAL:
                row[key] = float(s[key][m])
            for c in Channel:
                row[f"new_filings.{c.name}"] = float(s["new_filings_by_channel"][m, c])
            rows.append(row)
    return rows


def group_rows(result) -> list[dict]:
    rows = []
    for rep in result.replications:
        counts, euros = rep.groups["counts"], rep.groups["euros"]
        for g, labels in GROUP_LABELS.items():
            for b, bname in enumerate(["all", *result.scenario.benefits]):
                c = counts[g].sum(axis=1) if bname == "all" else counts[g][:, b - 1]
                e = euros[g].sum(axis=0) if bname == "all" else euros[g][b - 1]
                for i, lab in enumerate(labels):
                    rows.append({"replication": rep.index, "group": g, "label": lab,
                                 "benefit": bname, "eligible_months": float(c[0, i]),
                                 "non_take_up_months": float(c[1, i]),
                                 "non_take_up_rate": c[1, i] / c[0, i] if c[0, i] else float("nan"),
                                 "unclaimed_euros": float(e[i])})
    return rows


def route_rows(result) -> list[dict]:
    rows = []
    channels = ["none", *[c.name for c in Channel]]
    for rep in result.replications:
        for b, bname in enumerate(result.scenario.benefits):
            for ci, cname in enumerate(channels):
                for oi, oname in enumerate(ROUTE_OUTCOMES):
                    rows.append({"replication": rep.index, "benefit": bname, "channel": cname,
                                 "outcome": oname, "households": float(rep.routes[b, ci, oi])})
    return rows


def replication_rows(result) -> list[dict]:
    return [{"replication": r.index, **dict(leaves(r.summary))} for r in result.replications]
