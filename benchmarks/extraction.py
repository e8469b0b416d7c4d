"""How well ``conflictkg ingest`` reads the seed article, measured against the analyst's curation
(``data/seed.yaml``): ``python -m benchmarks.extraction [-o FILE]`` prints the figures as JSON.

A candidate finds a curated event when it is of the same kind and its sentence overlaps one of the
event's quotes (of the event itself or of its perpetrators). Recall: curated events found, over all
of them and over those of the kinds ingest looks for; precision: candidates that find one. Date
accuracy: found events with a full curated date whose candidate gives that date. Actor accuracy:
found events whose candidate names only actors the curation names as doers (perpetrators, accuser,
actors, participants), and at least one.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter

from conflictkg.graph.domain.seed import load_seed_data
from conflictkg.graph.domain.source import ARTICLE_DATE, article
from conflictkg.graph.sources.extract import Extractor
from conflictkg.graph.sources import gazetteer
from conflictkg.graph.store import open_store

KINDS = {"Accusation": "accusation", "Condemnation": "condemnation", "ResponsibilityClaim": "claim",
         "Denial": "claim", "Threat": "threat"}
ATTACKS = {"Attack", "MissileStrike", "DroneStrike", "AirStrike", "Bombing", "SuicideBombing", "ArmedAssault",
           "TargetedKilling"}
DIPLOMATIC = {"AmbassadorRecall", "EntryRefusal", "MeetingCancellation", "Summons", "DeEscalation",
              "MediationOffer", "Visit", "PhoneCall", "Meeting"}


def gold_kind(types: list[str]) -> str:
    if set(types) & ATTACKS:
        return "attack"
    if set(types) & DIPLOMATIC:
        return "diplomatic"
    return next((KINDS[t] for t in types if t in KINDS), "other")


def _spans(source, quotes) -> list[tuple[int, int]]:
    out = []
    for quote in quotes or ():
        text, n = (quote, 1) if isinstance(quote, str) else (quote["text"], quote.get("occurrence", 1))
        out.append(source.find(text, n))
    return out


def measure() -> dict:
    import datetime as dt

    source = article()
    store = open_store("memory")
    candidates = Extractor(gazetteer.build(store)).extract(source.text, dt.date.fromisoformat(ARTICLE_DATE))
    gold = []
    for event in load_seed_data()["events"]:
        spans = _spans(source, event.get("quotes"))
        for perp in event.get("perpetrators", []):
            spans += _spans(source, perp.get("quotes"))
        doers = {p["actor"] for p in event.get("perpetrators", [])} | set(event.get("actors", [])) | \
            set(event.get("participants", [])) | ({event["accuser"]} if event.get("accuser") else set())
        gold.append({"id": event["id"], "kind": gold_kind(event["types"]), "spans": spans, "doers": doers,
                     "date": str(event["date"]) if len(str(event.get("date", ""))) == 10 else None})

    def hits(c, g) -> bool:
        return c.kind == g["kind"] and any(c.start < e and s < c.end for s, e in g["spans"])

    found = {}
    for g in gold:
        best = next((c for c in candidates if hits(c, g)), None)
        if best is not None:
            found[g["id"]] = (g, best)
    useful = [c for c in candidates if any(hits(c, g) for g in gold)]
    in_scope = [g for g in gold if g["kind"] != "other"]
    dated = [(g, c) for g, c in found.values() if g["date"]]
    actors = [(g, c) for g, c in found.values()
              if c.doers and all(e.id in g["doers"] for e in c.doers)]
    by_kind = {}
    for kind in sorted({g["kind"] for g in gold}):
        of_kind = [g for g in gold if g["kind"] == kind]
        by_kind[kind] = {"curated": len(of_kind), "found": sum(g["id"] in found for g in of_kind),
                         "candidates": sum(c.kind == kind for c in candidates)}
    return {
        "article": source.iri,
        "curated_events": len(gold),
        "curated_in_scope": len(in_scope),
        "candidates": len(candidates),
        "events_found": len(found),
        "recall": round(len(found) / len(gold), 3),
        "recall_in_scope": round(len(found) / len(in_scope), 3),
        "precision": round(len(useful) / len(candidates), 3) if candidates else None,
        "date_accuracy": round(sum(c.date == g["date"] for g, c in dated) / len(dated), 3) if dated else None,
        "dated_found": len(dated),
        "actor_accuracy": round(len(actors) / len(found), 3) if found else None,
        "by_kind": by_kind,
        "missed": sorted(g["id"] for g in in_scope if g["id"] not in found),
        "unmatched_candidates": [f"{c.kind} {c.types[0]} @{c.start}" for c in candidates if c not in useful],
        "kinds_of_candidates": dict(Counter(c.kind for c in candidates)),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.extraction", description=__doc__.split("\n\n")[0])
    parser.add_argument("-o", "--output", help="Write the JSON here as well.")
    args = parser.parse_args(argv)
    text = json.dumps(measure(), indent=2)
    print(text)
    if args.output:
        with open(args.output, "w", encoding="utf-8") as out:
            out.write(text + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
