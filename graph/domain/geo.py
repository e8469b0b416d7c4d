"""Strikes and places as GeoJSON (RFC 7946): FeatureCollections of points that geopandas and QGIS
read as they are.

A strike's point is its place's (``ck:location``, else its target when that is a place with a
geometry); a strike with neither is left out of the collection and named in its ``unlocated``
member. Each perpetrator keeps its attribution (reported, claimed, alleged…) and who attributes
it, nested in ``perpetrators`` and flattened in ``perpetrators_text`` for GIS tables.

>>> point("POINT(69.35 30.38)"), point("<http://www.opengis.net/def/crs/OGC/1.3/CRS84> Point(1 -2.5)")
((69.35, 30.38), (1.0, -2.5))
>>> point("LINESTRING(0 0, 1 1)") is None
True
"""

from __future__ import annotations

import re

from .attribution import as_text
from .names import label_index
from ..store import Store
from ..vocab import SPARQL_PREFIXES, local_id

_POINT = re.compile(r"^\s*(?:<[^>]*>\s*)?POINT\s*\(\s*([-+0-9.eE]+)\s+([-+0-9.eE]+)\s*\)\s*$", re.IGNORECASE)


def point(wkt: str) -> tuple[float, float] | None:
    """(longitude, latitude) of a WKT point in CRS84 (GeoSPARQL's default), or None for anything else."""
    match = _POINT.match(wkt)
    if not match:
        return None
    try:
        lon, lat = float(match.group(1)), float(match.group(2))
    except ValueError:
        return None
    return (lon, lat) if -180 <= lon <= 180 and -90 <= lat <= 90 else None


_GEOMETRIES = SPARQL_PREFIXES + """
SELECT ?node ?wkt WHERE { VALUES ?node { %s } ?node geo:hasGeometry/geo:asWKT ?wkt . }"""

_PLACES = SPARQL_PREFIXES + """
SELECT DISTINCT ?p ?wkt ?country WHERE {
  ?p a ck:Place ; geo:hasGeometry/geo:asWKT ?wkt .
  OPTIONAL { ?p ck:country ?country }
}"""

def _points(store: Store, nodes: set[str]) -> dict[str, tuple[float, float]]:
    if not nodes:
        return {}
    found = {}
    for row in store.select(_GEOMETRIES % " ".join(f"<{n}>" for n in sorted(nodes))):
        xy = point(row["wkt"].value)
        if xy is not None:
            found.setdefault(row["node"].value, xy)
    return found


def _feature(fid: str, xy: tuple[float, float], properties: dict) -> dict:
    return {"type": "Feature", "id": fid, "geometry": {"type": "Point", "coordinates": list(xy)},
            "properties": properties}


def strike_collection(store: Store, strikes: list[dict]) -> dict:
    """A FeatureCollection of the given ``/api/strikes`` objects, one point each, in their order."""
    index = label_index(store)
    # where it happened, else what it hit: the strike objects carry both
    places = {s["iri"]: (s["location"] or s["target"] or {}).get("iri") for s in strikes}
    points = _points(store, {p for p in places.values() if p})
    features, unlocated = [], []
    for s in strikes:
        place = places[s["iri"]]
        if place not in points:
            unlocated.append(s["id"])
            continue
        perpetrators = [{"id": p["id"], "label": p["label"], "attribution": p["attribution"],
                         "attributed_by": [a["label"] for a in p["attributed_by"]]} for p in s["perpetrators"]]
        features.append(_feature(s["id"], points[place], {
            "id": s["id"], "iri": s["iri"], "label": s["label"], "date": s["date"], "types": s["types"],
            "place": index.labels.get(place, local_id(place)),
            "country": (s["country"] or {}).get("label"),
            "perpetrators": perpetrators,
            "perpetrators_text": "; ".join(as_text(p) for p in s["perpetrators"]),
            "fatalities": s["fatalities"], "status": s["status"],
            # the strike's IRI dereferences (GET /id/…) to its page with every quote and source
            "evidence_url": s["iri"],
            "evidence": [{"quote": e["quote"], "source": e["source"]} for e in s["evidence"]],
        }))
    return {"type": "FeatureCollection", "features": features, "unlocated": unlocated}


def places(store: Store) -> list[dict]:
    """Every place with a point, sorted by label then IRI: id, iri, label, country, longitude, latitude."""
    index = label_index(store)
    out: dict[str, dict] = {}
    for row in store.select(_PLACES):
        node, xy = row["p"].value, point(row["wkt"].value)
        if xy is None or node in out:
            continue
        country = row["country"].value if "country" in row else None
        out[node] = {**index.describe(node, aliases=False),
                     "country": index.describe(country, aliases=False) if country else None,
                     "longitude": xy[0], "latitude": xy[1]}
    return sorted(out.values(), key=lambda p: (p["label"].casefold(), p["iri"]))


def place_collection(items: list[dict]) -> dict:
    """A FeatureCollection of :func:`places` items."""
    return {"type": "FeatureCollection", "features": [
        _feature(p["id"], (p["longitude"], p["latitude"]), {
            "id": p["id"], "iri": p["iri"], "label": p["label"],
            "country": (p["country"] or {}).get("label")}) for p in items]}
