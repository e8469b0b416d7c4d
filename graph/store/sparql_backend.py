"""The ``sparql:`` store: a remote SPARQL 1.1 engine (Oxigraph server, Apache Jena Fuseki, Virtuoso).

``sparql:QUERY_URL[;update=UPDATE_URL][;graph=IRI][;store=GSP_URL]``. Every query is sent to the engine over the SPARQL 1.1
Protocol and its answer read back into pyoxigraph result objects, so the REST API, exports and the
validator work as on the embedded store while the engine does the work: nothing pulls the graph
except a dump (``export``) or a check of the whole graph that a write needs.

Without ``update=``, the update URL is the query URL with a final ``/query`` replaced by
``/update`` (Oxigraph server's and Fuseki's layout), or the query URL itself.

``graph=IRI`` names the engine's graph that holds the data: it is read as the default graph (the
protocol's ``default-graph-uri``) and written as one (every triple of the default graph goes into
``GRAPH <IRI>``), and seeded when empty, whatever the engine's own default graph holds. Virtuoso's
default graph is the union of all its graphs, its system graphs too: there the data needs a graph.
The same spec works on every engine (Oxigraph server, Fuseki, Virtuoso).

A bulk load (a write checked whole, or past :data:`BATCH` triples), once checked, goes to the
engine's Graph Store Protocol endpoint (``store=``; by default, after a final ``/query``,
``/store``: Oxigraph server's, whose bulk loader it asks for) in batches of :data:`BATCH`
triples, with a progress bar on a terminal, straight into the data; with no such endpoint, as
``INSERT DATA`` requests. If a batch fails, those already sent are taken back.

Writes (``INSERT DATA`` for small writes) carry ``Authorization: Bearer $CONFLICTKG_UPDATE_TOKEN`` when
that is set, so a remote conflictkg server accepts them too.

>>> SparqlStore.from_spec("sparql:http://127.0.0.1:7878/query").update_url
'http://127.0.0.1:7878/update'
>>> SparqlStore.from_spec("sparql:http://h/ds/sparql;update=http://h/ds/update").update_url
'http://h/ds/update'
>>> SparqlStore.from_spec("sparql:http://h/sparql;graph=https://example.org/kg").graph
'https://example.org/kg'
"""

from __future__ import annotations

import json
import re
import sys
import threading
from typing import Iterable, Iterator

import pyoxigraph as ox
import requests

from ..auth import bearer_headers
from .entailment import choose
from . import virtuoso
from . import (ForeignStore, QueryError, QueryResult, QueryTimeout, StoreError, _data_update, _has_blank,
                    triples_result)

_ACCEPT = ("application/sparql-results+json, application/n-triples;q=0.9, text/turtle;q=0.8, "
           "application/sparql-results+xml;q=0.7")
# A graph's formats first for CONSTRUCT and DESCRIBE: Virtuoso answers one in the first format asked
# for, and fails when that is a results format.
_ACCEPT_GRAPH = "application/n-triples, text/turtle;q=0.9, application/sparql-results+json;q=0.5"
_FORM = re.compile(r"\b(SELECT|ASK|CONSTRUCT|DESCRIBE)\b", re.IGNORECASE)
_NOISE = re.compile(r"<[^>]*>|#[^\n]*|\"(?:[^\"\\\n]|\\.)*\"|'(?:[^'\\\n]|\\.)*'")
# Virtuoso names its blank nodes nodeID://b123, which is no blank node label; any other character
# that a label may not hold is replaced the same way, so one node keeps one name within an answer.
_BAD_LABEL = re.compile(r"[^A-Za-z0-9_\-]")


def _query_form(sparql: str) -> str:
    """SELECT, ASK, CONSTRUCT or DESCRIBE: the first such word outside IRIs, strings and comments.

    >>> _query_form("PREFIX s: <http://x/select#> # ASK\\nCONSTRUCT WHERE { ?s ?p 'select' }")
    'CONSTRUCT'
    """
    found = _FORM.search(_NOISE.sub(" ", sparql))
    return found.group(1).upper() if found else "SELECT"


def _fix_blank_labels(content: bytes) -> bytes:
    """JSON results whose blank node values are made valid labels."""
    body = json.loads(content)
    for row in body.get("results", {}).get("bindings", []):
        for term in row.values():
            if term.get("type") == "bnode":
                term["value"] = _BAD_LABEL.sub("_", term["value"])
    return json.dumps(body).encode()


#: A graph never written, named as the one named graph of a query with ``graph=``: the engine's other
#: graphs are not conflictkg's named graphs.
_NO_NAMED_GRAPHS = "urn:conflictkg:no-named-graphs"
#: Triples per request of a bulk load.
BATCH = 100_000
#: Triples per DELETE DATA request when a bulk load cut short is taken back.
_TAKE_BACK = 10_000
#: How long a request from the library (not a user's query) may take before it is an error.
DEFAULT_TIMEOUT = 600.0
_CONNECT_TIMEOUT = 10.0


class SparqlStore(ForeignStore):
    """A :class:`~.store.Store` whose data lives in a SPARQL 1.1 engine elsewhere."""

    remote = True
    #: the engine elsewhere may be written by others: what RDFS entails is left to it
    entails = False

    def __init__(self, query_url: str, update_url: str | None = None, *, graph: str | None = None,
                 store_url: str | None = None, spec: str | None = None) -> None:
        super().__init__(None, spec or f"sparql:{query_url}")
        self.query_url = query_url
        self.update_url = update_url or _update_url(query_url)
        self.graph = graph
        self.store_url = store_url or _store_url(query_url)
        self._local = threading.local()  # a requests.Session per thread: sessions are not thread-safe
        self._wkt: virtuoso.WktCodec | bool | None = None  # asked of the engine on first need
        self._wkt_lock = threading.Lock()
        self._oxigraph: bool | None = None  # whether the engine is Oxigraph server: asked on the first bulk load

    @classmethod
    def from_spec(cls, spec: str) -> "SparqlStore":
        body = spec.split(":", 1)[1]
        url, *options = body.split(";")
        settings = {}
        for option in options:
            key, sep, value = option.partition("=")
            if not sep or key.strip() not in ("update", "graph", "store") or not value.strip():
                raise StoreError(f"unknown option {option!r} in {spec!r}: "
                                 "use sparql:URL[;update=URL][;graph=IRI][;store=URL]")
            settings[key.strip()] = value.strip()
        if not url.startswith(("http://", "https://")):
            raise StoreError(f"sparql: needs an http(s) URL, e.g. sparql:http://127.0.0.1:7878/query (got {url!r})")
        if "graph" in settings:
            try:
                ox.NamedNode(settings["graph"])
            except ValueError:
                raise StoreError(f"graph= needs an absolute IRI (got {settings['graph']!r})") from None
            if ":" not in settings["graph"]:
                raise StoreError(f"graph= needs an absolute IRI (got {settings['graph']!r})")
        return cls(url, settings.get("update"), graph=settings.get("graph"), store_url=settings.get("store"), spec=spec)

    # -- HTTP ----------------------------------------------------------------------------

    @property
    def _session(self) -> requests.Session:
        session = getattr(self._local, "session", None)
        if session is None:
            session = self._local.session = requests.Session()
        return session

    def _post(self, url: str, data: dict, headers: dict, timeout: float | None) -> requests.Response:
        read = timeout if timeout is not None else DEFAULT_TIMEOUT
        try:
            response = self._session.post(url, data=data, headers=headers, timeout=(_CONNECT_TIMEOUT, read))
        except requests.Timeout:
            if timeout is not None:
                raise QueryTimeout(timeout) from None
            raise StoreError(f"{url} did not answer within {read:g} s") from None
        except requests.RequestException as exc:
            raise StoreError(f"cannot reach the SPARQL engine at {url}: {exc}") from exc
        if response.status_code in (400, 422):
            raise QueryError(f"the engine refused it: {response.text.strip()[:1000]}")
        if response.status_code >= 300:
            raise StoreError(f"{url} answered {response.status_code}: {response.text.strip()[:300]}")
        return response

    # -- reading -------------------------------------------------------------------------

    def query(self, sparql: str, *, default_graph=None, named_graphs=None, union_default_graph=False,
              base_iri=None, timeout=None, entailment=None) -> QueryResult:
        choose(entailment or "none", entails=False)  # a remote engine is read as it is
        data: dict = {"query": self._to_engine(sparql)}
        if default_graph is None and self.graph is not None:
            default_graph = [self.graph]
        if default_graph is not None:
            if any(isinstance(g, ox.DefaultGraph) for g in default_graph):
                raise QueryError("a remote engine cannot be asked for its default graph by name")
            data["default-graph-uri"] = [_iri(g) for g in default_graph]
        if named_graphs is not None:
            data["named-graph-uri"] = [_iri(g) for g in named_graphs]
        elif self.graph is not None:  # none: Virtuoso reads all its graphs as named ones when none is named
            data["named-graph-uri"] = [_NO_NAMED_GRAPHS]
        if union_default_graph:
            data["union-default-graph"] = ""  # Oxigraph server's; other engines ignore it
        accept = _ACCEPT_GRAPH if _query_form(sparql) in ("CONSTRUCT", "DESCRIBE") else _ACCEPT
        response = self._post(self.query_url, data, {"Accept": accept}, timeout)
        media = response.headers.get("Content-Type", "").split(";")[0].strip().lower()
        results_format = ox.QueryResultsFormat.from_media_type(media) if media else None
        try:
            if results_format is not None:
                content = response.content
                if results_format == ox.QueryResultsFormat.JSON and b'"nodeID://' in content:
                    content = _fix_blank_labels(content)
                if virtuoso.needs_reading(content):
                    content = virtuoso.results_read(content, results_format == ox.QueryResultsFormat.JSON)
                return ox.parse_query_results(content, format=results_format)
            rdf_format = ox.RdfFormat.from_media_type(media) if media else None
            if rdf_format is None:
                raise StoreError(f"the engine answered in {media or 'an unnamed format'}, which is not SPARQL results")
            triples = ox.parse(response.content, format=rdf_format)
            if virtuoso.needs_reading(response.content):
                triples = virtuoso.triples_read(triples)
            return triples_result(triples)
        except SyntaxError as exc:
            raise StoreError(f"the engine's answer cannot be read: {exc}") from exc

    def quads_for_pattern(self, subject=None, predicate=None, object=None, graph=None) -> Iterator[ox.Quad]:
        if self.graph is not None:  # the data graph is the whole dataset: no named graphs beside it
            if graph is not None and not isinstance(graph, ox.DefaultGraph):
                return
            graph = ox.DefaultGraph()
        terms = [subject, predicate, object]
        pattern = " ".join(str(t) if t is not None else f"?{v}" for t, v in zip(terms, "spo"))
        if isinstance(graph, ox.DefaultGraph):
            where = f"{{ {pattern} }}"
        elif graph is not None:
            where = f"{{ GRAPH {graph} {{ {pattern} }} }}"
        else:
            where = f"{{ {{ {pattern} }} UNION {{ GRAPH ?g {{ {pattern} }} }} }}"
        for row in self.query(f"SELECT * WHERE {where}"):
            s, p, o = (t if t is not None else row[v] for t, v in zip(terms, "spo"))
            g = graph if graph is not None else row["g"]
            yield ox.Quad(s, p, o, g if g is not None else ox.DefaultGraph())

    def named_graphs(self) -> list[ox.NamedNode | ox.BlankNode]:
        if self.graph is not None:
            return []
        return [row[0] for row in self.query("SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }")]

    def contains_named_graph(self, graph: str) -> bool:
        if self.graph is not None:
            return False
        return bool(self.query(f"ASK {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}"))

    def __len__(self) -> int:
        everything = "{ ?s ?p ?o }" if self.graph is not None else "{ ?s ?p ?o } UNION { GRAPH ?g { ?s ?p ?o } }"
        rows = self.query(f"SELECT (COUNT(*) AS ?n) WHERE {{ {everything} }}")
        return int(next(iter(rows))[0].value)

    def is_empty(self) -> bool:
        if self.graph is not None:
            return not self.query("ASK { ?s ?p ?o }")
        return not self.query("ASK { { ?s ?p ?o } UNION { GRAPH ?g { ?s ?p ?o } } }")

    def _placed(self, quads: Iterable[ox.Quad]) -> Iterable[ox.Quad]:
        """The quads as the engine stores them: the default graph's in the data graph, with ``graph=``;
        WKT literals as the engine keeps them written (:mod:`.virtuoso`)."""
        quads = self._wkt_kept(quads)
        if self.graph is None:
            return quads
        target = ox.NamedNode(self.graph)
        return (ox.Quad(q.subject, q.predicate, q.object, target) if isinstance(q.graph_name, ox.DefaultGraph)
                else q for q in quads)

    def update(self, sparql: str) -> None:
        if self.graph is not None:
            raise StoreError(f"{self.spec} keeps its data in a graph: a free-form update cannot be sent to it as it "
                             "stands (an update that writes blank nodes is one); write named nodes instead")
        self._send(sparql)

    def _send(self, sparql: str) -> None:
        with self._write_lock, self._changing:
            headers = {"Content-Type": "application/x-www-form-urlencoded", **bearer_headers()}
            self._post(self.update_url, {"update": self._to_engine(sparql)}, headers, None)
            self.generation += 1

    def add_quads(self, quads: Iterable[ox.Quad], *, bulk: bool = False) -> None:
        """One ``INSERT DATA`` request (the engine applies it in one transaction), or for a bulk load
        batches straight into the data (:meth:`_load_in_batches`).

        A bulk load cut short takes back every triple it sent: give it only triples the engine does
        not hold yet, as the write path does (it sends a write's new triples only).
        """
        if isinstance(quads, ox.Store):
            scratch = quads
        else:
            scratch = ox.Store()
            scratch.bulk_extend(quads)
        if bulk or len(scratch) > BATCH:
            return self._load_in_batches(scratch)
        placed = ox.Store()
        placed.bulk_extend(self._placed(scratch))
        blocks = [placed.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=ox.DefaultGraph()).decode("utf-8")]
        for graph in placed.named_graphs():
            triples = placed.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=graph).decode("utf-8")
            blocks.append(f"GRAPH {graph} {{\n{triples}}}\n")
        # N-Triples lines are SPARQL triples as they stand: terms, escapes and all. A template with
        # blank nodes inserts the same as INSERT DATA, and Virtuoso takes blank nodes only there.
        body = "{\n" + "".join(blocks) + "}"
        blank = any(_has_blank(q) for q in placed)
        self._send(f"INSERT {body} WHERE {{}}" if blank else f"INSERT DATA {body}")

    def _load_in_batches(self, scratch: ox.Store) -> None:
        """Each graph's triples straight into their graph, :data:`BATCH` at a time, as the engine's
        own loader would write them (Oxigraph server's is asked for its bulk loader); the triples
        with blank nodes last, in one request of their own, so that a node keeps one identity.

        Readers may see the batches arrive. If any request fails, every batch already sent is taken
        back, so the data ends as it was; scratch graphs and a final ``ADD`` would hide the batches
        until the end, but an engine copies a graph in one transaction, many times slower than it
        loads (docs/performance.md).
        """
        from tqdm import tqdm

        if self._wkt_codec() is not None:  # WKT literals travel as the engine keeps them written
            kept = ox.Store()
            kept.bulk_extend(self._wkt_kept(scratch))
            scratch = kept
        graphs = [g for g in (ox.DefaultGraph(), *scratch.named_graphs())
                  if next(iter(scratch.quads_for_pattern(None, None, None, g)), None) is not None]
        bar = tqdm(total=len(scratch), unit=" triples", unit_scale=True, desc="to the engine", disable=None,
                   file=sys.stderr)
        sent: list[tuple[str | None, bytes]] = []
        try:
            with self._write_lock, self._changing:
                blank_blocks = []
                for graph in graphs:
                    target = self._target(graph)
                    plain, blank = _split_blank(scratch, graph)
                    for batch in _batches(plain, BATCH):
                        sent.append((target, batch))
                        self._send_batch(target, batch)
                        bar.update(batch.count(b"\n"))
                    if blank:
                        blank_blocks.append(_block(target, blank.decode("utf-8")))
                if blank_blocks:  # one transaction, the last request: nothing after it can fail
                    self._send("INSERT { " + " ".join(blank_blocks) + " } WHERE {}")
                    bar.update(sum(block.count("\n") for block in blank_blocks))
                self.generation += 1
        except BaseException as exc:
            self._take_back(sent, exc)
            raise
        finally:
            bar.close()

    def _target(self, graph) -> str | None:
        """The IRI of the engine's graph that ``graph`` of a write goes to (None: its default graph)."""
        if isinstance(graph, ox.DefaultGraph):
            return self.graph
        return graph.value

    def _send_batch(self, graph: str | None, body: bytes) -> None:
        """N-Triples into ``graph`` (None: the default graph): a Graph Store Protocol POST, or else an
        INSERT DATA."""
        if self.store_url is None:
            self._send(f"INSERT DATA {{ {_block(graph, body.decode('utf-8'))} }}")
            return
        params = {"graph": graph} if graph is not None else {"default": ""}
        if self._bulk_loader():
            params["no_transaction"] = ""  # Oxigraph server's bulk loader: every batch is taken back on failure
        headers = {"Content-Type": "application/n-triples", **bearer_headers()}
        try:
            response = self._session.post(self.store_url, params=params, data=body,
                                          headers=headers, timeout=(_CONNECT_TIMEOUT, DEFAULT_TIMEOUT))
        except requests.RequestException as exc:
            raise StoreError(f"cannot reach the Graph Store endpoint at {self.store_url}: {exc}") from exc
        if response.status_code >= 300:
            raise StoreError(f"{self.store_url} answered {response.status_code}: {response.text.strip()[:300]}")

    def _bulk_loader(self) -> bool:
        """Whether the engine is Oxigraph server, whose Graph Store endpoint takes ``no_transaction``
        (its bulk loader); asked once, from the ``Server`` header of its answer to a bare request."""
        if self._oxigraph is None:
            try:
                server = self._session.head(self.store_url, timeout=(_CONNECT_TIMEOUT, 30)).headers.get("Server", "")
            except requests.RequestException:
                server = ""
            self._oxigraph = server.startswith("Oxigraph/")
        return self._oxigraph

    def _take_back(self, sent: list[tuple[str | None, bytes]], cause: BaseException) -> None:
        """Remove the triples of the batches ``sent`` (new to the engine, so none was there before)."""
        try:
            for graph, body in sent:
                lines = body.decode("utf-8").splitlines(keepends=True)
                for n in range(0, len(lines), _TAKE_BACK):
                    self._send(f"DELETE DATA {{ {_block(graph, ''.join(lines[n:n + _TAKE_BACK]))} }}")
        except StoreError as exc:
            raise StoreError(f"{cause}; taking back the {len(sent)} batch(es) already sent failed too, so the "
                             f"engine may hold part of the load: {exc}") from cause

    def commit(self, removed: list[ox.Quad], added: list[ox.Quad]) -> None:
        """One ``DELETE DATA``/``INSERT DATA`` request: the engine applies it in one transaction."""
        if not removed:
            return self.add_quads(added)
        if any(_has_blank(q) for q in (*removed, *added)):
            raise StoreError("a remote engine cannot be told which blank nodes to remove")
        self._send(_data_update(list(self._placed(removed)), list(self._placed(added))))

    # -- WKT literals on an engine that rewrites them (Virtuoso) ---------------------------------

    def _wkt_codec(self) -> virtuoso.WktCodec | None:
        """The codec when the engine does not keep a ``geo:wktLiteral`` as written; asked once."""
        if self._wkt is None:
            with self._wkt_lock:
                if self._wkt is None:
                    try:
                        response = self._post(self.query_url, {"query": virtuoso.PROBE},
                                              {"Accept": _ACCEPT}, None)
                        media = response.headers.get("Content-Type", "").split(";")[0].strip().lower()
                        keeps = virtuoso.keeps_wkt(response.content, media)
                    except QueryError:
                        keeps = True
                    self._wkt = True if keeps else virtuoso.WktCodec()
        return None if self._wkt is True else self._wkt

    def _to_engine(self, sparql: str) -> str:
        """A query or an update as the engine is sent it: WKT literals named as it keeps them."""
        if "wktLiteral" not in sparql:
            return sparql
        codec = self._wkt_codec()
        return codec.sparql(sparql) if codec is not None else sparql

    def _wkt_kept(self, quads: Iterable[ox.Quad]) -> Iterator[ox.Quad]:
        codec = None
        for quad in quads:
            if isinstance(quad.object, ox.Literal) and quad.object.datatype.value == virtuoso.GEO_WKT:
                codec = codec or self._wkt_codec() or False
                if codec:
                    quad = next(codec.quads([quad]))
            yield quad

    def remove_graph(self, graph: str) -> None:
        self._send(f"DROP SILENT GRAPH <{graph}>")

    def flush(self) -> None:
        """Nothing to do: the engine made each request durable (or not) before it answered."""

    @property
    def inner(self):
        raise StoreError(f"{self.spec} is a remote engine: there is no local pyoxigraph store")


def _split_blank(scratch: ox.Store, graph) -> tuple[bytes, bytes]:
    """The N-Triples of ``graph``'s triples without blank nodes, and of those with (written by the engine)."""
    if not scratch.query("ASK { GRAPH ?g { ?s ?p ?o FILTER (isBlank(?s) || isBlank(?o)) } }"
                         if not isinstance(graph, ox.DefaultGraph) else
                         "ASK { ?s ?p ?o FILTER (isBlank(?s) || isBlank(?o)) }"):
        return scratch.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=graph), b""
    plain, blank = ox.Store(), ox.Store()
    for quad in scratch.quads_for_pattern(None, None, None, graph):
        (blank if _has_blank(quad) else plain).add(ox.Quad(quad.subject, quad.predicate, quad.object))
    return (plain.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=ox.DefaultGraph()),
            blank.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=ox.DefaultGraph()))


def _batches(data: bytes, size: int) -> Iterator[bytes]:
    """``data`` (N-Triples) cut into pieces of ``size`` lines."""
    start = 0
    while start < len(data):
        end = start
        for _ in range(size):
            end = data.find(b"\n", end) + 1
            if end == 0:
                end = len(data)
                break
        yield data[start:end]
        start = end


def _block(graph: str | None, triples: str) -> str:
    """Triples as a SPARQL data block: in ``GRAPH <graph>``, or as they stand for the default graph."""
    return f"GRAPH <{graph}> {{\n{triples}}}" if graph is not None else triples


def _store_url(query_url: str) -> str | None:
    """Oxigraph server's Graph Store endpoint beside its ``/query``; no guess for other layouts."""
    base = query_url.rstrip("/")
    return base[: -len("/query")] + "/store" if base.endswith("/query") else None


def _update_url(query_url: str) -> str:
    base = query_url.rstrip("/")
    return base[: -len("/query")] + "/update" if base.endswith("/query") else query_url


def _iri(graph) -> str:
    return graph if isinstance(graph, str) else graph.value

