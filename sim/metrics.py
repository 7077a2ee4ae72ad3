"""Measurement: the monthly ledger and the per-replication summary (DOMAIN §6).

Names follow Covasim: ``new_*`` are flows during the month, ``n_*`` stocks at
the end of the month; rates are fractions 0-1, money is EUR per month, time is
hours.  Submodels record flows where they happen (``ledger.flow``); stocks and
the ODENORE causes are measured at the end of the month (``measure``).

ODENORE cause and sub-cause of an eligible non-recipient (exactly one each,
:class:`sim.categories.SubCause`), by precedence:

- non_reception: a lodged claim being processed (*processing*), rejected as
  incomplete (*rejected*), a payment suspended after a failed declaration
  (*suspended*), or a claim waiting for a counter or phone slot (*agency_queue*);
- non_proposition: waiting for social services or an association
  (*waiting_for_help*), or, not knowing the right, in contact with a service
  that did not propose it (*not_proposed*);
- non_knowledge: not knowing the benefit exists (*unaware*), or knowing it and
  believing oneself ineligible (*believes_ineligible*);
- non_demand: knowing the right and not claiming, by choice (*low_gain*,
  *stigma_autonomy*), deterred by the route (*deterred_by_route*: the cheapest
  open route costs too much, none is open, a relative who could not help yet,
  a failed attempt, giving up after failures), or not yet (*not_yet*).
"""

from __future__ import annotations

import numpy as np

from .categories import (CH_COUNTER, CH_PHONE, CH_RELATIVE, GAVE_UP, GROUP_LABELS, NOT_CLAIMED,
                         PROCESSING, QUEUED, RECEIVING, REJECTED, SUBCAUSE_OF, SUSPENDED,
                         AfterFailure, AgeBand, Cause, Channel, DemandReason, SubCause)

CAUSE_SERIES = ("n_non_knowledge", "n_non_proposition", "n_non_demand", "n_non_reception")
SUBCAUSE_SERIES = tuple(f"n_{s.name}" for s in SubCause)
CHANNEL_NAMES = tuple(c.name for c in Channel)
LODGED_SERIES = tuple(f"new_lodged_{c}" for c in CHANNEL_NAMES)
RENEWED_SERIES = tuple(f"new_renewed_{c}" for c in CHANNEL_NAMES)
# flows and stocks per benefit: (months, n_benefits)
PER_BENEFIT = (
    "n_eligible", "n_receiving", *CAUSE_SERIES, *SUBCAUSE_SERIES, "n_persistent",
    "unclaimed_euros", "paid_euros", "new_entries", "new_exits", "new_informed",
    "new_not_proposed", "new_proposed", "new_simulations", "new_claims", "new_awards",
    "new_rejections", "new_renewals", "new_suspensions", "new_lost_access", "new_gave_up",
    "new_automatic", *LODGED_SERIES, *RENEWED_SERIES,
)
TURNED_AWAY = {  # service -> its flow of requests turned away this month
    "counters": "new_turned_away_counters", "phone": "new_turned_away_phone",
    "social_services": "new_turned_away_social", "associations": "new_turned_away_associations",
    "relatives": "new_turned_away_relatives",
}
# global series: (months,)
GLOBAL = (
    "hours_social_services", "hours_social_core", "hours_social_total", "hours_associations",
    "hours_relatives", "capacity_social_services", "capacity_social_core",
    "capacity_associations", "counter_capacity", "counter_visits", "phone_capacity",
    "phone_calls_answered", "new_referrals", "new_turned_away", *TURNED_AWAY.values(),
    "new_phone_unanswered", "new_left_queue", "new_oriented", "n_queued", "queue_months",
    "burden_hours", "burden_hours_claims", "burden_travel", "burden_failed", "burden_waiting",
    "burden_seeking", "new_trips", "new_failed_attempts", "filings_alone", "filings_counter",
    "filings_total", "new_mediated", "new_mediated_taught", "n_dependent", "n_credentials_held",
    "n_recipients", "n_eligible_households", "n_unequipped", "mean_skill", "concentration_index",
    "core_contacts", "core_contacts_refused", "new_online", "new_dropouts", "new_trained",
    "new_equipped", "new_safes", "new_households", "utilisation_counters", "utilisation_phone",
    "utilisation_social_services", "utilisation_associations",
)
ROUTE_OUTCOMES = ("receiving", "waiting", "rejected", "gave_up", "not_claimed")
AFTER_FAILURE = tuple(a.name for a in AfterFailure)
PERSISTENT_MONTHS = 9  # three consecutive quarters, as DREES measures it
N_SUB = len(SubCause)
CAUSE_OF_SUB = np.array([int(SUBCAUSE_OF[s]) for s in SubCause])
_DEMAND_SUB = np.full(len(DemandReason), int(SubCause.not_yet))
_DEMAND_SUB[DemandReason.low_gain] = SubCause.low_gain
_DEMAND_SUB[DemandReason.stigma_autonomy] = SubCause.stigma_autonomy
_DEMAND_SUB[DemandReason.deterred_by_route] = SubCause.deterred_by_route


def group_codes(h) -> dict[str, np.ndarray]:
    """Group code of every household, per group variable of DOMAIN §6 (current values)."""
    return {
        "age_band": h.age_band,
        "income_quintile": h.income_quintile,
        "diploma": h.diploma,
        "territory": h.territory,
        "equipment": h.equipment,
        "isolation": (h.n_helpers > 0).astype(np.int8),
        "household_type": h.household_type,
        "other_benefit": h.other_benefit.astype(np.int8),
    }


def group_key(h) -> tuple[np.ndarray, dict[str, tuple[int, int]]] | None:
    """All group codes of a household in one mixed-radix integer, and each group's
    (stride, size) to read its code back: ``(key // stride) % size``.

    Gathering one key per selected household is cheaper than gathering every code.
    None if a code falls outside its labels (the per-group path then ignores it).
    """
    key = np.zeros(h.n, dtype=np.int32)
    sizes = {}
    for g, code in group_codes(h).items():
        size = len(GROUP_LABELS[g])
        if len(code) and (code.min() < 0 or code.max() >= size):
            return None
        key *= size
        key += code
        sizes[g] = size
    strides, stride = {}, 1
    for g in reversed(list(sizes)):
        strides[g] = (stride, sizes[g])
        stride *= sizes[g]
    return key, strides


def _stacking(strides: dict[str, tuple[int, int]]) -> tuple[np.ndarray, np.ndarray, np.ndarray, int]:
    """(stride, size, offset) columns of the groups of :func:`group_key`, and the number of
    (group, label) cells: the codes of every group side by side in one range."""
    st = np.array([v[0] for v in strides.values()], dtype=np.int64)[:, None]
    sz = np.array([v[1] for v in strides.values()], dtype=np.int64)[:, None]
    off = np.concatenate([[0], np.cumsum(sz[:, 0])[:-1]])[:, None]
    return st, sz, off, int(sz.sum())


def _spans(strides: dict[str, tuple[int, int]]) -> list[tuple[str, int, int]]:
    """Each group's (name, first, last + 1) cell in :func:`_stacking`'s range."""
    out, lo = [], 0
    for g, (_, size) in strides.items():
        out.append((g, lo, lo + size))
        lo += size
    return out


def subcauses(h, b: int, idx: np.ndarray) -> np.ndarray:
    """SubCause code of eligible non-recipients ``idx`` of benefit ``b`` (module docstring)."""
    state = h.state[b].take(idx)
    aware = h.aware[b].take(idx)
    sub = np.where(aware, _DEMAND_SUB[h.demand_reason[b].take(idx)], int(SubCause.unaware))
    # aware, not evaluated this month: a claim that failed this month (the route), or new
    sub = np.where(aware & (h.demand_reason[b].take(idx) == 0) & (h.failures[b].take(idx) > 0),
                   int(SubCause.deterred_by_route), sub)
    unaware = ~aware
    sub = np.where(unaware & h.knows[b].take(idx), int(SubCause.believes_ineligible), sub)
    sub = np.where(unaware & h.not_proposed[b].take(idx), int(SubCause.not_proposed), sub)
    sub = np.where(state == GAVE_UP, int(SubCause.deterred_by_route), sub)
    queued = state == QUEUED
    if queued.any():
        where = h.channel[b].take(idx)
        sub = np.where(queued, np.select(
            [where == CH_RELATIVE, (where == CH_COUNTER) | (where == CH_PHONE)],
            [int(SubCause.deterred_by_route), int(SubCause.agency_queue)],
            int(SubCause.waiting_for_help)), sub)
    sub = np.where(state == PROCESSING, int(SubCause.processing), sub)
    sub = np.where(state == REJECTED, int(SubCause.rejected), sub)
    sub = np.where(state == SUSPENDED, int(SubCause.suspended), sub)
    return sub


def concentration_index(non: np.ndarray, income: np.ndarray) -> float:
    """Concentration index of ``non`` (0/1) over income rank; < 0: among the poorer."""
    if len(non) < 2 or non.sum() == 0:
        return 0.0
    order = stable_order(income)
    rank = np.empty(len(non))
    rank[order] = (np.arange(len(non)) + 0.5) / len(non)
    y = non.astype(np.float64)
    return float(2.0 * np.mean((y - y.mean()) * (rank - 0.5)) / y.mean())


def stable_order(x: np.ndarray) -> np.ndarray:
    """``np.argsort(x, kind="stable")`` for float32 ``x``, ~10x faster.

    Each value's bits are mapped to an unsigned integer in the same order as the
    floats (sign flipped for positives, all bits for negatives; -0.0 folded onto
    +0.0) and joined with the element's position, so that one (SIMD) sort of
    unique 64-bit keys gives exactly the stable order.  Other dtypes and NaN
    take the plain stable argsort.
    """
    if x.dtype != np.float32 or len(x) >= 2**32 or np.isnan(x).any():
        return np.argsort(x, kind="stable")
    bits = (x + np.float32(0.0)).view(np.uint32)
    neg = bits >> np.uint32(31) == 1
    bits = np.where(neg, ~bits, bits | np.uint32(0x80000000)).astype(np.uint64)
    key = (bits << np.uint64(32)) | np.arange(len(x), dtype=np.uint64)
    key.sort()
    return (key & np.uint64(0xFFFFFFFF)).astype(np.intp)


def record_services(s: dict, model, m: int) -> None:
    """Capacities, use and refusals of every service in month ``m``, into series ``s``.

    Bookkeeping of the institution agents, which the engine and the per-agent reference
    share (``model``: either; both hold ``social``, ``associations``, ``counters``, ``phone``).
    """
    for t in range(3):
        ss, a, c = model.social[t], model.associations[t], model.counters[t]
        s["hours_social_services"][m] += ss.used
        s["hours_social_core"][m] += ss.core_used
        s["hours_social_total"][m] += ss.total_hours
        s["capacity_social_services"][m] += ss.capacity
        s["capacity_social_core"][m] += ss.core_capacity
        s["hours_associations"][m] += a.used
        s["capacity_associations"][m] += a.capacity
        s["counter_capacity"][m] += c.capacity
    s["phone_capacity"][m] = model.phone.capacity
    s["phone_calls_answered"][m] = model.phone.used
    s["new_turned_away"][m] = sum(s[k][m] for k in TURNED_AWAY.values())
    s["utilisation_counters"][m] = _share(s["counter_visits"][m], s["counter_capacity"][m])
    s["utilisation_phone"][m] = _share(s["phone_calls_answered"][m], s["phone_capacity"][m])
    s["utilisation_social_services"][m] = _share(
        s["hours_social_services"][m] + s["hours_social_core"][m], s["hours_social_total"][m])
    s["utilisation_associations"][m] = _share(s["hours_associations"][m],
                                              s["capacity_associations"][m])


class Ledger:
    """Monthly series of one replication and, in the report window, its tables.

    ``tables=False`` keeps the monthly series (everything the simulation does is the
    same: measurement draws nothing) but skips the report-window tables that only
    the summary's breakdowns read — groups and their causes, euros and hours, amount
    bands, receipt of the other benefits, claims by route and age, what followed a
    failure, the final route snapshot, the concentration index — which cost about a
    fifth of a small run.  The workshop, which shows none of them, runs this way.
    """

    def __init__(self, model, trace: np.ndarray | None = None, tables: bool = True):
        months, nb = model.months, model.h.n_benefits
        self.tables = bool(tables)
        self.months, self.nb = months, nb
        self.scenario = model.sc  # what the series are of: unit costs, represented population
        self.report_start = months - model.sc.data["report_months"]
        self.month = 0
        self.series = {k: np.zeros((months, nb)) for k in PER_BENEFIT}
        self.series.update({k: np.zeros(months) for k in GLOBAL})
        self.series["new_filings_by_channel"] = np.zeros((months, len(Channel)))
        # report-window tables: group x (eligible, non), causes, households' hours
        self.groups = {g: np.zeros((2, nb, len(GROUP_LABELS[g]))) for g in GROUP_LABELS}
        self.group_causes = {g: np.zeros((len(Cause), nb, len(GROUP_LABELS[g]))) for g in GROUP_LABELS}
        self.group_euros = {g: np.zeros((nb, len(GROUP_LABELS[g]))) for g in GROUP_LABELS}
        self.group_hours = {g: np.zeros(len(GROUP_LABELS[g])) for g in GROUP_LABELS}
        self.group_eligible_households = {g: np.zeros(len(GROUP_LABELS[g])) for g in GROUP_LABELS}
        self.amount_bands = np.zeros((2, nb, len(AMOUNT_BANDS) + 1))
        # benefit b's eligible (row 0) and non-recipients (row 1), by receipt of benefit c
        self.receipt = np.zeros((2, nb, nb, 2))
        self.lodged_by_age = np.zeros((len(Channel), len(AgeBand)))  # claims lodged, report window
        self.after_failure = np.zeros((len(Channel), len(AfterFailure)))  # failed route -> next
        self.routes = np.zeros((nb, len(Channel) + 1, len(ROUTE_OUTCOMES)))
        self.household_hours = np.zeros(model.h.n) if self.tables and self.report_start <= 0 else None
        self.trace_idx = None if trace is None else np.asarray(trace, dtype=np.int64)
        self.trace: list[dict] = []

    @property
    def in_report(self) -> bool:
        """This month's flows go into the report-window tables."""
        return self.tables and self.month >= self.report_start

    def flow(self, name: str, value: float, benefit: int | None = None) -> None:
        if benefit is None:
            self.series[name][self.month] += value
        else:
            self.series[name][self.month, benefit] += value

    def add_filings(self, channels: np.ndarray, benefits: np.ndarray) -> None:
        self.series["new_filings_by_channel"][self.month] += np.bincount(
            channels.astype(np.int64), minlength=len(Channel))[: len(Channel)]

    def _by_channel(self, names, channels: np.ndarray, benefits: np.ndarray) -> None:
        if len(channels) == 0:
            return
        cells = np.bincount(benefits.astype(np.int64) * len(Channel) + channels,
                            minlength=self.nb * len(Channel)).reshape(self.nb, len(Channel))
        for c, name in enumerate(names):
            self.series[name][self.month] += cells[:, c]

    def add_lodged(self, channels: np.ndarray, benefits: np.ndarray, age_band: np.ndarray) -> None:
        """Claims lodged this month, by channel (per benefit) and by channel x age band."""
        self._by_channel(LODGED_SERIES, channels, benefits)
        if self.in_report and len(channels):
            self.lodged_by_age += np.bincount(channels * len(AgeBand) + age_band, minlength=
                                              self.lodged_by_age.size).reshape(self.lodged_by_age.shape)

    def add_renewed(self, channels: np.ndarray, benefits: np.ndarray) -> None:
        self._by_channel(RENEWED_SERIES, channels, benefits)

    def add_after_failure(self, failed: np.ndarray, then: np.ndarray) -> None:
        """What followed failed attempts on route ``failed``: route ``then`` or gave up."""
        if self.in_report and len(failed):
            n = len(AfterFailure)
            self.after_failure += np.bincount(failed.astype(np.int64) * n + then, minlength=
                                              self.after_failure.size).reshape(self.after_failure.shape)

    def add_household_hours(self, hh: np.ndarray, hours: np.ndarray) -> None:
        if self.household_hours is not None:
            self.household_hours += np.bincount(hh, weights=hours, minlength=len(self.household_hours))

    def measure(self, model) -> None:
        """End-of-month stocks, ODENORE causes, and (in the report window) group tables.

        Causes come from one sub-cause code per eligible non-recipient; sums of euros
        gather the selected amounts in household order, so they add up in the same
        order as a plain masked sum.
        """
        h, m, s = model.h, model.month, self.series
        in_report = self.tables and m >= self.report_start
        grouping = group_key(h) if in_report else None
        codes = group_codes(h) if in_report and grouping is None else None
        income = h.earnings + h.other_income if in_report else h.earnings[:0]
        ci_non, ci_inc = [], []
        recipients = np.zeros(h.n, dtype=bool)
        eligible_any = np.zeros(h.n, dtype=bool)
        receiving_all = h.state == RECEIVING
        for b in range(h.n_benefits):
            elig = h.amount[b] > 0
            eligible_any |= elig
            receiving = receiving_all[b]
            recipients |= receiving
            recv = elig & receiving
            non = elig & ~recv
            idx = np.flatnonzero(non)
            sub = subcauses(h, b, idx)
            sub_counts = np.bincount(sub, minlength=N_SUB)
            cause_counts = np.bincount(CAUSE_OF_SUB, weights=sub_counts, minlength=len(Cause))
            s["n_eligible"][m, b] = np.count_nonzero(elig)
            s["n_receiving"][m, b] = np.count_nonzero(recv)
            for c, name in enumerate(CAUSE_SERIES):
                s[name][m, b] = cause_counts[c]
            for c, name in enumerate(SUBCAUSE_SERIES):
                s[name][m, b] = sub_counts[c]
            without = h.months_without[b]
            without += 1
            without *= non  # consecutive months eligible and not receiving
            s["n_persistent"][m, b] = np.count_nonzero(without >= PERSISTENT_MONTHS)
            amount_non = h.amount[b].take(idx)
            s["unclaimed_euros"][m, b] = amount_non.sum(dtype=np.float64)
            s["paid_euros"][m, b] = np.compress(recv, h.amount[b]).sum(dtype=np.float64)
            if in_report:
                eidx = np.flatnonzero(elig)
                is_non = non.take(eidx)
                cause = CAUSE_OF_SUB[sub]
                if grouping is not None:
                    self._groups_by_key(b, grouping, eidx, idx, amount_non, cause)
                else:
                    self._groups_by_codes(b, codes, eidx, idx, amount_non, cause)
                self.amount_bands[0, b] += band_counts(h.amount[b].take(eidx))
                self.amount_bands[1, b] += band_counts(amount_non)
                for c in range(h.n_benefits):
                    rc = receiving_all[c].take(eidx)
                    self.receipt[0, b, c] += (len(eidx) - np.count_nonzero(rc), np.count_nonzero(rc))
                    nr = np.count_nonzero(rc & is_non)
                    self.receipt[1, b, c] += (np.count_nonzero(is_non) - nr, nr)
                ci_non.append(is_non)
                ci_inc.append(income.take(eidx))
            if m == self.months - 1 and self.tables:
                self._routes(h, b, elig)
        queued = h.state == QUEUED
        s["n_queued"][m] = np.count_nonzero(queued)
        # months each waiting claim has waited so far, this one included
        s["queue_months"][m] = (np.compress(queued.ravel(), h.months_waiting.ravel()).sum()
                                + s["n_queued"][m])
        self._services(model, m)
        s["n_recipients"][m] = np.count_nonzero(recipients)
        s["n_eligible_households"][m] = np.count_nonzero(eligible_any)
        s["n_dependent"][m] = np.count_nonzero(h.dependent & recipients)
        s["n_credentials_held"][m] = np.count_nonzero((h.credentials_holder > 0) & recipients)
        s["n_unequipped"][m] = np.count_nonzero(h.equipment == 0)
        s["mean_skill"][m] = h.skill.mean(dtype=np.float64)
        if in_report and ci_non:
            s["concentration_index"][m] = concentration_index(np.concatenate(ci_non),
                                                              np.concatenate(ci_inc))
        if in_report:
            self._group_hours(grouping, codes, eligible_any)
        if self.trace_idx is not None:
            self._record_trace(model)
        self.month += 1
        if self.tables and self.month == self.report_start:
            self.household_hours = np.zeros(h.n)

    def _services(self, model, m: int) -> None:
        record_services(self.series, model, m)

    def _groups_by_key(self, b, grouping, eidx, idx, amount_non, cause) -> None:
        """Eligible and non-recipient counts, causes and unclaimed euros per group.

        Counts: with many eligible households, one bincount over the joint key, then
        each group's margin; with few (fewer than the joint table has cells), one
        bincount per group of the codes read back from the key, which costs less
        than summing the joint table.  Both give the same integers.  Euros: one
        weighted bincount per group, adding in household order as before.
        """
        key, strides = grouping
        n_causes = len(Cause)
        key_non = key.take(idx)
        n_cells = 1
        for _, size in strides.values():
            n_cells *= size
        if len(eidx) < n_cells:
            # every group's codes stacked, (groups, k), offset so that one bincount counts
            # them all; a bin only receives its own group's households, in household order
            # (so the euros add up as one weighted bincount per group would)
            stride, size, offset, total = _stacking(strides)
            code_e = (key.take(eidx)[None, :] // stride) % size + offset
            code_non = (key_non[None, :] // stride) % size + offset
            n_e = np.bincount(code_e.ravel(), minlength=total)
            n_non = np.bincount(code_non.ravel(), minlength=total)
            by_cause = np.bincount((cause[None, :] * total + code_non).ravel(),
                                   minlength=n_causes * total).reshape(n_causes, total)
            euros = np.bincount(code_non.ravel(), minlength=total,
                                weights=np.broadcast_to(amount_non, code_non.shape).ravel())
            for g, lo, hi in _spans(strides):
                self.groups[g][0, b] += n_e[lo:hi]
                self.groups[g][1, b] += n_non[lo:hi]
                self.group_causes[g][:, b] += by_cause[:, lo:hi]
                self.group_euros[g][b] += euros[lo:hi]
            return
        cells = [size for _, size in strides.values()][::-1]  # joint table, first group first
        names = list(strides)[::-1]
        for row, sel in ((0, eidx), (1, idx)):
            joint = np.bincount(key.take(sel), minlength=n_cells).reshape(cells)
            for axis, g in enumerate(names):
                other = tuple(a for a in range(len(cells)) if a != axis)
                self.groups[g][row, b] += joint.sum(axis=other)
        joint = np.bincount(cause * n_cells + key_non, minlength=n_causes * n_cells)
        joint = joint.reshape([n_causes, *cells])
        for axis, g in enumerate(names):
            other = tuple(a + 1 for a in range(len(cells)) if a != axis)
            self.group_causes[g][:, b] += joint.sum(axis=other)
        for g, (stride, size) in strides.items():
            code_non = (key_non // stride) % size
            self.group_euros[g][b] += np.bincount(code_non, weights=amount_non, minlength=size)

    def _groups_by_codes(self, b, codes, eidx, idx, amount_non, cause) -> None:
        for g, code in codes.items():
            L = len(GROUP_LABELS[g])
            ok_e = code.take(eidx)
            ok_e = ok_e[(ok_e >= 0) & (ok_e < L)]
            code_non = code.take(idx)
            keep = (code_non >= 0) & (code_non < L)
            self.groups[g][0, b] += np.bincount(ok_e, minlength=L)[:L]
            self.groups[g][1, b] += np.bincount(code_non[keep], minlength=L)[:L]
            self.group_euros[g][b] += np.bincount(code_non[keep], weights=amount_non[keep],
                                                  minlength=L)[:L]
            for c in range(len(Cause)):
                sel = keep & (cause == c)
                self.group_causes[g][c, b] += np.bincount(code_non[sel], minlength=L)[:L]

    def _group_hours(self, grouping, codes, eligible_any) -> None:
        """Households' hours on claims this month, and eligible households, per group."""
        hours = self.household_hours
        if hours is None:
            return
        if grouping is not None:  # one weighted bincount over the joint key, then margins
            key, strides = grouping
            cells = [size for _, size in strides.values()][::-1]
            names = list(strides)[::-1]
            n_cells = int(np.prod(cells))
            joint_h = np.bincount(key, weights=hours, minlength=n_cells).reshape(cells)
            joint_e = np.bincount(key.compress(eligible_any), minlength=n_cells).reshape(cells)
            for axis, g in enumerate(names):
                other = tuple(a for a in range(len(cells)) if a != axis)
                self.group_hours[g] += joint_h.sum(axis=other)
                self.group_eligible_households[g] += joint_e.sum(axis=other)
        else:
            for g, code in codes.items():
                L = len(GROUP_LABELS[g])
                keep = (code >= 0) & (code < L)
                self.group_hours[g] += np.bincount(code[keep], weights=hours[keep], minlength=L)[:L]
                self.group_eligible_households[g] += np.bincount(code[keep & eligible_any],
                                                                 minlength=L)[:L]
        hours[:] = 0.0

    def _routes(self, h, b, elig) -> None:
        """Snapshot at the last month: last channel tried x outcome, eligible households."""
        idx = np.flatnonzero(elig)
        ch = h.channel[b, idx].astype(np.int64) + 1  # 0 = never tried
        st = h.state[b, idx]
        out = np.full(len(idx), 4)
        out[st == RECEIVING] = 0
        out[(st == QUEUED) | (st == PROCESSING)] = 1
        out[(st == REJECTED) | (st == SUSPENDED)] = 2
        out[(st == GAVE_UP) | ((st == NOT_CLAIMED) & (h.failures[b, idx] > 0))] = 3
        np.add.at(self.routes[b], (ch, out), 1)

    def _record_trace(self, model) -> None:
        h, idx = model.h, self.trace_idx
        self.trace.append({
            "month": model.month,
            "state": h.state[:, idx].copy(),
            "channel": h.channel[:, idx].copy(),
            "eligible": h.amount[:, idx] > 0,
            "aware": h.aware[:, idx].copy(),
            "knows": h.knows[:, idx].copy(),
            "failed_channel": h.failed_channel[:, idx].copy(),
            "fail_reason": h.fail_reason[:, idx].copy(),
            "months_waiting": h.months_waiting[:, idx].copy(),
            "skill": h.skill[idx].copy(),
            "equipment": h.equipment[idx].copy(),
            "credentials_holder": h.credentials_holder[idx].copy(),
        })


def _share(a: float, b: float) -> float:
    return float(a / b) if b > 0 else 0.0


AMOUNT_BANDS = np.array([50.0, 150.0, 300.0, 500.0])  # EUR/month band edges
AMOUNT_BAND_LABELS = ("<50", "50-150", "150-300", "300-500", ">=500")


def band_counts(amounts: np.ndarray) -> np.ndarray:
    """Number of ``amounts`` in each band of :data:`AMOUNT_BANDS` (lower edge included)."""
    at_least = np.array([len(amounts)] + [np.count_nonzero(amounts >= edge) for edge in AMOUNT_BANDS]
                        + [0])
    return -np.diff(at_least)
