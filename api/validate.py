"""``POST /api/validate``: the SHACL report of a body of RDF, as the store would be with it added.

Nothing is stored. Bodies in any format of :mod:`.rdfbody` are read by the store's own parsers
after the checks of :mod:`conflictkg.graph.safety.guard`; a JSON-LD ``@context`` is never fetched
(pyoxigraph resolves no remote context) and RDF/XML may declare no external entity, so a body
cannot make the server reach out. Ill-typed literals are reported like the shapes' violations.
"""

from __future__ import annotations

from flask import Blueprint, jsonify, request

from conflictkg.graph.safety.guard import TooDeep, UnsafeInput
from conflictkg.graph.store import StoreError
from conflictkg.graph.shacl.report import ValidationError

from .errors import Problem
from .rdfbody import UPLOAD_BASE, rdf_body
from .store import get_dataset

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
        report = get_dataset().check([(body, fmt, UPLOAD_BASE)], engine=engine)
    except TooDeep as exc:
        raise Problem(400, str(exc), title="Too deeply nested") from exc
    except UnsafeInput as exc:
        raise Problem(400, str(exc), title="Unsafe XML") from exc
    except (StoreError, ValidationError) as exc:
        raise Problem(400, str(exc), title="Unreadable data") from exc
    return jsonify(report.as_json())
