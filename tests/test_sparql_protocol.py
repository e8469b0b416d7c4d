"""The SPARQL 1.1 Protocol, after the W3C test suite (w3c/rdf-tests, sparql/sparql11/protocol).

Each ``test_w3c_*`` case is the W3C test of the same name, rewritten from its manifest with
our own data: the named graphs data0..data3 each say ``<dataN.rdf> a foaf:Document``.
"""

from urllib.parse import quote, urlencode

import pyoxigraph as ox
import pytest

from conflictkg.api import create_app
from conflictkg.graph.store import open_store

D = "http://kasei.us/2009/09/sparql/data/"
PROBLEM = "application/problem+json"
TOKEN = "s3cret-token"


@pytest.fixture
def w3c(tmp_path):
    store = open_store("memory")
    for n in range(4):
        store.load(f"<{D}data{n}.rdf> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> "
                   "<http://xmlns.com/foaf/0.1/Document> .\n", ox.RdfFormat.N_TRIPLES,
                   to_graph=f"{D}data{n}.rdf")
    app = create_app({"STORE": store, "TESTING": True, "UPDATE_TOKEN": TOKEN})
    return app.test_client()


def _boolean(response):
    assert 200 <= response.status_code < 400, response.get_data(as_text=True)
    return response.json["boolean"]


def test_w3c_query_post_form(w3c):
    r = w3c.post(f"/sparql/?default-graph-uri={quote(D + 'data0.rdf')}", data="query=ASK%20%7B%7D",
                 content_type="application/x-www-form-urlencoded")
    assert _boolean(r) is True


def test_w3c_query_dataset_default_graphs_get(w3c):
    q = f"ASK {{ <{D}data1.rdf> a ?type . <{D}data2.rdf> a ?type . }}"
    r = w3c.get("/sparql/?" + urlencode([("query", q), ("default-graph-uri", D + "data1.rdf"),
                                         ("default-graph-uri", D + "data2.rdf")]))
    assert _boolean(r) is True


def test_w3c_query_dataset_default_graphs_post(w3c):
    q = f"ASK {{ <{D}data1.rdf> a ?type . <{D}data2.rdf> a ?type . }}"
    r = w3c.post("/sparql/?" + urlencode([("default-graph-uri", D + "data1.rdf"), ("default-graph-uri", D + "data2.rdf")]),
                 data=q, content_type="application/sparql-query")
    assert _boolean(r) is True


@pytest.mark.parametrize("method", ["get", "post"])
def test_w3c_query_dataset_named_graphs(w3c, method):
    q = f"ASK {{ GRAPH ?g1 {{ <{D}data1.rdf> a ?type }} GRAPH ?g2 {{ <{D}data2.rdf> a ?type }} }}"
    graphs = [("named-graph-uri", D + "data1.rdf"), ("named-graph-uri", D + "data2.rdf")]
    if method == "get":
        r = w3c.get("/sparql/?" + urlencode([("query", q), *graphs]))
    else:
        r = w3c.post("/sparql/?" + urlencode(graphs), data=q, content_type="application/sparql-query")
    assert _boolean(r) is True


def test_w3c_query_dataset_full(w3c):
    q = (f"ASK {{ <{D}data3.rdf> a ?type GRAPH ?g1 {{ <{D}data1.rdf> a ?type }} "
         f"GRAPH ?g2 {{ <{D}data2.rdf> a ?type }} }}")
    params = [("default-graph-uri", D + "data3.rdf"), ("named-graph-uri", D + "data1.rdf"), ("named-graph-uri", D + "data2.rdf")]
    assert _boolean(w3c.post("/sparql/?" + urlencode(params), data=q, content_type="application/sparql-query")) is True


def test_w3c_query_multiple_dataset(w3c):
    """The protocol's dataset overrides the query's FROM."""
    q = f"ASK FROM <{D}data2.rdf> {{ <{D}data1.rdf> a ?type }}"
    r = w3c.post("/sparql/?" + urlencode([("default-graph-uri", D + "data1.rdf")]), data=q,
                 content_type="application/sparql-query")
    assert _boolean(r) is True


def test_w3c_query_get(w3c):
    assert _boolean(w3c.get("/sparql/?query=ASK%20%7B%7D")) is True


def test_w3c_query_post_direct(w3c):
    assert _boolean(w3c.post("/sparql/", data="ASK {}", content_type="application/sparql-query")) is True


@pytest.mark.parametrize("query, kinds", [
    ("SELECT (1 AS ?value) {}", {"application/sparql-results+xml", "application/sparql-results+json", "text/csv",
                                  "text/tab-separated-values"}),
    ("ASK {}", {"application/sparql-results+xml", "application/sparql-results+json"}),
    ("DESCRIBE <http://example.org/>", {"text/turtle", "application/rdf+xml", "application/n-triples",
                                         "application/ld+json"}),
    ("CONSTRUCT { <s> <p> 1 } WHERE {}", {"text/turtle", "application/rdf+xml", "application/n-triples",
                                           "application/ld+json"}),
], ids=["query_content_type_select", "query_content_type_ask", "query_content_type_describe",
        "query_content_type_construct"])
def test_w3c_query_content_type(w3c, query, kinds):
    accept = ", ".join(sorted(kinds))
    r = w3c.get("/sparql/?query=" + quote(query), headers={"Accept": accept})
    assert r.status_code == 200 and r.mimetype in kinds


@pytest.mark.parametrize("name, send", [
    ("bad_query_method", lambda c: c.put("/sparql/?query=ASK%20%7B%7D")),
    ("bad_multiple_queries", lambda c: c.get("/sparql/?query=ASK%20%7B%7D&query=SELECT%20%2A%20%7B%7D")),
    ("bad_query_wrong_media_type", lambda c: c.post("/sparql/", data="ASK {}", content_type="text/plain")),
    ("bad_query_missing_form_type", lambda c: c.post("/sparql/", data="query=ASK%20%7B%7D")),
    ("bad_query_missing_direct_type", lambda c: c.post("/sparql/", data="ASK {}")),
    ("bad_query_non_utf8", lambda c: c.post("/sparql/", data="ASK { <http://example/d\xe9> ?p ?o }".encode("latin-1"),
                                            content_type="application/sparql-query; charset=ISO-8859-1")),
    ("bad_query_syntax", lambda c: c.get("/sparql/?query=ASK%20%7B")),
    ("bad_update_get", lambda c: c.get("/sparql/?update=CLEAR%20ALL")),
])
def test_w3c_bad_query(w3c, name, send):
    r = send(w3c)
    assert 400 <= r.status_code < 500 and r.mimetype == PROBLEM, (name, r.status_code)


def _update(client, body, content_type="application/sparql-update", token=TOKEN, path="/sparql/update"):
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return client.post(path, data=body, content_type=content_type, headers=headers)


def test_w3c_update_post_form_and_direct(w3c):
    assert _update(w3c, "update=" + quote("INSERT DATA { <urn:a> <urn:b> 1 }"), QUERY_FORM).status_code == 204
    assert _update(w3c, "INSERT DATA { <urn:a> <urn:b> 2 }").status_code == 204
    assert _boolean(w3c.get("/sparql?query=" + quote("ASK { <urn:a> <urn:b> 1, 2 }"))) is True


QUERY_FORM = "application/x-www-form-urlencoded"


@pytest.mark.parametrize("name, send, status", [
    ("bad_multiple_updates", lambda c: _update(c, "update=CLEAR%20DEFAULT&update=CLEAR%20DEFAULT", QUERY_FORM), 400),
    ("bad_update_wrong_media_type", lambda c: _update(c, "CLEAR DEFAULT", "text/plain"), 415),
    ("bad_update_missing_form_type", lambda c: _update(c, "update=CLEAR%20DEFAULT", None), 415),
    ("bad_update_non_utf8", lambda c: _update(c, "INSERT DATA { <urn:\xe9> <urn:b> 1 }".encode("latin-1"),
                                             "application/sparql-update; charset=ISO-8859-1"), 415),
    ("bad_update_syntax", lambda c: _update(c, "INSERT DATA { <urn:a> }"), 400),
])
def test_w3c_bad_update(w3c, name, send, status):
    before = w3c.get("/health").json["triples"]
    r = send(w3c)
    assert r.status_code == status and r.mimetype == PROBLEM, (name, r.status_code)
    assert w3c.get("/health").json["triples"] == before


def test_updates_need_the_token(w3c, client):
    assert _update(w3c, "CLEAR DEFAULT", token=None).status_code == 401
    assert _update(w3c, "CLEAR DEFAULT", token="wrong").status_code == 403
    assert _update(client, "CLEAR DEFAULT").status_code == 403  # no token configured: no updates at all
    assert client.get("/health").json["triples"] > 1000


def test_a_write_is_seen_at_once_despite_the_cache(w3c):
    ask = "/sparql?query=" + quote("ASK { <urn:new> ?p ?o }")
    assert _boolean(w3c.get(ask)) is False
    assert _boolean(w3c.get(ask)) is False  # now cached
    assert _update(w3c, "INSERT DATA { <urn:new> <urn:p> 1 }").status_code == 204
    assert _boolean(w3c.get(ask)) is True


@pytest.mark.parametrize("accept, expected", [
    ("text/csv;q=0.5, application/sparql-results+xml", "application/sparql-results+xml"),
    ("application/sparql-results+json;q=0.1, text/tab-separated-values;q=0.9", "text/tab-separated-values"),
    ("*/*", "application/sparql-results+json"),
    (None, "application/sparql-results+json"),
])
def test_negotiation_follows_q_values(client, accept, expected):
    headers = {"Accept": accept} if accept else {}
    r = client.get("/sparql?query=" + quote("SELECT (1 AS ?x) {}"), headers=headers)
    assert r.mimetype == expected


def test_format_parameter_and_406(client):
    q = quote("SELECT (1 AS ?x) {}")
    assert client.get(f"/sparql?query={q}&format=csv").get_data(as_text=True).splitlines() == ["x", "1"]
    assert client.get(f"/sparql?query={q}", headers={"Accept": "image/png"}).status_code == 406
    assert client.get(f"/sparql?query={q}&format=ttl").status_code == 406
    construct = quote("CONSTRUCT { <urn:s> <urn:p> 1 } WHERE {}")
    assert client.get(f"/sparql?query={construct}&format=nt").get_data(as_text=True).strip() == \
        '<urn:s> <urn:p> "1"^^<http://www.w3.org/2001/XMLSchema#integer> .'


def test_graph_format_names_as_clients_send_them(client):
    """``xml`` is RDF/XML for a graph and SPARQL XML for results; N3 is answered in Turtle; an ASK in CSV is its word."""
    construct = quote("CONSTRUCT { <urn:s> <urn:p> 1 } WHERE {}")
    assert client.get(f"/sparql?query={construct}&format=xml").mimetype == "application/rdf+xml"
    assert client.get(f"/sparql?query={construct}&format=json").mimetype == "application/ld+json"
    n3 = client.get(f"/sparql?query={construct}", headers={"Accept": "text/n3"})
    assert n3.mimetype == "text/turtle" and b"<urn:s> <urn:p> 1" in n3.data
    select = quote("SELECT (1 AS ?x) {}")
    assert client.get(f"/sparql?query={select}&format=xml").mimetype == "application/sparql-results+xml"
    assert client.get("/sparql?format=csv&query=" + quote("ASK {}")).get_data(as_text=True).strip() == "true"
    clash = client.post("/sparql", data={"query": "ASK {}", "format": "json", "output": "csv"})
    assert clash.status_code == 400 and clash.mimetype == PROBLEM and "format='json' and output='csv'" in clash.json["detail"]


def test_update_sent_as_query_is_refused(client):
    r = client.get("/sparql?query=" + quote("INSERT DATA { <urn:a> <urn:b> 1 }"))
    assert r.status_code == 400 and "POST /sparql/update" in r.json["detail"]


def test_no_query_gives_service_description_or_page(client):
    sd = client.get("/sparql", headers={"Accept": "text/turtle"})
    assert sd.mimetype == "text/turtle" and b"sd:SPARQL11Query" in sd.data
    page = client.get("/sparql", headers={"Accept": "text/html,application/xhtml+xml,*/*;q=0.8"})
    assert page.mimetype == "text/html" and b"<textarea" in page.data
    assert client.get("/").mimetype == "text/html"


@pytest.mark.parametrize("url, headers", [
    ("/sparql?query=" + quote("SELECT (1 AS ?x) {}"), {}),
    ("/sparql?query=" + quote("SELECT (1 AS ?x) {}") + "&format=csv", {}),
    ("/sparql?query=" + quote("CONSTRUCT { <urn:s> <urn:p> 1 } WHERE {}"), {"Accept": "application/n-triples"}),
    ("/sparql", {"Accept": "text/turtle"}),
    ("/sparql", {"Accept": "text/html"}),
])
def test_head_answers_as_get_without_a_body(client, url, headers):
    get, head = client.get(url, headers=headers), client.head(url, headers=headers)
    assert "HEAD" in client.put(url).headers["Allow"]
    assert get.status_code == head.status_code == 200
    assert head.mimetype == get.mimetype and head.headers["Content-Length"] == str(len(get.data))
    assert head.data == b"" and get.data


def test_head_refuses_as_get_does(client):
    bad = "/sparql?query=" + quote("SELECT WHERE {")
    assert client.head(bad).status_code == client.get(bad).status_code == 400


def test_cors_and_body_limit(client):
    r = client.get("/sparql?query=" + quote("ASK {}"), headers={"Origin": "http://example.org"})
    assert r.headers["Access-Control-Allow-Origin"] == "*"
    big = client.post("/sparql", data="ASK {} #" + "x" * 2_000_000, content_type="application/sparql-query")
    assert big.status_code == 413 and big.mimetype == PROBLEM


@pytest.mark.parametrize("query, detail, line, column", [
    ("SELEC ?x WHERE { ?x ?p ?o }", "expected SELECT, CONSTRUCT, ASK or DESCRIBE at 1:1", 1, 1),
    ("PREFIX ck: <https://w3id.org/conflictkg/ontology#>\nSELECT * WHERE {\n  ?e ckk:date ?d }",
     "unknown prefix ckk: at 3:6 (declare it: PREFIX ckk: <…>)", 3, 6),
    ("SELECT * WHERE {\n  ?s ?p ?o .\n", "the { opened at 1:16 is never closed", 1, 16),
    ("SELECT nothing WHERE { }", "expected a ?variable, ( or * after SELECT at 1:8", 1, 8),
])
def test_syntax_errors_say_where_and_what(client, query, detail, line, column):
    r = client.post("/sparql", data=query, content_type="application/sparql-query")
    assert r.status_code == 400 and r.mimetype == PROBLEM
    assert (r.json["detail"], r.json["line"], r.json["column"]) == (detail, line, column)


def test_an_error_the_text_does_not_explain_keeps_the_engines_position(client):
    r = client.get("/sparql?query=" + quote("SELECT * WHERE { ?s ?p ?o } LIMIT x"))
    assert r.json["detail"].startswith('syntax error at 1:35 near "} LIMIT x": expected one of ')
    assert "a number" in r.json["detail"] and "[_]" not in r.json["detail"]
