"""The conflictkg ontology (``ontology/conflictkg.ttl``) and JSON-LD context, read from the package.

Both files ship inside the installed package (``conflictkg.ontology``) and are read with
:mod:`importlib.resources`, so a wheel works as well as a checkout.

>>> from conflictkg.graph.vocab import CK
>>> CK.MissileStrike in declared_terms()
True
>>> cameo_codes()[CK.SuicideBombing]
'1831'
>>> jsonld_context()["@context"]["perpetrator"]
{'@id': 'ck:perpetrator', '@type': '@id'}
"""

from __future__ import annotations

import json
from functools import lru_cache
from importlib import resources

import pyoxigraph as ox

from .vocab import CK, OWL, RDF, RDFS

PACKAGE = "conflictkg.ontology"
ONTOLOGY_FILE = "conflictkg.ttl"
CONTEXT_FILE = "context.jsonld"
#: The ontology's own IRI (its header subject); terms live under ``CK`` (``…ontology#``).
ONTOLOGY_IRI = "https://w3id.org/conflictkg/ontology"

#: rdf:type objects that declare a class or a property.
CLASS_TYPES = frozenset({OWL.Class, RDFS.Class})
PROPERTY_TYPES = frozenset({OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty, RDF.Property})


def ontology_turtle() -> bytes:
    """The ontology as the Turtle file shipped with the package."""
    return resources.files(PACKAGE).joinpath(ONTOLOGY_FILE).read_bytes()


@lru_cache(maxsize=1)
def ontology_graph() -> tuple[ox.Triple, ...]:
    """The ontology's triples, parsed once per process.

    >>> any(t.subject.value == ONTOLOGY_IRI and t.object.value == OWL.Ontology for t in ontology_graph())
    True
    """
    quads = ox.parse(ontology_turtle(), format=ox.RdfFormat.TURTLE, base_iri=ONTOLOGY_IRI)
    return tuple(quad.triple for quad in quads)


@lru_cache(maxsize=1)
def ontology_ntriples() -> bytes:
    """The ontology as N-Triples, ready for ``Store.load(data, "nt")``."""
    return ox.serialize(ontology_graph(), format=ox.RdfFormat.N_TRIPLES)


@lru_cache(maxsize=4)
def _declared(namespace: str) -> frozenset[str]:
    wanted = CLASS_TYPES | PROPERTY_TYPES
    return frozenset(
        t.subject.value
        for t in ontology_graph()
        if isinstance(t.subject, ox.NamedNode)
        and t.predicate.value == RDF.type
        and t.object.value in wanted
        and t.subject.value.startswith(namespace)
    )


def declared_terms(namespace: str = str(CK)) -> set[str]:
    """Every class and property IRI the ontology declares in ``namespace`` (ck: by default).

    The ontology also declares the external terms it builds on (sem:Event, prov:Entity,
    geo:Feature…) so that OWL 2 DL tools accept it; pass ``namespace=""`` to get those too.

    >>> CK.perpetrator in declared_terms() and CK.cameoCode in declared_terms()
    True
    >>> "http://semanticweb.cs.vu.nl/2009/11/sem/Event" in declared_terms()
    False
    >>> "http://semanticweb.cs.vu.nl/2009/11/sem/Event" in declared_terms("")
    True
    """
    return set(_declared(namespace))


@lru_cache(maxsize=1)
def _cameo() -> dict[str, str]:
    return {
        t.subject.value: t.object.value
        for t in ontology_graph()
        if t.predicate.value == CK.cameoCode and isinstance(t.subject, ox.NamedNode)
    }


def cameo_codes() -> dict[str, str]:
    """Event class IRI → its CAMEO code (a string: codes keep leading zeros).

    >>> cameo_codes()[CK.Denial]
    '016'
    """
    return dict(_cameo())


def jsonld_context() -> dict:
    """The JSON-LD 1.1 context document (``{"@context": {...}}``) for conflictkg data.

    Give it inline (``{"@context": jsonld_context()["@context"], ...}``): JSON-LD parsers here
    do not fetch remote contexts.
    """
    return json.loads(resources.files(PACKAGE).joinpath(CONTEXT_FILE).read_text(encoding="utf-8"))
