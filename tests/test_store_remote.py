"""The ``sparql:`` store's edges: specs it refuses, an engine that is down or silent."""

from __future__ import annotations

import socket

import pytest

from conflictkg.api import create_app
from conflictkg.cli import main
from conflictkg.graph.store import StoreError, open_store
from conflictkg.graph.store.sparql_backend import SparqlStore


@pytest.fixture
def silent():
    """A loopback port that takes connections and never answers."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen(16)
    try:
        yield f"http://127.0.0.1:{sock.getsockname()[1]}/query"
    finally:
        sock.close()


@pytest.fixture
def closed():
    """A loopback URL where nothing listens."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    sock.close()
    return f"http://127.0.0.1:{port}/query"


@pytest.mark.parametrize("spec, message", [
    ("sparql:127.0.0.1:7878/query", r"needs an http\(s\) URL"),
    ("sparql:http://127.0.0.1:7878/query;updat=http://x/", "unknown option"),
    ("sparql:http://127.0.0.1:7878/query;update=", "unknown option"),
])
def test_a_malformed_spec_is_refused_with_the_form_to_use(spec, message):
    with pytest.raises(StoreError, match=message):
        open_store(spec)


def test_an_engine_that_is_down_is_a_clear_cli_error(runner, closed):
    result = runner.invoke(main, ["strikes", "--store", f"sparql:{closed}"])
    assert result.exit_code != 0
    assert f"cannot reach the SPARQL engine at {closed}" in result.output


def test_a_silent_engine_gets_a_503_at_the_query_time_limit(silent):
    store = SparqlStore(silent)
    app = create_app({"STORE": store, "TESTING": True, "QUERY_TIMEOUT": 0.5})
    response = app.test_client().get("/sparql", query_string={"query": "SELECT * { ?s ?p ?o }"},
                                     headers={"Accept": "application/sparql-results+json"})
    assert response.status_code == 503
    assert response.mimetype == "application/problem+json"
    assert "0.5 s" in response.get_json()["detail"]


def test_a_remote_store_is_queried_as_it_is_and_rdfs_entailment_is_refused(silent):
    app = create_app({"STORE": SparqlStore(silent), "TESTING": True})
    response = app.test_client().get("/sparql", query_string={"query": "ASK {}", "entailment": "rdfs"})
    assert response.status_code == 400
    assert "not by a remote engine" in response.get_json()["detail"]
