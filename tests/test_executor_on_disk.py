"""/sparql over an on-disk store (``oxigraph:PATH``): queries run in spawned executors that read a
checkpoint of the store, with the same answers, time limit, memory limit and refusals as over a
store in memory, and no checkpoint left behind once the pool (or the server) is gone.

The requests say ``entailment=none``, so that their answers are the asserted triples alone."""

import json
import signal
import threading
import time
import urllib.error
import urllib.request
from urllib.parse import quote

import pyoxigraph as ox
import pytest

from conflictkg.api import create_app
from conflictkg.graph.store.executor import QueryPool
from conflictkg.graph.store import open_store

PROBLEM = "application/problem+json"
TOKEN = "on-disk-token"
HEAVY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"  # 9 billion rows over the seed
COUNT = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
CSV = {"solutions": ("text/csv", "text/csv"), "boolean": ("text/csv", "application/sparql-results+json")}
IRAN = "https://w3id.org/conflictkg/id/actor/iran"
COMMENT = "http://www.w3.org/2000/01/rdf-schema#comment"


@pytest.fixture
def disk(tmp_path):
    """A seeded on-disk store in its own directory, ``tmp_path / 'kg'``."""
    return open_store(f"oxigraph:{tmp_path / 'kg'}")


def _checkpoints(directory) -> list[str]:
    """The checkpoint directories beside the store (and what is in them)."""
    return sorted(str(p.relative_to(directory)) for root in directory.glob(".kg.checkpoints-*")
                  for p in [root, *root.iterdir()])


def _count(pool, store) -> int:
    return int(pool.run(store, COUNT, formats=CSV, timeout=30).body.split()[1])


def test_a_query_answers_as_over_memory(disk):
    memory = open_store("memory")
    query = "/sparql?entailment=none&format=csv&query=" + quote("SELECT ?s ?o WHERE { ?s a ?o FILTER (isIRI(?s)) } ORDER BY ?s ?o")
    on_disk = create_app({"STORE": disk, "TESTING": True}).test_client().get(query)
    in_memory = create_app({"STORE": memory, "TESTING": True}).test_client().get(query)
    assert on_disk.status_code == 200 and on_disk.data == in_memory.data
    assert len(on_disk.data.splitlines()) > 100


def test_a_write_is_seen_by_the_next_query_and_old_checkpoints_go(disk, tmp_path):
    client = create_app({"STORE": disk, "TESTING": True, "UPDATE_TOKEN": TOKEN,
                         "QUERY_PROCESSES": 1}).test_client()
    ask = "/sparql?entailment=none&query=" + quote(f'ASK {{ <{IRAN}> <{COMMENT}> "written" }}')
    assert client.get(ask).json["boolean"] is False
    first = _checkpoints(tmp_path)
    update = client.post("/sparql/update", data=f'INSERT DATA {{ <{IRAN}> <{COMMENT}> "written" }}',
                         content_type="application/sparql-update", headers={"Authorization": f"Bearer {TOKEN}"})
    assert update.status_code == 204, update.get_data(as_text=True)
    assert client.get(ask).json["boolean"] is True
    # one executor: the one that read the old checkpoint was replaced, and the checkpoint deleted
    after = _checkpoints(tmp_path)
    assert len(first) == len(after) == 2 and first[0] == after[0] and first[1] != after[1]


def test_a_query_past_its_time_gets_503_and_the_next_is_served(disk):
    client = create_app({"STORE": disk, "TESTING": True, "QUERY_TIMEOUT": 1.0}).test_client()
    began = time.monotonic()
    r = client.get("/sparql?entailment=none&query=" + quote(HEAVY))
    assert r.status_code == 503 and r.mimetype == PROBLEM and r.json["title"] == "Query timeout"
    assert 1.0 <= time.monotonic() - began < 5.0
    assert client.get("/sparql?entailment=none&query=" + quote("ASK { ?s ?p ?o }")).json["boolean"] is True


def test_beyond_the_executors_a_query_waits_then_gets_503(disk):
    client = create_app({"STORE": disk, "TESTING": True, "QUERY_PROCESSES": 1, "QUEUE_WAIT": 0.3,
                         "QUERY_TIMEOUT": 3.0}).test_client()
    client.get("/sparql?entailment=none&query=" + quote("ASK {}"))  # the executor is up: the heavy query starts at once
    heavy = threading.Thread(target=client.get, args=("/sparql?entailment=none&query=" + quote(HEAVY),))
    heavy.start()
    time.sleep(0.5)
    r = client.get("/sparql?entailment=none&query=" + quote("ASK { ?s ?p ?o }"))
    assert r.status_code == 503 and r.json["title"] == "Service unavailable"
    heavy.join()
    assert client.get("/sparql?entailment=none&query=" + quote("ASK { ?s ?p ?o }")).json["boolean"] is True


def test_a_query_past_its_memory_is_stopped(disk):
    client = create_app({"STORE": disk, "TESTING": True, "QUERY_MEMORY": 100_000_000,
                         "QUERY_TIMEOUT": 30.0}).test_client()
    r = client.get("/sparql?entailment=none&query="
                   + quote("SELECT ?a ?b ?c WHERE { ?a ?p ?x . ?b ?q ?y . ?c ?r ?z } ORDER BY ?a ?b ?c"))
    assert r.status_code == 503 and r.mimetype == PROBLEM and "memory" in r.json["detail"]
    assert client.get("/sparql?entailment=none&query=" + quote("ASK { ?s ?p ?o }")).json["boolean"] is True


def test_every_checkpoint_is_deleted_when_the_pool_closes(disk, tmp_path):
    pool = QueryPool(2)
    seeded = _count(pool, disk)
    disk.update(f'INSERT DATA {{ <{IRAN}> <{COMMENT}> "one" }}')
    assert _count(pool, disk) == seeded + 1  # a second executor, over a second checkpoint
    assert len([c for c in _checkpoints(tmp_path) if "/" in c]) == 2
    pool.close()
    assert _checkpoints(tmp_path) == []


def test_a_dead_servers_checkpoints_are_swept(disk, tmp_path):
    """A server killed outright leaves its checkpoints; the next one to make a checkpoint deletes them."""
    import subprocess
    import sys

    gone = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    left = tmp_path / f".kg.checkpoints-{int(gone.stdout)}-abc" / "1-1"
    left.mkdir(parents=True)
    pool = QueryPool(1)
    try:
        _count(pool, disk)
        assert not left.parent.exists() and len(_checkpoints(tmp_path)) == 2
    finally:
        pool.close()


@pytest.mark.slow
def test_served_on_disk_store_answers_writes_and_limits(serve, tmp_path):
    """``conflictkg serve --store oxigraph:PATH`` as a user runs it: a query answers, a write is seen
    by the very next query, a query past CONFLICTKG_QUERY_TIMEOUT gets 503 and the next is served,
    and once the server has stopped no checkpoint is left beside the store."""
    base, proc = serve("--store", f"oxigraph:{tmp_path / 'kg'}",
                       env={"CONFLICTKG_UPDATE_TOKEN": TOKEN, "CONFLICTKG_QUERY_TIMEOUT": "2"})

    def ask(text: str) -> bool:
        request = urllib.request.Request(f"{base}/sparql?entailment=none&query={quote(text)}",
                                         headers={"Accept": "application/sparql-results+json"})
        with urllib.request.urlopen(request, timeout=30) as response:
            return json.load(response)["boolean"]

    fact = f'<{IRAN}> <{COMMENT}> "served"'
    assert ask("ASK { ?s ?p ?o }") is True and ask(f"ASK {{ {fact} }}") is False
    update = urllib.request.Request(f"{base}/sparql/update", method="POST", data=f"INSERT DATA {{ {fact} }}".encode(),
                                    headers={"Content-Type": "application/sparql-update",
                                             "Authorization": f"Bearer {TOKEN}"})
    with urllib.request.urlopen(update, timeout=60) as response:
        assert response.status == 204
    assert ask(f"ASK {{ {fact} }}") is True
    with pytest.raises(urllib.error.HTTPError) as timed_out:
        urllib.request.urlopen(f"{base}/sparql?entailment=none&query={quote(HEAVY)}", timeout=30)
    assert timed_out.value.code == 503 and json.load(timed_out.value)["title"] == "Query timeout"
    assert ask(f"ASK {{ {fact} }}") is True
    assert _checkpoints(tmp_path) != []
    proc.send_signal(signal.SIGTERM)  # gunicorn's way to stop: the worker ends, and its pool with it
    proc.wait(timeout=60)
    assert _checkpoints(tmp_path) == []
