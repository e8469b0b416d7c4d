"""A query under ``entailment=rdfs`` that cannot match an entailed triple is answered from the
asserted triples alone: for every query, the answer is the one read over both graphs."""

import pyoxigraph as ox
import pytest

from conflictkg.graph.domain.queries import stored_queries
from conflictkg.graph.store import open_store
from conflictkg.graph.store.entailment import ENTAILED_GRAPH, may_read_entailed, supers_of
from conflictkg.graph.vocab import SPARQL_PREFIXES

QUERIES = [
    "SELECT ?e ?f WHERE { ?e ck:fatalities ?f FILTER (?f > 1) }",
    "SELECT (COUNT(*) AS ?n) WHERE { ?e ck:date ?d }",
    "SELECT ?e WHERE { ?e a ck:MissileStrike }",
    "SELECT ?e WHERE { ?e a ck:Attack }",
    "SELECT ?e WHERE { ?e a ck:Event ; ck:date ?d }",
    "SELECT ?e ?c WHERE { ?e a ?c }",
    "SELECT ?s ?p WHERE { ?s ?p ck:MissileStrike }",
    "SELECT ?e ?who WHERE { ?e sem:hasActor ?who }",
    "SELECT ?e ?who WHERE { ?e ck:actor ?who }",
    "SELECT ?e ?who WHERE { ?e ck:perpetrator ?who }",
    "SELECT ?e ?p ?o WHERE { ?e ck:date ?d ; ?p ?o }",
    "SELECT ?e ?o WHERE { ?e !ck:date ?o }",
    "SELECT ?e ?c WHERE { ?e a/rdfs:subClassOf* ?c }",
    "SELECT ?x ?p WHERE { [ ?p ?x ] }",
    "SELECT ?e WHERE { ?e <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> ?c }",
    "CONSTRUCT WHERE { ?s ?p ?o }",
    "ASK { ?e sem:hasTimeStamp ?t }",
    "SELECT ?e WHERE { ?e ck:status 'reported' }",
    # a string that looks like a pattern is not one
    "SELECT ?e WHERE { ?e rdfs:comment ?c FILTER (CONTAINS(?c, '?s ?p ?o a ?c')) }",
]


def _rows(result) -> list[str]:
    return [str(bool(result))] if isinstance(result, ox.QueryBoolean) else sorted(map(str, result))


@pytest.mark.parametrize("query", QUERIES + [q.text for q in stored_queries().values()])
def test_a_query_under_rdfs_answers_as_over_both_graphs(query):
    store = open_store("memory")
    text = query if query.lstrip().upper().startswith("PREFIX") or "PREFIX" in query else SPARQL_PREFIXES + query
    both = store.query(text, default_graph=[ox.DefaultGraph(), ENTAILED_GRAPH], named_graphs=[])
    assert _rows(store.query(text, entailment="rdfs")) == _rows(both)


def test_the_queries_that_cannot_read_an_entailed_triple_are_recognised():
    supers = supers_of(open_store("memory"))
    skipped = [q for q in QUERIES if not may_read_entailed(SPARQL_PREFIXES + q, supers)]
    assert skipped == [QUERIES[0], QUERIES[1], QUERIES[2], QUERIES[9], QUERIES[17], QUERIES[18]]
