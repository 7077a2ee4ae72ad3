"""Comparer: "qui paie ?" — the cost ledger in national terms (issue 15).

The same rows as ``sim compare``'s ledger table and the report's section "Who pays?"
(:data:`sim.present.LEDGER_METRICS`): each scenario's figure a year for the population
it represents [95 % CI], and B − A paired by replication (common random numbers) for
every scenario against the first; then the report's waterfall
(:func:`sim.experiments.figures.cost_waterfall`) of the last scenario against the first.
Labels and numbers come from the shared vocabulary (:mod:`sim.present`, :mod:`sim.texts`),
so the page says what the CLI and the report say, in French or English.
"""

from __future__ import annotations

import dash_bootstrap_components as dbc
from dash import Input, Output, State, html

from sim.experiments import figures as F
from sim.params import leaves
from sim.present import LEDGER_METRICS, node, row_label
from sim.summary import aggregate, paired_difference
from sim.texts import text

from .theme import empty_figure

HEIGHT = 460
WATERFALL_KEYS = (*(f"cost_ledger.{b}.euros_per_year" for b in F.LEDGER_BEARERS),
                  "cost_ledger.total.euros_per_year", "cost_ledger.benefits.unclaimed_euros_per_year")
KEYS = tuple(dict.fromkeys((*LEDGER_METRICS, *WATERFALL_KEYS)))


def _rows(result) -> list[dict]:
    """A run's replications as flat ``key -> value`` rows of the ledger's keys."""
    out = []
    for rep in result.replications:
        flat = dict(leaves(rep.summary))
        out.append({k: flat[k] for k in KEYS if k in flat})
    return out


def ledger(entries) -> tuple[list[dict], list[dict]]:
    """Per entry its flat nodes ``key -> {"mean", "ci95"}``, and per entry after the first
    the paired nodes B − A against the first (over the replications both have)."""
    rows = [_rows(e.result) for e in entries]
    means = [aggregate(r) for r in rows]
    paired = []
    for rb in rows[1:]:
        n = min(len(rows[0]), len(rb))
        keys = [k for k in rows[0][0] if k in rb[0]]
        paired.append(paired_difference([{k: r[k] for k in keys} for r in rows[0][:n]],
                                        [{k: r[k] for k in keys} for r in rb[:n]]))
    return means, paired


def ledger_table(entries, lang: str, computed=None) -> html.Div:
    """The table "qui paie ?": a row per ledger figure, a column per scenario, then B − A."""
    means, paired = computed or ledger(entries)
    names = [e.label for e in entries]
    head = [text("metric", lang), *names, *(f"{n} − {names[0]}" for n in names[1:])]
    body = []
    for key in LEDGER_METRICS:
        if key not in means[0]:
            continue
        cells = [html.Td(row_label(key, lang).strip(),
                         className="ledger-sub" if row_label(key, lang).startswith(" ") else "")]
        cells += [html.Td(node(key, m.get(key), lang)) for m in means]
        cells += [html.Td(node(key, p.get(key), lang, diff=True)) for p in paired]
        body.append(html.Tr(cells))
    return html.Div([
        html.H3(text("rep.ledger", lang), className="card-title-figure"),
        dbc.Table([html.Thead(html.Tr([html.Th(h) for h in head])), html.Tbody(body)],
                  id="cmp-ledger-rows", size="sm", striped=True, responsive=True,
                  className="ledger-table"),
        html.Div(text("fig.waterfall_pair", lang, a=names[0], b=names[-1]), className="figure-note"),
        html.Div(text("rep.ledger_note", lang), className="figure-note"),
    ])


def fig_waterfall(entries, lang: str, computed=None):
    """The last scenario against the first, bearer by bearer (paired 95 % intervals);
    untitled: the card says what it is, the table below names the two scenarios."""
    _, paired = computed or ledger(entries)
    fig = F.cost_waterfall(paired[-1], lang, diff=True, title="") if paired else None
    if fig is None:
        return empty_figure(lang, height=HEIGHT)
    fig.update_layout(height=HEIGHT, margin=dict(t=40, r=30))
    return fig


def title(lang: str) -> str:
    return text("fig.waterfall_diff", lang)


def register(app, state, entries_of) -> None:
    """The callback drawing the ledger when a comparison is shown (``entries_of``: the
    Comparer's ``_entries``)."""
    @app.callback(Output("cmp-fig-ledger", "figure"), Output("cmp-ledger-table", "children"),
                  Input("cmp-result", "data"), State("lang", "value"))
    def draw_ledger(result, lang):
        entries = entries_of(result, state, lang)
        if not entries or len(entries) < 2:
            return empty_figure(lang, height=HEIGHT), []
        computed = ledger(entries)
        return fig_waterfall(entries, lang, computed), ledger_table(entries, lang, computed)
