"""ACLED-style CSV: the graph's dated events out, and event rows from such a file in.

Columns (ACLED's names): event_date, event_type, sub_event_type, actor1, assoc_actor_1, inter1,
actor2, assoc_actor_2, inter2, interaction, country, location, latitude, longitude, fatalities,
notes, source. Coded as ACLED's codebook codes:

- event types and sub-types from our classes (:data:`EVENT_TYPES`): a missile strike is
  "Explosions/Remote violence — Shelling/artillery/missile attack", a drone or air strike
  "Air/drone strike"; an attack whose means the source does not give is remote violence when it
  crossed a border (no ground fighting), an armed clash otherwise;
- ``inter1``/``inter2`` from the actors (1 state forces in their own country, 2 rebel groups,
  3 unidentified armed groups, 8 external or other forces), ``interaction`` the two codes, lower
  first (a side alone: its code and 0);
- the actor columns hold only what the source reports as fact; a perpetrator or target only
  alleged, claimed or from outside the source goes to ``notes`` with its status and claimant
  ("Perpetrator alleged by Iran: Israel."), and an attack with no reported perpetrator has
  "Unidentified Armed Group (country)" as actor1, as ACLED writes unknown perpetrators;
- the most conservative fatality figure; planned events, events with no country (the source
  gives none) and developments without an actor are left out: they are not events ACLED codes.

Reading a file back maps each sub-event type to one class (:data:`CLASS_OF`), so a drone strike
written as "Air/drone strike" comes back as an air strike: the mapping is many-to-one; the
dates, actors (with the attributions in the notes), countries, places and fatalities survive.

>>> import io
>>> from conflictkg.graph.store import open_store
>>> out = io.StringIO()
>>> export_acled(open_store("memory"), out)
>>> table = list(csv.DictReader(io.StringIO(out.getvalue())))
>>> kerman = next(r for r in table if r["event_date"] == "2024-01-03")
>>> kerman["actor1"], kerman["inter1"], kerman["sub_event_type"]
('Unidentified Armed Group (Iran)', '3', 'Remote explosive/landmine/IED')
>>> print(kerman["notes"])
Kerman bombings. Perpetrator claimed by Islamic State: Islamic State. Perpetrator alleged by Iran: Israel.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import re
from collections import defaultdict
from typing import IO, Iterable

import pyoxigraph as ox

from .attribution import attributed, is_reported
from .names import label_index
from ..store import Store
from ..vocab import CK, GEO, RDF, RDFS, SPARQL_PREFIXES, XSD, iri

COLUMNS = ["event_date", "event_type", "sub_event_type", "actor1", "assoc_actor_1", "inter1", "actor2",
           "assoc_actor_2", "inter2", "interaction", "country", "location", "latitude", "longitude", "fatalities",
           "notes", "source"]

EXPLOSIONS, BATTLES, VIOLENCE, STRATEGIC = ("Explosions/Remote violence", "Battles", "Violence against civilians",
                                            "Strategic developments")
REMOTE, CLASH = (EXPLOSIONS, "Shelling/artillery/missile attack"), (BATTLES, "Armed clash")
#: Our most specific class → (ACLED event type, sub-event type); None: decided by the event (see above).
EVENT_TYPES = {
    "MissileStrike": (EXPLOSIONS, "Shelling/artillery/missile attack"),
    "DroneStrike": (EXPLOSIONS, "Air/drone strike"),
    "AirStrike": (EXPLOSIONS, "Air/drone strike"),
    "SuicideBombing": (EXPLOSIONS, "Suicide bomb"),
    "Bombing": (EXPLOSIONS, "Remote explosive/landmine/IED"),
    "ArmedAssault": CLASH,
    "TargetedKilling": None,
    "Attack": None,
    "Arrest": (STRATEGIC, "Arrests"),
    "Execution": (STRATEGIC, "Arrests"),
    "DeEscalation": (STRATEGIC, "Agreement"),
}
#: ACLED sub-event type → our class, for rows read in.
CLASS_OF = {
    "Shelling/artillery/missile attack": "MissileStrike", "Air/drone strike": "AirStrike",
    "Suicide bomb": "SuicideBombing", "Remote explosive/landmine/IED": "Bombing", "Grenade": "Bombing",
    "Armed clash": "ArmedAssault", "Attack": "ArmedAssault", "Government regains territory": "ArmedAssault",
    "Non-state actor overtakes territory": "ArmedAssault", "Arrests": "Arrest", "Agreement": "DeEscalation",
}
#: ACLED's actor categories (inter codes) this export uses.
STATE_FORCES, REBELS, UNIDENTIFIED, EXTERNAL = 1, 2, 3, 8
UNKNOWN = "Unidentified Armed Group ({})"

_EVENTS = SPARQL_PREFIXES + """
SELECT ?e ?date ?type ?label ?status ?country ?location ?wkt ?fatalities ?source WHERE {
  ?e ck:date ?date ; rdfs:label ?label ; a ?type . FILTER(DATATYPE(?date) = xsd:date)
  ?type ck:cameoCode ?code .
  FILTER NOT EXISTS { ?e a ?sub . ?sub rdfs:subClassOf+ ?type . FILTER(?sub != ?type) }
  OPTIONAL { ?e ck:country ?stated }
  OPTIONAL { ?e ck:status ?status }
  OPTIONAL { ?e ck:location ?location . OPTIONAL { ?location geo:hasGeometry/geo:asWKT ?wkt }
             OPTIONAL { ?location a ck:State BIND (?location AS ?where) } OPTIONAL { ?location ck:country ?where } }
  BIND (COALESCE(?stated, ?where) AS ?country)
  OPTIONAL { ?e ck:fatalities ?fatalities }
  OPTIONAL { ?e ck:evidence/ck:source/dcterms:title ?source }
} ORDER BY ?date ?e"""

# The parties that are not attributions (who made a statement, took a step, was its counterpart).
_PARTIES = SPARQL_PREFIXES + """
SELECT ?e ?side ?who WHERE {
  VALUES (?p ?side) { (ck:accuser 1) (ck:actor 1) (ck:accused 2) (ck:counterpart 2) }
  ?e ck:date ?date ; ?p ?who .
} ORDER BY ?e ?who"""

_STATUS_BY = SPARQL_PREFIXES + "SELECT ?e ?who WHERE { ?e ck:date ?date ; ck:claimant ?who } ORDER BY ?e ?who"

# The state each actor belongs to (itself for a state), and whether it is a state's force at all.
_ACTORS = SPARQL_PREFIXES + """
SELECT ?a ?kind ?state WHERE {
  ?a a ?kind . VALUES ?kind { ck:State ck:StateForce ck:ArmedGroup ck:Person ck:Organization }
  OPTIONAL { ?a ck:memberOf* ?state . ?state a ck:State }
}"""

_DATED = "{ SELECT DISTINCT ?e WHERE { ?e ck:date ?date } }"
_POINT = re.compile(r"POINT\s*\(\s*(-?[\d.]+)\s+(-?[\d.]+)\s*\)", re.I)
#: One attribution in the notes: "Perpetrator alleged by Iran: Israel." / "Event alleged by X."
_ATTRIBUTION = re.compile(r"\b(Perpetrator|Targeted group|Event) (alleged|claimed|denied|speculated|external)"
                          r"(?: by ([^:.]+?))?(?:: ([^.]+))?\.(?=\s|$)")
_ROLES = {"Perpetrator": CK.perpetrator, "Targeted group": CK.targetedGroup}


def _inter(kinds: dict, states: dict, actor: str, country: str | None) -> int:
    """ACLED's category of an actor in an event that took place in ``country``."""
    if states.get(actor):  # a state, its forces, ministries and officials
        return STATE_FORCES if country in states[actor] else EXTERNAL
    return REBELS if kinds.get(actor) == CK.ArmedGroup else EXTERNAL


def _state_of(actors: list[str], states: dict, kinds: dict) -> str | None:
    """The state the first of ``actors`` belongs to (itself, for a state), if any."""
    return next((s for s in sorted(states.get(actors[0], ())) if kinds.get(s) == CK.State), None) if actors else None


def _note(role: str, entry: dict) -> str:
    who = " and ".join(b["label"] for b in entry["attributed_by"])
    return f"{role} {entry['attribution']}{' by ' + who if who else ''}: {entry['label']}."


def export_acled(store: Store, out: IO[str]) -> None:
    """Write every event dated to the day, in a known country and not only planned, as one ACLED row."""
    index = label_index(store)
    kinds: dict[str, str] = {}
    states: dict[str, set[str]] = defaultdict(set)
    for row in store.select(_ACTORS):
        kinds.setdefault(row["a"].value, row["kind"].value)
        if "state" in row:
            states[row["a"].value].add(row["state"].value)
    parties: dict[str, dict[int, list[str]]] = defaultdict(lambda: {1: [], 2: []})
    for row in store.select(_PARTIES):
        bucket = parties[row["e"].value][int(row["side"].value)]
        if row["who"].value not in bucket:
            bucket.append(row["who"].value)
    perpetrators = attributed(store, _DATED, CK.perpetrator)
    groups = attributed(store, _DATED, CK.targetedGroup)
    status_by: dict[str, list[str]] = defaultdict(list)
    for row in store.select(_STATUS_BY):
        status_by[row["e"].value].append(index.labels.get(row["who"].value, row["who"].value))
    events: dict[str, dict] = {}
    for row in store.select(_EVENTS):
        event = row["e"].value
        found = events.setdefault(event, {"row": row, "fatalities": []})
        if "fatalities" in row:
            found["fatalities"].append(int(row["fatalities"].value))
    writer = csv.DictWriter(out, fieldnames=COLUMNS, lineterminator="\n")
    writer.writeheader()
    for event, found in events.items():
        row = found["row"]
        status = row["status"].value if "status" in row else "reported"
        if status == "planned":
            continue
        perps, targets = perpetrators.get(event, []), groups.get(event, [])
        side1 = parties[event][1] + [p["iri"] for p in perps if is_reported(p)]
        # an event's own country, or its place's, or (a statement, a call) the state of who acted
        country = row["country"].value if "country" in row else _state_of(side1, states, kinds)
        if country is None:
            continue
        side2 = parties[event][2] + [g["iri"] for g in targets if is_reported(g)]
        coded = EVENT_TYPES.get(row["type"].value.rsplit("#", 1)[-1], (STRATEGIC, "Other"))
        if coded is None:  # the means are not given: remote if any side named came from across the border
            foreign = any(country not in states.get(p["iri"], {country}) for p in perps)
            coded = REMOTE if foreign else CLASH
        is_attack = coded[0] != STRATEGIC
        names = [index.labels.get(a, a) for a in side1]
        inters = [_inter(kinds, states, a, country) for a in side1]
        if is_attack and not side1:
            names, inters = [UNKNOWN.format(index.labels.get(country, country))], [UNIDENTIFIED]
        if not names:  # a development nobody is said to have taken: no ACLED event
            continue
        inter1 = inters[0] if inters else ""
        inter2 = _inter(kinds, states, side2[0], country) if side2 else ""
        codes = sorted(c for c in (inter1, inter2) if c != "")
        notes = [row["label"].value + "."]
        if status != "reported":
            who = " and ".join(status_by.get(event, []))
            notes.append(f"Event {status}{' by ' + who if who else ''}.")
        notes += [_note("Perpetrator", p) for p in perps if not is_reported(p)]
        notes += [_note("Targeted group", g) for g in targets if not is_reported(g)]
        lon, lat = "", ""
        if "wkt" in row and (point := _POINT.search(row["wkt"].value)):
            lon, lat = point.groups()
        writer.writerow({
            "event_date": row["date"].value, "event_type": coded[0], "sub_event_type": coded[1],
            "actor1": names[0] if names else "", "assoc_actor_1": "; ".join(names[1:]), "inter1": inter1,
            "actor2": index.labels.get(side2[0], side2[0]) if side2 else "",
            "assoc_actor_2": "; ".join(index.labels.get(a, a) for a in side2[1:]), "inter2": inter2,
            "interaction": "".join(map(str, codes)) + ("0" if len(codes) == 1 else "") if codes else "",
            "country": index.labels.get(country, ""),
            "location": index.labels.get(row["location"].value, "") if "location" in row else "",
            "latitude": lat, "longitude": lon,
            "fatalities": str(min(found["fatalities"])) if found["fatalities"] else "0",
            "notes": " ".join(notes), "source": row["source"].value if "source" in row else "",
        })


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.casefold()).strip("-") or "x"


class AcledError(ValueError):
    """A row or a file that is not ACLED-style CSV."""


def import_acled(text: str, store: Store, *, source_name: str = "acled.csv") -> list[ox.Triple]:
    """Triples for the rows of an ACLED-style CSV; actors and states already in ``store`` are reused by name."""
    reader = csv.DictReader(io.StringIO(text))
    missing = {"event_date", "sub_event_type", "actor1", "country"} - set(reader.fieldnames or ())
    if missing:
        raise AcledError(f"{source_name}: not ACLED-style CSV, missing column(s): {', '.join(sorted(missing))}")
    index = label_index(store)
    triples: list[ox.Triple] = []
    minted: set[str] = set()
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
    source = iri("source", f"acled-{digest[:16]}")

    def add(s: str, p: str, o) -> None:
        triples.append(ox.Triple(ox.NamedNode(s), ox.NamedNode(p), o if not isinstance(o, str) else ox.NamedNode(o)))

    def named(label: str, kind: str) -> str:
        found = sorted(n for n in index.match(label) if n in index.types and kind in index.types[n]) \
            or sorted(index.match(label))
        if found:
            return found[0]
        node = iri("actor" if kind != CK.Place else "place", f"acled-{_slug(label)}")
        if node not in minted:
            minted.add(node)
            add(node, RDF.type, kind)
            add(node, RDFS.label, ox.Literal(label, language="en"))
        return node

    add(source, RDF.type, CK.Source)
    add(source, "http://purl.org/dc/terms/title", ox.Literal(source_name, language="en"))
    add(source, CK.sha256, ox.Literal(digest))
    for number, row in enumerate(reader, start=2):
        where = f"{source_name} line {number}"
        try:
            day = dt.date.fromisoformat(row["event_date"].strip())
            date = ox.Literal(day.isoformat(), datatype=ox.NamedNode(XSD.date))
        except ValueError:
            raise AcledError(f"{where}: event_date {row['event_date']!r} is not YYYY-MM-DD") from None
        kind = CLASS_OF.get(row["sub_event_type"].strip(), "DiplomaticAction")
        attack = kind not in ("Arrest", "DeEscalation", "DiplomaticAction")
        event = iri("event", f"acled-{hashlib.sha256(repr(sorted(row.items())).encode()).hexdigest()[:16]}")
        add(event, RDF.type, CK[kind])
        notes = (row.get("notes") or "").strip()
        said = list(_ATTRIBUTION.finditer(notes))
        label = (notes[:said[0].start()] if said else notes).strip().removesuffix(".") \
            or f"{row['sub_event_type']} in {row.get('location') or row['country']}"
        add(event, RDFS.label, ox.Literal(label, language="en"))
        add(event, CK.date, date)
        add(event, CK.dateBasis, ox.Literal("stated"))
        status = "reported"
        evidence = iri("evidence", f"acled-{event.rsplit('-', 1)[-1]}")
        for found in said:
            role, claimed, by, name = found.groups()
            claimants = [named(b.strip(), CK.State) for b in (by or "").split(" and ") if b.strip()]
            if role == "Event":
                status = claimed
                for who in claimants:
                    add(event, CK.claimant, who)
                continue
            value = named(name.strip(), CK.ArmedGroup)
            claim = iri("claim", hashlib.sha256(f"{event} {_ROLES[role]} {value}".encode()).hexdigest()[:12])
            add(claim, RDF.type, CK.Claim)
            add(claim, CK.claimAbout, event)
            add(claim, CK.claimProperty, _ROLES[role])
            add(claim, CK.claimValue, value)
            add(claim, CK.status, ox.Literal(claimed))
            add(claim, CK.evidence, evidence)
            for who in claimants:
                add(claim, CK.claimant, who)
        add(event, CK.status, ox.Literal(status))
        country = named(row["country"].strip(), CK.State) if row["country"].strip() else None
        if country:
            add(event, CK.country, country)
        side1 = [row["actor1"].strip()] + [a.strip() for a in (row.get("assoc_actor_1") or "").split(";")]
        side2 = [(row.get("actor2") or "").strip()] + [a.strip() for a in (row.get("assoc_actor_2") or "").split(";")]
        for name in filter(None, side1):
            if not (attack and name.startswith(UNKNOWN.split("(")[0])):  # ACLED's unknown perpetrator: none named
                add(event, CK.perpetrator if attack else CK.actor, named(name, CK.ArmedGroup))
        for name in filter(None, side2):
            add(event, CK.targetedGroup if attack else CK.counterpart, named(name, CK.ArmedGroup))
        location = (row.get("location") or "").strip()
        if location:
            place = named(location, CK.Place)
            add(event, CK.location, place)
            if attack:
                add(event, CK.target, place)
            if place in minted and row.get("latitude") and row.get("longitude"):
                geom = place + "-geometry"
                if geom not in minted:
                    minted.add(geom)
                    add(place, GEO.hasGeometry, geom)
                    add(geom, RDF.type, GEO.Geometry)
                    add(geom, GEO.asWKT, ox.Literal(f"POINT({row['longitude']} {row['latitude']})",
                                                    datatype=ox.NamedNode(GEO.wktLiteral)))
                    if country:
                        add(place, CK.country, country)
        if (row.get("fatalities") or "").strip():
            try:
                add(event, CK.fatalities, ox.Literal(str(int(row["fatalities"])), datatype=ox.NamedNode(XSD.integer)))
            except ValueError:
                raise AcledError(f"{where}: fatalities {row['fatalities']!r} is not a whole number") from None
        add(event, CK.evidence, evidence)
        add(evidence, RDF.type, CK.Evidence)
        add(evidence, CK.quote, ox.Literal(label))
        add(evidence, CK.start, ox.Literal("0", datatype=ox.NamedNode(XSD.integer)))
        add(evidence, CK.end, ox.Literal(str(len(label)), datatype=ox.NamedNode(XSD.integer)))
        add(evidence, CK.source, source)
    return triples


def rows(triples: Iterable[ox.Triple]) -> bytes:
    """Triples as N-Triples, ready for ``Store.load``."""
    return ox.serialize(list(triples), format=ox.RdfFormat.N_TRIPLES)
