"""The Comparer's "qui paie ?" (issue 15, acceptance 3): the dashboard shows the cost
ledger's rows with the same numbers as ``sim compare`` (same scenarios, seed and
replications: the same paired differences), in French and in English, and the waterfall.
The page itself is drawn by the browser tests of tests/dashboard (the Comparer's default
comparison, in FR then EN with no French left)."""

from __future__ import annotations

import pytest

import sim
from dashboard import figures_ledger as fl
from dashboard.figures_compare import Entry
from sim import experiments
from sim.experiments.cli import format_ledger
from sim.present import LEDGER_METRICS, metric_label

SETS = ["population.households=1500", "months=12", "report_months=6"]
NAMES = ("baseline_2013", "counter_closure_rural")


@pytest.fixture(scope="module")
def entries():
    return [Entry(n, n, "#000", sim.run(n, replications=3, seed=4, sets=SETS)) for n in NAMES]


def _cells(component) -> list[list[str]]:
    """The table's rows as lists of cell texts."""
    table = next(c for c in component.children if getattr(c, "id", None) == "cmp-ledger-rows")
    body = table.children[1]
    return [[td.children for td in tr.children] for tr in body.children]


@pytest.mark.parametrize("lang,title", [("fr", "Qui paie ? En termes nationaux"),
                                        ("en", "Who pays? In national terms")])
def test_the_comparer_table_is_the_cli_ledger(entries, lang, title):
    div = fl.ledger_table(entries, lang)
    assert div.children[0].children == title
    rows = _cells(div)
    assert [r[0] for r in rows] == [metric_label(k, lang) for k in LEDGER_METRICS]
    c = experiments.compare(list(NAMES), replications=3, seed=4, sets=SETS, workers=1)
    cli = format_ledger(c, lang)
    for row in rows:  # the paired difference B − A, as the CLI prints it, on the same row
        line = next(x for x in cli.splitlines() if x.strip().startswith(row[0]))
        assert row[3] in line and row[1] in line and row[2] in line, (row, line)


def test_the_comparer_waterfall_has_every_bearer(entries):
    for lang in ("fr", "en"):
        fig = fl.fig_waterfall(entries, lang)
        (trace,) = [t for t in fig.data if t.type == "waterfall"]
        assert len(trace.x) == len(fl.F.LEDGER_BEARERS) + 1
    counters = fl.ledger(entries)[1][0]["cost_ledger.agency.counters.euros_per_year"]
    assert counters["mean"] < 0  # closing counters saves the agency money
