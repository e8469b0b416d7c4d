"""The SPARQL 1.1 Protocol endpoint. It takes the app's store and knows nothing of the article.

- Queries: ``GET /sparql?query=``, ``POST`` form (``application/x-www-form-urlencoded``) or
  ``POST application/sparql-query``; ``default-graph-uri`` / ``named-graph-uri`` set the dataset.
- Results by ``Accept`` (q-values, werkzeug's parser) or ``format=`` (``output=``, ``results=``); 406 when
  nothing fits. A graph named ``xml`` is RDF/XML, ``n3`` is answered in Turtle.
- No query: a service description (Turtle) for RDF clients, the query page for browsers.
- ``POST /sparql/update``: SPARQL Update with ``Authorization: Bearer $CONFLICTKG_UPDATE_TOKEN``.
- It serves the app's :class:`~conflictkg.graph.dataset.Dataset`, whose one write path checks an
  update before it is committed; ``app.extensions["conflictkg.store_as_of"]``, if the app installs
  it, resolves ``snapshot=``.
- Limits from the app's config (:mod:`.limits`): queries run in killable processes
  (:mod:`conflictkg.graph.store.executor`) within ``QUERY_TIMEOUT``, answers hold at most ``MAX_ROWS``;
  nesting deeper than ``MAX_DEPTH`` and anything that would fetch (:mod:`conflictkg.graph.safety.sandbox`)
  are refused before an engine sees the text.
"""

from __future__ import annotations

from collections import OrderedDict
from threading import Lock

import pyoxigraph as ox
from flask import Blueprint, Response, current_app, request
from flask_cors import CORS

from conflictkg.graph.dataset import Dataset, entailment_of
from conflictkg.graph.formats import (BOOLEAN_TYPES, GRAPH_TYPES, RESULT_TYPES, W3C_FORMATS, accepted_types,
                                      format_names, named_format)
from conflictkg.graph.safety.guard import UnsafeInput, check_sparql
from conflictkg.graph.safety.sandbox import RemoteRefused, check_graphs, check_query, check_update
from conflictkg.graph.store import QueryError
from conflictkg.graph.store.executor import Unacceptable
from conflictkg.graph.syntax import explain

from .auth import require_update_token
from .errors import Problem
from .limits import request_body
from .store import get_dataset

bp = Blueprint("sparql", __name__, template_folder="templates")
CORS(bp, methods=["GET", "POST", "OPTIONS"], send_wildcard=True)

QUERY_FORM = "application/x-www-form-urlencoded"


class ResultCache:
    """Serialized answers keyed by the store's generation: a write makes every old entry unreachable."""

    def __init__(self, size: int = 256) -> None:
        self._items: OrderedDict = OrderedDict()
        self._size = size
        self._lock = Lock()

    def get(self, key):
        with self._lock:
            if key in self._items:
                self._items.move_to_end(key)
                return self._items[key]
            return None

    def put(self, key, value) -> None:
        with self._lock:
            self._items[key] = value
            self._items.move_to_end(key)
            while len(self._items) > self._size:
                self._items.popitem(last=False)


def _cache() -> ResultCache:
    return current_app.extensions.setdefault("conflictkg.sparql_cache", ResultCache())


def _utf8_body() -> str:
    charset = (request.mimetype_params.get("charset") or "utf-8").lower()
    if charset not in ("utf-8", "utf8"):
        raise Problem(415, f"the body must be UTF-8, not {charset}", title="Unsupported charset")
    try:
        return request_body().decode("utf-8")
    except UnicodeDecodeError:
        raise Problem(400, "the body is not valid UTF-8", title="Bad encoding") from None


def _one(values: list[str], name: str) -> str | None:
    if len(values) > 1:
        raise Problem(400, f"give the {name} parameter once, not {len(values)} times", title="Repeated parameter")
    return values[0] if values else None


def _read_operation(name: str, direct_type: str) -> str | None:
    """The query (or update) text of the request, per the protocol's three ways of sending it."""
    if request.method in ("GET", "HEAD"):  # Flask answers HEAD by the GET route, and drops the body
        return _one(request.args.getlist(name), name)
    mimetype = request.mimetype
    if mimetype == QUERY_FORM:
        _utf8_body()
        return _one(request.form.getlist(name), name)
    if mimetype == direct_type:
        if name in request.args:
            raise Problem(400, f"{name} given both in the URL and as the body", title="Repeated parameter")
        return _utf8_body()
    shown = mimetype or "none"
    raise Problem(415, f"send the {name} as {QUERY_FORM} or {direct_type}, not {shown}", title="Unsupported media type")


#: The parameters that name a result format: Virtuoso reads ``format``, Joseki ``output``, Rasqal
#: ``results``; SPARQLWrapper sends all three, and repeats one with a media type for some formats.
FORMAT_PARAMS = ("format", "output", "results")


def negotiate(offered: dict[str, object], fallback: str) -> str:
    """The media type to answer in: the one the format parameters name, else the best by ``Accept``.

    Repeated format parameters that name the same format are one request; two that name different
    formats are a 400; one that names nothing on offer is a 406.
    """
    given = [(name, value) for name in FORMAT_PARAMS for value in request.values.getlist(name) if value]
    if given:
        named = {(name, value): named_format(value, offered) for name, value in given}
        chosen = {media for media in named.values() if media is not None}
        if len(chosen) > 1:
            shown = " and ".join(f"{name}={value!r}" for name, value in given)
            raise Problem(400, f"{shown} name different formats; name one", title="Conflicting formats")
        unknown = [f"{name}={value!r}" for (name, value), media in named.items() if media is None]
        if unknown:
            raise Problem(406, f"{', '.join(unknown)} cannot carry this result; use one of "
                               f"{', '.join(format_names(offered))} or a media type ({', '.join(offered)})",
                          title="Not acceptable")
        return chosen.pop()
    if not request.accept_mimetypes:
        return fallback
    accepted = accepted_types(offered)
    best = request.accept_mimetypes.best_match(list(accepted), default=None)
    if best is None:
        raise Problem(406, f"nothing acceptable: this result is offered as {', '.join(offered)}",
                      title="Not acceptable")
    return accepted[best]


def service_description() -> Response:
    endpoint = request.base_url
    sd = "http://www.w3.org/ns/sparql-service-description#"
    node = ox.NamedNode(endpoint)
    triples = [ox.Triple(node, ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type"), ox.NamedNode(sd + "Service")),
               ox.Triple(node, ox.NamedNode(sd + "endpoint"), node),
               ox.Triple(node, ox.NamedNode(sd + "supportedLanguage"), ox.NamedNode(sd + "SPARQL11Query")),
               ox.Triple(node, ox.NamedNode(sd + "supportedLanguage"), ox.NamedNode(sd + "SPARQL11Update")),
               ox.Triple(node, ox.NamedNode(sd + "feature"), ox.NamedNode(sd + "UnionDefaultGraph"))]
    for name in W3C_FORMATS.values():
        triples.append(ox.Triple(node, ox.NamedNode(sd + "resultFormat"), ox.NamedNode(f"http://www.w3.org/ns/formats/{name}")))
    media = negotiate(GRAPH_TYPES, "text/turtle")
    return Response(ox.serialize(triples, format=GRAPH_TYPES[media], prefixes={"sd": sd}), mimetype=media)


def _dataset() -> dict:
    kwargs = {}
    defaults, named = request.args.getlist("default-graph-uri"), request.args.getlist("named-graph-uri")
    if request.mimetype == QUERY_FORM:
        defaults += request.form.getlist("default-graph-uri")
        named += request.form.getlist("named-graph-uri")
    try:
        if defaults:
            kwargs["default_graph"] = [str(ox.NamedNode(g).value) for g in defaults]
        if named:
            kwargs["named_graphs"] = [str(ox.NamedNode(g).value) for g in named]
    except ValueError as exc:
        raise Problem(400, f"a graph URI is not an IRI: {exc}", title="Bad parameter") from None
    return kwargs


def _graph_exists(store: Dataset):
    def exists(iri: str) -> bool:
        try:
            return store.ask(f"ASK {{ GRAPH {ox.NamedNode(iri)} {{ ?s ?p ?o }} }}")
        except (ValueError, QueryError):
            return False
    return exists


def _screen(text: str, store: Dataset | None, *, update: bool) -> None:
    """Refuse, before any engine parses it, an operation nested too deep or that would fetch."""
    try:
        check_sparql(text, max_depth=current_app.config["MAX_DEPTH"])
        screen = check_update if update else check_query
        screen(text, base_iri=request.base_url, graph_exists=_graph_exists(store) if store is not None else None)
    except UnsafeInput as exc:
        raise Problem(400, str(exc), title="Too deeply nested") from exc
    except RemoteRefused as exc:
        raise Problem(400, str(exc), title="Remote access refused") from exc


#: The media types on offer and the fallback, per kind of answer.
_OFFERS = {"solutions": (RESULT_TYPES, "application/sparql-results+json"),
           "boolean": (BOOLEAN_TYPES, "application/sparql-results+json"),
           "graph": (GRAPH_TYPES, "text/turtle")}


def _formats() -> dict:
    """For each kind of answer, the negotiated (media type, format's own media type), or None for a 406."""
    chosen = {}
    for kind, (offered, fallback) in _OFFERS.items():
        try:
            media = negotiate(offered, fallback)
            chosen[kind] = (media, offered[media].media_type)
        except Problem:
            chosen[kind] = None
    return chosen


def _answer(data: Dataset, text: str, dataset: dict, entailment: str, formats: dict):
    config = current_app.config
    try:
        return data.execute(text, formats=formats, timeout=config["QUERY_TIMEOUT"], max_rows=config["MAX_ROWS"],
                          entailment=entailment, dataset=dataset, base_iri=request.base_url)
    except QueryError as exc:
        hint = " (an update? send it to POST /sparql/update)" if _looks_like_update(text) else ""
        found = explain(text, str(exc))
        where = {"line": found.line, "column": found.column} if found.line else {}
        raise Problem(400, f"{found.message}{hint}", title="Bad SPARQL query", extra=where) from exc
    except Unacceptable as exc:
        offered, fallback = _OFFERS[exc.kind]
        negotiate(offered, fallback)  # raises the 406 that says what is on offer
        raise


def _respond(body: bytes, media: str, truncated: bool) -> Response:
    response = Response(body, mimetype=media)
    if truncated:
        # Virtuoso's header: the answer holds the first MAX_ROWS solutions, not all of them
        response.headers["X-SPARQL-MaxRows"] = str(current_app.config["MAX_ROWS"])
    return response


@bp.route("/sparql", methods=["GET", "POST"])
@bp.route("/sparql/", methods=["GET", "POST"])
def query() -> Response:
    if "update" in request.args or (request.mimetype == QUERY_FORM and "update" in request.form):
        raise Problem(400, "updates go to POST /sparql/update", title="Update sent as a query")
    text = _read_operation("query", "application/sparql-query")
    if text is None:
        if request.method in ("GET", "HEAD") and request.accept_mimetypes.best_match(["text/html", *GRAPH_TYPES]) == "text/html":
            from .ui import query_page

            return Response(query_page(), mimetype="text/html")
        return service_description()
    for name in ("entailment", "snapshot"):
        _one(request.values.getlist(name), name)
    ref = request.values.get("snapshot")
    data = get_dataset()
    if ref:  # "as of" a snapshot: the app resolves the id; this endpoint only needs a store
        data = data.as_of(current_app.extensions["conflictkg.store_as_of"](ref))
    try:
        entailment = entailment_of(data, request.values.get("entailment"))
    except ValueError as exc:
        raise Problem(400, str(exc), title="Bad parameter") from exc
    _screen(text, data, update=False)
    dataset = _dataset()
    try:
        check_graphs([*dataset.get("default_graph", []), *dataset.get("named_graphs", [])], _graph_exists(data))
    except RemoteRefused as exc:
        raise Problem(400, str(exc), title="Remote access refused") from exc
    formats = _formats()
    key = (data.version, text, repr(sorted(dataset.items())), entailment, repr(sorted(formats.items())))
    cached = _cache().get(key)
    if cached is not None:
        return _respond(*cached)
    answer = _answer(data, text, dataset, entailment, formats)
    _cache().put(key, (answer.body, answer.media, answer.truncated))
    return _respond(answer.body, answer.media, answer.truncated)


def _looks_like_update(text: str) -> bool:
    words = {w.upper() for w in text.split()}
    return bool(words & {"INSERT", "DELETE", "LOAD", "CLEAR", "DROP", "CREATE"})


@bp.post("/sparql/update")
def update() -> Response:
    require_update_token()
    text = _read_operation("update", "application/sparql-update")
    if not text:
        raise Problem(400, "no update given", title="Missing update")
    if request.args.getlist("using-graph-uri") or request.args.getlist("using-named-graph-uri"):
        raise Problem(400, "using-graph-uri is not supported: name graphs in the update itself", title="Bad parameter")
    data = get_dataset()
    _screen(text, data, update=True)
    try:
        data.update(text)  # a refusal is a 422 with the report (see errors.py)
    except QueryError as exc:
        raise Problem(400, str(exc), title="Bad SPARQL update") from exc
    return Response(status=204)
