"""The cost ledger: who bears which cost of claiming, in hours and euros (DOMAIN §6, §8.7).

Mazet's claim, measured: dematerialisation moves costs from the benefit agency onto
households, social workers, associations and relatives.  Every month the engine's ledger
(:mod:`sim.metrics`) records the work each of them does; here it is priced with the unit
costs of the scenario's ``costs`` section (each with its unit and source in
``docs/parameters.md``), per bearer:

- ``agency``: its **counters** and **phone line** cost their staffed hours — the visits
  and calls they can take (``counter_capacity``, ``phone_capacity``) times the agent time
  of a slot — whether used or not: closing counters or cutting hours is what saves the
  agency money; **processing** costs the hours of each claim and declaration lodged, by
  route (paper: the counter route and the phone; online: the others);
- ``social_services``: the hours of digital help social workers give, taken from their
  core social work (``core_hours_refused_per_year``: core contacts turned away, in hours;
  ``funded_*``: their whole hour budget);
- ``associations``: mediators' hours given (France Services, mediation points;
  ``funded_*``: the hours on offer);
- ``relatives``: their hours of help, valued at ``costs.relatives.value_of_time``;
- ``households``: their hours on claims (travel, forms, failed attempts, waiting, seeking
  help) valued at ``costs.households.value_of_time`` — **a convention**: the net hourly
  minimum wage — plus travel (kilometres from travel hours, times a cost per km);
- ``programmes``: support policies' direct costs (digital training, equipment, digital
  safes), per household reached;
- ``benefits``: euros paid and left unclaimed (transfers, kept apart from the costs);
- ``total``: the five bearers' hours and the six bearers' euros (transfers excluded);
- ``public_funding``: what public budgets fund whatever the use — staffed counters and
  phone, social workers' and mediators' hours on offer, programmes: the yardstick of a
  policy mix's yearly cost (``sim optimise`` budgets its change from the base scenario).

Each bearer has its own unit costs (``costs.<bearer>.*``), so changing one moves that
bearer's euros only (tested); unit costs price results and change no behaviour.  Yearly
figures are the report window's mean month × 12, scaled to the represented population
(:mod:`sim.national`); :func:`monthly_euros` gives the same ledger month by month, for the
simulated population, from a replication's series or from its ``timeseries`` table.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from .categories import Channel

BEARERS = ("agency", "social_services", "associations", "relatives", "households", "programmes")
STAFF = ("agency", "social_services", "associations")  # bearers whose hours are paid work
PAPER_ROUTES = ("counter", "phone")  # files an agent keys in


def _total(series: Mapping, name: str) -> np.ndarray:
    """A monthly series summed over benefits (the store's timeseries columns already are)."""
    a = np.asarray(series[name], dtype=np.float64)
    return a if a.ndim == 1 else a.sum(axis=1)


def monthly_quantities(series: Mapping, data: dict) -> dict[str, dict[str, np.ndarray]]:
    """What each bearer does each month (simulated population): hours, and for
    ``programmes`` the households reached.  ``series``: a replication's series
    (:attr:`sim.metrics.Ledger.series`) or a timeseries table's columns; ``data``: the
    scenario's data (its ``costs`` and ``process.hours.core_contact``)."""
    a = data["costs"]["agency"]
    ph = a["processing_hours"]
    processing = np.zeros_like(_total(series, "counter_capacity"))
    for c in Channel:
        paper = c.name in PAPER_ROUTES
        processing = processing + _total(series, f"new_lodged_{c.name}") * (
            ph["claim_paper"] if paper else ph["claim_online"])
        processing = processing + _total(series, f"new_renewed_{c.name}") * (
            ph["declaration_paper"] if paper else ph["declaration_online"])
    return {
        "agency": {"counters": _total(series, "counter_capacity") * a["counter_hours_per_visit"],
                   "phone": _total(series, "phone_capacity") * a["phone_hours_per_call"],
                   "processing": processing},
        "social_services": {"digital_help": _total(series, "hours_social_services"),
                            "funded": _total(series, "hours_social_total"),
                            "core_refused": _total(series, "core_contacts_refused")
                            * data["process"]["hours"]["core_contact"]},
        "associations": {"mediation": _total(series, "hours_associations"),
                         "funded": _total(series, "capacity_associations")},
        "relatives": {"help": _total(series, "hours_relatives")},
        "households": {"time": _total(series, "burden_hours"),
                       "travel": _total(series, "burden_travel")},
        "programmes": {"trained": _total(series, "new_trained"),
                       "equipped": _total(series, "new_equipped"),
                       "safes": _total(series, "new_safes")},
    }


def monthly_euros(q: dict[str, dict[str, np.ndarray]], data: dict) -> dict[str, dict[str, np.ndarray]]:
    """Each bearer's euros each month, item by item, from :func:`monthly_quantities`."""
    c = data["costs"]
    ag, hh, pr = c["agency"]["hourly_cost"], c["households"], c["programmes"]
    ss, asso = c["social_services"]["hourly_cost"], c["associations"]["hourly_cost"]
    return {
        "agency": {k: v * ag for k, v in q["agency"].items()},
        "social_services": {"digital_help": q["social_services"]["digital_help"] * ss,
                            "funded": q["social_services"]["funded"] * ss},
        "associations": {"mediation": q["associations"]["mediation"] * asso,
                         "funded": q["associations"]["funded"] * asso},
        "relatives": {"help": q["relatives"]["help"] * c["relatives"]["value_of_time"]},
        "households": {"time": q["households"]["time"] * hh["value_of_time"],
                       "travel": q["households"]["travel"] * hh["km_per_travel_hour"]
                       * hh["euros_per_km"]},
        "programmes": {"training": q["programmes"]["trained"] * pr["training_per_household"],
                       "equipment": q["programmes"]["equipped"] * pr["equipment_per_household"],
                       "safes": q["programmes"]["safes"] * pr["safe_per_household"]},
    }


def cost_ledger(series: Mapping, data: dict, window: slice, scale: float,
                q: dict[str, dict[str, np.ndarray]] | None = None) -> dict:
    """The ``cost_ledger`` block: per bearer, hours and euros a year in the report
    ``window``, for the represented population (``scale`` = represented / simulated
    households).  See the module docstring for what each bearer's figures count."""
    q = monthly_quantities(series, data) if q is None else q
    e = monthly_euros(q, data)
    year = 12.0 * scale

    def y(x: np.ndarray) -> float:
        return float(np.mean(x[window])) * year

    ag_h = {k: y(v) for k, v in q["agency"].items()}
    ag_e = {k: y(v) for k, v in e["agency"].items()}
    out: dict = {
        "agency": {"hours_per_year": sum(ag_h.values()), "euros_per_year": sum(ag_e.values()),
                   **{k: {"hours_per_year": ag_h[k], "euros_per_year": ag_e[k]} for k in ag_h}},
        "social_services": {
            "hours_per_year": y(q["social_services"]["digital_help"]),
            "euros_per_year": y(e["social_services"]["digital_help"]),
            "core_hours_refused_per_year": y(q["social_services"]["core_refused"]),
            "funded_hours_per_year": y(q["social_services"]["funded"]),
            "funded_euros_per_year": y(e["social_services"]["funded"])},
        "associations": {
            "hours_per_year": y(q["associations"]["mediation"]),
            "euros_per_year": y(e["associations"]["mediation"]),
            "funded_hours_per_year": y(q["associations"]["funded"]),
            "funded_euros_per_year": y(e["associations"]["funded"])},
        "relatives": {"hours_per_year": y(q["relatives"]["help"]),
                      "euros_per_year": y(e["relatives"]["help"])},
        "households": {"hours_per_year": y(q["households"]["time"]),
                       "euros_per_year": y(e["households"]["time"]) + y(e["households"]["travel"]),
                       "time_euros_per_year": y(e["households"]["time"]),
                       "travel_euros_per_year": y(e["households"]["travel"])},
        "programmes": {"euros_per_year": sum(y(v) for v in e["programmes"].values()),
                       "households_per_year": sum(y(v) for v in q["programmes"].values())},
        "benefits": {"paid_euros_per_year": y(_total(series, "paid_euros")),
                     "unclaimed_euros_per_year": y(_total(series, "unclaimed_euros"))},
    }
    out["total"] = {
        "hours_per_year": sum(out[b]["hours_per_year"] for b in BEARERS if b != "programmes"),
        "euros_per_year": sum(out[b]["euros_per_year"] for b in BEARERS)}
    out["public_funding"] = {"euros_per_year": (
        ag_e["counters"] + ag_e["phone"] + out["social_services"]["funded_euros_per_year"]
        + out["associations"]["funded_euros_per_year"] + out["programmes"]["euros_per_year"])}
    return out


__all__ = ["BEARERS", "STAFF", "cost_ledger", "monthly_euros", "monthly_quantities"]
