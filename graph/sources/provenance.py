"""Every source of an event, and what each says that the others do not: the sources the graph holds,
with what each contributed (``conflictkg sources``, ``GET /api/sources``), and for each event its
sources and disputed figures (the ``sources`` and ``disputed`` of ``/api/strikes``).

>>> from conflictkg.graph.store import open_store
>>> [s["publisher"] for s in sources(open_store("memory"))]
[None]
"""

from __future__ import annotations

from collections import defaultdict
from typing import Iterable

from ..domain.names import label_index
from ..store import Store
from ..vocab import CK, SKOS, SPARQL_PREFIXES, local_id

#: The properties a source's version of an event is kept as a claim for, and their names in the answer.
DISPUTED = {CK.fatalities: "fatalities", CK.location: "location", SKOS.altLabel: "name"}

_SOURCES = SPARQL_PREFIXES + """
SELECT ?source ?title ?issued ?publisher ?sha ?url
       (COUNT(DISTINCT ?ev) AS ?quotes) (COUNT(DISTINCT ?event) AS ?events) (COUNT(DISTINCT ?claim) AS ?claims)
WHERE {
  ?source a ck:Source ; ck:sha256 ?sha .
  OPTIONAL { ?source dcterms:title ?title }
  OPTIONAL { ?source dcterms:issued ?issued }
  OPTIONAL { ?source dcterms:publisher ?publisher }
  OPTIONAL { ?source rdfs:seeAlso ?url }
  OPTIONAL { ?ev ck:source ?source .
    OPTIONAL { ?event ck:evidence ?ev . ?event a/rdfs:subClassOf* ck:Event }
    OPTIONAL { ?claim ck:evidence ?ev ; a ck:Claim } }
} GROUP BY ?source ?title ?issued ?publisher ?sha ?url ORDER BY ?issued ?source"""

# events no other source reports: those this source alone added to the graph
_ALONE = SPARQL_PREFIXES + """
SELECT ?source (COUNT(DISTINCT ?event) AS ?added) WHERE {
  ?event a/rdfs:subClassOf* ck:Event ; ck:evidence ?ev . ?ev ck:source ?source .
  FILTER NOT EXISTS { ?event ck:evidence ?other . ?other ck:source ?else . FILTER(?else != ?source) }
} GROUP BY ?source"""

_EVENT_SOURCES = SPARQL_PREFIXES + """
SELECT DISTINCT ?e ?source ?title ?issued ?publisher WHERE {
  VALUES ?e { %s }
  { ?e ck:evidence ?ev } UNION { ?c ck:claimAbout ?e ; ck:evidence ?ev }
  ?ev ck:source ?source .
  OPTIONAL { ?source dcterms:title ?title }
  OPTIONAL { ?source dcterms:issued ?issued }
  OPTIONAL { ?source dcterms:publisher ?publisher }
} ORDER BY ?e ?issued ?source"""

_CLAIMS = SPARQL_PREFIXES + """
SELECT ?e ?claim ?prop ?value ?status ?claimant ?source ?publisher ?quote ?start ?end WHERE {
  VALUES ?e { %s }
  VALUES ?prop { %s }
  ?claim ck:claimAbout ?e ; ck:claimProperty ?prop ; ck:claimValue ?value ; ck:status ?status ; ck:evidence ?ev .
  ?ev ck:source ?source ; ck:quote ?quote ; ck:start ?start ; ck:end ?end .
  OPTIONAL { ?source dcterms:publisher ?publisher }
  OPTIONAL { ?claim ck:claimant ?claimant }
} ORDER BY ?e ?prop ?claim"""


def _value(node):
    if hasattr(node, "datatype") and node.datatype.value.endswith("#integer"):
        return int(node.value)
    return node.value


def sources(store: Store) -> list[dict]:
    """Every source, with what it contributed: quotes, events it is evidence of (and of those, the events
    no other source reports), claims."""
    added = {row["source"].value: int(row["added"].value) for row in store.select(_ALONE)}
    out = []
    for row in store.select(_SOURCES):
        iri = row["source"].value
        out.append({
            "id": local_id(iri), "iri": iri,
            "title": row["title"].value if "title" in row else None,
            "published": row["issued"].value if "issued" in row else None,
            "publisher": row["publisher"].value if "publisher" in row else None,
            "url": row["url"].value if "url" in row else None,
            "sha256": row["sha"].value,
            "contributed": {"quotes": int(row["quotes"].value), "events": int(row["events"].value),
                            "events_only_here": added.get(iri, 0), "claims": int(row["claims"].value)},
        })
    return out


def event_provenance(store: Store, events: Iterable[str]) -> tuple[dict[str, list[dict]], dict[str, list[dict]]]:
    """For each event IRI: its sources in date order, and the claims of each source on its figures."""
    events = sorted(set(events))
    if not events:
        return {}, {}
    values = " ".join(f"<{e}>" for e in events)
    found: dict[str, list[dict]] = defaultdict(list)
    for row in store.select(_EVENT_SOURCES % values):
        found[row["e"].value].append({
            "id": local_id(row["source"].value), "iri": row["source"].value,
            "title": row["title"].value if "title" in row else None,
            "published": row["issued"].value if "issued" in row else None,
            "publisher": row["publisher"].value if "publisher" in row else None,
        })
    index = label_index(store)
    claims: dict[str, dict[str, dict]] = defaultdict(dict)
    for row in store.select(_CLAIMS % (values, " ".join(f"<{p}>" for p in DISPUTED))):
        key = row["claim"].value
        entry = claims[row["e"].value].setdefault(key, {
            "property": DISPUTED[row["prop"].value],
            "value": _value(row["value"]),
            "status": row["status"].value,
            "claimants": [],
            "source": {"id": local_id(row["source"].value), "iri": row["source"].value,
                       "publisher": row["publisher"].value if "publisher" in row else None},
            "quote": row["quote"].value, "start": int(row["start"].value), "end": int(row["end"].value),
        })
        if entry["property"] == "location" and isinstance(entry["value"], str):
            entry["value"] = index.describe(entry["value"], aliases=False)
        if "claimant" in row:
            who = index.describe(row["claimant"].value, aliases=False)
            if who not in entry["claimants"]:
                entry["claimants"].append(who)
    return dict(found), {e: list(c.values()) for e, c in claims.items()}
