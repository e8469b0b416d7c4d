"""Benchmark suite ``snapshot``: export and canonical id against raw pyoxigraph serialization."""

from __future__ import annotations

import io

import pyoxigraph as ox

from conflictkg.graph.exports.export import export
from conflictkg.graph.exports.snapshot import canonical_id
from conflictkg.graph.store import open_store

from .runner import Context, row, suite


@suite("snapshot")
def _snapshot(ctx: Context) -> list[dict]:
    store = open_store("memory")
    store.load(ctx.data, ox.RdfFormat.N_TRIPLES)
    raw = ctx.time(lambda: store.inner.dump(format=ox.RdfFormat.N_QUADS))
    return [
        row(f"export N-Triples, {ctx.events} events", ctx.time(lambda: export(store, "nt", io.BytesIO())), raw, 2.0,
            "pyoxigraph Store.dump N-Quads"),
        row(f"export Turtle, {ctx.events} events", ctx.time(lambda: export(store, "ttl", io.BytesIO())), raw, 2.0,
            "pyoxigraph Store.dump N-Quads"),
        row(f"canonical id (RDFC-1.0 + SHA-256), {ctx.events} events", ctx.time(lambda: canonical_id(store)), raw, 2.0,
            "pyoxigraph Store.dump N-Quads"),
    ]
