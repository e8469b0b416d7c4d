"""Benchmark suite ``list_pages``: the p95 latency of a first and a tenth page of ``/api/timeline``
(100 events a page) and of ``/api/actors`` (10 actors a page: a synthetic graph holds about 150)
from ``conflictkg serve --store oxigraph:PATH --workers 2``, against the same SPARQL run on raw
pyoxigraph over the same store (the page's queries, recorded, then replayed with their rows
materialised, taking turns with the requests: see :func:`.suite_pages.measure`). Goals: each page
within 100 ms, and a ratio of at most 1.5.

``make bench`` runs it at the suite's size; for a store that is already built, run it alone::

    python -m benchmarks.suite_list_pages --store oxigraph:kg.db -o bench-results/list-pages.json
"""

from __future__ import annotations

import argparse
import gc
import json
import tempfile
from pathlib import Path

import pyoxigraph as ox

from .runner import suite
from .suite_pages import REQUESTS, measure

#: Each list: its route, the function that answers a page of it, and the rows a page holds.
LISTS = {"/api/timeline": ("timeline_page", 100), "/api/actors": ("actors_page", 10)}


def measure_list_pages(spec: str, label: str, requests: int = REQUESTS) -> list[dict]:
    """The suite's rows for the store ``spec`` (an ``oxigraph:PATH`` nobody else has open)."""
    from conflictkg.graph.domain import paging

    return measure(spec, label, {route: (getattr(paging, name), limit) for route, (name, limit) in LISTS.items()},
                   requests)


@suite("list_pages")
def _list_pages(ctx) -> list[dict]:
    from conflictkg.graph.store import open_store

    with tempfile.TemporaryDirectory(prefix="bench-list-pages-") as scratch:
        spec = f"oxigraph:{Path(scratch) / 'kg'}"
        store = open_store(spec)
        store.load(ctx.data, ox.RdfFormat.N_TRIPLES)
        store.rebuild_entailment()
        store.flush()
        del store
        gc.collect()
        return measure_list_pages(spec, f"{ctx.events} events", requests=max(10, REQUESTS // ctx.repeat))


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.suite_list_pages",
                                     description=__doc__.split("\n\n")[0])
    parser.add_argument("--store", required=True, help="oxigraph:PATH, already loaded")
    parser.add_argument("--label", default=None, help="what the store holds, for the rows' names")
    parser.add_argument("--requests", type=int, default=REQUESTS)
    parser.add_argument("-o", "--output", default="bench-results/list-pages.json")
    args = parser.parse_args(argv)
    from .runner import machine

    rows = measure_list_pages(args.store, args.label or args.store, args.requests)
    report = {"machine": machine(), "store": args.store, "results": [{"suite": "list_pages", **r} for r in rows]}
    Path(args.output).parent.mkdir(parents=True, exist_ok=True)
    Path(args.output).write_text(json.dumps(report, indent=2), encoding="utf-8")
    for r in rows:
        print(f"{r['name']}: ours {r['ours_s'] * 1000:.1f} ms, raw {r['reference_s'] * 1000:.1f} ms, "
              f"ratio {r['ratio']:.2f} (goal ≤ {r['goal']})")


if __name__ == "__main__":
    main()
