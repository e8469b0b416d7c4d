"""Strikes and places as GeoJSON, checked against the GeoJSON schema that geojson-pydantic (PyPI)
publishes for its FeatureCollection model, with jsonschema."""

from __future__ import annotations

import copy

import jsonschema
import pytest
from geojson_pydantic import FeatureCollection

from conflictkg.graph.domain.geo import point

SCHEMA = FeatureCollection.model_json_schema()
VALIDATOR = jsonschema.Draft202012Validator(SCHEMA)


def _valid(body: dict) -> None:
    VALIDATOR.validate(body)
    FeatureCollection.model_validate(body)


@pytest.mark.parametrize("url,headers", [
    ("/api/strikes?format=geojson", {}),
    ("/api/strikes", {"Accept": "application/geo+json"}),
    ("/api/strikes?country=Iraq&format=geojson", {}),
    ("/api/places?format=geojson", {}),
    ("/api/places", {"Accept": "application/geo+json, application/json;q=0.5"}),
])
def test_geojson_answers_validate_against_the_schema(client, url, headers):
    response = client.get(url, headers=headers)
    assert response.status_code == 200
    assert response.mimetype == "application/geo+json"
    body = response.json
    _valid(body)
    assert body["features"]
    for feature in body["features"]:
        lon, lat = feature["geometry"]["coordinates"]
        assert -180 <= lon <= 180 and -90 <= lat <= 90


def test_the_schema_check_can_fail(client):
    body = client.get("/api/strikes?format=geojson").json
    broken = copy.deepcopy(body)
    broken["features"][0]["geometry"] = {"type": "Point", "coordinates": ["east", "north"]}
    with pytest.raises(jsonschema.ValidationError):
        VALIDATOR.validate(broken)
    del broken["features"][0]["geometry"]
    with pytest.raises(jsonschema.ValidationError):
        VALIDATOR.validate(broken)


def test_a_strike_feature_is_the_strike_at_its_place(client, store):
    strikes = {s["id"]: s for s in client.get("/api/strikes").json["strikes"]}
    body = client.get("/api/strikes?format=geojson").json
    # Soleimani's killing: the article gives no place for it
    assert body["unlocated"] == ["2020-01-03-killing-of-qasem-soleimani"]
    assert [f["id"] for f in body["features"]] == [i for i in strikes if i not in body["unlocated"]]
    for feature in body["features"]:
        strike, props = strikes[feature["id"]], feature["properties"]
        assert (props["date"], props["fatalities"], props["label"]) == (strike["date"], strike["fatalities"],
                                                                        strike["label"])
        assert [(p["id"], p["attribution"]) for p in props["perpetrators"]] == [
            (p["id"], p["attribution"]) for p in strike["perpetrators"]]
        assert props["evidence_url"] == strike["iri"]
        assert [e["quote"] for e in props["evidence"]] == [e["quote"] for e in strike["evidence"]]
        [row] = store.select(
            "PREFIX ck: <https://w3id.org/conflictkg/ontology#> PREFIX geo: <http://www.opengis.net/ont/geosparql#> "
            f"SELECT ?wkt WHERE {{ {{ <{strike['iri']}> ck:location ?p }} UNION {{ <{strike['iri']}> ck:target ?p }} "
            "?p geo:hasGeometry/geo:asWKT ?wkt } LIMIT 1")
        assert tuple(feature["geometry"]["coordinates"]) == point(row["wkt"].value)


def test_an_alleged_perpetrator_is_shown_as_alleged(client):
    body = client.get("/api/strikes?format=geojson").json
    alleged = [(f["id"], p) for f in body["features"] for p in f["properties"]["perpetrators"]
               if p["attribution"] == "alleged"]
    assert alleged
    for fid, p in alleged:
        text = next(f["properties"]["perpetrators_text"] for f in body["features"] if f["id"] == fid)
        assert f"{p['label']} (alleged" in text


def test_places_as_geojson_match_the_json_list(client):
    listed = client.get("/api/places").json
    assert listed["next"] is None
    features = client.get("/api/places?format=geojson").json["features"]
    assert [(f["id"], *f["geometry"]["coordinates"]) for f in features] == [
        (p["id"], p["longitude"], p["latitude"]) for p in listed["places"]]


def test_geojson_pages_like_json(client):
    first = client.get("/api/strikes?format=geojson&limit=2")
    assert len(first.json["features"]) + len(first.json["unlocated"]) == 2
    assert "format=geojson" in first.headers["Link"] and first.json["next"]


def test_geojson_is_refused_where_there_is_no_geometry(client):
    response = client.get("/api/accusations?format=geojson")
    assert response.status_code == 400 and response.mimetype == "application/problem+json"
