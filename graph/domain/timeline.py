"""The timeline: every dated event in date order, with who acted against whom and what it answers.

>>> from conflictkg.graph.store import open_store
>>> events = timeline(open_store("memory"))
>>> pakistan = next(e for e in events if e["id"] == "2024-01-18-pakistan-strikes-sistan-baluchestan")
>>> pakistan["kind"], pakistan["responds_to"], pakistan["country"]["label"]
('attack', ['2024-01-16-iran-strikes-koh-e-sabz'], 'Iran')
>>> kerman = next(e for e in events if e["id"] == "2024-01-03-kerman-bombings")
>>> [(p["label"], p["attribution"], [b["label"] for b in p["attributed_by"]]) for p in kerman["by"]]
[('Islamic State', 'claimed', ['Islamic State']), ('Israel', 'alleged', ['Iran'])]
"""

from __future__ import annotations

from collections import defaultdict

from .attribution import attributed
from .escalation import event_scores
from .names import label_index
from ..store import Store
from ..vocab import CK, SPARQL_PREFIXES, local_id

#: The top event classes and the ``kind`` the API names them by.
KINDS = {CK.Attack: "attack", CK.SpeechAct: "speech_act", CK.DiplomaticAction: "diplomatic_action",
         CK.Coercion: "coercion"}

_EVENTS = SPARQL_PREFIXES + """
SELECT ?e ?date ?label ?status ?basis ?country ?top WHERE {
  %%s
  ?e rdfs:label ?label .
  OPTIONAL { ?e ck:status ?status }
  OPTIONAL { ?e ck:dateBasis ?basis }
  OPTIONAL { ?e ck:country ?country }
  OPTIONAL { ?e a/rdfs:subClassOf* ?top . VALUES ?top { %s } }
}""" % " ".join(f"<{k}>" for k in KINDS)

_TYPES = SPARQL_PREFIXES + """
SELECT ?e ?type WHERE { %s ?e a ?type . FILTER(STRSTARTS(STR(?type), STR(ck:))) }"""

# Perpetrators and targeted groups come with their attribution (:mod:`.attribution`); the
# country is where an event happened, not whom it was against.
_PARTIES = SPARQL_PREFIXES + """
SELECT ?e ?side ?who WHERE {
  %s
  VALUES (?p ?side) { (ck:accuser "by") (ck:actor "by") (ck:accused "against") (ck:counterpart "against")
                      (ck:victim "against") (ck:claimant "status_by") }
  ?e ?p ?who .
}"""

_RESPONSES = SPARQL_PREFIXES + """
SELECT ?e ?other ?status WHERE {
  %s
  { ?e ck:respondsTo ?other . BIND("reported" AS ?status) }
  UNION
  { ?c ck:claimAbout ?e ; ck:claimProperty ck:respondsTo ; ck:claimValue ?other ; ck:status ?status .
    FILTER(?status != "reported") }
}"""


def timeline_pattern(store: Store | None = None, *, dates: list[str] | None = None) -> str:
    """The SPARQL pattern binding ``?e`` and ``?date`` to the timeline's events (dated and labelled);
    with ``dates`` (SPARQL literals), only those dated so, found through the index (see paging)."""
    lines = ["?e ck:date ?date ; rdfs:label ?label ."]
    if dates is not None:  # first: the engine looks each date up, then only those events
        lines.insert(0, "VALUES ?date { " + " ".join(dates) + " }")
    return "{ SELECT DISTINCT ?e ?date WHERE { " + "\n".join(lines) + " } }"


def timeline(store: Store) -> list[dict]:
    """Dated events in date order (a year-only date sorts before the days of that year)."""
    return describe_timeline(store, timeline_pattern(store))


def describe_timeline(store: Store, pattern: str) -> list[dict]:
    """The ``/api/timeline`` objects of the events ``pattern`` binds to ``?e`` and ``?date``, by the
    date's text, then IRI."""
    index = label_index(store)
    types: dict[str, set[str]] = defaultdict(set)
    for row in store.select(_TYPES % pattern):
        types[row["e"].value].add(row["type"].value.rsplit("#", 1)[-1])
    parties: dict[str, dict[str, list]] = defaultdict(lambda: {"by": [], "against": [], "status_by": []})
    for row in store.select(_PARTIES % pattern):
        who = index.describe(row["who"].value, aliases=False)
        if row["side"].value != "status_by":
            who = {**who, "attribution": "reported", "attributed_by": []}
        side = parties[row["e"].value][row["side"].value]
        if who not in side:
            side.append(who)
    for prop, side in ((CK.perpetrator, "by"), (CK.targetedGroup, "against")):
        for event, actors in attributed(store, pattern, prop).items():
            parties[event][side].extend({k: a[k] for k in ("id", "iri", "label", "attribution", "attributed_by")}
                                        for a in actors)
    responds: dict[str, list[str]] = defaultdict(list)
    reading: dict[str, list[dict]] = defaultdict(list)
    for row in store.select(_RESPONSES % pattern):
        other, status = local_id(row["other"].value), row["status"].value
        if status == "reported":
            responds[row["e"].value].append(other)
        else:
            reading[row["e"].value].append({"id": other, "status": status})
    scores = event_scores(store, pattern)
    rows: dict[str, tuple] = {}
    tops: dict[str, set[str]] = defaultdict(set)
    for row in store.select(_EVENTS % pattern):
        event = row["e"].value
        key = (row["date"].value, event)
        if event not in rows or key < rows[event][0]:  # an event of two dates is shown at the first
            rows[event] = (key, row)
        if "top" in row:
            tops[event].add(row["top"].value)
    out = []
    for (date, event), row in sorted(rows.values(), key=lambda r: r[0]):
        # an event typed under two top classes takes the first of KINDS
        kind = next((name for top, name in KINDS.items() if top in tops[event]), "event")
        out.append({
            "id": local_id(event),
            "iri": event,
            "date": date,
            "kind": kind,
            "types": sorted(types.get(event, ())),
            "label": row["label"].value,
            "date_basis": row["basis"].value if "basis" in row else "stated",
            "status": row["status"].value if "status" in row else "reported",
            "status_by": sorted(parties[event]["status_by"], key=lambda a: a["id"]),
            "country": index.describe(row["country"].value, aliases=False) if "country" in row else None,
            "by": sorted(parties[event]["by"], key=lambda a: a["id"]),
            "against": sorted(parties[event]["against"], key=lambda a: a["id"]),
            "responds_to": sorted(responds.get(event, [])),
            "responds_to_claims": sorted(reading.get(event, []), key=lambda r: r["id"]),
            "cameo": scores[event][0] if event in scores else None,
            "escalation": scores[event][1] if event in scores else None,
        })
    return out
