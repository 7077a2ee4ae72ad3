"""The presentation vocabulary (sim/present.py): labels, units, number and interval formats."""

from __future__ import annotations

import math
import re

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import sim
from sim import present as P
from sim import texts as T
from sim.categories import GROUP_LABELS, Cause, Channel
from sim.params import leaves
from sim.summary import aggregate, paired_difference, t_interval

TINY = ["population.households=1500", "months=12", "report_months=6"]


@pytest.fixture(scope="module")
def summary_keys() -> list[str]:
    keys: list[str] = []
    for name in ("baseline_2013", "all_online"):
        rep = sim.run(name, replications=1, seed=3, sets=TINY).replications[0]
        keys += [k for k, _ in leaves(rep.summary) if k not in keys]
    return keys


def test_every_summary_metric_has_a_label(summary_keys):
    """Lists the summary keys whose label is made up from their words: add one line to
    sim.present.METRICS for each (the categories of a family go to LABELS)."""
    missing = [k for k in summary_keys if not P.has_label(k)]
    assert missing == [], "no label in sim/present.py METRICS for: " + ", ".join(missing)


def test_labels_are_french_and_english(summary_keys):
    for key in summary_keys:
        fr, en = P.metric_label(key, "fr"), P.metric_label(key, "en")
        assert fr.strip() and en.strip(), key
    assert P.metric_label("non_take_up_rate", "fr") == "Taux de non-recours"
    assert P.metric_label("by_group.age_band.a75_plus.non_take_up_rate", "fr") == \
        "Taux de non-recours — Âge : 75 ans et +"
    assert P.metric_label("per_benefit.rsa.non_take_up_rate", "en") == \
        "Non-take-up rate — Minimum income (RSA)"


def test_an_unknown_key_gets_a_readable_label_and_a_unit_never_an_error():
    m = P.metric("capacity_utilisation.social_services.share")
    assert m.unit is P.RATE and "Capacity utilisation" in m.en and "Services sociaux" in m.fr
    assert P.metric("national.unclaimed_euros_per_month").unit is P.EUROS
    assert P.metric("cost_ledger.counter.hours").unit is P.HOURS
    assert P.metric("non_take_up_by_cause.non_demand.stigma").unit is P.RATE
    assert P.metric("turned_away.social_services").unit is P.NUMBER
    assert not P.has_label("turned_away.social_services")
    assert P.interval("turned_away.social_services", 12.5, 10, 15, "fr") == "12,5 [10,0\u202f; 15,0]"


def test_every_engine_category_has_a_label():
    keys = [f"group.{g}" for g in GROUP_LABELS]
    keys += [f"{g}.{lab}" for g, labels in GROUP_LABELS.items() for lab in labels]
    keys += [f"cause.{c.name}" for c in Cause] + [f"channel.{c.name}" for c in Channel]
    keys += [f"benefit.{b}" for b in sim.benefits.REGISTRY]
    assert [k for k in keys if k not in P.LABELS] == []


def test_numbers_follow_the_language():
    assert P.number(20000.5, "fr", 1) == "20\u202f000,5"
    assert P.number(20000.5, "en", 1) == "20,000.5"
    assert P.percent(0.2134, "fr") == "21,3\u202f%"
    assert P.percent(0.2134, "en") == "21.3%"
    assert P.number(-1.5, "en", 1) == "−1.5"
    assert P.number(-0.0004, "fr", 1) == "0,0"  # never "−0,0"
    assert P.interval("non_take_up_rate", 0.319, 0.312, 0.326, "fr") == "31,9\u202f% [31,2\u202f; 32,6]"
    assert P.interval("non_take_up_rate", 0.319, 0.312, 0.326, "en") == "31.9% [31.2; 32.6]"
    assert P.interval("non_take_up_rate", 0.0197, 0.0176, 0.0217, "en", diff=True) == \
        "+1.97\u00a0pp [+1.76; +2.17]"
    assert P.interval("unclaimed_euros_per_month", 69479.2, 68315, 70642, "fr") == \
        "69\u202f479\u00a0€/mois [68\u202f315\u202f; 70\u202f642]"
    assert P.interval("non_take_up_rate", 0.3, None, None, "en") == "30.0%"
    assert P.interval("non_take_up_rate", None, None, None, "en") == P.NA


def test_the_issue_examples_stay_in_range():
    # the two impossible intervals the issue quotes, now clipped to [0, 1]
    assert P.interval("non_take_up_rate", 0.0, -0.0, 0.0, "en") == "0.0% [0.0; 0.0]"
    assert P.interval("non_take_up_rate", 0.0215, -0.0203, 0.0632, "en") == "2.1% [0.0; 6.3]"


RATE_KEYS = ("non_take_up_rate", "non_take_up_by_cause.non_reception", "autonomy_share",
             "credentials_held", "by_group.age_band.a75_plus.non_take_up_rate",
             "per_benefit.aspa.persistent_non_take_up_rate", "group_gaps.diploma.gap")


def _numbers(text: str, lang: str) -> list[float]:
    body = text.replace("\u202f", "").replace("\u00a0", " ").replace("−", "-")
    if lang != "en":
        body = body.replace(",", ".")
    else:
        body = body.replace(",", "")
    return [float(x) for x in re.findall(r"[-+]?\d+(?:\.\d+)?", body)]


@given(st.lists(st.floats(0, 1), min_size=2, max_size=12), st.sampled_from(RATE_KEYS),
       st.sampled_from(P.LANGS))
def test_no_printed_interval_of_a_rate_leaves_0_1(values, key, lang):
    mean, (lo, hi) = t_interval(values, P.domain(key))
    assert 0 <= lo <= hi <= 1
    shown = _numbers(P.interval(key, mean, lo, hi, lang), lang)
    assert all(0 <= v <= 100 for v in shown), shown
    # even when handed an unclipped interval, the formatter clips it
    shown = _numbers(P.interval(key, mean, mean - 1, mean + 1, lang), lang)
    assert all(0 <= v <= 100 for v in shown), shown


@given(st.lists(st.floats(-1, 1), min_size=2, max_size=8))
def test_differences_of_rates_stay_within_plus_minus_one(diffs):
    reps_a = [{"non_take_up_rate": 0.5} for _ in diffs]
    reps_b = [{"non_take_up_rate": 0.5 + d / 2} for d in diffs]
    node = paired_difference(reps_a, reps_b)["non_take_up_rate"]
    assert -1 <= node["ci95"][0] <= node["ci95"][1] <= 1


def test_aggregate_clips_each_metric_to_its_range():
    reps = [{"non_take_up_rate": v, "concentration_index": c, "burden": {"hours_per_month": h}}
            for v, c, h in ((0.0, -0.99, 0.0), (0.0, -0.95, 0.0), (0.03, -0.2, 9.0))]
    out = aggregate(reps)
    assert out["non_take_up_rate"]["ci95"][0] == 0.0
    assert out["concentration_index"]["ci95"][0] == -1.0
    assert out["burden"]["hours_per_month"]["ci95"][0] == 0.0
    unclipped = t_interval([0.0, 0.0, 0.03])[1]
    assert unclipped[0] < 0  # what the t-interval alone would have printed


def test_rates_are_the_fractions(summary_keys):
    assert P.is_rate("group_gaps.diploma.gap") and not P.is_rate("group_gaps.diploma.ratio")
    assert P.is_rate("by_group.age_band.a75_plus.non_take_up_rate")
    assert not P.is_rate("delegated_hours_per_month.relatives")
    for key in summary_keys:
        lo, hi = P.domain(key)
        if P.is_rate(key):
            assert (lo, hi) == (0.0, 1.0), key


def test_the_rates_of_a_real_run_are_within_their_ranges(summary_keys):
    res = sim.run("online_only_2016", replications=3, seed=1, sets=TINY)
    flat: dict = {}

    def walk(d, prefix=""):
        for k, v in d.items():
            path = f"{prefix}.{k}" if prefix else k
            if isinstance(v, dict) and set(v) == {"mean", "ci95"}:
                flat[path] = v
            elif isinstance(v, dict) and k != "meta":
                walk(v, path)
    walk(res.summary)
    assert set(flat) <= set(summary_keys) and "non_take_up_rate" in flat
    for key, node in flat.items():
        lo, hi = P.domain(key)
        for v in node["ci95"]:
            if v is None or (isinstance(v, float) and math.isnan(v)):
                continue
            assert lo is None or v >= lo, key
            assert hi is None or v <= hi, key


def test_default_language_from_the_locale():
    assert P.default_lang({"LANG": "fr_FR.UTF-8"}) == "fr"
    assert P.default_lang({"LANG": "fr_FR.UTF-8", "LC_ALL": "en_GB.UTF-8"}) == "en"
    assert P.default_lang({"LANGUAGE": "fr", "LANG": "C.UTF-8"}) == "fr"
    assert P.default_lang({"LANG": "C.UTF-8"}) == "en"
    assert P.default_lang({}) == "en"


def test_errors_in_french_keep_the_file_and_field():
    msg = "x.yaml: population.households: -3 is below the minimum 1 households"
    assert T.error(msg, "fr") == "x.yaml: population.households: -3 est sous le minimum 1 ménages"
    assert T.error("x.yaml: months: 400 is above the maximum 360 months", "fr") == \
        "x.yaml: months: 400 dépasse le maximum 360 mois"
    assert T.error("x.yaml: process.info_base: 2 is above the maximum 1", "fr") == \
        "x.yaml: process.info_base: 2 dépasse le maximum 1"
    assert T.error(msg, "en") == msg
    assert T.error("x.yaml: foo: unknown key (known keys: a, b)", "fr") == \
        "x.yaml: foo: clé inconnue (clés connues : a, b)"


def test_every_text_has_both_languages_and_the_same_fields():
    import string

    def fields(s):
        return {f for _, f, _, _ in string.Formatter().parse(s) if f}
    for key, (fr, en) in T.TEXTS.items():
        assert fr.strip() and en.strip(), key
        assert fields(fr) == fields(en), key
    for key, (fr, en) in P.LABELS.items():
        assert fr.strip() and en.strip(), key


def test_table_pads_columns():
    out = P.table([("a", "bb"), ("ccc", "d")])
    assert out.splitlines() == ["a    bb", "---  --", "ccc  d"]


def test_t_interval_matches_scipy_when_not_clipped():
    x = np.array([0.3, 0.32, 0.31, 0.29])
    mean, (lo, hi) = t_interval(x, (0.0, 1.0))
    from scipy import stats
    half = stats.t.ppf(0.975, 3) * x.std(ddof=1) / 2
    assert (lo, hi) == pytest.approx((x.mean() - half, x.mean() + half), rel=1e-12)


def test_parameters_users_set_have_labels_in_both_languages():
    """Institutions, benefit rules and every policy parameter have a label (one line in
    sim.present.PARAMS); the rest of the tree falls back to its doc or its words."""
    from sim.defaults import SCENARIO
    from sim.policies import REGISTRY
    paths = [p for p, _ in leaves(SCENARIO) if p.startswith(("institutions.", "benefits."))]
    paths += ["population.households", "months", "report_months", "seed"]
    missing = [p for p in paths if not P.has_param_label(p)]
    for kind, cls in REGISTRY.items():
        missing += [f"policies.{kind}.{k}" for k in cls.params
                    if not P.has_param_label(f"policies.0.{k}", kind)]
    assert missing == [], "no label in sim/present.py PARAMS for: " + ", ".join(missing)
    assert P.param_label("policies.3.share", "fr", "counter_closure") == "Part des guichets fermés"
    assert P.param_label("benefits.rsa.complexity", "en") == "Complexity of the claim (Minimum income (RSA))"
    assert P.param_label("process.claim_scale", "en", doc="") == "Process · claim scale"


def test_parameter_units_are_translated():
    from sim.defaults import SCENARIO
    from sim.policies import REGISTRY
    units = {p.unit for _, p in leaves(SCENARIO)} | {p.unit for c in REGISTRY.values()
                                                     for _, p in leaves(c.params)}
    assert [u for u in units if u and u not in P.PARAM_UNITS_FR] == []
    assert P.param_unit("hours/month per 10k households", "fr") == "heures/mois pour 10 000 ménages"
