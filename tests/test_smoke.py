
import sim


def test_run_small_baseline(small_sets):
    res = sim.run("baseline_2013", replications=2, seed=3, sets=small_sets)
    s = res.summary
    assert 0.0 < s["non_take_up_rate"]["mean"] < 1.0
