"""The ``rdflib`` store: rdflib's in-memory Dataset, for users who want plain rdflib objects.

Queries and updates run on rdflib's own SPARQL engine; answers come back as pyoxigraph result
objects, like every other store's, so the API above serializes them the same way. The Dataset
itself is :attr:`RdflibStore.graph`: hand it to any rdflib-based tool.

rdflib's engine is far slower than pyoxigraph's (see the README's store figures): this store is
for the article and small additions, not for a million events.

>>> store = RdflibStore()
>>> store.load(b'<http://example.org/a> <http://example.org/b> "c" .', ox.RdfFormat.N_TRIPLES)
>>> len(store), store.ask("ASK { ?s ?p 'c' }")
(1, True)
>>> [str(o) for s, p, o in store.graph.triples((None, None, None))]
['c']
"""

from __future__ import annotations

from typing import Iterable, Iterator

import pyoxigraph as ox
import rdflib
from rdflib.plugins.sparql import prepareUpdate
from rdflib.term import BNode, Literal, URIRef

from .entailment import ENTAILED, ENTAILED_GRAPH, rebuild
from . import ForeignStore, QueryError, QueryResult, Store, StoreError, triples_result

_DEFAULT = rdflib.graph.DATASET_DEFAULT_GRAPH_ID
_ENTAILED = URIRef(ENTAILED)
_XSD_STRING = ox.NamedNode("http://www.w3.org/2001/XMLSchema#string")


def to_ox(term) -> ox.NamedNode | ox.BlankNode | ox.Literal:
    """An rdflib term as a pyoxigraph one.

    >>> to_ox(Literal("7", datatype=rdflib.XSD.integer))
    <Literal value=7 datatype=<NamedNode value=http://www.w3.org/2001/XMLSchema#integer>>
    """
    if isinstance(term, URIRef):
        return ox.NamedNode(str(term))
    if isinstance(term, BNode):
        return ox.BlankNode(str(term))
    if isinstance(term, Literal):
        if term.language:
            return ox.Literal(str(term), language=term.language)
        return ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype)) if term.datatype else None)
    raise StoreError(f"not an RDF term: {term!r}")


def to_rdflib(term):
    """A pyoxigraph term as an rdflib one (None stays None: a wildcard in a pattern)."""
    if term is None:
        return None
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    if isinstance(term, ox.Literal):
        if term.language:
            return Literal(term.value, lang=term.language)
        if term.datatype == _XSD_STRING:  # rdflib tells "a"^^xsd:string from "a"; RDF 1.1 does not
            return Literal(term.value)
        # as written: rdflib would otherwise rewrite "1000"^^xsd:double as "1000.0"
        return Literal(term.value, datatype=URIRef(term.datatype.value), normalize=False)
    if isinstance(term, ox.DefaultGraph):
        return _DEFAULT
    raise StoreError(f"not an RDF term: {term!r}")


class RdflibStore(ForeignStore):
    """A :class:`~.store.Store` over an ``rdflib.Dataset`` (Memory store)."""

    def __init__(self, spec: str = "rdflib") -> None:
        super().__init__(None, spec)
        # rdflib's Memory store is not safe to read while another thread writes to it: reads here
        # take the ``changing`` lock that every write holds
        self.graph = rdflib.Dataset(default_union=False)
        self._copy: tuple[int, Store] | None = None
        # rdflib imports its SPARQL engine and result writers on first use; a query executor, forked
        # from this process, may open no file: import them now
        for warm_up in ("ASK {}", "SELECT * WHERE { ?s ?p ?o } LIMIT 1"):
            self.graph.query(warm_up).serialize(format="json")
        list(self.graph.query("CONSTRUCT WHERE { ?s ?p ?o }"))

    # -- reading -------------------------------------------------------------------------

    def query(self, sparql: str, *, default_graph=None, named_graphs=None, union_default_graph=False,
              base_iri=None, timeout=None, entailment=None) -> QueryResult:
        # a dataset chosen per query is a protocol feature rdflib's engine lacks, and a GRAPH pattern
        # would see the entailed graph: answer those exactly, from a pyoxigraph copy of this dataset
        if (default_graph is not None or named_graphs is not None or union_default_graph
                or entailment == "rdfs" or (self._entailed() and "GRAPH" in sparql.upper())):
            return self.as_oxigraph().query(sparql, default_graph=default_graph, named_graphs=named_graphs,
                                            union_default_graph=union_default_graph, base_iri=base_iri,
                                            entailment=entailment)
        with self._changing:
            try:
                result = self.graph.query(sparql, base=base_iri)
                if result.type in ("SELECT", "ASK"):
                    body = result.serialize(format="json")
            except Exception as exc:  # pyparsing's and rdflib's evaluation errors share no base class
                raise QueryError(f"rdflib could not run the query: {exc}") from exc
        if result.type in ("SELECT", "ASK"):
            return ox.parse_query_results(body, format=ox.QueryResultsFormat.JSON)
        return triples_result(ox.Quad(to_ox(s), to_ox(p), to_ox(o)) for s, p, o in result)

    def quads_for_pattern(self, subject=None, predicate=None, object=None, graph=None) -> Iterator[ox.Quad]:
        with self._changing:
            found = list(self.graph.quads((to_rdflib(subject), to_rdflib(predicate), to_rdflib(object),
                                           to_rdflib(graph))))
        for s, p, o, g in found:
            name = g.identifier if isinstance(g, rdflib.Graph) else g
            where = ox.DefaultGraph() if name is None or name == _DEFAULT else to_ox(name)
            yield ox.Quad(to_ox(s), to_ox(p), to_ox(o), where)

    def named_graphs(self) -> list[ox.NamedNode | ox.BlankNode]:
        with self._changing:
            return [to_ox(g.identifier) for g in self.graph.graphs()
                    if g.identifier not in (_DEFAULT, _ENTAILED) and len(g)]

    def contains_named_graph(self, graph: str) -> bool:
        return ox.NamedNode(graph) in self.named_graphs()

    def _entailed(self) -> bool:
        with self._changing:
            return len(self.graph.graph(_ENTAILED)) > 0

    def __contains__(self, quad: ox.Quad) -> bool:
        with self._changing:
            return (to_rdflib(quad.subject), to_rdflib(quad.predicate), to_rdflib(quad.object),
                    to_rdflib(quad.graph_name)) in self.graph

    def __len__(self) -> int:
        with self._changing:
            return sum(len(g) for g in self.graph.graphs() if g.identifier != _ENTAILED)

    # -- writing -------------------------------------------------------------------------

    def update(self, sparql: str) -> None:
        try:
            # parsed before anything is touched: a syntax error changes nothing
            prepared = prepareUpdate(sparql)
        except Exception as exc:
            raise QueryError(f"not a valid SPARQL update: {exc}") from exc
        with self._write_lock, self._changing:
            try:
                self.graph.update(prepared)
            except Exception as exc:
                raise QueryError(f"rdflib could not apply the update: {exc}") from exc
            self.generation += 1

    def add_quads(self, quads: Iterable[ox.Quad], *, bulk: bool = False) -> None:
        rows = [(to_rdflib(q.subject), to_rdflib(q.predicate), to_rdflib(q.object),
                 self.graph.graph(to_rdflib(q.graph_name)) if not isinstance(q.graph_name, ox.DefaultGraph)
                 else self.graph.default_graph) for q in quads]
        with self._write_lock, self._changing:
            self.graph.addN(rows)
            self.generation += 1

    def commit(self, removed: list[ox.Quad], added: list[ox.Quad]) -> None:
        """Remove then add, while no reader can see the store (every read here takes ``changing``)."""
        with self._write_lock, self._changing:
            for q in removed:
                self.graph.remove((to_rdflib(q.subject), to_rdflib(q.predicate), to_rdflib(q.object),
                                   to_rdflib(q.graph_name)))
            self.add_quads(added)

    def rebuild_entailment(self) -> None:
        """The entailed graph computed anew, by pyoxigraph on a copy of the default graph."""
        copy = ox.Store()
        copy.bulk_extend(self.quads_for_pattern(graph=ox.DefaultGraph()))
        rebuild(copy)
        entailed = list(copy.quads_for_pattern(None, None, None, ENTAILED_GRAPH))
        with self._write_lock, self._changing:
            self.graph.remove_graph(_ENTAILED)
            self.add_quads(entailed)

    def remove_graph(self, graph: str) -> None:
        with self._write_lock, self._changing:
            self.graph.remove_graph(URIRef(graph))
            self.generation += 1

    def flush(self) -> None:
        """Nothing to do: the Dataset lives in memory."""

    def as_oxigraph(self) -> Store:
        """A pyoxigraph copy of every graph, the entailed one included, kept until the next write."""
        with self._changing:
            if self._copy is None or self._copy[0] != self.generation:
                copy = Store(ox.Store(), "memory")
                copy.add_quads(self.quads_for_pattern())
                self._copy = (self.generation, copy)
            return self._copy[1]

    @property
    def inner(self):
        raise StoreError("the rdflib store has no pyoxigraph engine: use .graph (an rdflib.Dataset)")
