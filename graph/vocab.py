"""Namespaces and IRI minting shared by every part of the library.

>>> CK.Attack
'https://w3id.org/conflictkg/ontology#Attack'
>>> iri("actor", "iran")
'https://w3id.org/conflictkg/id/actor/iran'
>>> local_id(iri("actor", "iran"))
'iran'
"""

from __future__ import annotations


class Namespace:
    """A namespace whose attributes are IRIs (not a ``str``: ``DCT.title`` must not be ``str.title``)."""

    def __init__(self, base: str) -> None:
        self._base = base

    def __getattr__(self, name: str) -> str:
        if name.startswith("__"):
            raise AttributeError(name)
        return self._base + name

    def __getitem__(self, name: str) -> str:
        return self._base + name

    def __str__(self) -> str:
        return self._base

    def __repr__(self) -> str:
        return f"Namespace({self._base!r})"


CK = Namespace("https://w3id.org/conflictkg/ontology#")
ID = "https://w3id.org/conflictkg/id/"
RDF = Namespace("http://www.w3.org/1999/02/22-rdf-syntax-ns#")
RDFS = Namespace("http://www.w3.org/2000/01/rdf-schema#")
XSD = Namespace("http://www.w3.org/2001/XMLSchema#")
OWL = Namespace("http://www.w3.org/2002/07/owl#")
SKOS = Namespace("http://www.w3.org/2004/02/skos/core#")
GEO = Namespace("http://www.opengis.net/ont/geosparql#")
PROV = Namespace("http://www.w3.org/ns/prov#")
DCT = Namespace("http://purl.org/dc/terms/")
SEM = Namespace("http://semanticweb.cs.vu.nl/2009/11/sem/")
WD = Namespace("http://www.wikidata.org/entity/")

#: Prefixes for every query the library runs and every Turtle file it writes.
PREFIXES = {
    "ck": str(CK),
    "rdf": str(RDF),
    "rdfs": str(RDFS),
    "xsd": str(XSD),
    "owl": str(OWL),
    "skos": str(SKOS),
    "geo": str(GEO),
    "prov": str(PROV),
    "dcterms": str(DCT),
    "sem": str(SEM),
    "wd": str(WD),
}

SPARQL_PREFIXES = "".join(f"PREFIX {p}: <{ns}>\n" for p, ns in PREFIXES.items())


def iri(kind: str, slug: str) -> str:
    """The IRI of a resource of the seed graph: actor, place, event, claim, evidence, weapon, source."""
    return f"{ID}{kind}/{slug}"


def local_id(resource_iri: str) -> str:
    """The short id of one of our IRIs (its last path segment); other IRIs are returned whole."""
    if resource_iri.startswith(ID):
        return resource_iri.rsplit("/", 1)[-1]
    return resource_iri
