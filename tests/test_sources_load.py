"""A second source: a wire story matched to the strike the graph holds, loaded through the one write
path, and shown beside the seed article (/api/strikes, /api/sources, `conflictkg sources`)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from conflictkg.api import create_app
from conflictkg.cli import main
from conflictkg.graph.dataset import Dataset
from conflictkg.graph.domain.strikes import strikes
from conflictkg.graph.domain.timeline import timeline
from conflictkg.graph.domain.titfortat import chain
from conflictkg.graph.store import open_store
from conflictkg.graph.write.gate import Refused
from conflictkg.graph.write.load import LoadError

ARTICLES = Path(__file__).parent / "fixtures" / "articles"
SEED_SOURCE = "8ab5812bc5fd3f74"
KOH_E_SABZ = "2024-01-16-iran-strikes-koh-e-sabz"
SISTAN = "2024-01-18-pakistan-strikes-sistan-baluchestan"


def draft(runner, tmp_path: Path, article: str, published: str, publisher: str) -> tuple[Path, dict]:
    out = tmp_path / f"{article}.yaml"
    result = runner.invoke(main, ["ingest", str(ARTICLES / article), "--published", published,
                                  "--publisher", publisher, "-o", str(out), "--json"])
    assert result.exit_code == 0, result.output
    return out, json.loads(result.stdout)


@pytest.fixture
def loaded(runner, tmp_path):
    """The seed graph with the two wire stories loaded, as their drafts came out of ingest."""
    data = Dataset(open_store("memory"))
    before = {"timeline": len(timeline(data)), "chain": len(chain(data, "Iran", "Pakistan")), "size": len(data)}
    koh, koh_json = draft(runner, tmp_path, "wire-koh-e-sabz.txt", "2024-01-17", "IRNA English")
    sistan, sistan_json = draft(runner, tmp_path, "wire-sistan.txt", "2024-01-19", "Dawn")
    data.load_files([koh, sistan])
    return data, before, koh_json, sistan_json


def test_reports_of_held_events_are_matched_not_new(runner, tmp_path):
    _, out = draft(runner, tmp_path, "wire-koh-e-sabz.txt", "2024-01-17", "IRNA English")
    matches = {(c["kind"], c["type"]): c["matches"] for c in out["candidates"]}
    assert {m for (kind, _), m in matches.items() if kind == "attack"} == {KOH_E_SABZ}
    assert matches[("diplomatic", "AmbassadorRecall")] == "2024-01-17-pakistan-recalls-ambassador-from-iran"
    _, made_up = draft(runner, tmp_path, "made-up-clashes.txt", "2024-03-12", "Made Up")
    assert all(c["matches"] is None for c in made_up["candidates"])   # nothing of March 2024 is in the graph


def test_the_strike_shows_both_sources_and_each_toll_with_who_gives_it(loaded):
    data, *_ = loaded
    (strike,) = strikes(data, country="Pakistan")
    assert strike["id"] == KOH_E_SABZ and strike["fatalities"] is None   # the seed's fact is not overwritten
    assert [(s["id"], s["publisher"]) for s in strike["sources"]][-1] == (SEED_SOURCE, None)
    wire = strike["sources"][0]
    assert (wire["publisher"], wire["published"], wire["title"]) == (
        "IRNA English", "2024-01-17", "Iran strikes militant bases in Pakistan")
    tolls = {d["value"]: d for d in strike["disputed"] if d["property"] == "fatalities"}
    assert [c["label"] for c in tolls[9]["claimants"]] == ["IRNA"]
    assert tolls[9]["source"]["publisher"] == "IRNA English"
    assert tolls[9]["quote"] == "The missile and drone strike on the Koh-e-Sabz area killed nine people, according to IRNA."
    assert [c["id"] for c in tolls[2]["claimants"]] == ["pakistan-foreign-ministry"]
    # Balochistan holds Koh-e-Sabz: naming the province is no dispute over the place
    assert not [d for d in strike["disputed"] if d["property"] == "location"]


def test_an_operation_s_name_and_a_toll_on_the_answer(loaded):
    data, *_ = loaded
    (strike,) = [s for s in strikes(data, country="Iran") if s["id"] == SISTAN]
    names = [d["value"] for d in strike["disputed"] if d["property"] == "name"]
    assert names == ["Marg Bar Sarmachar"]
    (toll,) = [d for d in strike["disputed"] if d["property"] == "fatalities"]
    assert toll["value"] == 7 and [c["id"] for c in toll["claimants"]] == ["iran"]


def test_the_timeline_and_the_tit_for_tat_chain_count_each_strike_once(loaded):
    data, before, *_ = loaded
    assert len(data) > before["size"]
    assert len(timeline(data)) == before["timeline"]
    assert len(chain(data, "Iran", "Pakistan")) == before["chain"]
    assert sum(e["id"] == KOH_E_SABZ for e in timeline(data)) == 1


def test_api_sources_and_the_cli_list_what_each_source_contributed(loaded):
    data, *_ = loaded
    client = create_app({"STORE": data._store, "TESTING": True}).test_client()
    answer = client.get("/api/sources")
    assert answer.status_code == 200
    by_publisher = {s["publisher"]: s for s in answer.json["sources"]}
    assert set(by_publisher) == {"IRNA English", "Dawn", None}
    koh = by_publisher["IRNA English"]
    # the strike and the recall it shares with the seed, the condemnation only it reports; its three tolls and names
    assert koh["contributed"] == {"quotes": 4, "events": 3, "events_only_here": 1, "claims": 2}
    assert by_publisher[None]["id"] == SEED_SOURCE
    strikes_answer = client.get("/api/strikes?country=Pakistan").json["strikes"][0]
    assert len(strikes_answer["sources"]) == 2
    assert client.get("/api/sources?by=x").status_code == 400


def test_cli_load_and_sources_on_a_store_on_disk(runner, tmp_path):
    koh, _ = draft(runner, tmp_path, "wire-koh-e-sabz.txt", "2024-01-17", "IRNA English")
    store = f"oxigraph:{tmp_path / 'kg.db'}"
    result = runner.invoke(main, ["load", str(koh), "--store", store])
    assert result.exit_code == 0, result.output
    listing = runner.invoke(main, ["sources", "--store", store])
    assert listing.exit_code == 0
    assert "IRNA English" in listing.output and "Testing Deterrence" in listing.output
    shown = json.loads(runner.invoke(main, ["strikes", "--country", "Pakistan", "--json", "--store", store]).stdout)
    assert {d["value"] for d in shown["strikes"][0]["disputed"] if d["property"] == "fatalities"} == {9, 2}


def test_a_draft_that_violates_the_shapes_stores_nothing(runner, tmp_path):
    out, _ = draft(runner, tmp_path, "made-up-clashes.txt", "2024-03-12", "Made Up")
    data = Dataset(open_store("memory"))
    size = len(data)
    with pytest.raises(Refused):   # China's offer names no party it is made to: the analyst must say
        data.load_files([out])
    assert len(data) == size
    # reviewed: the offer deleted, the rest loads, with the new places at their points
    reviewed = yaml.safe_load(out.read_text(encoding="utf-8"))
    reviewed["events"] = [e for e in reviewed["events"] if e["types"] != ["MediationOffer"]]
    out.write_text(yaml.safe_dump(reviewed, sort_keys=False, allow_unicode=True), encoding="utf-8")
    data.load_files([out])
    kabul = [s for s in strikes(data, country="Afghanistan")]
    assert [(s["date"], s["target"]["label"], s["fatalities"]) for s in kabul] == [("2024-03-10", "Kabul", 23)]
    assert [s["publisher"] for s in kabul[0]["sources"]] == ["Made Up"]


def test_a_draft_whose_article_changed_or_names_nothing_is_refused(runner, tmp_path):
    out, _ = draft(runner, tmp_path, "wire-sistan.txt", "2024-01-19", "Dawn")
    data = Dataset(open_store("memory"))
    spec = yaml.safe_load(out.read_text(encoding="utf-8"))
    spec["events"][0]["perpetrators"][0]["actor"] = "narnia"
    bad = tmp_path / "bad.yaml"
    bad.write_text(yaml.safe_dump(spec), encoding="utf-8")
    with pytest.raises(LoadError, match="'narnia' is neither in the draft nor in the graph"):
        data.load_files([bad])
    copy = tmp_path / "elsewhere" / "wire-sistan.txt"
    copy.parent.mkdir()
    copy.write_text((ARTICLES / "wire-sistan.txt").read_text() + "An added line.\n")
    spec = yaml.safe_load(out.read_text(encoding="utf-8"))
    spec["source"]["article"] = "elsewhere/wire-sistan.txt"
    bad.write_text(yaml.safe_dump(spec), encoding="utf-8")
    result = runner.invoke(main, ["load", str(bad)])
    assert result.exit_code == 1 and "has changed since the draft was written" in result.output


def test_a_source_that_reports_what_another_only_alleges_makes_it_a_fact_and_keeps_the_allegation(runner, tmp_path):
    # the seed article has Israel's Damascus strike only as Iran's allegation; a wire reports it flatly
    data = Dataset(open_store("memory"))
    damascus = "2024-01-20-damascus-airstrike"
    assert [(p["label"], p["attribution"]) for s in strikes(data, country="Syria") if s["id"] == damascus
            for p in s["perpetrators"]] == [("Israel", "alleged")]
    wire, out = draft(runner, tmp_path, "wire-damascus.txt", "2024-01-21", "Test Wire")
    assert [c["matches"] for c in out["candidates"]] == [damascus]
    data.load_files([wire])  # through the shapes: a reported claim comes with its plain triple
    [perp] = [p for s in strikes(data, country="Syria") if s["id"] == damascus for p in s["perpetrators"]]
    assert (perp["label"], perp["attribution"]) == ("Israel", "reported")
    claims = data.select("PREFIX ck: <https://w3id.org/conflictkg/ontology#> SELECT ?status WHERE { "
                         f"?c ck:claimAbout <https://w3id.org/conflictkg/id/event/{damascus}> ; "
                         "ck:claimProperty ck:perpetrator ; ck:status ?status } ORDER BY ?status")
    assert [row["status"].value for row in claims] == ["alleged", "reported"]
