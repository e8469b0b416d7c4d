"""Every operation that writes, alone and in sequences, on every backend: the graph conforms to the
shapes after each one, a refused write changes nothing, and no well-formed write gets a 5xx.

The writes: each SPARQL 1.1 Update form (INSERT/DELETE DATA, DELETE/INSERT … WHERE with WITH and
USING, DELETE WHERE, LOAD, CLEAR, CREATE, DROP, COPY, MOVE, ADD, several in one request), the Graph
Store Protocol (``POST /store``, ``PUT``, ``DELETE``) and ``conflictkg load``. A named graph
holding an unchecked bombing is put in the store first, by the engine itself (what a store written
by another tool may hold), so that ADD, COPY and MOVE have something hostile to bring in.

After every write the entailed graph is compared with one computed afresh: the write kept it exact.
"""

from __future__ import annotations

import pyoxigraph as ox
import pytest

from conflictkg.cli import main
from conflictkg.graph.store import entailment
from conflictkg.graph.exports.snapshot import canonical_id
from conflictkg.graph.shacl.validation import validate
from conflictkg.graph.store.sparql_backend import SparqlStore

CK = "https://w3id.org/conflictkg/ontology#"
EVENT = "https://w3id.org/conflictkg/id/event/"
ACTOR = "https://w3id.org/conflictkg/id/actor/"
PREFIXES = (f"PREFIX ck: <{CK}> PREFIX xsd: <http://www.w3.org/2001/XMLSchema#> "
            "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#> PREFIX owl: <http://www.w3.org/2002/07/owl#>\n")
TOKEN = "integrity-token"
AUTH = {"Authorization": f"Bearer {TOKEN}"}
PROBLEM = "application/problem+json"
HELD = "urn:x:held"  # the named graph that holds an unchecked bombing
BOMBING = f"<{EVENT}x-bombing> a ck:Bombing"  # no date, perpetrator or place: violates the shapes
KOH_E_SABZ = f"<{EVENT}2024-01-16-iran-strikes-koh-e-sabz>"
A_VALID_STRIKE = f"""
    <{EVENT}new-strike> a ck:AirStrike ; rdfs:label "A new strike"@en ; ck:status "reported" ;
        ck:date "2024-01-20"^^xsd:date ; ck:perpetrator <{ACTOR}pakistan> ;
        ck:location <https://w3id.org/conflictkg/id/place/koh-e-sabz> ;
        ck:target <https://w3id.org/conflictkg/id/place/koh-e-sabz> ; ck:country <{ACTOR}pakistan> ;
        ck:evidence <https://w3id.org/conflictkg/id/evidence/e36b74ad2f990dde-137-284> ."""

#: (update, status, problem title): each refused, with nothing changed.
REFUSED = {
    "insert-data-bombing": (f"INSERT DATA {{ {BOMBING} }}", 422, "The write violates the shapes"),
    "insert-data-named": (f"INSERT DATA {{ GRAPH <urn:x:g> {{ {BOMBING} }} }}", 422, "Named graphs are read-only"),
    "delete-data-ontology": ("DELETE DATA { ck:MissileStrike rdfs:subClassOf ck:Attack }", 422,
                             "The ontology is read-only"),
    "delete-data-perpetrators": (f"DELETE DATA {{ {KOH_E_SABZ} ck:perpetrator <{ACTOR}iran>, <{ACTOR}irgc> }}", 422,
                                "The write violates the shapes"),
    "delete-where-perpetrators": ("DELETE WHERE { ?e ck:perpetrator ?p }", 422, "The write violates the shapes"),
    "delete-where-class-tree": ("DELETE WHERE { ?c rdfs:subClassOf ?d }", 422, "The ontology is read-only"),
    "delete-insert-retype": ("DELETE { ?e a ck:MissileStrike } INSERT { ?e a ck:Accusation } "
                             "WHERE { ?e a ck:MissileStrike }", 422, "The write violates the shapes"),
    "delete-insert-ontology-replaced": ("DELETE { ?s ?p ?o } INSERT { ?s ?p ck:Nothing } "
                                        "WHERE { ?s ?p ?o FILTER (?s = ck:Attack) }", 422, "The ontology is read-only"),
    "with-named": (f"WITH <{HELD}> INSERT {{ ?s rdfs:comment 'x' }} WHERE {{ ?s a ck:Bombing }}", 422,
                   "Named graphs are read-only"),
    "using-named": (f"INSERT {{ ?s ?p ?o }} USING <{HELD}> WHERE {{ ?s ?p ?o }}", 422,
                    "The write violates the shapes"),
    "add-to-default": (f"ADD <{HELD}> TO DEFAULT", 422, "The write violates the shapes"),
    "copy-to-default": (f"COPY <{HELD}> TO DEFAULT", 422, "The ontology is read-only"),
    "move-to-default": (f"MOVE <{HELD}> TO DEFAULT", 422, "Named graphs are read-only"),
    "copy-default-to-named": ("COPY DEFAULT TO <urn:x:copy>", 422, "Named graphs are read-only"),
    "add-default-to-named": (f"ADD DEFAULT TO <{HELD}>", 422, "Named graphs are read-only"),
    "move-missing": ("MOVE <urn:x:missing> TO DEFAULT", 400, "Bad SPARQL update"),
    "create": ("CREATE GRAPH <urn:x:new>", 422, "Named graphs are read-only"),
    "drop-named": (f"DROP GRAPH <{HELD}>", 422, "Named graphs are read-only"),
    "drop-all-named": ("DROP NAMED", 422, "Named graphs are read-only"),
    "clear-default": ("CLEAR DEFAULT", 422, "The ontology is read-only"),
    "drop-default": ("DROP DEFAULT", 422, "The ontology is read-only"),
    "clear-all": ("CLEAR ALL", 422, "Named graphs are read-only"),
    "drop-all": ("DROP ALL", 422, "Named graphs are read-only"),
    "load-remote": ("LOAD <http://example.org/data.ttl>", 400, "Remote access refused"),
    "load-into-named": ("LOAD <http://example.org/data.ttl> INTO GRAPH <urn:x:g>", 400, "Remote access refused"),
    "valid-then-invalid": (f"INSERT DATA {{ {A_VALID_STRIKE} }} ; DELETE WHERE {{ ?e ck:perpetrator ?p }}", 422,
                           "The write violates the shapes"),
    "valid-then-named": (f"INSERT DATA {{ {A_VALID_STRIKE} }} ; CREATE GRAPH <urn:x:new>", 422,
                         "Named graphs are read-only"),
    "not-sparql": ("INSERT DATA { <urn:a> }", 400, "Bad SPARQL update"),
}

#: How the updates that name :data:`HELD` are answered by a store that keeps its data in a graph of the
#: engine (``sparql:…;graph=IRI``, as on Virtuoso): that graph is the whole dataset conflictkg reads, and
#: HELD, another graph of the engine, is none of its named graphs. So each names a graph that is not
#: there: a no-op (204) where SPARQL allows it, an error where it does not, and never a change to HELD.
IN_A_GRAPH = {
    "with-named": (204, None), "using-named": (204, None), "add-to-default": (204, None),
    "drop-all-named": (204, None), "move-to-default": (400, "Bad SPARQL update"),
    "drop-named": (400, "Bad SPARQL update"),
    "clear-all": (422, "The ontology is read-only"), "drop-all": (422, "The ontology is read-only"),
}

#: Updates the shapes allow, applied in this order by one test: (update, ASK that holds after it).
ACCEPTED = [
    (f"INSERT DATA {{ {A_VALID_STRIKE} }}", f"ASK {{ <{EVENT}new-strike> a ck:Attack }}"),
    (f"DELETE WHERE {{ {KOH_E_SABZ} ck:fatalities ?f }}", f"ASK {{ FILTER NOT EXISTS {{ {KOH_E_SABZ} ck:fatalities ?f }} }}"),
    (f"DELETE {{ <{EVENT}new-strike> a ck:AirStrike }} INSERT {{ <{EVENT}new-strike> a ck:DroneStrike }} "
     f"WHERE {{ <{EVENT}new-strike> a ck:AirStrike }}", f"ASK {{ <{EVENT}new-strike> a ck:DroneStrike, ck:Attack }}"),
    (f"INSERT {{ ?s rdfs:comment 'struck' }} WHERE {{ ?s ck:perpetrator <{ACTOR}pakistan> }}",
     f"ASK {{ <{EVENT}new-strike> rdfs:comment 'struck' }}"),
    (f"INSERT DATA {{ <{EVENT}new-strike> a ck:Attack }} ; DELETE DATA {{ <{EVENT}new-strike> rdfs:comment 'struck' }}",
     f"ASK {{ <{EVENT}new-strike> a ck:Attack FILTER NOT EXISTS {{ <{EVENT}new-strike> rdfs:comment ?c }} }}"),
    (f"INSERT DATA {{ ck:Raid rdfs:subClassOf ck:Attack . <{EVENT}new-strike> a ck:Raid }}",
     f"ASK {{ <{EVENT}new-strike> a ck:Raid }}"),
    (f"DELETE WHERE {{ <{EVENT}new-strike> ?p ?o }}", f"ASK {{ FILTER NOT EXISTS {{ <{EVENT}new-strike> ?p ?o }} }}"),
]


@pytest.fixture
def held(backend):
    """The backend's store with the named graph :data:`HELD` put in by the engine, unchecked."""
    store = backend.store()
    bombing = ox.Quad(ox.NamedNode(f"{EVENT}x-bombing"), ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type"),
                      ox.NamedNode(f"{CK}Bombing"), ox.NamedNode(HELD))
    store.add_quads([bombing])
    return store


@pytest.fixture
def client(backend, held):
    return backend.app(UPDATE_TOKEN=TOKEN).test_client()


def _in_a_graph(backend) -> bool:
    store = backend.store()
    return isinstance(store, SparqlStore) and store.graph is not None


def _refusal(backend, name: str) -> tuple[int, str | None]:
    """(status, problem title) of the update named ``name`` on this backend."""
    status, title = REFUSED[name][1:]
    return IN_A_GRAPH.get(name, (status, title)) if _in_a_graph(backend) else (status, title)


def _assert_held_untouched(backend) -> None:
    """HELD is the store's one named graph, or with ``;graph=`` none of them, and still in the engine."""
    store = backend.store()
    if not _in_a_graph(backend):
        assert [str(g) for g in store.named_graphs()] == [f"<{HELD}>"]
        return
    assert store.named_graphs() == []
    engine = SparqlStore(store.query_url, store.update_url)  # the engine's graphs, not conflictkg's view
    assert engine.ask(f"ASK {{ GRAPH <{HELD}> {{ <{EVENT}x-bombing> a <{CK}Bombing> }} }}")


def _update(client, text: str):
    return client.post("/sparql/update", data=PREFIXES + text, content_type="application/sparql-update", headers=AUTH)


def _state(store) -> tuple:
    """What a refused write must leave as it was: the data's canonical id, and the entailed triples."""
    return canonical_id(store), sorted(map(str, store.quads_for_pattern(None, None, None, entailment.ENTAILED_GRAPH)))


def _assert_sound(store) -> None:
    """The default graph conforms, and the entailed graph is what a fresh computation gives."""
    assert validate(store).conforms
    if store.entails:
        fresh = ox.Store()
        fresh.bulk_extend(store.quads_for_pattern(None, None, None, ox.DefaultGraph()))
        entailment.rebuild(fresh)
        kept = set(store.quads_for_pattern(None, None, None, entailment.ENTAILED_GRAPH))
        assert kept == set(fresh.quads_for_pattern(None, None, None, entailment.ENTAILED_GRAPH))


@pytest.mark.parametrize("name", list(REFUSED))
def test_a_hostile_update_is_refused_and_changes_nothing(backend, held, client, name):
    status, title = _refusal(backend, name)
    before = _state(held)
    response = _update(client, REFUSED[name][0])
    if title is None:  # nothing to do: with ;graph= HELD is not there
        assert response.status_code == status, response.get_data(as_text=True)
    else:
        assert (response.status_code, response.mimetype) == (status, PROBLEM), response.get_data(as_text=True)
        assert response.json["title"] == title, response.json
    assert _state(backend.store()) == before
    _assert_held_untouched(backend)


def test_hostile_updates_in_sequence_leave_the_graph_as_it_was(backend, held, client):
    before = _state(held)
    for name, (text, _, _) in REFUSED.items():
        assert _update(client, text).status_code == _refusal(backend, name)[0], name
    assert _state(backend.store()) == before
    _assert_held_untouched(backend)
    _assert_sound(backend.store())


def test_updates_the_shapes_allow_are_applied_and_seen_at_once_with_what_they_entail(backend, held, client):
    for text, ask in ACCEPTED:
        response = _update(client, text)
        assert response.status_code == 204, (text, response.get_data(as_text=True))
        if backend.store().entails:
            answer = client.get("/sparql", query_string={"query": PREFIXES + ask})
            assert answer.json["boolean"] is True, (text, ask)
        _assert_sound(backend.store())
    # and interleaved with refusals, which leave each accepted write in place
    for text, ask in ACCEPTED[:3]:
        assert _update(client, REFUSED["delete-where-perpetrators"][0]).status_code == 422
        assert _update(client, text).status_code == 204
    _assert_sound(backend.store())


def test_the_entailed_graph_is_never_data(backend, held, client):
    """Not a named graph to a query, not in a dump, not in GET /store, not counted."""
    store = backend.store()
    graphs = client.get("/sparql", query_string={"query": "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }",
                                                 "entailment": "none"})
    assert [b["g"]["value"] for b in graphs.json["results"]["bindings"]] == ([] if _in_a_graph(backend) else [HELD])
    assert entailment.ENTAILED.encode() not in client.get("/store").data
    assert entailment.ENTAILED.encode() not in store.dump()
    assert len(store) == sum(1 for _ in store.quads())


# -- the Graph Store Protocol ---------------------------------------------------------------------------

@pytest.mark.parametrize("method, url, body, media, status", [
    ("POST", "/store?default", f"@prefix ck: <{CK}> . {BOMBING} .", "text/turtle", 422),
    ("POST", "/store", f"<{EVENT}x-bombing> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <{CK}Bombing> <urn:x:g> .",
     "application/n-quads", 422),
    ("POST", f"/store?graph={HELD}", "<urn:x:s> <urn:x:p> <urn:x:o> .", "application/n-triples", 400),
    ("POST", "/store?default", "<urn:x:s> <urn:x:p> .", "application/n-triples", 400),
    ("PUT", "/store?default", "<urn:x:s> <urn:x:p> <urn:x:o> .", "application/n-triples", 405),
    ("DELETE", "/store?default", "", "application/n-triples", 405),
    ("DELETE", f"/store?graph={HELD}", "", "application/n-triples", 405),
])
def test_a_hostile_graph_store_request_is_refused_and_changes_nothing(backend, held, client, method, url, body,
                                                                      media, status):
    before = _state(held)
    response = client.open(url, method=method, data=body, content_type=media, headers=AUTH)
    assert (response.status_code, response.mimetype) == (status, PROBLEM), response.get_data(as_text=True)
    assert _state(backend.store()) == before


def test_a_graph_store_post_is_checked_and_entailed(backend, held, client):
    body = f"@prefix ck: <{CK}> . @prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> . " \
           f"@prefix xsd: <http://www.w3.org/2001/XMLSchema#> . {A_VALID_STRIKE}"
    response = client.post("/store?default", data=body, content_type="text/turtle", headers=AUTH)
    assert response.status_code == 204, response.get_data(as_text=True)
    _assert_sound(backend.store())


# -- loads ----------------------------------------------------------------------------------------------

def test_a_hostile_load_is_refused_whole_and_changes_nothing(backend, runner, tmp_path):
    good = tmp_path / "good.ttl"
    good.write_text(f"@prefix ck: <{CK}> . @prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> . "
                    f"@prefix xsd: <http://www.w3.org/2001/XMLSchema#> . {A_VALID_STRIKE}", encoding="utf-8")
    bad = tmp_path / "bad.trig"
    bad.write_text(f"@prefix ck: <{CK}> . GRAPH <urn:x:g> {{ {BOMBING} }}", encoding="utf-8")
    before = _state(backend.store())
    backend.release()
    result = runner.invoke(main, ["load", str(good), str(bad), "--store", backend.spec])
    assert result.exit_code == 1 and "nothing was stored" in result.output, result.output
    del result  # its traceback holds the store the command opened
    if backend.persistent:
        assert _state(backend.store()) == before
        backend.release()
    result = runner.invoke(main, ["load", str(good), "--store", backend.spec])
    assert result.exit_code == 0, result.output
    del result
    if backend.persistent:
        _assert_sound(backend.store())


# -- readers after a write ------------------------------------------------------------------------------

def test_a_write_leaves_an_executor_ready_for_the_next_reader(monkeypatch):
    """The first query after a write runs in an executor the write started: the reader starts none."""
    from conflictkg.api import create_app
    from conflictkg.graph.store import executor, open_store

    app = create_app({"STORE": open_store("memory"), "TESTING": True, "UPDATE_TOKEN": TOKEN, "QUERY_PROCESSES": 1})
    client = app.test_client()
    ask = {"query": PREFIXES + f"ASK {{ <{EVENT}new-strike> a ck:Attack }}"}
    try:
        assert client.get("/sparql", query_string=ask).json["boolean"] is False
        assert _update(client, f"INSERT DATA {{ {A_VALID_STRIKE} }}").status_code == 204
        started = []
        real = executor._fork
        monkeypatch.setattr(executor, "_fork", lambda *args: started.append(args) or real(*args))
        assert client.get("/sparql", query_string=ask).json["boolean"] is True
        assert started == []
    finally:
        app.extensions["conflictkg.dataset"].close()


def test_an_executor_copied_before_writes_is_brought_up_to_date_with_them(monkeypatch):
    """Writes committed as quads reach the executors' copies: every answer after them is the
    store's own, with what they entail, and no executor is started anew."""
    from conflictkg.api import create_app
    from conflictkg.graph.store import executor, open_store

    store = open_store("memory")
    app = create_app({"STORE": store, "TESTING": True, "UPDATE_TOKEN": TOKEN, "QUERY_PROCESSES": 1})
    client = app.test_client()
    count = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"

    def counted(entailment: str) -> int:
        body = client.get("/sparql", query_string={"query": count, "entailment": entailment}).json
        return int(body["results"]["bindings"][0]["n"]["value"])

    try:
        counted("none")  # the executor is copied now
        started = []
        real = executor._fork
        monkeypatch.setattr(executor, "_fork", lambda *args: started.append(args) or real(*args))
        for text, _ in ACCEPTED:
            assert _update(client, text).status_code == 204, text
            default = sum(1 for _ in store.quads_for_pattern(None, None, None, ox.DefaultGraph()))
            entailed = sum(1 for _ in store.quads_for_pattern(None, None, None, entailment.ENTAILED_GRAPH))
            assert (counted("none"), counted("rdfs")) == (default, default + entailed), text
        # the writes that change the class tree rebuild the entailed graph: those start one executor each
        assert len(started) == sum(1 for text, _ in ACCEPTED if "subClassOf" in text)
    finally:
        app.extensions["conflictkg.dataset"].close()


# -- loads checked whole --------------------------------------------------------------------------------

@pytest.mark.parametrize("spec, alone", [("memory", False), ("oxigraph", False), ("oxigraph", True)])
def test_a_load_checked_whole_keeps_the_entailed_graph_exact(runner, tmp_path, monkeypatch, spec, alone):
    """A load checked whole (the store swapped in memory; on disk the bulk loader, or the load
    written while it is checked) derives what its new subjects entail and recomputes the rest:
    the entailed graph is what a rebuild gives, also where the load asserts what was entailed."""
    from conflictkg.graph.dataset import Dataset
    from conflictkg.graph.write import gate

    monkeypatch.setattr(gate, "FOCUS_COST", 10**9)  # every load is as big as a good part of the graph
    events = tmp_path / "events.nt"
    assert runner.invoke(main, ["synth", "--events", "300", "-o", str(events)]).exit_code == 0
    data = Dataset.open("memory" if spec == "memory" else f"oxigraph:{tmp_path / 'kg'}")
    data.load_files([events], alone=alone)
    _assert_sound(data._store)
    strikes = [row["e"] for row in data.select(PREFIXES + "SELECT ?e WHERE { ?e a ck:MissileStrike } LIMIT 40")]
    entailed = "\n".join(f"{e} <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <{CK}Attack> ." for e in strikes)
    again = tmp_path / "asserted.nt"
    again.write_text(entailed + "\n", encoding="utf-8")
    assert data.load_files([again], alone=alone) == len(strikes)
    _assert_sound(data._store)
    assert data.ask(PREFIXES + f"ASK {{ {strikes[0]} a ck:Attack }}")
    data.close()
