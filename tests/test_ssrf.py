"""Nothing leaves the machine because of a request: each way in is tried against a loopback
listener that must see no connection, and each refusal is a 4xx problem."""

import json
from urllib.parse import quote

import pyoxigraph as ox
import pytest
import rdflib

from conflictkg.api import create_app
from conflictkg.cli import main
from conflictkg.graph.store.executor import QueryPool
from conflictkg.graph.safety.sandbox import harden, no_network
from conflictkg.graph.store import open_store

PROBLEM = "application/problem+json"
TOKEN = "ssrf-token"
RDF_XML_HEAD = '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns:ex="http://example.org/">'


@pytest.fixture
def client(store):
    return create_app({"STORE": store, "TESTING": True, "UPDATE_TOKEN": TOKEN}).test_client()


def _refused(response, status=400):
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.mimetype == PROBLEM
    return response.json["detail"]


#: name → (query or update, text with {u}: the listener's URL).
OPERATIONS = {
    "service": ("query", "SELECT * WHERE {{ SERVICE <{u}> {{ ?s ?p ?o }} }}"),
    "service_silent": ("query", "SELECT * WHERE {{ SERVICE SILENT <{u}> {{ ?s ?p ?o }} }}"),
    "service_in_exists": ("query", "ASK {{ ?s ?p ?o FILTER EXISTS {{ SERVICE <{u}> {{ ?s ?p ?o }} }} }}"),
    "service_in_subquery": ("query", "SELECT * WHERE {{ {{ SELECT ?s WHERE {{ SERVICE <{u}> {{ ?s ?p ?o }} }} }} }}"),
    "service_variable": ("query", "SELECT * WHERE {{ VALUES ?e {{ <{u}> }} SERVICE ?e {{ ?s ?p ?o }} }}"),
    "service_escaped_iri": ("query", "SELECT * WHERE {{ SERVICE <{escaped}> {{ ?s ?p ?o }} }}"),
    "service_lowercase": ("query", "select * where {{ service <{u}> {{ ?s ?p ?o }} }}"),
    "from": ("query", "SELECT * FROM <{u}> WHERE {{ ?s ?p ?o }}"),
    "from_named": ("query", "SELECT * FROM NAMED <{u}> WHERE {{ GRAPH ?g {{ ?s ?p ?o }} }}"),
    "from_file": ("query", "SELECT * FROM <file:///etc/passwd> WHERE {{ ?s ?p ?o }}"),
    "construct_service": ("query", "CONSTRUCT {{ ?s ?p ?o }} WHERE {{ SERVICE <{u}> {{ ?s ?p ?o }} }}"),
    "load": ("update", "LOAD <{u}>"),
    "load_silent": ("update", "LOAD SILENT <{u}> INTO GRAPH <urn:g>"),
    "load_file": ("update", "LOAD <file:///etc/passwd>"),
    "insert_where_service": ("update", "INSERT {{ ?s ?p ?o }} WHERE {{ SERVICE <{u}> {{ ?s ?p ?o }} }}"),
    "delete_using": ("update", "DELETE {{ ?s ?p ?o }} USING <{u}> WHERE {{ ?s ?p ?o }}"),
}


@pytest.mark.parametrize("name", OPERATIONS)
def test_operations_that_would_fetch_are_refused(client, listener, name):
    kind, template = OPERATIONS[name]
    text = template.format(u=listener.url, escaped=listener.url.replace("/", "\\u002F"))
    before = client.get("/health").json["triples"]
    if kind == "query":
        response = client.get("/sparql?query=" + quote(text))
    else:
        response = client.post("/sparql/update", data=text, content_type="application/sparql-update",
                               headers={"Authorization": f"Bearer {TOKEN}"})
    detail = _refused(response)
    assert "refused" in detail or "not a graph of this store" in detail
    assert listener.connections == 0
    assert client.get("/health").json["triples"] == before


@pytest.mark.parametrize("param", ["default-graph-uri", "named-graph-uri"])
def test_protocol_dataset_naming_a_url_is_refused(client, listener, param):
    detail = _refused(client.get(f"/sparql?query={quote('ASK { ?s ?p ?o }')}&{param}={quote(listener.url)}"))
    assert "not a graph of this store" in detail and listener.connections == 0


def test_from_naming_a_graph_of_the_store_is_answered(client, store):
    store.load("<urn:s> <urn:p> <urn:o> .", ox.RdfFormat.N_TRIPLES, to_graph="http://example.org/g")
    r = client.get("/sparql?entailment=none&query=" + quote("ASK FROM <http://example.org/g> { <urn:s> ?p ?o }"))
    assert r.json["boolean"] is True


def _xxe(url: str) -> bytes:
    return (f'<?xml version="1.0"?>\n<!DOCTYPE rdf:RDF [ <!ENTITY ext SYSTEM "{url}"> ]>\n{RDF_XML_HEAD}'
            '<rdf:Description rdf:about="http://example.org/s"><ex:p>&ext;</ex:p></rdf:Description></rdf:RDF>').encode()


def _remote_context(url: str) -> bytes:
    return json.dumps({"@context": url, "@id": "http://example.org/s", "label": "x"}).encode()


@pytest.mark.parametrize("route", ["/store?default", "/api/validate"])
@pytest.mark.parametrize("body, media", [(_xxe, "application/rdf+xml"), (_remote_context, "application/ld+json")],
                         ids=["xml_external_entity", "jsonld_remote_context"])
def test_bodies_that_would_fetch_are_refused(client, listener, route, body, media):
    r = client.post(route, data=body(listener.url), content_type=media, headers={"Authorization": f"Bearer {TOKEN}"})
    _refused(r)
    assert listener.connections == 0


def test_pyshacl_engine_imports_nothing(client, listener):
    data = f"<http://example.org/o> a <http://www.w3.org/2002/07/owl#Ontology> ; " \
           f"<http://www.w3.org/2002/07/owl#imports> <{listener.url}> ."
    r = client.post("/api/validate?engine=pyshacl", data=data, content_type="text/turtle")
    assert r.status_code == 200 and listener.connections == 0


@pytest.mark.parametrize("suffix, body", [(".rdf", _xxe), (".jsonld", _remote_context)])
def test_cli_load_fetches_nothing(runner, listener, tmp_path, suffix, body):
    path = tmp_path / f"data{suffix}"
    path.write_bytes(body(listener.url))
    result = runner.invoke(main, ["load", str(path)])
    assert result.exit_code != 0 and "nothing was loaded" in result.output
    assert listener.connections == 0


@pytest.mark.parametrize("kind", ["memory", "oxigraph"])
def test_executors_cannot_open_a_socket_even_unchecked(listener, kind, tmp_path):
    """Defence in depth: a query that skipped the checks still cannot reach out from an executor,
    forked (memory) or spawned over a checkpoint (on disk)."""
    store = open_store("memory" if kind == "memory" else f"oxigraph:{tmp_path / 'kg'}", seed=False)
    pool = QueryPool(1)
    try:
        answer = pool.run(store, f"SELECT * WHERE {{ SERVICE SILENT <{listener.url}> {{ ?s ?p ?o }} }}",
                          timeout=10, formats={"solutions": ("text/csv", "text/csv")})
    finally:
        pool.close()
    assert answer.kind == "solutions" and listener.connections == 0


def test_rdflib_fetches_nothing_inside_no_network(listener):
    """What a store backed by rdflib would do with the same requests, blocked by the audit hook."""
    with no_network():
        with pytest.raises(Exception):
            rdflib.Graph().parse(data=_remote_context(listener.url).decode(), format="json-ld")
        with pytest.raises(Exception):
            list(rdflib.Graph().query(f"SELECT * WHERE {{ SERVICE <{listener.url}> {{ ?s ?p ?o }} }}"))
        with pytest.raises(Exception):
            rdflib.Graph().update(f"LOAD <{listener.url}>")
    assert listener.connections == 0


def test_rdflib_loads_no_graph_for_from(listener):
    harden()
    rows = list(rdflib.Graph().query(f"SELECT * FROM <{listener.url}> WHERE {{ ?s ?p ?o }}"))
    assert rows == [] and listener.connections == 0


def test_the_listener_sees_what_an_unguarded_engine_does(listener):
    """The tests above could fail: pyoxigraph itself does send SERVICE requests."""
    with pytest.raises(Exception):
        list(ox.Store().query(f"SELECT * WHERE {{ SERVICE <{listener.url}> {{ ?s ?p ?o }} }}"))
    import time

    deadline = time.monotonic() + 5
    while listener.connections == 0 and time.monotonic() < deadline:
        time.sleep(0.05)
    assert listener.connections == 1
