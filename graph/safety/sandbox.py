"""Nothing leaves the machine because of a request.

Measured: pyoxigraph 0.5 sends an HTTP request for ``SERVICE`` in a query and for ``LOAD`` in an
update (a ``FROM`` only names a graph of the store); rdflib fetches for all three, for a remote
JSON-LD ``@context`` and for ``SPARQL_LOAD_GRAPHS``. So:

- :func:`check_query` and :func:`check_update` refuse ``SERVICE`` and ``LOAD`` outright, and a
  ``FROM``/``FROM NAMED``/``USING`` (or a protocol ``default-graph-uri``) that names an
  ``http(s):``, ``ftp:`` or ``file:`` IRI which is not a graph of the store. They read the
  operation with rdflib's SPARQL parser, never a pattern over the text; the text is parsed only
  when it holds one of the words that could make an engine fetch (parsing costs ~10 ms).
- :func:`harden` turns rdflib's own fetching switch off, and :func:`no_network` is a block, kept
  per thread and task, inside which an audit hook refuses every socket connection and URL
  opening made from Python (rdflib's JSON-LD contexts, SERVICE and LOAD, pySHACL).

>>> check_query("SELECT * WHERE { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }")
Traceback (most recent call last):
...
conflictkg.graph.safety.sandbox.RemoteRefused: SERVICE <http://127.0.0.1:9/sparql> refused: this endpoint sends no request anywhere
>>> check_query("SELECT * WHERE { ?s ?p 'no fetching here' }")
"""

from __future__ import annotations

import contextvars
import sys
from contextlib import contextmanager
from typing import Callable, Iterator
from urllib.parse import urljoin

from ..store import QueryError

#: IRI schemes an engine may dereference.
FETCHABLE = ("http:", "https:", "ftp:", "file:")
#: Without one of these (case-insensitively) an operation cannot fetch: no keyword, no escape hiding one.
TRIGGERS = ("service", "load", "from", "using", "\\u")
#: Audit events that open a connection or a URL.
NETWORK_EVENTS = frozenset({"socket.connect", "socket.sendto", "socket.sendmsg", "socket.getaddrinfo",
                            "socket.gethostbyname", "socket.gethostbyaddr", "urllib.Request",
                            "http.client.connect", "ftplib.connect", "smtplib.connect", "webbrowser.open"})


class RemoteRefused(QueryError):
    """The operation would make the server fetch something."""


def _walk(node) -> Iterator:
    """Every node of an rdflib SPARQL parse tree (CompValues are dicts, ParseResults lists)."""
    stack = [node]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            yield item
            stack.extend(item.values())
        elif isinstance(item, (list, tuple)) or type(item).__name__ == "ParseResults":
            stack.extend(item)


def _parse(text: str, update: bool):
    from pyparsing import ParseException
    from rdflib.plugins.sparql.parser import parseQuery, parseUpdate

    try:
        return parseUpdate(text) if update else parseQuery(text)
    except (ParseException, RecursionError, ValueError, TypeError) as exc:
        what = "update" if update else "query"
        raise RemoteRefused(f"this {what} mentions SERVICE, LOAD, FROM or USING but cannot be checked "
                            f"by the SPARQL parser, so it is refused: {str(exc).splitlines()[0][:200]}") from None


def _base(tree, base_iri: str | None) -> str | None:
    for node in _walk(tree):
        if getattr(node, "name", None) == "Base":
            return str(node["iri"])
    return base_iri


def _refuse_fetches(tree, base_iri: str | None, graph_exists: Callable[[str], bool] | None) -> None:
    from rdflib import URIRef

    graphs = []
    for node in _walk(tree):
        name = getattr(node, "name", None)
        if name == "ServiceGraphPattern":
            term = node["term"]
            shown = f"<{term}>" if isinstance(term, URIRef) else f"?{term}"
            raise RemoteRefused(f"SERVICE {shown} refused: this endpoint sends no request anywhere")
        if name == "Load":
            raise RemoteRefused(f"LOAD <{node['iri']}> refused: nothing is fetched; send the data to POST /store")
        if name in ("DatasetClause", "UsingClause"):
            graphs.append(str(node.get("default", node.get("named"))))
    check_graphs([urljoin(_base(tree, base_iri) or "", g) for g in graphs], graph_exists)


def check_graphs(iris: list[str], graph_exists: Callable[[str], bool] | None) -> None:
    """Refuse a dataset graph that names something fetchable which is not a graph of the store."""
    for iri in iris:
        if iri.lower().startswith(FETCHABLE) and not (graph_exists and graph_exists(iri)):
            raise RemoteRefused(f"<{iri}> is not a graph of this store: FROM, USING and default-graph-uri "
                                "name graphs here, nothing is fetched")


def _may_fetch(text: str) -> bool:
    lowered = text.lower()
    return any(word in lowered for word in TRIGGERS)


def check_query(text: str, *, base_iri: str | None = None, graph_exists: Callable[[str], bool] | None = None) -> None:
    """Refuse a query that would fetch (see the module's docstring)."""
    if _may_fetch(text):
        _refuse_fetches(_parse(text, update=False), base_iri, graph_exists)


def check_update(text: str, *, base_iri: str | None = None, graph_exists: Callable[[str], bool] | None = None) -> None:
    """Refuse an update that would fetch: LOAD, SERVICE in a WHERE, USING a remote graph.

    >>> check_update("LOAD <file:///etc/passwd>")
    Traceback (most recent call last):
    ...
    conflictkg.graph.safety.sandbox.RemoteRefused: LOAD <file:///etc/passwd> refused: nothing is fetched; send the data to POST /store
    """
    if _may_fetch(text):
        _refuse_fetches(_parse(text, update=True), base_iri, graph_exists)


# -- Python-level fetching ---------------------------------------------------------------------

_BLOCKED: contextvars.ContextVar[bool] = contextvars.ContextVar("conflictkg_no_network", default=False)
_HOOKED = False


def _audit(event: str, args: tuple) -> None:
    if event in NETWORK_EVENTS and _BLOCKED.get():
        raise PermissionError(f"{event} refused: no network access while handling a request's data")


def harden() -> None:
    """rdflib's switch off: a query's FROM does not load the graph from the web."""
    import rdflib.plugins.sparql

    rdflib.plugins.sparql.SPARQL_LOAD_GRAPHS = False
    global _HOOKED
    if not _HOOKED:
        sys.addaudithook(_audit)  # an audit hook cannot be removed: it only acts inside no_network()
        _HOOKED = True


@contextmanager
def no_network() -> Iterator[None]:
    """Inside this block, in this thread (or task), Python opens no connection and no URL.

    >>> import urllib.request
    >>> with no_network():
    ...     urllib.request.urlopen("http://127.0.0.1:9/")
    Traceback (most recent call last):
    ...
    PermissionError: urllib.Request refused: no network access while handling a request's data
    """
    harden()
    token = _BLOCKED.set(True)
    try:
        yield
    finally:
        _BLOCKED.reset(token)
