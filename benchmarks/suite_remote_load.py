"""Benchmark suite ``remote_load``: a bulk load into a remote engine (Oxigraph server), validated
and sent in Graph Store Protocol batches by ``conflictkg load --store sparql:…``, against the
engine's own loader (``oxigraph load`` into a location) with the same file. Goal: at most 3×.

Run alone at a size of your choosing::

    python -m benchmarks.suite_remote_load --events 100000 -o bench-results/remote-load.json
"""

from __future__ import annotations

import argparse
import json
import subprocess
import tempfile
import time
from pathlib import Path

from .runner import row, suite

GOAL = 3.0


def measure_remote_load(data: bytes, label: str) -> list[dict]:
    from conflictkg.graph.store import open_store
    from conflictkg.graph.write.load import load_files
    from tests.support.oxigraph_server import oxigraph_binary, oxigraph_server

    with tempfile.TemporaryDirectory(prefix="bench-remote-") as scratch:
        path = Path(scratch) / "events.nt"
        path.write_bytes(data)
        began = time.perf_counter()
        done = subprocess.run([str(oxigraph_binary()), "load", "--location", str(Path(scratch) / "own"),
                               "--file", str(path)], capture_output=True, text=True)
        reference = time.perf_counter() - began
        if done.returncode != 0:
            raise RuntimeError(f"oxigraph load failed: {done.stderr[-500:]}")
        with oxigraph_server(Path(scratch) / "served") as server:
            store = open_store(server.spec)  # seeded, as conflictkg finds an empty engine
            began = time.perf_counter()
            added = load_files(store, [path])
            ours = time.perf_counter() - began
    return [row(f"load {label} into Oxigraph server (validated, Graph Store batches)", ours, reference, GOAL,
                "oxigraph load (the engine's own loader)", triples=added)]


@suite("remote_load")
def _remote_load(ctx) -> list[dict]:
    return measure_remote_load(ctx.data, f"{ctx.events} events")


def main(argv: list[str] | None = None) -> None:
    import io

    from conflictkg.graph.domain.synth import write_events

    from .runner import machine

    parser = argparse.ArgumentParser(prog="python -m benchmarks.suite_remote_load", description=__doc__.split("\n\n")[0])
    parser.add_argument("--events", type=int, default=100_000)
    parser.add_argument("-o", "--output", default="bench-results/remote-load.json")
    args = parser.parse_args(argv)
    buffer = io.StringIO()
    write_events(buffer, args.events)
    rows = measure_remote_load(buffer.getvalue().encode("utf-8"), f"{args.events} events")
    Path(args.output).parent.mkdir(parents=True, exist_ok=True)
    Path(args.output).write_text(json.dumps({"machine": machine(), "results": rows}, indent=2), encoding="utf-8")
    for r in rows:
        print(f"{r['name']}: ours {r['ours_s']:.1f} s, {r['reference']} {r['reference_s']:.1f} s, "
              f"ratio {r['ratio']:.2f} (goal ≤ {r['goal']}), {r['triples']} triples")


if __name__ == "__main__":
    main()
