"""GeoJSON answers: ``?format=geojson`` or ``Accept: application/geo+json`` (RFC 7946), on
``/api/strikes`` and ``/api/places``."""

from __future__ import annotations

from flask import Response, json, request

from conflictkg.graph.domain.paging import Page

from .paging import with_link

GEOJSON = "application/geo+json"


def wants_geojson() -> bool:
    """``format=geojson``, or no ``format`` and an Accept header that prefers GeoJSON to JSON."""
    fmt = request.args.get("format")
    if fmt:
        return fmt == "geojson"
    return request.accept_mimetypes.best_match(["application/json", GEOJSON]) == GEOJSON


def geojson_response(collection: dict, page: Page) -> Response:
    """A FeatureCollection, with the next page's cursor as a foreign member and in the Link header."""
    body = {**collection, "next": page.next}
    return with_link(Response(json.dumps(body, ensure_ascii=False), mimetype=GEOJSON), page)
