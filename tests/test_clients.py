"""Real clients against a live server, unchanged: SPARQLWrapper with each of its return formats, by
GET and POST, for every query form; rdflib's SPARQLStore; pandas."""

import csv
import io
import json
import urllib.request
from urllib.parse import quote

import pandas as pd
import pytest
import rdflib
from rdflib.compare import isomorphic
from rdflib.plugins.stores.sparqlstore import SPARQLStore
from SPARQLWrapper import CSV, GET, JSON, JSONLD, N3, POST, RDFXML, TSV, TURTLE, XML, SPARQLWrapper

from conflictkg.api import create_app
from tests.support.live_app import serving

CK = "https://w3id.org/conflictkg/ontology#"
ID = "https://w3id.org/conflictkg/id/"
RDFS_LABEL = rdflib.RDFS.label
PREFIXES = f"PREFIX ck: <{CK}>\nPREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\n"
WHO_STRUCK_PAKISTAN = PREFIXES + f"""
SELECT ?date ?place WHERE {{
  ?e ck:country <{ID}actor/pakistan> ; ck:date ?date ; ck:target/rdfs:label ?place
}}"""
WAS_PAKISTAN_STRUCK = PREFIXES + f"ASK {{ ?e ck:country <{ID}actor/pakistan> }}"
STRIKES_ON_PAKISTAN = PREFIXES + f"""
CONSTRUCT {{ ?e ck:date ?date ; rdfs:label ?label }} WHERE {{
  ?e ck:country <{ID}actor/pakistan> ; ck:date ?date ; rdfs:label ?label
}}"""
DESCRIBE_PAKISTAN = f"DESCRIBE <{ID}actor/pakistan>"

# SPARQLWrapper 2.0 parses RDF/XML and JSON-LD answers into an rdflib ConjunctiveGraph, which rdflib 7 deprecates
pytestmark = pytest.mark.filterwarnings("ignore:ConjunctiveGraph is deprecated:DeprecationWarning")


@pytest.fixture(scope="module")
def server():
    """One live server for the module: every client here only reads."""
    with serving(create_app({"STORE": "memory", "TESTING": True})) as url:
        yield url


def _wrapper(server, query, method, fmt=None):
    client = SPARQLWrapper(server + "/sparql")
    client.setQuery(query)
    client.setMethod(method)
    if fmt is not None:
        client.setReturnFormat(fmt)
    return client


def _rows(fmt, result) -> list[tuple]:
    """SELECT rows as (date, place), read as the client hands them over in each format."""
    if fmt == JSON:
        return [(b["date"]["value"], b["place"]["value"]) for b in result["results"]["bindings"]]
    if fmt == XML:
        return [tuple(n.firstChild.firstChild.data for n in r.getElementsByTagName("binding"))
                for r in result.getElementsByTagName("result")]
    text = result.decode("utf-8")
    if fmt == CSV:
        return [(row["date"], row["place"]) for row in csv.DictReader(io.StringIO(text))]
    header, *lines = text.splitlines()  # TSV holds RDF terms: "2024-01-16"^^xsd:date, "Koh-e-Sabz"@en
    assert header == "?date\t?place"
    return [tuple(rdflib.util.from_n3(cell).toPython() for cell in line.split("\t")) for line in lines]


@pytest.mark.parametrize("method", [GET, POST])
@pytest.mark.parametrize("fmt", [JSON, XML, CSV, TSV])
def test_sparqlwrapper_select(server, method, fmt):
    rows = _rows(fmt, _wrapper(server, WHO_STRUCK_PAKISTAN, method, fmt).query().convert())
    assert [(str(date), str(place)) for date, place in rows] == [("2024-01-16", "Koh-e-Sabz")]


@pytest.mark.parametrize("method", [GET, POST])
@pytest.mark.parametrize("fmt", [JSON, XML, CSV, TSV])
def test_sparqlwrapper_ask(server, method, fmt):
    for query, expected in ((WAS_PAKISTAN_STRUCK, True), (WAS_PAKISTAN_STRUCK.replace("pakistan", "atlantis"), False)):
        result = _wrapper(server, query, method, fmt).query().convert()
        if fmt == JSON:
            assert result["boolean"] is expected
        elif fmt == XML:
            assert result.getElementsByTagName("boolean")[0].firstChild.data == str(expected).lower()
        else:
            assert result.decode().strip() == str(expected).lower()


def _graph(fmt, result, content_type: str) -> rdflib.Graph:
    """A graph answer as an rdflib Graph, whatever the client handed over."""
    if isinstance(result, rdflib.Graph):
        graph = rdflib.Graph()
        for triple in result.triples((None, None, None)):
            graph.add(triple)
        return graph
    assert isinstance(result, bytes), (fmt, type(result))
    parser = {"text/turtle": "turtle", "application/n-triples": "nt"}[content_type.split(";")[0]]
    return rdflib.Graph().parse(data=result.decode("utf-8"), format=parser)


#: Each return format, and the media type the server answers it in (None: SPARQLWrapper's default, RDF/XML).
GRAPH_FORMATS = {None: "application/rdf+xml", XML: "application/rdf+xml", RDFXML: "application/rdf+xml",
                 TURTLE: "text/turtle", N3: "text/turtle", JSONLD: "application/ld+json"}


@pytest.mark.parametrize("method", [GET, POST])
@pytest.mark.parametrize("query", [STRIKES_ON_PAKISTAN, DESCRIBE_PAKISTAN], ids=["construct", "describe"])
def test_sparqlwrapper_graphs_in_every_format(server, method, query):
    """Every format gives the same graph: the one the endpoint answers in N-Triples by ``Accept``."""
    request = urllib.request.Request(server + "/sparql?query=" + quote(query), headers={"Accept": "application/n-triples"})
    with urllib.request.urlopen(request, timeout=10) as response:
        assert response.headers.get_content_type() == "application/n-triples"
        expected = rdflib.Graph().parse(data=response.read().decode(), format="nt")
    assert len(expected) > 0
    for fmt, media in GRAPH_FORMATS.items():
        answer = _wrapper(server, query, method, fmt).query()
        content_type = answer.info()["content-type"]
        assert content_type.split(";")[0] == media, fmt
        graph = _graph(fmt, answer.convert(), content_type)
        assert isomorphic(graph, expected), fmt
    # N-Triples has no SPARQLWrapper constant: a client asks for it by Accept alone
    client = _wrapper(server, query, method, TURTLE)
    client.setOnlyConneg(True)
    client.addCustomHttpHeader("Accept", "application/n-triples")
    answer = client.query()
    assert answer.info()["content-type"].startswith("application/n-triples")
    assert isomorphic(_graph(None, answer.convert(), "application/n-triples"), expected)


def test_the_construct_answer_is_the_strike_on_pakistan(server):
    graph = _wrapper(server, STRIKES_ON_PAKISTAN, GET).query().convert()  # the default: RDF/XML, an rdflib graph
    dates = {str(o) for o in graph.objects(None, rdflib.URIRef(CK + "date"))}
    assert dates == {"2024-01-16"}
    describe = _wrapper(server, DESCRIBE_PAKISTAN, POST).query().convert()
    assert rdflib.Literal("Pakistan", lang="en") in set(describe.objects(rdflib.URIRef(ID + "actor/pakistan"), RDFS_LABEL))


def _get(url: str) -> tuple[int, str, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, response.headers.get_content_type(), response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers.get_content_type(), error.read()


def test_format_parameters_that_agree_are_one_request_and_that_disagree_a_problem(server):
    base = server + "/sparql?query=" + quote(WHO_STRUCK_PAKISTAN)
    status, media, _ = _get(base + "&format=tsv&output=tsv&results=tsv&format=text/tab-separated-values")
    assert (status, media) == (200, "text/tab-separated-values")
    status, media, body = _get(base + "&format=json&output=xml")
    assert (status, media) == (400, "application/problem+json")
    assert "name different formats" in json.loads(body)["detail"]
    status, media, _ = _get(server + "/sparql?query=" + quote(DESCRIBE_PAKISTAN) + "&format=xml&output=rdf%2Bxml")
    assert (status, media) == (200, "application/rdf+xml")


def test_rdflib_sparqlstore(server):
    graph = rdflib.Graph(store=SPARQLStore(server + "/sparql", returnFormat="json"))
    rows = list(graph.query(WHO_STRUCK_PAKISTAN))
    assert [(str(r.date), str(r.place)) for r in rows] == [("2024-01-16", "Koh-e-Sabz")]
    # its default asks SPARQL XML or RDF/XML, so one store answers SELECT and CONSTRUCT alike
    constructed = rdflib.Graph(store=SPARQLStore(server + "/sparql")).query(STRIKES_ON_PAKISTAN)
    assert {str(o) for o in constructed.graph.objects(None, rdflib.URIRef(CK + "date"))} == {"2024-01-16"}


def test_pandas_reads_csv_results(server):
    url = server + "/sparql?format=csv&query=" + quote(
        "PREFIX ck: <https://w3id.org/conflictkg/ontology#> "
        "SELECT ?e ?fatalities WHERE { ?e ck:fatalities ?fatalities } ORDER BY DESC(?fatalities)")
    frame = pd.read_csv(url)
    assert list(frame.columns) == ["e", "fatalities"]
    assert frame["fatalities"].tolist()[:2] == [100, 12]
