"""Benchmark suite ``pages``: the p95 latency of a first and a tenth page of ``/api/strikes``
(100 rows each) from ``conflictkg serve --store oxigraph:PATH --workers 2``, against the same
SPARQL run on raw pyoxigraph over the same store (the page's queries, recorded, then replayed with
their rows materialised). Goal: a ratio of at most 1.5.

``make bench`` runs it at the suite's size; at a million events, build the store once with the
engine's loader (:mod:`.build_store`) and run it alone::

    python -m benchmarks.build_store --events 1000000 --location bench-data/kg-1m
    python -m benchmarks.suite_pages --store oxigraph:bench-data/kg-1m --label "1,000,000 events"
"""

from __future__ import annotations

import argparse
import gc
import http.client
import json
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

import pyoxigraph as ox

from .runner import _Recorder, child_environment, row, suite
from .suite_http import _free_port, _wait

#: Requests per figure (the p95 of so many).
REQUESTS = 40
GOAL = 1.5


def p95(times: list[float]) -> float:
    """The 95th percentile of ``times`` (inclusive method: within the data)."""
    return statistics.quantiles(times, n=20, method="inclusive")[18] if len(times) > 1 else times[0]


def _cursors(store, fetch, limit: int, pages: int) -> list[str | None]:
    """The cursor of each of the first ``pages`` pages of a list (None for the first)."""
    cursors: list[str | None] = [None]
    while len(cursors) < pages:
        found = fetch(store, limit=limit, cursor=cursors[-1]).next
        if found is None:
            break
        cursors.append(found)
    return cursors


def _recorded(store, fetch, limit: int, cursor: str | None) -> list[str]:
    """The SPARQL of one page, as the server sends it once its label index and what else it keeps
    per store version (the list's first and last dates, the actors' order) are known."""
    from conflictkg.graph.domain.names import label_index

    recorder = _Recorder(store)
    label_index(recorder)
    fetch(recorder, limit=limit, cursor=cursor)
    recorder.queries.clear()
    fetch(recorder, limit=limit, cursor=cursor)
    return list(recorder.queries)


def _replay(engine: ox.Store, texts: list[str]) -> float:
    began = time.perf_counter()
    for text in texts:
        [tuple(solution) for solution in engine.query(text)]
    return time.perf_counter() - began


def _get(port: int, path: str) -> float:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=600)
    try:
        began = time.perf_counter()
        conn.request("GET", path)
        response = conn.getresponse()
        body = response.read()
        took = time.perf_counter() - began
    finally:
        conn.close()
    if response.status != 200:
        raise RuntimeError(f"GET {path}: {response.status} {body[:300]!r}")
    return took


@contextmanager
def _serving(spec: str, workers: int = 2):
    """``conflictkg serve --store spec --workers N`` on a free port, stopped on leaving."""
    port = _free_port()
    with tempfile.TemporaryFile() as log:
        server = subprocess.Popen([sys.executable, "-m", "conflictkg", "serve", "--store", spec, "--port", str(port),
                                   "--workers", str(workers)], stdout=log, stderr=subprocess.STDOUT,
                                  env=child_environment(), start_new_session=True)
        try:
            _wait(port, "/health", server, timeout=1800)
            yield port
        finally:
            os.killpg(server.pid, signal.SIGTERM)
            try:
                server.wait(timeout=60)
            except subprocess.TimeoutExpired:
                os.killpg(server.pid, signal.SIGKILL)
                server.wait()


def measure(spec: str, label: str, lists: dict[str, tuple], requests: int = REQUESTS, pages: int = 10) -> list[dict]:
    """A first and a ``pages``-th page of each list, ``{route: (its page function, rows a page)}``,
    for the store ``spec`` (an ``oxigraph:PATH`` nobody else has open).

    Each figure's requests take turns with its reference (the same page's SPARQL replayed on raw
    pyoxigraph, over the same store opened read-only beside the server), so that whatever else the
    machine does weighs on both alike.
    """
    from conflictkg.graph.store import Store, open_store

    store = open_store(spec)
    found = {route: _cursors(store, fetch, limit, pages) for route, (fetch, limit) in lists.items()}
    del store
    gc.collect()
    rows = []
    with _serving(spec) as port:
        engine = ox.Store.read_only(spec.split(":", 1)[1])
        reader = Store(engine, spec)
        for route, (fetch, limit) in lists.items():
            cursors = found[route]
            for which, cursor in (("first page", cursors[0]), (f"page {len(cursors)}", cursors[-1])):
                texts = _recorded(reader, fetch, limit, cursor)
                path = f"{route}?limit={limit}" + (f"&cursor={cursor}" if cursor else "")
                for _ in range(3):  # warm: the label index, the worker's first queries, the engine's caches
                    _get(port, path), _replay(engine, texts)
                ours, reference = [], []
                for _ in range(requests):
                    ours.append(_get(port, path))
                    reference.append(_replay(engine, texts))
                rows.append(row(f"{route}?limit={limit} {which} (p95) at {label}", p95(ours), p95(reference), GOAL,
                                "the page's SPARQL on raw pyoxigraph (p95)", queries=len(texts),
                                requests=requests, page=len(cursors) if cursor else 1, goal_ms=100,
                                within_100ms=p95(ours) <= 0.1, median_s=statistics.median(ours),
                                reference_median_s=statistics.median(reference)))
        del reader, engine
    return rows


def measure_pages(spec: str, label: str, requests: int = REQUESTS) -> list[dict]:
    """The suite's rows: a first and a tenth page of ``/api/strikes``, 100 strikes a page."""
    from conflictkg.graph.domain.paging import strikes_page

    return measure(spec, label, {"/api/strikes": (strikes_page, 100)}, requests)


def on_a_new_store(ctx, measuring, prefix: str) -> list[dict]:
    """``measuring(spec, label, requests=…)`` over a new ``oxigraph:PATH`` store of the run's data."""
    from conflictkg.graph.store import open_store

    with tempfile.TemporaryDirectory(prefix=prefix) as scratch:
        spec = f"oxigraph:{Path(scratch) / 'kg'}"
        store = open_store(spec)
        store.load(ctx.data, ox.RdfFormat.N_TRIPLES)
        store.rebuild_entailment()
        store.flush()
        del store
        gc.collect()
        return measuring(spec, f"{ctx.events} events", requests=max(10, REQUESTS // ctx.repeat))


@suite("pages")
def _pages(ctx) -> list[dict]:
    return on_a_new_store(ctx, measure_pages, "bench-pages-")


def command(argv: list[str] | None, *, name: str, doc: str, measuring, output: str) -> None:
    """The command line of a pages suite run alone over a store that is already built."""
    parser = argparse.ArgumentParser(prog=f"python -m benchmarks.suite_{name}", description=doc.split("\n\n")[0])
    parser.add_argument("--store", required=True, help="oxigraph:PATH, already loaded")
    parser.add_argument("--label", default=None, help="what the store holds, for the rows' names")
    parser.add_argument("--requests", type=int, default=REQUESTS)
    parser.add_argument("-o", "--output", default=output)
    args = parser.parse_args(argv)
    from .runner import machine

    rows = measuring(args.store, args.label or args.store, args.requests)
    report = {"machine": machine(), "store": args.store, "results": [{"suite": name, **r} for r in rows]}
    Path(args.output).parent.mkdir(parents=True, exist_ok=True)
    Path(args.output).write_text(json.dumps(report, indent=2), encoding="utf-8")
    for r in rows:
        print(f"{r['name']}: ours {r['ours_s'] * 1000:.1f} ms, raw {r['reference_s'] * 1000:.1f} ms, "
              f"ratio {r['ratio']:.2f} (goal ≤ {r['goal']})")


def main(argv: list[str] | None = None) -> None:
    command(argv, name="pages", doc=__doc__, measuring=measure_pages, output="bench-results/pages.json")


if __name__ == "__main__":
    main()
