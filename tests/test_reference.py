"""Differential test: the vectorised engine against the per-agent reference (sim/reference.py).

Both models run the same scenario with the same replication seeds, so each pair
starts from the same synthetic households and help network; their random
draws differ (arrays of draws vs one draw per household and event), so they
can only agree in distribution.  For each scenario and each outcome below we
take the per-seed differences reference - engine and require

    |mean difference| <= Z * standard error of the differences + FLOOR * scale

with Z = 4 (about 60 comparisons in this file: a family-wise false-alarm rate
under 1 %) and FLOOR = 1 % of the outcome's scale (the engine's mean, at least
0.01 for a rate).  The spread over seeds must match too (ratio of standard
deviations within [1/3, 3]).  Outcomes: the non-take-up rate, per benefit and by
ODENORE cause, the channel shares of filings, delegated hours (social services,
associations, relatives) and the flows behind them (claims, referrals,
suspensions).

Three worlds exercise every rule: the baseline (every route open), a
dematerialised one (online only, e-mail required, counters closed or by
appointment: saturation, referrals, e-mail creation) and one with every support
policy.  Before any dynamics, a deterministic check: on the same households,
the reference's routes, their costs and hours, and the claim probability equal
the engine's (float32 against float64 arithmetic aside).  A last test shows the
comparison has teeth: a reference whose decision
rule under-weights stigma by 30 % (non-take-up about 3.5 points lower) is caught.
Finally, the engine's fast paths (stable income order, amount bands, capacity
allocation, subset draws) are checked against the plain numpy code they replace.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

import sim
from sim.categories import Channel
from sim.metrics import CAUSE_SERIES
from sim.model import DematModel
from sim.reference import Household, ReferenceModel
from sim.runner import replication_seeds
from sim.submodels import channels, claims

SEEDS = 10
HOUSEHOLDS = 1500
MONTHS, REPORT = 18, 12  # the start is near steady state; both models share it anyway
Z, FLOOR = 4.0, 0.01
ALL = ["prime_activite", "rsa", "aspa"]
WORLDS = {
    "baseline": [],
    "dematerialised": [{"type": "online_only", "start": 0, "benefits": ALL},
                       {"type": "email_required", "start": 0, "benefits": ALL},
                       {"type": "counter_closure", "start": 0, "share": 0.6},
                       {"type": "appointment_only", "start": 0}],
    "supported": [{"type": "online_only", "start": 0, "benefits": ALL},
                  {"type": "alternative_route", "start": 0},
                  {"type": "detection_orientation", "start": 0},
                  {"type": "automatic_payment", "start": 4, "benefits": ["rsa"]},
                  {"type": "digital_training", "start": 0},
                  {"type": "equipment_support", "start": 0},
                  {"type": "document_safe", "start": 0},
                  {"type": "information_campaign", "start": 2},
                  {"type": "mediation_capacity", "start": 0, "mode": "teach"}],
}


def scenario(world: str):
    sc = sim.from_dict({"name": world, "policies": WORLDS[world]})
    return sc.with_overrides({"population.households": HOUSEHOLDS, "months": MONTHS,
                              "report_months": REPORT})


def outcomes(series: dict, households: int) -> dict[str, float]:
    """The compared outcomes of one replication, over the report window.

    Rates are fractions of eligible household-months; flows are per 1,000
    households per month; channel shares are fractions of successful filings.
    """
    w = slice(MONTHS - REPORT, MONTHS)
    elig = series["n_eligible"][w]
    out = {"non_take_up_rate": sum(series[c][w].sum() for c in CAUSE_SERIES) / elig.sum()}
    for c in CAUSE_SERIES:
        out[c.replace("n_", "", 1)] = series[c][w].sum() / elig.sum()
    for b, name in enumerate(ALL):
        out[f"non_take_up.{name}"] = sum(series[c][w, b].sum() for c in CAUSE_SERIES) / elig[:, b].sum()
    filings = series["new_filings_by_channel"][w].sum(axis=0)
    for ch in Channel:
        out[f"share.{ch.name}"] = filings[ch] / max(filings.sum(), 1)
    per_1000 = 1000 / households / REPORT
    for k in ("hours_social_services", "hours_associations", "hours_relatives", "new_claims",
              "new_referrals", "new_suspensions"):
        out[k] = series[k][w].sum() * per_1000
    return out


def paired_runs(world: str, reference=ReferenceModel, seeds: int = SEEDS):
    sc = scenario(world)
    engine, ref = [], []
    for seed in replication_seeds(4242, seeds):
        engine.append(outcomes(DematModel(sc, seed).run().ledger.series, HOUSEHOLDS))
        ref.append(outcomes(reference(sc, seed).run().series, HOUSEHOLDS))
    return engine, ref


def mismatches(engine: list[dict], ref: list[dict]) -> list[str]:
    """Outcomes whose reference and engine distributions differ beyond the tolerance."""
    bad = []
    for key in engine[0]:
        e = np.array([r[key] for r in engine])
        f = np.array([r[key] for r in ref])
        d = f - e
        se = d.std(ddof=1) / math.sqrt(len(d))
        scale = max(abs(e.mean()), 0.01 if key.startswith(("non_", "share")) else 0.1)
        if abs(d.mean()) > Z * se + FLOOR * scale:
            bad.append(f"{key}: engine {e.mean():.4f}, reference {f.mean():.4f} "
                       f"(difference {d.mean():+.4f}, SE {se:.4f})")
        sd_e, sd_f = e.std(ddof=1), f.std(ddof=1)
        if max(sd_e, sd_f) > 1e-9 and not (sd_f / 3 <= sd_e <= 3 * sd_f):
            bad.append(f"{key}: spread over seeds engine {sd_e:.4f} vs reference {sd_f:.4f}")
    return bad


@pytest.mark.parametrize("world", sorted(WORLDS))
def test_same_routes_costs_and_claim_probability_household_by_household(world):
    sc, seed = scenario(world), np.random.SeedSequence(7)
    engine, ref = DematModel(sc, seed), ReferenceModel(sc, seed)
    engine.activate_policies()
    ref.activate_policies()
    people = list(ref.households)
    hh = np.arange(HOUSEHOLDS)
    for b in range(len(ALL)):
        for renewal in (False, True):
            avail, cost, hours = channels.options(engine, hh, b, renewal)
            prob = claims.claim_probability(engine, hh, b)
            for i in range(0, HOUSEHOLDS, 3):
                a, c, h = people[i].costs(b, renewal)
                assert list(avail[i]) == a, (world, b, i)
                np.testing.assert_allclose(cost[i], c, rtol=1e-6, atol=1e-4)
                np.testing.assert_allclose(hours[i], h, rtol=1e-6, atol=1e-6)
                if not renewal:
                    assert abs(prob[i] - people[i].claim_probability(b, a, c)) < 1e-6


@pytest.mark.parametrize("world", sorted(WORLDS))
def test_reference_matches_engine(world):
    bad = mismatches(*paired_runs(world))
    assert not bad, f"{world}: " + "; ".join(bad)


class _LightStigma(Household):
    """A reference household whose decision under-weights stigma by 30 % (a wrong rule)."""

    def claim_probability(self, b: int, avail: list, cost: list) -> float:
        reluctance, self.reluctance = self.reluctance, 0.7 * self.reluctance
        try:
            return super().claim_probability(b, avail, cost)
        finally:
            self.reluctance = reluctance


class _BrokenReference(ReferenceModel):
    household_class = _LightStigma


def test_comparison_catches_a_broken_rule():
    engine, broken = paired_runs("dematerialised", reference=_BrokenReference)
    bad = mismatches(engine, broken)
    assert any(b.startswith("non_demand") for b in bad), (
        "a decision rule that under-weights stigma went unnoticed: " + "; ".join(bad))


def test_fast_paths_equal_their_plain_numpy_versions():
    """The engine's shortcuts give exactly what the straightforward numpy code gives."""
    from sim.agents.institutions import allocate
    from sim.metrics import AMOUNT_BANDS, band_counts, stable_order

    rng = np.random.default_rng(3)
    x = rng.choice(np.array([0.0, -0.0, 1.5, -2.0, 50.0, 150.0, 700.0], dtype=np.float32), 5000)
    x[:2500] = rng.lognormal(5, 1, 2500).astype(np.float32)
    assert np.array_equal(stable_order(x), np.argsort(x, kind="stable"))
    expected = np.bincount(np.searchsorted(AMOUNT_BANDS, x, side="right"), minlength=len(AMOUNT_BANDS) + 1)
    assert np.array_equal(band_counts(x), expected)
    for capacity in (0.0, 3.0, 250.0, 1e9):
        cost = rng.choice([0.5, 1.0, 2.0], 400)
        key = rng.random(400)
        order = np.argsort(key, kind="stable")
        plain = np.zeros(400, dtype=bool)
        plain[order[np.cumsum(cost[order]) <= capacity + 1e-6]] = capacity > 0
        assert np.array_equal(allocate(cost, capacity, key), plain)
    from sim.submodels.life_events import _draw_subset
    pool = np.flatnonzero(rng.random(3000) < 0.6)
    for rate in (0.0, 0.05, 0.9):
        a, b = np.random.default_rng(8), np.random.default_rng(8)
        k = b.binomial(len(pool), rate) if rate > 0 else 0
        assert np.array_equal(_draw_subset(a, pool, rate), np.unique(pool[b.integers(0, len(pool), k)]))
        a, b = np.random.default_rng(9), np.random.default_rng(9)
        k = b.binomial(3000, rate) if rate > 0 else 0
        assert np.array_equal(_draw_subset(a, 3000, rate), np.unique(b.integers(0, 3000, k)))
