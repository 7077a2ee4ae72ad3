"""The workshop without a browser: runs from the shared start, headline verdicts, personas."""

from __future__ import annotations

import time

import numpy as np
import pytest

import sim
from dashboard import figures_workshop as fw
from dashboard.config import Settings
from dashboard.personas import PERSONAS, Change, Journey, choose, compare, journeys, steps
from dashboard.personas_view import persona_blocks, sentence
from dashboard.scenarios import (PRESETS, WORKSHOP_SEED, clean_levers, neighbours, preset_levers,
                                 workshop_scenario)
from dashboard.tab_workshop import _Picker, save_payload
from dashboard.workshop_runs import SERIES, Rep, WorkshopRuns, levers_key, memo_key, run_rep
from sim.metrics import CAUSE_SERIES
from sim.runner import replication_seeds, run_replication

SMALL = Settings(workshop_households=3000, workshop_months=18, workshop_start=6, workshop_replications=3,
                 workers=0, workshop_memo=None, workshop_first_workers=0)  # all in this process (else: test_memo.py)


@pytest.mark.parametrize("preset", ["closure", "france_services", "automatic"])
def test_a_run_from_the_shared_start_is_the_full_run_of_its_scenario(preset):
    """The copy of the baseline stopped at the levers' start, given the setting's policies,
    gives exactly what the engine gives for the whole scenario (every monthly series)."""
    sc = workshop_scenario(preset_levers(preset), SMALL)
    for index in (0, 2):
        mine = run_rep(sc, SMALL, index)
        full = run_replication(sc, replication_seeds(WORKSHOP_SEED, index + 1)[index], index)
        for k in SERIES:
            np.testing.assert_array_equal(mine.series[k], full.series[k], err_msg=k)
        assert mine.summary["non_take_up_rate"] == full.summary["non_take_up_rate"]
        assert mine.summary["burden"] == full.summary["burden"]


def test_the_saved_scenario_reruns_the_workshop_replications():
    levers = clean_levers({"closure": 0.3, "online_only": True, "mediation_hours": 120, "mode": "teach"})
    saved = save_payload(levers, SMALL, "fr")
    sc = sim.from_dict(sim.scenario.read_yaml(saved["content"].encode(), "atelier.yaml"), source="atelier.yaml")
    assert sc.data["seed"] == WORKSHOP_SEED
    again = sim.run(sc, replications=2)  # the file's seed, as `sim run atelier.yaml -r 2` does
    mine = [run_rep(workshop_scenario(levers, SMALL), SMALL, i) for i in range(2)]
    assert [r.summary["non_take_up_rate"] for r in again.replications] == \
           [r.summary["non_take_up_rate"] for r in mine]


def test_policies_starting_before_the_shared_start_are_refused():
    sc = sim.load_scenario("online_only_2016")  # its policy starts at month 0
    with pytest.raises(ValueError):
        run_rep(sc.with_overrides({"population.households": 500, "months": 18}), SMALL, 0)


def test_neighbours_are_one_lever_step_away():
    lv = clean_levers({"closure": 0.0, "mediation_hours": 40})
    out = neighbours(lv)
    assert {"closure": 0.1} and any(n["closure"] == 0.1 for n in out)
    assert not any(n["closure"] < 0 for n in out)
    assert sum(n["mediation_hours"] != 40 for n in out) == 2
    for n in out:
        differ = [k for k in lv if n[k] != lv[k]]
        assert len(differ) == 1, differ


# -- headline verdicts -------------------------------------------------------------------

def fake(index: int, rate: float, euros: float = 1000.0, hours: float = 50.0, own: float = 100.0) -> Rep:
    """A replication reduced to the summary leaves the tiles read."""
    summary = {"non_take_up_rate": rate, "unclaimed_euros_per_month": euros,
               "delegated_hours_per_month": {"social_services": hours / 2, "associations": hours / 4,
                                             "relatives": hours / 4},
               "burden": {"hours_per_month": own,
                          "hours_by_part": {"travel": own / 2, "failed_attempts": own / 4, "waiting": own / 8,
                                            "seeking_help": own / 8}}}
    return Rep(index, summary, {}, [], [], [], np.ones(3), np.ones((3, 6), bool), np.zeros(3, bool))


def test_headline_verdicts():
    ref = [fake(i, 0.30 + 0.01 * i) for i in range(4)]
    same = fw.headlines(ref, [fake(i, 0.30 + 0.01 * i) for i in range(4)], 4)
    assert {h.verdict for h in same.values()} == {"same"}
    up = fw.headlines(ref, [fake(i, 0.33 + 0.01 * i + 0.001 * (i % 2)) for i in range(4)], 4)["ntu"]
    assert up.verdict == "up" and up.ci[0] > 0 and up.diff == pytest.approx(0.0305)
    noise = fw.headlines(ref, [fake(i, 0.30 + 0.01 * i + (0.004 if i % 2 else -0.004)) for i in range(4)], 4)
    assert noise["ntu"].verdict == "noise" and noise["ntu"].ci[0] < 0 < noise["ntu"].ci[1]
    pending = fw.headlines(ref, [fake(0, 0.35), fake(1, 0.36)], 4)["ntu"]
    assert pending.verdict == "pending" and pending.pairs == 2
    down = fw.headlines(ref, [fake(i, 0.25 + 0.01 * i + 0.001 * (i % 2)) for i in range(4)], 4)["ntu"]
    assert down.verdict == "down"


def test_tile_numbers_use_the_shared_formats():
    h = fw.headlines([fake(i, 0.30) for i in range(2)], [fake(i, 0.331, 632_027.0) for i in range(2)], 2)
    assert fw.format_value("non_take_up_rate", h["ntu"].value, "fr") == "33,1\u202f%"
    assert fw.format_diff("non_take_up_rate", h["ntu"], "fr") == "+3,1\u00a0pts"
    assert fw.format_diff("non_take_up_rate", h["ntu"], "en") == "+3.1\u00a0pp"
    assert fw.format_value("unclaimed_euros_per_month", h["unclaimed"].value, "fr") == "632\u202f000\u00a0€"


# -- personas --------------------------------------------------------------------------------

def journey(status, attempt=None, failed=None, reason=None, **profile) -> Journey:
    n = len(status)
    prof = {"counter_rank": 0.5, "territory_code": 2, "email": True, "age": 80, "household_type": "alone",
            "territory": "rural", "equipment": "none", "diploma": "none", "helpers": 0, **profile}
    j = Journey("jeanne", True, "aspa", 2, prof, ("territory",), list(status), ["none"] * n,
                attempt or [""] * n, failed or [""] * n, reason or [""] * n)
    j.events = steps(j)
    return j


OPEN = (np.ones(3), np.ones((3, 6), bool), np.zeros(3, bool))
RURAL_CLOSED = (np.array([1.0, 1.0, 0.0]), np.ones((3, 6), bool), np.zeros(3, bool))


def test_a_closed_counter_is_named_and_chance_is_said_plainly():
    ref = journey(["not_claimed"] * 4 + ["processing", "receiving"], attempt=["", "", "", "", "counter", ""])
    yours = journey(["not_claimed"] * 4 + ["queued", "gave_up"], attempt=["", "", "", "", "association", ""],
                    failed=["", "", "", "", "", "association"], reason=["", "", "", "", "", "turned_away"])
    ch = compare(ref, yours, 2, OPEN, RURAL_CLOSED)
    assert ch.changed and ch.kind == "closed" and ch.closed == "counter" and ch.month == 4
    rep = fake(0, 0.3)
    text = sentence(ch, ref, yours, rep, "2013", "fr")
    assert text.startswith("Guichet fermé → association") and "2013" in text
    # the same routes open in both: a different journey is the draws, and the page says so
    chance = compare(ref, yours, 2, OPEN, OPEN)
    assert chance.kind == "congestion"  # turned away for lack of room: the others' detours
    plain = journey(["not_claimed"] * 4 + ["processing", "processing"], attempt=["", "", "", "", "counter", ""])
    assert compare(ref, plain, 2, OPEN, OPEN).kind == "chance"
    assert "hasard" in sentence(compare(ref, plain, 2, OPEN, OPEN), ref, plain, rep, "2013", "fr")
    assert not compare(ref, ref, 2, OPEN, RURAL_CLOSED).changed


def test_personas_are_chosen_by_their_attributes_on_the_baseline_and_shown_in_both_languages():
    runs = WorkshopRuns(SMALL)
    base = runs.first(runs.scenario(preset_levers("p2013")))
    closed = runs.first(runs.scenario(preset_levers("closure")))
    picker = _Picker(base, runs.scenario(preset_levers("p2013")).benefits)
    chosen = choose(base.trace, picker, SMALL.workshop_start)
    assert choose(base.trace, picker, SMALL.workshop_start) == chosen  # deterministic
    assert [p.key for p in picker.personas] == [p.key for p in PERSONAS]
    profiles = [base.profiles[c] for c in chosen]
    assert profiles[0]["age"] >= 75 and profiles[0]["household_type"] == "alone"
    assert profiles[1]["age"] < 30
    assert profiles[2]["household_type"] == "single_parent"
    assert profiles[4]["diploma"] == "none"
    a, b = journeys(base.trace, picker, chosen), journeys(closed.trace, picker, chosen)
    assert all(len(j.status) == SMALL.workshop_months for j in a + b)
    # before the levers start, the two situations are the same households and the same months
    assert all(x.status[:SMALL.workshop_start] == y.status[:SMALL.workshop_start] for x, y in zip(a, b))
    for lang in ("fr", "en"):
        blocks, changes = persona_blocks(a, b, base, closed, {"reference": "2013", "yours": "Vous"},
                                         SMALL.workshop_start, lang)
        assert len(blocks) == 5 and all(isinstance(c, Change) for c in changes)


def test_background_replications_arrive_and_guesses_are_cancelled(tmp_path):
    s = Settings(workshop_households=2000, workshop_months=14, workshop_start=6, workshop_replications=3,
                 workers=1, workshop_memo=tmp_path)  # a fresh memo: the pool computes, through it
    runs = WorkshopRuns(s)
    try:
        sc = runs.scenario(preset_levers("closure"))
        runs.first(sc)
        deadline = time.monotonic() + 120
        while runs.status(sc) < 3 and time.monotonic() < deadline:
            time.sleep(0.05)
        assert runs.status(sc) == 3
        assert [r.index for r in runs.reps(sc)] == [0, 1, 2]
        # the same replications as computed in this process
        assert runs.reps(sc)[2].summary["non_take_up_rate"] == run_rep(sc, s, 2).summary["non_take_up_rate"]
        runs.speculate(preset_levers("closure"))
        wanted = {levers_key(n) for n in neighbours(preset_levers("closure"))}
        assert set(runs._guesses) <= wanted and runs._guesses
        runs.speculate(preset_levers("p2013"))  # moved far: guesses for the old neighbours go
        others = {levers_key(n) for n in neighbours(preset_levers("p2013"))}
        assert all(k in others or f.running() or f.done() for k, f in runs._guesses.items())
        # a guess computed ahead is a hit for its lever (through the memo: the pool stored it)
        ahead = neighbours(preset_levers("p2013"))[0]
        deadline = time.monotonic() + 120
        while not runs.memo.has(memo_key(s, runs.scenario(ahead).content_hash(), 0)) and \
                time.monotonic() < deadline:
            time.sleep(0.05)
        computed = runs.counts["computed"]
        rep = runs.first(runs.scenario(ahead))
        assert runs.counts["computed"] == computed
        assert rep.summary["non_take_up_rate"] == run_rep(runs.scenario(ahead), s, 0).summary["non_take_up_rate"]
    finally:
        runs.close()


def test_monthly_rate_matches_the_causes():
    runs = WorkshopRuns(SMALL)
    rep = runs.first(runs.scenario(preset_levers("p2016")))
    rate = fw.monthly_rate([rep])[0]
    s = rep.series
    expected = sum(s[c] for c in CAUSE_SERIES).sum(axis=1) / s["n_eligible"].sum(axis=1)
    np.testing.assert_allclose(rate, expected)
    assert set(PRESETS) >= {"p2013", "closure"}
