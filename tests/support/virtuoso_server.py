"""A real Virtuoso for a while: the second remote engine ``--store sparql:`` is tested against.

:func:`virtuoso_server` starts ``virtuoso-t -f -c INI`` (Debian package ``virtuoso-opensource``,
installed by ``make virtuoso`` and ``.ci/run``) from a copy of the package's
``/etc/virtuoso-opensource-7/virtuoso.ini`` whose database files live in a scratch directory and
whose two ports (SQL and HTTP) are free loopback ones; waits until ``/sparql`` answers, lets the
endpoint take updates (``GRANT SPARQL_UPDATE TO "SPARQL"`` through ``isql-vt``) and stops the
server when the ``with`` block ends. From a checkout, a user can run one by hand::

    python -m tests.support.virtuoso_server
    # prints the spec, e.g. sparql:http://127.0.0.1:40123/sparql;graph=https://w3id.org/conflictkg/graph

Virtuoso's default graph is the union of all its graphs (its own system graphs too), so the spec
names the graph that holds conflictkg's data (``;graph=``). The copy also lifts two limits of the
stock file that would cut answers short without an error: ``ResultSetMaxRows`` (10,000 rows) and
``MaxQueryExecutionTime`` (an "anytime" query answers what it found in 60 s).
"""

from __future__ import annotations

import argparse
import re
import shutil
import subprocess
import tempfile
import time
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

from conflictkg.graph.store import StoreError

from .oxigraph_server import _answers, _stop, _tail, free_port, serve_until_interrupted

__all__ = ["DATA_GRAPH", "VirtuosoServer", "VirtuosoServerError", "virtuoso_available", "virtuoso_server"]

STOCK_INI = Path("/etc/virtuoso-opensource-7/virtuoso.ini")
#: The graph the tests keep conflictkg's data in.
DATA_GRAPH = "https://w3id.org/conflictkg/graph"
START_TIMEOUT = 120.0


class VirtuosoServerError(StoreError):
    """Virtuoso is not installed, or did not start or answer."""


def virtuoso_available() -> str | None:
    """None when Virtuoso can be started here, else why not (the reason a test skips with)."""
    missing = [name for name in ("virtuoso-t", "isql-vt") if shutil.which(name) is None]
    if missing or not STOCK_INI.is_file():
        return (f"Virtuoso is not installed ({', '.join(missing) or STOCK_INI} missing): "
                "make virtuoso (apt-get install virtuoso-opensource); .ci/run installs it")
    return None


@dataclass(frozen=True)
class VirtuosoServer:
    host: str
    http_port: int
    sql_port: int
    directory: Path
    process: subprocess.Popen

    @property
    def query_url(self) -> str:
        return f"http://{self.host}:{self.http_port}/sparql"

    update_url = query_url

    @property
    def gsp_url(self) -> str:
        """The Graph Store Protocol endpoint (unauthenticated, with SPARQL_UPDATE granted)."""
        return f"http://{self.host}:{self.http_port}/sparql-graph-crud"

    @property
    def spec(self) -> str:
        return f"sparql:{self.query_url};graph={DATA_GRAPH}"

    def isql(self, statement: str) -> str:
        """Run one SQL statement as dba; its output, or :class:`VirtuosoServerError`."""
        done = subprocess.run(["isql-vt", str(self.sql_port), "dba", "dba", f"exec={statement}"],
                              capture_output=True, text=True, timeout=120, stdin=subprocess.DEVNULL)
        if done.returncode != 0 or "*** Error" in done.stdout + done.stderr:
            raise VirtuosoServerError(f"isql {statement!r} failed: {(done.stdout + done.stderr).strip()[-500:]}")
        return done.stdout


def configure(stock: str, directory: Path, sql_port: int, http_port: int) -> str:
    """The stock INI with its files in ``directory``, its ports changed and its row and time caps lifted.

    >>> ini = configure("[Database]\\nDatabaseFile = /var/x/virtuoso.db\\n[Parameters]\\nServerPort = 1111\\n"
    ...                 "[HTTPServer]\\nServerPort = 8890\\n[SPARQL]\\nResultSetMaxRows = 10000\\n", Path("/t"), 1, 2)
    >>> print(ini.strip())
    [Database]
    DatabaseFile = /t/virtuoso.db
    [Parameters]
    ServerPort = 127.0.0.1:1
    [HTTPServer]
    ServerPort = 127.0.0.1:2
    [SPARQL]
    ResultSetMaxRows = 100000000
    MaxQueryExecutionTime = 0
    """
    out, section = [], None
    for line in stock.splitlines():
        header = re.match(r"^\s*\[(\w[^\]]*)\]", line)
        if header:
            section = header.group(1)
            out.append(line)
            continue
        match = re.match(r"^\s*(\w+)\s*=\s*(.*?)\s*(;.*)?$", line)
        key = match.group(1) if match else None
        if key in ("DatabaseFile", "ErrorLogFile", "LockFile", "TransactionFile", "xa_persistent_file"):
            line = f"{key} = {directory / Path(match.group(2)).name}"
        elif key == "ServerPort" and section in ("Parameters", "HTTPServer"):
            line = f"ServerPort = 127.0.0.1:{sql_port if section == 'Parameters' else http_port}"
        elif key in ("ResultSetMaxRows", "MaxQueryExecutionTime", "MaxQueryCostEstimationTime"):
            continue
        out.append(line)
    text = "\n".join(out) + "\n"
    return re.sub(r"(?m)^\[SPARQL\]\s*$", "[SPARQL]\nResultSetMaxRows = 100000000\nMaxQueryExecutionTime = 0", text, 1)


@contextmanager
def virtuoso_server(directory: str | Path | None = None, *, host: str = "127.0.0.1", http_port: int | None = None,
                    timeout: float = START_TIMEOUT) -> Iterator[VirtuosoServer]:
    """Run Virtuoso for the ``with`` block over a database in ``directory`` (default: a temporary one),
    its HTTP endpoint on ``http_port`` (default: a free one)."""
    reason = virtuoso_available()
    if reason:
        raise VirtuosoServerError(reason)
    with ExitStack() as stack:
        where = Path(directory) if directory is not None else Path(
            stack.enter_context(tempfile.TemporaryDirectory(prefix="virtuoso-")))
        where.mkdir(parents=True, exist_ok=True)
        sql_port, http_port = free_port(host), http_port or free_port(host)
        ini = where / "virtuoso.ini"
        ini.write_text(configure(STOCK_INI.read_text(), where.resolve(), sql_port, http_port))
        log = where / "virtuoso.log"
        with open(where / "stdout.log", "ab") as out:
            process = subprocess.Popen(["virtuoso-t", "-f", "-c", str(ini)], cwd=where, stdout=out,
                                       stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
        stack.callback(_stop, process)
        server = VirtuosoServer(host, http_port, sql_port, where, process)
        deadline = time.monotonic() + timeout
        while not _answers(server.query_url, timeout=2):
            if process.poll() is not None or time.monotonic() > deadline:
                raise VirtuosoServerError(f"virtuoso-t did not answer: {_tail(log) or _tail(where / 'stdout.log')}")
            time.sleep(0.1)
        server.isql('GRANT SPARQL_UPDATE TO "SPARQL";')
        server.isql("DB.DBA.RDF_DEFAULT_USER_PERMS_SET ('nobody', 7);")
        yield server


def main(argv: list[str] | None = None) -> None:
    """Run Virtuoso until interrupted, printing the ``--store`` spec that reaches it."""
    parser = argparse.ArgumentParser(prog="python -m tests.support.virtuoso_server", description=main.__doc__)
    parser.add_argument("--directory", help="the database directory (default: a temporary one)")
    parser.add_argument("--http-port", type=int, default=None, help="the SPARQL endpoint's port (default: a free one)")
    args = parser.parse_args(argv)
    serve_until_interrupted(virtuoso_server(args.directory, http_port=args.http_port),
                            lambda server: f"query and update {server.query_url}")


if __name__ == "__main__":
    main()
