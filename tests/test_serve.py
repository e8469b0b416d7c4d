"""`conflictkg serve` as a user runs it: a real server on a free loopback port, stopped by the test."""

import json
import socket
import subprocess
import sys
import time
import urllib.request

import pytest


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def server():
    port = _free_port()
    proc = subprocess.Popen([sys.executable, "-m", "conflictkg", "serve", "--host", "127.0.0.1", "--port", str(port)],
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(base + "/health", timeout=1)
                break
            except OSError:
                if proc.poll() is not None:
                    pytest.fail(proc.stdout.read().decode())
                time.sleep(0.1)
        yield base
    finally:
        proc.terminate()
        proc.wait(timeout=10)
        proc.stdout.close()


def test_served_graph_answers_over_http(server):
    with urllib.request.urlopen(server + "/api/strikes?country=Pakistan", timeout=5) as response:
        body = json.load(response)
    assert [s["target"]["label"] for s in body["strikes"]] == ["Koh-e-Sabz"]
    with urllib.request.urlopen(server + "/sparql?query=ASK%7B%3Fs%20%3Fp%20%3Fo%7D", timeout=5) as response:
        assert json.load(response)["boolean"] is True


@pytest.mark.slow
def test_serve_an_on_disk_store_with_files_loaded_first(serve, tmp_path):
    good, bad = tmp_path / "good.ttl", tmp_path / "bad.ttl"
    good.write_text('<urn:x:note> <http://www.w3.org/2000/01/rdf-schema#comment> "loaded first" .\n')
    bad.write_text('<urn:x:e> <urn:x:d> "2024-13-45"^^<http://www.w3.org/2001/XMLSchema#date> .\n')
    refused = subprocess.run([sys.executable, "-m", "conflictkg", "serve", "--port", str(_free_port()), "--store",
                              f"oxigraph:{tmp_path / 'kg'}", "--load", str(good), "--load", str(bad)],
                             capture_output=True, text=True, timeout=120)
    assert refused.returncode == 1 and "not serving" in refused.stderr and "ill-typed" in refused.stderr
    base, _ = serve("--store", f"oxigraph:{tmp_path / 'kg'}", "--load", str(good))
    query = "ASK%20%7B%20%3Curn%3Ax%3Anote%3E%20%3Fp%20%22loaded%20first%22%20%7D"
    with urllib.request.urlopen(f"{base}/sparql?entailment=none&query={query}", timeout=10) as response:
        assert json.load(response)["boolean"] is True


@pytest.mark.slow
def test_a_write_is_seen_at_once_by_every_request_whatever_the_workers(serve):
    """``--workers 4``: one process with threads over one store, so no worker answers from stale data,
    and the answer cache a repeated query hit before the write is dropped by it."""
    from concurrent.futures import ThreadPoolExecutor
    from urllib.parse import quote

    base, _ = serve("--workers", "4", env={"CONFLICTKG_UPDATE_TOKEN": "s3cret"})
    iran = "https://w3id.org/conflictkg/id/actor/iran"
    ask = base + "/sparql?query=" + quote(f'ASK {{ <{iran}> <http://www.w3.org/2000/01/rdf-schema#comment> "seen" }}')

    def answer(_=None) -> bool:
        request = urllib.request.Request(ask, headers={"Accept": "application/sparql-results+json"})
        with urllib.request.urlopen(request, timeout=60) as response:
            return json.load(response)["boolean"]

    with ThreadPoolExecutor(8) as pool:
        assert not any(pool.map(answer, range(16)))  # and now cached
        update = urllib.request.Request(
            base + "/sparql/update", method="POST",
            data=f'INSERT DATA {{ <{iran}> <http://www.w3.org/2000/01/rdf-schema#comment> "seen" }}'.encode(),
            headers={"Content-Type": "application/sparql-update", "Authorization": "Bearer s3cret"})
        with urllib.request.urlopen(update, timeout=60) as response:
            assert response.status == 204
        assert all(pool.map(answer, range(32)))
