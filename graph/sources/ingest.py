"""``conflictkg ingest``: a news article read into a draft of candidate events, matched to the graph.

The article is read as the seed is: raw bytes kept with their SHA-256, look-alike letters folded
(:func:`..domain.source.load_source`), and every candidate's quote is the exact text of the folded
article at its ``start``/``end``.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass, field

from ..domain.source import Source, load_source
from ..store import Store
from ..vocab import iri
from . import gazetteer
from .extract import Candidate, Extractor


class IngestError(ValueError):
    """An article that cannot be read: not UTF-8, empty, a bad publication date."""


@dataclass(frozen=True)
class SourceInfo:
    sha256: str
    published: str
    publisher: str
    url: str | None
    title: str

    @property
    def iri(self) -> str:
        return iri("source", self.sha256[:16])

    def as_json(self) -> dict:
        return {"sha256": self.sha256, "published": self.published, "publisher": self.publisher, "url": self.url}


@dataclass
class Ingested:
    info: SourceInfo
    source: Source
    candidates: list[Candidate]
    names: dict = field(default_factory=dict)

    def as_json(self) -> dict:
        return {"source": self.info.as_json(), "candidates": [c.as_json() for c in self.candidates]}


def read_article(raw: bytes, *, published: str, publisher: str, url: str | None = None) -> tuple[SourceInfo, Source]:
    try:
        day = dt.date.fromisoformat(published)
    except (TypeError, ValueError):
        raise IngestError(f"--published: {published!r} is not a date (YYYY-MM-DD)") from None
    if not publisher or not publisher.strip():
        raise IngestError("--publisher: name the publisher")
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise IngestError(f"the article is not UTF-8 text (byte {exc.start})") from None
    sha = hashlib.sha256(raw).hexdigest()
    source = load_source(raw, iri("source", sha[:16]))
    if not source.text.strip():
        raise IngestError("the article is empty")
    # the first line of two words or more: a byline or a menu item ("• Login") is not the title
    lines = [line.strip() for line in source.text.splitlines()]
    title = next((line for line in lines if sum(w.isalpha() for w in line.split()) >= 2),
                 next((line for line in lines if line), "untitled"))[:200]
    return SourceInfo(sha, day.isoformat(), publisher.strip(), url, title), source


def ingest(store: Store, raw: bytes, *, published: str, publisher: str, url: str | None = None,
           match: bool = True) -> Ingested:
    """The candidates an article reports, each matched to an event the graph holds where it can be."""
    info, source = read_article(raw, published=published, publisher=publisher, url=url)
    names = gazetteer.build(store)
    candidates = Extractor(names).extract(source.text, dt.date.fromisoformat(info.published))
    if match:
        from .match import match_candidates

        match_candidates(store, candidates)
    return Ingested(info, source, candidates, names)
