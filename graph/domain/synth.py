"""Synthetic events in the project's ontology, for benchmarks: deterministic, streamed, valid.

The events follow the seed graph's shapes: attacks with a perpetrator, a date, a place, a
country and an evidence quote; accusations with accuser, accused and allegation; diplomatic
steps between states; some ``ck:respondsTo`` links, always to an earlier event of the same
pair of actors with the roles reversed. Dates run forward with the event number, so a
response is never dated before what it answers. Nothing is held in memory but the small
pools of actors and places: a million events stream straight to the file.

>>> import io
>>> out = io.StringIO()
>>> write_events(out, 50, seed=7)
50
>>> text = out.getvalue()
>>> text.count("ontology#date>") == 50
True
>>> out2 = io.StringIO(); _ = write_events(out2, 50, seed=7); out2.getvalue() == text
True
"""

from __future__ import annotations

import datetime as dt
import hashlib
import random
from dataclasses import dataclass
from typing import TextIO

from ..vocab import CK, DCT, GEO, RDF, RDFS, SKOS, XSD, iri

SOURCE = iri("source", "synthetic")
START = dt.date(2015, 1, 1)
END = dt.date(2025, 12, 31)

#: States with a rough centroid (lon, lat): synthetic places scatter around it.
STATES = {
    "Afghanistan": (67.7, 33.9), "Algeria": (1.7, 28.0), "Armenia": (45.0, 40.1), "Azerbaijan": (47.6, 40.1),
    "Egypt": (30.8, 26.8), "Ethiopia": (40.5, 9.1), "India": (78.9, 20.6), "Iran": (53.7, 32.4),
    "Iraq": (43.7, 33.2), "Israel": (34.9, 31.0), "Jordan": (36.2, 30.6), "Lebanon": (35.9, 33.9),
    "Libya": (17.2, 26.3), "Mali": (-4.0, 17.6), "Myanmar": (95.9, 21.9), "Niger": (8.1, 17.6),
    "Nigeria": (8.7, 9.1), "Pakistan": (69.3, 30.4), "Saudi Arabia": (45.1, 23.9), "Somalia": (46.2, 5.2),
    "Sudan": (30.2, 12.9), "Syria": (39.0, 34.8), "Turkey": (35.2, 39.0), "Ukraine": (31.2, 48.4),
    "Russia": (105.3, 61.5), "Yemen": (48.5, 15.6), "United States": (-98.6, 39.8), "China": (104.2, 35.9),
}
GROUP_WORDS = ("Front", "Army", "Movement", "Brigades", "Council", "Resistance", "Liberation Force", "Legion")
GROUP_NAMES = ("Northern", "Eastern", "Free", "Popular", "Revolutionary", "Islamic", "National", "Democratic",
               "United", "Southern", "Western", "Highland", "Coastal", "Patriotic", "People's")
ATTACKS = ("MissileStrike", "DroneStrike", "AirStrike", "Bombing", "ArmedAssault")
DIPLOMACY = ("AmbassadorRecall", "MeetingCancellation", "DeEscalation", "MediationOffer", "PhoneCall", "Visit")
WEAPONS = ("missile", "drone", "rocket", "artillery", "explosive")
ALLEGATIONS = ("harbouring armed groups on its territory", "supplying weapons to militants",
               "violating its airspace", "orchestrating attacks on its forces", "negligence along the border")


def _nt(value: str) -> str:
    """A string as an N-Triples literal body (quotes and backslashes escaped)."""
    return value.replace("\\", "\\\\").replace('"', '\\"')


@dataclass(frozen=True)
class _Actor:
    iri: str
    label: str
    state: str  # the state it belongs to or operates in


class _Writer:
    def __init__(self, out: TextIO) -> None:
        self.out = out

    def iri(self, s: str, p: str, o: str) -> None:
        self.out.write(f"<{s}> <{p}> <{o}> .\n")

    def lit(self, s: str, p: str, value: str, datatype: str | None = None, lang: str | None = None) -> None:
        suffix = f"^^<{datatype}>" if datatype else (f"@{lang}" if lang else "")
        self.out.write(f'<{s}> <{p}> "{_nt(value)}"{suffix} .\n')


def _pools(rng: random.Random, w: _Writer) -> tuple[list[_Actor], list[_Actor], dict[str, list[str]]]:
    states = []
    places: dict[str, list[str]] = {}
    for name, (lon, lat) in STATES.items():
        slug = "synth-" + name.lower().replace(" ", "-")
        node = iri("actor", slug)
        w.iri(node, RDF.type, CK.State)
        w.iri(node, RDF.type, CK.Place)
        w.lit(node, RDFS.label, name, lang="en")
        w.iri(node, GEO.hasGeometry, node + "-geometry")
        w.iri(node + "-geometry", RDF.type, GEO.Geometry)
        w.lit(node + "-geometry", GEO.asWKT, f"POINT({lon:.3f} {lat:.3f})", GEO.wktLiteral)
        states.append(_Actor(node, name, node))
        places[node] = []
        for k in range(12):
            place = iri("place", f"{slug}-{k}")
            w.iri(place, RDF.type, CK.Place)
            w.lit(place, RDFS.label, f"{name} district {k + 1}", lang="en")
            w.iri(place, CK.country, node)
            geom = place + "-geometry"
            w.iri(place, GEO.hasGeometry, geom)
            w.iri(geom, RDF.type, GEO.Geometry)
            point = f"POINT({lon + rng.uniform(-3, 3):.3f} {lat + rng.uniform(-3, 3):.3f})"
            w.lit(geom, GEO.asWKT, point, GEO.wktLiteral)
            places[node].append(place)
    groups = []
    for k in range(60):
        home = rng.choice(states)
        label = f"{rng.choice(GROUP_NAMES)} {rng.choice(GROUP_WORDS)} of {home.label} {k + 1}"
        node = iri("actor", f"synth-group-{k}")
        w.iri(node, RDF.type, CK.ArmedGroup)
        w.lit(node, RDFS.label, label, lang="en")
        w.lit(node, SKOS.altLabel, f"G{k + 1}", lang="en")
        w.iri(node, CK.operatesIn, home.iri)
        groups.append(_Actor(node, label, home.iri))
    for weapon in WEAPONS:
        node = iri("weapon", f"synth-{weapon}")
        w.iri(node, RDF.type, CK.Weapon)
        w.lit(node, RDFS.label, weapon, lang="en")
    return states, groups, places


def write_events(out: TextIO, events: int, *, seed: int = 42) -> int:
    """Write ``events`` synthetic events (and their actors and places) as N-Triples; return the count."""
    rng = random.Random(seed)
    w = _Writer(out)
    w.iri(SOURCE, RDF.type, CK.Source)
    w.lit(SOURCE, DCT.title, f"Synthetic events (seed {seed})")
    w.lit(SOURCE, CK.sha256, hashlib.sha256(f"conflictkg synth {seed}".encode()).hexdigest())
    states, groups, places = _pools(rng, w)
    span = (END - START).days
    last_by_dyad: dict[tuple[str, str], str] = {}
    for i in range(events):
        node = iri("event", f"synth-{i:07d}")
        date = (START + dt.timedelta(days=i * span // max(events, 1))).isoformat()
        roll = rng.random()
        if roll < 0.6:
            by = rng.choice(states) if rng.random() < 0.5 else rng.choice(groups)
            country = rng.choice([s for s in states if s.iri != by.iri] if by in states else states)
            kind = rng.choice(ATTACKS)
            place = rng.choice(places[country.iri])
            w.iri(node, RDF.type, CK[kind])
            w.lit(node, RDFS.label, f"{kind} by {by.label} in {country.label} #{i}", lang="en")
            w.iri(node, CK.perpetrator, by.iri)
            w.iri(node, CK.country, country.iri)
            w.iri(node, CK.location, place)
            w.iri(node, CK.target, place)
            if rng.random() < 0.3:
                w.iri(node, CK.targetedGroup, rng.choice(groups).iri)
            weapon = {"MissileStrike": "missile", "DroneStrike": "drone"}.get(kind)
            if weapon or rng.random() < 0.5:
                w.iri(node, CK.instrument, iri("weapon", "synth-" + (weapon or rng.choice(WEAPONS))))
            if rng.random() < 0.5:
                w.lit(node, CK.fatalities, str(rng.randint(0, 120)), XSD.integer)
            dyad = (by.iri, country.iri)
        elif roll < 0.9:
            by, against = rng.sample(states, 2)
            w.iri(node, RDF.type, CK.Accusation)
            allegation = rng.choice(ALLEGATIONS)
            w.lit(node, RDFS.label, f"{by.label} accuses {against.label} #{i}", lang="en")
            w.iri(node, CK.accuser, by.iri)
            w.iri(node, CK.accused, against.iri)
            w.lit(node, CK.allegation, allegation.capitalize() + ".", lang="en")
            dyad = (by.iri, against.iri)
        else:
            by, against = rng.sample(states, 2)
            kind = rng.choice(DIPLOMACY)
            w.iri(node, RDF.type, CK[kind])
            w.lit(node, RDFS.label, f"{kind} by {by.label} toward {against.label} #{i}", lang="en")
            w.iri(node, CK.actor, by.iri)
            w.iri(node, CK.counterpart, against.iri)
            if kind in ("DeEscalation", "PhoneCall"):  # two-sided by nature (the shapes ask for both)
                w.iri(node, CK.actor, against.iri)
            if kind == "Visit":
                w.iri(node, CK.location, rng.choice(places[against.iri]))
            dyad = (by.iri, against.iri)
        w.lit(node, CK.date, date, XSD.date)
        w.lit(node, CK.status, "reported")
        answered = last_by_dyad.get((dyad[1], dyad[0]))
        if answered is not None and rng.random() < 0.5:
            w.iri(node, CK.respondsTo, answered)
        last_by_dyad[dyad] = node
        ev = iri("evidence", f"synth-{i:07d}")
        quote = f"Report {i}: {date}."
        w.iri(node, CK.evidence, ev)
        w.iri(ev, RDF.type, CK.Evidence)
        w.lit(ev, CK.quote, quote)
        w.lit(ev, CK.start, "0", XSD.integer)
        w.lit(ev, CK.end, str(len(quote)), XSD.integer)
        w.iri(ev, CK.source, SOURCE)
    return events

SH = "http://www.w3.org/ns/shacl#"


def inject_faults(store, *, seed: int = 5) -> set[tuple[str, str | None, str]]:
    """Break a few synthetic events the way careless data would; return the (focus, path, component) each must give.

    An attack loses its perpetrator, another gets an impossible date, a third a label that
    hides a Cyrillic letter, an accusation loses its accused. Both SHACL engines must report
    at least these.
    """
    prefixes = f"PREFIX ck: <{CK}> PREFIX xsd: <{XSD}> PREFIX skos: <{SKOS}>\n"
    rng = random.Random(seed)
    attacks = [r["e"].value for r in store.select(prefixes + "SELECT ?e WHERE { ?e a ck:Bombing } ORDER BY ?e")]
    accusations = [r["e"].value for r in store.select(prefixes + "SELECT ?e WHERE { ?e a ck:Accusation } ORDER BY ?e")]
    no_perpetrator, bad_date, cyrillic = rng.sample(attacks, 3)
    no_accused = rng.choice(accusations)
    store.update(prefixes + f"""
        DELETE WHERE {{ <{no_perpetrator}> ck:perpetrator ?p }} ;
        DELETE {{ <{bad_date}> ck:date ?d }} INSERT {{ <{bad_date}> ck:date "2024-02-30x"^^xsd:date }} WHERE {{ <{bad_date}> ck:date ?d }} ;
        INSERT DATA {{ <{cyrillic}> skos:altLabel "P\u0430kistan strike"@en }} ;
        DELETE WHERE {{ <{no_accused}> ck:accused ?a }}""")
    sparql = SH + "SPARQLConstraintComponent"
    return {(no_perpetrator, CK.perpetrator, SH + "SPARQLConstraintComponent"),
            (bad_date, CK.date, SH + "DatatypeConstraintComponent"),
            (bad_date, None, sparql),
            (cyrillic, SKOS.altLabel, sparql),
            (no_accused, CK.accused, SH + "MinCountConstraintComponent")}
