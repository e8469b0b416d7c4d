"""Fixtures after Flask's tutorial: ``app``, ``client``, ``runner``, plus a shared seed ``store``; ``backend`` and
``seeded`` run a test over every store backend (memory, oxigraph:PATH, rdflib, sparql: against a real Oxigraph server)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from click.testing import CliRunner

from conflictkg.api import create_app
from conflictkg.graph.store import open_store
from tests.support.live_app import serving

# the seed built once for the suite, kept in the checkout rather than the user's cache (see graph/cache.py);
# the tests' subprocesses inherit it
os.environ.setdefault("CONFLICTKG_CACHE_DIR", str(Path(__file__).resolve().parent.parent / ".cache" / "built"))


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
    with serving(app) as url:
        yield url


class Listener:
    """A TCP listener on 127.0.0.1 that counts the connections it gets (a request that must not happen)."""

    def __init__(self) -> None:
        import socket
        import threading

        self._sock = socket.socket()
        self._sock.bind(("127.0.0.1", 0))
        self._sock.listen(16)
        self._sock.settimeout(0.1)
        self.port = self._sock.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}/"
        self.connections = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._accept, daemon=True)
        self._thread.start()

    def _accept(self) -> None:
        import socket

        while not self._stop.is_set():
            try:
                conn, _ = self._sock.accept()
            except socket.timeout:
                continue
            except OSError:
                return
            self.connections += 1
            with conn:
                conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: text/turtle\r\nContent-Length: 0\r\n\r\n")

    def close(self) -> None:
        self._stop.set()
        self._thread.join(timeout=5)
        self._sock.close()


@pytest.fixture
def listener():
    """A loopback listener that must see no connection: ``listener.url``, ``listener.connections``."""
    found = Listener()
    try:
        yield found
    finally:
        found.close()


@pytest.fixture
def serve(tmp_path):
    """Start ``conflictkg serve ARGS`` on a free loopback port with ``env``; every process of it is
    killed after the test. Returns (base URL, Popen)."""
    import os
    import signal
    import socket
    import subprocess
    import sys
    import time
    import urllib.request

    started = []

    def start(*args: str, env: dict | None = None, wait: float = 120):
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            port = sock.getsockname()[1]
        log = open(tmp_path / f"serve-{port}.log", "wb")
        proc = subprocess.Popen([sys.executable, "-m", "conflictkg", "serve", "--host", "127.0.0.1", "--port", str(port),
                                 *args], env={**os.environ, **(env or {})}, stdout=log, stderr=subprocess.STDOUT,
                                start_new_session=True)
        started.append((proc, log))
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + wait
        while time.monotonic() < deadline:
            try:
                urllib.request.urlopen(base + "/health", timeout=2)
                return base, proc
            except OSError:
                if proc.poll() is not None:
                    break
                time.sleep(0.2)
        log.flush()
        pytest.fail(f"conflictkg serve did not start: {(tmp_path / f'serve-{port}.log').read_text()[-2000:]}")

    yield start
    for proc, log in started:
        try:
            os.killpg(proc.pid, signal.SIGKILL)  # the master, its worker and the query executors
        except ProcessLookupError:
            pass
        proc.wait(timeout=30)
        log.close()


# -- every backend -------------------------------------------------------------------------------------

#: The store specs the behavioural suite runs over (tests/test_backends.py), by short name: ``sparql`` is
#: a real Oxigraph server, ``virtuoso`` a real Virtuoso (its data in a graph: ``sparql:URL;graph=IRI``).
BACKENDS = ("memory", "oxigraph", "rdflib", "sparql", "virtuoso")
#: The backends that are a remote engine, read as it stands (no entailed copy).
REMOTE = ("sparql", "virtuoso")


@pytest.fixture(scope="session")
def oxigraph_service(tmp_path_factory):
    """One real ``oxigraph serve`` for the whole session, on a free loopback port, over an empty
    location; stopped at the end. Tests get fresh data from :func:`backend` (DROP ALL, then the seed)."""
    from tests.support.oxigraph_server import oxigraph_server

    with oxigraph_server(tmp_path_factory.mktemp("oxigraph-service")) as server:
        yield server


@pytest.fixture(scope="session")
def virtuoso_service(tmp_path_factory):
    """One real Virtuoso for the whole session (see tests/support/virtuoso_server.py); the tests skip,
    saying why, only where Virtuoso is not installed (.ci/run installs it)."""
    from tests.support.virtuoso_server import virtuoso_available, virtuoso_server

    reason = virtuoso_available()
    if reason:
        pytest.skip(reason)
    with virtuoso_server(tmp_path_factory.mktemp("virtuoso-service")) as server:
        yield server


def _drop_all(update_url: str, sparql: str = "DROP ALL") -> None:
    import urllib.request

    request = urllib.request.Request(update_url, data=sparql.encode(), method="POST",
                                     headers={"Content-Type": "application/sparql-update"})
    with urllib.request.urlopen(request, timeout=30) as response:
        assert response.status in (200, 204)


class Backend:
    """One backend for one test: its ``spec`` (what ``--store`` and ``CONFLICTKG_STORE`` take) and
    its store, opened on first use.

    ``memory`` and ``rdflib`` give a new seeded store on every open, so a CLI run over them starts
    from the seed; ``oxigraph:PATH`` (a new directory per test) and ``sparql:`` (the session's
    server, emptied before the test) keep what was written, so the CLI and the store see each other.
    RocksDB allows one opener: :meth:`release` drops the test's handle before the CLI opens the same
    path, and :meth:`store` opens it again afterwards.
    """

    def __init__(self, name: str, spec: str) -> None:
        self.name, self.spec = name, spec
        self._store = None

    def __repr__(self) -> str:
        return f"Backend({self.spec!r})"

    @property
    def persistent(self) -> bool:
        """True when what one opener writes, the next one sees."""
        return self.name in ("oxigraph", *REMOTE)

    @property
    def remote(self) -> bool:
        """True for a remote engine, queried as it stands."""
        return self.name in REMOTE

    def store(self):
        if self._store is None:
            if self.name == "oxigraph":
                import gc

                gc.collect()  # a CLI run's traceback may still hold the path open
            self._store = open_store(self.spec)
        return self._store

    def release(self) -> None:
        """Drop the test's handle on the store (and whatever still holds it in a cycle)."""
        import gc

        self._store = None
        gc.collect()

    def app(self, **config):
        return create_app({"STORE": self.store(), "TESTING": True, **config})


def _backend(name: str, directory, server=None) -> Backend:
    if name == "oxigraph":
        return Backend(name, f"oxigraph:{directory / 'kg'}")
    if name == "sparql":
        _drop_all(server.update_url)  # what the last user wrote; open_store seeds the empty server
        return Backend(name, server.spec)
    if name == "virtuoso":  # only the data graph: the engine's own graphs stay
        from tests.support.virtuoso_server import DATA_GRAPH

        _drop_all(server.update_url, f"DROP SILENT GRAPH <{DATA_GRAPH}>")
        return Backend(name, server.spec)
    return Backend(name, name)


_SERVICES = {"sparql": "oxigraph_service", "virtuoso": "virtuoso_service"}

#: Where Virtuoso answers differently from the other engines, by test: each is named in docs/stores.md.
VIRTUOSO_DIFFERENCES = {
    "test_numbers_are_stored_as_written": (
        "Virtuoso keeps a number as its value, not as written: \"007\"^^xsd:integer comes back as \"7\", "
        "\"1.50\"^^xsd:decimal as \"1.5\", \"1000\"^^xsd:double as \"1000.0\", and \"true\"^^xsd:boolean as "
        "\"1\", one triple with the integer 1"),
    "test_sparql_protocol_dataset_over_named_graphs": (
        "with ;graph= the data graph is the whole dataset conflictkg reads: the engine's other graphs are not "
        "conflictkg's named graphs"),
}


@pytest.fixture(autouse=True)
def _virtuoso_differences(request):
    """Skip, naming it, a test whose answer on Virtuoso differs for a documented reason."""
    params = getattr(getattr(request.node, "callspec", None), "params", {})
    if "virtuoso" in (params.get("backend"), params.get("seeded")):
        reason = VIRTUOSO_DIFFERENCES.get(request.node.originalname)
        if reason:
            pytest.skip(f"a named Virtuoso difference (docs/stores.md): {reason}")


@pytest.fixture(params=BACKENDS)
def backend(request, tmp_path):
    """Each backend in turn, with the seed graph and nothing else in it: the test may write
    (see :class:`Backend`; ``sparql:`` is the session's server, emptied first)."""
    server = request.getfixturevalue(f"{_SERVICES[request.param]}") if request.param in _SERVICES else None
    found = _backend(request.param, tmp_path, server)
    yield found
    found.release()


@pytest.fixture(scope="module", params=BACKENDS)
def seeded(request, tmp_path_factory):
    """Each backend in turn with the seed graph, shared by the tests of a module that only read
    (seeding once per module keeps the suite fast). ``sparql:`` gets its own server for the module,
    so the session's, which :func:`backend` empties before every test, is never read half-seeded."""
    directory = tmp_path_factory.mktemp(f"seeded-{request.param}")
    if request.param == "sparql":
        from tests.support.oxigraph_server import oxigraph_server

        with oxigraph_server(directory / "oxigraph") as server:
            found = _backend("sparql", directory, server)
            yield found
            found.release()
    elif request.param == "virtuoso":  # the session's server, in a graph of its own for the module
        import uuid

        server = request.getfixturevalue("virtuoso_service")
        found = Backend("virtuoso", f"sparql:{server.query_url};graph=urn:conflictkg:seeded:{uuid.uuid4().hex}")
        yield found
        found.store().remove_graph(found.spec.rsplit("graph=", 1)[1])
        found.release()
    else:
        found = _backend(request.param, directory)
        yield found
        found.release()
