"""Figures of the Workshop tab: large type for a projector, two situations side by side.

Every figure shows the reference situation and the trainer's settings up to
the current month of the animation (``month``, 0-based), with the same
colours everywhere (:data:`dashboard.scenarios.WORKSHOP_COLOURS`).
"""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from sim.metrics import CAUSE_SERIES
from sim.runner import RunResult

from . import i18n
from .i18n import t
from .personas import STATUS_COLOURS, STATUSES
from .scenarios import WORKSHOP_COLOURS
from .theme import CAUSE_COLOURS, base_layout

SIZE = 20  # base font size on a projector
HEIGHTS = {"ts": 430, "causes": 430}


ROWS_PER_PERSONA = 3.6  # title, reference row, your row, gap (y units)


def personas_height(n: int) -> int:
    return 120 + 130 * n


def month_numbers(result: RunResult, month: int) -> dict:
    """Headline numbers in one month (one replication): rate, euros/month, help hours/month."""
    s = result.replications[0].series
    non = sum(s[c][month].sum() for c in CAUSE_SERIES)
    elig = s["n_eligible"][month].sum()
    return {"rate": non / elig if elig else float("nan"),
            "unclaimed": float(s["unclaimed_euros"][month].sum()),
            "hours": float(s["hours_social_services"][month] + s["hours_associations"][month])}


def _rate(result: RunResult) -> np.ndarray:
    s = result.replications[0].series
    non = sum(s[c] for c in CAUSE_SERIES).sum(axis=1)
    elig = s["n_eligible"].sum(axis=1)
    return np.divide(non, elig, out=np.zeros_like(non), where=elig > 0)


def fig_timeseries(ref: RunResult, yours: RunResult, labels: dict, month: int, start: int,
                   lang: str) -> go.Figure:
    fig = go.Figure()
    r_ref, r_yours = _rate(ref), _rate(yours)
    months = len(r_ref)
    x = np.arange(month + 1)
    for key, r in (("reference", r_ref), ("yours", r_yours)):
        fig.add_trace(go.Scatter(x=x, y=r[: month + 1], name=labels[key], mode="lines",
                                 line=dict(color=WORKSHOP_COLOURS[key], width=5,
                                           dash="solid" if key == "yours" else "dash"),
                                 hovertemplate="%{y:.1%}<extra>" + labels[key] + "</extra>"))
        fig.add_trace(go.Scatter(x=[month], y=[r[month]], mode="markers", showlegend=False,
                                 marker=dict(size=14, color=WORKSHOP_COLOURS[key]), hoverinfo="skip"))
    top = float(max(r_ref.max(), r_yours.max()))
    fig.add_vline(x=start, line=dict(color="#6B7280", width=2, dash="dot"))
    fig.add_annotation(x=start, y=1.02 * top * 1.15, yref="y", text=t("ws.levers", lang), showarrow=False,
                       xanchor="left", xshift=6, font=dict(size=SIZE - 2, color="#4B5563"))
    fig.update_xaxes(title_text=t("axis.month", lang), range=[-0.5, months - 0.5])
    fig.update_yaxes(title_text=t("axis.rate", lang), tickformat=".0%", range=[0, top * 1.2])
    return base_layout(fig, lang, size=SIZE, height=HEIGHTS["ts"], margin=dict(l=90, r=30, t=60, b=70))


CAUSES = ("non_knowledge", "non_proposition", "non_demand", "non_reception")


def fig_causes(ref: RunResult, yours: RunResult, labels: dict, month: int, lang: str) -> go.Figure:
    fig = go.Figure()
    rows = [("reference", ref), ("yours", yours)]
    ylabels = [labels[k] for k, _ in rows][::-1]
    for c, colour in zip(CAUSES, CAUSE_COLOURS):
        xs = []
        for _, res in rows[::-1]:
            s = res.replications[0].series
            elig = s["n_eligible"][month].sum()
            xs.append(s[CAUSE_SERIES[CAUSES.index(c)]][month].sum() / elig if elig else 0.0)
        fig.add_trace(go.Bar(y=ylabels, x=xs, orientation="h", name=t(f"cause.{c}", lang),
                             marker_color=colour, text=[i18n.pct(v, lang, 0) if v >= 0.02 else "" for v in xs],
                             textposition="inside", insidetextanchor="middle",
                             textfont=dict(size=SIZE - 2, color="white"),
                             hovertemplate="%{x:.1%}<extra>" + t(f"cause.{c}", lang) + "</extra>"))
    fig.update_layout(barmode="stack", bargap=0.3)
    fig.update_xaxes(tickformat=".0%", title_text=t("axis.rate", lang))
    for i, (key, _) in enumerate(rows[::-1]):
        fig.add_shape(type="rect", xref="paper", yref="y", x0=-0.012, x1=-0.004, y0=i - 0.35, y1=i + 0.35,
                      fillcolor=WORKSHOP_COLOURS[key], line_width=0)
    base_layout(fig, lang, size=SIZE, height=HEIGHTS["causes"], margin=dict(l=170, r=30, t=20, b=170))
    # legend under the bars: four long labels need the card's full width
    fig.update_layout(legend=dict(yref="container", y=0.01, yanchor="bottom", font=dict(size=SIZE - 3)))
    return fig


def describe(profile: dict, lang: str, feminine: bool = False) -> str:
    """"86 ans, vit seule, village, ni ordinateur ni smartphone, ..." from a persona's attributes."""
    if not profile:
        return ""

    def say(key: str) -> str:  # the feminine form where French needs one
        return t(f"{key}.f" if feminine and i18n.has(f"{key}.f") else key, lang)

    parts = [t("persona.age", lang, age=profile["age"]),
             say(f"persona.type.{profile['household_type']}"),
             say(f"persona.territory.{profile['territory']}"),
             say(f"persona.equipment.{profile['equipment']}"),
             say(f"persona.diploma.{profile['diploma']}"),
             say("persona.helpers.some" if profile["helpers"] > 0 else "persona.helpers.none")]
    return ", ".join(parts)


def fig_personas(j_ref: list[dict], j_yours: list[dict], labels: dict, month: int,
                 lang: str) -> go.Figure:
    """One band per persona, two rows (reference, yours), one square per month coloured by status.

    Drawn on a single pair of axes (one trace per status) so that it redraws
    quickly while the animation plays.
    """
    n = len(j_ref)
    months = len(j_ref[0]["status"]) if n else 0
    fig = go.Figure()
    rows = {}  # (persona, key) -> y
    step = ROWS_PER_PERSONA
    for i in range(n):
        rows[(i, "reference")], rows[(i, "yours")] = -(step * i + 1), -(step * i + 2)
    for status in STATUSES:
        xs, ys, hover = [], [], []
        for i, (a, b) in enumerate(zip(j_ref, j_yours)):
            for key, j in (("reference", a), ("yours", b)):
                for m in range(month + 1):
                    if j["status"][m] == status:
                        xs.append(m)
                        ys.append(rows[(i, key)])
                        channel = t("channel." + j["channel"][m], lang)
                        hover.append(f"{labels[key]} · {t('axis.month', lang)} {m}<br>"
                                     f"{t('state.' + status, lang)}<br>{t('ws.last_attempt', lang, channel=channel)}")
        if not xs:
            continue
        fig.add_trace(go.Scatter(
            x=xs, y=ys, mode="markers", name=t(f"state.{status}", lang), text=hover,
            hovertemplate="%{text}<extra></extra>",
            marker=dict(symbol="square", size=24, color=STATUS_COLOURS[status],
                        line=dict(width=1, color="#9CA3AF" if status == "not_eligible" else "white"))))
    for i, j in enumerate(j_ref):
        title = (f"<b>{t('persona.' + j['key'], lang)}</b>, {describe(j['profile'], lang, j['feminine'])}"
                 f" · <i>{i18n.label('benefit', j['benefit'], lang)}</i>")
        fig.add_annotation(x=0, xref="paper", xanchor="left", y=-(step * i) - 0.35, yanchor="bottom",
                           text=title, showarrow=False, font=dict(size=SIZE - 3))
    ticks = [y for i in range(n) for y in (rows[(i, "reference")], rows[(i, "yours")])]
    fig.update_yaxes(tickvals=ticks, ticktext=[labels["reference"], labels["yours"]] * n,
                     range=[-(step * (n - 1)) - 2.5, 0.6], showgrid=False, zeroline=False,
                     tickfont=dict(size=SIZE - 4))
    fig.update_xaxes(range=[-0.7, months - 0.3], showgrid=False, zeroline=False, dtick=6,
                     title_text=t("axis.month", lang))
    base_layout(fig, lang, size=SIZE - 2, height=personas_height(n), margin=dict(l=170, r=20, t=60, b=60))
    fig.update_layout(legend=dict(font=dict(size=SIZE - 4)))
    return fig
