"""The default scenario's summary equals the committed regression baseline."""

import json

import baseline


def test_summary_matches_committed_baseline():
    old = json.loads(baseline.BASELINE.read_text(encoding="utf-8"))
    now = baseline.current()
    diff = [k for k in sorted(set(old) | set(now)) if old.get(k) != now.get(k)]
    assert not diff, (
        f"{len(diff)} summary values differ from tests/baselines/default_summary.json "
        f"(first: {diff[:5]}). If the model change is intended, run "
        "`python tests/baseline.py --refresh` and commit the new baseline with the change.")
