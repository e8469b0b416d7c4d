"""The REST API as a client sees it: JSON shapes, filters, CSV, and clear refusals."""

import csv
import io

import pytest

from conflictkg.graph.domain.source import article

PROBLEM = "application/problem+json"


def test_strikes_on_pakistan_is_irans_strike_on_koh_e_sabz(client):
    response = client.get("/api/strikes?country=Pakistan")
    assert response.status_code == 200
    [strike] = response.json["strikes"]
    assert strike["date"] == "2024-01-16"
    assert strike["target"]["label"] == "Koh-e-Sabz"
    assert strike["country"] == {"id": "pakistan", "iri": "https://w3id.org/conflictkg/id/actor/pakistan",
                                 "label": "Pakistan"}
    assert {p["label"]: p["attribution"] for p in strike["perpetrators"]} == {
        "Iran": "reported", "Islamic Revolutionary Guard Corps": "reported"}
    [group] = strike["targeted_groups"]
    assert (group["label"], group["attribution"], [b["id"] for b in group["attributed_by"]]) == (
        "Jaish al Adl", "alleged", ["iran"])
    assert sorted(strike["weapons"]) == ["drone", "missile"]
    text = article().text
    for ev in strike["evidence"] + [e for p in strike["perpetrators"] for e in p["evidence"]]:
        assert text[ev["start"]:ev["end"]] == ev["quote"]
    assert strike["evidence"][0]["quote"].startswith("On January 16, 2024, Iran conducted an unprecedented missile")


@pytest.mark.parametrize("query", [
    "country=Pak\u0456stan",   # Cyrillic і
    "country=PAKISTAN", "country=pakistan", "country=Islamic%20Republic%20of%20Pakistan",
    "country=https://w3id.org/conflictkg/id/actor/pakistan",
])
def test_filters_match_label_alias_id_or_iri_after_folding(client, query):
    assert [s["date"] for s in client.get(f"/api/strikes?{query}").json["strikes"]] == ["2024-01-16"]


def test_strike_filters_combine(client):
    dates = lambda q: [s["date"] for s in client.get("/api/strikes?" + q).json["strikes"]]
    assert dates("perpetrator=IRGC") == ["2024-01-16"]
    assert dates("perpetrator=Israel") == ["2023-12-25", "2024-01-03", "2024-01-20"]
    assert dates("perpetrator=Israel&from=2024-01-01&to=2024-01-10") == ["2024-01-03"]
    assert dates("target=Jaish%20al-Adl") == ["2024-01-16"]
    assert dates("country=Yemen") == []  # named in the graph, struck by no one


def test_a_name_that_names_nothing_is_refused(client):
    response = client.get("/api/strikes?country=Atlantis")
    assert response.status_code == 400 and response.mimetype == "application/problem+json"
    assert response.json["detail"] == "country: nothing in the graph is named 'Atlantis'"
    assert client.get("/api/accusations?accuser=Atlantis").status_code == 400


def test_accusations_filters(client):
    got = client.get("/api/accusations?accuser=Pakistan&accused=Iran").json["accusations"]
    assert [(a["accuser"]["label"], a["accused"]["label"]) for a in got] == [("Pakistan", "Iran")]
    assert any("negligence" in e["quote"] for e in got[0]["evidence"])
    assert any("Iranian territory, alleging connections" in e["quote"] for e in got[0]["evidence"])  # its groups
    mossad = client.get("/api/accusations?accused=Mossad").json["accusations"]
    assert [a["date"] for a in mossad] == ["2024-01-15"]
    assert {a["id"] for a in mossad[0]["about"]} == {"2024-01-15-iran-strikes-iraqi-kurdistan",
                                                      "2024-01-15-iran-strikes-idlib"}


def test_strikes_as_csv(client):
    response = client.get("/api/strikes?country=Iran&format=csv")
    assert response.mimetype == "text/csv"
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))
    # the Kerman bombs went off "near the tomb": no target is given
    assert [(r["date"], r["target"]) for r in rows] == [
        ("2023-12-15", "Rask"), ("2024-01-03", ""), ("2024-01-18", "Sistan-Baluchestan")]
    assert rows[1]["perpetrators"] == "Islamic State (claimed by Islamic State); Israel (alleged by Iran)"


def test_actors_by_type_and_profile(client):
    persons = client.get("/api/actors?type=person").json["actors"]
    assert {"Jalil Abbas Jilani", "Hossein Amir-Abdollahian", "Qasem Soleimani"} <= {p["label"] for p in persons}
    assert all(p["type"] == "person" for p in persons)
    states = {a["id"]: a for a in client.get("/api/actors?type=state").json["actors"]}
    assert states["iran"]["wikidata"] == "Q794"
    profile = client.get("/api/actors/iran").json
    assert [s["date"] for s in profile["strikes"]["by"]] == ["2024-01-15", "2024-01-15", "2024-01-16"]
    assert [s["date"] for s in profile["strikes"]["against"]] == ["2023-12-15", "2024-01-03", "2024-01-18"]
    assert {a["accused"]["id"] for a in profile["accusations"]["made"]} >= {"pakistan", "israel"}
    assert [a["accuser"]["id"] for a in profile["accusations"]["received"]] == ["pakistan"]


def test_timeline_is_in_date_order_with_responses(client):
    events = client.get("/api/timeline").json["timeline"]
    dates = [e["date"] for e in events]
    assert dates == sorted(dates) and dates[0] == "2010"
    by_id = {e["id"]: e for e in events}
    assert by_id["2024-01-18-pakistan-strikes-sistan-baluchestan"]["responds_to"] == ["2024-01-16-iran-strikes-koh-e-sabz"]
    speculated = [{"id": event, "status": "speculated"} for event in (
        "2023-12-15-rask-police-attack", "2023-12-25-killing-of-reza-mousavi", "2024-01-03-kerman-bombings",
        "2024-01-04-us-strike-on-harakat-al-nujaba")]
    assert by_id["2024-01-16-iran-strikes-koh-e-sabz"]["responds_to_claims"] == speculated
    assert by_id["2024-01-15-iran-strikes-idlib"]["responds_to_claims"] == speculated[1:]
    # the country is where it happened, not whom it was against
    nujaba = by_id["2024-01-04-us-strike-on-harakat-al-nujaba"]
    assert nujaba["country"]["label"] == "Iraq" and [a["label"] for a in nujaba["against"]] == ["Harakat al-Nujaba"]


def test_stored_queries_are_listed_and_run(client):
    listed = {q["name"]: q for q in client.get("/api/queries").json["queries"]}
    assert len(listed) >= 6 and listed["who-struck-where"]["title"] == "Who struck where"
    body = client.get("/api/queries/strikes-on-country?country=Iran").json
    assert [(r.get("place"), r["perpetrator"], r["attribution"]) for r in body["rows"]] == [
        ("Rask", "Jaish al Adl", "reported"), (None, "Islamic State", "claimed"), (None, "Israel", "alleged"),
        ("Sistan-Baluchestan", "Pakistan", "reported"), ("Sistan-Baluchestan", "Pakistan Armed Forces", "reported")]
    where = client.get("/api/queries/who-struck-where?format=csv").get_data(as_text=True)
    assert "Koh-e-Sabz" in where


@pytest.mark.parametrize("url, status", [
    ("/api/strikes?contry=Iran", 400),
    ("/api/strikes?from=16-01-2024", 400),
    ("/api/strikes?country=Iran&country=Iraq", 400),
    ("/api/strikes?format=xml", 400),
    ("/api/actors?type=planet", 400),
    ("/api/actors/atlantis", 404),
    ("/api/queries/no-such-query", 404),
    ("/api/queries/strikes-on-country", 400),
    ("/api/queries/strikes-on-country?country=Atlantis", 400),
    ("/api/nothing-here", 404),
])
def test_refusals_are_problem_json(client, url, status):
    response = client.get(url)
    assert response.status_code == status
    assert response.mimetype == PROBLEM
    assert response.json["status"] == status and response.json["detail"]


def test_wrong_method_is_405_problem(client):
    response = client.post("/api/strikes")
    assert response.status_code == 405 and response.mimetype == PROBLEM
    assert "GET" in response.headers["Allow"]


def test_health(client):
    body = client.get("/health").json
    assert body["status"] == "ok" and body["triples"] > 1000


def test_stored_queries_answer_the_same_with_and_without_entailment(client):
    """Run through /sparql (RDFS view on by default) and as stored: no row twice, same rows."""
    from urllib.parse import quote

    for query in client.get("/api/queries").json["queries"]:
        if query["parameters"]:
            continue
        stored = client.get(f"/api/queries/{query['name']}").json["rows"]
        for entailment in ("rdfs", "none"):
            body = client.get(f"/sparql?entailment={entailment}&query=" + quote(query["sparql"])).json
            rows = [{k: v["value"] for k, v in b.items()} for b in body["results"]["bindings"]]
            assert len(rows) == len({tuple(sorted(r.items())) for r in rows}), (query["name"], entailment)
            assert sorted(map(str, rows)) == sorted(map(str, stored)), (query["name"], entailment)


def test_a_name_shared_by_two_actors_is_a_409_listing_them(client, store):
    store.update('INSERT DATA { <https://w3id.org/conflictkg/id/actor/iran-2> a <https://w3id.org/conflictkg/ontology#State> ; '
                 '<http://www.w3.org/2000/01/rdf-schema#label> "Iran"@en }')
    candidates = [{"id": "iran", "iri": "https://w3id.org/conflictkg/id/actor/iran", "label": "Iran"},
                  {"id": "iran-2", "iri": "https://w3id.org/conflictkg/id/actor/iran-2", "label": "Iran"}]
    for url in ("/api/actors/Iran", "/api/tit-for-tat?between=Iran,Pakistan"):
        response = client.get(url)
        assert response.status_code == 409 and response.mimetype == PROBLEM, url
        assert response.json["title"] == "Ambiguous name" and response.json["candidates"] == candidates
        assert "'Iran' names 2 actors" in response.json["detail"]
    assert client.get("/api/actors/https://w3id.org/conflictkg/id/actor/iran").status_code == 200
    # a filter that takes any of the nodes it names still answers for both
    assert client.get("/api/strikes?perpetrator=Iran").status_code == 200


SAMPLE_VALUES = {"actor": ["Iran", "Pakistan"], "iri": ["https://w3id.org/conflictkg/id/actor/iran"],
                 "date": ["2024-01-16"], "string": ["Iran"]}
TIT_FOR_TAT_IRAN_PAKISTAN = [
    ("2024-01-16", "Iran", "Pakistan", "Iran accuses Pakistan of failing to suppress armed movements hostile to Tehran"),
    ("2024-01-16", "Iran", "Pakistan", "Iranian missile and drone strike on Koh-e-Sabz, Balochistan"),
    ("2024-01-17", "Pakistan", "Iran", "Pakistan bars the return of Iran's ambassador"),
    ("2024-01-17", "Pakistan", "Iran", "Pakistan cancels planned high-level meetings with Iran"),
    ("2024-01-17", "Pakistan", "Iran", "Pakistan condemns the Iranian strike"),
    ("2024-01-17", "Pakistan", "Iran", "Pakistan recalls its ambassador from Tehran"),
    ("2024-01-18", "Iran", "Pakistan", "Iran condemns the Pakistani strike on its territory"),
    ("2024-01-18", "Pakistan", "Iran", "Pakistani drone strike in Sistan-Baluchestan, Iran"),
    ("2024-01-29", "Iran", "Pakistan", "Amir-Abdollahian to visit Pakistan (planned)"),
]


def _stored_query_names() -> list[str]:
    from conflictkg.graph.domain.queries import stored_queries

    return sorted(stored_queries())


@pytest.mark.parametrize("name", _stored_query_names())
def test_every_stored_query_runs_with_its_parameters_and_asks_for_them_without(client, name):
    from urllib.parse import urlencode

    [query] = [q for q in client.get("/api/queries").json["queries"] if q["name"] == name]
    used = {kind: iter(values) for kind, values in SAMPLE_VALUES.items()}
    args = {p["name"]: next(used[p["kind"]]) for p in query["parameters"]}
    response = client.get(f"/api/queries/{name}?{urlencode(args)}")
    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.json["rows"], f"{name} with {args} found nothing in the seed"
    if name == "tit-for-tat":
        assert [(r["date"], r["by"], r["against"], r["event"]) for r in response.json["rows"]] == TIT_FOR_TAT_IRAN_PAKISTAN
    if query["parameters"]:
        missing = client.get(f"/api/queries/{name}")
        assert missing.status_code == 400 and missing.mimetype == PROBLEM
        assert f"needs the parameter {query['parameters'][0]['name']!r}" in missing.json["detail"]
