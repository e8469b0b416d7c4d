"""Real clients against a live server: SPARQLWrapper, rdflib's SPARQLStore, pandas."""

import io
import urllib.request

import pandas as pd
import pytest
import rdflib
from rdflib.plugins.stores.sparqlstore import SPARQLStore
from SPARQLWrapper import GET, JSON, POST, XML, SPARQLWrapper

WHO_STRUCK_PAKISTAN = """
PREFIX ck: <https://w3id.org/conflictkg/ontology#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
SELECT ?date ?place WHERE {
  ?e ck:country <https://w3id.org/conflictkg/id/actor/pakistan> ; ck:date ?date ; ck:target/rdfs:label ?place
}"""


@pytest.mark.parametrize("method", [GET, POST])
@pytest.mark.parametrize("fmt", [JSON, XML])
def test_sparqlwrapper(live_server, method, fmt):
    client = SPARQLWrapper(live_server + "/sparql")
    client.setQuery(WHO_STRUCK_PAKISTAN)
    client.setMethod(method)
    client.setReturnFormat(fmt)
    result = client.query().convert()
    if fmt == JSON:
        rows = [(b["date"]["value"], b["place"]["value"]) for b in result["results"]["bindings"]]
    else:
        rows = [tuple(n.firstChild.firstChild.data for n in r.getElementsByTagName("binding"))
                for r in result.getElementsByTagName("result")]
    assert rows == [("2024-01-16", "Koh-e-Sabz")]


def test_rdflib_sparqlstore(live_server):
    graph = rdflib.Graph(store=SPARQLStore(live_server + "/sparql", returnFormat="json"))
    rows = list(graph.query(WHO_STRUCK_PAKISTAN))
    assert [(str(r.date), str(r.place)) for r in rows] == [("2024-01-16", "Koh-e-Sabz")]


def test_pandas_reads_csv_results(live_server):
    url = live_server + "/sparql?format=csv&query=" + urllib.request.quote(
        "PREFIX ck: <https://w3id.org/conflictkg/ontology#> "
        "SELECT ?e ?fatalities WHERE { ?e ck:fatalities ?fatalities } ORDER BY DESC(?fatalities)")
    with urllib.request.urlopen(url, timeout=10) as response:
        frame = pd.read_csv(io.BytesIO(response.read()))
    assert list(frame.columns) == ["e", "fatalities"]
    assert frame["fatalities"].tolist()[:2] == [100, 12]
