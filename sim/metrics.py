"""Measurement: the monthly ledger and the per-replication summary (DOMAIN §6).

Names follow Covasim: ``new_*`` are flows during the month, ``n_*`` stocks at
the end of the month; rates are fractions 0-1, money is EUR per month, time is
hours.  Submodels record flows where they happen (``ledger.flow``); stocks and
the ODENORE causes are measured at the end of the month (``measure``).

ODENORE cause of an eligible non-recipient (exactly one):
- non_knowledge: does not know the right;
- non_proposition: does not know it after a saturated service failed to tell
  them, or waits in a queue for a mediated slot that was not offered;
- non_demand: knows, has not lodged a claim (including giving up after failures);
- non_reception: lodged a claim that is being processed, was rejected, or a
  payment suspended after a failed renewal.
"""

from __future__ import annotations

import numpy as np

from .categories import GROUP_LABELS, Cause, Channel, ClaimState

# flows and stocks per benefit: (months, n_benefits)
PER_BENEFIT = (
    "n_eligible", "n_receiving", "n_non_knowledge", "n_non_proposition", "n_non_demand",
    "n_non_reception", "n_persistent", "unclaimed_euros", "paid_euros",
    "new_entries", "new_exits", "new_informed", "new_not_proposed", "new_claims", "new_awards",
    "new_rejections", "new_renewals", "new_suspensions", "new_gave_up", "new_automatic",
)
# global series: (months,)
GLOBAL = (
    "hours_social_services", "hours_social_core", "hours_social_total", "hours_associations",
    "hours_relatives", "capacity_social_services", "capacity_associations", "counter_capacity",
    "counter_visits", "new_referrals", "new_turned_away", "new_left_queue",
    "new_oriented", "n_queued", "queue_months", "burden_hours", "new_trips",
    "new_failed_attempts", "filings_alone", "filings_total", "n_dependent", "n_credentials_held",
    "n_recipients", "n_unequipped", "mean_skill", "concentration_index", "core_contacts",
    "core_contacts_refused", "new_online", "new_dropouts", "new_trained", "new_equipped",
    "new_safes", "new_households",
)
CAUSE_SERIES = ("n_non_knowledge", "n_non_proposition", "n_non_demand", "n_non_reception")
ROUTE_OUTCOMES = ("receiving", "waiting", "rejected", "gave_up", "not_claimed")
PERSISTENT_MONTHS = 9  # three consecutive quarters, as DREES measures it
# plain ints: comparing an int8 array with an IntEnum member casts the whole array (~10x slower)
QUEUED, PROCESSING, RECEIVING, SUSPENDED, REJECTED = (
    int(ClaimState.queued), int(ClaimState.processing), int(ClaimState.receiving),
    int(ClaimState.suspended), int(ClaimState.rejected))


def group_codes(h) -> dict[str, np.ndarray]:
    """Group code of every household, per group variable of DOMAIN §6."""
    return {
        "age_band": h.age_band,
        "income_quintile": h.income_quintile,
        "diploma": h.diploma,
        "territory": h.territory,
        "equipment": h.equipment,
        "isolation": (h.n_helpers > 0).astype(np.int8),
    }


def group_key(h) -> tuple[np.ndarray, dict[str, tuple[int, int]]] | None:
    """All group codes of a household in one mixed-radix integer, and each group's
    (stride, size) to read its code back: ``(key // stride) % size``.

    Gathering one key per selected household is cheaper than gathering six codes.
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


class Ledger:
    def __init__(self, model, trace: np.ndarray | None = None):
        months, nb = model.months, model.h.n_benefits
        self.months, self.nb = months, nb
        self.report_start = months - model.sc.data["report_months"]
        self.month = 0
        self.series = {k: np.zeros((months, nb)) for k in PER_BENEFIT}
        self.series.update({k: np.zeros(months) for k in GLOBAL})
        self.series["new_filings_by_channel"] = np.zeros((months, len(Channel)))
        self.groups = {g: np.zeros((2, nb, len(GROUP_LABELS[g]))) for g in GROUP_LABELS}
        self.group_euros = {g: np.zeros((nb, len(GROUP_LABELS[g]))) for g in GROUP_LABELS}
        self.amount_bands = np.zeros((2, nb, len(AMOUNT_BANDS) + 1))
        self.routes = np.zeros((nb, len(Channel) + 1, len(ROUTE_OUTCOMES)))
        self.trace_idx = None if trace is None else np.asarray(trace, dtype=np.int64)
        self.trace: list[dict] = []

    def flow(self, name: str, value: float, benefit: int | None = None) -> None:
        if benefit is None:
            self.series[name][self.month] += value
        else:
            self.series[name][self.month, benefit] += value

    def add_filings(self, channels: np.ndarray, benefits: np.ndarray) -> None:
        self.series["new_filings_by_channel"][self.month] += np.bincount(
            channels.astype(np.int64), minlength=len(Channel))[: len(Channel)]

    def measure(self, model) -> None:
        """End-of-month stocks, ODENORE causes, and (in the report window) group tables.

        Counts come from boolean masks over the whole population (``count_nonzero``
        is ~10x cheaper than ``bool.sum``); sums of euros gather the selected amounts in
        household order, so they add up in the same order as a plain masked sum.
        """
        h, m, s = model.h, model.month, self.series
        in_report = m >= self.report_start
        grouping = group_key(h) if in_report else None
        codes = group_codes(h) if in_report and grouping is None else None
        income = h.earnings + h.other_income if in_report else None
        ci_non, ci_inc = [], []
        recipients = np.zeros(h.n, dtype=bool)
        for b in range(h.n_benefits):
            elig = h.amount[b] > 0
            state = h.state[b]
            receiving = state == RECEIVING
            recipients |= receiving
            recv = elig & receiving
            non = elig & ~recv
            counts = cause_counts(h, b, non)
            s["n_eligible"][m, b] = np.count_nonzero(elig)
            s["n_receiving"][m, b] = np.count_nonzero(recv)
            for c, name in zip(Cause, CAUSE_SERIES):
                s[name][m, b] = counts[c]
            without = h.months_without[b]
            without += 1
            without *= non  # consecutive months eligible and not receiving
            s["n_persistent"][m, b] = np.count_nonzero(without >= PERSISTENT_MONTHS)
            idx = np.flatnonzero(non)
            amount_non = h.amount[b].take(idx)
            s["unclaimed_euros"][m, b] = amount_non.sum(dtype=np.float64)
            s["paid_euros"][m, b] = np.compress(recv, h.amount[b]).sum(dtype=np.float64)
            if in_report:
                eidx = np.flatnonzero(elig)
                is_non = non.take(eidx)
                if grouping is not None:
                    self._groups_by_key(b, grouping, eidx, idx, amount_non)
                else:
                    for g, code in codes.items():
                        L = len(GROUP_LABELS[g])
                        code_non = code.take(idx)
                        self.groups[g][0, b] += np.bincount(code.take(eidx), minlength=L)[:L]
                        self.groups[g][1, b] += np.bincount(code_non, minlength=L)[:L]
                        self.group_euros[g][b] += np.bincount(code_non, weights=amount_non,
                                                              minlength=L)[:L]
                self.amount_bands[0, b] += band_counts(h.amount[b].take(eidx))
                self.amount_bands[1, b] += band_counts(amount_non)
                ci_non.append(is_non)
                ci_inc.append(income.take(eidx))
            if m == self.months - 1:
                self._routes(h, b, elig)
        queued = h.state == QUEUED
        s["n_queued"][m] = np.count_nonzero(queued)
        s["queue_months"][m] = np.compress(queued.ravel(), h.months_waiting.ravel()).sum()
        for t in range(3):
            s["hours_social_services"][m] += model.social[t].used
            s["hours_social_core"][m] += model.social[t].core_used
            s["hours_social_total"][m] += model.social[t].total_hours
            s["hours_associations"][m] += model.associations[t].used
            s["capacity_social_services"][m] += model.social[t].capacity
            s["capacity_associations"][m] += model.associations[t].capacity
            s["counter_capacity"][m] += model.counters[t].capacity
        s["n_recipients"][m] = np.count_nonzero(recipients)
        s["n_dependent"][m] = np.count_nonzero(h.dependent & recipients)
        s["n_credentials_held"][m] = np.count_nonzero(h.credentials_held & recipients)
        s["n_unequipped"][m] = np.count_nonzero(h.equipment == 0)
        s["mean_skill"][m] = h.skill.mean(dtype=np.float64)
        if in_report and ci_non:
            s["concentration_index"][m] = concentration_index(np.concatenate(ci_non),
                                                              np.concatenate(ci_inc))
        if self.trace_idx is not None:
            self._record_trace(model)
        self.month += 1

    def _groups_by_key(self, b, grouping, eidx, idx, amount_non) -> None:
        """Eligible and non-recipient counts, and unclaimed euros, per group (report months).

        Counts: one bincount over the joint key, then each group's margin.  Euros:
        one weighted bincount per group, adding in household order as before.
        """
        key, strides = grouping
        cells = [size for _, size in strides.values()][::-1]  # joint table, first group first
        names = list(strides)[::-1]
        for row, sel in ((0, eidx), (1, idx)):
            joint = np.bincount(key.take(sel), minlength=int(np.prod(cells))).reshape(cells)
            for axis, g in enumerate(names):
                other = tuple(a for a in range(len(cells)) if a != axis)
                self.groups[g][row, b] += joint.sum(axis=other)
        key_non = key.take(idx)
        for g, (stride, size) in strides.items():
            code_non = (key_non // stride) % size
            self.group_euros[g][b] += np.bincount(code_non, weights=amount_non, minlength=size)

    def _routes(self, h, b, elig) -> None:
        """Snapshot at the last month: last channel tried x outcome, eligible households."""
        idx = np.flatnonzero(elig)
        ch = h.channel[b, idx].astype(np.int64) + 1  # 0 = never tried
        st = h.state[b, idx]
        out = np.full(len(idx), 4)
        out[st == ClaimState.receiving] = 0
        out[(st == ClaimState.queued) | (st == ClaimState.processing)] = 1
        out[(st == ClaimState.rejected) | (st == ClaimState.suspended)] = 2
        out[(st == ClaimState.gave_up) | ((st == ClaimState.not_claimed) & (h.failures[b, idx] > 0))] = 3
        np.add.at(self.routes[b], (ch, out), 1)

    def _record_trace(self, model) -> None:
        h, idx = model.h, self.trace_idx
        self.trace.append({
            "month": model.month,
            "state": h.state[:, idx].copy(),
            "channel": h.channel[:, idx].copy(),
            "eligible": h.amount[:, idx] > 0,
            "aware": h.aware[:, idx].copy(),
            "months_waiting": h.months_waiting[:, idx].copy(),
            "skill": h.skill[idx].copy(),
            "equipment": h.equipment[idx].copy(),
        })


AMOUNT_BANDS = np.array([50.0, 150.0, 300.0, 500.0])  # EUR/month band edges
AMOUNT_BAND_LABELS = ("<50", "50-150", "150-300", "300-500", ">=500")


def band_counts(amounts: np.ndarray) -> np.ndarray:
    """Number of ``amounts`` in each band of :data:`AMOUNT_BANDS` (lower edge included)."""
    at_least = [len(amounts)] + [np.count_nonzero(amounts >= edge) for edge in AMOUNT_BANDS] + [0]
    return -np.diff(at_least)


def classify(h, b: int, idx: np.ndarray) -> np.ndarray:
    """ODENORE cause code for eligible non-recipients ``idx`` of benefit ``b``."""
    aware = h.aware[b, idx]
    state = h.state[b, idx]
    cause = np.full(len(idx), Cause.non_demand, dtype=np.int64)
    cause[~aware] = Cause.non_knowledge
    cause[~aware & h.not_proposed[b, idx]] = Cause.non_proposition
    cause[state == ClaimState.queued] = Cause.non_proposition
    lodged = (state == ClaimState.processing) | (state == ClaimState.rejected) | (state == ClaimState.suspended)
    cause[lodged] = Cause.non_reception
    return cause


def cause_counts(h, b: int, non: np.ndarray) -> np.ndarray:
    """Number of eligible non-recipients ``non`` (mask) of benefit ``b`` in each ODENORE cause.

    The same precedence as :func:`classify` (lodged > queued > not told > unaware >
    knows), on whole-population masks instead of gathered indices.
    """
    state, aware = h.state[b], h.aware[b]
    lodged = (state == PROCESSING) | (state == REJECTED) | (state == SUSPENDED)
    counts = np.zeros(4, dtype=np.int64)
    counts[Cause.non_reception] = np.count_nonzero(non & lodged)
    rest = non & ~lodged
    queued = rest & (state == QUEUED)
    rest &= ~queued
    unaware = rest & ~aware
    not_told = np.count_nonzero(unaware & h.not_proposed[b])
    counts[Cause.non_proposition] = np.count_nonzero(queued) + not_told
    counts[Cause.non_knowledge] = np.count_nonzero(unaware) - not_told
    counts[Cause.non_demand] = np.count_nonzero(rest) - np.count_nonzero(unaware)
    return counts
