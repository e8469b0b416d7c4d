"""``POST /api/validate``: the SHACL report of a body of RDF, as the store would be with it added.

Nothing is stored. Turtle, N-Triples and JSON-LD bodies are read by the store's own parsers;
a JSON-LD ``@context`` is never fetched from the network (pyoxigraph resolves no remote
context), so a body cannot make the server reach out. Also the update gate of ``/sparql/update``:
an update is applied only if the result conforms.
"""

from __future__ import annotations

import pyoxigraph as ox
from flask import Blueprint, jsonify, request

from conflictkg.graph.gate import Refused, check, update_checked
from conflictkg.graph.store import StoreError
from conflictkg.graph.validation import ValidationError

from .errors import Problem
from .store import get_store

bp = Blueprint("validate", __name__)

BODY_TYPES = {
    "text/turtle": ox.RdfFormat.TURTLE,
    "application/n-triples": ox.RdfFormat.N_TRIPLES,
    "application/ld+json": ox.RdfFormat.JSON_LD,
}
ENGINES = ("fast", "pyshacl")


def _engine() -> str:
    unknown = sorted(set(request.args) - {"engine"})
    if unknown:
        raise Problem(400, f"unknown parameter(s): {', '.join(unknown)}; this route takes: engine", title="Unknown parameter")
    engine = request.args.get("engine", "fast")
    if engine not in ENGINES:
        raise Problem(400, f"engine: {engine!r} is not one of {', '.join(ENGINES)}", title="Unknown engine")
    return engine


@bp.post("/api/validate")
def validate_body():
    engine = _engine()
    media = request.mimetype
    if media not in BODY_TYPES:
        raise Problem(415, f"send the data as one of {', '.join(BODY_TYPES)} (got {media or 'no content type'})",
                      title="Unsupported content type")
    body = request.get_data(cache=False)
    try:
        body.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise Problem(400, f"the body is not UTF-8: {exc}", title="Bad encoding") from exc
    try:
        report = check(get_store(), [(body, BODY_TYPES[media], "https://w3id.org/conflictkg/id/upload/")], engine=engine)
    except (StoreError, ValidationError) as exc:
        raise Problem(400, str(exc), title="Unreadable data") from exc
    return jsonify(report.as_json())


def update_gate(store, sparql: str) -> None:
    """Apply ``sparql`` only if the graph still conforms; a refusal is a 422 with the report."""
    try:
        update_checked(store, sparql)
    except Refused as exc:
        raise Problem(422, str(exc), title="The update violates the shapes", extra={"report": exc.report.as_json()}) from exc
