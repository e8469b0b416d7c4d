"""The curated seed facts (``data/seed.yaml``) turned into RDF, every fact tied to a quote.

The YAML holds what an analyst curated from the article: actors, places, events and the
claims about them, each with quotes of the source. Offsets are never typed by hand: each
quote is looked up in the normalized article here, and a quote that is not in it (or is
in it twice without saying which occurrence) stops the build with a clear error.

>>> graph = seed_graph()
>>> any(t.predicate.value == CK.perpetrator for t in graph)
True
"""

from __future__ import annotations

import datetime as dt
import hashlib
from functools import lru_cache
from importlib import resources
from typing import Any, Iterable

import pyoxigraph as ox
import yaml

from conflictkg.data import SEED_FILE

from .source import ARTICLE_DATE, ARTICLE_TITLE, Source, article, mixed_script
from ..vocab import CK, DCT, GEO, OWL, RDF, RDFS, SKOS, WD, XSD, iri, local_id


#: Closed lists the data must draw from (the shapes say the same for data added later).
EVENT_STATUSES = {"reported", "alleged", "claimed", "denied", "speculated", "planned"}
CLAIM_STATUSES = {"reported", "alleged", "claimed", "denied", "speculated", "external"}
DATE_BASES = {"stated", "resolved", "external"}
ACTOR_TYPES = {"State", "StateForce", "ArmedGroup", "Person", "Organization"}


class SeedError(ValueError):
    """The curated data is inconsistent: an unknown id, a quote not in the source, …"""


def _nn(value: str) -> ox.NamedNode:
    return ox.NamedNode(value)


def _lit(value: Any, datatype: str | None = None, lang: str | None = None) -> ox.Literal:
    if lang:
        return ox.Literal(str(value), language=lang)
    if datatype:
        return ox.Literal(str(value), datatype=_nn(datatype))
    return ox.Literal(str(value))


class _Builder:
    def __init__(self, data: dict, source: Source) -> None:
        self.data = data
        self.source = source
        self.triples: list[ox.Triple] = []
        self.actors: dict[str, dict] = data.get("actors", {})
        self.places: dict[str, dict] = data.get("places", {})
        self.weapons: dict[str, dict] = data.get("weapons", {})
        self.event_ids = {e["id"] for e in data.get("events", [])}
        self.source_node = _nn(source.iri)

    # -- helpers ---------------------------------------------------------------------

    def add(self, s: str | ox.NamedNode, p: str, o: ox.NamedNode | ox.Literal | str) -> None:
        subject = s if isinstance(s, ox.NamedNode) else _nn(s)
        obj = _nn(o) if isinstance(o, str) else o
        # Every literal, not only labels: a look-alike letter in a note or a role defeats search as surely.
        if isinstance(obj, ox.Literal) and mixed_script(obj.value):
            raise SeedError(f"{local_id(subject.value)} {local_id(p)}: the text mixes scripts: {obj.value!r}")
        self.triples.append(ox.Triple(subject, _nn(p), obj))

    def label(self, node: str, text: str, where: str) -> None:
        self.add(node, RDFS.label, _lit(text, lang="en"))

    def ref(self, kind: str, key: str, where: str) -> str:
        table = {"actor": self.actors, "place": self.places, "weapon": self.weapons}.get(kind)
        if kind == "event":
            if key not in self.event_ids:
                raise SeedError(f"{where}: unknown event {key!r}")
        elif kind == "actor_or_place":
            if key in self.actors:
                return iri("actor", key)
            if key in self.places:
                return iri("place", key)
            if key in self.event_ids:
                return iri("event", key)
            raise SeedError(f"{where}: unknown actor, place or event {key!r}")
        elif kind == "place" and self.actors.get(key, {}).get("type") == "State":
            return iri("actor", key)  # a state is also its territory
        elif table is None or key not in table:
            raise SeedError(f"{where}: unknown {kind} {key!r}")
        return iri(kind, key)

    def evidence(self, node: str, quotes: Iterable, where: str) -> int:
        count = 0
        for quote in quotes or ():
            text, occurrence = (quote, 1) if isinstance(quote, str) else (quote["text"], quote.get("occurrence", 1))
            n = self.source.count(text)
            if n == 0:
                raise SeedError(f"{where}: quote not in the normalized source: {text!r}")
            if n > 1 and isinstance(quote, str):
                raise SeedError(f"{where}: quote occurs {n} times, say which (occurrence:): {text!r}")
            start, end = self.source.find(text, occurrence)
            ev = iri("evidence", f"{self.source.sha256[:16]}-{start}-{end}")
            self.add(ev, RDF.type, CK.Evidence)
            self.add(ev, CK.quote, _lit(text))
            self.add(ev, CK.start, _lit(start, XSD.integer))
            self.add(ev, CK.end, _lit(end, XSD.integer))
            self.add(ev, CK.source, self.source_node)
            self.add(node, CK.evidence, ev)
            count += 1
        return count

    def claim_node(self, about: str, prop: str, value: str | ox.Literal) -> str:
        """The claim's IRI, named by what it says (a later source's builder also names the source)."""
        text = value.value if isinstance(value, ox.Literal) else value
        return iri("claim", hashlib.sha256(f"{about} {prop} {text}".encode()).hexdigest()[:12])

    def claim(self, about: str, prop: str, value: str | ox.Literal, spec: dict, where: str,
              default_status: str = "reported") -> None:
        """A claim that ``about prop value`` holds, with its status, claimants and evidence."""
        status = spec.get("status", spec.get("attribution", default_status))
        if status not in CLAIM_STATUSES:
            raise SeedError(f"{where}: claim status {status!r} not in {sorted(CLAIM_STATUSES)}")
        node = self.claim_node(about, prop, value)
        self.add(node, RDF.type, CK.Claim)
        self.add(node, CK.claimAbout, about)
        self.add(node, CK.claimProperty, prop)
        self.add(node, CK.claimValue, value)
        self.add(node, CK.status, _lit(status))
        for who in spec.get("by", []):
            self.add(node, CK.claimant, self.ref("actor", who, where))
        if spec.get("note"):
            self.add(node, RDFS.comment, _lit(spec["note"], lang="en"))
        if status == "external":
            if not spec.get("note"):
                raise SeedError(f"{where}: an external claim needs a note saying where it comes from")
        elif self.evidence(node, spec.get("quotes"), where) == 0:
            raise SeedError(f"{where}: a claim needs at least one quote")

    # -- sections --------------------------------------------------------------------

    def build_source(self) -> None:
        s = self.source_node
        self.add(s, RDF.type, CK.Source)
        self.add(s, DCT.title, _lit(ARTICLE_TITLE, lang="en"))
        self.add(s, DCT.issued, _lit(ARTICLE_DATE, XSD.date))
        self.add(s, CK.sha256, _lit(self.source.sha256))
        self.add(s, CK.normalizedSha256, _lit(hashlib.sha256(self.source.text.encode()).hexdigest()))
        self.add(s, CK.foldedCharacters, _lit(sum(self.source.folded.values()), XSD.integer))

    def build_weapons(self) -> None:
        for key, spec in self.weapons.items():
            node = iri("weapon", key)
            self.add(node, RDF.type, CK.Weapon)
            self.label(node, spec["label"], f"weapon {key}")

    def build_actors(self) -> None:
        for key, spec in self.actors.items():
            where = f"actor {key}"
            node = iri("actor", key)
            kind = spec["type"]
            if kind not in ACTOR_TYPES:
                raise SeedError(f"{where}: type {kind!r} not in {sorted(ACTOR_TYPES)}")
            self.add(node, RDF.type, CK[kind])
            self.label(node, spec["label"], where)
            for alias in spec.get("aliases", []):
                self.add(node, SKOS.altLabel, _lit(alias, lang="en"))
            if spec.get("comment"):
                self.add(node, RDFS.comment, _lit(spec["comment"], lang="en"))
            if spec.get("role"):
                self.add(node, CK.role, _lit(spec["role"], lang="en"))
            if spec.get("wikidata"):
                self.add(node, OWL.sameAs, WD[spec["wikidata"]])
            if kind == "State":
                self.add(node, RDF.type, CK.Place)
                self.geometry(node, key, spec)
            for prop in ("member_of", "commands", "designated_by", "affiliated_with", "predecessor_of"):
                for other in spec.get(prop, []):
                    self.add(node, CK[_camel(prop)], self.ref("actor", other, where))
            for place in spec.get("operates_in", []):
                self.add(node, CK.operatesIn, self.ref("place", place, where))
            self.evidence(node, spec.get("quotes"), where)

    def build_places(self) -> None:
        for key, spec in self.places.items():
            where = f"place {key}"
            node = iri("place", key)
            self.add(node, RDF.type, CK.Place)
            self.label(node, spec["label"], where)
            for alias in spec.get("aliases", []):
                self.add(node, SKOS.altLabel, _lit(alias, lang="en"))
            if spec.get("country"):
                self.add(node, CK.country, self.ref("actor", spec["country"], where))
            if spec.get("within"):
                self.add(node, CK.within, self.ref("place", spec["within"], where))
            if spec.get("comment"):
                self.add(node, RDFS.comment, _lit(spec["comment"], lang="en"))
            self.geometry(node, key, spec)
            self.evidence(node, spec.get("quotes"), where)

    def geometry(self, node: str, key: str, spec: dict) -> None:
        if spec.get("wkt"):
            geom = iri("place", f"{key}-geometry")
            self.add(node, GEO.hasGeometry, geom)
            self.add(geom, RDF.type, GEO.Geometry)
            self.add(geom, GEO.asWKT, _lit(spec["wkt"], GEO.wktLiteral))

    def build_events(self) -> None:
        for spec in self.data.get("events", []):
            key = spec["id"]
            where = f"event {key}"
            node = iri("event", key)
            for kind in spec["types"]:
                self.add(node, RDF.type, CK[kind])
            self.label(node, spec["label"], where)
            if spec.get("description"):
                self.add(node, RDFS.comment, _lit(spec["description"], lang="en"))
            status = spec.get("status", "reported")
            if status not in EVENT_STATUSES:
                raise SeedError(f"{where}: status {status!r} not in {sorted(EVENT_STATUSES)}")
            self.add(node, CK.status, _lit(status))
            for who in spec.get("by", []):
                self.add(node, CK.claimant, self.ref("actor", who, where))
            if status in {"alleged", "claimed", "denied"} and not spec.get("by"):
                raise SeedError(f"{where}: a {status} event says by whom (by:)")
            if "date" in spec:
                self.add(node, CK.date, _date(spec["date"], where))
                basis = spec.get("date_basis", "stated")
                if basis not in DATE_BASES:
                    raise SeedError(f"{where}: date_basis {basis!r} not in {sorted(DATE_BASES)}")
                self.add(node, CK.dateBasis, _lit(basis))
                if spec.get("date_note"):
                    self.add(node, CK.dateNote, _lit(spec["date_note"], lang="en"))
            if self.evidence(node, spec.get("quotes"), where) == 0:
                raise SeedError(f"{where}: an event needs at least one quote")
            self.event_links(node, spec, where)

    def event_links(self, node: str, spec: dict, where: str) -> None:
        for prop, kind in (("location", "place"), ("target", "place"), ("country", "actor"),
                           ("accuser", "actor"), ("accused", "actor")):
            if spec.get(prop):
                self.add(node, CK[prop], self.ref(kind, spec[prop], where))
        for prop, kind in (("actors", "actor"), ("counterparts", "actor"), ("participants", "actor"),
                           ("victims", "actor"), ("weapons", "weapon")):
            target_prop = {"actors": CK.actor, "counterparts": CK.counterpart, "participants": CK.participant,
                           "victims": CK.victim, "weapons": CK.instrument}[prop]
            for key in spec.get(prop, []):
                self.add(node, target_prop, self.ref(kind, key, where))
        for key in spec.get("about", []):
            self.add(node, CK.about, self.ref("actor_or_place", key, where))
        if spec.get("allegation"):
            self.add(node, CK.allegation, _lit(spec["allegation"], lang="en"))
        if spec.get("fatalities") is not None:
            self.add(node, CK.fatalities, _lit(int(spec["fatalities"]), XSD.integer))
            if spec.get("fatalities_qualifier"):
                self.add(node, CK.fatalitiesQualifier, _lit(spec["fatalities_qualifier"]))
        if spec.get("injured"):
            self.add(node, CK.injuredNote, _lit(spec["injured"], lang="en"))
        # Every perpetrator, targeted group and response is a claim, with who says so and how
        # sure; only what the article reports as fact is also a plain triple, so that no
        # query of the plain property reads an allegation as fact (the ontology says the same).
        for key, prop, kind, what in (("perpetrators", CK.perpetrator, "actor", "perpetrator"),
                                      ("targeted_groups", CK.targetedGroup, "actor", "targeted group"),
                                      ("responds_to", CK.respondsTo, "event", "responds to")):
            for entry in spec.get(key, []):
                name = entry[kind]
                value = self.ref(kind, name, where)
                if entry.get("status", "reported") == "reported":
                    self.add(node, prop, value)
                self.claim(node, prop, value, entry, f"{where} {what} {name}", "reported")
        for entry in spec.get("claims", []):
            prop = CK[entry["property"]]
            value = self.ref("actor_or_place", entry["value"], where)
            self.claim(node, prop, value, entry, f"{where} claim {entry['property']}", "reported")

    def build(self) -> list[ox.Triple]:
        self.build_source()
        self.build_weapons()
        self.build_actors()
        self.build_places()
        self.build_events()
        return self.triples


def _camel(snake: str) -> str:
    head, *rest = snake.split("_")
    return head + "".join(word.capitalize() for word in rest)


def _date(value: Any, where: str) -> ox.Literal:
    if isinstance(value, dt.date):
        return _lit(value.isoformat(), XSD.date)
    text = str(value)
    if len(text) == 4 and text.isdigit():
        return _lit(text, XSD.gYear)
    try:
        return _lit(dt.date.fromisoformat(text).isoformat(), XSD.date)
    except ValueError as exc:
        raise SeedError(f"{where}: not a date: {text!r}") from exc


def load_seed_data() -> dict:
    text = resources.files("conflictkg.data").joinpath(SEED_FILE).read_text(encoding="utf-8")
    # libyaml's loader where PyYAML has it: the pure-Python one takes a quarter of a second, every process
    return yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))


def build_graph(data: dict, source: Source) -> list[ox.Triple]:
    """Turn curated data into triples; raise :class:`SeedError` on any inconsistency."""
    return _Builder(data, source).build()


@lru_cache(maxsize=1)
def seed_graph() -> tuple[ox.Triple, ...]:
    """The seed graph of the article (built once per process)."""
    return tuple(build_graph(load_seed_data(), article()))


def build_seed_ntriples() -> bytes:
    """The seed graph as N-Triples, built (stores read it through :func:`.cache.seed_ntriples`)."""
    return ox.serialize(seed_graph(), format=ox.RdfFormat.N_TRIPLES)

