"""A candidate that reports an event the graph already holds is matched to it, not added again.

Two reports are of one event when they are of the same kind (for attacks: any class of attack; for
the rest: a class in common), share a doer (an actor, or the state it belongs to, among the
event's perpetrators, actors or accusers, stated or only claimed), agree on the country struck
where both name one, and are dated at most :data:`WINDOW_DAYS` apart.

>>> from conflictkg.graph.store import open_store
>>> events = held_events(open_store("memory"))
>>> sorted(events["2024-01-16-iran-strikes-koh-e-sabz"].doers)
['iran', 'irgc']
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from ..store import Store
from ..vocab import SPARQL_PREFIXES, local_id
from .extract import Candidate

WINDOW_DAYS = 2

#: The kind of an event, from the root class of the ontology it falls under.
KIND_ROOTS = {"Attack": "attack", "Accusation": "accusation", "Condemnation": "condemnation",
              "ResponsibilityClaim": "claim", "Denial": "claim", "Threat": "threat", "DiplomaticAction": "diplomatic"}

_EVENTS = SPARQL_PREFIXES + """
SELECT ?e ?date ?root ?type ?country WHERE {
  VALUES ?root { %s }
  ?e a ?type ; ck:date ?date .
  ?type rdfs:subClassOf* ?root .
  FILTER(DATATYPE(?date) = xsd:date)
  OPTIONAL { ?e ck:country ?country }
}""" % " ".join(f"ck:{root}" for root in KIND_ROOTS)

# doers stated or only claimed, and the states they belong to
_DOERS = SPARQL_PREFIXES + """
SELECT ?e ?who ?state WHERE {
  { ?e ck:perpetrator|ck:actor|ck:accuser ?who }
  UNION { ?c ck:claimAbout ?e ; ck:claimProperty ck:perpetrator ; ck:claimValue ?who }
  OPTIONAL { ?who ck:memberOf+ ?state . ?state a ck:State }
  ?e ck:date ?date .
}"""

_OTHERS = SPARQL_PREFIXES + """
SELECT ?e ?who WHERE { ?e ck:accused|ck:counterpart ?who ; ck:date ?date . }"""


@dataclass
class Held:
    id: str
    date: dt.date
    kinds: set[str] = field(default_factory=set)
    types: set[str] = field(default_factory=set)
    country: str | None = None
    doers: set[str] = field(default_factory=set)
    others: set[str] = field(default_factory=set)   # the accused, the counterparts: the dyad's other side


def held_events(store: Store) -> dict[str, Held]:
    events: dict[str, Held] = {}
    for row in store.select(_EVENTS):
        try:
            date = dt.date.fromisoformat(row["date"].value)
        except ValueError:
            continue
        key = local_id(row["e"].value)
        held = events.setdefault(key, Held(key, date))
        held.kinds.add(KIND_ROOTS[row["root"].value.rsplit("#", 1)[-1]])
        held.types.add(row["type"].value.rsplit("#", 1)[-1])
        if "country" in row:
            held.country = local_id(row["country"].value)
    for row in store.select(_OTHERS):
        key = local_id(row["e"].value)
        if key in events:
            events[key].others.add(local_id(row["who"].value))
    for row in store.select(_DOERS):
        key = local_id(row["e"].value)
        if key in events:
            events[key].doers.add(local_id(row["who"].value))
            if "state" in row:
                events[key].doers.add(local_id(row["state"].value))
    return events


def _doers(c: Candidate) -> set[str]:
    out = set()
    for entry in c.doers:
        if entry.id:
            out.add(entry.id)
        if entry.country and entry.country[0] and not entry.is_place:
            out.add(entry.country[0])   # a force or a ministry: its state too
    return out


def find_match(c: Candidate, events: dict[str, Held]) -> str | None:
    """The id of the event the graph holds that ``c`` reports, or None."""
    if c.date is None:
        return None
    day = dt.date.fromisoformat(c.date)
    doers = _doers(c)
    best: tuple[int, str] | None = None
    for held in events.values():
        gap = abs((held.date - day).days)
        if gap > WINDOW_DAYS or c.kind not in held.kinds or not doers & held.doers:
            continue
        if c.kind != "attack" and not set(c.types) & held.types:
            continue
        others = {e.id for e in c.targets if e.id}
        if c.kind != "attack" and others and held.others and not others & held.others:
            continue   # Pakistan accusing Iran is not Pakistan accusing the BLA
        if c.kind == "attack":
            country = c.country[0] if c.country else None
            if country and held.country and country != held.country:
                continue
        if best is None or (gap, held.id) < best:
            best = (gap, held.id)
    return best[1] if best else None


def match_candidates(store: Store, candidates: list[Candidate]) -> list[Candidate]:
    events = held_events(store)
    for c in candidates:
        c.matches = find_match(c, events)
    return candidates
