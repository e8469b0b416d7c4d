"""An acknowledged write survives ``kill -9`` of the server; a write cut short leaves nothing."""

import os
import signal
import threading
import time
import urllib.error
import urllib.request

import pytest

from conflictkg.graph.store import open_store

TOKEN = "durable-token"


def _post(url: str, body: bytes, content_type: str, timeout: float = 60) -> int:
    request = urllib.request.Request(url, data=body, method="POST", headers={
        "Content-Type": content_type, "Authorization": f"Bearer {TOKEN}"})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status
    except urllib.error.HTTPError as exc:
        return exc.code


def _batch(n: int, size: int) -> bytes:
    return "".join(f'<urn:batch:{n}:{k}> <urn:in> <urn:batch:{n}> .\n' for k in range(size)).encode()


def _kill_everything(proc) -> None:
    """kill -9 of the server: its master, worker and query executors at once, then wait for them all."""
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait(timeout=30)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            os.killpg(proc.pid, 0)
        except ProcessLookupError:
            return
        time.sleep(0.05)
    pytest.fail("the server's processes outlived kill -9")


@pytest.mark.slow
def test_acknowledged_writes_survive_kill_9_and_a_cut_load_leaves_nothing(serve, tmp_path):
    path = tmp_path / "kg"
    base, proc = serve("--store", f"oxigraph:{path}", env={"CONFLICTKG_UPDATE_TOKEN": TOKEN})
    acked_updates, acked_batches = [], []
    stop = threading.Event()

    def updates():
        i = 0
        while not stop.is_set():
            body = f"INSERT DATA {{ <urn:ack:{i}> <urn:n> {i} }}".encode()
            try:
                if _post(base + "/sparql/update", body, "application/sparql-update") == 204:
                    acked_updates.append(i)
            except OSError:
                return  # the server is gone
            i += 1

    writer = threading.Thread(target=updates)
    writer.start()
    for n in range(3):  # loads acknowledged before the crash
        assert _post(base + "/store?default", _batch(n, 2000), "application/n-triples") == 204
        acked_batches.append(n)
    time.sleep(1.0)
    # a big load, killed while the server is at it
    cut = threading.Thread(target=lambda: _swallow(lambda: _post(base + "/store?default", _batch(99, 60_000),
                                                                 "application/n-triples")))
    cut.start()
    time.sleep(0.4)
    _kill_everything(proc)
    stop.set()
    writer.join(timeout=60)
    cut.join(timeout=60)
    assert len(acked_updates) >= 5, "too few writes were acknowledged to test anything"

    store = open_store(f"oxigraph:{path}")
    found = {int(row["n"].value) for row in store.select("SELECT ?n WHERE { ?s <urn:n> ?n }")}
    assert set(acked_updates) <= found, f"lost {sorted(set(acked_updates) - found)[:10]}"
    sizes = {row["b"].value: int(row["c"].value) for row in store.select(
        "SELECT ?b (COUNT(?s) AS ?c) WHERE { ?s <urn:in> ?b } GROUP BY ?b")}
    for n in acked_batches:
        assert sizes[f"urn:batch:{n}"] == 2000
    assert sizes.get("urn:batch:99", 0) in (0, 60_000), "a load cut short is visible in part"
    assert not store.ask("ASK { GRAPH ?g { ?s ?p ?o } }"), "staged data of the cut load is still there"


def _swallow(call) -> None:
    try:
        call()
    except OSError:
        pass
