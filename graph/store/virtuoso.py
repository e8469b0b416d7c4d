"""WKT literals kept as written on an engine that rewrites them: Virtuoso.

Virtuoso stores every ``geo:wktLiteral`` as its own geometry (``virtrdf:Geometry``), and a point written
``POINT(x y)`` with its coordinates rounded through single precision: ``POINT(67.71 33.94)`` comes back as
``POINT(67.709999084473 33.939998626709)`` with the datatype ``virtrdf:Geometry``, and a query or a
``DELETE DATA`` that names the literal as written fails ("Bad datatype code") or matches nothing. No
setting of Virtuoso 7.2 turns this off. So on such an engine the ``sparql:`` store sends every WKT literal
under a datatype of its own, :data:`AS_WRITTEN`, which the engine keeps as it keeps any typed literal, and
reads it back as ``geo:wktLiteral``: the text, the shapes, the snapshot ids and the writes that name a
geometry are those of every other store.

:class:`WktCodec` does both directions: the SPARQL text and the quads sent to the engine, and the answers
read from it. Whether an engine needs it is asked once (:data:`PROBE`): an engine that answers the text
of a WKT literal other than as written gets the codec. Geometries stored by Virtuoso itself (its own
loader, or a writer that did not go through conflictkg) come back as ``geo:wktLiteral`` with every
coordinate that was rounded through single precision written as the shortest decimal that single
precision gives back (``67.709999084473`` → ``67.71``): exact for coordinates of at most 6 significant
digits, not for longer ones, nor for trailing zeros (``34.80`` → ``34.8``).

>>> codec = WktCodec()
>>> codec.sparql('PREFIX g: <http://www.opengis.net/ont/geosparql#> ASK { ?x ?p "a g:wktLiteral"^^g:wktLiteral }')
'PREFIX g: <http://www.opengis.net/ont/geosparql#> ASK { ?x ?p "a g:wktLiteral"^^<https://w3id.org/conflictkg/engine#wktLiteral> }'
>>> single_precision_recovered("POINT(67.709999084473 33.939998626709)")
'POINT(67.71 33.94)'
>>> single_precision_recovered("POINT(1.123456789 -2.5)")  # not a single-precision value: as it is
'POINT(1.123456789 -2.5)'
"""

from __future__ import annotations

import json
import re
import struct
from decimal import Decimal
from typing import Iterable, Iterator

import pyoxigraph as ox

GEO_WKT = "http://www.opengis.net/ont/geosparql#wktLiteral"
#: The datatype a WKT literal travels and is stored under on an engine that does not keep ``geo:wktLiteral``.
AS_WRITTEN = "https://w3id.org/conflictkg/engine#wktLiteral"
#: Virtuoso's own geometry datatype, which it answers for every ``geo:wktLiteral`` it stored.
VIRTUOSO_GEOMETRY = "http://www.openlinksw.com/schemas/virtrdf#Geometry"
#: The WKT text the probe writes; an engine that keeps WKT literals answers it unchanged.
PROBE_WKT = "POINT(67.71 33.94)"
PROBE = f'SELECT (STR("{PROBE_WKT}"^^<{GEO_WKT}>) AS ?wkt) WHERE {{}}'

_GEO_NAMESPACE = GEO_WKT[: -len("wktLiteral")]
_AS_WRITTEN_NODE, _GEO_WKT_NODE = ox.NamedNode(AS_WRITTEN), ox.NamedNode(GEO_WKT)
_MARKERS = (AS_WRITTEN.encode(), VIRTUOSO_GEOMETRY.encode())
# What SPARQL text holds outside IRIs: strings (long ones first) and comments, left as they are.
_SKIP = r'"""(?:[^"\\]|\\.|"(?!""))*"""' r"|'''(?:[^'\\]|\\.|'(?!''))*'''" \
        r'|"(?:[^"\\\n]|\\.)*"' r"|'(?:[^'\\\n]|\\.)*'" r"|#[^\n]*"
_IRI = r"<[^<>\"{}|^`\\\s]*>"
_PREFIX = re.compile(r"\bPREFIX\s+([A-Za-z][\w.-]*)?:\s*<" + re.escape(_GEO_NAMESPACE) + ">", re.IGNORECASE)
_NUMBER = re.compile(r"-?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?")


def _float32(value: float) -> float:
    return struct.unpack("f", struct.pack("f", value))[0]


def _shortest_float32(value: float) -> str:
    """The shortest positional decimal that single precision reads back as ``value``'s float32."""
    target = _float32(value)
    for digits in range(1, 10):
        text = f"{target:.{digits}g}"
        if _float32(float(text)) == target:
            break
    return format(Decimal(text), "f")


def _recovered(match: re.Match) -> str:
    text = match.group(0)
    value = float(text)
    if not abs(value) < 3.4e38 or f"{_float32(value):.14g}" != text:
        return text  # not single precision as Virtuoso prints it (14 digits): kept as it is
    return _shortest_float32(value)


def single_precision_recovered(wkt: str) -> str:
    """Virtuoso's text of a geometry with each coordinate it rounded through single precision written
    back as the shortest decimal that rounds the same way."""
    return _NUMBER.sub(_recovered, wkt)


class WktCodec:
    """``geo:wktLiteral`` as :data:`AS_WRITTEN` on the way to the engine, and back on the way out."""

    # -- to the engine -------------------------------------------------------------------------------

    def sparql(self, text: str) -> str:
        """``text`` (a query or an update) with every ``geo:wktLiteral`` outside strings and comments,
        written in full or with a prefix bound to GeoSPARQL's namespace, named :data:`AS_WRITTEN`."""
        if "wktLiteral" not in text:
            return text
        masked = re.sub(f"({_SKIP})|{_IRI}", lambda m: " " * len(m.group(0)) if m.group(1) else m.group(0), text)
        prefixes = {m.group(1) or "" for m in _PREFIX.finditer(masked)}
        names = "|".join(re.escape(p) for p in sorted(prefixes))
        pname = rf"|(?<![\w.:\-?$])(?:{names}):wktLiteral(?![\w\-:%]|\.[\w\-])" if prefixes else ""
        pattern = re.compile(f"({_SKIP})|({_IRI}){pname}")

        def replace(match: re.Match) -> str:
            if match.group(1):
                return match.group(0)
            if match.group(2) and match.group(2) != f"<{GEO_WKT}>":
                return match.group(0)
            return f"<{AS_WRITTEN}>"

        return pattern.sub(replace, text)

    def quads(self, quads: Iterable[ox.Quad]) -> Iterator[ox.Quad]:
        for quad in quads:
            obj = quad.object
            if isinstance(obj, ox.Literal) and obj.datatype == _GEO_WKT_NODE:
                quad = ox.Quad(quad.subject, quad.predicate, ox.Literal(obj.value, datatype=_AS_WRITTEN_NODE),
                               quad.graph_name)
            yield quad


# -- from the engine (whether or not the codec was used to write: Virtuoso's own geometries too) -------

def needs_reading(content: bytes) -> bool:
    """True when an answer names a WKT literal stored under another datatype."""
    return any(marker in content for marker in _MARKERS)


def results_read(content: bytes, json_results: bool) -> bytes:
    """SPARQL results whose WKT literals are ``geo:wktLiteral`` again. JSON results are read term by
    term; other results formats, which conflictkg asks for only after JSON, have the datatype's IRI
    replaced where it stands."""
    if not json_results:
        return content.replace(AS_WRITTEN.encode(), GEO_WKT.encode())
    body = json.loads(content)
    for row in body.get("results", {}).get("bindings", []):
        for term in row.values():
            datatype = term.get("datatype")
            if datatype == AS_WRITTEN:
                term["datatype"] = GEO_WKT
            elif datatype == VIRTUOSO_GEOMETRY:
                term["datatype"], term["value"] = GEO_WKT, single_precision_recovered(term["value"])
            elif term.get("type") == "uri" and term.get("value") == AS_WRITTEN:
                term["value"] = GEO_WKT
    return json.dumps(body).encode()


def _term_read(term):
    if isinstance(term, ox.Literal):
        if term.datatype == _AS_WRITTEN_NODE:
            return ox.Literal(term.value, datatype=_GEO_WKT_NODE)
        if term.datatype.value == VIRTUOSO_GEOMETRY:
            return ox.Literal(single_precision_recovered(term.value), datatype=_GEO_WKT_NODE)
    elif term == _AS_WRITTEN_NODE:
        return _GEO_WKT_NODE
    return term


def triples_read(triples: Iterable[ox.Triple]) -> Iterator[ox.Triple]:
    """A graph answer's triples with their WKT literals ``geo:wktLiteral`` again."""
    for triple in triples:
        yield ox.Triple(triple.subject, _term_read(triple.predicate), _term_read(triple.object))


def keeps_wkt(content: bytes, media: str) -> bool:
    """Whether an engine's answer to :data:`PROBE` is the WKT text as written (any answer that cannot
    be read as one is taken for yes: the codec is for engines known to rewrite)."""
    results_format = ox.QueryResultsFormat.from_media_type(media) if media else None
    if results_format is None:
        return True
    try:
        row = next(iter(ox.parse_query_results(content, format=results_format)), None)
    except (SyntaxError, TypeError, ValueError):
        return True
    found = row[0] if row is not None else None
    return found is None or found.value == PROBE_WKT
