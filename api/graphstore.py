"""``/store``: the SPARQL 1.1 Graph Store HTTP Protocol, as Oxigraph server names it.

- ``GET /store?default`` — the default graph (Turtle, N-Triples, JSON-LD or RDF/XML by
  ``Accept``); ``GET /store?graph=IRI`` — a named graph (404 if the store has none of that name);
  ``GET /store`` — the whole dataset (N-Quads or TriG).
- ``POST /store`` or ``POST /store?default`` — add the body (any format of :mod:`.rdfbody`) to the
  default graph, with ``Authorization: Bearer $CONFLICTKG_UPDATE_TOKEN``: validated against the
  shapes with the rest of the graph first (422 with the report if it would not conform), then
  added in one transaction, flushed to disk before the 204 on an on-disk store. The body may be
  up to ``CONFLICTKG_MAX_UPLOAD`` bytes. Quads of named graphs land in the default graph too:
  it is the graph the shapes guard. ``PUT`` and ``DELETE`` are not offered (405).
"""

from __future__ import annotations

import pyoxigraph as ox
from flask import Blueprint, Response, current_app, request

from conflictkg.graph.formats import DATASET_TYPES, GRAPH_TYPES
from conflictkg.graph.safety.guard import TooDeep, UnsafeInput
from conflictkg.graph.write.gate import ReadOnly, Refused
from conflictkg.graph.store import StoreError

from .auth import require_update_token
from .errors import Problem
from .rdfbody import UPLOAD_BASE, rdf_body
from .sparql import negotiate
from .store import get_dataset

bp = Blueprint("graphstore", __name__)


def _target() -> tuple[bool, str | None]:
    """(whole dataset?, named graph IRI or None for the default graph) from ``?default`` / ``?graph=``."""
    unknown = sorted(set(request.args) - {"default", "graph"})
    if unknown:
        raise Problem(400, f"unknown parameter(s): {', '.join(unknown)}; /store takes default or graph=IRI",
                      title="Unknown parameter")
    graphs = request.args.getlist("graph")
    if len(graphs) > 1 or (graphs and "default" in request.args):
        raise Problem(400, "name one graph: ?default or ?graph=IRI, once", title="Repeated parameter")
    if graphs:
        try:
            return False, ox.NamedNode(graphs[0]).value
        except ValueError as exc:
            raise Problem(400, f"graph= is not an IRI: {exc}", title="Bad parameter") from None
    return "default" not in request.args, None


@bp.get("/store")
def read() -> Response:
    whole, graph = _target()
    store = get_dataset()
    if whole:
        media = negotiate(DATASET_TYPES, "application/n-quads")
        return Response(store.dump(fmt=DATASET_TYPES[media]), mimetype=media)
    if graph is not None and not store.ask(f"ASK {{ GRAPH {ox.NamedNode(graph)} {{ ?s ?p ?o }} }}"):
        raise Problem(404, f"the store has no graph <{graph}>", title="No such graph")
    media = negotiate(GRAPH_TYPES, "text/turtle")
    return Response(store.dump(fmt=GRAPH_TYPES[media], from_graph=graph), mimetype=media)


@bp.post("/store")
def add() -> Response:
    require_update_token()
    whole, graph = _target()
    if graph is not None:
        raise Problem(400, "data is added to the default graph (the one the shapes guard): use POST /store?default",
                      title="Named graphs are read-only")
    request.max_content_length = current_app.config["MAX_UPLOAD"]
    body, fmt = rdf_body()
    try:
        get_dataset().load([(body, fmt, UPLOAD_BASE)])
    except TooDeep as exc:
        raise Problem(400, str(exc), title="Too deeply nested") from exc
    except UnsafeInput as exc:
        raise Problem(400, str(exc), title="Unsafe XML") from exc
    except (Refused, ReadOnly):
        raise  # the write path's refusals: errors.py answers them
    except StoreError as exc:
        raise Problem(400, str(exc), title="Unreadable data") from exc
    return Response(status=204)
