"""The escalation ladder: each event scored on the Goldstein scale through its CAMEO code.

The ontology gives every event class a CAMEO code (``ck:cameoCode``); ``graph/goldstein.csv``
maps codes to the published Goldstein values (-10 war … +10 full cooperation). An event of
two classes (a missile *and* drone strike, an arrest *and* execution) takes the more intense
(lower) score; a code missing from the table falls back to its two-digit root.

>>> goldstein("195"), goldstein("1951"), goldstein("087")
(-10.0, -10.0, 9.0)
>>> from conflictkg.graph.store import open_store
>>> scores = event_scores(open_store("memory"))
>>> scores["https://w3id.org/conflictkg/id/event/2024-01-19-iran-pakistan-agree-to-de-escalate"]
('087', 9.0)
"""

from __future__ import annotations

import csv
from functools import lru_cache
from importlib import resources

from ..store import Store
from ..vocab import SPARQL_PREFIXES


@lru_cache(maxsize=1)
def goldstein_table() -> dict[str, float]:
    text = resources.files("conflictkg.graph.domain").joinpath("goldstein.csv").read_text(encoding="utf-8")
    rows = csv.DictReader(line for line in text.splitlines() if not line.startswith("#"))
    return {row["cameo"]: float(row["goldstein"]) for row in rows}


def goldstein(code: str) -> float | None:
    """The Goldstein value of a CAMEO code, or of the nearest code above it."""
    table = goldstein_table()
    for length in range(len(code), 1, -1):
        if code[:length] in table:
            return table[code[:length]]
    return None


#: every type of each event that has a scored class, with the type's code if it has one
_TYPES = SPARQL_PREFIXES + """SELECT DISTINCT ?e ?class ?code WHERE { %s
  ?e a ?scored . ?scored ck:cameoCode [] . ?e a ?class OPTIONAL { ?class ck:cameoCode ?code } }"""
_TREE = SPARQL_PREFIXES + "SELECT ?sub ?class WHERE { ?sub rdfs:subClassOf ?class FILTER(?sub != ?class) }"


def event_scores(store: Store, pattern: str = "") -> dict[str, tuple[str, float]]:
    """``{event IRI: (CAMEO code, Goldstein score)}`` for every event with a scored class (or only
    those the SPARQL ``pattern`` binds to ``?e``).

    Only an event's most specific classes count: those with no sub-class among its own types. The
    class tree is read by itself and applied here: Virtuoso answers a path inside ``FILTER NOT
    EXISTS`` wrongly, depending on the order the triples were written in (docs/stores.md).
    """
    supers = superclasses(store)
    rows = store.select(_TYPES % pattern)
    types: dict[str, set[str]] = {}
    for row in rows:
        types.setdefault(row["e"].value, set()).add(row["class"].value)
    out: dict[str, tuple[str, float]] = {}
    for row in rows:
        if "code" not in row:
            continue
        code, event, cls = row["code"].value, row["e"].value, row["class"].value
        score = goldstein(code)
        if score is None or any(cls in supers.get(sub, ()) for sub in types[event]):
            continue
        if event not in out or score < out[event][1]:
            out[event] = (code, score)
    return out


def superclasses(store: Store) -> dict[str, set[str]]:
    """Each class of the store's class tree and its strict super-classes, however deep. The tree is
    read edge by edge and walked here: Virtuoso walks a path only from a given start."""
    import networkx as nx

    tree = nx.DiGraph((row["sub"].value, row["class"].value) for row in store.select(_TREE))
    return {sub: nx.descendants(tree, sub) for sub in tree}
