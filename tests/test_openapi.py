"""/openapi.json is a valid OpenAPI 3.1 document, and the answers follow its schemas."""

import jsonschema
from openapi_spec_validator import validate


def test_openapi_document_is_valid(client):
    spec = client.get("/openapi.json").json
    validate(spec)
    assert set(spec["paths"]) >= {"/api/strikes", "/api/accusations", "/api/actors", "/api/actors/{id}",
                                  "/api/timeline", "/api/queries", "/api/queries/{name}"}


def test_answers_follow_the_documented_schemas(client):
    spec = client.get("/openapi.json").json
    for path, schema in (("/api/strikes", "Strikes"), ("/api/accusations", "Accusations"),
                         ("/api/actors", "Actors"), ("/api/timeline", "Timeline")):
        resolver_doc = {"components": spec["components"], "$ref": f"#/components/schemas/{schema}"}
        jsonschema.validate(client.get(path).json, resolver_doc, cls=jsonschema.Draft202012Validator)
