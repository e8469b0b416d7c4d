"""Adversarial requests, as a hostile client sends them: each gets a clear 4xx problem (or an
answer that leaks nothing), leaves the stored data as it was, and the server answers the next request.

The cases are rows of one table; those against a real socket (slow clients, gunicorn's own
limits) are at the end, against ``conflictkg serve``.
"""

import json
import socket
import time
from urllib.parse import quote

import pytest

from conflictkg.api import create_app
from conflictkg.cli import main
from conflictkg.graph.exports.snapshot import write_snapshot

PROBLEM = "application/problem+json"
TOKEN = "adversarial-token"
AUTH = {"Authorization": f"Bearer {TOKEN}"}
ASK = "/sparql?query=" + quote("ASK { ?s ?p ?o }")
XSD = "http://www.w3.org/2001/XMLSchema#"
RDF_XML_HEAD = '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns:ex="http://example.org/">'


@pytest.fixture
def app(store, tmp_path):
    snaps = tmp_path / "snaps"
    write_snapshot(store, snaps)
    return create_app({"STORE": store, "TESTING": True, "UPDATE_TOKEN": TOKEN, "SNAPSHOT_DIR": str(snaps),
                       "QUERY_TIMEOUT": 5.0})


def _bomb(levels: int = 9) -> bytes:
    entities = ['<!ENTITY a0 "ha">'] + [f'<!ENTITY a{i} "{("&a%d;" % (i - 1)) * 10}">' for i in range(1, levels + 1)]
    return (f'<?xml version="1.0"?>\n<!DOCTYPE rdf:RDF [ {" ".join(entities)} ]>\n{RDF_XML_HEAD}'
            f'<rdf:Description rdf:about="http://example.org/s"><ex:p>&a{levels};</ex:p></rdf:Description></rdf:RDF>').encode()


def _flat_bomb() -> bytes:
    return (f'<?xml version="1.0"?>\n<!DOCTYPE rdf:RDF [ <!ENTITY b "{"x" * 50_000}"> ]>\n{RDF_XML_HEAD}'
            f'<rdf:Description rdf:about="http://example.org/s"><ex:p>{"&b;" * 20_000}</ex:p></rdf:Description>'
            "</rdf:RDF>").encode()


def _get(url, **kw):
    return lambda c: c.get(url, **kw)


def _post(url, data, content_type, headers=None):
    return lambda c: c.post(url, data=data, content_type=content_type, headers=headers or {})


def _update(text, headers=AUTH, content_type="application/sparql-update"):
    return _post("/sparql/update", text, content_type, headers)


INJECTIONS = ['Iran" } ; DROP ALL ; #', "> } UNION { ?s ?p ?o } #", "Iran\\\" . ?x ?y ?z", "?s ?p ?o }} CLEAR ALL",
              "<https://w3id.org/conflictkg/id/actor/iran> } UNION { ?e ?p ?o"]

#: name → (request, acceptable statuses). Each answer that is an error must be a problem.
CASES = {
    # malformed Accept headers
    "accept_garbage": (_get(ASK, headers={"Accept": ";;;,,,;q="}), {200, 406}),
    "accept_bad_q": (_get(ASK, headers={"Accept": "application/sparql-results+json;q=abc"}), {200, 406}),
    "accept_q_out_of_range": (_get(ASK, headers={"Accept": "text/csv;q=7, */*;q=-1"}), {200, 406}),
    "accept_nothing_acceptable": (_get(ASK, headers={"Accept": "application/sparql-results+json;q=0"}), {406}),
    "accept_huge": (_get(ASK, headers={"Accept": ", ".join(f"x/y{i};q=0.{i % 10}" for i in range(3000))}), {406}),
    "accept_control_chars": (_get(ASK, headers={"Accept": "text/csv\x01\x7f"}), {200, 406}),
    "format_path_like": (_get(ASK + "&format=../../etc/passwd"), {406}),
    # huge URLs, invalid UTF-8
    "huge_url": (_get("/sparql?query=" + "A" * 20_000), {414}),
    "huge_rest_url": (_get("/api/strikes?country=" + "x" * 20_000), {414}),
    "invalid_utf8_query_string": (_get("/sparql?query=ASK%20%7B%ff%fe%7D"), {400}),
    "invalid_utf8_path": (_get("/api/actors/%ff%fe"), {404}),
    "invalid_utf8_body": (_post("/sparql", b"ASK { <urn:\xff> ?p ?o }", "application/sparql-query"), {400}),
    "invalid_utf8_upload": (_post("/store?default", b"<urn:\xff> <urn:p> 1 .", "text/turtle", AUTH), {400}),
    "nul_in_query": (_get("/sparql?query=ASK%20%7B%00%7D"), {400}),
    # SPARQL injection through REST filters and stored-query parameters
    **{f"inject_strikes_{i}": (_get("/api/strikes?country=" + quote(s)), {400}) for i, s in enumerate(INJECTIONS)},
    "inject_accusations": (_get("/api/accusations?accuser=" + quote(INJECTIONS[0])), {400}),
    "inject_actor_path": (_get("/api/actors/" + quote(INJECTIONS[1], safe="")), {404}),
    "inject_stored_query": (_get("/api/queries/strikes-on-country?country=" + quote(INJECTIONS[0])), {400}),
    "inject_date_filter": (_get("/api/strikes?from=" + quote('2024-01-01"^^xsd:date) } #')), {400}),
    "inject_tit_for_tat": (_get("/api/tit-for-tat?between=" + quote('Iran" } ; CLEAR ALL #,Pakistan')), {404}),
    # path traversal in snapshot names
    "snapshot_dotdot_encoded": (_get("/snapshots/..%2f..%2fetc%2fpasswd"), {404}),
    "snapshot_dotdot": (_get("/snapshots/../../etc/passwd"), {404}),
    "snapshot_manifest": (_get("/snapshots/manifest.json"), {404}),
    "snapshot_id_then_dotdot": (_get("/snapshots/" + "a" * 64 + ".nq.gz%2f..%2f..%2fx"), {404}),
    "snapshot_param_traversal": (_get(ASK + "&snapshot=" + quote("../../etc/passwd")), {404}),
    "snapshot_absolute_path": (_get(ASK + "&snapshot=" + quote("/etc/passwd")), {404}),
    # duplicate parameters
    "dup_query": (_get(ASK + "&query=" + quote("ASK {}")), {400}),
    "dup_format": (_get(ASK + "&format=json&format=csv"), {400}),
    "dup_entailment": (_get(ASK + "&entailment=rdfs&entailment=none"), {400}),
    "dup_rest_filter": (_get("/api/strikes?country=Iran&country=Iraq"), {400}),
    "dup_store_graph": (_get("/store?graph=urn:a&graph=urn:b"), {400}),
    "dup_update": (_post("/sparql/update", "update=CLEAR%20ALL&update=CLEAR%20ALL",
                         "application/x-www-form-urlencoded", AUTH), {400}),
    "query_in_url_and_body": (_post("/sparql?query=" + quote("ASK {}"), "ASK {}", "application/sparql-query"), {400}),
    # the update token
    "update_no_token": (_update("CLEAR ALL", headers={}), {401}),
    "update_wrong_token": (_update("CLEAR ALL", headers={"Authorization": "Bearer nope"}), {403}),
    "update_token_prefix": (_update("CLEAR ALL", headers={"Authorization": f"Bearer {TOKEN[:-1]}"}), {403}),
    "update_basic_auth": (_update("CLEAR ALL", headers={"Authorization": "Basic YWRtaW46YWRtaW4="}), {401}),
    "update_empty_bearer": (_update("CLEAR ALL", headers={"Authorization": "Bearer "}), {401}),
    "update_unicode_token": (_update("CLEAR ALL", headers={"Authorization": "Bearer t\u00f6ken"}), {403}),
    "store_no_token": (_post("/store?default", "<urn:a> <urn:b> <urn:c> .", "text/turtle"), {401}),
    # typed literals, on every write path
    "ill_typed_insert_data": (_update(f'INSERT DATA {{ <urn:e> <urn:d> "2024-13-45"^^<{XSD}date> }}'), {422}),
    "ill_typed_insert_where": (_update(f'INSERT {{ <urn:e> <urn:n> "twelve"^^<{XSD}integer> }} WHERE {{}}'), {422}),
    "ill_typed_upload": (_post("/store?default", f'<urn:e> <urn:d> "2024-02-30"^^<{XSD}date> .', "text/turtle", AUTH),
                         {422}),
    "ill_typed_jsonld_upload": (_post("/store?default", json.dumps(
        {"@id": "urn:e", "urn:b": {"@value": "maybe", "@type": f"{XSD}boolean"}}), "application/ld+json", AUTH), {422}),
    # nesting and entity bombs
    "deep_query": (_post("/sparql", "ASK " + "{" * 5000 + "}" * 5000, "application/sparql-query"), {400}),
    "deep_unclosed_query": (_post("/sparql", "query=" + quote("SELECT * WHERE { FILTER(" + "(" * 5000),
                                  "application/x-www-form-urlencoded"), {400}),
    "deep_update": (_update("INSERT { <urn:a> <urn:b> 1 } WHERE " + "{" * 5000 + "}" * 5000), {400}),
    "deep_jsonld": (_post("/api/validate", '{"@id": "urn:s", "urn:p": ' + "[" * 5000 + "]" * 5000 + "}",
                          "application/ld+json"), {400}),
    "deep_rdfxml": (_post("/store?default", (RDF_XML_HEAD + '<rdf:Description rdf:about="urn:s">'
                                             + "<ex:p><rdf:Description>" * 3000 + "</rdf:Description></ex:p>" * 3000
                                             + "</rdf:Description></rdf:RDF>").encode(), "application/rdf+xml", AUTH),
                    {400}),
    "billion_laughs": (_post("/store?default", _bomb(), "application/rdf+xml", AUTH), {400}),
    "billion_laughs_validate": (_post("/api/validate", _bomb(), "application/rdf+xml"), {400}),
    "quadratic_blowup": (_post("/store?default", _flat_bomb(), "application/rdf+xml", AUTH), {400}),
    "parameter_entity": (_post("/store?default", (f'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY % p "x">]>'
                                                  f"{RDF_XML_HEAD}</rdf:RDF>").encode(), "application/rdf+xml", AUTH),
                         {400}),
    # wrong methods, types and targets
    "put_store": (lambda c: c.put("/store?default", data="<urn:a> <urn:b> <urn:c> .", headers=AUTH), {405}),
    "delete_sparql": (lambda c: c.delete("/sparql"), {405}),
    "store_unknown_graph": (_get("/store?graph=urn:nothing-here"), {404}),
    "store_graph_not_iri": (_get("/store?graph=" + quote("not an iri")), {400}),
    "store_post_named_graph": (_post("/store?graph=urn:g", "<urn:a> <urn:b> <urn:c> .", "text/turtle", AUTH), {400}),
    "store_wrong_type": (_post("/store?default", "a,b,c", "text/csv", AUTH), {415}),
    "store_latin1_charset": (_post("/store?default", "<urn:a> <urn:b> 1 .", "text/turtle; charset=latin-1", AUTH), {415}),
    "store_bad_turtle": (_post("/store?default", "<urn:a> <urn:b> .", "text/turtle", AUTH), {400}),
    "empty_query_body": (_post("/sparql", "", "application/sparql-query"), {400}),
    "entailment_unknown": (_get(ASK + "&entailment=owl"), {400}),
    "graph_uri_not_iri": (_get(ASK + "&default-graph-uri=" + quote("a b")), {400}),
    "multipart_query": (_post("/sparql", "--x\r\n\r\nASK {}\r\n--x--", "multipart/form-data; boundary=x"), {415}),
    "json_query": (_post("/sparql", '{"query": "ASK {}"}', "application/json"), {415}),
}


@pytest.mark.parametrize("name", CASES)
def test_adversarial_request(app, client, name):
    send, allowed = CASES[name]
    before = client.get("/store").get_data()
    began = time.monotonic()
    response = send(client)
    assert response.status_code in allowed, (name, response.status_code, response.get_data(as_text=True)[:300])
    if response.status_code >= 400:
        assert response.mimetype == PROBLEM and response.json["status"] == response.status_code
        assert response.json["detail"], name
    assert time.monotonic() - began < 10, f"{name} took too long to refuse"
    assert client.get("/store").get_data() == before, f"{name} changed the stored data"
    assert client.get(ASK).json["boolean"] is True


@pytest.mark.parametrize("value", INJECTIONS)
def test_injected_filters_name_nothing(client, value):
    # the text is only ever compared with names, never spliced into SPARQL: it names no actor
    response = client.get("/api/strikes?perpetrator=" + quote(value))
    assert response.status_code == 400
    assert response.json["detail"] == f"perpetrator: nothing in the graph is named {value!r}"


def test_bombs_are_refused_fast(client):
    for body in (_bomb(), _flat_bomb()):
        began = time.monotonic()
        r = client.post("/store?default", data=body, content_type="application/rdf+xml", headers=AUTH)
        assert r.status_code == 400 and "amplification" in r.json["detail"]
        assert time.monotonic() - began < 2


def test_ill_typed_literal_is_reported_by_validate_and_refused_by_cli_load(client, runner, tmp_path):
    data = f'<urn:e> <urn:d> "2024-13-45"^^<{XSD}date> .'
    report = client.post("/api/validate", data=data, content_type="text/turtle").json
    assert not report["conforms"]
    [violation] = report["violations"]
    assert violation["value"] == f'"2024-13-45"^^<{XSD}date>' and "not a valid xsd:date" in violation["message"]
    path = tmp_path / "bad.ttl"
    path.write_text(data)
    result = runner.invoke(main, ["load", str(path)])
    assert result.exit_code != 0 and "not a valid xsd:date" in result.output
    valid = runner.invoke(main, ["validate", str(path)])
    assert valid.exit_code == 1 and "ill-typed literal" in valid.output


def _raw(base: str, data: bytes, *, wait: float = 15) -> bytes:
    host, port = base.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=wait) as sock:
        sock.sendall(data)
        chunks = []
        try:
            while chunk := sock.recv(65536):
                chunks.append(chunk)
        except (socket.timeout, ConnectionResetError):
            pass
        return b"".join(chunks)


@pytest.mark.slow
def test_slow_clients_are_cut_off_and_others_served(serve):
    """Slowloris: more half-sent requests than the server has threads; each is cut off after the
    read timeout, and a normal request is answered meanwhile and after."""
    base, _ = serve("--workers", "1", env={"CONFLICTKG_READ_TIMEOUT": "2"})
    host, port = base.removeprefix("http://").split(":")
    slow = []
    for i in range(6):  # 4 threads serve 1 worker
        sock = socket.create_connection((host, int(port)), timeout=20)
        if i % 2:
            sock.sendall(b"POST /sparql HTTP/1.1\r\nHost: x\r\nContent-Type: application/sparql-query\r\n"
                         b"Content-Length: 1000\r\n\r\nASK {")  # a partial body
        else:
            sock.sendall(b"GET /health HTTP/1.1\r\nHost: x\r\nX-Slow: ")  # partial headers
        slow.append(sock)
    began = time.monotonic()
    assert b" 200 " in _raw(base, b"GET /health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
    cut = []
    for sock in slow:
        try:
            while sock.recv(65536):
                pass
        except (ConnectionResetError, socket.timeout):
            pass
        cut.append(time.monotonic() - began)
        sock.close()
    assert max(cut) < 15, cut
    assert b" 200 " in _raw(base, b"GET /health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")


@pytest.mark.slow
def test_what_gunicorn_refuses_is_a_problem_too(serve):
    base, _ = serve()
    too_long = _raw(base, b"GET /sparql?query=" + b"A" * 9000 + b" HTTP/1.1\r\nHost: x\r\n\r\n")
    assert too_long.startswith(b"HTTP/1.1 414") and b"application/problem+json" in too_long
    huge_headers = _raw(base, b"GET /health HTTP/1.1\r\nHost: x\r\n" + b"".join(b"X-H%d: v\r\n" % i for i in range(200))
                        + b"\r\n")
    assert huge_headers.startswith(b"HTTP/1.1 431") and b'"status": 431' in huge_headers
    garbage = _raw(base, b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03 not http\r\n\r\n")
    assert garbage.startswith(b"HTTP/1.1 400") and b"application/problem+json" in garbage
    chunked = _raw(base, b"POST /sparql HTTP/1.1\r\nHost: x\r\nContent-Type: application/sparql-query\r\n"
                         b"Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n"
                   + b"".join(b"10000\r\n" + b"#" * 0x10000 + b"\r\n" for _ in range(20)) + b"0\r\n\r\n")
    assert chunked.startswith(b"HTTP/1.1 413") and b"application/problem+json" in chunked
    assert b" 200 " in _raw(base, b"GET /health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
