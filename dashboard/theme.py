"""Look of the figures: fonts, sizes and colours shared by every tab."""

from __future__ import annotations

import plotly.graph_objects as go

from . import i18n

FONT = "Inter, 'Segoe UI', Roboto, 'Helvetica Neue', Arial, sans-serif"
INK = "#1F2937"
GRID = "#E5E7EB"
# ODENORE causes: distinct from the scenario palette (scenario colours are saturated blues/oranges)
CAUSE_COLOURS = ("#8E6C8A", "#E4B363", "#A3B18A", "#6C8EAD")
SERVICE_DASH = {"social_services": "solid", "associations": "dash", "relatives": "dot"}
OUTCOME_COLOURS = {"receiving": "#2E8B57", "waiting": "#56B4E9", "rejected": "#C0392B",
                   "gave_up": "#4B5563", "not_claimed": "#E4B363"}


def base_layout(fig: go.Figure, lang: str, size: int = 15, height: int | None = None,
                legend_top: bool = True, margin: dict | None = None) -> go.Figure:
    """Common layout: white background, large readable type, legend above the plot."""
    fig.update_layout(
        template="plotly_white",
        font=dict(family=FONT, size=size, color=INK),
        separators=i18n.plotly_separators(lang),
        margin=margin or dict(l=70, r=24, t=40, b=60),
        hoverlabel=dict(font_size=size, font_family=FONT),
        paper_bgcolor="white",
        plot_bgcolor="white",
    )
    if legend_top:  # in the top margin, above subplot titles: never over the data
        fig.update_layout(legend=dict(orientation="h", yref="container", y=0.995, yanchor="top",
                                      xanchor="left", x=0, font=dict(size=size), title_text=""))
    if height:
        fig.update_layout(height=height)
    fig.update_xaxes(gridcolor=GRID, zerolinecolor=GRID, title_font=dict(size=size),
                     tickfont=dict(size=size - 1))
    fig.update_yaxes(gridcolor=GRID, zerolinecolor=GRID, title_font=dict(size=size),
                     tickfont=dict(size=size - 1))
    return fig


def rgba(hex_colour: str, alpha: float) -> str:
    h = hex_colour.lstrip("#")
    r, g, b = (int(h[i:i + 2], 16) for i in (0, 2, 4))
    return f"rgba({r},{g},{b},{alpha})"


def empty_figure(lang: str, message_key: str = "common.no_data", height: int = 320) -> go.Figure:
    fig = go.Figure()
    fig.add_annotation(text=i18n.t(message_key, lang), showarrow=False, x=0.5, y=0.5,
                       xref="paper", yref="paper", font=dict(size=18, color="#6B7280"))
    fig.update_xaxes(visible=False)
    fig.update_yaxes(visible=False)
    return base_layout(fig, lang, height=height, legend_top=False)


def axis_dict(size: int) -> dict:
    """An axis in the house style, as a plain dict."""
    return {"gridcolor": GRID, "zerolinecolor": GRID, "linecolor": "#9CA3AF", "automargin": True,
            "title": {"font": {"size": size}, "standoff": 8}, "tickfont": {"size": size - 1}}


def layout_dict(lang: str, size: int = 15, height: int | None = None, margin: dict | None = None) -> dict:
    """The common layout as a plain dict (no plotly template or validation: a fraction of a
    millisecond instead of tens).  Axes grow their margins for their labels (automargin)."""
    layout: dict = {
        "font": {"family": FONT, "size": size, "color": INK},
        "separators": i18n.plotly_separators(lang),
        "margin": margin or {"l": 60, "r": 20, "t": 40, "b": 50},
        "hoverlabel": {"font": {"size": size, "family": FONT}},
        "paper_bgcolor": "white", "plot_bgcolor": "white",
        "xaxis": axis_dict(size), "yaxis": axis_dict(size),
        "showlegend": True,
    }
    if height:
        layout["height"] = height
    return layout
