"""Exports: every RDF format parses back to the same graph; GraphML/GEXF open in networkx."""

import networkx as nx
import pyoxigraph as ox
import pytest
import rdflib
from rdflib.compare import isomorphic

from conflictkg.cli import main
from conflictkg.graph.store import open_store


def _graph(data: bytes, fmt: str) -> rdflib.Graph:
    return rdflib.Graph().parse(data=data, format=fmt)


def _via_pyoxigraph(data: bytes, fmt: ox.RdfFormat) -> rdflib.Graph:
    """Parsed by pyoxigraph, compared by rdflib's isomorphism (blank nodes differ in name only)."""
    triples = [q.triple for q in ox.parse(data, format=fmt)]
    return _graph(ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES), "nt")


@pytest.mark.parametrize("fmt, parse_as", [("ttl", "turtle"), ("nt", "nt"), ("rdf", "xml")])
def test_rdf_exports_round_trip_through_rdflib(runner, tmp_path, fmt, parse_as):
    path = tmp_path / f"kg.{fmt}"
    result = runner.invoke(main, ["export", "--format", fmt, "-o", str(path)])
    assert result.exit_code == 0, result.output
    reference = _graph(open_store("memory").dump(fmt=ox.RdfFormat.N_TRIPLES), "nt")
    back = _graph(path.read_bytes(), parse_as)
    assert len(back) == len(reference) and isomorphic(back, reference)


@pytest.mark.parametrize("fmt, parse_as", [("nq", ox.RdfFormat.N_QUADS), ("trig", ox.RdfFormat.TRIG),
                                           ("jsonld", ox.RdfFormat.JSON_LD), ("ttl", ox.RdfFormat.TURTLE)])
def test_rdf_exports_round_trip_through_pyoxigraph(runner, tmp_path, fmt, parse_as):
    """Dataset formats and the rdflib-written JSON-LD, read back by the other library."""
    path = tmp_path / f"kg.{fmt}"
    assert runner.invoke(main, ["export", "--format", fmt, "-o", str(path)]).exit_code == 0
    reference = _graph(open_store("memory").dump(fmt=ox.RdfFormat.N_TRIPLES), "nt")
    back = _via_pyoxigraph(path.read_bytes(), parse_as)
    assert len(back) == len(reference) and isomorphic(back, reference)


def test_jsonld_is_compacted_with_the_project_context(runner):
    out = runner.invoke(main, ["export", "--format", "jsonld", "-o", "-"]).stdout
    assert '"perpetrator"' in out and '"label"' in out and "ontology#perpetrator" not in out


@pytest.mark.parametrize("fmt, read", [("graphml", nx.read_graphml), ("gexf", nx.read_gexf)])
def test_network_exports_open_in_networkx(runner, tmp_path, fmt, read):
    path = tmp_path / f"kg.{fmt}"
    assert runner.invoke(main, ["export", "--format", fmt, "-o", str(path)]).exit_code == 0
    graph = read(path)
    strike = "https://w3id.org/conflictkg/id/event/2024-01-16-iran-strikes-koh-e-sabz"
    assert graph.nodes[strike]["label"] == "Iranian missile and drone strike on Koh-e-Sabz, Balochistan"
    assert graph.has_edge(strike, "https://w3id.org/conflictkg/id/actor/irgc")


def test_export_refuses_bad_format_and_path(runner, tmp_path):
    assert runner.invoke(main, ["export", "--format", "docx", "-o", "x"]).exit_code == 2
    bad = runner.invoke(main, ["export", "--format", "nt", "-o", str(tmp_path / "no" / "x.nt")])
    assert bad.exit_code == 1 and "cannot write" in bad.output
