"""Relatives who can help: a sparse help network with limited helper time.

Row ``i`` of the CSR matrix lists the households (columns) that household
``i`` can ask for help online.  Helpers are drawn among households at ease
online (skill >= ``helper_min_skill``, equipped); the number of helpers is
Poisson with a mean by household type, higher for the oldest (adult
children), lower in rural areas.  Isolated households have none.  Each helper
gives at most ``helper_hours`` per month, across everyone who asks.
"""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp

from ..categories import AgeBand, Equipment, Territory
from .households import Households


class HelpNetwork:
    def __init__(self, matrix: sp.csr_matrix, hours: float):
        self.matrix = matrix
        self.indptr = matrix.indptr
        self.indices = matrix.indices
        self.degree = np.diff(matrix.indptr).astype(np.int32)
        self.hours = float(hours)
        self.remaining = np.zeros(matrix.shape[0], dtype=np.float32)
        self.used = 0.0  # hours given this month
        self.refused = 0  # requests a busy helper could not take this month

    def new_month(self) -> None:
        self.remaining[:] = self.hours
        self.used = 0.0
        self.refused = 0

    def pick_helper(self, households: np.ndarray, u: np.ndarray) -> np.ndarray:
        """One random helper per requesting household (-1 where it has none)."""
        deg = self.degree[households]
        has = deg > 0
        pos = self.indptr[households] + np.minimum((u * deg).astype(np.int64), np.maximum(deg - 1, 0))
        return np.where(has, self.indices[np.minimum(pos, len(self.indices) - 1)], -1)

    def serve(self, helpers: np.ndarray, hours, order_key: np.ndarray) -> np.ndarray:
        """Grant requests helper by helper, in ``order_key`` order, within remaining time.

        ``hours`` is a scalar or one value per request.  A helper takes requests in
        order while their running total fits its time left (no skipping ahead, as
        :func:`sim.agents.institutions.allocate`).  Returns a boolean mask of served
        requests; consumes helper time.
        """
        served = np.zeros(len(helpers), dtype=bool)
        ok = helpers >= 0
        if not ok.any():
            return served
        idx = np.flatnonzero(ok)
        hp = helpers[idx]
        cost = np.broadcast_to(np.asarray(hours, dtype=np.float64), helpers.shape)[idx]
        order = np.lexsort((order_key[idx], hp))
        hp_sorted, c_sorted = hp[order], cost[order]
        # running total of hours within each helper's group
        start = np.r_[0, np.flatnonzero(np.diff(hp_sorted)) + 1]
        cum = np.cumsum(c_sorted)
        before = np.repeat(cum[start] - c_sorted[start], np.diff(np.r_[start, len(hp_sorted)]))
        grant = cum - before <= self.remaining[hp_sorted] + 1e-6
        served[idx[order[grant]]] = True
        np.subtract.at(self.remaining, hp_sorted[grant], c_sorted[grant].astype(np.float32))
        self.used += float(c_sorted[grant].sum())
        self.refused += len(grant) - int(np.count_nonzero(grant))
        return served


def build(h: Households, p: dict, rng: np.random.Generator) -> HelpNetwork:
    n = h.n
    lam = np.asarray(p["helpers_by_type"])[h.household_type].astype(np.float64)
    lam = lam * np.where(h.age_band == AgeBand.a75_plus, p["helpers_old_factor"], 1.0)
    lam = lam * np.where(h.territory == Territory.rural, p["helpers_rural_factor"], 1.0)
    # isolation predicts disconnection (Marsouin 2008): fewer helpers for non-users
    lam = lam * np.where(h.equipment == Equipment.none, 0.6, 1.0)
    k = rng.poisson(lam)
    pool = np.flatnonzero((h.skill >= p["helper_min_skill"]) & (h.equipment > 0))
    if len(pool) == 0:
        k[:] = 0
    rows = np.repeat(np.arange(n, dtype=np.int64), k)
    cols = pool[rng.integers(0, max(len(pool), 1), size=len(rows))] if len(rows) else rows
    keep = rows != cols
    m = sp.csr_matrix((np.ones(keep.sum(), dtype=np.int8), (rows[keep], cols[keep])), shape=(n, n))
    m.sum_duplicates()
    m.data[:] = 1
    h.n_helpers[:] = np.diff(m.indptr)
    return HelpNetwork(m, p["helper_hours"])
