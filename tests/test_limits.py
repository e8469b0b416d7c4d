"""The limits of the endpoint, each from create_app's config or its environment variable: a
timeout that kills the work, a row cap that says so, bounded concurrency and memory, body, URL
and nesting caps. Every refusal is a problem and the next request is answered."""

import re
import threading
import time
from pathlib import Path
from urllib.parse import quote

import pytest

from conflictkg.api import create_app
from conflictkg.api.limits import LIMITS

PROBLEM = "application/problem+json"
#: A cross join of the seed graph with itself, three times: 9 billion rows to count.
HEAVY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
ASK = "/sparql?query=" + quote("ASK { ?s ?p ?o }")


def _app(store, **config):
    return create_app({"STORE": store, "TESTING": True, **config})


def _still_serving(client) -> None:
    assert client.get(ASK).json["boolean"] is True


def test_a_query_past_its_time_is_killed_and_the_next_is_served(store):
    client = _app(store, QUERY_TIMEOUT=1.0).test_client()
    began = time.monotonic()
    r = client.get("/sparql?query=" + quote(HEAVY))
    took = time.monotonic() - began
    assert r.status_code == 503 and r.mimetype == PROBLEM and r.headers["Retry-After"] == "1"
    assert r.json["title"] == "Query timeout" and 1.0 <= took < 3.0
    _still_serving(client)


def test_the_row_cap_cuts_and_says_so(store):
    client = _app(store, MAX_ROWS=5).test_client()
    r = client.get("/sparql?format=csv&query=" + quote("SELECT ?s ?p ?o WHERE { ?s ?p ?o }"))
    assert r.headers["X-SPARQL-MaxRows"] == "5"
    assert len(r.get_data(as_text=True).splitlines()) == 1 + 5
    graph = client.get("/sparql?format=nt&query=" + quote("CONSTRUCT WHERE { ?s ?p ?o }"))
    assert graph.headers["X-SPARQL-MaxRows"] == "5" and len(graph.get_data(as_text=True).splitlines()) == 5
    small = client.get("/sparql?query=" + quote("SELECT ?x WHERE { VALUES ?x { 1 2 3 4 5 } }"))
    assert "X-SPARQL-MaxRows" not in small.headers and len(small.json["results"]["bindings"]) == 5
    again = client.get("/sparql?format=csv&query=" + quote("SELECT ?s ?p ?o WHERE { ?s ?p ?o }"))  # from the cache
    assert again.headers["X-SPARQL-MaxRows"] == "5"


def test_capped_answers_keep_every_kind_of_term(store):
    client = _app(store, MAX_ROWS=3).test_client()
    q = ('SELECT ?x WHERE { VALUES ?x { "tab\\there" "quote \\"q\\""@en <urn:a> "1"^^<http://www.w3.org/2001/XMLSchema#integer> } } '
         "ORDER BY STR(?x)")
    rows = client.get("/sparql?query=" + quote(q)).json["results"]["bindings"]
    assert [r["x"] for r in rows] == [
        {"type": "literal", "value": "1", "datatype": "http://www.w3.org/2001/XMLSchema#integer"},
        {"type": "literal", "value": 'quote "q"', "xml:lang": "en"},
        {"type": "literal", "value": "tab\there"}]


def test_beyond_the_executors_a_query_waits_then_gets_503(store):
    client = _app(store, QUERY_PROCESSES=1, QUEUE_WAIT=0.3, QUERY_TIMEOUT=3.0).test_client()
    heavy = threading.Thread(target=client.get, args=("/sparql?query=" + quote(HEAVY),))
    heavy.start()
    time.sleep(0.5)
    began = time.monotonic()
    r = client.get(ASK)
    assert r.status_code == 503 and r.headers["Retry-After"] == "2" and time.monotonic() - began < 2.5
    heavy.join()
    _still_serving(client)


def test_a_query_past_its_memory_is_stopped(store):
    client = _app(store, QUERY_MEMORY=100_000_000, QUERY_TIMEOUT=30.0).test_client()
    r = client.get("/sparql?entailment=none&query="
                   + quote("SELECT ?a ?b ?c WHERE { ?a ?p ?x . ?b ?q ?y . ?c ?r ?z } ORDER BY ?a ?b ?c"))
    assert r.status_code == 503 and r.mimetype == PROBLEM and "memory" in r.json["detail"]
    _still_serving(client)


def test_in_process_evaluation_when_no_executors(store):
    client = _app(store, QUERY_PROCESSES=0, MAX_ROWS=2).test_client()
    r = client.get("/sparql?format=csv&query=" + quote("SELECT ?s WHERE { ?s ?p ?o }"))
    assert r.headers["X-SPARQL-MaxRows"] == "2" and len(r.get_data(as_text=True).splitlines()) == 3


def test_limits_come_from_the_environment(store, monkeypatch):
    monkeypatch.setenv("CONFLICTKG_MAX_ROWS", "4")
    monkeypatch.setenv("CONFLICTKG_MAX_BODY", "100")
    client = _app(store).test_client()
    r = client.get("/sparql?format=csv&query=" + quote("SELECT ?s WHERE { ?s ?p ?o }"))
    assert r.headers["X-SPARQL-MaxRows"] == "4"
    assert client.post("/sparql", data="ASK {} #" + "x" * 100, content_type="application/sparql-query").status_code == 413
    monkeypatch.setenv("CONFLICTKG_QUERY_TIMEOUT", "soon")
    with pytest.raises(ValueError, match="CONFLICTKG_QUERY_TIMEOUT"):
        _app(store)


def test_upload_cap_and_url_cap(store):
    client = _app(store, MAX_UPLOAD=50, MAX_URL=100, UPDATE_TOKEN="t").test_client()
    big = client.post("/store?default", data="<urn:a> <urn:b> <urn:c> .\n" * 10, content_type="application/n-triples",
                      headers={"Authorization": "Bearer t"})
    assert big.status_code == 413 and big.mimetype == PROBLEM
    long = client.get("/sparql?query=" + quote("ASK { ?s ?p ?o }") + "&x=" + "y" * 100)
    assert long.status_code == 414 and long.mimetype == PROBLEM and "POST" in long.json["detail"]


@pytest.mark.parametrize("depth, status", [(100, 200), (101, 400)])
def test_nesting_depth_cap(client, depth, status):
    q = "ASK " + "{ " * depth + "}" * depth
    r = client.post("/sparql", data=q, content_type="application/sparql-query")
    assert r.status_code == status, r.get_data(as_text=True)


def test_every_limit_is_in_the_readme_with_its_default():
    readme = Path(__file__).resolve().parents[1].joinpath("README.md").read_text(encoding="utf-8")
    section = readme[readme.index("## Security"):]
    for limit in LIMITS:
        row = next((line for line in section.splitlines() if f"`{limit.env}`" in line), None)
        assert row is not None, f"{limit.env} is not in README's Security section"
        if limit.name != "QUERY_PROCESSES":  # its default depends on the machine: the row says how
            shown = f"{limit.default:,}" if isinstance(limit.default, int) else f"{limit.default:g}"
            assert re.search(rf"\b{re.escape(shown)}\b", row), f"{limit.env}: default {shown} not in {row!r}"
