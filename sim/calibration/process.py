"""Process targets: what the model outputs, measured in the regime the figure was observed in.

Every target names a ``quantity`` of :data:`STATE_QUANTITIES` (read from the
households' state in each report month, pooled over the window) or of
:data:`SUMMARY_QUANTITIES` (read from the replication summary).  Both are model
outputs: nothing here reads a parameter.  A target's ``regime`` says which
policies were in force when its figure was observed (:data:`REGIMES`):

- ``baseline``: every counter open, every route (the CNAF/DARES RSA survey of
  2010-11);
- ``2016``: the prime d'activité online-first with its paper form on request,
  the CAF's e-mail obligation (the DREES and CNAF figures of 2016-2018);
- ``closure``: the 2016 regime with 80 % of counters closed, rural first (the
  UNCCAS 2019 survey after closures).
"""

from __future__ import annotations

import math

import numpy as np

from ..categories import PROCESSING, RECEIVING, DemandReason
from ..summary import replication_summary
from .measure import group_mask

REGIMES: dict[str, list[dict]] = {
    "baseline": [],
    "2016": [{"type": "online_only", "start": 0, "benefits": ["prime_activite"], "paper_form": True},
             {"type": "email_required", "start": 0, "benefits": ["prime_activite", "rsa"]}],
}
REGIMES["closure"] = REGIMES["2016"] + [
    {"type": "counter_closure", "start": 0, "share": 0.8, "order": "rural_first"}]
DEFAULT_REGIME = "2016"


def _non_take_up(model, b, mask):
    """Eligible households neither paid nor with a claim lodged: the RSA and the prime
    d'activité are paid from the month of the claim, so a claim being processed is
    take-up in surveys and in the DREES's measure."""
    h = model.h
    e = (h.amount[b] > 0) & mask
    took = (h.state[b] == RECEIVING) | (h.state[b] == PROCESSING)
    return np.count_nonzero(e & ~took), np.count_nonzero(e)


def _never_recipients(model, b, mask):
    h = model.h
    return mask & (h.amount[b] > 0) & (h.state[b] != RECEIVING) & ~h.ever_received[b]


def _unaware(model, b, mask):
    n = _never_recipients(model, b, mask)
    return np.count_nonzero(n & ~model.h.knows[b]), np.count_nonzero(n)


def _believes_ineligible(model, b, mask):
    n = _never_recipients(model, b, mask)
    h = model.h
    return np.count_nonzero(n & h.knows[b] & ~h.aware[b]), np.count_nonzero(n)


def _low_gain(model, b, mask):
    n = _never_recipients(model, b, mask)
    low = model.h.demand_reason[b] == int(DemandReason.low_gain)
    return np.count_nonzero(n & low), np.count_nonzero(n)


def _persistent(model, b, mask):
    h = model.h
    e = (h.amount[b] > 0) & mask
    return np.count_nonzero(e & (h.months_without[b] >= 9)), np.count_nonzero(e)


# quantity -> f(model, benefit index, household mask) -> (numerator, denominator), each month
STATE_QUANTITIES = {
    "non_take_up_rate": _non_take_up,
    "persistent_non_take_up_rate": _persistent,
    "never_recipients_unaware": _unaware,
    "never_recipients_believe_ineligible": _believes_ineligible,
    "never_recipients_low_gain": _low_gain,
}
# quantity -> f(summary, benefit name) -> value
SUMMARY_QUANTITIES = {
    "claims_online_share": lambda s, b: s["per_benefit"][b]["claims_online_share"],
    "renewals_online_share": lambda s, b: s["per_benefit"][b]["renewals_online_share"],
    "phone_answered_share": lambda s, b: s["phone_answered_share"],
    "mediated_do_for_share": lambda s, b: 1.0 - s["mediated_teach_share"],
    "social_services_digital_hours": lambda s, b: s["delegated_hours_per_month"]["social_services"],
    "burden_hours_per_claim": lambda s, b: s["burden"]["hours_per_claim_lodged"],
}
# pattern quantity -> (regime compared with the target's regime, summary quantity)
PATTERNS = {
    "closure_raises_social_services_hours": ("closure", "social_services_digital_hours"),
    "closure_raises_non_take_up": ("closure", "non_take_up_rate"),
    "closure_raises_burden_per_claim": ("closure", "burden_hours_per_claim"),
}


def is_process(t: dict) -> bool:
    q = t.get("quantity")
    return q in STATE_QUANTITIES or q in SUMMARY_QUANTITIES or q in PATTERNS


def regime(t: dict) -> str:
    return t.get("regime", DEFAULT_REGIME)


def regimes_needed(targets: list[dict]) -> set[str]:
    out = set()
    for t in targets:
        if is_process(t):
            out.add(regime(t))
            if t["quantity"] in PATTERNS:
                out.add(PATTERNS[t["quantity"]][0])
    return out


class Probe:
    """Accumulates one state target (and its reference group, if any) over report months.

    ``quarterly: true`` (non-take-up only) measures by calendar quarter as the DREES
    does: a household eligible at the quarter's end is a taker if it was paid (or had
    a claim lodged) in any month of the quarter.
    """

    def __init__(self, model, target: dict):
        self.t = target
        self.b = model.benefit_index.get(target.get("benefit"))
        self.f = STATE_QUANTITIES[target["quantity"]]
        self.num = np.zeros(2)
        self.den = np.zeros(2)
        self.quarterly = bool(target.get("quarterly")) and target["quantity"] == "non_take_up_rate"
        self.took = np.zeros(model.h.n if self.quarterly else 0, dtype=bool)
        self.months = 0

    def observe(self, model) -> None:
        if self.b is None:
            return
        h, b = model.h, self.b
        if self.quarterly:
            self.took |= (h.state[b] == RECEIVING) | (h.state[b] == PROCESSING)
            self.months += 1
            if self.months % 3:
                return
        for i, spec in enumerate((self.t.get("filter"), self.t.get("reference"))):
            if i == 1 and spec is None:
                break
            mask = group_mask(h, spec, model)
            if self.quarterly:
                e = (h.amount[b] > 0) & mask
                n, d = np.count_nonzero(e & ~self.took), np.count_nonzero(e)
            else:
                n, d = self.f(model, b, mask)
            self.num[i] += n
            self.den[i] += d
        if self.quarterly:
            self.took[:] = False

    def value(self) -> float:
        if self.b is None or self.den[0] == 0:
            return float("nan")
        v = self.num[0] / self.den[0]
        if self.t.get("reference") is not None:
            ref = self.num[1] / self.den[1] if self.den[1] else float("nan")
            return v / ref if ref else float("nan")
        return float(v)


def run_regime(model, targets: list[dict]) -> tuple[dict[str, float], dict]:
    """Run ``model`` to its horizon, probing the state targets in its report months.

    Returns the state targets' values by id and the replication summary.
    """
    probes = [Probe(model, t) for t in targets if t["quantity"] in STATE_QUANTITIES]
    start = model.ledger.report_start
    while model.running:
        model.step()
        if model.month - 1 >= start:
            for pr in probes:
                pr.observe(model)
    summary = replication_summary(model.ledger, model.benefit_names, model.h.n)
    return {pr.t["id"]: pr.value() for pr in probes}, summary


def summary_value(t: dict, summary: dict) -> float:
    try:
        v = SUMMARY_QUANTITIES[t["quantity"]](summary, t.get("benefit"))
    except KeyError:
        return float("nan")
    return float("nan") if v is None else float(v)


def scenario_value(t: dict, summary: dict) -> float:
    """A summary quantity or a whole-population non-take-up, for pattern differences."""
    if t == "non_take_up_rate":
        return float(summary["non_take_up_rate"])
    return summary_value({"quantity": t}, summary)


def nan_to_none(x: float) -> float | None:
    return None if x is None or (isinstance(x, float) and math.isnan(x)) else x
