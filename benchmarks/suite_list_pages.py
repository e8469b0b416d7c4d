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

from .runner import suite
from .suite_pages import REQUESTS, command, measure, on_a_new_store

#: Each list: its route, the function that answers a page of it, and the rows a page holds.
LISTS = {"/api/timeline": ("timeline_page", 100), "/api/actors": ("actors_page", 10)}


def measure_list_pages(spec: str, label: str, requests: int = REQUESTS) -> list[dict]:
    """The suite's rows for the store ``spec`` (an ``oxigraph:PATH`` nobody else has open)."""
    from conflictkg.graph.domain import paging

    return measure(spec, label, {route: (getattr(paging, name), limit) for route, (name, limit) in LISTS.items()},
                   requests)


@suite("list_pages")
def _list_pages(ctx) -> list[dict]:
    return on_a_new_store(ctx, measure_list_pages, "bench-list-pages-")


def main(argv: list[str] | None = None) -> None:
    command(argv, name="list_pages", doc=__doc__, measuring=measure_list_pages, output="bench-results/list-pages.json")


if __name__ == "__main__":
    main()
