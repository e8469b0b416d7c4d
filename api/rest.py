"""The REST JSON API over the domain functions of ``conflictkg.graph``.

Every route checks its parameters (an unknown one is a 400, not silently ignored), answers
JSON by default and CSV with ``?format=csv`` where the answer is a table.
"""

from __future__ import annotations

import csv
import io
from typing import Callable, Iterable

import pyoxigraph as ox
from flask import Blueprint, Response, current_app, jsonify, request

from conflictkg.graph.domain.actors import ACTOR_TYPES, actor
from conflictkg.graph.domain.attribution import as_text
from conflictkg.graph.domain.geo import strike_collection
from conflictkg.graph.domain.names import AmbiguousName
from conflictkg.graph.domain.paging import (Page, PagingError, accusations_page, actors_page, stored_page,
                                            strikes_page, timeline_page)
from conflictkg.graph.domain.queries import ParameterError, stored_queries
from conflictkg.graph.domain.strikes import FilterError

from .errors import Problem, ambiguous
from .geojson import geojson_response, wants_geojson
from .openapi import openapi_spec
from .paging import PAGE_PARAMS, page_args, paged_json, with_link
from .store import get_dataset

bp = Blueprint("rest", __name__)


def _args(allowed: Iterable[str]) -> dict[str, str]:
    """The request's query parameters, refusing unknown and repeated ones."""
    allowed = set(allowed) | {"format"}
    unknown = sorted(set(request.args) - allowed)
    if unknown:
        raise Problem(400, f"unknown parameter(s): {', '.join(unknown)}; this route takes: {', '.join(sorted(allowed))}",
                      title="Unknown parameter")
    repeated = sorted(k for k in request.args if len(request.args.getlist(k)) > 1)
    if repeated:
        raise Problem(400, f"parameter(s) given more than once: {', '.join(repeated)}", title="Repeated parameter")
    return {k: v for k, v in request.args.items() if k != "format"}


def _format(tabular: bool) -> str:
    fmt = request.args.get("format", "json")
    choices = ("json", "csv") if tabular else ("json",)
    if fmt not in choices:
        raise Problem(400, f"format: {fmt!r} is not one of {', '.join(choices)}", title="Unknown format")
    return fmt


def _csv(rows: list[dict], columns: list[str], filename: str) -> Response:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=columns, extrasaction="ignore", lineterminator="\r\n")
    writer.writeheader()
    writer.writerows(rows)
    return Response(buffer.getvalue(), mimetype="text/csv",
                    headers={"Content-Disposition": f'inline; filename="{filename}.csv"'})


def _labels(items: list[dict] | None) -> str:
    return "; ".join(i["label"] for i in items or [])


def _answer(name: str, page: Page, flatten: Callable[[dict], dict], columns: list[str]) -> Response:
    if _format(tabular=True) == "csv":
        return with_link(_csv([flatten(i) for i in page.items], columns, name), page)
    return paged_json({name: page.items}, page)


def _domain(call: Callable, **kwargs):
    try:
        return call(get_dataset(), **kwargs)
    except AmbiguousName as exc:
        raise ambiguous(exc) from exc
    except PagingError:
        raise
    except FilterError as exc:
        raise Problem(400, str(exc), title="Bad filter") from exc


@bp.get("/health")
def health():
    store = get_dataset()
    # counting walks the whole store (seconds at a million events): once per write, not per probe
    generation, triples = current_app.extensions.get("conflictkg.health_count", (None, 0))
    if generation != (id(store), store.generation):
        generation, triples = (id(store), store.generation), len(store)
        current_app.extensions["conflictkg.health_count"] = (generation, triples)
    return {"status": "ok", "store": store.spec, "triples": triples}


@bp.get("/openapi.json")
def openapi():
    return jsonify(openapi_spec())


@bp.get("/api/strikes")
def api_strikes():
    args = _args(["perpetrator", "country", "target", "from", "to", "type", *PAGE_PARAMS])
    items = _domain(strikes_page, **page_args(), perpetrator=args.get("perpetrator"), country=args.get("country"),
                    target=args.get("target"), date_from=args.get("from"), date_to=args.get("to"),
                    type=args.get("type"))
    if wants_geojson():
        return geojson_response(strike_collection(get_dataset(), items.items), items)
    return _answer("strikes", items, lambda s: {
        "id": s["id"], "date": s["date"], "label": s["label"],
        "perpetrators": "; ".join(as_text(p) for p in s["perpetrators"]),
        "target": (s["target"] or {}).get("label", ""), "country": (s["country"] or {}).get("label", ""),
        "targeted_groups": "; ".join(as_text(g) for g in s["targeted_groups"]), "weapons": "; ".join(s["weapons"]),
        "fatalities": s["fatalities"] if s["fatalities"] is not None else "", "status": s["status"],
        "evidence": " | ".join(e["quote"] for e in s["evidence"]),
    }, ["id", "date", "label", "perpetrators", "target", "country", "targeted_groups", "weapons", "fatalities",
        "status", "evidence"])


@bp.get("/api/accusations")
def api_accusations():
    args = _args(["accuser", "accused", "from", "to", *PAGE_PARAMS])
    items = _domain(accusations_page, **page_args(), accuser=args.get("accuser"), accused=args.get("accused"),
                    date_from=args.get("from"), date_to=args.get("to"))
    return _answer("accusations", items, lambda a: {
        "id": a["id"], "date": a["date"] or "", "accuser": a["accuser"]["label"], "accused": a["accused"]["label"],
        "allegation": a["allegation"] or "", "about": _labels(a["about"]), "status": a["status"],
        "evidence": " | ".join(e["quote"] for e in a["evidence"]),
    }, ["id", "date", "accuser", "accused", "allegation", "about", "status", "evidence"])


@bp.get("/api/actors")
def api_actors():
    args = _args(["type", *PAGE_PARAMS])
    if args.get("type") and args["type"] not in ACTOR_TYPES:
        raise Problem(400, f"type: {args['type']!r} is not one of {', '.join(ACTOR_TYPES)}", title="Bad filter")
    items = _domain(actors_page, **page_args(), type=args.get("type"))
    return _answer("actors", items, lambda a: {
        "id": a["id"], "label": a["label"], "type": a["type"], "aliases": "; ".join(a["aliases"]),
        "role": a.get("role", ""), "wikidata": a.get("wikidata", ""), "member_of": _labels(a.get("member_of")),
    }, ["id", "label", "type", "aliases", "role", "wikidata", "member_of"])


@bp.get("/api/actors/<path:actor_id>")
def api_actor(actor_id: str):
    _args([])
    _format(tabular=False)
    profile = _domain(actor, text=actor_id)
    if profile is None:
        raise Problem(404, f"no actor is named {actor_id!r} (try an id from /api/actors)", title="Unknown actor")
    return jsonify(profile)


@bp.get("/api/timeline")
def api_timeline():
    _args(PAGE_PARAMS)
    items = _domain(timeline_page, **page_args())
    return _answer("timeline", items, lambda e: {
        "id": e["id"], "date": e["date"], "kind": e["kind"], "label": e["label"], "status": e["status"],
        "by": _labels(e["by"]), "against": _labels(e["against"]), "responds_to": "; ".join(e["responds_to"]),
    }, ["id", "date", "kind", "label", "status", "by", "against", "responds_to"])


@bp.get("/api/queries")
def api_queries():
    _args([])
    _format(tabular=False)
    return jsonify({"queries": [q.as_json() for q in stored_queries().values()]})


@bp.get("/api/queries/<name>")
def api_query(name: str):
    query = stored_queries().get(name)
    if query is None:
        raise Problem(404, f"no stored query {name!r} (see /api/queries)", title="Unknown query")
    args = _args([p.name for p in query.params] + list(PAGE_PARAMS))
    fmt = _format(tabular=True)
    paging = page_args()
    try:
        result, page = _domain(stored_page, name=name, args={k: v for k, v in args.items() if k not in PAGE_PARAMS},
                               **paging)
    except ParameterError as exc:
        raise Problem(400, str(exc), title="Bad parameter") from exc
    if isinstance(result.result, ox.QuerySolutions):
        columns = [v.value for v in result.result.variables]
        if fmt == "csv":
            return with_link(_csv(page.items, columns, name), page)
        return paged_json({"query": query.as_json(), "columns": columns, "rows": page.items}, page)
    raise Problem(500, f"stored query {name!r} is not a SELECT query")
