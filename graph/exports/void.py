"""A VoID + DCAT description of the dataset: size, classes, properties, licence, source, snapshots.

>>> from conflictkg.graph.store import open_store
>>> ttl = describe(open_store("memory"), base="http://127.0.0.1:5000", snapshots=[]).decode()
>>> "void:triples" in ttl and "creativecommons.org/licenses/by/4.0" in ttl
True
"""

from __future__ import annotations

import pyoxigraph as ox

from .snapshot import Snapshot
from ..domain.source import ARTICLE_IRI
from ..store import Store
from ..vocab import DCT, RDF, XSD

VOID = "http://rdfs.org/ns/void#"
DCAT = "http://www.w3.org/ns/dcat#"
LICENSE = "https://creativecommons.org/licenses/by/4.0/"

_CLASSES = "SELECT ?c (COUNT(DISTINCT ?s) AS ?n) WHERE { ?s a ?c } GROUP BY ?c ORDER BY ?c"
_PROPERTIES = "SELECT ?p (COUNT(*) AS ?n) WHERE { ?s ?p ?o } GROUP BY ?p ORDER BY ?p"


def describe(store: Store, *, base: str, snapshots: list[Snapshot]) -> bytes:
    """The description as Turtle; ``base`` is the server's root URL (no trailing slash)."""
    dataset = ox.NamedNode(f"{base}/.well-known/void#dataset")
    triples: list[ox.Triple] = []

    def add(s, p: str, o) -> None:
        triples.append(ox.Triple(s, ox.NamedNode(p), o))

    def integer(n: int) -> ox.Literal:
        return ox.Literal(str(n), datatype=ox.NamedNode(XSD.integer))

    add(dataset, RDF.type, ox.NamedNode(VOID + "Dataset"))
    add(dataset, RDF.type, ox.NamedNode(DCAT + "Dataset"))
    add(dataset, DCT.title, ox.Literal("conflictkg: a knowledge graph of armed conflict events", language="en"))
    add(dataset, DCT.license, ox.NamedNode(LICENSE))
    add(dataset, DCT.source, ox.NamedNode(ARTICLE_IRI))
    add(dataset, VOID + "sparqlEndpoint", ox.NamedNode(f"{base}/sparql"))
    add(dataset, VOID + "triples", integer(len(store)))
    classes = store.select(_CLASSES)
    properties = store.select(_PROPERTIES)
    add(dataset, VOID + "classes", integer(len(classes)))
    add(dataset, VOID + "properties", integer(len(properties)))
    for kind, rows, key, count in (("classPartition", classes, "class", "entities"),
                                   ("propertyPartition", properties, "property", "triples")):
        for row in rows:
            part = ox.BlankNode()
            add(dataset, VOID + kind, part)
            add(part, VOID + key, row["c" if key == "class" else "p"])
            add(part, VOID + count, row["n"])
    for snap in snapshots:
        dist = ox.NamedNode(f"{base}/snapshots/{snap.file}")
        add(dataset, DCAT + "distribution", dist)
        add(dist, RDF.type, ox.NamedNode(DCAT + "Distribution"))
        add(dist, DCT.identifier, ox.Literal(snap.id))
        add(dist, DCT.issued, ox.Literal(snap.date, datatype=ox.NamedNode(XSD.date)))
        add(dist, DCAT + "downloadURL", dist)
        add(dist, DCAT + "mediaType", ox.Literal("application/n-quads"))
        add(dist, DCAT + "compressFormat", ox.Literal("application/gzip"))
        add(dist, VOID + "triples", integer(snap.triples))
    return ox.serialize(triples, format=ox.RdfFormat.TURTLE,
                        prefixes={"void": VOID, "dcat": DCAT, "dcterms": str(DCT), "xsd": str(XSD)})
