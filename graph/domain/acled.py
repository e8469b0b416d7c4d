"""ACLED-style CSV: the graph's dated events out, and event rows from such a file in.

Columns (ACLED's names): event_date, event_type, sub_event_type, actor1, assoc_actor_1,
actor2, assoc_actor_2, country, location, latitude, longitude, fatalities, notes, source.
Our classes map to ACLED's event types as in :data:`EVENT_TYPES`; reading a file back maps
each sub-event type to one class (:data:`CLASS_OF`), so a drone strike written as "Air/drone
strike" comes back as an air strike: the mapping is many-to-one, the dates, actors,
countries, places and fatalities survive the round trip.

>>> import io
>>> from conflictkg.graph.store import open_store
>>> out = io.StringIO()
>>> export_acled(open_store("memory"), out)
>>> lines = out.getvalue().splitlines()
>>> lines[0]
'event_date,event_type,sub_event_type,actor1,assoc_actor_1,actor2,assoc_actor_2,country,location,latitude,longitude,fatalities,notes,source'
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

from .names import label_index
from ..store import Store
from ..vocab import CK, GEO, RDF, RDFS, SPARQL_PREFIXES, XSD, iri

COLUMNS = ["event_date", "event_type", "sub_event_type", "actor1", "assoc_actor_1", "actor2", "assoc_actor_2",
           "country", "location", "latitude", "longitude", "fatalities", "notes", "source"]

EXPLOSIONS, BATTLES, VIOLENCE, STRATEGIC = ("Explosions/Remote violence", "Battles", "Violence against civilians",
                                            "Strategic developments")
#: Our most specific class → (ACLED event type, sub-event type).
EVENT_TYPES = {
    "MissileStrike": (EXPLOSIONS, "Shelling/artillery/missile attack"),
    "DroneStrike": (EXPLOSIONS, "Air/drone strike"),
    "AirStrike": (EXPLOSIONS, "Air/drone strike"),
    "SuicideBombing": (EXPLOSIONS, "Suicide bomb"),
    "Bombing": (EXPLOSIONS, "Remote explosive/landmine/IED"),
    "ArmedAssault": (BATTLES, "Armed clash"),
    "TargetedKilling": (VIOLENCE, "Attack"),
    "Attack": (BATTLES, "Armed clash"),
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

_EVENTS = SPARQL_PREFIXES + """
SELECT ?e ?date ?type ?label ?country ?location ?wkt ?fatalities ?source WHERE {
  ?e ck:date ?date ; rdfs:label ?label ; a ?type . FILTER(DATATYPE(?date) = xsd:date)
  ?type ck:cameoCode ?code .
  FILTER NOT EXISTS { ?e a ?sub . ?sub rdfs:subClassOf+ ?type . FILTER(?sub != ?type) }
  OPTIONAL { ?e ck:country ?country }
  OPTIONAL { ?e ck:location ?location . OPTIONAL { ?location geo:hasGeometry/geo:asWKT ?wkt } }
  OPTIONAL { ?e ck:fatalities ?fatalities }
  OPTIONAL { ?e ck:evidence/ck:source/dcterms:title ?source }
} ORDER BY ?date ?e"""

_PARTIES = SPARQL_PREFIXES + """
SELECT ?e ?side ?who WHERE {
  VALUES (?p ?side) { (ck:perpetrator 1) (ck:accuser 1) (ck:actor 1)
                      (ck:targetedGroup 2) (ck:accused 2) (ck:counterpart 2) }
  ?e ck:date ?date ; ?p ?who .
} ORDER BY ?e ?who"""

_POINT = re.compile(r"POINT\s*\(\s*(-?[\d.]+)\s+(-?[\d.]+)\s*\)", re.I)


def export_acled(store: Store, out: IO[str]) -> None:
    """Write every event dated to the day as one ACLED-style row."""
    index = label_index(store)
    parties: dict[str, dict[int, list[str]]] = defaultdict(lambda: {1: [], 2: []})
    for row in store.select(_PARTIES):
        label = index.labels.get(row["who"].value, row["who"].value)
        bucket = parties[row["e"].value][int(row["side"].value)]
        if label not in bucket:
            bucket.append(label)
    writer = csv.DictWriter(out, fieldnames=COLUMNS, lineterminator="\n")
    writer.writeheader()
    done = set()
    for row in store.select(_EVENTS):
        event = row["e"].value
        if event in done:  # an event of two classes is one row
            continue
        done.add(event)
        kind = row["type"].value.rsplit("#", 1)[-1]
        event_type, sub_type = EVENT_TYPES.get(kind, (STRATEGIC, "Other"))
        side1, side2 = parties[event][1], parties[event][2]
        lon, lat = "", ""
        if "wkt" in row and (point := _POINT.search(row["wkt"].value)):
            lon, lat = point.groups()
        writer.writerow({
            "event_date": row["date"].value, "event_type": event_type, "sub_event_type": sub_type,
            "actor1": side1[0] if side1 else "", "assoc_actor_1": "; ".join(side1[1:]),
            "actor2": side2[0] if side2 else "", "assoc_actor_2": "; ".join(side2[1:]),
            "country": index.labels.get(row["country"].value, "") if "country" in row else "",
            "location": index.labels.get(row["location"].value, "") if "location" in row else "",
            "latitude": lat, "longitude": lon,
            "fatalities": row["fatalities"].value if "fatalities" in row else "0",
            "notes": row["label"].value, "source": row["source"].value if "source" in row else "",
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
        label = notes or f"{row['sub_event_type']} in {row.get('location') or row['country']}"
        add(event, RDFS.label, ox.Literal(label, language="en"))
        add(event, CK.date, date)
        add(event, CK.dateBasis, ox.Literal("stated"))
        add(event, CK.status, ox.Literal("reported"))
        country = named(row["country"].strip(), CK.State) if row["country"].strip() else None
        if country:
            add(event, CK.country, country)
        side1 = [row["actor1"].strip()] + [a.strip() for a in (row.get("assoc_actor_1") or "").split(";")]
        side2 = [(row.get("actor2") or "").strip()] + [a.strip() for a in (row.get("assoc_actor_2") or "").split(";")]
        for name in filter(None, side1):
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
        evidence = iri("evidence", f"acled-{event.rsplit('-', 1)[-1]}")
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
