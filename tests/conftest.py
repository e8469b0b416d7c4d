"""Fixtures after Flask's tutorial: ``app``, ``client``, ``runner``, plus a shared seed ``store``."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from conflictkg.api import create_app
from conflictkg.graph.store import open_store


@pytest.fixture
def store():
    """A fresh in-memory store with the seed graph: tests may write to it."""
    return open_store("memory")


@pytest.fixture
def app(store):
    return create_app({"STORE": store, "TESTING": True})


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner():
    return CliRunner()


@pytest.fixture
def live_server(app):
    """The app on a real HTTP server, 127.0.0.1 and a free port, stopped after the test."""
    import threading

    from werkzeug.serving import make_server

    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(timeout=10)
        server.server_close()
