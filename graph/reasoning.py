"""Entailment: an RDFS closure computed with SPARQL rules inside pyoxigraph.

The stored graph holds what was asserted; queries see it through an *entailed view*: a copy
with the closure added, built once per store version (any write makes a new one). Rules on:

- rdfs9: ``?x a ?C`` and ``?C rdfs:subClassOf+ ?D`` give ``?x a ?D`` — asking for
  ``ck:Attack`` finds missile strikes and bombings, ``ck:Actor`` finds states and persons;
- rdfs7: ``?s ?p ?o`` and ``?p rdfs:subPropertyOf+ ?q`` give ``?s ?q ?o`` — ``ck:actor`` finds
  accusers, ``sem:hasActor`` perpetrators.

Off: domain and range typing (rdfs2/3: the ontology's union classes would type every
node with helper classes), OWL-RL (``owl:sameAs`` smushing would merge our actors with
Wikidata's IRIs).

>>> from conflictkg.graph.store import open_store
>>> view = entailed(open_store("memory"))
>>> view.ask("ASK { <https://w3id.org/conflictkg/id/event/2024-01-03-kerman-bombings> a "
...          "<https://w3id.org/conflictkg/ontology#Attack> }")
True
"""

from __future__ import annotations

import tempfile
import weakref

import pyoxigraph as ox

from .store import Store, open_store
from .vocab import SPARQL_PREFIXES

RULES = (
    SPARQL_PREFIXES + "INSERT { ?x a ?super } WHERE { ?c rdfs:subClassOf+ ?super . ?x a ?c . FILTER(isIRI(?super)) }",
    SPARQL_PREFIXES + "INSERT { ?s ?super ?o } WHERE { ?p rdfs:subPropertyOf+ ?super . ?s ?p ?o . FILTER(isIRI(?super)) }",
)

#: The values of the ``entailment`` option of /sparql and ``conflictkg query``.
ENTAILMENTS = ("rdfs", "none")


def close(store: Store) -> Store:
    """Add the RDFS closure to ``store`` itself."""
    for rule in RULES:
        store.update(rule)
    return store


# Weak keys, as for the label index: a view must not keep an on-disk store (and its lock) alive.
_VIEWS: "weakref.WeakKeyDictionary[Store, tuple[int, Store]]" = weakref.WeakKeyDictionary()


def entailed(store: Store) -> Store:
    """The entailed view of ``store`` (rebuilt after each write to it)."""
    cached = _VIEWS.get(store)
    if cached is None or cached[0] != store.generation:
        view = open_store("memory", seed=False)
        # through a file, not bytes: at a million events the dump alone is 2 GB of memory
        with tempfile.TemporaryFile() as spool:
            store.dump(spool, fmt=ox.RdfFormat.N_QUADS)
            spool.seek(0)
            view.inner.bulk_load(spool, format=ox.RdfFormat.N_QUADS)
        cached = (store.generation, close(view))
        _VIEWS[store] = cached
    return cached[1]


def with_entailment(store: Store, entailment: str | None = None) -> Store:
    """The store as seen under ``entailment``: ``rdfs`` (the default), or ``none``.

    A remote engine is queried as it is (default ``none``): the entailed view is a local copy of
    the whole graph, which is what a remote store is there to avoid. Its engine may reason itself.
    """
    if entailment is None:
        entailment = "none" if store.remote else "rdfs"
    if entailment not in ENTAILMENTS:
        raise ValueError(f"entailment: {entailment!r} is not one of {', '.join(ENTAILMENTS)}")
    if entailment == "rdfs" and store.remote:
        raise ValueError("entailment: rdfs is computed on a local copy of the graph, which a remote store "
                         "never makes; use the engine's own reasoning, or rdfs:subClassOf* in the query")
    return entailed(store) if entailment == "rdfs" else store
