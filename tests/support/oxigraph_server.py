"""A real Oxigraph server for a while: the remote engine ``--store sparql:`` talks to.

:func:`oxigraph_server` runs the ``oxigraph`` command (PyPI package ``oxigraph``, in the dev extras)
on a free loopback port, optionally loading files into its location first, waits until it answers
a query, and stops it when the ``with`` block ends (terminate, then kill). The tests run the
behavioural suite against it; from a checkout, a user can run it by hand the same way::

    python -m tests.support.oxigraph_server --location kg.oxigraph --load events.nt
    # prints the spec, e.g. sparql:http://127.0.0.1:40123/query; then, in another terminal:
    conflictkg serve --store sparql:http://127.0.0.1:40123/query

>>> with oxigraph_server() as server:
...     store = open_store(server.spec, seed=False)
...     store.update("INSERT DATA { <urn:a> <urn:b> <urn:c> }")
...     store.ask("ASK { <urn:a> <urn:b> <urn:c> }")
True
>>> server.update_url == server.query_url.replace("/query", "/update")
True
>>> server.process.poll() is not None  # stopped when the block ended
True
"""

from __future__ import annotations

import argparse
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Iterator

from conflictkg.graph.store import StoreError, open_store  # noqa: F401  (open_store: for the doctest above)

__all__ = ["OxigraphServer", "OxigraphServerError", "free_port", "oxigraph_binary", "oxigraph_server"]

#: How long a server may take to answer its first query (a large location takes a while to open).
START_TIMEOUT = 60.0
#: How long ``terminate`` is given before ``kill``.
STOP_TIMEOUT = 10.0


def _quiet_env() -> dict[str, str]:
    """The environment, without the Rust stack trace that RUST_BACKTRACE would add to a failed load's message."""
    return {**os.environ, "RUST_BACKTRACE": "0", "RUST_LIB_BACKTRACE": "0"}


class OxigraphServerError(StoreError):
    """The ``oxigraph`` command is missing, or the server did not load, start or answer."""


@dataclass(frozen=True)
class OxigraphServer:
    """A running ``oxigraph serve``: where to send queries and updates, and its process."""

    host: str
    port: int
    location: Path | None
    process: subprocess.Popen
    log: Path

    @property
    def base_url(self) -> str:
        return f"http://{self.host}:{self.port}"

    @property
    def query_url(self) -> str:
        return f"{self.base_url}/query"

    @property
    def update_url(self) -> str:
        return f"{self.base_url}/update"

    @property
    def spec(self) -> str:
        """The ``--store`` spec that points conflictkg at this server (the update URL is derived)."""
        return f"sparql:{self.query_url}"


def oxigraph_binary() -> Path:
    """The ``oxigraph`` command: the one installed beside this Python (a venv's ``bin``), else on ``PATH``.

    >>> oxigraph_binary().name.startswith("oxigraph")
    True
    """
    # sys.executable is not resolved: a venv's python is a symlink out of the venv's bin
    beside = Path(sys.executable).parent
    for name in ("oxigraph", "oxigraph.exe"):
        if (beside / name).is_file() and os.access(beside / name, os.X_OK):
            return beside / name
    found = shutil.which("oxigraph")
    if found:
        return Path(found)
    raise OxigraphServerError(f"the oxigraph command is not installed (looked in {beside} and on PATH): "
                              "pip install oxigraph, or pip install -e '.[dev]'")


def free_port(host: str = "127.0.0.1") -> int:
    """A TCP port nobody listens on right now (the OS's pick).

    >>> 0 < free_port() < 65536
    True
    """
    with socket.socket() as sock:
        sock.bind((host, 0))
        return sock.getsockname()[1]


def _run_load(binary: Path, location: Path, files: list[Path], log: Path) -> None:
    """``oxigraph load`` every file into ``location`` (each file atomically), or raise with its message."""
    with open(log, "ab") as out:
        done = subprocess.run([str(binary), "load", "--location", str(location),
                               *(arg for f in files for arg in ("--file", str(f)))],
                              stdout=out, stderr=subprocess.STDOUT, env=_quiet_env())
    if done.returncode != 0:
        raise OxigraphServerError(f"oxigraph load failed (exit {done.returncode}): {_tail(log)}")


def _tail(log: Path, chars: int = 2000) -> str:
    try:
        return log.read_text(errors="replace")[-chars:].strip()
    except OSError:
        return ""


def _answers(query_url: str, timeout: float = 1) -> bool:
    url = query_url + "?" + urllib.parse.urlencode({"query": "ASK {}"})
    request = urllib.request.Request(url, headers={"Accept": "application/sparql-results+json"})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status == 200
    except (OSError, urllib.error.URLError):
        return False


def _stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=STOP_TIMEOUT)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _start(binary: Path, location: Path | None, host: str, port: int, log: Path,
           timeout: float) -> subprocess.Popen | None:
    """Start ``oxigraph serve`` and wait until it answers; None if it exited first (e.g. the port was taken)."""
    command = [str(binary), "serve", "--bind", f"{host}:{port}"]
    if location is not None:
        command += ["--location", str(location)]
    with open(log, "ab") as out:
        process = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                   env=_quiet_env())
    query_url = f"http://{host}:{port}/query"
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        # exited first: on a taken port, the answer would come from whoever holds it
        if process.poll() is not None:
            return None
        if _answers(query_url):
            return process
        time.sleep(0.05)
    _stop(process)
    raise OxigraphServerError(f"oxigraph serve did not answer within {timeout:g} s: {_tail(log)}")


@contextmanager
def oxigraph_server(location: str | Path | None = None, *, load: Iterable[str | Path] = (),
                    host: str = "127.0.0.1", port: int | None = None,
                    timeout: float = START_TIMEOUT) -> Iterator[OxigraphServer]:
    """Run ``oxigraph serve`` for the ``with`` block and yield where it answers.

    ``location`` is the server's data directory (kept after the block); with none, an in-memory
    server, or a temporary directory if there are files to ``load`` (an ``oxigraph load`` needs one).
    ``port`` defaults to a free one, tried again if another process takes it before the server does.
    Raises :class:`OxigraphServerError` if the command is missing, a file does not load, or the
    server does not answer within ``timeout`` seconds.
    """
    binary = oxigraph_binary()
    files = [Path(f) for f in load]
    with ExitStack() as stack:
        scratch = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="oxigraph-")))
        log = scratch / "oxigraph.log"
        where = Path(location) if location is not None else (scratch / "data" if files else None)
        if files:
            _run_load(binary, where, files, log)
        for _attempt in range(1 if port else 5):
            chosen = port or free_port(host)
            process = _start(binary, where, host, chosen, log, timeout)
            if process is not None:
                break
        else:
            raise OxigraphServerError(f"oxigraph serve exited at start: {_tail(log)}")
        stack.callback(_stop, process)
        yield OxigraphServer(host, chosen, where, process, log)


def serve_until_interrupted(running, describe) -> None:
    """A test server's command line: print its ``--store`` spec, run until ^C; a failed start exits 1."""
    try:
        with running as server:
            print(server.spec, flush=True)
            print(f"{describe(server)}  (Ctrl-C stops it)", file=sys.stderr)
            try:
                server.process.wait()
            except KeyboardInterrupt:
                pass
    except StoreError as exc:
        sys.exit(f"Error: {exc}")


def main(argv: list[str] | None = None) -> None:
    """Run a server until interrupted, printing the ``--store`` spec that reaches it."""
    parser = argparse.ArgumentParser(prog="python -m tests.support.oxigraph_server", description=main.__doc__)
    parser.add_argument("--location", help="the data directory (default: in memory)")
    parser.add_argument("--load", action="append", default=[], metavar="FILE", help="load this file first; repeatable")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=None, help="default: a free one")
    args = parser.parse_args(argv)
    serve_until_interrupted(oxigraph_server(args.location, load=args.load, host=args.host, port=args.port),
                            lambda server: f"query {server.query_url}  update {server.update_url}")


if __name__ == "__main__":
    main()
