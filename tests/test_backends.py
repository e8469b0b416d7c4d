"""One behavioural suite over every backend (``backend`` in conftest.py: memory, oxigraph:PATH,
rdflib, sparql: against a real ``oxigraph serve``): the REST API, /sparql, the CLI, exports,
snapshots, validation and validated writes answer exactly as the in-memory store does.

Expected answers come from a memory store in the same test, or from the seed's hand-checked
facts (tests/test_rest.py, tests/test_seed.py); nothing here writes down what code computes.
"""

from __future__ import annotations

import json
import urllib.parse
import urllib.request
from pathlib import Path
from urllib.parse import quote

import pyoxigraph as ox
import pytest

from conflictkg.api import create_app
from conflictkg.cli import main
from conflictkg.graph.write.gate import Refused
from conflictkg.graph.write.load import load_files
from conflictkg.graph.exports.snapshot import canonical_id
from conflictkg.graph.formats import rdf_format
from conflictkg.graph.store import open_store
from tests.support.oxigraph_server import oxigraph_server

FIXTURES = Path(__file__).parent.parent / "shapes" / "tests"
GOOD = FIXTURES / "good-attack.ttl"            # conforms, with the seed too
BAD = FIXTURES / "attack-incomplete.ttl"       # attacks without what an attack needs
CK = "https://w3id.org/conflictkg/ontology#"
EVENT = "https://w3id.org/conflictkg/id/event/"
ACTOR = "https://w3id.org/conflictkg/id/actor/"
KOH_E_SABZ = f"{EVENT}2024-01-16-iran-strikes-koh-e-sabz"
PREFIXES = (f"PREFIX ck: <{CK}> PREFIX xsd: <http://www.w3.org/2001/XMLSchema#> "
            "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\n")
TOKEN = "backend-suite-token"
AUTH = {"Authorization": f"Bearer {TOKEN}"}
PROBLEM = "application/problem+json"


@pytest.fixture(scope="module")
def reference():
    """The memory store's app, read only: what every backend must answer."""
    return create_app({"STORE": open_store("memory"), "TESTING": True}).test_client()


@pytest.fixture
def client(backend):
    """The backend's app, with writes allowed for :data:`TOKEN`."""
    return backend.app(UPDATE_TOKEN=TOKEN).test_client()


@pytest.fixture
def reader(seeded):
    """The app over a seeded backend shared by the module: for tests that only read."""
    return seeded.app().test_client()


def _json(client, url: str):
    response = client.get(url)
    assert response.status_code == 200, (url, response.get_data(as_text=True)[:500])
    return response.json


def _rows(body: dict) -> list[str]:
    """SPARQL JSON results as sorted, comparable rows."""
    return sorted(json.dumps(b, sort_keys=True) for b in body["results"]["bindings"])


def _sparql(client, query: str, accept: str = "application/sparql-results+json", **params):
    url = "/sparql?" + urllib.parse.urlencode({"query": query, **params})
    response = client.get(url, headers={"Accept": accept})
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    return response


# -- REST ---------------------------------------------------------------------------------------------

@pytest.mark.parametrize("url", [
    "/api/strikes?country=Pakistan", "/api/strikes", "/api/strikes?perpetrator=Israel&from=2024-01-01",
    "/api/accusations", "/api/accusations?accuser=Pakistan&accused=Iran",
    "/api/actors/iran", "/api/actors?type=person", "/api/timeline",
])
def test_rest_answers_equal_memorys(reader, reference, url):
    assert _json(reader, url) == _json(reference, url)


def test_rest_answers_the_seeds_facts(reader):
    [strike] = _json(reader, "/api/strikes?country=Pakistan")["strikes"]
    assert (strike["date"], strike["target"]["label"]) == ("2024-01-16", "Koh-e-Sabz")
    assert {p["label"] for p in strike["perpetrators"]} == {"Iran", "Islamic Revolutionary Guard Corps"}
    mossad = _json(reader, "/api/accusations?accused=Mossad")["accusations"]
    assert [a["date"] for a in mossad] == ["2024-01-15"]
    profile = _json(reader, "/api/actors/iran")
    assert [s["date"] for s in profile["strikes"]["by"]] == ["2024-01-15", "2024-01-15", "2024-01-16"]
    assert [a["accuser"]["id"] for a in profile["accusations"]["received"]] == ["pakistan"]
    assert reader.get("/api/actors/atlantis").status_code == 404
    assert _json(reader, "/health")["triples"] == len(open_store("memory"))


# -- /sparql ------------------------------------------------------------------------------------------

STRIKES_ON_PAKISTAN = (PREFIXES + f"SELECT ?e ?date WHERE {{ ?e ck:country <{ACTOR}pakistan> ; "
                       "ck:perpetrator ?p ; ck:date ?date }")
# a strike typed ck:MissileStrike is a ck:Attack only through the RDFS view (entailment=rdfs, the default)
ATTACKS = PREFIXES + "SELECT ?e WHERE { ?e a ck:Attack }"
CONSTRUCT = PREFIXES + "CONSTRUCT { ?e ck:perpetrator ?p ; ck:date ?d } WHERE { ?e ck:perpetrator ?p ; ck:date ?d }"


@pytest.mark.parametrize("query, params", [
    (STRIKES_ON_PAKISTAN, {}), (ATTACKS, {}), (ATTACKS, {"entailment": "none"}),
    (PREFIXES + "SELECT ?type (COUNT(*) AS ?n) WHERE { ?s a ?type } GROUP BY ?type", {}),
])
def test_sparql_select_equals_memorys(seeded, reader, reference, query, params):
    if seeded.remote:  # a remote engine is queried as it stands: compare with memory's graph as stored
        params = {"entailment": "none", **params}
    assert _rows(_sparql(reader, query, **params).json) == _rows(_sparql(reference, query, **params).json)


def test_sparql_select_finds_the_seeds_strike_and_attacks_only_through_rdfs(seeded, reader):
    rows = _sparql(reader, STRIKES_ON_PAKISTAN).json["results"]["bindings"]
    assert {(r["e"]["value"], r["date"]["value"]) for r in rows} == {(KOH_E_SABZ, "2024-01-16")}
    def attacks(**params) -> set[str]:
        return {r["e"]["value"] for r in _sparql(reader, ATTACKS, **params).json["results"]["bindings"]}

    assert KOH_E_SABZ not in attacks(entailment="none")  # typed ck:MissileStrike
    if seeded.remote:  # no entailed copy of a remote graph: none by default, rdfs refused
        assert KOH_E_SABZ not in attacks()
        refused = reader.get("/sparql?" + urllib.parse.urlencode({"query": ATTACKS, "entailment": "rdfs"}))
        assert refused.status_code == 400 and "entailment" in refused.json["detail"]
    else:
        assert KOH_E_SABZ in attacks()


def test_sparql_ask(reader):
    assert _sparql(reader, PREFIXES + f"ASK {{ <{KOH_E_SABZ}> a ck:MissileStrike }}").json["boolean"] is True
    assert _sparql(reader, PREFIXES + f"ASK {{ <{KOH_E_SABZ}> ck:country <{ACTOR}yemen> }}").json["boolean"] is False


def test_sparql_construct_equals_memorys(reader, reference):
    def triples(c) -> set[ox.Triple]:
        body = _sparql(c, CONSTRUCT, accept="application/n-triples").data
        return {q.triple for q in ox.parse(body, format=ox.RdfFormat.N_TRIPLES)}

    got = triples(reader)
    assert got == triples(reference)
    assert ox.Triple(ox.NamedNode(KOH_E_SABZ), ox.NamedNode(CK + "perpetrator"), ox.NamedNode(ACTOR + "irgc")) in got


def test_sparql_bad_query_is_400(reader):
    response = reader.get("/sparql?query=" + quote("SELECT ?x WHERE {"))
    assert response.status_code == 400 and response.mimetype == PROBLEM


DOCS = "http://kasei.us/2009/09/sparql/data/"  # the W3C protocol tests' graphs (tests/test_sparql_protocol.py)


@pytest.mark.parametrize("query, dataset", [
    (f"ASK {{ <{DOCS}data1.rdf> a ?t . <{DOCS}data2.rdf> a ?t }}",
     [("default-graph-uri", f"{DOCS}data1.rdf"), ("default-graph-uri", f"{DOCS}data2.rdf")]),
    (f"ASK {{ GRAPH ?g1 {{ <{DOCS}data1.rdf> a ?t }} GRAPH ?g2 {{ <{DOCS}data2.rdf> a ?t }} }}",
     [("named-graph-uri", f"{DOCS}data1.rdf"), ("named-graph-uri", f"{DOCS}data2.rdf")]),
    (f"ASK {{ <{DOCS}data3.rdf> a ?t GRAPH ?g {{ <{DOCS}data1.rdf> a ?t }} }}",
     [("default-graph-uri", f"{DOCS}data3.rdf"), ("named-graph-uri", f"{DOCS}data1.rdf")]),
    (f"ASK FROM <{DOCS}data2.rdf> {{ <{DOCS}data1.rdf> a ?t }}", [("default-graph-uri", f"{DOCS}data1.rdf")]),
], ids=["default-graphs", "named-graphs", "full", "protocol-over-FROM"])
def test_sparql_protocol_dataset_over_named_graphs(backend, query, dataset):
    store = backend.store()
    for n in range(4):
        store.load(f"<{DOCS}data{n}.rdf> a <http://xmlns.com/foaf/0.1/Document> .", ox.RdfFormat.TURTLE,
                   to_graph=f"{DOCS}data{n}.rdf")
    reader = backend.app().test_client()
    response = reader.get("/sparql?" + urllib.parse.urlencode([("query", query), *dataset]))
    assert response.status_code == 200 and response.json["boolean"] is True, response.get_data(as_text=True)
    in_graphs = reader.get("/sparql?query=" + quote("SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"))
    assert in_graphs.json["results"]["bindings"][0]["n"]["value"] == "4"


# -- CLI ----------------------------------------------------------------------------------------------

def _run(runner, backend, *args: str, env: dict | None = None):
    """``conflictkg ARGS`` in this process, the test's handle on the store dropped first (RocksDB
    allows one opener); its exit code and output, without the traceback that holds the store."""
    backend.release()
    result = runner.invoke(main, list(args), env=env)
    result.exc_info = result.exception = None
    return result


def _cli(runner, backend, *args: str, env: dict | None = None):
    result = _run(runner, backend, *args, env=env)
    assert result.exit_code == 0, result.output
    return result


def test_cli_query_with_store_option_and_environment(seeded, runner):
    def rows(*args: str, env: dict | None = None) -> list[str]:
        return _rows(json.loads(_cli(runner, seeded, "query", STRIKES_ON_PAKISTAN, "--format", "json", *args,
                                     env=env).stdout))

    expected = rows("--store", "memory")
    assert rows("--store", seeded.spec) == rows(env={"CONFLICTKG_STORE": seeded.spec}) == expected
    ask = _run(runner, seeded, "query", PREFIXES + f"ASK {{ <{KOH_E_SABZ}> a ck:Attack }}", "--store", seeded.spec)
    if seeded.remote:  # as stored by default: the strike is a ck:MissileStrike, and rdfs is refused
        assert ask.exit_code == 0 and ask.stdout.strip() == "false"
        refused = _run(runner, seeded, "query", PREFIXES + "ASK {}", "--entailment", "rdfs", "--store", seeded.spec)
        assert refused.exit_code == 2 and "not by a remote engine" in refused.output
        ask = _cli(runner, seeded, "query", PREFIXES + f"ASK {{ <{KOH_E_SABZ}> a ck:MissileStrike }}",
                   "--store", seeded.spec)
    assert ask.stdout.strip() == "true"


def test_cli_strikes_and_accusations_json_equal_the_api(seeded, runner, reference):
    strikes = _cli(runner, seeded, "strikes", "--country", "Pakistan", "--json", "--store", seeded.spec)
    assert json.loads(strikes.stdout) == _json(reference, "/api/strikes?country=Pakistan")
    accusations = _cli(runner, seeded, "accusations", "--json", env={"CONFLICTKG_STORE": seeded.spec})
    assert json.loads(accusations.stdout) == _json(reference, "/api/accusations")


@pytest.mark.parametrize("fmt", ["nt", "ttl", "nq", "jsonld"])
def test_export_round_trips_to_memorys_graph(seeded, runner, tmp_path, fmt):
    path = tmp_path / f"kg.{fmt}"
    _cli(runner, seeded, "export", "--format", fmt, "-o", str(path), "--store", seeded.spec)
    back = open_store("memory", seed=False)
    back.load(path.read_bytes(), rdf_format(path.name))
    assert len(back) == len(open_store("memory"))
    assert canonical_id(back) == canonical_id(open_store("memory"))


def test_snapshot_id_equals_memorys(seeded, runner, tmp_path):
    out = _cli(runner, seeded, "snapshot", "--dir", str(tmp_path / "snaps"), "--store", seeded.spec)
    snapshot_id = out.stdout.strip().splitlines()[-1]
    assert snapshot_id == canonical_id(open_store("memory"))
    assert canonical_id(seeded.store()) == snapshot_id
    assert (tmp_path / "snaps" / f"{snapshot_id}.nq.gz").exists()


def test_validate_the_store_and_files_against_it(backend, runner):
    assert _run(runner, backend, "validate", "--store", backend.spec).exit_code == 0
    as_loaded = _run(runner, backend, "validate", str(BAD), "--store", backend.spec, "--json")
    memory = _run(runner, backend, "validate", str(BAD), "--store", "memory", "--json")
    assert as_loaded.exit_code == memory.exit_code == 1
    assert json.loads(as_loaded.stdout) == json.loads(memory.stdout)
    assert canonical_id(backend.store()) == canonical_id(open_store("memory"))  # checked, not stored


# -- writes: load --------------------------------------------------------------------------------------

def test_a_conforming_file_goes_in(backend):
    memory = open_store("memory")
    memory_before = len(memory)
    grown = load_files(memory, [GOOD])
    assert grown == len(memory) - memory_before > 0
    store = backend.store()
    before = len(store)
    assert load_files(store, [GOOD]) == grown
    assert len(store) == before + grown
    assert canonical_id(store) == canonical_id(memory)


def test_a_violating_file_is_refused_whole(backend):
    store = backend.store()
    before, snapshot = len(store), canonical_id(store)
    with pytest.raises(Refused) as refused:
        load_files(store, [GOOD, BAD])
    memory = open_store("memory")
    with pytest.raises(Refused) as expected:
        load_files(memory, [GOOD, BAD])
    assert {r.key for r in refused.value.report.results} == {r.key for r in expected.value.report.results}
    assert len(store) == before and canonical_id(store) == snapshot
    assert store.named_graphs() == []  # nothing left staged


def test_load_command(backend, runner):
    """``conflictkg load --store SPEC``: a refused file changes nothing; a good one is reported and,
    in a store that persists, seen by the next opener."""
    memory = open_store("memory")
    grown = load_files(memory, [GOOD])
    seeded = len(open_store("memory"))
    refused = _run(runner, backend, "load", str(GOOD), str(BAD), "--store", backend.spec)
    assert refused.exit_code == 1 and "nothing was stored" in refused.output
    assert len(backend.store()) == seeded
    loaded = _cli(runner, backend, "load", str(GOOD), "--store", backend.spec)
    assert f"loaded {grown} new triples" in loaded.output
    assert len(backend.store()) == seeded + (grown if backend.persistent else 0)


LITERALS = """@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> . @prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix geo: <http://www.opengis.net/ont/geosparql#> .
<https://w3id.org/conflictkg/id/actor/iran> rdfs:comment "line one\\nline \\"two\\", a back\\\\slash, a\\ttab, “curly” ü 🚀"@en ;
    rdfs:seeAlso [ rdfs:comment "a blank node"@en ; rdfs:seeAlso [ rdfs:comment "nested"@en ] ] .
<urn:x:measure> <urn:x:value> "2.5"^^xsd:double , "2024-01-16T10:00:00Z"^^xsd:dateTime , "7"^^xsd:integer ,
    "1.5"^^xsd:decimal , "chat"@fr-CA , "x"^^<urn:x:custom> , "POINT(38.00 20.1234567)"^^geo:wktLiteral .
"""
#: Numbers written otherwise than in their canonical form, and a boolean beside the integer 1.
NUMBERS = """@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
<urn:x:measure> <urn:x:value> "1000"^^xsd:double , "007"^^xsd:integer , "1.50"^^xsd:decimal , "true"^^xsd:boolean ,
    "1"^^xsd:integer .
"""


def _stored_as_written(backend, tmp_path, text: str) -> None:
    path = tmp_path / "literals.ttl"
    path.write_text(text, encoding="utf-8")
    memory = open_store("memory")
    load_files(memory, [path])
    store = backend.store()
    load_files(store, [path])
    query = "SELECT ?o WHERE { <urn:x:measure> <urn:x:value> ?o }"
    assert sorted(map(str, store.select(query))) == sorted(map(str, memory.select(query)))
    assert canonical_id(store) == canonical_id(memory)


def test_literals_and_blank_nodes_are_stored_as_written(backend, tmp_path):
    """Escapes, non-ASCII text, blank nodes, typed literals (a WKT point with trailing zeros and seven
    decimals too) come back as the memory store keeps them: the same snapshot id, the same answers."""
    _stored_as_written(backend, tmp_path, LITERALS)


def test_numbers_are_stored_as_written(backend, tmp_path):
    _stored_as_written(backend, tmp_path, NUMBERS)


# -- writes: POST /sparql/update -----------------------------------------------------------------------

INSERT_COMMENT = PREFIXES + f'INSERT DATA {{ <{ACTOR}iran> rdfs:comment "A state."@en }}'
INSERT_BOMBING = PREFIXES + "INSERT DATA { <urn:x:bombing> a ck:Bombing }"  # no date, no perpetrator
DELETE_PERPETRATORS = PREFIXES + "DELETE WHERE { ?e ck:perpetrator ?p }"
DELETE_FATALITIES = PREFIXES + "DELETE WHERE { ?e ck:fatalities ?f }"  # optional: the shapes allow it


def _update(client, body: str, headers=AUTH):
    return client.post("/sparql/update", data=body, content_type="application/sparql-update", headers=headers)


def _triples(client) -> int:
    return _json(client, "/health")["triples"]


@pytest.mark.parametrize("update", [INSERT_COMMENT, DELETE_FATALITIES])
def test_a_valid_update_commits_as_in_memory(backend, client, update):
    memory = open_store("memory")
    memory_client = create_app({"STORE": memory, "TESTING": True, "UPDATE_TOKEN": TOKEN}).test_client()
    assert _update(memory_client, update).status_code == 204
    response = _update(client, update)
    assert response.status_code == 204, response.get_data(as_text=True)
    assert _triples(client) == len(memory) != len(open_store("memory"))
    assert canonical_id(backend.store()) == canonical_id(memory)


def test_an_inserted_fact_is_seen_at_once(client):
    ask = PREFIXES + f'ASK {{ <{ACTOR}iran> rdfs:comment "A state."@en }}'
    assert _sparql(client, ask).json["boolean"] is False
    assert _update(client, INSERT_COMMENT).status_code == 204
    assert _sparql(client, ask).json["boolean"] is True


@pytest.mark.parametrize("update, status", [
    (INSERT_BOMBING, 422),            # violates the shapes
    (DELETE_PERPETRATORS, 422),       # would leave every attack without a perpetrator
    ("INSERT DATA { <urn:a> }", 400),  # not SPARQL
])
def test_a_refused_update_changes_nothing(backend, client, update, status):
    before, snapshot = _triples(client), canonical_id(backend.store())
    response = _update(client, update)
    assert response.status_code == status and response.mimetype == PROBLEM, response.get_data(as_text=True)
    if status == 422:
        assert response.json["report"]["conforms"] is False
    assert _triples(client) == before and canonical_id(backend.store()) == snapshot
    assert backend.store().named_graphs() == []


def test_updates_need_the_token(backend, client):
    before = _triples(client)
    assert _update(client, INSERT_COMMENT, headers={}).status_code == 401
    assert _update(client, INSERT_COMMENT, headers={"Authorization": "Bearer wrong"}).status_code == 403
    assert _triples(client) == before


# -- serve over a remote engine -----------------------------------------------------------------------

def _get_json(url: str):
    with urllib.request.urlopen(url, timeout=30) as response:
        return json.load(response)


@pytest.mark.slow
def test_serve_over_an_oxigraph_server_with_files_loaded_first(serve, tmp_path):
    import subprocess
    import sys

    from tests.support.oxigraph_server import free_port

    memory = open_store("memory")
    seeded = len(memory)
    load_files(memory, [GOOD])
    expected = create_app({"STORE": memory, "TESTING": True}).test_client()
    with oxigraph_server(tmp_path / "oxigraph") as engine:
        def engine_triples() -> int:
            counted = _get_json(engine.query_url + "?" + urllib.parse.urlencode(
                {"query": "SELECT (COUNT(*) AS ?n) WHERE { { ?s ?p ?o } UNION { GRAPH ?g { ?s ?p ?o } } }"}))
            return int(counted["results"]["bindings"][0]["n"]["value"])

        refused = subprocess.run([sys.executable, "-m", "conflictkg", "serve", "--port", str(free_port()),
                                  "--store", engine.spec, "--load", str(GOOD), "--load", str(BAD)],
                                 capture_output=True, text=True, timeout=120)
        assert refused.returncode == 1 and "not serving" in refused.stderr
        assert engine_triples() == seeded  # seeded when first opened; nothing of the refused files

        base, _ = serve("--store", engine.spec, "--load", str(GOOD))
        for url in ("/api/strikes?country=Pakistan", "/api/strikes", "/api/accusations", "/api/actors/israel"):
            assert _get_json(base + url) == _json(expected, url)
        assert _get_json(f"{base}/health")["triples"] == len(memory)
        # what was loaded is in the engine itself, not in a copy held by conflictkg
        assert engine_triples() == len(memory)
        subjects = {q.subject for q in ox.parse(GOOD.read_bytes(), format=ox.RdfFormat.TURTLE,
                                                base_iri=GOOD.resolve().as_uri())
                    if isinstance(q.subject, ox.NamedNode)}
        assert subjects
        for subject in subjects:
            query = f"ASK {{ {subject} ?p ?o }}"
            assert _get_json(f"{base}/sparql?entailment=none&query={quote(query)}")["boolean"] is True
