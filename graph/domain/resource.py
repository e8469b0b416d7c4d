"""One resource of the graph as Linked Data serves it: what it says, what points at it, its quotes.

A resource page (HTML) and its RDF (Turtle, JSON-LD, N-Triples) read the same triples: those with
the resource as subject and those with it as object, as stored (no entailed types). The page adds
labels for every IRI, the quotes that ground the resource in their article's context, and the
claims about it: an attribution the article does not report as fact lives only in a ``ck:Claim``
(alleged, claimed, denied, speculated), and is shown with its status and claimant.

>>> from conflictkg.graph.store import open_store
>>> store = open_store("memory")
>>> page = describe(store, "https://w3id.org/conflictkg/id/place/koh-e-sabz")
>>> page["label"], [t["label"] for t in page["types"]]
('Koh-e-Sabz', ['place'])
>>> page["points"]
[(64.09, 26.96)]
>>> describe(store, "https://w3id.org/conflictkg/id/actor/atlantis") is None
True
"""

from __future__ import annotations

import re
from typing import Callable

import pyoxigraph as ox

from ..errors import StoreError
from ..store import Store
from ..vocab import CK, ID, PREFIXES, RDF, RDFS, SKOS, SPARQL_PREFIXES
from .evidence import evidence_for
from .source import ARTICLE_IRI, article


class UnknownResource(StoreError, LookupError):
    """No triple of the graph names this IRI."""

    def __init__(self, iri: str) -> None:
        super().__init__(f"the graph says nothing of <{iri}>")
        self.iri = iri


#: How many characters of the article show on each side of a quote, at most.
CONTEXT = 280
_POINT = re.compile(r"POINT\s*\(\s*(-?[\d.]+)\s+(-?[\d.]+)\s*\)", re.IGNORECASE)
#: Predicates a page lists first, in this order; the rest follow by label.
_FIRST = (RDF.type, RDFS.label, SKOS.altLabel, CK.date, CK.status, CK.claimant, CK.claimAbout,
          CK.claimProperty, CK.claimValue)


def _iri(iri: str) -> str:
    """The IRI, checked (a ValueError names what is wrong with it)."""
    return ox.NamedNode(iri).value


def exists(store: Store, iri: str) -> bool:
    node = ox.NamedNode(iri)
    return store.ask(f"ASK {{ {{ {node} ?p ?o }} UNION {{ ?s ?p {node} }} }}")


def triples(store: Store, iri: str) -> list[ox.Triple]:
    """The resource's triples: it as subject, then as object (as stored, without entailment)."""
    node = ox.NamedNode(_iri(iri))
    result = store.query(f"CONSTRUCT {{ {node} ?p ?o . ?s ?q {node} }} "
                         f"WHERE {{ {{ {node} ?p ?o }} UNION {{ ?s ?q {node} }} }}")
    found = list(result)
    if not found:
        raise UnknownResource(iri)
    return sorted(found, key=lambda t: (t.subject != node, str(t.predicate), str(t.object), str(t.subject)))


def serialize(store: Store, iri: str, fmt: ox.RdfFormat) -> bytes:
    """The resource's triples in ``fmt``, with the project's prefixes where the format has any."""
    return ox.serialize(triples(store, iri), format=fmt, prefixes=PREFIXES)


def shorten(iri: str) -> str:
    """The IRI as a prefixed name where a known prefix fits, else whole.

    >>> shorten("https://w3id.org/conflictkg/ontology#perpetrator"), shorten("urn:x")
    ('ck:perpetrator', 'urn:x')
    """
    for prefix, namespace in PREFIXES.items():
        if iri.startswith(namespace) and re.fullmatch(r"[\w.-]*", iri[len(namespace):]):
            return f"{prefix}:{iri[len(namespace):]}"
    return iri


def _labels(store: Store, iris: set[str]) -> dict[str, str]:
    """An English (else any) label for each IRI that has one."""
    if not iris:
        return {}
    values = " ".join(str(ox.NamedNode(i)) for i in sorted(iris))
    rows = store.select(f"SELECT ?x ?label WHERE {{ VALUES ?x {{ {values} }} ?x <{RDFS.label}> ?label }}")
    found: dict[str, str] = {}
    for row in sorted(rows, key=lambda r: r["label"].language != "en"):
        found.setdefault(row["x"].value, row["label"].value)
    return found


def _term(term, labels: dict[str, str]) -> dict:
    """A term as a page shows it: an IRI with its label and short name, or a literal with its
    language or datatype."""
    if isinstance(term, ox.NamedNode):
        local = term.value.startswith(ID)
        return {"iri": term.value, "short": term.value[len(ID):] if local else shorten(term.value),
                "label": labels.get(term.value), "local": local}
    if isinstance(term, ox.BlankNode):
        return {"blank": term.value}
    datatype = term.datatype.value
    plain = datatype in ("http://www.w3.org/2001/XMLSchema#string", str(RDF) + "langString")
    return {"literal": term.value, "lang": term.language, "datatype": None if plain else shorten(datatype)}


def in_context(text: str, start: int, end: int, margin: int = CONTEXT) -> dict:
    """The quote at ``start:end`` of ``text`` with the text around it, within its paragraph and
    at most ``margin`` characters each side.

    >>> in_context("One.\\nTwo three four.\\nFive.", 9, 14)
    {'before': 'Two ', 'quote': 'three', 'after': ' four.', 'cut_before': False, 'cut_after': False}
    """
    left = max(text.rfind("\n", 0, start) + 1, start - margin)
    right = text.find("\n", end)
    right = min(len(text) if right < 0 else right, end + margin)
    return {"before": text[left:start], "quote": text[start:end], "after": text[end:right],
            "cut_before": left == start - margin and left > 0 and text[left - 1] != "\n",
            "cut_after": right == end + margin and right < len(text) and text[right] != "\n"}


def _article_text(source: str) -> str | None:
    return article().text if source == ARTICLE_IRI else None


def _quotes(store: Store, nodes: list[str], texts: Callable[[str], str | None]) -> dict[str, list[dict]]:
    """Each node's evidence, with its context where the source's text is at hand."""
    found = evidence_for(store, nodes)
    for quotes in found.values():
        for quote in quotes:
            text = texts(quote["source"])
            if text is not None and text[quote["start"]:quote["end"]] == quote["quote"]:
                quote["context"] = in_context(text, quote["start"], quote["end"])
    return found


_CLAIMS = SPARQL_PREFIXES + """
SELECT ?claim ?about ?property ?value ?status ?claimant WHERE {{
  {{ ?claim ck:claimAbout {node} }} UNION {{ ?claim ck:claimValue {node} }} UNION {{ ?claim ck:claimant {node} }}
  ?claim a ck:Claim ; ck:claimAbout ?about ; ck:claimProperty ?property ; ck:claimValue ?value .
  OPTIONAL {{ ?claim ck:status ?status }}
  OPTIONAL {{ ?claim ck:claimant ?claimant }}
}} ORDER BY ?about ?property ?value ?claim"""

_POINTS = SPARQL_PREFIXES + """
SELECT DISTINCT ?wkt WHERE {{
  {{ {node} geo:hasGeometry/geo:asWKT ?wkt }} UNION {{ {node} geo:asWKT ?wkt }}
  UNION {{ {node} ck:location|ck:target ?place . ?place geo:hasGeometry/geo:asWKT ?wkt }}
}}"""


def describe(store: Store, iri: str, texts: Callable[[str], str | None] = _article_text) -> dict | None:
    """What a page shows of ``iri``: label, types, statements, incoming links, quotes in context,
    claims, points and dates; None when the graph says nothing of it. ``texts`` gives a source's
    normalized text by its IRI (the seed article's by default), for the quotes' context."""
    node = ox.NamedNode(_iri(iri))
    try:
        found = triples(store, iri)
    except UnknownResource:
        return None
    outgoing = [t for t in found if t.subject == node]
    incoming = [t for t in found if t.subject != node]
    claims = store.select(_CLAIMS.format(node=node))
    mentioned = {iri} | {t.predicate.value for t in found}
    mentioned |= {t.object.value for t in outgoing if isinstance(t.object, ox.NamedNode)}
    mentioned |= {t.subject.value for t in incoming if isinstance(t.subject, ox.NamedNode)}
    mentioned |= {row[k].value for row in claims for k in ("claim", "about", "property", "value", "claimant")
                  if k in row}
    labels = _labels(store, mentioned)
    rank = {p: n for n, p in enumerate(_FIRST)}

    def order(triple: ox.Triple):
        predicate = triple.predicate.value
        return rank.get(predicate, len(rank)), labels.get(predicate, shorten(predicate)), str(triple.object)

    # a claim about this very statement (the seed keeps some attributions both ways): its status and claimant
    qualified: dict[tuple, list[dict]] = {}
    for row in claims:
        if row["about"] == node:
            qualified.setdefault((row["property"].value, row["value"]), []).append({
                "status": row["status"].value if "status" in row else None,
                "claimant": _term(row["claimant"], labels) if "claimant" in row else None})
    statements = [{"predicate": _term(t.predicate, labels), "object": _term(t.object, labels),
                   "claims": qualified.get((t.predicate.value, t.object), [])}
                  for t in sorted(outgoing, key=order)]
    links = [{"subject": _term(t.subject, labels), "predicate": _term(t.predicate, labels)}
             for t in sorted(incoming, key=lambda t: (labels.get(t.predicate.value, ""), labels.get(t.subject.value, "")))]
    types = [_term(t.object, labels) for t in outgoing if t.predicate.value == RDF.type]
    claim_nodes = sorted({row["claim"].value for row in claims})
    quotes = _quotes(store, [iri, *claim_nodes], texts)
    own = quotes.get(iri, [])
    if any(t["iri"] == CK.Evidence for t in types):  # an evidence node is its own quote
        own = _own_quote(outgoing, texts) or own
    return {
        "iri": iri,
        "short": shorten(iri),
        "label": labels.get(iri) or iri.rstrip("/").rsplit("/", 1)[-1],
        "types": types,
        "statements": statements,
        "incoming": links,
        "quotes": own,
        "claims": [{
            "iri": row["claim"].value,
            "about": _term(row["about"], labels),
            "property": _term(row["property"], labels),
            "value": _term(row["value"], labels),
            "status": row["status"].value if "status" in row else None,
            "claimant": _term(row["claimant"], labels) if "claimant" in row else None,
            "quotes": quotes.get(row["claim"].value, []),
        } for row in claims],
        "points": [(float(m.group(1)), float(m.group(2)))
                   for row in store.select(_POINTS.format(node=node))
                   for m in [_POINT.search(row["wkt"].value)] if m],
        "dates": sorted({t.object.value for t in outgoing if t.predicate.value == CK.date}),
    }


def _own_quote(outgoing: list[ox.Triple], texts: Callable[[str], str | None]) -> list[dict]:
    values = {t.predicate.value: t.object.value for t in outgoing}
    try:
        quote = {"quote": values[CK.quote], "start": int(values[CK.start]), "end": int(values[CK.end]),
                 "source": values[CK.source]}
    except (KeyError, ValueError):
        return []
    text = texts(quote["source"])
    if text is not None and text[quote["start"]:quote["end"]] == quote["quote"]:
        quote["context"] = in_context(text, quote["start"], quote["end"])
    return [quote]


