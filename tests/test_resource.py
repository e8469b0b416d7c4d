"""Every IRI of the graph dereferences: a page for browsers, its triples for RDF clients, 404 for the unknown."""

import re
from html import unescape

import pyoxigraph as ox
import pytest
import rdflib
from rdflib.compare import isomorphic

from conflictkg.graph.domain.evidence import evidence_for
from conflictkg.graph.domain.source import article
from conflictkg.graph.vocab import CK, ID

KERMAN = ID + "event/2024-01-03-kerman-bombings"
BROWSER = {"Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"}
PROBLEM = "application/problem+json"


def _page(client, iri):
    r = client.get("/id/" + iri[len(ID):], headers=BROWSER)
    assert r.status_code == 200 and r.mimetype == "text/html", r.get_data(as_text=True)[:500]
    return r.get_data(as_text=True)


def _text(html: str) -> str:
    return unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)))


def _stored(store, iri) -> rdflib.Graph:
    """What the store holds with the IRI as subject or object, read without the app."""
    graph = rdflib.Graph()
    node = f"<{iri}>"
    for row in store.select(f"SELECT ?s ?p ?o WHERE {{ {{ BIND({node} AS ?s) {node} ?p ?o }} UNION "
                            f"{{ BIND({node} AS ?o) ?s ?p {node} }} }}"):
        graph += rdflib.Graph().parse(data=f"{row['s']} {row['p']} {row['o']} .", format="nt")
    return graph


def test_a_browser_gets_the_page_with_its_quotes_in_context(client, store):
    html = _page(client, KERMAN)
    assert re.search(r'<h1 id="label">Kerman bombings</h1>', html)
    text = _text(html)
    assert "bombing ck:Bombing" in text  # its type, labelled
    # every quote of the event, marked inside the article's own text around it
    quotes = evidence_for(store, [KERMAN])[KERMAN]
    assert quotes
    marked = [unescape(m) for m in re.findall(r"<mark>(.*?)</mark>", html.split('id="statements"')[0], re.S)]
    assert marked == [q["quote"] for q in quotes]
    for q in quotes:
        assert article().text[q["start"]:q["end"]] == q["quote"]
        before = article().text[max(0, q["start"] - 40):q["start"]]
        assert before.split("\n")[-1] in text
    # a statement links its value to that value's page
    assert f'href="/id/place/kerman"' in html and "/id/actor/iran" in html


def test_an_attribution_the_article_does_not_report_shows_its_status_and_claimant(client, store):
    claims = store.select(f"""PREFIX ck: <{CK}>
        SELECT ?value ?status ?claimant WHERE {{ ?c ck:claimAbout <{KERMAN}> ; ck:claimProperty ck:perpetrator ;
          ck:claimValue ?value ; ck:status ?status ; ck:claimant ?claimant FILTER(?status != "reported") }}""")
    assert claims, "the seed alleges a perpetrator of the Kerman bombings"
    html = _page(client, KERMAN)
    claims_html = html[html.index('id="claims"'):html.index('id="incoming"')]
    for row in claims:
        value, status, claimant = row["value"].value, row["status"].value, row["claimant"].value
        line = next(p for p in re.findall(r"<p>(.*?)</p>", claims_html, re.S) if f'/id/{value[len(ID):]}"' in p)
        assert f'class="badge {status}"' in line and f'/id/{claimant[len(ID):]}"' in line
        assert "ck:perpetrator" in line


def test_the_page_lists_incoming_links(client):
    text = _text(_page(client, ID + "actor/jaish-al-adl"))
    incoming = text[text.index("Linked from"):]
    assert "Jaish al Adl attack on the police headquarters in Rask" in incoming


def test_an_evidence_node_is_its_own_quote(client, store):
    quote = evidence_for(store, [KERMAN])[KERMAN][0]
    evidence = store.select(f"SELECT ?e WHERE {{ <{KERMAN}> <{CK.evidence}> ?e . ?e <{CK.start}> {quote['start']} }}")
    html = _page(client, evidence[0]["e"].value)
    assert unescape(re.search(r"<mark>(.*?)</mark>", html, re.S).group(1)) == quote["quote"]


@pytest.mark.parametrize("accept, media", [
    ("text/turtle", "text/turtle"),
    ("application/ld+json", "application/ld+json"),
    ("application/n-triples", "application/n-triples"),
    ("application/rdf+xml", "application/rdf+xml"),
    ("*/*", "text/turtle"),  # curl
    (None, "text/turtle"),
])
def test_rdf_clients_get_the_triples(client, store, accept, media):
    r = client.get("/id/event/2024-01-03-kerman-bombings", headers={"Accept": accept} if accept else {})
    assert r.status_code == 200 and r.mimetype == media
    assert "Accept" in r.headers["Vary"]
    # read by another parser than the one that wrote it (rdflib's JSON-LD parser warns of its own deprecations)
    parser = {"text/turtle": "turtle", "application/n-triples": "nt", "application/rdf+xml": "xml"}.get(media)
    if parser is None:
        nt = ox.serialize(ox.parse(r.data, format=ox.RdfFormat.from_media_type(media)), format=ox.RdfFormat.N_TRIPLES)
        graph = rdflib.Graph().parse(data=nt.decode(), format="nt")
    else:
        graph = rdflib.Graph().parse(data=r.get_data(as_text=True), format=parser)
    assert isomorphic(graph, _stored(store, KERMAN))
    assert (rdflib.URIRef(KERMAN), rdflib.RDFS.label, rdflib.Literal("Kerman bombings", lang="en")) in graph


def test_format_parameter_and_the_ontology_terms(client):
    r = client.get("/id/actor/iran?format=nt", headers=BROWSER)
    assert r.mimetype == "application/n-triples"
    assert client.get("/id/actor/iran?format=html").mimetype == "text/html"
    term = client.get("/resource?iri=" + CK.perpetrator.replace("#", "%23"), headers=BROWSER)
    assert term.status_code == 200 and ">perpetrator</h1>" in term.get_data(as_text=True)


@pytest.mark.parametrize("url, status", [
    ("/id/actor/atlantis", 404),
    ("/id/nothing", 404),
    ("/resource?iri=urn:x:unknown", 404),
    ("/resource?iri=not%20an%20iri", 400),
    ("/resource", 400),
])
@pytest.mark.parametrize("headers", [BROWSER, {"Accept": "text/turtle"}])
def test_unknown_and_bad_iris_are_problems(client, url, status, headers):
    r = client.get(url, headers=headers)
    assert r.status_code == status and r.mimetype == PROBLEM
    assert r.json["status"] == status
