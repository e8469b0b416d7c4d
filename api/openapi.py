"""The OpenAPI 3.1 description of the REST API, served at ``/openapi.json``."""

from __future__ import annotations

from conflictkg import __version__
from conflictkg.graph.domain.actors import ACTOR_TYPES
from conflictkg.graph.domain.paging import DEFAULT_LIMIT, MAX_LIMIT
from conflictkg.graph.formats import BODY_TYPES, DATASET_TYPES, GRAPH_TYPES


def _param(name: str, description: str, *, where: str = "query", required: bool = False, **schema) -> dict:
    return {"name": name, "in": where, "required": required, "description": description,
            "schema": schema or {"type": "string"}}


_FORMAT = _param("format", "json (default) or csv", enum=["json", "csv"], type="string")
_ACTOR = "An actor's IRI, id, label or alias (case-insensitive; look-alike letters folded)."
# The list routes' filters, which their facets take too.
_STRIKE_FILTERS = [
    _param("perpetrator", _ACTOR), _param("country", "The country struck. " + _ACTOR),
    _param("target", "The place or group targeted. " + _ACTOR),
    _param("from", "Earliest date", format="date", type="string"),
    _param("to", "Latest date", format="date", type="string"),
    _param("type", "The attack's class as recorded (DroneStrike, Bombing…), as the type facet counts it", type="string")]
_ACCUSATION_FILTERS = [
    _param("accuser", _ACTOR), _param("accused", _ACTOR),
    _param("from", "Earliest date (undated accusations are left out)", format="date", type="string"),
    _param("to", "Latest date (undated accusations are left out)", format="date", type="string")]
_PROBLEM = {"description": "A problem (RFC 7807)",
            "content": {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}}


def _ok(schema_ref: str, csv: bool = False) -> dict:
    content = {"application/json": {"schema": {"$ref": f"#/components/schemas/{schema_ref}"}}}
    if csv:
        content["text/csv"] = {"schema": {"type": "string"}}
    return {"description": "OK", "content": content}


def _get(summary: str, params: list, ok: dict, *, extra: dict | None = None) -> dict:
    responses = {"200": ok, "400": _PROBLEM, **(extra or {})}
    return {"get": {"summary": summary, "parameters": params, "responses": responses}}


_ENTITY = {"type": "object", "required": ["id", "label"],
           "properties": {"id": {"type": "string"}, "iri": {"type": "string"}, "label": {"type": "string"},
                          "aliases": {"type": "array", "items": {"type": "string"}}}}
_EVIDENCE = {"type": "object", "required": ["quote", "start", "end", "source"],
             "properties": {"quote": {"type": "string"}, "start": {"type": "integer"}, "end": {"type": "integer"},
                            "source": {"type": "string"}}}
_ATTRIBUTED = {"allOf": [{"$ref": "#/components/schemas/Entity"}, {"type": "object", "properties": {
    "attribution": {"type": "string", "enum": ["reported", "claimed", "alleged", "denied", "speculated", "external"]},
    "attributed_by": {"type": "array", "items": {"$ref": "#/components/schemas/Entity"}},
    "evidence": {"type": "array", "items": {"$ref": "#/components/schemas/Evidence"}}}}]}


_RDF_BODY = {"required": True, "content": {media: {"schema": {"type": "string"}} for media in BODY_TYPES}}
_WRITE_REFUSALS = {"400": _PROBLEM, "401": _PROBLEM, "403": _PROBLEM, "413": _PROBLEM, "415": _PROBLEM,
                   "422": {"description": "The data would violate the shapes: a problem with the SHACL report",
                           "content": {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}}}
_GRAPH = _param("graph", "A named graph's IRI (GET only; writes go to the default graph)")
_DEFAULT = {"name": "default", "in": "query", "required": False, "allowEmptyValue": True,
            "description": "The default graph", "schema": {"type": "string"}}


def _writes() -> dict:
    """The routes that change the store: the Graph Store Protocol's POST and SPARQL Update."""
    return {
        "/store": {
            "get": {"summary": "A graph (?default, ?graph=IRI) or the whole dataset (no parameter)",
                    "parameters": [_DEFAULT, _GRAPH],
                    "responses": {"200": {"description": "RDF, by Accept", "content": {
                        media: {"schema": {"type": "string"}} for media in {**GRAPH_TYPES, **DATASET_TYPES}}},
                        "400": _PROBLEM, "404": _PROBLEM,
                        "406": _PROBLEM}},
            "post": {"summary": "Add RDF to the default graph, validated against the shapes first, all or nothing",
                     "parameters": [_DEFAULT], "security": [{"updateToken": []}], "requestBody": _RDF_BODY,
                     "responses": {"204": {"description": "Added (flushed to disk on an on-disk store)"},
                                   **_WRITE_REFUSALS}}},
        "/sparql/update": {
            "post": {"summary": "SPARQL 1.1 Update, applied only if the graph still conforms to the shapes",
                     "security": [{"updateToken": []}],
                     "requestBody": {"required": True, "content": {
                         "application/sparql-update": {"schema": {"type": "string"}},
                         "application/x-www-form-urlencoded": {"schema": {
                             "type": "object", "required": ["update"], "properties": {"update": {"type": "string"}}}}}},
                     "responses": {"204": {"description": "Applied"}, **_WRITE_REFUSALS}}},
    }


def _list_of(key: str, item: dict) -> dict:
    return {"type": "object", "required": [key, "next"], "properties": {
        key: {"type": "array", "items": item},
        "next": {"type": ["string", "null"], "description": "The cursor of the next page; null on the last"}}}


#: ``limit`` and ``cursor``, taken by every list route (see conflictkg.graph.domain.paging).
_PAGE = [_param("limit", f"Rows in the page (default {DEFAULT_LIMIT})", type="integer", minimum=1, maximum=MAX_LIMIT),
         _param("cursor", "The 'next' of the previous page (also in its Link header)", type="string")]


def openapi_spec() -> dict:
    """The spec, built from the same names the routes use.

    >>> openapi_spec()["paths"]["/api/strikes"]["get"]["summary"]
    'Who struck where'
    """
    strike = {"type": "object", "required": ["id", "label", "date", "perpetrators", "evidence"], "properties": {
        "id": {"type": "string"}, "iri": {"type": "string"}, "label": {"type": "string"},
        "date": {"type": "string", "format": "date"},
        "perpetrators": {"type": "array", "items": {"$ref": "#/components/schemas/Attributed"}},
        "target": {"oneOf": [{"$ref": "#/components/schemas/Entity"}, {"type": "null"}]},
        "country": {"oneOf": [{"$ref": "#/components/schemas/Entity"}, {"type": "null"}]},
        "targeted_groups": {"type": "array", "items": {"$ref": "#/components/schemas/Attributed"}},
        "weapons": {"type": "array", "items": {"type": "string"}},
        "fatalities": {"type": ["integer", "null"]},
        "status": {"type": "string"},
        "evidence": {"type": "array", "items": {"$ref": "#/components/schemas/Evidence"}}}}
    accusation = {"type": "object", "required": ["id", "accuser", "accused", "evidence"], "properties": {
        "id": {"type": "string"}, "date": {"type": ["string", "null"]},
        "accuser": {"$ref": "#/components/schemas/Entity"}, "accused": {"$ref": "#/components/schemas/Entity"},
        "allegation": {"type": ["string", "null"]},
        "about": {"type": "array", "items": {"$ref": "#/components/schemas/Entity"}},
        "status": {"type": "string"},
        "evidence": {"type": "array", "items": {"$ref": "#/components/schemas/Evidence"}}}}
    actor = {"allOf": [{"$ref": "#/components/schemas/Entity"}, {"type": "object", "properties": {
        "type": {"type": ["string", "null"], "enum": [*ACTOR_TYPES, None]}, "role": {"type": "string"},
        "wikidata": {"type": "string"}}}]}
    event = {"type": "object", "required": ["id", "date", "kind", "label"], "properties": {
        "id": {"type": "string"}, "date": {"type": "string"}, "kind": {"type": "string"}, "label": {"type": "string"},
        "responds_to": {"type": "array", "items": {"type": "string"}}}}
    return {
        "openapi": "3.1.0",
        "info": {"title": "conflictkg", "version": __version__,
                 "description": "A knowledge graph of armed conflict events. SPARQL 1.1 at /sparql; this is the REST API."},
        "paths": {
            "/health": _get("Liveness and size", [], {"description": "OK"}),
            "/api/strikes": _get("Who struck where", [*_STRIKE_FILTERS, _FORMAT, *_PAGE], _ok("Strikes", csv=True)),
            "/api/accusations": _get("Who accused whom", [*_ACCUSATION_FILTERS, _FORMAT, *_PAGE],
                                     _ok("Accusations", csv=True)),
            "/api/strikes/facets": _get("Counts of the strikes the filters select, by month, year, country, perpetrator "
                                        "(with its attribution) or type; dates sorted by date, the rest largest first", [
                _param("by", "What to count by", required=True, enum=["month", "year", "country", "perpetrator", "type"]),
                *_STRIKE_FILTERS, _FORMAT], {"description": "OK"}),
            "/api/accusations/facets": _get("Counts of the accusations the filters select; undated ones last", [
                _param("by", "What to count by", required=True, enum=["month", "year", "accuser", "accused", "status"]),
                *_ACCUSATION_FILTERS, _FORMAT], {"description": "OK"}),
            "/api/actors": _get("Actors", [_param("type", "Actor type", enum=list(ACTOR_TYPES), type="string"), _FORMAT, *_PAGE],
                                _ok("Actors", csv=True)),
            "/api/actors/{id}": _get("An actor's profile: its strikes and accusations, both directions",
                                     [_param("id", _ACTOR, where="path", required=True)],
                                     {"description": "OK", "content": {"application/json": {"schema": {"type": "object"}}}},
                                     extra={"404": _PROBLEM, "409": _PROBLEM}),
            "/api/timeline": _get("Every dated event in order", [_FORMAT, *_PAGE], _ok("Timeline", csv=True)),
            "/api/queries": _get("Stored queries", [], {"description": "OK"}),
            "/api/sources": _get("The sources the graph holds, and what each contributed", [_FORMAT], {"description": "OK"}),
            "/api/queries/{name}": _get("Run a stored query (its parameters as query parameters)",
                                        [_param("name", "The stored query's name", where="path", required=True), _FORMAT,
                                         *_PAGE], {"description": "OK"}, extra={"404": _PROBLEM}),
            **_writes(),
        },
        "components": {"securitySchemes": {"updateToken": {
            "type": "http", "scheme": "bearer",
            "description": "The token the server was started with ($CONFLICTKG_UPDATE_TOKEN); without one, no writes"}},
            "schemas": {
            "Entity": _ENTITY, "Evidence": _EVIDENCE, "Attributed": _ATTRIBUTED,
            "Strikes": _list_of("strikes", strike), "Accusations": _list_of("accusations", accusation),
            "Actors": _list_of("actors", actor), "Timeline": _list_of("timeline", event),
            "Problem": {"type": "object", "required": ["title", "status"], "properties": {
                "type": {"type": "string"}, "title": {"type": "string"}, "status": {"type": "integer"},
                "detail": {"type": "string"}}},
        }},
    }
