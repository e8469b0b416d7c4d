"""Untrusted text checked before any parser sees it: nesting depth, and RDF/XML's entities.

The parsers themselves are the reason. pyoxigraph's SPARQL and JSON-LD parsers recurse once per
nesting level and overflow the C stack (the whole server dies with a segfault) at a few thousand
levels, rdflib's SPARQL grammar raises ``RecursionError`` at about thirty, and pyoxigraph's
RDF/XML parser expands entity references without bound (a 1 KB "billion laughs" document becomes
2 GB and takes 40 s). So a depth is measured first, by a scan that finds the brackets outside
strings, IRIs and comments, and RDF/XML goes through expat first: expat refuses an entity
expansion that grows the input more than a hundredfold, and here any external or parameter entity.

>>> sparql_depth('SELECT * WHERE { ?s ?p "{{{" FILTER((?o > 1)) } # {{{')
3
>>> json_depth(b'{"a": [1, {"b": "]]]"}]}')
3
>>> check_rdf(b'{"@id": "urn:x", "urn:p": ' + b'[' * 200 + b']' * 200 + b'}', ox.RdfFormat.JSON_LD, max_depth=100)
Traceback (most recent call last):
...
conflictkg.graph.safety.guard.TooDeep: the data nests more than 100 levels deep
"""

from __future__ import annotations

import re
from itertools import accumulate
from xml.parsers import expat

import pyoxigraph as ox

from ..store import StoreError

#: Levels of nesting allowed by default: far beyond what real queries and data use (ten or so),
#: far below where the parsers break (thirty for rdflib's grammar is handled by refusing clearly).
DEFAULT_DEPTH = 100


class UnsafeInput(StoreError):
    """Input refused before parsing: too deep, or XML that declares what it must not."""


class TooDeep(UnsafeInput):
    """Brackets (or elements) nested deeper than allowed."""


# One alternative per token that can hide a bracket, in the order a lexer meets them: leftmost
# wins, so a "#" inside an IRI or a string is not taken for a comment, nor a quote inside a comment.
_SPARQL_OPAQUE = re.compile(r"""
    <[^<>"{}|^`\\\x00-\x20]*>            # IRIREF (a "<" followed by a space is an operator)
  | '''(?:[^'\\]|\\.|'(?!''))*(?:'''|$)   # long strings
  | \"\"\"(?:[^"\\]|\\.|"(?!""))*(?:\"\"\"|$)
  | '(?:[^'\\\n\r]|\\.)*'?                # short strings
  | "(?:[^"\\\n\r]|\\.)*"?
  | \#[^\n\r]*                           # comments
""", re.VERBOSE | re.DOTALL)
_JSON_ESCAPE = re.compile(rb"\\.", re.DOTALL)
#: Every byte but the quote and the brackets, for bytes.translate to delete.
_JSON_NOISE = bytes(sorted(set(range(256)) - set(b'"[]{}')))
#: +1 for an opener, -1 for a closer, by byte value.
_STEP = {**{ord(c): 1 for c in "{(["}, **{ord(c): -1 for c in "})]"}}


def _depth(brackets: bytes) -> int:
    """The deepest nesting in a string of b"{" and b"}" (every opener and closer mapped to them).

    A closer with nothing open makes the text invalid there: no parser reads past it, so what
    follows may be under-counted harmlessly. ``accumulate`` keeps the loop in C.
    """
    return max(0, max(accumulate(map(_STEP.__getitem__, brackets)), default=0))


def sparql_depth(text: str) -> int:
    """How deep ``{}``, ``()`` and ``[]`` nest in SPARQL text, outside IRIs, strings and comments."""
    kept = re.sub(r"[^{}()\[\]]+", "", _SPARQL_OPAQUE.sub(" ", text))
    return _depth(kept.encode("ascii"))


def json_depth(data: bytes) -> int:
    """How deep objects and arrays nest in JSON bytes, outside strings."""
    # escapes out first, then everything but quotes and brackets: the strings left are short to skip
    skeleton = _JSON_ESCAPE.sub(b"", data).translate(None, _JSON_NOISE)
    return _depth(re.sub(rb'"[^"]*"?', b"", skeleton))


def check_sparql(text: str, *, max_depth: int = DEFAULT_DEPTH) -> None:
    """Refuse SPARQL nested deeper than ``max_depth``.

    >>> check_sparql("ASK { " * 101 + "}" * 101)
    Traceback (most recent call last):
    ...
    conflictkg.graph.safety.guard.TooDeep: the query nests more than 100 levels of {}, () or []
    """
    if sparql_depth(text) > max_depth:
        raise TooDeep(f"the query nests more than {max_depth} levels of {{}}, () or []")


def check_rdfxml(data: bytes, *, max_depth: int = DEFAULT_DEPTH) -> None:
    """Refuse RDF/XML that declares external or parameter entities, expands entities explosively,
    or nests elements deeper than ``max_depth``; XML that is not well-formed is refused too.

    >>> check_rdfxml(b'<!DOCTYPE r [<!ENTITY e SYSTEM "http://127.0.0.1/">]><r>&e;</r>')
    Traceback (most recent call last):
    ...
    conflictkg.graph.safety.guard.UnsafeInput: RDF/XML: external entity 'e' refused (nothing is fetched)
    """
    parser = expat.ParserCreate(namespace_separator=" ")
    depth = [0]

    def entity(name, is_parameter, value, base, system_id, public_id, notation):
        if system_id is not None or public_id is not None:
            raise UnsafeInput(f"RDF/XML: external entity {name!r} refused (nothing is fetched)")
        if is_parameter:
            raise UnsafeInput(f"RDF/XML: parameter entity {name!r} refused")

    def start(name, attributes):
        depth[0] += 1
        if depth[0] > max_depth:
            raise TooDeep(f"RDF/XML: elements nest more than {max_depth} levels deep")

    def end(name):
        depth[0] -= 1

    def external(context, base, system_id, public_id):
        raise UnsafeInput("RDF/XML: external entity refused (nothing is fetched)")

    parser.EntityDeclHandler = entity
    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.ExternalEntityRefHandler = external
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
    try:
        parser.Parse(data, True)
    except expat.ExpatError as exc:
        raise UnsafeInput(f"RDF/XML: {exc}") from None


def check_rdf(data: bytes | str, fmt: ox.RdfFormat, *, max_depth: int = DEFAULT_DEPTH) -> None:
    """The checks a body of ``fmt`` needs before pyoxigraph parses it (the Turtle family's parsers
    keep their own stacks and need none)."""
    if isinstance(data, str):
        data = data.encode("utf-8")
    if fmt == ox.RdfFormat.JSON_LD and json_depth(data) > max_depth:
        raise TooDeep(f"the data nests more than {max_depth} levels deep")
    if fmt == ox.RdfFormat.RDF_XML:
        check_rdfxml(data, max_depth=max_depth)
