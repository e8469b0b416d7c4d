"""Exports of the whole graph: RDF through the store's own serializers, JSON-LD compacted
with the project's context, and GraphML/GEXF for Gephi and yEd.

>>> import io
>>> from conflictkg.graph.store import open_store
>>> store = open_store("memory")
>>> out = io.BytesIO()
>>> export(store, "nt", out)
>>> out.getvalue().count(b" .\\n") == len(store)
True
"""

from __future__ import annotations

import io
from typing import IO, TYPE_CHECKING, Callable

import pyoxigraph as ox

from ..domain.acled import export_acled
from ..formats import EXPORT_FORMATS
from ..ontology import jsonld_context
from ..store import Store
from ..vocab import PREFIXES, RDF, RDFS, SPARQL_PREFIXES

if TYPE_CHECKING:
    import networkx as nx



def _rdf(fmt: ox.RdfFormat) -> Callable[[Store, IO[bytes]], None]:
    def write(store: Store, out: IO[bytes]) -> None:
        prefixes = PREFIXES if fmt in (ox.RdfFormat.TURTLE, ox.RdfFormat.TRIG, ox.RdfFormat.RDF_XML) else None
        store.dump(out, fmt, prefixes=prefixes)
    return write


def _jsonld(store: Store, out: IO[bytes]) -> None:
    """JSON-LD compacted with ontology/context.jsonld (rdflib: pyoxigraph does not compact)."""
    import rdflib

    graph = rdflib.Graph()
    graph.parse(data=store.dump(fmt=ox.RdfFormat.N_TRIPLES), format="nt")
    context = jsonld_context()["@context"]
    text = graph.serialize(format="json-ld", context=context, auto_compact=True)
    out.write(text.encode("utf-8"))


_UNSURE = SPARQL_PREFIXES + """
SELECT ?c ?e ?p ?v ?status (GROUP_CONCAT(?who; separator=", ") AS ?by) WHERE {
  ?c ck:claimAbout ?e ; ck:claimProperty ?p ; ck:claimValue ?v ; ck:status ?status .
  FILTER (?status != "reported" && ?p IN (ck:perpetrator, ck:targetedGroup, ck:respondsTo))
  OPTIONAL { ?c ck:claimant/rdfs:label ?who }
} GROUP BY ?c ?e ?p ?v ?status"""


def to_networkx(store: Store) -> nx.MultiDiGraph:
    """Resources as nodes (string ids, label and type attributes), IRI-valued triples as edges.

    Literal values other than the label become scalar node attributes named by the
    property's local name, as Gephi and yEd expect. Every edge has an ``attribution``: a plain
    triple is ``reported``; a perpetrator, targeted group or response the source only alleges
    (claims, speculates, or that comes from outside it) is an edge too, drawn from its claim, with
    the claim's status and ``attributed_by`` (its claimants), so that Gephi can tell them apart.
    """
    import networkx as nx  # here: a tenth of a second of every command's start otherwise

    graph = nx.MultiDiGraph()
    for quad in store.quads():
        s, p, o = quad.subject, quad.predicate.value, quad.object
        if not isinstance(s, ox.NamedNode):
            continue
        node = graph.add_node(s.value) or graph.nodes[s.value]
        if p == RDF.type:
            node["type"] = o.value.rsplit("#", 1)[-1].rsplit("/", 1)[-1]
        elif isinstance(o, ox.Literal):
            key = "label" if p == RDFS.label else p.rsplit("#", 1)[-1].rsplit("/", 1)[-1]
            node.setdefault(key, o.value)
        elif isinstance(o, ox.NamedNode):
            graph.add_edge(s.value, o.value, key=p, predicate=p, label=p.rsplit("#", 1)[-1].rsplit("/", 1)[-1],
                           attribution="reported", attributed_by="")
    for row in store.select(_UNSURE):
        prop = row["p"].value
        graph.add_edge(row["e"].value, row["v"].value, key=f"{prop} {row['c'].value}", predicate=prop,
                       label=prop.rsplit("#", 1)[-1], attribution=row["status"].value,
                       attributed_by=row["by"].value if "by" in row else "")
    for _, data in graph.nodes(data=True):
        data.setdefault("label", "")
        data.setdefault("type", "")
    return graph


def _acled(store: Store, out: IO[bytes]) -> None:
    text = io.TextIOWrapper(out, encoding="utf-8", newline="", write_through=True)
    try:
        export_acled(store, text)
    finally:
        text.detach()  # leave the caller's stream open


def _graphml(store: Store, out: IO[bytes]) -> None:
    import networkx as nx

    nx.write_graphml(to_networkx(store), out)


def _gexf(store: Store, out: IO[bytes]) -> None:
    import networkx as nx

    nx.write_gexf(to_networkx(store), out)


#: Every export format by its name on the command line.
EXPORTS: dict[str, Callable[[Store, IO[bytes]], None]] = {
    # written by pyoxigraph: 10–70× faster than rdflib's serializers
    **{name: _rdf(fmt) for name, fmt in EXPORT_FORMATS.items()},
    "jsonld": _jsonld,
    "graphml": _graphml,
    "gexf": _gexf,
    "acled-csv": _acled,
}


def export(store: Store, fmt: str, out: IO[bytes]) -> None:
    """Write the store in ``fmt`` (a key of :data:`EXPORTS`) to the binary stream ``out``."""
    try:
        writer = EXPORTS[fmt]
    except KeyError:
        raise ValueError(f"unknown export format {fmt!r}: use one of {', '.join(EXPORTS)}") from None
    writer(store, out)
