"""Docs that stay true: generated tables match the code; README and ODD name what exists."""

import re
from pathlib import Path

from sim import doc_tables
from sim.policies import REGISTRY

ROOT = Path(__file__).resolve().parent.parent


def test_parameter_tables_are_current():
    committed = (ROOT / "docs" / "parameters.md").read_text(encoding="utf-8")
    assert committed == doc_tables.render(), "docs/parameters.md is stale: run `python -m sim.doc_tables`"


def test_odd_names_every_policy_and_step():
    odd = (ROOT / "docs" / "ODD.md").read_text(encoding="utf-8")
    for name in REGISTRY:
        assert f"`{name}`" in odd, f"docs/ODD.md does not describe policy {name}"
    for step in ("life_events", "information", "claims.decide", "claims.choose", "attempt",
                 "processing.step", "processing.renew", "drift", "ledger.measure"):
        assert step in odd, step
    model = (ROOT / "sim" / "model.py").read_text(encoding="utf-8")
    for step in re.findall(r"^\s+(\w+(?:\.\w+)?)\(self(?:, batch)?\)\s+# \d", model, re.M):
        assert step.replace("self.", "") in odd or step in odd, step


def test_readme_quickstart_has_two_commands_and_documents_summary_keys():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    block = readme.split("## Quickstart", 1)[1].split("```", 2)[1]
    commands = [c for c in block.splitlines()[1:] if c.strip() and not c.strip().startswith("#")]
    assert commands == ["make demo", "make test"]
    for key in ("non_take_up_rate", "non_take_up_by_cause", "unclaimed_euros_per_month",
                "delegated_hours_per_month", "social_services_digital_share", "autonomy_share",
                "credentials_held", "concentration_index", "by_group", "per_benefit"):
        assert f"`{key}`" in readme, key


def test_ci_runs_the_readme_test_command():
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert "make test" in ci
