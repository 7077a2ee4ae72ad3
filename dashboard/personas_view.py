"""The persona journeys as HTML: one row of months per situation, a letter for each route
tried, the households whose path changed highlighted with one sentence of why.

HTML rather than a plotly figure: the letters stay crisp at any size, the
cells are sized by CSS (``.persona-grid``) to fill the panel, and the month
slider hides the months to come in the browser (``assets/workshop.js`` writes
one CSS rule), so playing the months never calls the server.
"""

from __future__ import annotations

from typing import Any

from dash import html

from . import i18n
from .i18n import t
from .personas import STATUSES, Change, Journey, compare, steps
from .workshop_runs import Rep

MAX_STEPS = 4  # steps of a sentence after what closed (the rest is summed up by its outcome)


def portrait(j: Journey, lang: str) -> str:
    """"86 ans · vit seule · village · ni ordinateur ni smartphone": age and the persona's traits."""
    p = j.profile

    def say(key: str) -> str:  # the feminine form where French needs one
        return t(f"{key}.f" if j.feminine and i18n.has(f"{key}.f") else key, lang)

    names = {"household_type": f"persona.type.{p['household_type']}",
             "territory": f"persona.territory.{p['territory']}",
             "equipment": f"persona.equipment.{p['equipment']}",
             "diploma": f"persona.diploma.{p['diploma']}",
             "helpers": "persona.helpers.some" if p["helpers"] > 0 else "persona.helpers.none"}
    parts = [t("persona.age", lang, age=p["age"])] + [say(names[s]) for s in j.shown]
    return " · ".join(parts)


def _route(name: str, j: Journey, lang: str) -> str:
    key = f"why.route.{name}"
    return t(f"{key}.f" if j.feminine and i18n.has(f"{key}.f") else key, lang)


def _closed(ch: Change, yours: Journey, rep: Rep, lang: str) -> str:
    if ch.closed == "counter" and not rep.channels[yours.benefit_index, 2]:
        return t("why.closed.online_only", lang)  # the benefit has no paper route any more
    return t(f"why.closed.{ch.closed}", lang)


def sentence(ch: Change, ref: Journey, yours: Journey, rep: Rep, ref_label: str, lang: str) -> str:
    """One sentence of why: what closed, the routes tried since, how it ended, and how the
    reference ended ("Guichet fermé → association : refusée faute de place → renonce
    (2013 : perçoit au mois 25)")."""
    if not ch.changed:
        return t("why.same", lang)
    if ch.kind == "chance":  # not the policy: said in one short line
        return f"{t('why.chance', lang)} {_outcome(yours, ch.month or 0, lang)} " \
               f"({ref_label}{t('why.colon', lang)}{_outcome(ref, ch.month or 0, lang)})"
    parts: list[str] = []
    if ch.kind == "closed":
        parts.append(_closed(ch, yours, rep, lang))
    ended = False
    events = ch.steps
    i = 0
    while i < len(events) and len(parts) < MAX_STEPS + 1:
        m, kind, name = events[i]
        if kind == "attempt":
            text = _route(name, yours, lang)
            # an attempt that fails at once: "association : refusée faute de place"
            if i + 2 < len(events) and events[i + 1][1] == "fail" and events[i + 1][2] == name:
                text = f"{text}{t('why.colon', lang)}{t('why.reason.' + events[i + 2][2], lang)}"
                i += 2
        elif kind == "fail":
            text = f"{_route(name, yours, lang)}{t('why.colon', lang)}" \
                   f"{t('why.reason.' + events[i + 1][2], lang) if i + 1 < len(events) else ''}"
            i += 1
        elif kind == "status":
            text = t(f"why.status.{name}", lang, m=m)
            ended = True
        else:
            text = ""
        if text and (not parts or parts[-1] != text):
            parts.append(text)
        i += 1
    if not ended:
        parts.append(t(f"why.final.{yours.status[-1]}", lang))
    text = " → ".join(parts)
    text = text[:1].upper() + text[1:]
    theirs = [(m, n) for m, _, n in steps(ref, ch.month or 0) if _ == "status"]
    if theirs:
        m, name = theirs[0]
        text += f" ({ref_label}{t('why.colon', lang)}{t('why.status.' + name, lang, m=m)})"
    else:
        text += f" ({ref_label}{t('why.colon', lang)}{t('why.final.' + ref.status[-1], lang)})"
    return text


def _outcome(j: Journey, since: int, lang: str) -> str:
    """How a journey ends from month ``since``: its first outcome, else its last status."""
    ends = [(m, n) for m, kind, n in steps(j, since) if kind == "status"]
    if ends:
        return t(f"why.status.{ends[0][1]}", lang, m=ends[0][0])
    return t(f"why.final.{j.status[-1]}", lang)


def letter(j: Journey, m: int, lang: str) -> str:
    name = j.attempt[m] or j.failed[m]
    return t(f"letter.{name}", lang) if name else ""


def _row(label: str, side: str, j: Journey, start: int, lang: str) -> list:
    cells: list = [html.Span(label, className=f"row-label row-{side}")]
    for m, status in enumerate(j.status):
        cls = f"cell st-{status}"
        if j.failed[m]:
            cls += " fail"
        if m == start:
            cls += " lever-start"
        tip = f"{t('axis.month', lang)} {m} · {t('status_short.' + status, lang)}"
        if j.attempt[m]:
            tip += f" · {t('channel.' + j.attempt[m], lang)}"
        if j.failed[m]:
            tip += f" · {t('why.reason.' + j.reason[m], lang)}"
        attrs: dict[str, Any] = {"data-m": str(m)}  # a data-* attribute is not a Python name
        cells.append(html.Span(letter(j, m, lang), className=cls, title=tip, **attrs))
    return cells


def persona_blocks(ref_j: list[Journey], your_j: list[Journey], ref_rep: Rep, your_rep: Rep,
                   labels: dict, start: int, lang: str) -> tuple[list, list[Change]]:
    """The personas' blocks (name, portrait, two rows of months, sentence) and their changes."""
    blocks, changes = [], []
    for a, b in zip(ref_j, your_j):
        ch = compare(a, b, start, ref_rep.levers, your_rep.levers)
        changes.append(ch)
        kind = "same" if not ch.changed else ("chance" if ch.kind == "chance" else "changed")
        benefit = t(f"benefit_short.{a.benefit}", lang)
        blocks.append(html.Div(className=f"persona persona-{kind}", id=f"ws-persona-{a.key}", children=[
            html.Div(className="persona-head", children=[
                html.Span(t(f"persona.{a.key}", lang), className="persona-name"),
                html.Span(f"{portrait(a, lang)} · {benefit}", className="persona-desc"),
            ]),
            html.Div(className="persona-grid", children=[
                *_row(t("ws.row_reference", lang), "reference", a, start, lang),
                *_row(t("ws.row_yours", lang), "yours", b, start, lang),
            ]),
            html.Div(sentence(ch, a, b, your_rep, labels["reference"], lang), className="persona-why"),
        ]))
    return blocks, changes


def legend(lang: str) -> html.Div:
    """Colours of the statuses and letters of the routes."""
    chips = [html.Span([html.Span(className=f"chip st-{s}"), t(f"status_short.{s}", lang)], className="legend-item")
             for s in STATUSES]
    letters = [html.Span([html.B(t(f"letter.{c}", lang)), " ", t(f"legend.{c}", lang)], className="legend-item")
               for c in ("online_alone", "online_relative", "counter", "phone", "social_services", "association")]
    fail = html.Span([html.Span(className="chip chip-fail"), t("ws.legend_fail", lang)], className="legend-item")
    return html.Div(className="personas-legend", children=[html.Div(chips), html.Div([*letters, fail])])
