"""Differential test: the vectorised engine against the per-agent reference (sim/reference.py).

The reference writes every behavioural rule of the engine again, household by
household (one ``mesa.Agent`` each, ``shuffle_do`` activation, one Python
``random`` stream).  Both share the population, the help network, the benefit
formulas, the levers and policies and the institution agents.  Their random
draws differ, so they can only agree in distribution.  Four checks, from the
most to the least deterministic:

1. **Household by household**: on the engine's state after ``WARM_UP`` months
   (failed routes remembered, filings done for households, codes kept by
   intermediaries, other benefits received), copied into the reference, each
   household's routes, their costs and hours (claims and declarations, queued or
   not), its psychological cost, claim probability and reason not to claim, the
   ODENORE sub-cause of each right it does not receive, and what each service
   proposes and each mediator teaches at that load equal the engine's (float32
   against float64 arithmetic aside).
2. **One month from the same state**: both models start from that state and run
   one month, ``DRAWS`` times with independent draws; for every series of the
   ledger (summed over benefits or channels) the means must agree:
   ``|mean difference| <= Z_MONTH * SE + 0.2 % of the scale`` (Welch SE; draws are
   independent, so about 280 comparisons at Z_MONTH = 4.5 give a family-wise
   false-alarm rate near 0.2 %).  The state is the same, so this isolates the
   month's rules from the drift of two populations.
3. **The steady-state start**: knowing, believing, receiving and months to the
   next declaration at set-up, per benefit, paired by seed.
4. **Paired runs**: both models run the same scenario with the same replication
   seeds (so each pair starts from the same households); for each outcome, over
   the per-seed differences reference - engine,
   ``|mean difference| <= Z * SE + FLOOR * scale`` (scale: the engine's mean, at
   least 0.01 for a rate or share, 0.1 for a flow).  The mean difference over
   ``SEEDS`` seeds divided by its SE follows a t distribution with SEEDS - 1
   degrees of freedom, so Z is the two-sided t quantile at 1 % over all paired
   comparisons of the file (Bonferroni: about 5.1 with 20 seeds; 4, with 10
   seeds, let about a run in two fail somewhere by chance).  The spread over seeds
   must match too (ratio of standard deviations within [1/3, 3]) for outcomes
   common enough to have a spread.  Outcomes: the non-take-up rate, per benefit,
   by ODENORE cause and sub-cause; the channel shares of filings; delegated hours
   (social services' digital help and core work, associations, relatives);
   claims, awards, referrals, requests turned away by each service, unanswered
   calls, refused core contacts, rights proposed and not proposed, suspensions,
   lost access, mediated filings; households' burden hours and their parts
   (travel, failed attempts, waiting, seeking help); dependent households and
   codes held by intermediaries.

Three worlds exercise every rule: the baseline (every route open), a
dematerialised one (online only, the prime d'activité's paper form on request as
in 2016, e-mail required, counters closed or by appointment: saturation,
referrals, e-mail creation, codes kept by mediators)
and one with every support policy.  The comparison has teeth: a reference whose
psychological cost of claiming is 30 % lower is caught by the paired runs and in
one month; one whose agents propose rights as often whatever their load is
caught household by household (it moves only about one proposal per 1,000
households a month: about 3 SE over the paired runs).  ``REFERENCE_TEST_SEED``
(environment) changes the base seed of every draw in this file, to re-run it on
fresh draws.  Finally, the engine's fast paths (stable income order, amount
bands, capacity allocation, subset draws) are checked against the plain numpy
code they replace.
"""

from __future__ import annotations

import copy
import functools
import math
import os

import numpy as np
import pytest
from scipy import stats

import sim
from sim.categories import Channel, ClaimState
from sim.metrics import CAUSE_SERIES, SUBCAUSE_SERIES, TURNED_AWAY, subcauses
from sim.model import DematModel
from sim.reference import Household, ReferenceModel
from sim.runner import replication_seeds
from sim.submodels import attempt, channels, claims

BASE_SEED = int(os.environ.get("REFERENCE_TEST_SEED", "4242"))
SEEDS = 20
HOUSEHOLDS = 1500
MONTHS, REPORT = 18, 12  # the start is near steady state; the window sees 6 to 18 months of dynamics
START_HOUSEHOLDS = HOUSEHOLDS
MONTH_HOUSEHOLDS, WARM_UP, DRAWS, Z_MONTH = 3000, 6, 24, 4.5
ALL = ["prime_activite", "rsa", "aspa"]
WORLDS = {
    "baseline": [],
    "dematerialised": [{"type": "online_only", "start": 0, "benefits": ["rsa", "aspa"]},
                       {"type": "online_only", "start": 0, "benefits": ["prime_activite"],
                        "paper_form": True},  # as in 2016
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
FLOWS = ("hours_social_services", "hours_social_core", "hours_associations", "hours_relatives",
         "new_claims", "new_awards", "new_referrals", *TURNED_AWAY.values(), "new_phone_unanswered",
         "core_contacts_refused", "new_proposed", "new_not_proposed", "new_suspensions",
         "new_lost_access", "new_mediated",
         "burden_hours", "burden_travel", "burden_failed", "burden_waiting", "burden_seeking")
STOCKS = ("n_dependent", "n_credentials_held")  # households, at the end of each month
START = ("knows", "aware", "receiving", "timer")  # per benefit, at set-up
N_PAIRED = (len(WORLDS) * (1 + len(CAUSE_SERIES) + len(SUBCAUSE_SERIES) + len(ALL) + len(Channel)
                           + len(FLOWS) + len(STOCKS)) + len(START) * len(ALL))
# paired differences over SEEDS seeds follow a t distribution (SEEDS - 1 degrees of freedom):
# Z is its two-sided quantile at 1 % over every paired comparison of the file (Bonferroni)
Z, FLOOR = float(stats.t.isf(0.005 / N_PAIRED, SEEDS - 1)), 0.01


def scenario(world: str, households: int = HOUSEHOLDS):
    sc = sim.from_dict({"name": world, "policies": WORLDS[world]})
    return sc.with_overrides({"population.households": households, "months": MONTHS,
                              "report_months": REPORT})


# -- 1. household by household --------------------------------------------------------------


def check_household_rules(world: str, reference=ReferenceModel) -> None:
    """The reference's per-household rules give the engine's values on the engine's state."""
    sc, seed = scenario(world), np.random.SeedSequence(BASE_SEED + 7)
    engine, ref = DematModel(sc, seed), reference(sc, seed)
    for _ in range(WARM_UP):
        engine.step()
    ref.copy_state(engine)
    h, people = engine.h, list(ref.households)
    lived = (h.failed_channel >= 0).any(axis=0) | h.dependent | (h.credentials_holder > 0)
    assert lived.sum() > 20, "the state exercises memory, dependence and codes"
    # what each contact proposes, and whether a mediator teaches, given last month's load
    terr = np.arange(3)
    for c, agent in ((Channel.online_relative, None), (Channel.counter, "counters"), (Channel.phone, "phone"),
                     (Channel.social_services, "social"), (Channel.association, "associations")):
        np.testing.assert_allclose(np.broadcast_to(attempt._propose(engine, agent, terr), 3),
                                   [ref.propose_probability(c, t) for t in terr], rtol=1e-12,
                                   err_msg=f"{world}: proposition at a {c.name} contact")
    for mine, theirs in ((ref.social, engine.social), (ref.associations, engine.associations)):
        for service, other in zip(mine, theirs):
            for equipped in (False, True):
                assert ref.teach_probability(service, equipped) == pytest.approx(
                    attempt._teach_probability(engine, other, np.array([equipped]))[0], abs=1e-12)
    hh = np.arange(h.n)
    for b in range(len(ALL)):
        for renewal in (False, True):
            for queued in (False, True):
                avail, cost, hours = channels.options(engine, hh, b, renewal, np.full(h.n, queued))
                mine = [p.routes(b, renewal, queued) for p in people]
                where = (world, ALL[b], "renewal" if renewal else "claim", "queued" if queued else "new")
                assert np.array_equal(avail, [m[0] for m in mine]), where
                np.testing.assert_allclose(cost, [m[1] for m in mine], rtol=1e-6, atol=1e-4, err_msg=str(where))
                np.testing.assert_allclose(hours, [m[2] for m in mine], rtol=1e-6, atol=1e-6, err_msg=str(where))
        mine = [p.routes(b) for p in people]
        value = claims.claim_value(engine, hh, b)
        assert claims.demand_reason(engine, *value).tolist() == [
            p.non_demand_reason(*p.claim_value(b, a, c)) for p, (a, c, _) in zip(people, mine)], (world, b)
        np.testing.assert_allclose(claims.claim_probability(engine, hh, b),
                                   [p.claim_probability(b, a, c) for p, (a, c, _) in zip(people, mine)],
                                   rtol=0, atol=1e-6, err_msg=f"{world} {ALL[b]}: claim probability")
        np.testing.assert_allclose(claims.psych_cost(engine, hh, b), [p.psych_cost(b) for p in people],
                                   rtol=1e-5, atol=1e-5, err_msg=f"{world} {ALL[b]}: psychological cost")
        non = np.flatnonzero((h.amount[b] > 0) & (h.state[b] != ClaimState.receiving))
        assert [people[i].subcause(b) for i in non] == subcauses(h, b, non).tolist(), (world, b)


@pytest.mark.parametrize("world", sorted(WORLDS))
def test_same_rules_household_by_household(world):
    """Routes, costs and hours (claims and declarations, queued or not), psychological cost,
    claim probability, reason not to claim, sub-causes, proposition and teaching probabilities."""
    check_household_rules(world)


# -- 2. one month from the same state ---------------------------------------------------------


def month_values(series: dict, month: int) -> dict[str, float]:
    """Every series of one month, summed over benefits or channels."""
    return {k: float(np.sum(v[month])) for k, v in series.items()}


def one_month(world: str, reference=ReferenceModel, draws: int = DRAWS):
    """Both models from the engine's state after ``WARM_UP`` months, one month, ``draws`` times."""
    sc, seed = scenario(world, MONTH_HOUSEHOLDS), np.random.SeedSequence(BASE_SEED + 11)
    start = DematModel(sc, seed)
    for _ in range(WARM_UP):
        start.step()
    ref = reference(sc, seed)  # same households and relatives
    engine_out, ref_out = [], []
    for k, draw in enumerate(np.random.SeedSequence([BASE_SEED, 12]).spawn(draws)):
        engine = copy.deepcopy(start)
        engine.seed_seq = draw  # the same state, independent draws
        engine.step()
        engine_out.append(month_values(engine.ledger.series, WARM_UP))
        ref.copy_state(start)
        ref.random.seed(int(draw.generate_state(1)[0]))
        ref.step()
        ref_out.append(month_values(ref.series, WARM_UP))
    return engine_out, ref_out


def month_mismatches(engine: list[dict], ref: list[dict]) -> list[str]:
    bad = []
    n = len(engine)
    for key in ref[0]:
        e = np.array([r[key] for r in engine])
        f = np.array([r[key] for r in ref])
        se = math.sqrt(e.var(ddof=1) / n + f.var(ddof=1) / n)
        d = f.mean() - e.mean()
        if abs(d) > Z_MONTH * se + 0.002 * max(abs(e.mean()), 0.1):
            bad.append(f"{key}: engine {e.mean():.3f}, reference {f.mean():.3f} "
                       f"(difference {d:+.3f}, SE {se:.3f})")
    return bad


@pytest.mark.parametrize("world", sorted(WORLDS))
def test_one_month_from_the_same_state(world):
    engine, ref = one_month(world)
    assert set(ref[0]) <= set(engine[0])
    bad = month_mismatches(engine, ref)
    assert not bad, f"{world}: " + "; ".join(bad)


# -- 3. the steady-state start and 4. paired runs, paired by seed ------------------------------------


def outcomes(series: dict, households: int) -> dict[str, float]:
    """The compared outcomes of one replication, over the report window.

    Rates are fractions of eligible household-months; flows are per 1,000
    households per month; stocks per 1,000 households; channel shares are
    fractions of successful filings.
    """
    w = slice(MONTHS - REPORT, MONTHS)
    elig = series["n_eligible"][w]
    out = {"non_take_up_rate": sum(series[c][w].sum() for c in CAUSE_SERIES) / elig.sum()}
    for c in (*CAUSE_SERIES, *SUBCAUSE_SERIES):
        out[c.replace("n_", "non_take_up.", 1)] = series[c][w].sum() / elig.sum()
    for b, name in enumerate(ALL):
        out[f"non_take_up.{name}"] = sum(series[c][w, b].sum() for c in CAUSE_SERIES) / elig[:, b].sum()
    filings = series["new_filings_by_channel"][w].sum(axis=0)
    for ch in Channel:
        out[f"share.{ch.name}"] = filings[ch] / max(filings.sum(), 1)
    per_1000 = 1000 / households / REPORT
    for k in (*FLOWS, *STOCKS):
        out[k] = series[k][w].sum() * per_1000
    return out


@functools.cache
def engine_runs(world: str) -> list[dict]:
    """The engine's outcomes over the paired seeds (kept: the broken references reuse them)."""
    sc = scenario(world)
    return [outcomes(DematModel(sc, seed).run().ledger.series, HOUSEHOLDS)
            for seed in replication_seeds(BASE_SEED, SEEDS)]


def paired_runs(world: str, reference=ReferenceModel):
    sc = scenario(world)
    ref = [outcomes(reference(sc, seed).run().series, HOUSEHOLDS) for seed in replication_seeds(BASE_SEED, SEEDS)]
    return engine_runs(world), ref


def scale_floor(key: str) -> float:
    return 0.01 if key.startswith(("non_", "share")) else 0.1


def mismatches(engine: list[dict], ref: list[dict]) -> list[str]:
    """Outcomes whose reference and engine distributions differ beyond the tolerance."""
    bad = []
    for key in engine[0]:
        e = np.array([r[key] for r in engine])
        f = np.array([r[key] for r in ref])
        d = f - e
        se = d.std(ddof=1) / math.sqrt(len(d))
        scale = max(abs(e.mean()), scale_floor(key))
        if abs(d.mean()) > Z * se + FLOOR * scale:
            bad.append(f"{key}: engine {e.mean():.4f}, reference {f.mean():.4f} "
                       f"(difference {d.mean():+.4f}, SE {se:.4f})")
        sd_e, sd_f = e.std(ddof=1), f.std(ddof=1)
        common = min(abs(e.mean()), abs(f.mean())) >= scale_floor(key)  # rare outcomes have no spread
        if common and max(sd_e, sd_f) > 1e-9 and not (sd_f / 3 <= sd_e <= 3 * sd_f):
            bad.append(f"{key}: spread over seeds engine {sd_e:.4f} vs reference {sd_f:.4f}")
    return bad


def start_outcomes(knows, aware, state, timer, eligible) -> dict[str, float]:
    """Shares of eligible households that know, believe, receive; recipients' months to renewal."""
    out = {}
    for b, name in enumerate(ALL):
        e = eligible[b]
        receiving = e & (state[b] == ClaimState.receiving)
        out[f"start.knows.{name}"] = knows[b][e].mean()
        out[f"start.aware.{name}"] = aware[b][e].mean()
        out[f"start.receiving.{name}"] = receiving[e].mean()
        out[f"start.timer.{name}"] = timer[b][receiving].mean() if receiving.any() else 0.0
    return out


def test_same_steady_state_start():
    """Knowing, believing and receiving at month 0 (drawn from the steady state of the monthly
    process), paired by seed: each pair has the same households."""
    sc = scenario("baseline", START_HOUSEHOLDS)  # the start is before any policy
    engine, ref = [], []
    for seed in replication_seeds(BASE_SEED + 3, SEEDS):
        h = DematModel(sc, seed).h
        engine.append(start_outcomes(h.knows, h.aware, h.state, h.timer, h.amount > 0))
        people = list(ReferenceModel(sc, seed).households)
        fields = {k: np.array([getattr(p, k) for p in people]).T
                  for k in ("knows", "aware", "state", "timer", "amount")}
        ref.append(start_outcomes(fields["knows"], fields["aware"], fields["state"], fields["timer"],
                                  fields["amount"] > 0))
    bad = mismatches(engine, ref)
    assert not bad, "; ".join(bad)


@pytest.mark.parametrize("world", sorted(WORLDS))
def test_reference_matches_engine(world):
    bad = mismatches(*paired_runs(world))
    assert not bad, f"{world}: " + "; ".join(bad)


# -- the comparison has teeth ----------------------------------------------------------------------


class _LightStigma(Household):
    """A reference household whose psychological cost of claiming is 30 % lower (a wrong rule)."""

    def psych_cost(self, b: int) -> float:
        return 0.7 * super().psych_cost(b)


class _LightStigmaReference(ReferenceModel):
    household_class = _LightStigma


class _DeafToLoadReference(ReferenceModel):
    """Agents that propose rights as often however busy they are (a wrong rule)."""

    def propose_probability(self, channel: int, territory: int) -> float:
        if channel == Channel.online_relative:
            return super().propose_probability(channel, territory)
        agents = {Channel.counter: self.counters, Channel.phone: [self.phone] * 3,
                  Channel.social_services: self.social, Channel.association: self.associations}
        return agents[channel][territory].propensity


def test_comparison_catches_a_psychological_cost_too_low():
    engine, broken = paired_runs("dematerialised", reference=_LightStigmaReference)
    bad = mismatches(engine, broken)
    assert any(b.startswith("non_take_up.non_demand") for b in bad), (
        "a psychological cost 30 % too low went unnoticed in paired runs: " + "; ".join(bad))
    bad = month_mismatches(*one_month("dematerialised", reference=_LightStigmaReference))
    assert any(b.startswith(("new_claims", "n_stigma_autonomy")) for b in bad), (
        "a psychological cost 30 % too low went unnoticed in one month: " + "; ".join(bad))


def test_comparison_catches_propositions_that_ignore_load():
    # few rights are proposed a month (about 1 per 1,000 households): in distribution this
    # wrong rule moves proposals by about 3 SE over the paired runs, under the threshold;
    # the household-by-household check sees it
    with pytest.raises(AssertionError, match="proposition at a counter contact"):
        check_household_rules("dematerialised", reference=_DeafToLoadReference)


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
