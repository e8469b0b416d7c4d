"""The embedded stores: memory (seeded) and oxigraph:PATH (persistent, seeded when new)."""

import pyoxigraph as ox
import pytest

from conflictkg.graph.store import QueryError, StoreError, open_store


def test_persistent_store_is_seeded_once_and_keeps_writes(tmp_path):
    path = tmp_path / "kg"
    store = open_store(f"oxigraph:{path}")
    seeded = len(store)
    assert seeded == len(open_store("memory"))
    store.update('INSERT DATA { <urn:x> <urn:y> "z" }')
    store.flush()
    del store
    reopened = open_store(f"oxigraph:{path}")
    assert len(reopened) == seeded + 1


def test_failed_load_leaves_the_store_as_it_was(store):
    before, generation = len(store), store.generation
    with pytest.raises(StoreError, match="cannot parse"):
        store.load(b"<urn:a> <urn:b> <urn:c> .\n<urn:broken", ox.RdfFormat.N_TRIPLES)
    assert len(store) == before and store.generation == generation


def test_bad_update_raises_query_error(store):
    with pytest.raises(QueryError):
        store.update("INSERT NOTHING")


def test_unknown_spec():
    with pytest.raises(StoreError, match="unknown store"):
        open_store("mongodb://x")
