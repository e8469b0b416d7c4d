"""Tit-for-tat chains, the escalation ladder, entailment, and ACLED-style interchange."""

import csv
import gc
import io
import json
from urllib.parse import quote

import pyoxigraph as ox
import pytest

from conflictkg.cli import main
from conflictkg.graph.domain.acled import export_acled, import_acled, rows
from conflictkg.graph.ontology import ontology_ntriples
from conflictkg.graph.store import open_store
from conflictkg.graph.domain.strikes import strikes


def test_chain_between_iran_and_pakistan(client):
    body = client.get("/api/tit-for-tat?between=Iran,Pakistan").json
    chain = body["chain"]
    assert [s["date"] for s in chain] == sorted(s["date"] for s in chain)
    by_id = {s["id"]: s for s in chain}
    iran, pakistan = by_id["2024-01-16-iran-strikes-koh-e-sabz"], by_id["2024-01-18-pakistan-strikes-sistan-baluchestan"]
    assert (iran["actor"]["id"], iran["target"]["id"], iran["kind"], iran["escalation"]) == (
        "iran", "pakistan", "attack", -10.0)
    assert pakistan["responds_to"] == [{"id": "2024-01-16-iran-strikes-koh-e-sabz", "how": "stated"}]
    after = [s for s in chain if s["date"] > "2024-01-18"]
    assert {s["kind"] for s in after} == {"diplomatic_action"}
    assert [s["escalation"] for s in after if "de-escalate" in s["label"]] == [9.0]
    # same-day order: the strike first, Iran's condemnation of it after
    day = [s["id"] for s in chain if s["date"] == "2024-01-18"]
    assert day.index("2024-01-18-pakistan-strikes-sistan-baluchestan") < day.index("2024-01-18-iran-condemns-pakistani-strike")
    # both sides act through their members: the IRGC for Iran, the foreign ministry for Pakistan
    assert by_id["2024-01-18-pakistan-seeks-friendly-relations"]["actor"]["id"] == "pakistan"


def test_inferred_links_follow_the_documented_rule(client):
    chain = client.get("/api/tit-for-tat?between=Iran,Pakistan&window=7").json["chain"]
    inferred = {s["id"]: s["responds_to"] for s in chain if any(r["how"] == "inferred" for r in s["responds_to"])}
    # Iran's accusation on 16 January is the first move; nothing before it goes the other way
    assert "2024-01-16-iran-accuses-pakistan-of-failing-to-suppress-armed-groups" not in inferred
    for links in inferred.values():
        assert all(r["how"] == "inferred" for r in links)
    none = client.get("/api/tit-for-tat?between=Iran,Pakistan&window=0").json["chain"]
    assert len(none) == len(chain)


@pytest.mark.parametrize("url, status", [
    ("/api/tit-for-tat", 400), ("/api/tit-for-tat?between=Iran", 400), ("/api/tit-for-tat?between=Iran,Iran", 400),
    ("/api/tit-for-tat?between=Iran,Atlantis", 404), ("/api/tit-for-tat?between=Iran,Pakistan&window=-1", 400),
])
def test_tit_for_tat_refusals(client, url, status):
    response = client.get(url)
    assert response.status_code == status and response.mimetype == "application/problem+json"


def test_cli_verb_matches_the_route(runner, client):
    out = runner.invoke(main, ["tit-for-tat", "Iran", "Pakistan", "--json"])
    assert json.loads(out.stdout)["chain"] == client.get("/api/tit-for-tat?between=Iran,Pakistan").json["chain"]
    table = runner.invoke(main, ["tit-for-tat", "Iran", "Pakistan"]).stdout
    assert "-10.0" in table and "+9.0" in table


def test_timeline_carries_the_escalation_score(client):
    events = {e["id"]: e for e in client.get("/api/timeline").json["timeline"]}
    assert (events["2024-01-03-kerman-bombings"]["cameo"], events["2024-01-03-kerman-bombings"]["escalation"]) == ("183", -10.0)
    assert events["2024-01-17-pakistan-recalls-ambassador-from-iran"]["escalation"] == -4.0
    assert events["2024-01-19-iran-pakistan-agree-to-de-escalate"]["escalation"] == 9.0


def test_rdfs_entailment_is_on_by_default_and_can_be_turned_off(client, runner):
    attacks = "SELECT (COUNT(DISTINCT ?e) AS ?n) WHERE { ?e a <https://w3id.org/conflictkg/ontology#Attack> }"
    count = lambda extra="": int(client.get("/sparql?query=" + quote(attacks) + extra).json["results"]["bindings"][0]["n"]["value"])
    assert count() == 10          # missile strikes, bombings, assaults… are attacks
    assert count("&entailment=none") == 5  # only those typed ck:Attack itself (Iraqi Kurdistan, Idlib, Mousavi, Nujaba, Rask)
    assert client.get("/sparql?query=" + quote(attacks) + "&entailment=owl").status_code == 400
    states = "SELECT ?s WHERE { ?s a <https://w3id.org/conflictkg/ontology#Actor> }"
    assert len(client.get("/sparql?query=" + quote(states)).json["results"]["bindings"]) == 38
    actor = "ASK { ?e <https://w3id.org/conflictkg/ontology#actor> <https://w3id.org/conflictkg/id/actor/mossad> }"
    assert runner.invoke(main, ["query", actor]).stdout.strip() == "false"  # Mossad accuses no one
    accuser = ("ASK { <https://w3id.org/conflictkg/id/event/iran-accuses-israel-of-kerman-bombings> "
               "<https://w3id.org/conflictkg/ontology#actor> <https://w3id.org/conflictkg/id/actor/iran> }")
    assert runner.invoke(main, ["query", accuser]).stdout.strip() == "true"  # accuser ⊑ actor
    assert runner.invoke(main, ["query", accuser, "--entailment", "none"]).stdout.strip() == "false"


def test_acled_round_trip_keeps_dates_actors_countries_and_fatalities():
    seed = open_store("memory")
    out = io.StringIO()
    export_acled(seed, out)
    table = list(csv.DictReader(io.StringIO(out.getvalue())))
    assert {r["event_type"] for r in table} >= {"Explosions/Remote violence", "Battles", "Strategic developments"}
    fresh = open_store("memory", seed=False)
    fresh.load(ontology_ntriples(), ox.RdfFormat.N_TRIPLES)
    fresh.load(rows(import_acled(out.getvalue(), fresh)), ox.RdfFormat.N_TRIPLES)

    def summary(store):
        # every attribution with its status and claimants; ACLED rows need a country, so a strike with
        # none in the source (Soleimani's killing) is not exported
        return sorted((s["date"], tuple(sorted((p["label"], p["attribution"], tuple(b["label"] for b in p["attributed_by"]))
                                              for p in s["perpetrators"])),
                       s["country"]["label"], s["fatalities"] or 0) for s in strikes(store) if s["country"])

    assert summary(fresh) == summary(seed)
    assert "Killing of Qasem Soleimani." not in {r["notes"] for r in table}


def test_acled_load_is_all_or_nothing(runner, tmp_path):
    good, bad = tmp_path / "good.csv", tmp_path / "bad.csv"
    runner.invoke(main, ["export", "--format", "acled-csv", "-o", str(good)])
    bad.write_text("event_date,sub_event_type,actor1,country\n2024-13-45,Air/drone strike,X,Y\n")
    spec = f"oxigraph:{tmp_path / 'kg'}"
    before = len(open_store(spec))
    result = runner.invoke(main, ["load", str(good), str(bad), "--store", spec])
    assert result.exit_code == 1 and "not YYYY-MM-DD" in result.output and "nothing was loaded" in result.output
    del result
    gc.collect()  # the failed command's traceback held the store (and its lock), as a process exit would free it
    assert len(open_store(spec)) == before
    assert runner.invoke(main, ["load", str(good), "--store", spec]).exit_code == 0
    assert len(open_store(spec)) > before
    missing = runner.invoke(main, ["load", str(tmp_path / "none.ttl"), "--store", spec])
    assert missing.exit_code == 1 and "cannot read" in missing.output
