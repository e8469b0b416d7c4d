"""The RDF and SPARQL results formats conflictkg reads and writes, in one table.

pyoxigraph describes each format itself (``RdfFormat.TURTLE.media_type``, ``.file_extension``,
``.supports_datasets``; ``QueryResultsFormat.JSON.media_type``): this module only says which of
them conflictkg offers where, and the other names people give them.

A file's format comes from its suffix, a short name or a media type:

>>> rdf_format("events.ttl") == ox.RdfFormat.TURTLE
True
>>> rdf_format("application/n-quads; charset=utf-8") == ox.RdfFormat.N_QUADS
True
>>> rdf_format("ontology.owl") == ox.RdfFormat.RDF_XML
True
>>> rdf_format("x.gz")
Traceback (most recent call last):
...
conflictkg.graph.errors.StoreError: unknown RDF format: 'x.gz' (use one of ttl, nt, nq, trig, jsonld, rdf, n3)

HTTP offers answers by media type, the first of each table when the client does not say:

>>> list(GRAPH_TYPES)
['text/turtle', 'application/n-triples', 'application/ld+json', 'application/rdf+xml', 'application/n-quads']
>>> all(fmt.supports_datasets for fmt in DATASET_TYPES.values())
True
>>> RESULT_TYPES["text/csv"] == ox.QueryResultsFormat.CSV
True
>>> FORMAT_NAMES["nt"], FORMAT_NAMES["tsv"]
('application/n-triples', 'text/tab-separated-values')
"""

from __future__ import annotations

from pathlib import Path
from typing import Iterable, TypeVar

import pyoxigraph as ox

from .errors import StoreError

Format = TypeVar("Format", ox.RdfFormat, ox.QueryResultsFormat)

TURTLE, N_TRIPLES, N_QUADS, TRIG = ox.RdfFormat.TURTLE, ox.RdfFormat.N_TRIPLES, ox.RdfFormat.N_QUADS, ox.RdfFormat.TRIG
JSON_LD, RDF_XML, N3 = ox.RdfFormat.JSON_LD, ox.RdfFormat.RDF_XML, ox.RdfFormat.N3
JSON, XML, CSV, TSV = (ox.QueryResultsFormat.JSON, ox.QueryResultsFormat.XML, ox.QueryResultsFormat.CSV,
                       ox.QueryResultsFormat.TSV)

# -- files ---------------------------------------------------------------------------------------

#: The RDF formats conflictkg reads from files and bodies.
RDF_FORMATS = (TURTLE, N_TRIPLES, N_QUADS, TRIG, JSON_LD, RDF_XML, N3)
#: A format by short name or file suffix: its own file extension (``ttl``), or another name people use.
RDF_NAMES: dict[str, ox.RdfFormat] = {
    **{fmt.file_extension: fmt for fmt in RDF_FORMATS},
    "turtle": TURTLE, "ntriples": N_TRIPLES, "nquads": N_QUADS, "json-ld": JSON_LD,
    "xml": RDF_XML, "rdfxml": RDF_XML, "owl": RDF_XML,
}
#: ``conflictkg export --format``: what pyoxigraph writes, by file extension (JSON-LD is compacted
#: with the project's context by :mod:`.export` instead).
EXPORT_FORMATS = {fmt.file_extension: fmt for fmt in (TURTLE, N_TRIPLES, N_QUADS, TRIG, RDF_XML)}
#: ``GET /snapshots/<id>.<ext>``: a snapshot converted on the way out, by file extension.
SNAPSHOT_FORMATS = {fmt.file_extension: fmt for fmt in (N_QUADS, N_TRIPLES, TURTLE, TRIG, JSON_LD)}


def rdf_format(name_or_path: str | Path) -> ox.RdfFormat:
    """The RDF format named by a short name, a media type or a file's suffix."""
    text = str(name_or_path)
    by_media = ox.RdfFormat.from_media_type(text.split(";")[0].strip()) if "/" in text and not Path(text).suffix else None
    if by_media is not None:
        return by_media
    key = text.lower().rsplit(".", 1)[-1]
    if key in RDF_NAMES:
        return RDF_NAMES[key]
    names = ", ".join(fmt.file_extension for fmt in RDF_FORMATS)
    raise StoreError(f"unknown RDF format: {text!r} (use one of {names})")


# -- HTTP ----------------------------------------------------------------------------------------

def media_type(fmt: ox.RdfFormat | ox.QueryResultsFormat) -> str:
    """The format's media type without parameters, as ``Accept`` and ``Content-Type`` name it.

    >>> media_type(ox.QueryResultsFormat.CSV)
    'text/csv'
    """
    return fmt.media_type.split(";")[0]


def by_media_type(formats: Iterable[Format]) -> dict[str, Format]:
    """The formats by their media types, in the order given."""
    return {media_type(fmt): fmt for fmt in formats}


#: SELECT answers; ``application/json`` too, for clients that ask for JSON without saying which.
RESULT_TYPES: dict[str, ox.QueryResultsFormat] = {**by_media_type((JSON, XML, CSV, TSV)), "application/json": JSON}
#: ASK answers: every results format; CSV and TSV carry the bare ``true`` or ``false``, as Oxigraph
#: server answers them, so a client that asks every query in CSV gets an ASK answer too.
BOOLEAN_TYPES = dict(RESULT_TYPES)
#: CONSTRUCT and DESCRIBE answers, the service description, one graph of ``GET /store``.
GRAPH_TYPES = by_media_type((TURTLE, N_TRIPLES, JSON_LD, RDF_XML, N_QUADS))
#: The whole dataset of ``GET /store``.
DATASET_TYPES = by_media_type((N_QUADS, TRIG))
#: What a request body of RDF may be (the Graph Store Protocol's and Oxigraph server's set).
BODY_TYPES = by_media_type((TURTLE, N_TRIPLES, N_QUADS, TRIG, JSON_LD, RDF_XML))
#: Other media types clients ask graphs by, and what answers them: N3 is a superset of Turtle, so a
#: Turtle answer is N3 too (SPARQLWrapper's ``N3`` asks ``text/n3``, ``text/rdf+n3``, ``application/n3``).
GRAPH_ALIASES = {"text/n3": TURTLE, "text/rdf+n3": TURTLE, "application/n3": TURTLE, "application/turtle": TURTLE,
                 "application/x-turtle": TURTLE, "application/x-json+ld": JSON_LD}
#: ``format=`` short names for results; ``conflictkg query --format`` takes the same.
RESULT_NAMES = {"json": JSON, "xml": XML, "csv": CSV, "tsv": TSV}
#: ``format=`` short names for graphs, SPARQLWrapper's return-format constants among them: ``xml``
#: and ``rdf`` are RDF/XML for a graph (as ``xml`` is SPARQL XML for results), ``json`` is JSON-LD,
#: ``n3`` is answered in Turtle.
GRAPH_NAMES = {"ttl": TURTLE, "turtle": TURTLE, "n3": TURTLE, "nt": N_TRIPLES, "ntriples": N_TRIPLES,
               "n-triples": N_TRIPLES, "jsonld": JSON_LD, "json-ld": JSON_LD, "json": JSON_LD, "rdfxml": RDF_XML,
               "rdf+xml": RDF_XML, "rdf": RDF_XML, "xml": RDF_XML, "nq": N_QUADS, "nquads": N_QUADS, "trig": TRIG}
#: ``format=`` short name → the media type it stands for (a result's, where a name serves both).
FORMAT_NAMES = {name: media_type(fmt) for name, fmt in {**GRAPH_NAMES, **RESULT_NAMES}.items()}
#: ``conflictkg query --format`` for a graph: ``xml`` is RDF/XML there, as it is XML for results.
CLI_GRAPH_NAMES = {"ttl": TURTLE, "nt": N_TRIPLES, "jsonld": JSON_LD, "xml": RDF_XML, "nq": N_QUADS}
#: The service description's ``sd:resultFormat``: each media type on offer by its name in W3C's
#: format registry, http://www.w3.org/ns/formats/ (pyoxigraph's ``.iri`` names JSON-LD otherwise).
W3C_FORMATS = {
    "application/sparql-results+json": "SPARQL_Results_JSON", "application/sparql-results+xml": "SPARQL_Results_XML",
    "text/csv": "SPARQL_Results_CSV", "text/tab-separated-values": "SPARQL_Results_TSV",
    "text/turtle": "Turtle", "application/n-triples": "N-Triples", "application/ld+json": "JSON-LD",
    "application/rdf+xml": "RDF_XML", "application/n-quads": "N-Quads",
}


def _names_for(offered: dict[str, Format]) -> tuple[dict, dict]:
    if any(isinstance(fmt, ox.RdfFormat) for fmt in offered.values()):
        return GRAPH_NAMES, GRAPH_ALIASES
    return RESULT_NAMES, {}


def named_format(value: str, offered: dict[str, Format]) -> str | None:
    """The media type among ``offered`` that one ``format=`` value names: a short name, a media
    type, or a comma-separated list of media types (the first on offer wins); None if none is.

    >>> named_format("xml", GRAPH_TYPES), named_format("xml", RESULT_TYPES)
    ('application/rdf+xml', 'application/sparql-results+xml')
    >>> named_format("application/ld+json,application/x-json+ld", GRAPH_TYPES)
    'application/ld+json'
    >>> named_format("n3", GRAPH_TYPES), named_format("ttl", RESULT_TYPES)
    ('text/turtle', None)
    """
    names, aliases = _names_for(offered)
    for item in value.split(","):
        key = item.split(";")[0].strip().lower()
        if key in offered:
            return key
        fmt = names.get(key) or aliases.get(key)
        if fmt is not None and media_type(fmt) in offered:
            return media_type(fmt)
    return None


def accepted_types(offered: dict[str, Format]) -> dict[str, str]:
    """Every media type an ``Accept`` header may name for ``offered``, with the one that answers it
    (an alias such as ``text/n3`` is answered in Turtle, and says so).

    >>> accepted_types(GRAPH_TYPES)["text/n3"]
    'text/turtle'
    """
    _, aliases = _names_for(offered)
    found = {media: media for media in offered}
    for alias, fmt in aliases.items():
        if media_type(fmt) in offered:
            found[alias] = media_type(fmt)
    return found


def format_names(offered: dict[str, Format]) -> list[str]:
    """The ``format=`` short names that name something in ``offered``.

    >>> format_names(BOOLEAN_TYPES)
    ['json', 'xml', 'csv', 'tsv']
    """
    names, _ = _names_for(offered)
    return [name for name, fmt in names.items() if media_type(fmt) in offered]
