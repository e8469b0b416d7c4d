"""An ``oxigraph:PATH`` store of N synthetic events, built as fast as the engine allows, for the
benchmarks that read a big store (``pages`` at a million events): seeded by conflictkg as any new
store, the events added by ``oxigraph load`` (the engine's bulk loader, unvalidated: the synthetic
events conform by construction, ``tests/test_synth.py``), then the entailed graph derived by
conflictkg's rules and written by the same loader::

    python -m benchmarks.build_store --events 1000000 --location bench-data/kg-1m
    python -m benchmarks.suite_pages --store oxigraph:bench-data/kg-1m
"""

from __future__ import annotations

import argparse
import gc
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pyoxigraph as ox


def _loader(location: Path, path: Path, graph: str | None = None) -> None:
    from tests.support.oxigraph_server import oxigraph_binary

    command = [str(oxigraph_binary()), "load", "--location", str(location), "--file", str(path)]
    if graph:
        command += ["--graph", graph]
    done = subprocess.run(command, capture_output=True, text=True)
    if done.returncode != 0:
        raise RuntimeError(f"oxigraph load failed: {done.stderr[-500:]}")


def build(location: Path, events: int, *, seed: int = 42, say=print) -> int:
    """Build the store at ``location`` (which must not exist yet); return its triples (every graph)."""
    from conflictkg.graph.domain.synth import write_events
    from conflictkg.graph.store import open_store
    from conflictkg.graph.store.entailment import ENTAILED, Hierarchy, derivations

    if location.exists():
        raise SystemExit(f"{location} exists already: give a new location")
    began = time.perf_counter()
    open_store(f"oxigraph:{location}").flush()  # seeded: the ontology and the article
    gc.collect()
    with tempfile.TemporaryDirectory(prefix="build-store-", dir=location.parent) as scratch:
        data = Path(scratch) / "events.nt"
        with open(data, "w", encoding="utf-8") as out:
            write_events(out, events, seed=seed)
        say(f"wrote {events} events in {time.perf_counter() - began:.0f} s")
        _loader(location, data)
        say(f"loaded them in {time.perf_counter() - began:.0f} s")
        entailed = Path(scratch) / "entailed.nt"
        engine = ox.Store.read_only(str(location))
        with open(entailed, "wb") as out:
            for query in derivations(Hierarchy(engine)):
                engine.query(query).serialize(out, ox.RdfFormat.N_TRIPLES)
        del engine
        gc.collect()
        _loader(location, entailed, ENTAILED)
    engine = ox.Store.read_only(str(location))
    size = len(engine)
    say(f"entailed graph written; {size} quads in {time.perf_counter() - began:.0f} s")
    return size


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.build_store", description=__doc__.split("\n\n")[0])
    parser.add_argument("--events", type=int, required=True)
    parser.add_argument("--location", type=Path, required=True)
    parser.add_argument("--seed", type=int, default=42)
    args = parser.parse_args(argv)
    build(args.location, args.events, seed=args.seed, say=lambda text: print(text, file=sys.stderr))


if __name__ == "__main__":
    main()
