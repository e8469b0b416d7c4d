"""Benchmark suite ``validate``: the fast SHACL engine against pySHACL, and what validation costs a write.

pySHACL walks an rdflib graph in Python and runs each SHACL-SPARQL constraint once per focus
node: about a minute per thousand events here. So the engines are compared on
``CONFLICTKG_BENCH_PYSHACL_EVENTS`` events (default 1,000; set it to the run's ``--events`` to
compare at full size), the same data with faults injected for both, each engine in a forked
child so that each is charged its own peak memory. At the run's full size: the fast engine on
the whole graph, a validated load against an unvalidated one, and a one-event write checked
incrementally against validating the whole graph.
"""

from __future__ import annotations

import io
import os
import statistics

import pyoxigraph as ox

from conflictkg.graph.write.gate import load_checked
from conflictkg.graph.store import open_store
from conflictkg.graph.domain.synth import inject_faults, write_events
from conflictkg.graph.shacl.validation import validate

from .runner import Context, measure_forked, row, suite

#: The issue's budget for one validated event written into a million.
ONE_EVENT_BUDGET_S = 0.05


def _synthetic(events: int) -> bytes:
    buffer = io.StringIO()
    write_events(buffer, events)
    return buffer.getvalue().encode("utf-8")


def _keys(engine: str, store) -> set:
    return {r.key for r in validate(store, engine=engine).results}


def _one_event(data: bytes) -> bytes:
    """One event of the synthetic data and its evidence, under a new name: it reuses the graph's actors and places."""
    event, evidence = b"<https://w3id.org/conflictkg/id/event/synth-0000002>", b"<https://w3id.org/conflictkg/id/evidence/synth-0000002>"
    lines = [line for line in data.splitlines() if line.startswith((event, evidence))]
    return b"\n".join(lines) + b"\n"


@suite("validate")
def _validate(ctx: Context) -> list[dict]:
    small = min(ctx.events, int(os.environ.get("CONFLICTKG_BENCH_PYSHACL_EVENTS", "1000")))
    store = open_store("memory")
    store.load(ctx.data if small == ctx.events else _synthetic(small), ox.RdfFormat.N_TRIPLES)
    faults = inject_faults(store)
    fast_runs = [measure_forked(lambda: _keys("fast", store)) for _ in range(ctx.repeat)]
    fast_s = statistics.median(r[0] for r in fast_runs)
    _, fast_peak, fast_keys = fast_runs[0]
    reference_s, reference_peak, reference_keys = measure_forked(lambda: _keys("pyshacl", store))
    equal = fast_keys == reference_keys and faults <= fast_keys
    compared = row(f"validate {small} events with {len(faults)} faults: fast engine vs pySHACL", fast_s, reference_s,
                   0.1, "pySHACL, once (same shapes, same data, parsed into rdflib beforehand by us)",
                   triples=len(store), results=len(fast_keys), equal_reports=equal,
                   peak_mb=round(fast_peak / 2**20, 1), reference_peak_mb=round(reference_peak / 2**20, 1))
    compared["pass"] = compared["pass"] and equal and fast_peak < reference_peak
    rows = [compared]

    big = open_store("memory")
    big.load(ctx.data, ox.RdfFormat.N_TRIPLES)
    whole_s, whole_peak, _ = measure_forked(lambda: validate(big))
    if ctx.events > small:
        scale = ctx.events / small
        rows.append(row(f"validate {ctx.events} events: fast engine vs pySHACL's time at {small} × {scale:g}",
                        whole_s, reference_s * scale, 0.1, "pySHACL measured above, scaled linearly (not run: hours)",
                        extrapolated=True, peak_mb=round(whole_peak / 2**20, 1)))

    def checked():
        load_checked(open_store("memory"), [(ctx.data, ox.RdfFormat.N_TRIPLES, None)])

    def unchecked():
        open_store("memory").load(ctx.data, ox.RdfFormat.N_TRIPLES)

    rows.append(row(f"validated load of {ctx.events} events vs unvalidated", ctx.time(checked), ctx.time(unchecked),
                    2.0, "the same load without validation"))

    one = _one_event(ctx.data)
    rounds = iter(range(1_000_000))

    def incremental():
        fresh = one.replace(b"synth-0000002", f"extra-{next(rounds)}".encode())
        if load_checked(big, [(fresh, ox.RdfFormat.N_TRIPLES, None)]) != one.count(b"\n"):
            raise RuntimeError("the one-event write was not stored whole")

    write_s = ctx.time(incremental)
    written = row(f"validated write of one event into {ctx.events}: incremental vs whole graph", write_s, whole_s, 0.1,
                  "validating the whole graph", budget_s=ONE_EVENT_BUDGET_S)
    written["pass"] = written["pass"] and write_s <= ONE_EVENT_BUDGET_S
    rows.append(written)
    return rows
