"""Facet counts for notebooks: the counts ``/api/strikes/facets`` answers (the same function,
:mod:`conflictkg.graph.domain.facets`), as a pandas DataFrame and as a bar chart.

A perpetrator is counted under its attribution, one row per status, and the chart says it in
each bar's label (``Israel (alleged)``): an alleged actor is never drawn as plain fact.

>>> from conflictkg.graph.store import open_store
>>> store = open_store("memory")
>>> facet_frame(store, "month")[["value", "count"]].values.tolist()
[['2020-01', 1], ['2023-12', 2], ['2024-01', 7]]
>>> facet_frame(store, "perpetrator", country="Iran").query("attribution != 'reported'")[["label", "attribution"]].values.tolist()
[['Islamic State', 'claimed'], ['Israel', 'alleged']]
>>> facet_frame(store, "month", of="accusations").fillna({"value": "undated"})[["value", "count"]].values.tolist()
[['2024-01', 5], ['undated', 8]]
"""

from __future__ import annotations

import pandas as pd
from matplotlib.figure import Figure

from ..domain.facets import accusation_facets, strike_facets
from ..store import Store

COLUMNS = ["value", "label", "attribution", "count"]
_COUNT = {"strikes": strike_facets, "accusations": accusation_facets}


def facet_frame(store: Store, by: str, *, of: str = "strikes", **filters) -> pd.DataFrame:
    """How many strikes (``of="accusations"``: accusations) the filters select, by ``by``: one row per
    value (and attribution), in the route's order. Filters as the list route's, in Python's words
    (``country="Iran"``, ``date_from="2024-01-01"``, ``type="DroneStrike"``)."""
    if of not in _COUNT:
        raise ValueError(f"of: {of!r} is not one of {', '.join(_COUNT)}")
    rows = _COUNT[of](store, by, **filters)
    frame = pd.DataFrame([{"label": r.get("label", r["value"]), "attribution": r.get("attribution"), **r}
                          for r in rows], columns=COLUMNS)
    return frame.astype({"count": "int64"})


def _unsure(attribution) -> bool:
    return not pd.isna(attribution) and attribution != "reported"


def _bar_label(row) -> str:
    if pd.isna(row["value"]):
        return "undated"
    if _unsure(row["attribution"]):
        return f"{row['label']} ({row['attribution']})"
    return str(row["label"])


def facet_figure(store: Store, by: str = "month", *, of: str = "strikes", title: str | None = None,
                 **filters) -> Figure:
    """A bar chart of :func:`facet_frame`: by month (the default) in date order, or by any facet;
    a bar whose actor is not reported as fact is hatched and says its attribution."""
    frame = facet_frame(store, by, of=of, **filters)
    labels = [_bar_label(row) for _, row in frame.iterrows()]
    fig = Figure(figsize=(max(5.0, 0.6 * len(frame) + 2), 4), layout="constrained")
    ax = fig.add_subplot()
    bars = ax.bar(range(len(frame)), frame["count"], color="#1849a9")
    for bar, attribution in zip(bars, frame["attribution"]):
        if _unsure(attribution):
            bar.set(hatch="//", facecolor="#ffffff", edgecolor="#b54708")
    ax.bar_label(bars)
    ax.set_xticks(range(len(frame)), labels, rotation=45 if len(frame) > 6 else 0, ha="right" if len(frame) > 6 else "center")
    ax.set_ylabel(of)
    ax.yaxis.get_major_locator().set_params(integer=True)
    ax.set_title(title or f"{of.capitalize()} by {by}")
    return fig
