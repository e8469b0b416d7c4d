"""The CLI: the same verbs as the HTTP API, with messages and exit codes on bad input."""

import gc
import json

from conflictkg.cli import main


def test_query_prints_a_table(runner):
    result = runner.invoke(main, ["query", "PREFIX ck: <https://w3id.org/conflictkg/ontology#> "
                                           "SELECT ?date WHERE { ?e ck:country <https://w3id.org/conflictkg/id/actor/pakistan> ; "
                                           "ck:perpetrator ?p ; ck:date ?date } LIMIT 1"])
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0] == "date" and lines[2] == "2024-01-16"


def test_query_formats_and_files(runner, tmp_path):
    rq = tmp_path / "ask.rq"
    rq.write_text("ASK { ?s a <https://w3id.org/conflictkg/ontology#State> }")
    assert runner.invoke(main, ["query", str(rq)]).stdout.strip() == "true"
    out = runner.invoke(main, ["query", "SELECT (COUNT(*) AS ?n) WHERE { ?s a <https://w3id.org/conflictkg/ontology#State> }",
                               "--format", "json"]).stdout
    assert int(json.loads(out)["results"]["bindings"][0]["n"]["value"]) == 12  # with Switzerland, Davos's
    ttl = runner.invoke(main, ["query", "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o } LIMIT 3"]).stdout
    assert ttl.count(" .\n") >= 1


def test_bad_query_exits_non_zero_with_a_message(runner):
    result = runner.invoke(main, ["query", "SELEKT nothing"])
    assert result.exit_code != 0
    assert "bad SPARQL: expected SELECT, CONSTRUCT, ASK or DESCRIBE at 1:1" in result.output
    missing = runner.invoke(main, ["query", "no-such-file.rq"])
    assert missing.exit_code == 2 and "cannot read" in missing.output


def test_strikes_and_accusations_verbs_match_the_api(runner, client):
    out = runner.invoke(main, ["strikes", "--country", "Pakistan", "--json"])
    assert out.exit_code == 0
    assert json.loads(out.stdout) == client.get("/api/strikes?country=Pakistan").json
    table = runner.invoke(main, ["accusations", "--accuser", "Pakistan"]).stdout
    assert "Balochistan Liberation Army" in table and "Iran" in table
    bad = runner.invoke(main, ["strikes", "--from", "yesterday"])
    assert bad.exit_code == 2 and "not a date" in bad.output


def test_actors_and_timeline_verbs(runner):
    profile = runner.invoke(main, ["actors", "Jaish al-Adl"]).stdout
    assert profile.startswith("Jaish al Adl (armed_group)") and "Rask" in profile
    assert runner.invoke(main, ["actors", "Atlantis"]).exit_code == 1
    timeline = runner.invoke(main, ["timeline"]).stdout
    assert timeline.index("Kerman bombings") < timeline.index("Pakistani drone strike")


def test_unknown_store_spec_is_refused(runner):
    result = runner.invoke(main, ["strikes", "--store", "postgres://x"])
    assert result.exit_code == 1 and "unknown store" in result.output


def test_source_verb_reports_the_folding(runner):
    out = runner.invoke(main, ["source"]).stdout
    assert "606  CYRILLIC SMALL LETTER IE -> e" in out
    text = runner.invoke(main, ["source", "--text"]).stdout
    assert "Israel" in text and "\u0435" not in text


SECOND_IRAN = ('<https://w3id.org/conflictkg/id/actor/iran-2> a <https://w3id.org/conflictkg/ontology#State> ; '
               '<http://www.w3.org/2000/01/rdf-schema#label> "Iran"@en .\n')


def test_the_readme_fixture_loads_onto_the_seeds_own_actors(runner, tmp_path):
    from pathlib import Path

    good = Path(__file__).resolve().parents[1] / "shapes" / "tests" / "good-attack.ttl"
    store = f"oxigraph:{tmp_path / 'kg'}"
    assert runner.invoke(main, ["load", str(good), "--store", store]).exit_code == 0
    profile = runner.invoke(main, ["actors", "Iran", "--store", store])
    assert profile.exit_code == 0, profile.output
    lines = profile.stdout.splitlines()
    assert lines[0] == "Iran (state)"
    # the fixture's strike is only alleged against Iran (by Pakistan), and the profile says so
    assert "strikes by: 4" in lines and "  2024-01-16  Iranian strike on Panjgur (alleged by Pakistan)" in lines
    assert "strikes against: 4" in lines and "  2024-01-18  Pakistani reply" in lines
    listed = json.loads(runner.invoke(main, ["actors", "--json", "--store", store]).stdout)["actors"]
    assert [a["label"] for a in listed].count("Iran") == 1 and [a["label"] for a in listed].count("Pakistan") == 1


def test_a_name_shared_by_two_actors_lists_them(runner, tmp_path):
    second = tmp_path / "second-iran.ttl"
    second.write_text(SECOND_IRAN)
    store = f"oxigraph:{tmp_path / 'kg'}"
    assert runner.invoke(main, ["load", str(second), "--store", store]).exit_code == 0
    for argv in (["actors", "Iran"], ["tit-for-tat", "Iran", "Pakistan"]):
        result = runner.invoke(main, [*argv, "--store", store])
        exit_code, stdout, stderr = result.exit_code, result.stdout, result.stderr
        del result  # its traceback holds the store open, and RocksDB allows one opener
        gc.collect()
        assert exit_code == 1 and stdout == ""
        assert stderr.strip() == (
            "Error: actor: 'Iran' names 2 actors: Iran <https://w3id.org/conflictkg/id/actor/iran>; "
            "Iran <https://w3id.org/conflictkg/id/actor/iran-2>. Give the IRI of the one you mean.")
    by_iri = runner.invoke(main, ["actors", "https://w3id.org/conflictkg/id/actor/iran", "--store", store])
    assert by_iri.exit_code == 0 and by_iri.stdout.startswith("Iran (state)")
