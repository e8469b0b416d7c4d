"""``conflictkg load``: files stream into the store (never whole in Python), with a bar of the bytes read."""

import gc
import tracemalloc

import pyoxigraph as ox

from conflictkg.cli import main
from conflictkg.graph.store import open_store
from conflictkg.graph.validation import validate


def _synth(runner, tmp_path, events: int):
    path = tmp_path / f"synth-{events}.nt"
    assert runner.invoke(main, ["synth", "--events", str(events), "-o", str(path)]).exit_code == 0
    raw = ox.Store()
    raw.load(path=str(path), format=ox.RdfFormat.N_TRIPLES)
    return path, len(raw)


def _opened(spec: str) -> None:
    """Create (and seed) the on-disk store, and warm the shapes' compilation, outside what is measured."""
    store = open_store(spec)
    validate(store)
    del store
    gc.collect()  # RocksDB allows one opener: the CLI opens it next


def test_load_streams_a_large_file(runner, tmp_path):
    path, triples = _synth(runner, tmp_path, 2000)
    spec = f"oxigraph:{tmp_path / 'kg'}"
    _opened(spec)
    tracemalloc.start()
    try:
        result = runner.invoke(main, ["load", str(path), "--store", spec])
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert result.exit_code == 0, result.output
    # quiet when nobody watches: the one line scripts read, no bar
    assert result.stderr == f"loaded {triples} new triples from 1 file(s) into {spec}\n"
    # reading the file whole would cost its size, its triples as Python objects several times that
    assert peak < path.stat().st_size / 4, f"Python held {peak} bytes loading a {path.stat().st_size}-byte file"
    del result
    gc.collect()
    store = open_store(spec)
    assert store.ask("ASK { <https://w3id.org/conflictkg/id/event/synth-0001999> "
                     "<https://w3id.org/conflictkg/ontology#date> ?d }")


def test_progress_bar_counts_the_bytes_on_stderr(runner, tmp_path):
    path, triples = _synth(runner, tmp_path, 50)
    result = runner.invoke(main, ["load", str(path), "--progress"])
    assert result.exit_code == 0, result.output
    assert result.stdout == ""
    bar, message = result.stderr.rsplit("\r", 1)[0], result.stderr.splitlines()[-1]
    assert f"reading {path.name}" in bar and "100%" in bar
    assert message.endswith(f"loaded {triples} new triples from 1 file(s) into memory")


def test_a_broken_file_is_named_and_nothing_is_loaded(runner, tmp_path):
    good, _ = _synth(runner, tmp_path, 20)
    broken = tmp_path / "broken.nt"
    broken.write_text("<https://w3id.org/conflictkg/id/actor/x> <http://www.w3.org/2000/01/rdf-schema#label> .\n")
    spec = f"oxigraph:{tmp_path / 'kg'}"
    before = len(open_store(spec))
    gc.collect()
    result = runner.invoke(main, ["load", str(good), str(broken), "--store", spec])
    assert result.exit_code == 1
    assert f"{broken}: cannot parse N-Triples data" in result.output and "nothing was loaded" in result.output
    del result
    gc.collect()
    assert len(open_store(spec)) == before
