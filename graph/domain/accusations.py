"""Who accused whom: accusations with accuser, accused, allegation, what they are about,
status and evidence — the ``/api/accusations`` answer.

>>> from conflictkg.graph.store import open_store
>>> store = open_store("memory")
>>> sorted({a["accused"]["label"] for a in accusations(store, accuser="Iran")})[:3]
['Israel', 'Jaish al Adl', 'Mossad']
"""

from __future__ import annotations

from collections import defaultdict

from .evidence import evidence_rows
from .names import label_index, resolve, values_clause
from .strikes import kinds_clause, parse_date
from ..store import Store
from ..vocab import CK, SPARQL_PREFIXES, local_id


def accusation_pattern(store: Store, *, accuser: str | None = None, accused: str | None = None,
                       date_from: str | None = None, date_to: str | None = None,
                       dates: list[str] | None = None, undated: bool = False) -> str:
    """The SPARQL pattern binding ``?e`` to the accusations the filters select; with ``dates``
    (SPARQL literals) only those dated so, with ``undated`` only those with no date (see paging).
    ``date_from``/``date_to`` keep only dated accusations in that range."""
    lines = [kinds_clause(store, "e", CK.Accusation), "?e ck:accuser ?accuser ; ck:accused ?accused ."]
    start, end = parse_date(date_from, "from"), parse_date(date_to, "to")
    if start or end:
        lines.append("?e ck:date ?f_when .")
        lines += [f'FILTER(?f_when {op} "{day}"^^xsd:date)' for op, day in ((">=", start), ("<=", end)) if day]
    if dates is not None:
        lines[:0] = ["VALUES ?f_date { " + " ".join(dates) + " }", "?e ck:date ?f_date ."]
    if undated:
        lines.append("FILTER NOT EXISTS { ?e ck:date ?f_undated }")
    for var, text in (("accuser", accuser), ("accused", accused)):
        nodes = resolve(store, text, var)
        if nodes is not None:
            lines.append(values_clause(var, nodes))
    return "{ SELECT DISTINCT ?e WHERE { " + "\n".join(lines) + " } }"


_SCALARS = SPARQL_PREFIXES + """
SELECT ?e ?label ?date ?accuser ?accused ?allegation ?status WHERE {
  %s
  ?e rdfs:label ?label ; ck:accuser ?accuser ; ck:accused ?accused .
  OPTIONAL { ?e ck:date ?date }
  OPTIONAL { ?e ck:allegation ?allegation }
  OPTIONAL { ?e ck:status ?status }
} ORDER BY (!BOUND(?date)) ?date ?e"""

_ABOUT = SPARQL_PREFIXES + """
SELECT ?e ?about ?label WHERE { %s ?e ck:about ?about . OPTIONAL { ?about rdfs:label ?label } }"""


def accusations(store: Store, *, accuser: str | None = None, accused: str | None = None,
                date_from: str | None = None, date_to: str | None = None) -> list[dict]:
    """Accusations, dated ones first in date order, as the design contract's objects."""
    return describe_accusations(store, accusation_pattern(store, accuser=accuser, accused=accused,
                                                          date_from=date_from, date_to=date_to))


def describe_accusations(store: Store, pattern: str) -> list[dict]:
    """The ``/api/accusations`` objects of the accusations ``pattern`` binds to ``?e``."""
    index = label_index(store)
    about: dict[str, list[dict]] = defaultdict(list)
    for row in store.select(_ABOUT % pattern):
        node = row["about"].value
        about[row["e"].value].append({"id": local_id(node), "iri": node,
                                      "label": row["label"].value if "label" in row else local_id(node)})
    evidence = evidence_rows(store, pattern, "e")
    out = []
    for row in store.select(_SCALARS % pattern):
        event = row["e"].value
        out.append({
            "id": local_id(event),
            "iri": event,
            "label": row["label"].value,
            "date": row["date"].value if "date" in row else None,
            "accuser": index.describe(row["accuser"].value),
            "accused": index.describe(row["accused"].value),
            "allegation": row["allegation"].value if "allegation" in row else None,
            "about": sorted(about.get(event, []), key=lambda a: a["id"]),
            "status": row["status"].value if "status" in row else "reported",
            "evidence": evidence.get(event, []),
        })
    return out
