"""The notebook helpers' facet counts (graph/networks/counts.py) against counts a plain SPARQL
``COUNT`` gives, and their bar chart's bars."""

import pytest

from conflictkg.graph.networks import counts
from conflictkg.graph.vocab import ID, SPARQL_PREFIXES

IRAN = ID + "actor/iran"

MONTHS = SPARQL_PREFIXES + """
SELECT ?m (COUNT(DISTINCT ?e) AS ?n) WHERE {
  ?e a/rdfs:subClassOf* ck:Attack ; ck:date ?d . %s
  BIND(SUBSTR(STR(?d), 1, 7) AS ?m)
} GROUP BY ?m ORDER BY ?m"""

UNSURE = SPARQL_PREFIXES + """
SELECT ?a ?st (COUNT(DISTINCT ?e) AS ?n) WHERE {
  ?e a/rdfs:subClassOf* ck:Attack .
  ?c ck:claimAbout ?e ; ck:claimProperty ck:perpetrator ; ck:claimValue ?a ; ck:status ?st .
  FILTER(?st != "reported")
} GROUP BY ?a ?st"""


def _months(store, where=""):
    return [(r["m"].value, int(r["n"].value)) for r in store.select(MONTHS % where)]


@pytest.mark.parametrize("filters,where", [({}, ""), ({"country": "Iran"}, f"?e ck:country <{IRAN}> .")])
def test_month_counts_are_sparqls_in_date_order(store, filters, where):
    expected = _months(store, where)
    assert len(expected) > 1
    frame = counts.facet_frame(store, "month", **filters)
    assert list(zip(frame["value"], frame["count"])) == expected
    assert list(frame.columns) == ["value", "label", "attribution", "count"]


def test_the_month_chart_has_a_bar_per_month_as_tall_as_its_count(store):
    expected = _months(store)
    ax = counts.facet_figure(store).axes[0]
    assert [t.get_text() for t in ax.get_xticklabels()] == [m for m, _ in expected]
    assert [p.get_height() for p in ax.patches] == [n for _, n in expected]
    assert ax.get_title() == "Strikes by month"


def test_a_perpetrator_not_reported_is_counted_and_drawn_under_its_attribution(store):
    unsure = {(r["a"].value, r["st"].value): int(r["n"].value) for r in store.select(UNSURE)}
    assert (ID + "actor/israel", "alleged") in unsure
    frame = counts.facet_frame(store, "perpetrator")
    shown = frame[frame["attribution"] != "reported"]
    assert {(ID + "actor/" + v, a): n for v, a, n in zip(shown["value"], shown["attribution"], shown["count"])} == unsure
    ax = counts.facet_figure(store, "perpetrator").axes[0]
    labels = [t.get_text() for t in ax.get_xticklabels()]
    assert "Israel (alleged)" in labels and "Israel" not in labels


def test_accusation_counts_end_with_the_undated(store):
    frame = counts.facet_frame(store, "year", of="accusations")
    undated = SPARQL_PREFIXES + "SELECT (COUNT(DISTINCT ?e) AS ?n) WHERE { ?e a ck:Accusation FILTER NOT EXISTS { ?e ck:date ?d } }"
    assert frame["value"].isna().tolist()[-1] and frame["count"].iloc[-1] == int(store.select(undated)[0]["n"].value)
    assert "undated" in [t.get_text() for t in counts.facet_figure(store, "year", of="accusations").axes[0].get_xticklabels()]


def test_an_unknown_kind_is_refused(store):
    with pytest.raises(ValueError, match="of: 'planets'"):
        counts.facet_frame(store, "month", of="planets")
