"""Dashboard pieces without a browser: translations, scenarios, uploads, runs, personas, sweeps, figures."""

from __future__ import annotations

import base64
import json
import re
import string
import time

import numpy as np
import pytest

import sim
from dashboard import figures_compare as fc
from dashboard import i18n
from dashboard.config import Settings
from dashboard.personas import PERSONAS, PersonaPicker, choose, journeys
from dashboard.runs import Runner
from dashboard.scenarios import (PRESETS, UploadError, Uploads, clean_levers, colours_for, preset_levers,
                                 workshop_scenario)
from dashboard.sweeps import SweepError, _sensitivity, grid, list_sweeps, open_sweep
from sim.benefits import REGISTRY as BENEFITS
from sim.categories import GROUP_LABELS, Cause, Channel
from sim.metrics import ROUTE_OUTCOMES
from sim.output import group_rows

SMALL = {"population.households": 1500, "months": 12, "report_months": 6}


# -- translation table --------------------------------------------------------------------

def fields(text: str) -> set[str]:
    return {f for _, f, _, _ in string.Formatter().parse(text) if f}


def test_every_text_has_french_and_english_with_the_same_placeholders():
    for key, (fr, en) in i18n.TABLE.items():
        assert fr.strip() and en.strip(), key
        assert fields(fr) == fields(en), key


def test_every_engine_label_shown_has_a_translation():
    keys = [f"group.{g}" for g in GROUP_LABELS]
    keys += [f"{g}.{lab}" for g, labels in GROUP_LABELS.items() for lab in labels]
    keys += [f"cause.{c.name}" for c in Cause] + [f"outcome.{o}" for o in ROUTE_OUTCOMES]
    keys += [f"channel.{c.name}" for c in Channel] + [f"benefit.{b}" for b in BENEFITS]
    keys += [f"preset.{p}" for p in PRESETS] + [f"preset_short.{p}" for p in PRESETS]
    keys += [f"persona.{p.key}" for p in PERSONAS]
    assert [k for k in keys if not i18n.has(k)] == []
    with pytest.raises(KeyError):
        i18n.t("no.such.key", "fr")


def test_numbers_follow_the_language():
    assert i18n.pct(0.2134, "fr") == "21,3\u202f%"
    assert i18n.pct(0.2134, "en") == "21.3%"
    assert i18n.num(20000, "fr") == "20\u202f000"
    assert i18n.num(20000, "en") == "20,000"
    assert i18n.pts(0.029, "fr") == "+2,9\u00a0pts"
    assert i18n.num(-1.5, "en", 1) == "−1.5"
    assert i18n.pct(float("nan"), "fr") == "–"


# -- scenarios ------------------------------------------------------------------------------

@pytest.mark.parametrize("preset", list(PRESETS))
def test_workshop_presets_build_valid_scenarios_that_round_trip(preset):
    s = Settings()
    sc = workshop_scenario(preset_levers(preset), s)
    assert sc.data["population"]["households"] == s.workshop_households
    assert all(p.start == s.workshop_start for p in sc.policies)
    again = sim.from_dict(sim.scenario.read_yaml(sc.to_yaml().encode(), "saved.yaml"), source="saved.yaml")
    assert again.content_hash() == sc.content_hash()


def test_levers_from_the_browser_are_clamped():
    lv = clean_levers({"closure": 7, "mediation_hours": "x", "mode": "hack", "email": 1})
    assert lv["closure"] == 1.0 and lv["mediation_hours"] == 40.0 and lv["mode"] == "keep"
    assert lv["email"] is True


def test_colours_follow_the_order_and_never_repeat():
    keys = ["bundled:online_only_2016", "bundled:baseline_2013", "upload:abc", "upload:def"]
    colours = colours_for(keys)
    assert len(set(colours.values())) == 4
    assert colours_for(keys[1:2])["bundled:baseline_2013"] == colours["bundled:online_only_2016"]


def payload(text: bytes) -> str:
    return "data:application/x-yaml;base64," + base64.b64encode(text).decode()


def test_uploads_use_the_strict_validator_and_are_size_capped():
    up = Uploads(Settings(upload_max_bytes=2000))
    sc = up.add(payload(b"name: mine\npolicies:\n  - {type: online_only, start: 0}\n"), "../../etc/mine.yaml")
    assert up.get(up.key_of(sc)).name == "mine"
    with pytest.raises(sim.ScenarioError) as err:
        up.add(payload(b"name: bad\npolicies:\n  - {type: teleportation, start: 0}\n"), "bad.yaml")
    assert str(err.value).startswith("bad.yaml: policies[0].type: unknown policy")
    assert "\n" not in str(err.value)
    with pytest.raises(sim.ScenarioError):
        up.add(payload(b"population: {households: -3}\n"), "neg.yaml")
    with pytest.raises(sim.ScenarioError):
        up.add(payload(b"a: &x 1\nb: *x\n"), "alias.yaml")
    with pytest.raises(UploadError) as too_big:
        up.add(payload(b"#" * 3000), "big.yaml")
    assert too_big.value.kind == "too_big"
    with pytest.raises(UploadError):
        up.add("data:;base64,%%%not-base64", "x.yaml")


# -- runs -----------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def pair():
    return [sim.load_scenario(n).with_overrides(SMALL) for n in ("baseline_2013", "online_only_2016")]


def test_background_job_gives_what_sim_run_gives_and_is_cached(pair):
    runner = Runner(workers=1)
    try:
        job = runner.submit(pair, seed=5, replications=2)
        while job.running:  # the job runs in a thread
            time.sleep(0.01)
        assert job.error is None and job.done == job.total == 4
        mine = runner.get(job.keys[1])[0]
        # mesa attaches a model to the scenario it runs; the cache must not keep one alive
        assert "model" not in vars(mine.scenario)
        ref = sim.run(pair[1].with_overrides({}), replications=2, seed=5)
        assert mine.summary["non_take_up_rate"] == ref.summary["non_take_up_rate"]
        again = runner.submit(pair, seed=5, replications=2)
        assert again.from_cache and not again.running and again.total == 0
    finally:
        runner.close()


def test_run_now_caches_by_content_hash_seed_size_and_replications(pair):
    runner = Runner(workers=1)
    a, _ = runner.run_now(pair[0], 3)
    b, _ = runner.run_now(pair[0].with_overrides({}), 3)
    c, _ = runner.run_now(pair[0], 4)
    assert a is b and a is not c


# -- personas ----------------------------------------------------------------------------------

def test_the_persona_picker_is_a_trace_for_sim_run_and_picks_the_same_households_everywhere():
    s = Settings(workshop_households=4000)
    runs = []
    for preset in ("p2013", "closure"):
        sc = workshop_scenario(preset_levers(preset), s)
        picker = PersonaPicker(sc.benefits)
        runs.append((sim.run(sc, replications=1, seed=2016, trace=picker), picker))
    (ref, p_ref), (yours, p_yours) = runs
    assert p_ref.profiles == p_yours.profiles
    chosen = choose(ref.replications[0].trace, p_ref, s.workshop_start)
    a = journeys(ref.replications[0].trace, p_ref, chosen)
    b = journeys(yours.replications[0].trace, p_yours, chosen)
    assert [j.key for j in a] == [p.key for p in PERSONAS]
    jeanne = a[0].profile
    assert jeanne["age"] >= 75 and jeanne["household_type"] == "alone"
    assert all(len(j.status) == 36 for j in a + b)
    assert a[0].status[: s.workshop_start] == b[0].status[: s.workshop_start]


# -- sweeps ----------------------------------------------------------------------------------

def test_only_listed_folders_under_the_root_open(sweep_root, tmp_path):
    assert list_sweeps(sweep_root) == ["closure_x_mediation"]
    sweep = open_sweep(sweep_root, "closure_x_mediation")
    assert sweep.params == ["policies.2.share", "institutions.association_hours"]
    assert "non_take_up_rate" in sweep.metrics and "point" not in sweep.metrics
    assert sweep.points == 9 and len(sweep.data) == 18
    assert set(sweep.sensitivity["non_take_up_rate"]) == {"S1", "ST"}
    g = grid(sweep, "non_take_up_rate", *sweep.params)
    assert len(g) == 9 and (g["count"] == 2).all()
    for name in ("../", "/etc", "closure_x_mediation/../..", "nothing"):
        with pytest.raises(SweepError):
            open_sweep(sweep_root, name)
    outside = tmp_path / "outside"
    (outside / "summary").mkdir(parents=True)
    sweep.data.to_parquet(outside / "summary" / "part-000000.parquet")
    (sweep_root / "link").symlink_to(outside)
    try:
        assert "link" not in list_sweeps(sweep_root)
        with pytest.raises(SweepError):
            open_sweep(sweep_root, "link")
    finally:
        (sweep_root / "link").unlink()


def test_sensitivity_reads_salib_lists_too():
    raw = {"metrics": {"m": {"names": ["a", "b"], "mu_star": [0.3, 0.1], "mu_star_conf": [0.05, None],
                             "sigma": [0.2, 0.1]}}}
    out = _sensitivity(raw)["m"]
    assert out["mu_star"]["a"] == pytest.approx((0.3, 0.25, 0.35))
    assert out["mu_star"]["b"] == (0.1, None, None)
    assert _sensitivity({"weird": [1, 2]}) == {} and _sensitivity(None) == {}


# -- compare figures -------------------------------------------------------------------------

def test_compare_figures_and_downloads_in_both_languages(pair):
    results = [sim.run(sc, replications=2, seed=9) for sc in pair]
    entries = [fc.Entry(f"bundled:{sc.name}", sc.name, c, r)
               for sc, r, c in zip(pair, results, ("#0072B2", "#D55E00"))]
    heads = fc.headline(entries)
    paired = sim.summary.paired_difference([r.summary for r in results[0].replications],
                                           [r.summary for r in results[1].replications])
    assert heads["non_take_up"][1]["diff"] == pytest.approx(paired["non_take_up_rate"]["mean"])
    assert heads["non_take_up"][0]["diff"] is None
    for lang in ("fr", "en"):
        for make in (fc.fig_timeseries, fc.fig_difference, fc.fig_causes, fc.fig_groups, fc.fig_workload,
                     fc.fig_concentration):
            fig = make(entries, lang)
            assert fig.data and json.loads(fig.to_json())
        sankey = fc.fig_sankey(entries[1], None, lang)
        link = sankey.data[0].link
        eligible = results[1].replications[0].routes.sum() + results[1].replications[1].routes.sum()
        # every eligible household is in exactly one flow, and every flow says what it means
        assert sum(link.value) == pytest.approx(eligible / 2)
        assert len(link.customdata) == len(link.value) and all(len(n) > 20 for n in link.customdata)
        assert len(set(link.customdata)) == len(link.customdata)
    # the difference over time is the paired one, month by month
    mean, lo, hi = fc.difference_band(results[0], results[1])
    direct = fc.monthly_rate(results[1]) - fc.monthly_rate(results[0])
    assert np.allclose(mean, direct.mean(axis=0)) and np.all(lo <= mean) and np.all(mean <= hi)
    # the time axis fits the curves, it does not run from 0
    lo_y, hi_y = fc.fig_timeseries(entries, "fr").layout.yaxis.range
    assert lo_y > 0.02 and hi_y < 1
    x, y = fc.concentration_points(results[0])
    assert x[0] == y[0] == 0 and x[-1] == pytest.approx(1) and y[-1] == pytest.approx(1)
    assert np.all(np.diff(x) >= 0)


def test_download_payloads(pair):
    from dashboard.tab_compare import download_payload
    results = [sim.run(sc, replications=1, seed=9) for sc in pair]
    entries = [fc.Entry(f"bundled:{sc.name}", sc.name, "#000000", r) for sc, r in zip(pair, results)]
    groups = download_payload("cmp-dl-groups", entries, None)
    header = groups["content"].splitlines()[0]
    assert header.startswith("scenario,replication,group")
    assert len(groups["content"].splitlines()) == 1 + sum(len(group_rows(r)) for r in results)
    yaml_file = download_payload("cmp-dl-yaml", entries, entries[1].key)
    assert yaml_file["filename"] == "online_only_2016.yaml" and "online_only" in yaml_file["content"]


def test_safe_defaults():
    from dashboard.app import create_app, serve
    import inspect
    assert inspect.signature(serve).parameters["host"].default == "127.0.0.1"
    app = create_app(Settings(workers=1))
    try:
        assert app.server.config["MAX_CONTENT_LENGTH"] == Settings().request_max_bytes
        assert not app.server.debug
        client = app.server.test_client()
        big = client.post("/_dash-update-component", data=b"x" * (Settings().request_max_bytes + 10),
                          content_type="application/json")
        assert big.status_code == 413
    finally:
        app.sim_state.close()
    assert re.match(r"^\d+$", str(Settings().max_households))
