"""Facets: how many strikes (or accusations) the list route's filters select, counted by month, year,
country, perpetrator, type… — what an analyst reads before the rows (Datasette's facets, for SPARQL).

Date facets are sorted by date (undated accusations last); the others by count, largest first,
then by label. A perpetrator is counted under its attribution: ``reported`` (the plain
``ck:perpetrator`` fact) or the status of the claim that attributes it (``alleged``, ``claimed``…),
so an alleged perpetrator is never counted as a fact; an actor both reported and alleged for
different strikes has a row for each status.

>>> from conflictkg.graph.store import open_store
>>> store = open_store("memory")
>>> [(f["value"], f["count"]) for f in strike_facets(store, "year")]
[('2020', 1), ('2023', 2), ('2024', 7)]
>>> [(f["label"], f["count"]) for f in strike_facets(store, "country", perpetrator="Iran")][:1]
[('Iraq', 1)]
"""

from __future__ import annotations

from .accusations import accusation_pattern
from .names import FilterError, label_index
from .strikes import strike_pattern
from ..store import Store
from ..vocab import SPARQL_PREFIXES, local_id

# How each facet binds ?v (and ?st, an attribution) from the events ?e a pattern selects.
_DATE = {"month": "BIND(SUBSTR(STR(?date), 1, 7) AS ?v)", "year": "BIND(SUBSTR(STR(?date), 1, 4) AS ?v)"}
_ATTRIBUTION = """
  { ?e ck:perpetrator ?v .
    FILTER NOT EXISTS { ?c0 ck:claimAbout ?e ; ck:claimProperty ck:perpetrator ; ck:claimValue ?v ; ck:status ?s0 .
                        FILTER(?s0 != "reported") }
    BIND("reported" AS ?st) }
  UNION
  { ?c ck:claimAbout ?e ; ck:claimProperty ck:perpetrator ; ck:claimValue ?v ; ck:status ?st . }"""

STRIKE_FACETS = {
    **_DATE,
    "country": "?e ck:country ?v .",
    "perpetrator": _ATTRIBUTION,
    "type": "?e a ?v . FILTER(STRSTARTS(STR(?v), STR(ck:)))",
}
ACCUSATION_FACETS = {
    "month": "OPTIONAL { ?e ck:date ?date } " + _DATE["month"],
    "year": "OPTIONAL { ?e ck:date ?date } " + _DATE["year"],
    "accuser": "?e ck:accuser ?v .",
    "accused": "?e ck:accused ?v .",
    "status": 'OPTIONAL { ?e ck:status ?s } BIND(COALESCE(?s, "reported") AS ?v)',
}

_COUNT = SPARQL_PREFIXES + """
SELECT ?v ?st (COUNT(DISTINCT ?e) AS ?n) WHERE {
  %s
  %s
} GROUP BY ?v ?st"""


def _facets(store: Store, pattern: str, by: str, table: dict[str, str]) -> list[dict]:
    if by not in table:
        raise FilterError(f"by: {by!r} is not one of {', '.join(table)}")
    index = label_index(store)
    out = []
    for row in store.select(_COUNT % (pattern, table[by])):
        value = row["v"] if "v" in row else None
        count = int(row["n"].value)
        if by in ("month", "year", "status"):
            out.append({"value": value.value if value is not None else None, "count": count})
            continue
        node = value.value
        item = {**index.describe(node, aliases=False), "count": count} if node in index.labels else {
            "id": local_id(node.rsplit("#", 1)[-1]), "iri": node, "label": local_id(node.rsplit("#", 1)[-1]),
            "count": count}
        item = {"value": item.pop("id"), **item}
        if "st" in row:
            item["attribution"] = row["st"].value
        out.append(item)
    if by in ("month", "year"):
        return sorted(out, key=lambda f: (f["value"] is None, f["value"] or ""))
    return sorted(out, key=lambda f: (-f["count"], f.get("label", f["value"]).casefold(), f.get("attribution", "")))


def strike_facets(store: Store, by: str, **filters) -> list[dict]:
    """Counts of the strikes the filters of :func:`~.strikes.strikes` select, by ``by``."""
    return _facets(store, strike_pattern(store, **filters), by, STRIKE_FACETS)


def accusation_facets(store: Store, by: str, **filters) -> list[dict]:
    """Counts of the accusations the filters of :func:`~.accusations.accusations` select, by ``by``."""
    return _facets(store, accusation_pattern(store, **filters), by, ACCUSATION_FACETS)
