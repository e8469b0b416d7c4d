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
