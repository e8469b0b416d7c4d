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
from .escalation import event_scores, superclasses
from .names import label_index
from ..store import Store
from ..vocab import CK, SPARQL_PREFIXES, local_id

#: The top event classes and the ``kind`` the API names them by.
KINDS = {CK.Attack: "attack", CK.SpeechAct: "speech_act", CK.DiplomaticAction: "diplomatic_action",
         CK.Coercion: "coercion"}

# Each query starts from the events ``%s`` binds, so that a page's cost is its own events': the
# parties' properties are a FILTER (a VALUES of them makes the engine scan each property first),
# and an event's top class is found in Python from its types and the classes under each top.
_EVENTS = SPARQL_PREFIXES + """
SELECT ?e ?date ?label ?status ?basis ?country WHERE {
  %s
  ?e rdfs:label ?label .
  OPTIONAL { ?e ck:status ?status }
  OPTIONAL { ?e ck:dateBasis ?basis }
  OPTIONAL { ?e ck:country ?country }
}"""

_TYPES = SPARQL_PREFIXES + "SELECT ?e ?type WHERE { %s ?e a ?type }"

# Perpetrators and targeted groups come with their attribution (:mod:`.attribution`); the
# country is where an event happened, not whom it was against.
_SIDES = {CK.accuser: "by", CK.actor: "by", CK.accused: "against", CK.counterpart: "against",
          CK.victim: "against", CK.claimant: "status_by"}
_PARTIES = SPARQL_PREFIXES + """
SELECT ?e ?p ?who WHERE { %%s ?e ?p ?who . FILTER(?p IN (%s)) }""" % ", ".join(f"<{p}>" for p in _SIDES)

_RESPONSES = SPARQL_PREFIXES + "SELECT ?e ?other WHERE { %s ?e ck:respondsTo ?other }"

_READINGS = SPARQL_PREFIXES + """
SELECT ?e ?other ?status WHERE {
  %s
  ?c ck:claimAbout ?e ; ck:claimProperty ck:respondsTo ; ck:claimValue ?other ; ck:status ?status .
  FILTER(?status != "reported")
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
    under = {cls: {top for top in KINDS if top in supers} for cls, supers in superclasses(store).items()}
    for top in KINDS:  # a class -> the top classes it is, or is under
        under.setdefault(top, set()).add(top)
    types: dict[str, set[str]] = defaultdict(set)
    tops: dict[str, set[str]] = defaultdict(set)
    for row in store.select(_TYPES % pattern):
        kind = row["type"].value
        if kind.startswith(str(CK)):
            types[row["e"].value].add(kind.rsplit("#", 1)[-1])
        tops[row["e"].value] |= under.get(kind, set())
    parties: dict[str, dict[str, list]] = defaultdict(lambda: {"by": [], "against": [], "status_by": []})
    for row in store.select(_PARTIES % pattern):
        who = index.describe(row["who"].value, aliases=False)
        if _SIDES[row["p"].value] != "status_by":
            who = {**who, "attribution": "reported", "attributed_by": []}
        side = parties[row["e"].value][_SIDES[row["p"].value]]
        if who not in side:
            side.append(who)
    for prop, side in ((CK.perpetrator, "by"), (CK.targetedGroup, "against")):
        for event, actors in attributed(store, pattern, prop).items():
            parties[event][side].extend({k: a[k] for k in ("id", "iri", "label", "attribution", "attributed_by")}
                                        for a in actors)
    responds: dict[str, list[str]] = defaultdict(list)
    for row in store.select(_RESPONSES % pattern):
        responds[row["e"].value].append(local_id(row["other"].value))
    reading: dict[str, list[dict]] = defaultdict(list)
    for row in store.select(_READINGS % pattern):
        reading[row["e"].value].append({"id": local_id(row["other"].value), "status": row["status"].value})
    scores = event_scores(store, pattern)
    rows: dict[str, tuple] = {}
    for row in store.select(_EVENTS % pattern):
        event = row["e"].value
        key = (row["date"].value, event)
        if event not in rows or key < rows[event][0]:  # an event of two dates is shown at the first
            rows[event] = (key, row)
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
