"""Property tests (hypothesis): whatever valid scenario, the ODENORE causes add up to
the non-take-up rate, counts never go negative, capacities are never exceeded."""

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import sim
from sim.categories import SUBCAUSE_OF, SubCause
from sim.metrics import CAUSE_SERIES, SUBCAUSE_SERIES
from sim.policies import REGISTRY

policy = st.builds(lambda name, start: {"type": name, "start": start},
                   st.sampled_from(sorted(REGISTRY)), st.integers(0, 11))


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(policies=st.lists(policy, max_size=4), seed=st.integers(0, 2**32),
       households=st.integers(50, 1500), closure=st.floats(0, 1))
def test_invariants_hold(policies, seed, households, closure):
    sc = sim.from_dict({"name": "prop", "months": 12, "report_months": 6, "policies": policies,
                        "population": {"households": households},
                        "institutions": {"counter_open_share": [1 - closure, 1.0, 1.0]}})
    res = sim.run(sc, replications=1, seed=seed)
    rep = res.replications[0]
    s, summ = rep.series, rep.summary
    non = sum(s[c] for c in CAUSE_SERIES)
    assert np.all(non <= s["n_eligible"] + 1e-9)
    assert np.all(s["n_receiving"] + non == s["n_eligible"])
    if summ["non_take_up_rate"] == summ["non_take_up_rate"]:  # not NaN (someone eligible)
        assert abs(sum(summ["non_take_up_by_cause"].values()) - summ["non_take_up_rate"]) < 1e-9
    for c, name in enumerate(CAUSE_SERIES):  # sub-causes add up to their cause
        subs = [SUBCAUSE_SERIES[sc] for sc in SubCause if SUBCAUSE_OF[sc] == c]
        assert np.array_equal(sum(s[k] for k in subs), s[name]), name
    for key, arr in s.items():
        if key != "concentration_index":
            assert np.all(arr >= 0), key
    assert np.all(s["hours_social_services"] <= s["capacity_social_services"] + 1e-6)
    assert np.all(s["hours_associations"] <= s["capacity_associations"] + 1e-6)
    assert np.all(s["counter_visits"] <= s["counter_capacity"] + 1e-6)
    assert np.all(s["hours_social_services"] + s["hours_social_core"] <= s["hours_social_total"] + 1e-6)
    assert np.all(s["hours_social_core"] <= s["capacity_social_core"] + 1e-6)
    assert np.all(s["phone_calls_answered"] <= s["phone_capacity"] + 1e-6)
    assert np.all(s["new_renewals"] <= s["n_eligible"] + 1e-9)
    for share in ("autonomy_share", "counter_share", "mediated_teach_share", "dependent_share"):
        v = summ[share]
        assert v != v or 0.0 <= v <= 1.0, share
