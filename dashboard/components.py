"""Shared screen components."""
from __future__ import annotations

import dash_mantine_components as dmc
from dash import html


def kpi_card(metric_name: str, title: str, value: str, detail: str, description: str) -> html.Section:
    """One headline number; the ids carry the metric name so tests and drill-down find it.

    The metric's definition is the card's tooltip: what is counted is one hover away.
    """
    return html.Section(
        [
            html.H2(title, className="kpi-title"),
            html.Div(value, className="kpi-value", id=f"kpi-{metric_name}"),
            html.Div(detail, className="kpi-detail"),
        ],
        className="kpi-card",
        title=description,
    )


def notice(text: str, kind: str = "info") -> dmc.Alert:
    return dmc.Alert(text, color="yellow" if kind == "warning" else "blue", className="notice")
