"""Benchmark suite ``list_pages``: the p95 latency of a first and a tenth page of ``/api/timeline``
(100 events a page) and of ``/api/actors`` (10 actors a page: a synthetic graph holds about 150)
from ``conflictkg serve --store oxigraph:PATH --workers 2``, against the same SPARQL run on raw
pyoxigraph over the same store (the page's queries, recorded, then replayed with their rows
materialised). Goals: each page within 100 ms, and a ratio of at most 1.5.

``make bench`` runs it at the suite's size; for a store that is already built, run it alone::

    python -m benchmarks.suite_list_pages --store oxigraph:kg.db -o bench-results/list-pages.json
"""

from __future__ import annotations

import argparse
import gc
import json
import tempfile
import time
from pathlib import Path

import pyoxigraph as ox

from .runner import _Recorder, row, suite
from .suite_pages import GOAL, REQUESTS, _ours, p95

#: Each list: its route, the function that answers a page of it, and the rows a page holds.
LISTS = {"timeline": ("/api/timeline", "timeline_page", 100), "actors": ("/api/actors", "actors_page", 10)}
PAGES = 10


def _fetch(name: str):
    from conflictkg.graph.domain import paging

    return getattr(paging, LISTS[name][1])


def _cursors(store, name: str) -> list[str | None]:
    """The cursor of each of the first :data:`PAGES` pages of list ``name`` (None for the first)."""
    cursors: list[str | None] = [None]
    while len(cursors) < PAGES:
        found = _fetch(name)(store, limit=LISTS[name][2], cursor=cursors[-1]).next
        if found is None:
            break
        cursors.append(found)
    return cursors


def _reference(spec: str, pages: dict[tuple[str, str], str | None], requests: int) -> dict:
    """For each page: the p95 of its recorded SPARQL replayed on raw pyoxigraph, and how many queries."""
    from conflictkg.graph.domain.names import label_index
    from conflictkg.graph.store import open_store

    store = open_store(spec)
    out = {}
    for (name, which), cursor in pages.items():
        recorder = _Recorder(store)
        label_index(recorder)  # cached per store object, as the server's is after its first request
        fetch, limit = _fetch(name), LISTS[name][2]
        fetch(recorder, limit=limit, cursor=cursor)  # and what else is kept per store version
        recorder.queries.clear()
        fetch(recorder, limit=limit, cursor=cursor)
        texts = list(recorder.queries)
        times = []
        for _ in range(requests):
            began = time.perf_counter()
            for text in texts:
                [tuple(solution) for solution in store.inner.query(text)]
            times.append(time.perf_counter() - began)
        out[name, which] = (p95(times), len(texts))
    del store, recorder
    gc.collect()
    return out


def measure_list_pages(spec: str, label: str, requests: int = REQUESTS) -> list[dict]:
    """The suite's rows for the store ``spec`` (an ``oxigraph:PATH`` nobody else has open)."""
    from conflictkg.graph.store import open_store

    store = open_store(spec)
    found = {name: _cursors(store, name) for name in LISTS}
    del store
    gc.collect()
    pages = {}
    for name, cursors in found.items():
        pages[name, "first page"] = cursors[0]
        pages[name, "tenth page"] = cursors[-1]
    reference = _reference(spec, pages, requests)
    paths = {f"{name} {which}": f"{LISTS[name][0]}?limit={LISTS[name][2]}" + (f"&cursor={cursor}" if cursor else "")
             for (name, which), cursor in pages.items()}
    ours = _ours(spec, paths, requests)
    rows = []
    for (name, which), cursor in pages.items():
        took = ours[f"{name} {which}"]
        rows.append(row(f"{LISTS[name][0]}?limit={LISTS[name][2]} {which} (p95) at {label}", took,
                        reference[name, which][0], GOAL, "the page's SPARQL on raw pyoxigraph (p95)",
                        queries=reference[name, which][1], requests=requests,
                        page=len(found[name]) if which == "tenth page" else 1, goal_ms=100,
                        within_100ms=took <= 0.1))
    return rows


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
