"""Benchmark suite ``validate``: the fast SHACL engine against pySHACL, and what validation costs a write.

pySHACL needs minutes at 100k events, so the two engines are compared on at most
``CONFLICTKG_BENCH_PYSHACL_EVENTS`` events (default 10,000) — the same data for both. The other
rows run at the full size: a validated load against an unvalidated one, and the incremental
check of a small write against validating the whole graph.
"""

from __future__ import annotations

import io
import os

import pyoxigraph as ox

from .bench import Context, row, suite
from .gate import load_checked
from .store import open_store
from .synth import write_events
from .validation import validate


def _synthetic(events: int) -> bytes:
    buffer = io.StringIO()
    write_events(buffer, events)
    return buffer.getvalue().encode("utf-8")


@suite("validate")
def _validate(ctx: Context) -> list[dict]:
    cap = int(os.environ.get("CONFLICTKG_BENCH_PYSHACL_EVENTS", "10000"))
    small_events = min(ctx.events, cap)
    small = ctx.data if small_events == ctx.events else _synthetic(small_events)
    store = open_store("memory")
    store.load(small, ox.RdfFormat.N_TRIPLES)
    fast = ctx.time(lambda: validate(store, engine="fast"))
    reference = ctx.time(lambda: validate(store, engine="pyshacl"))
    rows = [row(f"validate {small_events} events: fast engine vs pySHACL", fast, reference, 0.1,
                "pySHACL (same shapes, same data, graph parsed beforehand by us)", triples=len(store))]

    def checked():
        load_checked(open_store("memory"), [(ctx.data, ox.RdfFormat.N_TRIPLES, None)])

    def unchecked():
        open_store("memory").load(ctx.data, ox.RdfFormat.N_TRIPLES)

    rows.append(row(f"validated load of {ctx.events} events vs unvalidated", ctx.time(checked), ctx.time(unchecked),
                    2.0, "the same load without validation"))

    big = open_store("memory")
    big.load(ctx.data, ox.RdfFormat.N_TRIPLES)
    ten = _synthetic(10)
    rounds = iter(range(1_000_000))

    def incremental():
        # ten new events (with their own pools of actors and places) under names not used yet
        fresh = ten.replace(b"synth-", f"extra{next(rounds)}-".encode())
        load_checked(big, [(fresh, ox.RdfFormat.N_TRIPLES, None)])

    rows.append(row(f"validated write of 10 events into {ctx.events}: incremental vs whole graph",
                    ctx.time(incremental), ctx.time(lambda: validate(big)), 0.1, "validating the whole graph"))
    return rows
