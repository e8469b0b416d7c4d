"""A reviewed draft (``conflictkg ingest -o draft.yaml``, then corrected) turned into RDF for the one
write path: the new source beside the seed article, its new events, and its version of the events
the graph already holds as claims on them.

New events, actors and places are built by the seed's own builder (:mod:`..domain.seed`), which
this module extends only where a draft differs from the seed: its source is not the seed article,
and its names may be ones the graph already holds. An event the draft ``matches`` to one the graph
holds is not built again: the new source's quotes become evidence of that event, and each figure
or name the source gives that the graph does not (a death toll, a place, a perpetrator, an
operation's name) becomes a ``ck:Claim`` on it, with this source's quote and, where the article
says who reports it, that claimant.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import pyoxigraph as ox
import yaml

from ..domain.seed import CLAIM_STATUSES, SeedError, _Builder, _lit
from ..domain.source import Source, load_source
from ..store import Store
from ..vocab import CK, DCT, RDF, RDFS, SKOS, SPARQL_PREFIXES, XSD, iri, local_id


class DraftError(ValueError):
    """A draft that cannot be loaded: unreadable, its article missing or changed, an unknown name."""


_KNOWN = SPARQL_PREFIXES + """
SELECT ?node ?kind WHERE {
  { ?node a/rdfs:subClassOf* ck:Actor BIND("actor" AS ?kind) }
  UNION { ?node a/rdfs:subClassOf* ck:Place BIND("place" AS ?kind) }
  UNION { ?node a/rdfs:subClassOf* ck:Event BIND("event" AS ?kind) }
}"""

_HELD = SPARQL_PREFIXES + """
SELECT ?prop ?value WHERE { VALUES ?prop { ck:fatalities ck:location ck:perpetrator skos:altLabel rdfs:label }
  <%s> ?prop ?value }"""


class _DraftBuilder(_Builder):
    def __init__(self, data: dict, source: Source, store: Store) -> None:
        super().__init__(data, source)
        self.store = store
        self.meta = data["source"]
        self.known: dict[str, dict[str, str]] = {"actor": {}, "place": {}, "event": {}}
        for row in store.select(_KNOWN):
            self.known[row["kind"].value].setdefault(local_id(row["node"].value), row["node"].value)
        self.event_ids |= set(self.known["event"])

    def ref(self, kind: str, key: str, where: str) -> str:
        try:
            return super().ref(kind, key, where)
        except SeedError:
            pass
        wanted = {"actor": ["actor"], "place": ["place", "actor"], "event": ["event"],
                  "actor_or_place": ["actor", "place", "event"]}.get(kind, [kind])
        for table in wanted:
            found = self.known.get(table, {}).get(key)
            if found and (table != "actor" or kind != "place" or found in self._states()):
                return found
        raise SeedError(f"{where}: {key!r} is neither in the draft nor in the graph")

    def _states(self) -> set[str]:
        if not hasattr(self, "_state_iris"):
            rows = self.store.select(SPARQL_PREFIXES + "SELECT ?s WHERE { ?s a ck:State }")
            self._state_iris = {row["s"].value for row in rows}
        return self._state_iris

    def build_source(self) -> None:
        s = self.source_node
        self.add(s, RDF.type, CK.Source)
        self.add(s, DCT.title, _lit(self.meta.get("title") or self.meta["publisher"], lang="en"))
        self.add(s, DCT.issued, _lit(str(self.meta["published"]), XSD.date))
        self.add(s, DCT.publisher, _lit(self.meta["publisher"]))
        if self.meta.get("url"):
            self.add(s, RDFS.seeAlso, ox.NamedNode(self.meta["url"]))
        self.add(s, CK.sha256, _lit(self.source.sha256))
        self.add(s, CK.normalizedSha256, _lit(hashlib.sha256(self.source.text.encode()).hexdigest()))
        self.add(s, CK.foldedCharacters, _lit(sum(self.source.folded.values()), XSD.integer))

    def claim_node(self, about: str, prop: str, value) -> str:
        """Minted per source, so two sources' versions of one fact stay two claims."""
        text = value.value if isinstance(value, ox.Literal) else value
        return iri("claim", hashlib.sha256(f"{self.source.sha256} {about} {prop} {text}".encode()).hexdigest()[:12])

    def build_matched(self, spec: dict) -> None:
        key = spec["matches"]
        where = f"event {spec.get('id', key)} (matches {key})"
        event = self.known["event"].get(key)
        if event is None:
            raise SeedError(f"{where}: the graph holds no event {key!r}")
        if self.evidence(event, spec.get("quotes"), where) == 0:
            raise SeedError(f"{where}: an event needs at least one quote")
        held: dict[str, set[str]] = {}
        for row in self.store.select(_HELD % event):
            held.setdefault(row["prop"].value, set()).add(row["value"].value)
        base = {"quotes": spec.get("quotes"), "by": spec.get("by", []),
                "status": "reported" if spec.get("status", "reported") == "reported" else spec["status"]}
        if base["status"] not in CLAIM_STATUSES:
            base["status"] = "reported"
        if spec.get("fatalities") is not None and str(int(spec["fatalities"])) not in held.get(CK.fatalities, set()):
            self.claim(event, CK.fatalities, _lit(int(spec["fatalities"]), XSD.integer), base,
                              f"{where} fatalities")
        if spec.get("location"):
            place = self.ref("place", spec["location"], where)
            if place not in held.get(CK.location, set()) and not self._contains(place, held.get(CK.location, set())):
                self.claim(event, CK.location, place, base, f"{where} location")
        if spec.get("operation"):
            self.claim(event, SKOS.altLabel, _lit(spec["operation"], lang="en"), base, f"{where} operation")
        for entry in spec.get("perpetrators", []):
            actor = self.ref("actor", entry["actor"], where)
            if actor not in held.get(CK.perpetrator, set()) or entry.get("status", "reported") != "reported":
                claim = {"quotes": entry.get("quotes") or spec.get("quotes"), "status": entry.get("status", "reported"),
                         "by": entry.get("by", base["by"])}
                self.claim(event, CK.perpetrator, actor, claim, f"{where} perpetrator {entry['actor']}")
                # a source that reports it as fact makes it a plain triple, beside the claims that only allege it
                if claim["status"] == "reported" and actor not in held.get(CK.perpetrator, set()):
                    self.add(event, CK.perpetrator, actor)

    def _contains(self, place: str, held: set[str]) -> bool:
        """The graph's place of the event lies within ``place``: naming the wider area is no dispute."""
        return any(self.store.ask(SPARQL_PREFIXES + f"ASK {{ <{inner}> (ck:within|ck:country)+ <{place}> }}")
                   for inner in held)

    def build(self) -> list[ox.Triple]:
        matched = [e for e in self.data.get("events", []) if e.get("matches")]
        self.data = dict(self.data, events=[e for e in self.data.get("events", []) if not e.get("matches")])
        self.event_ids |= {e["id"] for e in self.data["events"]}
        triples = super().build()
        for spec in matched:
            self.build_matched(spec)
        return triples


def read_draft(path: Path) -> tuple[dict, Source]:
    """The draft and its article, whose bytes must be those the draft was written from."""
    try:
        data = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise DraftError(f"{path}: not a readable draft: {exc}") from exc
    if not isinstance(data, dict) or not isinstance(data.get("source"), dict):
        raise DraftError(f"{path}: a draft has a `source` section (conflictkg ingest writes it)")
    meta = data["source"]
    for needed in ("sha256", "published", "publisher", "article"):
        if not meta.get(needed):
            raise DraftError(f"{path}: source.{needed} is missing")
    article = Path(path).parent / meta["article"]
    try:
        raw = article.read_bytes()
    except OSError as exc:
        raise DraftError(f"{path}: cannot read its article {article}: {exc.strerror}") from exc
    sha = hashlib.sha256(raw).hexdigest()
    if sha != meta["sha256"]:
        raise DraftError(f"{path}: the article {article} has changed since the draft was written "
                         f"(sha256 {sha}, the draft says {meta['sha256']})")
    return data, load_source(raw, iri("source", sha[:16]))


def draft_triples(path: Path, store: Store) -> list[ox.Triple]:
    data, source = read_draft(path)
    try:
        return _DraftBuilder(data, source, store).build()
    except (SeedError, KeyError, TypeError, ValueError) as exc:
        raise DraftError(f"{path}: {exc}") from exc


def draft_ntriples(path: Path, store: Store) -> bytes:
    return ox.serialize(draft_triples(path, store), format=ox.RdfFormat.N_TRIPLES)
