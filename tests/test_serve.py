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
