"""``conflictkg load``: files stream into the store (never whole in Python), with a bar of the bytes read."""

import gc
import tracemalloc

import pyoxigraph as ox

from conflictkg.cli import main
from conflictkg.graph.store import open_store
from conflictkg.graph.shacl.validation import validate


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


# -- bulk loads: checked whole, committed in one step --------------------------------------------

EX = "https://w3id.org/conflictkg/ontology#"


def _contents(store) -> set:
    return {(str(q.subject), str(q.predicate), str(q.object), str(q.graph_name)) for q in store.quads()}


def test_a_bulk_load_into_memory_keeps_the_named_graphs_and_counts_what_it_added(runner, tmp_path):
    path, triples = _synth(runner, tmp_path, 300)
    store = open_store("memory")
    store.update(f"INSERT DATA {{ GRAPH <urn:kept> {{ <urn:a> <{EX}note> 'kept' }} }}")
    before, generation = len(store), store.generation
    from conflictkg.graph.write.load import load_files

    added = load_files(store, [path])
    assert added == triples and len(store) == before + triples and store.generation > generation
    assert store.ask(f"ASK {{ GRAPH <urn:kept> {{ <urn:a> <{EX}note> 'kept' }} }}")
    assert validate(store).conforms


def _a_failing_disk(quads, after: int):
    """The quads, then the error a full disk gives part-way."""
    for i, quad in enumerate(quads):
        if i == after:
            raise OSError(28, "No space left on device")
        yield quad


def test_a_bulk_commit_cut_short_on_disk_leaves_the_store_as_it_was(runner, tmp_path):
    path, _ = _synth(runner, tmp_path, 100)
    spec = f"oxigraph:{tmp_path / 'kg'}"
    store = open_store(spec)
    before = _contents(store)
    new = ox.Store()
    new.load(path=str(path), format=ox.RdfFormat.N_TRIPLES)
    try:
        store.add_quads(_a_failing_disk(iter(new), after=500), bulk=True)
    except OSError as exc:
        assert exc.errno == 28
    else:
        raise AssertionError("the failure did not reach the caller")
    # (the engine writes a bulk load in batches of a million quads: one this small writes nothing
    # before it fails, so the checkpoint's part here is only to be gone; the next test undoes a write)
    assert _contents(store) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["kg", path.name]
    store.add_quads(iter(new), bulk=True)  # and the store still takes writes
    assert len(store) == len(before) + len(new)


def test_a_bulk_load_killed_part_way_is_undone_at_the_next_opening(runner, tmp_path):
    path, _ = _synth(runner, tmp_path, 100)
    spec = f"oxigraph:{tmp_path / 'kg'}"
    store = open_store(spec)
    before = _contents(store)
    # what a process killed during a bulk commit leaves: the checkpoint, and part of the load
    store.inner.backup(str(tmp_path / "kg.before-load"))
    new = ox.Store()
    new.load(path=str(path), format=ox.RdfFormat.N_TRIPLES)
    store.inner.bulk_extend(list(new)[:500])
    store.flush()
    del store
    gc.collect()
    reopened = open_store(spec)
    assert _contents(reopened) == before
    assert not (tmp_path / "kg.before-load").exists()


# -- big loads into an on-disk store held alone: written while checked ---------------------------

def _spy_alongside(monkeypatch) -> list:
    from conflictkg.graph.write import gate

    calls = []
    real = gate._load_alongside
    monkeypatch.setattr(gate, "_load_alongside", lambda *a: calls.append(a[0].spec) or real(*a))
    return calls


def _on_disk(tmp_path):
    spec = f"oxigraph:{tmp_path / 'kg'}"
    before = _contents(open_store(spec))
    gc.collect()
    return spec, before


def _load(runner, *args) -> tuple[int, str, str]:
    """``conflictkg load ARGS``: its exit code, output and stderr (the store it opened, closed)."""
    result = runner.invoke(main, ["load", *args])
    answer = result.exit_code, result.output, result.stderr
    del result  # its traceback holds the store open: RocksDB allows one opener
    gc.collect()
    return answer


def test_a_big_load_on_disk_is_written_while_checked_and_holds_what_memory_holds(runner, tmp_path, monkeypatch):
    path, triples = _synth(runner, tmp_path, 1000)
    spec, before = _on_disk(tmp_path)
    calls = _spy_alongside(monkeypatch)
    code, output, stderr = _load(runner, str(path), "--store", spec)
    assert code == 0, output
    assert stderr.endswith(f"loaded {triples} new triples from 1 file(s) into {spec}\n")
    assert calls == [spec]
    memory = open_store("memory", seed=False)
    memory.load(path.read_bytes(), ox.RdfFormat.N_TRIPLES)
    assert _contents(open_store(spec)) == before | _contents(memory)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["kg", path.name]


def test_a_big_load_on_disk_that_violates_the_shapes_is_undone(runner, tmp_path, monkeypatch):
    path, _ = _synth(runner, tmp_path, 1000)
    with open(path, "a", encoding="utf-8") as out:  # the last event's fatalities, as a word
        out.write(f'<https://w3id.org/conflictkg/id/event/synth-0000999> <{EX}fatalities> "many" .\n')
    spec, before = _on_disk(tmp_path)
    calls = _spy_alongside(monkeypatch)
    code, _, stderr = _load(runner, str(path), "--store", spec)
    assert code == 1
    assert "focus: https://w3id.org/conflictkg/id/event/synth-0000999" in stderr and 'value: "many"' in stderr
    assert "violation(s) of the shapes; nothing was stored" in stderr
    assert calls == [spec]
    assert _contents(open_store(spec)) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["kg", path.name]


def test_a_big_load_on_disk_broken_at_its_end_is_undone_and_named(runner, tmp_path, monkeypatch):
    path, _ = _synth(runner, tmp_path, 1000)
    with open(path, "a", encoding="utf-8") as out:
        out.write("<https://w3id.org/conflictkg/id/actor/x> <http://www.w3.org/2000/01/rdf-schema#label> .\n")
    spec, before = _on_disk(tmp_path)
    calls = _spy_alongside(monkeypatch)
    code, output, _ = _load(runner, str(path), "--store", spec)
    assert code == 1
    assert f"{path}: cannot parse N-Triples data" in output and "nothing was loaded" in output
    assert calls == [spec]
    assert _contents(open_store(spec)) == before


def test_a_big_load_on_disk_whose_writing_fails_after_it_began_is_undone(runner, tmp_path, monkeypatch):
    from conflictkg.graph.store import Store, StoreError

    path, _ = _synth(runner, tmp_path, 1000)
    spec, before = _on_disk(tmp_path)
    calls = _spy_alongside(monkeypatch)
    real = Store.bulk_load

    def written_then_full(self, data, fmt, *, base_iri=None):
        real(self, data, fmt, base_iri=base_iri)  # all of it is in the store when the disk fills
        raise StoreError("cannot load N_TRIPLES data: No space left on device")

    monkeypatch.setattr(Store, "bulk_load", written_then_full)
    code, output, _ = _load(runner, str(path), "--store", spec)
    assert code == 1
    assert "No space left on device" in output and "nothing was loaded" in output
    assert calls == [spec]
    assert _contents(open_store(spec)) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["kg", path.name]
