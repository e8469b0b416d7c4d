"""What analysts ask of the networks: who is most accused, who both strikes and is struck,
and how an accusation travels from one actor to another.

>>> from conflictkg.graph.store import open_store
>>> store = open_store("memory")
>>> most_accused(store)[0]
('Israel', 4)
>>> accusation_path(store, "Pakistan", "Jaish al Adl")
['Pakistan', 'Iran', 'Jaish al Adl']
"""

from __future__ import annotations

from collections import Counter

import networkx as nx

from ..domain.actors import find_actor
from ..store import Store
from .views import accusation_network, strike_network


def most_accused(store: Store) -> list[tuple[str, int]]:
    """Actors by how many accusations name them, most first (ties by label)."""
    graph = accusation_network(store)
    counts = Counter(graph.nodes[v]["label"] for _, v in graph.edges())
    return sorted(counts.items(), key=lambda item: (-item[1], item[0]))


def striking_and_struck(store: Store) -> list[str]:
    """Actors that struck and were struck (as the country of an attack), by label."""
    graph = strike_network(store)
    return sorted(graph.nodes[n]["label"] for n in graph if graph.out_degree(n) and graph.in_degree(n))


def accusation_path(store: Store, accuser: str, accused: str) -> list[str] | None:
    """The shortest chain of accusations from ``accuser`` to ``accused`` (labels), or None."""
    graph = accusation_network(store)
    source, target = find_actor(store, accuser), find_actor(store, accused)
    if source not in graph or target not in graph:
        return None
    try:
        return [graph.nodes[n]["label"] for n in nx.shortest_path(graph, source, target)]
    except nx.NetworkXNoPath:
        return None
