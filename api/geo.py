"""``/api/places``: every place with a point, as JSON, CSV or GeoJSON (see :mod:`conflictkg.graph.domain.geo`)."""

from __future__ import annotations

from flask import Blueprint

from conflictkg.graph.domain.geo import place_collection, places
from conflictkg.graph.domain.paging import page_of

from .geojson import geojson_response, wants_geojson
from .paging import PAGE_PARAMS, page_args
from .rest import _answer, _args, _domain

bp = Blueprint("geo", __name__)

@bp.get("/api/places")
def api_places():
    _args(PAGE_PARAMS)
    page = _domain(page_of, items=places, kind="places", key=lambda p: (p["label"].casefold(), p["iri"]),
                   **page_args())
    if wants_geojson():
        return geojson_response(place_collection(page.items), page)
    return _answer("places", page, lambda p: {
        "id": p["id"], "label": p["label"], "country": (p["country"] or {}).get("label", ""),
        "longitude": p["longitude"], "latitude": p["latitude"],
    }, ["id", "label", "country", "longitude", "latitude"])
