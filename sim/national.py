"""The represented population: what the simulated households stand for, and every count
and flow of a replication scaled to it (the summary block ``national``).

A scenario's ``represented`` section says how many households its synthetic population
stands for (``represented.households``), what they are (``name``) and where the number
comes from (``source``).  By default (``households: 0``) it is France, metropolitan and
overseas, in the year of the scenario's legislation, from the INSEE census
(:data:`FRANCE_HOUSEHOLDS`); territory presets state their own.  Every figure is scaled
by ``represented / simulated`` households: capacities are set per 10,000 households, so
the scaled figures do not depend on how many households are simulated, only their
precision does (tested).

National figures are yearly totals of the report window's mean month (× 12), or monthly
stocks (households), for the represented population:

- ``households_represented``; ``eligible_households`` (eligible for at least one benefit);
  ``recipients`` and ``non_recipients`` (household-benefit pairs: a household missing two
  benefits counts twice, as in the non-take-up rate);
- ``unclaimed_euros_per_year``, ``paid_euros_per_year``;
- full-time equivalents (hours / ``costs.full_time_hours``): ``social_services_fte`` (the
  social workers' digital help), ``associations_fte`` (mediators' hours given),
  ``associations_funded_fte`` (their hours on offer), ``counter_staff_fte`` and
  ``phone_staff_fte`` (staffed hours, see :mod:`sim.costs`);
- ``relatives_hours_per_year``, ``household_hours_per_year``;
- ``counter_visits_per_year``, ``phone_calls_answered_per_year``, ``filings_per_year``
  by route (successful filings: claims and declarations);
- ``per_benefit`` → benefit → ``eligible_households``, ``recipients``, ``non_recipients``,
  ``unclaimed_euros_per_year``, ``paid_euros_per_year``.
"""

from __future__ import annotations

import numpy as np

from . import costs
from .categories import Channel

# Households in France (metropolitan and overseas) by legislation year: the census counts
# (INSEE, "Dossier complet — France", table FAM T1, RP2016 and RP2022, géographie au
# 01/01/2025; the extract read does not say whether Mayotte is included) and, between
# them, linear interpolation (derived); after RP2022, the same yearly growth (derived).
RP2016, RP2022 = 29_235_939, 30_907_289
_PER_YEAR = (RP2022 - RP2016) / 6
FRANCE_SOURCE = "INSEE census RP2016 and RP2022, Dossier complet France; interpolated, derived"


def france_households(year: int) -> int:
    """Households in France in ``year`` (census, interpolated or extrapolated: derived)."""
    return int(round(RP2016 + (year - 2016) * _PER_YEAR))


FRANCE_HOUSEHOLDS = {year: france_households(year) for year in (2016, 2019, 2021, 2024)}


def represented(data: dict) -> tuple[int, str, str]:
    """``(households, name, source)`` the scenario ``data`` represents."""
    r = data["represented"]
    if r["households"] > 0:
        return int(r["households"]), r["name"] or "", r["source"] or ""
    year = int(str(data["legislation"])[:4])
    return (france_households(year), r["name"] or "France",
            r["source"] or f"{FRANCE_SOURCE} ({year})")


def scale_factor(data: dict, simulated: int) -> float:
    """Represented households per simulated household."""
    return represented(data)[0] / simulated if simulated else float("nan")


def _window(ledger) -> slice:
    return slice(ledger.report_start, ledger.months)


def national_block(ledger, households: int, work: dict) -> dict:
    """The ``national`` block of one replication (see the module docstring).

    ``work``: what each bearer did each month (:func:`sim.costs.monthly_quantities`,
    simulated population), so that FTEs and the cost ledger count the same hours.
    """
    data = ledger.scenario.data
    k = scale_factor(data, households)
    year = 12.0 * k
    fte = year / data["costs"]["full_time_hours"]
    s, w = ledger.series, _window(ledger)

    def mean(name: str) -> float:
        return float(s[name][w].mean()) if s[name].ndim == 1 else float(s[name][w].sum(axis=1).mean())

    def hours(bearer: str, part: str) -> float:
        return float(np.mean(work[bearer][part][w]))

    receiving = s["n_receiving"][w].mean(axis=0)
    eligible = s["n_eligible"][w].mean(axis=0)
    filings = s["new_filings_by_channel"][w].mean(axis=0)
    out = {
        "households_represented": float(represented(data)[0]),
        "eligible_households": mean("n_eligible_households") * k,
        "recipients": float(receiving.sum()) * k,
        "non_recipients": float((eligible - receiving).sum()) * k,
        "unclaimed_euros_per_year": mean("unclaimed_euros") * year,
        "paid_euros_per_year": mean("paid_euros") * year,
        "social_services_fte": hours("social_services", "digital_help") * fte,
        "associations_fte": hours("associations", "mediation") * fte,
        "associations_funded_fte": hours("associations", "funded") * fte,
        "counter_staff_fte": hours("agency", "counters") * fte,
        "phone_staff_fte": hours("agency", "phone") * fte,
        "relatives_hours_per_year": hours("relatives", "help") * year,
        "household_hours_per_year": hours("households", "time") * year,
        "counter_visits_per_year": mean("counter_visits") * year,
        "phone_calls_answered_per_year": mean("phone_calls_answered") * year,
        "filings_per_year": {c.name: float(filings[c]) * year for c in Channel},
        "per_benefit": {},
    }
    for b, name in enumerate(ledger.scenario.benefits):
        out["per_benefit"][name] = {
            "eligible_households": float(eligible[b]) * k,
            "recipients": float(receiving[b]) * k,
            "non_recipients": float(eligible[b] - receiving[b]) * k,
            "unclaimed_euros_per_year": float(s["unclaimed_euros"][w, b].mean()) * year,
            "paid_euros_per_year": float(s["paid_euros"][w, b].mean()) * year,
        }
    return out


def blocks(ledger, households: int) -> dict:
    """The summary blocks ``national`` and ``cost_ledger`` of one replication
    (``households``: simulated)."""
    data = ledger.scenario.data
    work = costs.monthly_quantities(ledger.series, data)
    return {"national": national_block(ledger, households, work),
            "cost_ledger": costs.cost_ledger(ledger.series, data, _window(ledger),
                                             scale_factor(data, households), work)}


__all__ = ["FRANCE_HOUSEHOLDS", "blocks", "france_households", "national_block", "represented",
           "scale_factor"]
