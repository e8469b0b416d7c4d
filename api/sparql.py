"""The SPARQL endpoint blueprint. It takes the app's store and knows nothing of the article."""

from __future__ import annotations

import pyoxigraph as ox
from flask import Blueprint, Response, current_app, request

from conflictkg.graph.reasoning import with_entailment
from conflictkg.graph.store import QueryError

from .errors import Problem
from .store import get_store

bp = Blueprint("sparql", __name__)


@bp.get("/sparql")
def query() -> Response:
    text = request.args.get("query")
    if not text:
        raise Problem(400, "missing the query parameter")
    ref = request.args.get("snapshot")
    # "as of" a snapshot: the snapshots blueprint resolves the id; this endpoint only needs a store
    store = current_app.extensions["conflictkg.store_as_of"](ref) if ref else get_store()
    try:
        store = with_entailment(store, request.args.get("entailment", "rdfs"))
    except ValueError as exc:
        raise Problem(400, str(exc), title="Bad parameter") from exc
    try:
        result = store.query(text)
    except QueryError as exc:
        raise Problem(400, str(exc), title="Bad SPARQL query") from exc
    if isinstance(result, ox.QueryTriples):
        return Response(result.serialize(format=ox.RdfFormat.N_TRIPLES), mimetype="application/n-triples")
    return Response(result.serialize(format=ox.QueryResultsFormat.JSON), mimetype="application/sparql-results+json")
