"""The graph as networkx MultiDiGraphs, for notebooks: who struck whom, who accused whom, and
every interaction (strikes, accusations, speech acts and diplomatic steps) together.

Nodes are IRIs with ``label`` and ``type`` (state, state_force, armed_group, person,
organization, place); each edge is one event, with its ``id``, ``label``, ``date``,
``relation``, the event's own details and how the link is known: ``attribution`` (reported,
alleged, claimed, denied, speculated or external) and ``attributed_by`` (who says so), so that
an alleged perpetrator is never an edge like a reported one. Filters: a date range (``date_from``/``date_to``,
YYYY-MM-DD) and an ``actor`` (IRI, id, label or alias) whose edges alone are kept.

>>> from conflictkg.graph.store import open_store
>>> g = strike_network(open_store("memory"))
>>> [d["date"] for _, _, d in g.edges("https://w3id.org/conflictkg/id/actor/pakistan", data=True)]
['2024-01-18']
>>> [(d["attribution"], d["attributed_by"]) for _, _, d in g.edges("https://w3id.org/conflictkg/id/actor/israel", data=True)]
[('alleged', 'Iran'), ('alleged', 'Iran'), ('alleged', 'Iran')]
"""

from __future__ import annotations

import networkx as nx

from ..domain.accusations import accusations
from ..domain.attribution import as_text, is_reported
from ..domain.actors import ACTOR_TYPES
from ..domain.names import label_index, resolve
from ..store import Store
from ..domain.strikes import parse_date, strikes
from ..domain.timeline import timeline
from ..vocab import CK

_TYPE_NAMES = {iri: name for name, iri in ACTOR_TYPES.items()}


def _add_node(graph: nx.MultiDiGraph, store: Store, node: str) -> None:
    if node in graph:
        return
    index = label_index(store)
    kinds = sorted(_TYPE_NAMES[t] for t in index.types.get(node, ()) if t in _TYPE_NAMES)
    kind = kinds[0] if kinds else ("place" if CK.Place in index.types.get(node, ()) else "other")
    graph.add_node(node, label=index.labels.get(node, node), type=kind)


def _by(entry: dict) -> str:
    return ", ".join(b["label"] for b in entry.get("attributed_by", []))


class _Filter:
    def __init__(self, store: Store, date_from: str | None, date_to: str | None, actor: str | None) -> None:
        self.start, self.end = parse_date(date_from, "date_from"), parse_date(date_to, "date_to")
        self.actors = resolve(store, actor, "actor")

    def keep(self, date: str | None, *nodes: str) -> bool:
        if date and self.start and date[:10] < self.start:
            return False
        if date and self.end and date[:10] > self.end:
            return False
        if (self.start or self.end) and not date:
            return False
        return self.actors is None or bool(self.actors & set(nodes))


def strike_network(store: Store, *, date_from: str | None = None, date_to: str | None = None,
                   actor: str | None = None) -> nx.MultiDiGraph:
    """Perpetrator → struck country, one edge per attack (with weapons, targeted groups, place)."""
    keep = _Filter(store, date_from, date_to, actor)
    graph = nx.MultiDiGraph(name="strikes")
    for strike in strikes(store):
        if not strike["country"]:
            continue
        for perp in strike["perpetrators"]:
            source, target = perp["iri"], strike["country"]["iri"]
            if not keep.keep(strike["date"], source, target):
                continue
            _add_node(graph, store, source)
            _add_node(graph, store, target)
            graph.add_edge(source, target, key=strike["id"], id=strike["id"], label=strike["label"],
                           date=strike["date"], relation="struck", attribution=perp["attribution"],
                           attributed_by=_by(perp), weapons=", ".join(strike["weapons"]),
                           targeted_groups="; ".join(as_text(g) for g in strike["targeted_groups"]),
                           place=(strike["target"] or {}).get("label", ""),
                           fatalities=strike["fatalities"] if strike["fatalities"] is not None else -1)
    return graph


def accusation_network(store: Store, *, date_from: str | None = None, date_to: str | None = None,
                       actor: str | None = None) -> nx.MultiDiGraph:
    """Accuser → accused, one edge per accusation (allegation, date, status)."""
    keep = _Filter(store, date_from, date_to, actor)
    graph = nx.MultiDiGraph(name="accusations")
    for acc in accusations(store):
        source, target = acc["accuser"]["iri"], acc["accused"]["iri"]
        if not keep.keep(acc["date"], source, target):
            continue
        _add_node(graph, store, source)
        _add_node(graph, store, target)
        graph.add_edge(source, target, key=acc["id"], id=acc["id"], label=acc["label"], date=acc["date"] or "",
                       relation="accused", allegation=acc["allegation"] or "", status=acc["status"],
                       attribution="reported", attributed_by="")
    return graph


def interaction_network(store: Store, *, date_from: str | None = None, date_to: str | None = None,
                        actor: str | None = None) -> nx.MultiDiGraph:
    """Every dated event from who acts to whom it is aimed at; ``relation`` is the event's kind."""
    keep = _Filter(store, date_from, date_to, actor)
    graph = nx.MultiDiGraph(name="interactions")
    for event in timeline(store):
        for by in event["by"]:
            for against in event["against"]:
                if by["iri"] == against["iri"] or not keep.keep(event["date"], by["iri"], against["iri"]):
                    continue
                _add_node(graph, store, by["iri"])
                _add_node(graph, store, against["iri"])
                # the edge is as sure as its less sure end (an alleged perpetrator, an alleged target)
                known = next((p for p in (by, against) if not is_reported(p)), by)
                graph.add_edge(by["iri"], against["iri"], key=event["id"], id=event["id"], label=event["label"],
                               date=event["date"], relation=event["kind"], status=event["status"],
                               attribution=known["attribution"], attributed_by=_by(known),
                               escalation=event["escalation"] if event["escalation"] is not None else 0.0)
    return graph
