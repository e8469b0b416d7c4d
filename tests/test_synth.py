"""Synthetic events: deterministic, dated, responses never before what they answer, loadable."""

import json

import pyoxigraph as ox

from conflictkg.cli import main
from conflictkg.graph.store import open_store
from conflictkg.graph.strikes import strikes
from conflictkg.graph.vocab import SPARQL_PREFIXES


def test_synth_file_is_deterministic_and_loads(runner, tmp_path):
    a, b = tmp_path / "a.nt", tmp_path / "b.nt"
    assert runner.invoke(main, ["synth", "--events", "500", "-o", str(a)]).exit_code == 0
    assert runner.invoke(main, ["synth", "--events", "500", "-o", str(b)]).exit_code == 0
    assert a.read_bytes() == b.read_bytes()
    other = tmp_path / "c.nt"
    runner.invoke(main, ["synth", "--events", "500", "--seed", "1", "-o", str(other)])
    assert other.read_bytes() != a.read_bytes()

    store = open_store("memory")
    store.load(a.read_bytes(), ox.RdfFormat.N_TRIPLES)
    counts = store.select(SPARQL_PREFIXES + """
        SELECT (COUNT(DISTINCT ?e) AS ?events) (COUNT(DISTINCT ?dated) AS ?withDate) WHERE {
          ?e ck:evidence ?ev . FILTER(STRSTARTS(STR(?e), "https://w3id.org/conflictkg/id/event/synth-"))
          OPTIONAL { ?e ck:date ?d . BIND(?e AS ?dated) } }""")[0]
    assert int(counts["events"].value) == 500 == int(counts["withDate"].value)
    backwards = store.select(SPARQL_PREFIXES + """
        SELECT ?e WHERE { ?e ck:respondsTo ?o . ?e ck:date ?d1 . ?o ck:date ?d2 . FILTER(?d1 < ?d2) }""")
    assert backwards == []
    assert store.ask(SPARQL_PREFIXES + "ASK { ?e ck:respondsTo ?o }")
    # the domain queries read synthetic events like the article's
    assert any(s["id"].startswith("synth-") for s in strikes(store, country="Syria"))


def test_synth_refuses_an_unwritable_path(runner, tmp_path):
    result = runner.invoke(main, ["synth", "--events", "5", "-o", str(tmp_path / "missing" / "x.nt")])
    assert result.exit_code == 1 and "cannot write" in result.output


def test_bench_writes_json_with_ratios(runner, tmp_path):
    out = tmp_path / "bench.json"
    result = runner.invoke(main, ["bench", "--events", "200", "--repeat", "1", "-o", str(out)])
    assert result.exit_code == 0, result.output
    report = json.loads(out.read_text())
    assert report["machine"]["cpus"] and report["events"] == 200
    names = {r["suite"] for r in report["results"]}
    assert {"load", "queries"} <= names
    for r in report["results"]:
        assert r["ours_s"] > 0 and r["reference_s"] > 0 and r["ratio"] == round(r["ours_s"] / r["reference_s"], 3)
    assert "load 200 events" in result.stdout
    assert runner.invoke(main, ["bench", "--only", "nothing"]).exit_code == 2
