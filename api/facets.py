"""``/api/strikes/facets`` and ``/api/accusations/facets``: counts by month, year, country, actor…
with the filters of the list routes (see :mod:`conflictkg.graph.domain.facets`)."""

from __future__ import annotations

from flask import Blueprint, Response, jsonify

from conflictkg.graph.domain.facets import ACCUSATION_FACETS, STRIKE_FACETS, accusation_facets, strike_facets

from .errors import Problem
from .rest import _args, _csv, _domain, _format

bp = Blueprint("facets", __name__)

_COLUMNS = ["value", "label", "attribution", "count"]


def _answer(name: str, by: str, facets: list[dict]) -> Response:
    if _format(tabular=True) == "csv":
        return _csv(facets, _COLUMNS, f"{name}-by-{by}")
    return jsonify({"by": by, "facets": facets})


def _by(args: dict, table: dict) -> str:
    by = args.get("by")
    if by not in table:
        raise Problem(400, f"by: {by!r} is not one of {', '.join(table)}" if by else
                      f"by is required: one of {', '.join(table)}", title="Bad facet")
    return by


@bp.get("/api/strikes/facets")
def api_strike_facets():
    args = _args(["by", "perpetrator", "country", "target", "from", "to", "type"])
    by = _by(args, STRIKE_FACETS)
    return _answer("strikes", by, _domain(
        strike_facets, by=by, perpetrator=args.get("perpetrator"), country=args.get("country"),
        target=args.get("target"), date_from=args.get("from"), date_to=args.get("to"), type=args.get("type")))


@bp.get("/api/accusations/facets")
def api_accusation_facets():
    args = _args(["by", "accuser", "accused", "from", "to"])
    by = _by(args, ACCUSATION_FACETS)
    return _answer("accusations", by, _domain(accusation_facets, by=by, accuser=args.get("accuser"),
                                              accused=args.get("accused"), date_from=args.get("from"),
                                              date_to=args.get("to")))
