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


@pytest.fixture
def sent(monkeypatch) -> threading.Event:
    """Set once a query has gone to its executor and the server awaits the answer."""
    from conflictkg.graph.store import executor

    event, send = threading.Event(), executor._send

    def watched(sock, message) -> None:
        send(sock, message)
        if len(message) == 7:  # (store, generation, changes, query, dataset, formats, row cap): a query
            event.set()

    monkeypatch.setattr(executor, "_send", watched)
    return event


def _heavy_in_a_thread(client) -> tuple[threading.Thread, list]:
    answers: list = []
    thread = threading.Thread(target=lambda: answers.append(client.get("/sparql?query=" + quote(HEAVY))))
    thread.start()
    return thread, answers


def _says_shutting_down(response) -> None:
    assert response.status_code == 503 and response.mimetype == PROBLEM and response.headers["Retry-After"] == "2"
    assert response.json["detail"] == ("the server is shutting down: the query was stopped; "
                                       "ask again once it is back")


@pytest.mark.parametrize("how", ["the pool closes", "the executor gets ^C"])
def test_a_shutdown_during_a_query_answers_503_saying_so(store, sent, how):
    import os
    import signal

    app = _app(store, QUERY_PROCESSES=1, QUERY_TIMEOUT=600.0)
    client = app.test_client()
    thread, answers = _heavy_in_a_thread(client)
    assert sent.wait(60)
    pool = app.extensions["conflictkg.dataset"]._executors()
    if how == "the pool closes":
        pool.close()
    else:  # what a ^C in the terminal does: the executors are in the server's process group
        [executor] = pool._executors
        os.kill(executor.pid, signal.SIGINT)
    thread.join(60)
    [response] = answers
    _says_shutting_down(response)
    if how == "the pool closes":  # and nothing starts again
        _says_shutting_down(client.get(ASK))
    else:  # an executor's death alone does not stop the server
        _still_serving(client)


def test_the_servers_term_stops_running_queries_at_once(store, sent):
    import signal

    from conflictkg.worker import Worker

    app = _app(store, QUERY_PROCESSES=1, QUERY_TIMEOUT=600.0)
    client = app.test_client()
    thread, answers = _heavy_in_a_thread(client)
    assert sent.wait(60)
    worker = Worker.__new__(Worker)  # gunicorn's worker, as far as its TERM handler goes
    worker.wsgi, worker.alive = app, True
    worker.method_queue = type("Queue", (), {"defer": lambda self, call: call()})()  # wakes its poller
    worker.handle_exit(signal.SIGTERM, None)
    thread.join(60)
    assert worker.alive is False
    _says_shutting_down(answers[0])
