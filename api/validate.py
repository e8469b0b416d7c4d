"""``POST /api/validate``: the SHACL report of a body of RDF, as the store would be with it added.

Nothing is stored. Bodies in any format of :mod:`.rdfbody` are read by the store's own parsers
after the checks of :mod:`conflictkg.graph.guard`; a JSON-LD ``@context`` is never fetched
(pyoxigraph resolves no remote context) and RDF/XML may declare no external entity, so a body
cannot make the server reach out. Ill-typed literals are reported like the shapes' violations.
Also the update gate of ``/sparql/update``: an update is applied only if the result conforms.
"""

from __future__ import annotations

from flask import Blueprint, current_app, jsonify, request

from conflictkg.graph.gate import Refused, check, update_checked
from conflictkg.graph.guard import TooDeep, UnsafeInput
from conflictkg.graph.store import StoreError
from conflictkg.graph.report import ValidationError

from .errors import Problem
from .rdfbody import UPLOAD_BASE, rdf_body
from .store import get_store

bp = Blueprint("validate", __name__)

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
    body, fmt = rdf_body()
    try:
        report = check(get_store(), [(body, fmt, UPLOAD_BASE)], engine=engine, max_depth=current_app.config["MAX_DEPTH"])
    except TooDeep as exc:
        raise Problem(400, str(exc), title="Too deeply nested") from exc
    except UnsafeInput as exc:
        raise Problem(400, str(exc), title="Unsafe XML") from exc
    except (StoreError, ValidationError) as exc:
        raise Problem(400, str(exc), title="Unreadable data") from exc
    return jsonify(report.as_json())


def update_gate(store, sparql: str) -> None:
    """Apply ``sparql`` only if the graph still conforms; a refusal is a 422 with the report."""
    try:
        update_checked(store, sparql)
    except Refused as exc:
        raise Problem(422, str(exc), title="The update violates the shapes", extra={"report": exc.report.as_json()}) from exc
