"""Pictures of the graph: networks (matplotlib and an offline pyvis page), a timeline and a map.

Everything returns a matplotlib ``Figure`` (no pyplot state, so it works in scripts, tests and
notebooks alike) or, for pyvis, the HTML text. Needs the ``viz`` extra (matplotlib, pyvis).
"""

from __future__ import annotations

import datetime as dt
import re
from importlib import resources
from pathlib import Path

import networkx as nx
from matplotlib.backend_bases import FigureCanvasBase
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.lines import Line2D

from ..domain.attribution import is_reported
from ..domain.names import label_index
from ..store import Store
from ..domain.strikes import strikes
from ..domain.timeline import timeline
from ..vocab import SPARQL_PREFIXES

TYPE_COLOURS = {"state": "#1f77b4", "state_force": "#17becf", "armed_group": "#d62728", "person": "#9467bd",
                "organization": "#8c564b", "place": "#7f7f7f", "other": "#bcbd22"}
RELATION_STYLES = {"struck": ("#d62728", "solid"), "attack": ("#d62728", "solid"),
                   "accused": ("#ff7f0e", "dashed"), "speech_act": ("#ff7f0e", "dashed"),
                   "diplomatic_action": ("#2ca02c", "dotted"), "coercion": ("#8c564b", "dashdot")}
KIND_COLOURS = {"attack": "#d62728", "speech_act": "#ff7f0e", "diplomatic_action": "#2ca02c",
                "coercion": "#8c564b", "event": "#7f7f7f"}


#: How an edge that is not reported (alleged, claimed, speculated, external) is drawn, whatever its relation.
UNSURE_STYLE = (0.45, (0, (2, 2)))


def network_figure(graph: nx.MultiDiGraph, *, title: str | None = None, seed: int = 7) -> Figure:
    """The network: nodes coloured by actor type, edges styled by relation, width by count; an
    edge whose attribution is not reported (alleged, claimed…) is faint and finely dashed."""
    fig = Figure(figsize=(11, 8), layout="constrained")
    ax = fig.add_subplot()
    ax.set_axis_off()
    ax.set_title(title or graph.graph.get("name", "network").capitalize())
    if not graph:
        ax.text(0.5, 0.5, "nothing to draw", ha="center", va="center")
        return fig
    pos = nx.spring_layout(nx.Graph(graph), seed=seed, k=1.6 / max(1, len(graph)) ** 0.5)
    colours = [TYPE_COLOURS.get(graph.nodes[n].get("type", "other"), TYPE_COLOURS["other"]) for n in graph]
    nx.draw_networkx_nodes(graph, pos, ax=ax, node_color=colours, node_size=520, alpha=0.9)
    nx.draw_networkx_labels(graph, pos, ax=ax, labels={n: graph.nodes[n]["label"] for n in graph}, font_size=8)
    counts: dict[tuple, int] = {}
    for u, v, data in graph.edges(data=True):
        key = (u, v, data.get("relation", ""), is_reported(data))
        counts[key] = counts.get(key, 0) + 1
    for (u, v, relation, reported), count in counts.items():
        colour, style = RELATION_STYLES.get(relation, ("#7f7f7f", "solid"))
        alpha, style = (1.0, style) if reported else UNSURE_STYLE
        nx.draw_networkx_edges(graph, pos, ax=ax, edgelist=[(u, v)], edge_color=colour, style=style, alpha=alpha,
                               width=1 + count, arrows=True, arrowsize=14,
                               connectionstyle=f"arc3,rad={0.12 if reported else 0.3}", node_size=520)
    used_types = sorted({graph.nodes[n].get("type", "other") for n in graph})
    used_relations = sorted({r for _, _, r, _ in counts})
    handles = [Line2D([], [], marker="o", linestyle="", color=TYPE_COLOURS.get(t, "#bcbd22"), label=t) for t in used_types]
    handles += [Line2D([], [], color=RELATION_STYLES.get(r, ("#7f7f7f", "solid"))[0],
                       linestyle=RELATION_STYLES.get(r, ("#7f7f7f", "solid"))[1], label=r) for r in used_relations]
    if not all(reported for *_, reported in counts):
        handles.append(Line2D([], [], color="#555555", alpha=UNSURE_STYLE[0], linestyle=UNSURE_STYLE[1],
                              label="alleged, claimed or external (not reported)"))
    # beside the drawing, not over it: a legend inside the axes hid the nodes under it
    ax.legend(handles=handles, loc="upper left", bbox_to_anchor=(1.0, 1.0), fontsize=8, frameon=False)
    return fig


def _vis_css() -> str:
    return resources.files("pyvis").joinpath("templates/lib/vis-9.1.2/vis-network.css").read_text(encoding="utf-8")


def pyvis_html(graph: nx.MultiDiGraph, *, height: str = "700px") -> str:
    """An interactive page of the network that needs no network: every script and style inline."""
    from pyvis.network import Network

    net = Network(height=height, width="100%", directed=True, cdn_resources="in_line")
    for node, data in graph.nodes(data=True):
        net.add_node(node, label=data.get("label", node), title=f"{data.get('label', node)} ({data.get('type', '')})",
                     color=TYPE_COLOURS.get(data.get("type", "other"), "#bcbd22"))
    for u, v, data in graph.edges(data=True):
        colour, style = RELATION_STYLES.get(data.get("relation", ""), ("#7f7f7f", "solid"))
        known = "" if is_reported(data) else f" ({data['attribution']}" + (
            f" by {data['attributed_by']})" if data.get("attributed_by") else ")")
        net.add_edge(u, v, title=f"{data.get('date', '')} {data.get('label', '')}{known}", color=colour,
                     dashes=style != "solid" or not is_reported(data))
    html = net.generate_html()
    # pyvis "in_line" still links Bootstrap from a CDN (layout only) and vis-network's CSS: drop one, inline the other
    html = re.sub(r'<link[^>]+href="https?://[^"]+"[^>]*>', "", html)
    html = re.sub(r'<script[^>]+src="https?://[^"]+"[^>]*>\s*</script>', "", html)
    return html.replace("</head>", f"<style>{_vis_css()}</style></head>", 1)


def pyvis_iframe(graph: nx.MultiDiGraph, *, height: int = 600) -> str:
    """The interactive page inside an ``<iframe srcdoc>``, for a notebook to show inline
    (``display(HTML(...))``): its scripts run in the frame, offline, apart from the notebook's."""
    import html

    page = pyvis_html(graph, height=f"{height - 20}px")
    return (f'<iframe srcdoc="{html.escape(page, quote=True)}" style="width: 100%; height: {height}px; border: 0" '
            f'title="interactive network"></iframe>')


def write_pyvis(graph: nx.MultiDiGraph, path: str | Path) -> Path:
    path = Path(path)
    path.write_text(pyvis_html(graph), encoding="utf-8")
    return path


def _day(text: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        return None


def timeline_figure(store: Store, *, date_from: str | None = None, date_to: str | None = None) -> Figure:
    """Events on a time axis, one lane per kind, coloured by kind, with arrows for stated responses."""
    events = [e for e in timeline(store) if _day(e["date"])
              and (not date_from or e["date"] >= date_from) and (not date_to or e["date"] <= date_to)]
    fig = Figure(figsize=(12, 6), layout="constrained")
    ax = fig.add_subplot()
    lanes = {kind: i for i, kind in enumerate(k for k in KIND_COLOURS if any(e["kind"] == k for e in events))}
    position: dict[str, tuple] = {}
    stacked: dict[tuple, int] = {}
    for event in events:
        day, lane = _day(event["date"]), lanes[event["kind"]]
        offset = stacked.get((day, lane), 0)
        stacked[(day, lane)] = offset + 1
        y = lane + 0.13 * offset
        position[event["id"]] = (day, y)
        ax.scatter([day], [y], color=KIND_COLOURS[event["kind"]], s=60, zorder=3)
    for event in events:
        for other in event["responds_to"]:
            if other in position:
                ax.annotate("", xy=position[event["id"]], xytext=position[other],
                            arrowprops={"arrowstyle": "->", "color": "#555555", "lw": 0.8,
                                        "connectionstyle": "arc3,rad=0.25"})
    ax.set_yticks(list(lanes.values()), [k.replace("_", " ") for k in lanes])
    ax.set_title("Events by kind; arrows: the response the article reports")
    fig.autofmt_xdate()
    return fig


_WKT = SPARQL_PREFIXES + "SELECT ?place ?wkt WHERE { ?place geo:hasGeometry/geo:asWKT ?wkt }"
_POINT = re.compile(r"POINT\s*\(\s*(-?[\d.]+)\s+(-?[\d.]+)\s*\)", re.I)


def strike_map(store: Store, *, date_from: str | None = None, date_to: str | None = None) -> Figure:
    """Strikes at their places' coordinates, an arrow from each perpetrator state's centre (no tiles)."""
    points = {}
    for row in store.select(_WKT):
        match = _POINT.search(row["wkt"].value)
        if match:
            points[row["place"].value] = (float(match.group(1)), float(match.group(2)))
    index = label_index(store)
    fig = Figure(figsize=(11, 6.5), layout="constrained")
    ax = fig.add_subplot()
    ax.set_title("Strikes (arrows from the perpetrator's country; dashed: alleged, claimed or external)")
    ax.set_xlabel("longitude")
    ax.set_ylabel("latitude")
    ax.set_aspect("equal")
    ax.grid(True, linewidth=0.3, zorder=1)
    # where each strike hit: its target, else where it happened (the Kerman bombs went off "near the tomb")
    shown = [(s, (s["target"] or s["location"])) for s in strikes(store, date_from=date_from, date_to=date_to)]
    shown = [(s, where) for s, where in shown if where and where["iri"] in points]
    frame = None
    if shown:  # frame the strikes; a far perpetrator (the United States) is named, not drawn off the chart
        xs = [points[where["iri"]][0] for _, where in shown]
        ys = [points[where["iri"]][1] for _, where in shown]
        frame = (min(xs) - 6, max(xs) + 8, min(ys) - 5, max(ys) + 5)
        ax.set_xlim(*frame[:2])
        ax.set_ylim(*frame[2:])
    _basemap(ax)
    texts, named = [], set()
    for strike, where in shown:
        place = where["iri"]
        x, y = points[place]
        ax.scatter([x], [y], color="#d62728", s=_size(strike["fatalities"]), alpha=0.7, zorder=3)
        far = [p["label"] for p in strike["perpetrators"] if p["iri"] in points and not _inside(points[p["iri"]], frame)]
        texts.append(ax.text(x, y, f"{where['label']} {strike['date']}"
                             + (f" (from {', '.join(far)})" if far else ""), fontsize=7, zorder=4))
        for perp in strike["perpetrators"]:
            if perp["iri"] in points and perp["iri"] != place and _inside(points[perp["iri"]], frame):
                px, py = points[perp["iri"]]
                alpha, style = (0.6, "solid") if is_reported(perp) else UNSURE_STYLE
                ax.annotate("", xy=(x, y), xytext=(px, py),
                            arrowprops={"arrowstyle": "->", "color": "#555555", "alpha": alpha, "lw": 0.8,
                                        "linestyle": style})
                ax.scatter([px], [py], color=TYPE_COLOURS["state"], s=25, zorder=2)
                if perp["iri"] not in named:
                    named.add(perp["iri"])
                    texts.append(ax.text(px, py, index.labels.get(perp["iri"], ""), fontsize=8,
                                         color=TYPE_COLOURS["state"], zorder=4))
    _unclutter(ax, texts)
    _map_legend(ax, [strike for strike, _ in shown])
    return fig


# -- the strike map's basemap, labels and legend -----------------------------------------------------

def _size(fatalities) -> float:
    return 40 + 4 * (fatalities or 0) ** 0.5 * 10


def _inside(point: tuple, frame: tuple | None) -> bool:
    return frame is None or (frame[0] <= point[0] <= frame[1] and frame[2] <= point[1] <= frame[3])


def _basemap(ax) -> None:
    """Natural Earth's coastlines and borders under the strikes, where they are installed."""
    from .basemap import BasemapMissing, draw_outlines

    try:
        draw_outlines(ax)
    except BasemapMissing:
        pass  # the grid alone, as before `make install`


def _unclutter(ax, texts: list) -> None:
    """Labels moved off each other and off the points (adjustText), with a line to their point."""
    try:
        from adjustText import adjust_text
    except ImportError:
        return
    if type(ax.figure.canvas) is FigureCanvasBase:  # a bare Figure: measure with the renderer it will be saved with
        FigureCanvasAgg(ax.figure)
    ax.figure.canvas.draw()  # adjustText measures the labels as drawn
    adjust_text(texts, ax=ax, expand=(1.2, 1.4), arrowprops={"arrowstyle": "-", "color": "#98a2b3", "lw": 0.5})


def _map_legend(ax, shown: list) -> None:
    """What the colours and the circles' sizes mean, outside the map so it hides no strike."""
    handles = [Line2D([], [], marker="o", linestyle="", color="#d62728", alpha=0.7, label="strike"),
               Line2D([], [], marker="o", linestyle="", color=TYPE_COLOURS["state"], label="perpetrator state"),
               Line2D([], [], color="#555555", label="from the perpetrator (reported)"),
               Line2D([], [], color="#555555", alpha=UNSURE_STYLE[0], linestyle=UNSURE_STYLE[1],
                      label="alleged, claimed or external")]
    largest = max((s["fatalities"] or 0 for s in shown), default=0)
    for deaths in sorted({0, 10, largest}):
        if deaths <= largest:
            handles.append(Line2D([], [], marker="o", linestyle="", color="#d62728", alpha=0.4,
                                  markersize=_size(deaths) ** 0.5, label=f"{deaths} killed"))
    ax.legend(handles=handles, loc="upper left", bbox_to_anchor=(1.01, 1), fontsize=8, frameon=False,
              labelspacing=1.2, borderaxespad=0)


def dyad_timeline_figure(store: Store, *, date_from: str | None = None, date_to: str | None = None) -> Figure:
    """Events on a time axis, one lane per pair of actors (who acts, against whom), coloured by
    kind, each labelled (labels kept apart by adjustText), arrows for the responses the article
    reports."""
    def sides(event) -> tuple[dict | None, dict | None]:
        """Who acts (a reported party first) and against whom (else the country struck)."""
        by = sorted(event["by"], key=lambda p: not is_reported(p))
        reported = [p for p in event["against"] if is_reported(p)]
        against = reported or ([event["country"]] if event["country"] else []) or event["against"]
        return (by[0] if by else None), (against[0] if against else None)

    events = [e for e in timeline(store) if _day(e["date"]) and all(sides(e))
              and (not date_from or e["date"] >= date_from) and (not date_to or e["date"] <= date_to)]

    def dyad(event) -> str:
        return " – ".join(sorted({side["label"] for side in sides(event)}))

    order = sorted({dyad(e) for e in events}, key=lambda d: min(e["date"] for e in events if dyad(e) == d))
    lanes = {d: len(order) - 1 - n for n, d in enumerate(order)}  # the first pair at the top
    fig = Figure(figsize=(13, 1.2 + 0.75 * max(1, len(lanes))), layout="constrained")
    ax = fig.add_subplot()
    position: dict[str, tuple] = {}
    stacked: dict[tuple, int] = {}
    texts = []
    for event in events:
        day, lane = _day(event["date"]), lanes[dyad(event)]
        offset = stacked.get((day, lane), 0)
        stacked[(day, lane)] = offset + 1
        y = lane + 0.16 * offset
        position[event["id"]] = (day, y)
        colour = KIND_COLOURS.get(event["kind"], KIND_COLOURS["event"])
        actor = sides(event)[0]
        reported = is_reported(actor)
        # an actor only alleged (or claimed) is a hollow point, and its label says so
        ax.scatter([day], [y], s=50, zorder=3, color=colour if reported else "none", edgecolors=colour)
        short = event["label"] if len(event["label"]) <= 38 else event["label"][:36].rstrip() + "…"
        texts.append(ax.text(day, y, short if reported else f"{short} ({actor['attribution']})", fontsize=7, zorder=4))
    for event in events:
        for other in event["responds_to"]:
            if other in position:
                ax.annotate("", xy=position[event["id"]], xytext=position[other], zorder=2,
                            arrowprops={"arrowstyle": "->", "color": "#98a2b3", "lw": 0.7,
                                        "connectionstyle": "arc3,rad=0.2"})
    ax.set_yticks(list(lanes.values()), list(lanes))
    ax.set_ylim(-0.7, len(lanes) - 0.3)
    ax.grid(True, axis="y", linewidth=0.3)
    ax.set_title("Events by pair of actors; arrows: the response the article reports")
    kinds = [k for k in KIND_COLOURS if any(e["kind"] == k for e in events)]
    ax.legend(handles=[Line2D([], [], marker="o", linestyle="", color=KIND_COLOURS[k], label=k.replace("_", " "))
                       for k in kinds], loc="upper left", bbox_to_anchor=(1.0, 1.0), fontsize=8, frameon=False)
    fig.autofmt_xdate()
    _unclutter(ax, texts)
    return fig
