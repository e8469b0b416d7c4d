"""``sparql:URL;graph=IRI`` works the same on both remote engines, Oxigraph server and Virtuoso: the
graph is seeded when empty, read as the default graph, and pages and facets answer as in memory."""

from __future__ import annotations

import uuid

import pytest

from conflictkg.api import create_app
from conflictkg.graph.store import StoreError, open_store
from conflictkg.graph.store.sparql_backend import SparqlStore


@pytest.fixture(params=["oxigraph", "virtuoso"])
def engine(request):
    """(query URL, server) of each engine, from the session's servers."""
    server = request.getfixturevalue(f"{request.param}_service")
    return request.param, server


@pytest.fixture
def graph_spec(engine):
    name, server = engine
    graph = f"urn:conflictkg:test:{uuid.uuid4().hex}"
    spec = f"sparql:{server.query_url};graph={graph}"
    if name == "oxigraph":
        spec += f";update={server.update_url}"
    yield spec
    SparqlStore.from_spec(spec).remove_graph(graph)


def test_a_graph_is_seeded_when_empty_and_read_as_the_default_graph(graph_spec):
    memory = open_store("memory")
    store = open_store(graph_spec)
    assert len(store) == len(memory)
    assert store.named_graphs() == []
    again = open_store(graph_spec)  # not seeded twice
    assert len(again) == len(memory)


def test_the_rest_answers_and_pages_as_in_memory(graph_spec):
    memory = create_app({"STORE": "memory", "TESTING": True}).test_client()
    remote = create_app({"STORE": graph_spec, "TESTING": True}).test_client()
    for url in ("/api/strikes", "/api/strikes?country=Iran&limit=2", "/api/accusations?limit=5",
                "/api/strikes/facets?by=perpetrator", "/api/accusations/facets?by=month",
                "/api/strikes/facets?by=type&from=2024-01-01"):
        assert remote.get(url).json == memory.get(url).json, url
    cursor = memory.get("/api/accusations?limit=4").json["next"]
    assert (remote.get(f"/api/accusations?limit=4&cursor={cursor}").json
            == memory.get(f"/api/accusations?limit=4&cursor={cursor}").json)
    geo = remote.get("/api/strikes?format=geojson").json
    assert [f["id"] for f in geo["features"]] == [f["id"] for f in memory.get("/api/strikes?format=geojson").json["features"]]


@pytest.mark.parametrize("spec, message", [
    ("sparql:http://127.0.0.1:1/sparql;graph=", "unknown option"),
    ("sparql:http://127.0.0.1:1/sparql;graph=not an iri", "graph= needs an absolute IRI"),
    ("sparql:http://127.0.0.1:1/sparql;graph=relative", "graph= needs an absolute IRI"),
    ("sparql:http://127.0.0.1:1/sparql;grpah=urn:x", "unknown option"),
])
def test_a_bad_graph_option_is_refused(spec, message):
    with pytest.raises(StoreError, match=message):
        SparqlStore.from_spec(spec)
