"""Small layout helpers shared by the tabs."""

from __future__ import annotations

import dash_bootstrap_components as dbc
from dash import dcc, html

from . import i18n

GRAPH_CONFIG = {"displaylogo": False, "displayModeBar": "hover",
                "modeBarButtonsToRemove": ["lasso2d", "select2d", "autoScale2d", "toggleSpikelines"]}


def dropdown(id_: str, lang: str, **props) -> dcc.Dropdown:
    """A ``dcc.Dropdown`` whose own texts ("Search", "2 selected"...) come from the translation table."""
    return dcc.Dropdown(id=id_, labels=i18n.dropdown_labels(lang), **props)


def help_icon(target: str, text: str) -> list:
    """A small "?" next to a label, with its explanation as a tooltip."""
    return [html.Span("?", id=target, className="help-icon", tabIndex=0),
            dbc.Tooltip(text, target=target, placement="right")]


def field_label(text: str, help_id: str | None = None, help_text: str | None = None,
                html_for: str | None = None) -> html.Div:
    children: list = [dbc.Label(text, html_for=html_for, className="field-label")]
    if help_id and help_text:
        children += help_icon(help_id, help_text)
    return html.Div(children, className="field-label-row")


def graph(graph_id: str, height: int, modebar: bool = True) -> dcc.Graph:
    """A graph that fills its card's width, ``height`` pixels high (the figure's own height)."""
    config = GRAPH_CONFIG if modebar else {**GRAPH_CONFIG, "displayModeBar": False}
    return dcc.Graph(id=graph_id, config=config, className="graph-box", responsive=True,
                     style={"height": f"{height}px"})


def graph_card(title: str, graph_id: str, height: int, note: str | None = None, extra=None,
               class_name: str = "") -> dbc.Card:
    body = [html.H3(title, className="card-title-figure")]
    if extra is not None:
        body.append(extra)
    body.append(graph(graph_id, height))
    if note:
        body.append(html.Div(note, className="figure-note"))
    return dbc.Card(dbc.CardBody(body), className=f"figure-card {class_name}")


def stamp(id_: str) -> html.Div:
    """An invisible marker a callback updates when its figures are drawn (used by the tests)."""
    return html.Div(id=id_, className="stamp", style={"display": "none"})
