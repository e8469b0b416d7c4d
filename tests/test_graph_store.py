"""``/store``, the SPARQL 1.1 Graph Store HTTP Protocol: read graphs, add data with the token,
validated and all or nothing."""

import json

import pyoxigraph as ox
import pytest

from conflictkg.api import create_app

TOKEN = "gsp-token"
AUTH = {"Authorization": f"Bearer {TOKEN}"}
CK = "https://w3id.org/conflictkg/ontology#"
EVENT = "https://w3id.org/conflictkg/id/event/"


@pytest.fixture
def client(store):
    return create_app({"STORE": store, "TESTING": True, "UPDATE_TOKEN": TOKEN}).test_client()


def _triples(client) -> int:
    return client.get("/health").json["triples"]


def test_get_the_default_graph_and_the_dataset(client, store):
    ttl = client.get("/store?default")
    assert ttl.mimetype == "text/turtle"
    assert len(ox.Dataset(ox.parse(ttl.data, format=ox.RdfFormat.TURTLE))) == len(store)
    nt = client.get("/store?default", headers={"Accept": "application/n-triples"})
    assert nt.mimetype == "application/n-triples" and len(nt.data.splitlines()) == len(store)
    quads = client.get("/store")
    assert quads.mimetype == "application/n-quads" and len(quads.data.splitlines()) == len(store)


def test_get_a_named_graph(client, store):
    store.load("<urn:s> <urn:p> <urn:o> .", ox.RdfFormat.N_TRIPLES, to_graph="http://example.org/g")
    r = client.get("/store?graph=http://example.org/g", headers={"Accept": "application/n-triples"})
    assert r.data.strip() == b"<urn:s> <urn:p> <urn:o> ."


@pytest.mark.parametrize("media, body", [
    ("text/turtle", f"@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n<urn:x:note> rdfs:comment \"a note\" ."),
    ("application/ld+json", json.dumps({"@id": "urn:x:note", "http://www.w3.org/2000/01/rdf-schema#comment": "a note"})),
    ("application/rdf+xml", '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" '
                            'xmlns:rdfs="http://www.w3.org/2000/01/rdf-schema#"><rdf:Description rdf:about="urn:x:note">'
                            "<rdfs:comment>a note</rdfs:comment></rdf:Description></rdf:RDF>"),
    ("application/n-quads", '<urn:x:note> <http://www.w3.org/2000/01/rdf-schema#comment> "a note" <urn:g> .'),
])
def test_post_adds_to_the_default_graph(client, media, body):
    before = _triples(client)
    r = client.post("/store?default", data=body, content_type=media, headers=AUTH)
    assert r.status_code == 204, r.get_data(as_text=True)
    assert _triples(client) == before + 1
    ask = client.get("/sparql?entailment=none&query=ASK%20%7B%20%3Curn%3Ax%3Anote%3E%20%3Fp%20%22a%20note%22%20%7D")
    assert ask.json["boolean"] is True


def test_post_that_violates_the_shapes_is_refused_whole(client):
    before = _triples(client)
    body = (f"<{EVENT}x> a <{CK}Bombing> .\n"  # an attack with no date, no perpetrator: the shapes refuse it
            f'<urn:x:fine> <http://www.w3.org/2000/01/rdf-schema#comment> "fine" .')
    r = client.post("/store", data=body, content_type="text/turtle", headers=AUTH)
    assert r.status_code == 422 and r.json["report"]["conforms"] is False
    assert {v["focus"] for v in r.json["report"]["violations"]} == {f"{EVENT}x"}
    assert _triples(client) == before


def test_post_needs_the_token(client, store):
    assert client.post("/store", data="<urn:a> <urn:b> <urn:c> .", content_type="text/turtle").status_code == 401
    no_token = create_app({"STORE": store, "TESTING": True}).test_client()
    r = no_token.post("/store", data="<urn:a> <urn:b> <urn:c> .", content_type="text/turtle", headers=AUTH)
    assert r.status_code == 403 and r.json["title"] == "Updates disabled"


def test_openapi_describes_the_store_and_its_token(client):
    spec = client.get("/openapi.json").json
    assert set(spec["paths"]["/store"]) == {"get", "post"}
    assert spec["paths"]["/store"]["post"]["security"] == [{"updateToken": []}]
    assert spec["components"]["securitySchemes"]["updateToken"]["scheme"] == "bearer"
    assert {"204", "401", "403", "413", "415", "422"} <= set(spec["paths"]["/store"]["post"]["responses"])
