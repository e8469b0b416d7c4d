"""``sparql:URL;graph=IRI`` works the same on both remote engines, Oxigraph server and Virtuoso: the
graph is seeded when empty, read as the default graph, and pages and facets answer as in memory."""

from __future__ import annotations

import uuid
from pathlib import Path

import pyoxigraph as ox
import pytest
import requests

from conflictkg.api import create_app
from conflictkg.graph.domain.strikes import strikes
from conflictkg.graph.domain.synth import write_events
from conflictkg.graph.store import StoreError, open_store, sparql_backend
from conflictkg.graph.store.sparql_backend import SparqlStore
from conflictkg.graph.write.load import load_files


@pytest.fixture(params=["oxigraph", "virtuoso"])
def engine(request):
    """(query URL, server) of each engine, from the session's servers."""
    server = request.getfixturevalue(f"{request.param}_service")
    return request.param, server


@pytest.fixture
def graph_spec(engine):
    name, server = engine
    graph = f"urn:conflictkg:test:{uuid.uuid4().hex}"
    spec = f"sparql:{server.query_url};graph={graph}"
    if name == "oxigraph":
        spec += f";update={server.update_url}"
    yield spec
    SparqlStore.from_spec(spec).remove_graph(graph)


def test_a_graph_is_seeded_when_empty_and_read_as_the_default_graph(graph_spec):
    memory = open_store("memory")
    store = open_store(graph_spec)
    assert len(store) == len(memory)
    assert store.named_graphs() == []
    again = open_store(graph_spec)  # not seeded twice
    assert len(again) == len(memory)


def test_the_rest_answers_and_pages_as_in_memory(graph_spec):
    memory = create_app({"STORE": "memory", "TESTING": True}).test_client()
    remote = create_app({"STORE": graph_spec, "TESTING": True}).test_client()
    for url in ("/api/strikes", "/api/strikes?country=Iran&limit=2", "/api/accusations?limit=5",
                "/api/strikes/facets?by=perpetrator", "/api/accusations/facets?by=month",
                "/api/strikes/facets?by=type&from=2024-01-01", "/api/strikes?type=DroneStrike",
                "/api/accusations?from=2024-01-01&to=2024-01-16", "/api/accusations/facets?by=accused&from=2024-01-16"):
        assert remote.get(url).json == memory.get(url).json, url
    cursor = memory.get("/api/accusations?limit=4").json["next"]
    assert (remote.get(f"/api/accusations?limit=4&cursor={cursor}").json
            == memory.get(f"/api/accusations?limit=4&cursor={cursor}").json)
    geo = remote.get("/api/strikes?format=geojson").json
    assert [f["id"] for f in geo["features"]] == [f["id"] for f in memory.get("/api/strikes?format=geojson").json["features"]]


@pytest.mark.parametrize("spec, message", [
    ("sparql:http://127.0.0.1:1/sparql;graph=", "unknown option"),
    ("sparql:http://127.0.0.1:1/sparql;graph=not an iri", "graph= needs an absolute IRI"),
    ("sparql:http://127.0.0.1:1/sparql;graph=relative", "graph= needs an absolute IRI"),
    ("sparql:http://127.0.0.1:1/sparql;grpah=urn:x", "unknown option"),
])
def test_a_bad_graph_option_is_refused(spec, message):
    with pytest.raises(StoreError, match=message):
        SparqlStore.from_spec(spec)


@pytest.fixture
def bulk_spec(engine, graph_spec):
    """The graph spec with the engine's Graph Store endpoint."""
    name, server = engine
    return graph_spec + (f";store={server.gsp_url}" if name == "virtuoso" else "")


def _synthetic(tmp_path, events: int = 120) -> Path:
    path = tmp_path / "events.nt"
    with open(path, "w", encoding="utf-8") as out:
        write_events(out, events, seed=11)
    return path


def _graphs(store) -> set[str]:
    """Every graph of the engine (not only conflictkg's view of it)."""
    plain = SparqlStore(store.query_url, store.update_url)
    return {row["g"].value for row in plain.select("SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }")}


def test_bulk_quads_go_in_batches_through_the_graph_store(bulk_spec, tmp_path, monkeypatch):
    quads = list(ox.parse(path=str(_synthetic(tmp_path)), format=ox.RdfFormat.N_TRIPLES))
    remote = open_store(bulk_spec)
    before, graphs = len(remote), _graphs(remote)
    monkeypatch.setattr(sparql_backend, "BATCH", 500)
    posted = []
    monkeypatch.setattr(requests.Session, "post", _recording(requests.Session.post, posted))
    remote.add_quads(quads, bulk=True)
    batches = [len(data.splitlines()) for url, data in posted if url == remote.store_url]
    assert len(batches) > 3 and max(batches) <= 500 and sum(batches) == len(quads)
    assert len(remote) == before + len(set(quads))
    assert remote.ask(f"ASK {{ {quads[-1].subject} {quads[-1].predicate} {quads[-1].object} }}")
    assert _graphs(remote) == graphs  # straight into the data: no graph of its own


def _recording(post, posted: list):
    def record(self, url, data=None, **kwargs):
        posted.append((url, data.decode() if isinstance(data, bytes) else ""))
        return post(self, url, data=data, **kwargs)
    return record


def test_a_bulk_load_goes_in_batches_through_the_graph_store(bulk_spec, tmp_path, monkeypatch):
    path = _synthetic(tmp_path)
    memory, remote = open_store("memory"), open_store(bulk_spec)
    graphs = _graphs(remote)
    monkeypatch.setattr(sparql_backend, "BATCH", 500)
    sent = []
    original = SparqlStore._send_batch
    monkeypatch.setattr(SparqlStore, "_send_batch", lambda self, graph, body: (sent.append(body.count(b"\n")),
                                                                                original(self, graph, body)))
    added = load_files(remote, [path])
    assert added == load_files(memory, [path])
    assert len(sent) > 3 and max(sent) <= 500 and sum(sent) == added
    assert len(remote) == len(memory)
    assert [s["id"] for s in strikes(remote)] == [s["id"] for s in strikes(memory)]
    assert _graphs(remote) == graphs


def _failing_at(monkeypatch, n: int) -> list:
    """Make the ``n``-th batch sent fail, as an engine that goes away would."""
    original, calls = SparqlStore._send_batch, []

    def failing(self, graph, body):
        calls.append(graph)
        if len(calls) == n:
            raise StoreError("the engine went away")
        return original(self, graph, body)

    monkeypatch.setattr(SparqlStore, "_send_batch", failing)
    return calls


def test_a_bulk_load_cut_short_leaves_nothing(bulk_spec, tmp_path, monkeypatch):
    remote = open_store(bulk_spec)
    monkeypatch.setattr(sparql_backend, "BATCH", 500)
    _failing_at(monkeypatch, 3)
    before = set(remote.quads_for_pattern())
    quads = list(ox.parse(path=str(_synthetic(tmp_path)), format=ox.RdfFormat.N_TRIPLES))
    with pytest.raises(StoreError, match="went away"):
        remote.add_quads(quads, bulk=True)
    assert set(remote.quads_for_pattern()) == before


def test_a_load_cut_short_keeps_the_triples_it_repeated(bulk_spec, tmp_path, monkeypatch):
    """A file that holds triples the engine has already: taking the load back must not take them."""
    remote = open_store(bulk_spec)
    before = set(remote.quads_for_pattern())
    path = _synthetic(tmp_path)
    repeated = [q for q in before if isinstance(q.subject, ox.NamedNode) and isinstance(q.object, ox.NamedNode)][:50]
    with open(path, "a", encoding="utf-8") as out:
        out.writelines(f"{q.subject} {q.predicate} {q.object} .\n" for q in repeated)
    monkeypatch.setattr(sparql_backend, "BATCH", 500)
    calls = _failing_at(monkeypatch, 3)
    with pytest.raises(StoreError, match="went away"):
        load_files(remote, [path])
    assert len(calls) == 3
    assert set(remote.quads_for_pattern()) == before


# -- WKT literals as written ---------------------------------------------------------------------------

GEO = "PREFIX geo: <http://www.opengis.net/ont/geosparql#>\n"
GEO_WKT = "http://www.opengis.net/ont/geosparql#wktLiteral"
SYRIA = "https://w3id.org/conflictkg/id/place/syria-geometry"  # the seed's "POINT(38.99 34.80)"


def _raw_select(server, graph: str, query: str) -> list[dict]:
    """The engine's own JSON answer, read by no part of conflictkg."""
    response = requests.post(server.query_url, data={"query": query, "default-graph-uri": graph},
                             headers={"Accept": "application/sparql-results+json"}, timeout=30)
    response.raise_for_status()
    return response.json()["results"]["bindings"]


def test_a_wkt_literal_is_read_matched_and_replaced_as_written(engine, graph_spec):
    """The seed's point with its trailing zero comes back as written; a query and a DELETE DATA that
    name it find it; a point with seven decimals put in its place comes back as written too, in the
    SPARQL answers and in the places' GeoJSON."""
    client = create_app({"STORE": graph_spec, "TESTING": True, "UPDATE_TOKEN": "t"}).test_client()

    def ask(wkt: str) -> bool:
        query = GEO + f'ASK {{ <{SYRIA}> geo:asWKT "{wkt}"^^geo:wktLiteral }}'
        return client.get("/sparql", query_string={"query": query}).json["boolean"]

    rows = client.get("/sparql", query_string={"query": GEO + f"SELECT ?w (DATATYPE(?w) AS ?d) "
                                                              f"WHERE {{ <{SYRIA}> geo:asWKT ?w }}"}).json
    (row,) = rows["results"]["bindings"]
    assert (row["w"]["value"], row["w"]["datatype"], row["d"]["value"]) == ("POINT(38.99 34.80)", GEO_WKT, GEO_WKT)
    assert ask("POINT(38.99 34.80)") and not ask("POINT(38.99 34.8)")
    moved = (GEO + f'DELETE DATA {{ <{SYRIA}> geo:asWKT "POINT(38.99 34.80)"^^geo:wktLiteral }} ; '
                   f'INSERT DATA {{ <{SYRIA}> geo:asWKT "POINT(38.9912345 34.8012345)"^^geo:wktLiteral }}')
    response = client.post("/sparql/update", data=moved, content_type="application/sparql-update",
                           headers={"Authorization": "Bearer t"})
    assert response.status_code == 204, response.get_data(as_text=True)
    assert ask("POINT(38.9912345 34.8012345)") and not ask("POINT(38.99 34.80)")
    places = client.get("/api/places?format=geojson&limit=1000").json["features"]
    assert [f["geometry"]["coordinates"] for f in places if f["properties"]["label"] == "Syria"] == [[38.9912345,
                                                                                                     34.8012345]]


def test_the_engine_holds_the_wkt_text_as_written(engine, graph_spec):
    """Oxigraph server keeps a geo:wktLiteral as it is; on Virtuoso, which would round it, the same text
    is kept under conflictkg's own datatype: what a reader of the engine itself sees."""
    from conflictkg.graph.store.virtuoso import AS_WRITTEN

    name, server = engine
    open_store(graph_spec)  # seeds the graph
    (row,) = _raw_select(server, graph_spec.split("graph=")[1].split(";")[0],
                         f"SELECT ?w WHERE {{ <{SYRIA}> <http://www.opengis.net/ont/geosparql#asWKT> ?w }}")
    assert (row["w"]["value"], row["w"]["datatype"]) == ("POINT(38.99 34.80)",
                                                         AS_WRITTEN if name == "virtuoso" else GEO_WKT)


def test_geometries_virtuoso_stored_itself_are_read_as_wkt_literals(virtuoso_service):
    """Points written to Virtuoso without conflictkg are rounded by it through single precision: they are
    read as geo:wktLiteral, exact up to six significant digits, the nearest single-precision value beyond."""
    graph = f"urn:conflictkg:test:{uuid.uuid4().hex}"
    spec = f"sparql:{virtuoso_service.query_url};graph={graph}"
    requests.post(virtuoso_service.update_url, timeout=30, data={"update": (
        f"INSERT DATA {{ GRAPH <{graph}> {{ <urn:x:a> <urn:x:at> \"POINT(67.71 33.94)\"^^<{GEO_WKT}> . "
        f"<urn:x:b> <urn:x:at> \"POINT(38.9912345 -2.5)\"^^<{GEO_WKT}> }} }}")}).raise_for_status()
    try:
        (raw,) = _raw_select(virtuoso_service, graph, "SELECT ?w WHERE { <urn:x:a> ?p ?w }")
        assert raw["w"]["value"] == "POINT(67.709999084473 33.939998626709)"  # what Virtuoso answers
        store = SparqlStore.from_spec(spec)
        found = {row["s"].value: row["w"] for row in store.select("SELECT ?s ?w WHERE { ?s <urn:x:at> ?w }")}
        assert found == {"urn:x:a": ox.Literal("POINT(67.71 33.94)", datatype=ox.NamedNode(GEO_WKT)),
                         "urn:x:b": ox.Literal("POINT(38.991234 -2.5)", datatype=ox.NamedNode(GEO_WKT))}
        graph_answer = store.query("CONSTRUCT WHERE { <urn:x:a> ?p ?w }")
        assert [t.object for t in graph_answer] == [found["urn:x:a"]]
    finally:
        SparqlStore.from_spec(spec).remove_graph(graph)


def test_a_load_sends_none_of_the_engines_quads(oxigraph_service, tmp_path, monkeypatch):
    """The store's copy joins the new data for the check: none of it, its named graphs' quads
    neither, may travel with the load, or taking a load cut short back would take them too."""
    from tests.conftest import _drop_all

    _drop_all(oxigraph_service.update_url)
    try:
        remote = open_store(f"sparql:{oxigraph_service.query_url}")  # seeded: the engine was empty
        remote.update("INSERT DATA { GRAPH <urn:conflictkg:test:kept> { <urn:a> <urn:b> <urn:c> } }")
        before = set(remote.quads_for_pattern())
        monkeypatch.setattr(sparql_backend, "BATCH", 500)
        sent, original = [], SparqlStore._send_batch
        monkeypatch.setattr(SparqlStore, "_send_batch", lambda self, graph, body: (
            sent.append((graph, body.count(b"\n"))), original(self, graph, body)))
        added = load_files(remote, [_synthetic(tmp_path, events=400)])
        assert {graph for graph, _ in sent} == {None} and sum(n for _, n in sent) == added
        assert set(remote.quads_for_pattern()) >= before
        assert len(remote) == len(before) + added
    finally:
        _drop_all(oxigraph_service.update_url)
