"""Summaries: one replication's key results, and their mean and 95 % CI over replications.

Summary metrics average the last ``report_months`` of the horizon (pooled:
household-months eligible in the window are the denominator).  Uncertainty
over replications is a Student t-interval on the replication means
(``mean ± t(0.975, n-1) · sd / √n``), clipped to the metric's range
(:func:`sim.present.domain`: a rate's interval stays in [0, 1]); with one
replication the interval is ``null``.
"""

from __future__ import annotations

import math

import numpy as np
from scipy import stats

from .categories import GROUP_LABELS, SUBCAUSE_OF, AfterFailure, AgeBand, Cause, Channel, SubCause
from .metrics import (AMOUNT_BAND_LABELS, CAUSE_SERIES, LODGED_SERIES, RENEWED_SERIES,
                      SUBCAUSE_SERIES, TURNED_AWAY)
from .params import leaves  # noqa: F401  (re-exported: the leaves of a summary)
from . import national
from .present import domain


def _ratio(a: float, b: float) -> float:
    return float(a / b) if b else float("nan")


ONLINE_CHANNELS = (Channel.online_alone, Channel.online_relative, Channel.social_services,
                   Channel.association)


# what only the report-window tables give (left out of a run with ``tables=False``; each
# benefit's ``by_receipt`` too)
TABLE_KEYS = ("concentration_index", "claims_lodged_by_route_age", "after_failure", "by_group",
              "group_gaps", "by_amount_band")


def replication_summary(ledger, benefit_names: list[str], households: int) -> dict:
    s = ledger.series
    w = slice(ledger.report_start, ledger.months)
    n_months = ledger.months - ledger.report_start
    elig = s["n_eligible"][w].sum()
    causes = {c.name: s[name][w].sum() for c, name in zip(Cause, CAUSE_SERIES)}
    subs = {sc: s[name][w].sum() for sc, name in zip(SubCause, SUBCAUSE_SERIES)}
    non = sum(causes.values())
    lodged = sum(s[k][w].sum() for k in LODGED_SERIES)
    burden = s["burden_hours"][w].sum()
    eligible_households = s["n_eligible_households"][w].sum()
    mean = lambda key: float(s[key][w].mean())  # noqa: E731
    out: dict = {
        "non_take_up_rate": _ratio(non, elig),
        "non_take_up_by_cause": {k: _ratio(v, elig) for k, v in causes.items()},
        "non_take_up_by_subcause": {
            c.name: {sc.name: _ratio(subs[sc], elig) for sc in SubCause if SUBCAUSE_OF[sc] == c}
            for c in Cause},
        "persistent_non_take_up_rate": _ratio(s["n_persistent"][w].sum(), elig),
        "unclaimed_euros_per_month": float(s["unclaimed_euros"][w].sum() / n_months),
        "paid_euros_per_month": float(s["paid_euros"][w].sum() / n_months),
        "eligible_households": float(s["n_eligible"][w].sum() / n_months),
        "delegated_hours_per_month": {
            "social_services": mean("hours_social_services"),
            "associations": mean("hours_associations"),
            "relatives": mean("hours_relatives"),
        },
        "social_services_digital_share": _ratio(s["hours_social_services"][w].sum(),
                                                s["hours_social_total"][w].sum()),
        "core_contacts_refused_share": _ratio(s["core_contacts_refused"][w].sum(),
                                              s["core_contacts"][w].sum()),
        "referrals_per_month": mean("new_referrals"),
        "oriented_per_month": mean("new_oriented"),
        "turned_away_per_month": mean("new_turned_away"),
        "turned_away_by_service": {k: mean(v) for k, v in TURNED_AWAY.items()},
        "queue_wait_months": _ratio(s["queue_months"][w].sum(), s["n_queued"][w].sum()),
        "capacity_utilisation": {
            "counters": mean("utilisation_counters"),
            "phone": mean("utilisation_phone"),
            "social_services": mean("utilisation_social_services"),
            "associations": mean("utilisation_associations"),
        },
        "phone_answered_share": _ratio(
            s["phone_calls_answered"][w].sum(),
            s["phone_calls_answered"][w].sum() + s["new_turned_away_phone"][w].sum()
            + s["new_phone_unanswered"][w].sum()),
        "burden": {
            "hours_per_month": float(burden / n_months),
            "hours_per_eligible_household": _ratio(burden, eligible_households),
            "hours_per_claim_lodged": _ratio(s["burden_hours_claims"][w].sum(), lodged),
            "hours_per_filing": _ratio(burden, s["filings_total"][w].sum()),
            "trips_per_month": mean("new_trips"),
            "failed_attempts_per_month": mean("new_failed_attempts"),
            "hours_by_part": {
                "travel": mean("burden_travel"),
                "failed_attempts": mean("burden_failed"),
                "waiting": mean("burden_waiting"),
                "seeking_help": mean("burden_seeking"),
            },
        },
        "autonomy_share": _ratio(s["filings_alone"][w].sum(), s["filings_total"][w].sum()),
        "counter_share": _ratio(s["filings_counter"][w].sum(), s["filings_total"][w].sum()),
        "mediated_teach_share": _ratio(s["new_mediated_taught"][w].sum(), s["new_mediated"][w].sum()),
        "mediated_filings_per_month": mean("new_mediated"),
        "dependent_share": _ratio(s["n_dependent"][w].sum(), s["n_recipients"][w].sum()),
        "credentials_held": _ratio(s["n_credentials_held"][w].sum(), s["n_recipients"][w].sum()),
        "lost_access_per_month": float(s["new_lost_access"][w].sum() / n_months),
        "concentration_index": mean("concentration_index"),
        "unequipped_share": float(s["n_unequipped"][w].mean() / households),
        "mean_skill": mean("mean_skill"),
        "claims_lodged_by_route_age": _route_age(ledger, n_months),
        "after_failure": _after_failure(ledger),
        "per_benefit": {},
        "by_group": {},
        "group_gaps": {},
        "by_amount_band": {},
    }
    for b, name in enumerate(benefit_names):
        e = s["n_eligible"][w, b].sum()
        claims_b = np.array([s[k][w, b].sum() for k in LODGED_SERIES])
        renew_b = np.array([s[k][w, b].sum() for k in RENEWED_SERIES])
        online = [int(c) for c in ONLINE_CHANNELS]
        out["per_benefit"][name] = {
            "non_take_up_rate": _ratio(sum(s[c][w, b].sum() for c in CAUSE_SERIES), e),
            "persistent_non_take_up_rate": _ratio(s["n_persistent"][w, b].sum(), e),
            "unclaimed_euros_per_month": float(s["unclaimed_euros"][w, b].sum() / n_months),
            "eligible_households": float(e / n_months),
            "claims_online_share": _ratio(claims_b[online].sum(), claims_b.sum()),
            "renewals_online_share": _ratio(renew_b[online].sum(), renew_b.sum()),
            "by_receipt": {
                other: {"receiving": _ratio(ledger.receipt[1, b, c, 1], ledger.receipt[0, b, c, 1]),
                        "not_receiving": _ratio(ledger.receipt[1, b, c, 0], ledger.receipt[0, b, c, 0])}
                for c, other in enumerate(benefit_names) if c != b},
        }
    for g, labels in GROUP_LABELS.items():
        counts = ledger.groups[g]  # (2, nb, L): eligible, non
        e, n = counts[0].sum(axis=0), counts[1].sum(axis=0)
        gc = ledger.group_causes[g].sum(axis=1)  # (4, L)
        rates = {lab: _ratio(n[i], e[i]) for i, lab in enumerate(labels)}
        euros = ledger.group_euros[g].sum(axis=0) / n_months
        hours, eh = ledger.group_hours[g], ledger.group_eligible_households[g]
        out["by_group"][g] = {lab: {"non_take_up_rate": rates[lab],
                                    "unclaimed_euros_per_month": float(euros[i]),
                                    "eligible_share": _ratio(e[i], e.sum()),
                                    "causes": {c.name: _ratio(gc[c, i], e[i]) for c in Cause},
                                    "burden_hours_per_eligible_household": _ratio(hours[i], eh[i])}
                              for i, lab in enumerate(labels)}
        vals = [v for v in rates.values() if not math.isnan(v)]
        hi, lo = (max(vals), min(vals)) if vals else (float("nan"), float("nan"))
        out["group_gaps"][g] = {"gap": hi - lo, "ratio": _ratio(hi, lo)}
    e, n = ledger.amount_bands[0].sum(axis=0), ledger.amount_bands[1].sum(axis=0)
    out["by_amount_band"] = {lab: {"non_take_up_rate": _ratio(n[i], e[i])}
                             for i, lab in enumerate(AMOUNT_BAND_LABELS)}
    out.update(national.blocks(ledger, households))  # scaled to the represented population
    if not getattr(ledger, "tables", True):  # a run without report-window tables
        for key in TABLE_KEYS:
            del out[key]
        for per in out["per_benefit"].values():
            del per["by_receipt"]
    return out


def _route_age(ledger, n_months: int) -> dict:
    """Claims lodged per month, by route and age band of the household."""
    t = ledger.lodged_by_age / n_months
    return {c.name: {a.name: float(t[c, a]) for a in AgeBand} for c in Channel}


def _after_failure(ledger) -> dict:
    """What followed a failed attempt, by route that failed: shares of the same route
    again, a detour to each other route, giving up; and the totals over routes."""
    t = ledger.after_failure  # (6 failed routes, 6 next routes + gave up)
    total = t.sum()
    same = float(np.trace(t[:, : len(Channel)]))
    out: dict = {
        "retry_same_route": _ratio(same, total),
        "detour": _ratio(t[:, : len(Channel)].sum() - same, total),
        "gave_up": _ratio(t[:, AfterFailure.gave_up].sum(), total),
        "followed_up_per_month": float(total / max(ledger.months - ledger.report_start, 1)),
        "by_failed_route": {},
    }
    for c in Channel:
        row = t[c]
        out["by_failed_route"][c.name] = {a.name: _ratio(row[a], row.sum()) for a in AfterFailure}
    return out


def t_interval(values, bounds: tuple[float | None, float | None] = (None, None)
               ) -> tuple[float, list[float | None]]:
    """Mean and 95 % Student t-interval of ``values`` (NaN and ``None`` left out).

    ``bounds`` is the range the quantity can take (``(0, 1)`` for a rate): the
    interval is clipped to it.  With fewer than two values the interval is
    ``[None, None]``.
    """
    x = np.asarray([v for v in values if v is not None and not math.isnan(v)], dtype=float)
    if len(x) == 0:
        return float("nan"), [None, None]
    mean = float(x.mean())
    if len(x) < 2:
        return mean, [None, None]
    half = float(stats.t.ppf(0.975, len(x) - 1) * x.std(ddof=1) / math.sqrt(len(x)))
    lo, hi = mean - half, mean + half
    if bounds[0] is not None:
        lo = max(lo, bounds[0])
    if bounds[1] is not None:
        hi = min(hi, bounds[1])
    return mean, [lo, hi]


def aggregate(reps: list[dict], diff: bool = False) -> dict:
    """Nested dict of ``{"mean": x, "ci95": [lo, hi]}`` over replication summaries.

    Each interval is clipped to its metric's range (``diff``: the range of a
    difference B − A), see :func:`sim.present.domain`.
    """
    def walk(nodes: list[dict], prefix: str) -> dict:
        out = {}
        for key, first in nodes[0].items():
            vals = [n[key] for n in nodes]
            path = f"{prefix}.{key}" if prefix else key
            if isinstance(first, dict):
                out[key] = walk(vals, path)
            else:
                mean, ci = t_interval(vals, domain(path, diff))
                out[key] = {"mean": None if math.isnan(mean) else mean, "ci95": ci}
        return out
    return walk(reps, "")


def paired_difference(reps_a: list[dict], reps_b: list[dict]) -> dict:
    """B - A for every metric, paired by replication (common random numbers).

    Each leaf is ``{"mean": d, "ci95": [lo, hi]}``: a t-interval on the
    per-replication differences, narrower than the unpaired one when the
    scenarios share populations and random streams.
    """
    if len(reps_a) != len(reps_b):
        raise ValueError("paired comparison needs the same number of replications")

    def diff(a, b):
        if isinstance(a, dict):
            return {k: diff(a[k], b[k]) for k in a if k in b}
        return b - a

    return aggregate([diff(a, b) for a, b in zip(reps_a, reps_b)], diff=True)


def unpaired_difference(reps_a: list[dict], reps_b: list[dict]) -> dict:
    """B - A with a Welch interval, ignoring the pairing (for comparison with the paired one)."""
    def walk(a_nodes, b_nodes, prefix):
        out = {}
        for key, first in a_nodes[0].items():
            a_vals = [n[key] for n in a_nodes]
            b_vals = [n[key] for n in b_nodes]
            path = f"{prefix}.{key}" if prefix else key
            if isinstance(first, dict):
                out[key] = walk(a_vals, b_vals, path)
                continue
            xa = np.array([v for v in a_vals if v is not None and not math.isnan(v)])
            xb = np.array([v for v in b_vals if v is not None and not math.isnan(v)])
            if len(xa) < 2 or len(xb) < 2:
                out[key] = {"mean": None, "ci95": [None, None]}
                continue
            d = float(xb.mean() - xa.mean())
            va, vb = xa.var(ddof=1) / len(xa), xb.var(ddof=1) / len(xb)
            se = math.sqrt(va + vb)
            dof = (va + vb) ** 2 / ((va ** 2) / (len(xa) - 1) + (vb ** 2) / (len(xb) - 1)) if se else 1
            half = float(stats.t.ppf(0.975, dof) * se) if se else 0.0
            lo, hi = domain(path, diff=True)
            out[key] = {"mean": d, "ci95": [d - half if lo is None else max(d - half, lo),
                                            d + half if hi is None else min(d + half, hi)]}
        return out
    return walk(reps_a, reps_b, "")
