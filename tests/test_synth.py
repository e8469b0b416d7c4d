"""Synthetic events: deterministic, dated, responses never before what they answer, loadable."""

import json
import pkgutil
import subprocess
import sys

import pytest

import pyoxigraph as ox

import conflictkg
import conflictkg.graph
from conflictkg.cli import main
from conflictkg.graph.store import open_store
from conflictkg.graph.domain.strikes import strikes
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


def _check_ratios(report: dict) -> None:
    for r in report["results"]:
        assert r["ours_s"] > 0 and r["reference_s"] > 0
        # times: ours / reference, lower is better; throughputs: ours / reference, higher is better
        expected = r["reference_s"] / r["ours_s"] if r.get("higher_is_better") else r["ours_s"] / r["reference_s"]
        assert r["ratio"] == round(expected, 3)
        assert r["pass"] == (r["ratio"] >= r["goal"] if r.get("higher_is_better") else r["ratio"] <= r["goal"])


def test_bench_writes_json_with_ratios(runner, tmp_path):
    out = tmp_path / "bench.json"
    result = runner.invoke(main, ["bench", "--events", "200", "--repeat", "1", "--only", "load", "--only", "queries",
                                  "-o", str(out)])
    assert result.exit_code == 0, result.output
    report = json.loads(out.read_text())
    assert report["machine"]["cpus"] and report["events"] == 200
    assert {r["suite"] for r in report["results"]} == {"load", "queries"}
    _check_ratios(report)
    assert "load 200 events" in result.stdout
    assert runner.invoke(main, ["bench", "--only", "nothing"]).exit_code == 2


def test_bench_without_a_checkout_says_where_the_suite_is(runner, tmp_path, monkeypatch):
    installed = tmp_path / "site-packages" / "conflictkg" / "__init__.py"  # a wheel's install: no benchmarks/ beside
    installed.parent.mkdir(parents=True)
    installed.touch()
    monkeypatch.setattr(conflictkg, "__file__", str(installed))
    result = runner.invoke(main, ["bench", "--events", "10", "--only", "load"])
    assert result.exit_code == 1 and "not installed with the package" in result.output and "checkout" in result.output


def test_the_installed_package_holds_no_benchmark_or_test_server():
    # a fresh interpreter outside the checkout: nothing of benchmarks/ or tests/ can come in by the path
    code = ("import sys, conflictkg.graph, conflictkg.api, conflictkg.cli; "
            "print(sorted(m for m in sys.modules if m.startswith(('benchmarks', 'tests'))))")
    imported = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd="/")
    assert imported.stdout.strip() == "[]"
    modules = {info.name for info in pkgutil.iter_modules(conflictkg.graph.__path__)}
    assert not {m for m in modules if m.startswith("bench") or m == "oxigraph_server"}


@pytest.mark.slow
def test_bench_every_suite_runs(runner, tmp_path, monkeypatch):
    # the HTTP suite starts conflictkg and Oxigraph servers on loopback; one second per workload is enough here
    monkeypatch.setenv("CONFLICTKG_BENCH_SECONDS", "1")
    out = tmp_path / "bench.json"
    result = runner.invoke(main, ["bench", "--events", "200", "--repeat", "1", "-o", str(out)])
    assert result.exit_code == 0, result.output
    report = json.loads(out.read_text())
    suites = {"load", "queries", "snapshot", "http", "pages", "remote_load", "list_pages"}
    assert suites <= {r["suite"] for r in report["results"]}
    # a first and a tenth page of two lists
    assert len([r for r in report["results"] if r["suite"] == "list_pages"]) == 4
    _check_ratios(report)
    http = [r for r in report["results"] if r["suite"] == "http"]
    throughput = [r for r in http if "ours" in r]
    assert len(throughput) == 3 and all(r["ours"]["errors"] == 0 and r["oxigraph"]["errors"] == 0 for r in throughput)
    [after_write] = [r for r in http if r["name"].startswith("HTTP first query after a one-triple write")]
    assert after_write["first_after_write_s"] > 0 and after_write["steady_s"] > 0
    [memory] = [r for r in http if r["name"].startswith("memory of the graph with its entailed triples")]
    # at 200 events the allocator's slack can hide the difference: only its direction is certain
    assert memory["entailed_quads"] > 0 and memory["entailed_bytes"] >= memory["plain_bytes"] > 0
    assert "≥5.0" in result.stdout


@pytest.mark.slow
def test_bench_store_rows_and_ratios(runner, tmp_path):
    out = tmp_path / "bench.json"
    result = runner.invoke(main, ["bench", "--events", "200", "--repeat", "1", "--only", "store", "-o", str(out)])
    assert result.exit_code == 0, result.output
    report = json.loads(out.read_text())
    _check_ratios(report)
    rows = {r["name"]: r for r in report["results"]}
    for backend in ("memory", "oxigraph:PATH"):
        load = rows[f"load 200 events into {backend}, validated (conflictkg load)"]
        assert not load["timed_out"] and load["goal"] == 2.0
        assert {"parse_s", "validate_s", "commit_s"} <= set(load["phases"])
        per_triple = rows[f"memory per triple, 200 events {'in' if backend == 'memory' else 'into'} {backend}"]
        assert per_triple["unit"] == "bytes/triple" and per_triple["triples"] == load["triples"]
    queries = [r for r in report["results"] if r["name"].endswith("at 200 events (oxigraph:PATH)")]
    assert len(queries) == 4 and all(r["goal"] == 1.5 and r["results"] > 0 for r in queries)
    [served] = [r for r in report["results"] if r["name"].startswith("serve 200 events")]
    assert served["unit"] == "bytes" and served["reference_s"] == 8 * 2**30
    assert {a["status"] for a in served["requests"].values()} == {200}
    assert "B/triple" in result.stdout and "MB" in result.stdout
