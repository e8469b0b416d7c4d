"""Pages of the timeline and of the actors: walked to the end they are the whole list, exactly; a page
reads only its own rows, however large the graph; a cursor stays put when the graph is written to."""

from __future__ import annotations

import io

import pyoxigraph as ox
import pytest

from conflictkg.graph.dataset import Dataset
from conflictkg.graph.domain.actors import actors
from conflictkg.graph.domain.names import label_index
from conflictkg.graph.domain.paging import actors_page, encode_cursor, every, timeline_page
from conflictkg.graph.domain.synth import write_events
from conflictkg.graph.domain.timeline import timeline
from conflictkg.graph.store import open_store
from conflictkg.graph.vocab import SPARQL_PREFIXES

SYNTHETIC_EVENTS = 1500

# the timeline's order, found independently: dated and labelled nodes by the date's text, then IRI
_ORDER = SPARQL_PREFIXES + """
SELECT DISTINCT ?e ?date WHERE { ?e ck:date ?date ; rdfs:label ?label } ORDER BY STR(?date) STR(?e)"""


def _synthetic(events: int, seed: int) -> list:
    text = io.StringIO()
    write_events(text, events, seed=seed)
    return [(text.getvalue().encode(), ox.RdfFormat.N_TRIPLES, None)]


@pytest.fixture(scope="module")
def synthetic():
    """The seed graph and synthetic events, loaded through the one write path; read only."""
    dataset = Dataset.open("memory")
    dataset.load(_synthetic(SYNTHETIC_EVENTS, 11))
    return dataset._store


class _Counting:
    """A store that counts the rows its reads answer."""

    def __init__(self, store) -> None:
        self._store, self.rows = store, 0

    def __getattr__(self, name):
        return getattr(self._store, name)

    def select(self, sparql: str, **kwargs):
        rows = self._store.select(sparql, **kwargs)
        self.rows += len(rows)
        return rows


@pytest.mark.parametrize("limit", [1, 4, 10_000])
def test_the_timeline_walked_page_by_page_is_the_whole_timeline(store, limit):
    whole = timeline(store)
    assert every(timeline_page, store, limit=limit) == whole
    assert [(e["date"], e["iri"]) for e in whole] == [(r["date"].value, r["e"].value) for r in store.select(_ORDER)]
    assert any(len(e["date"]) == 4 for e in whole)  # the seed's year-only date is among them, in its place


@pytest.mark.parametrize("limit", [7, 100])
def test_the_timeline_of_a_synthetic_graph_walked_page_by_page_is_the_whole_timeline(synthetic, limit):
    whole = timeline(synthetic)
    assert len(whole) == SYNTHETIC_EVENTS + len(timeline(open_store("memory")))
    assert every(timeline_page, synthetic, limit=limit) == whole
    assert [(e["date"], e["iri"]) for e in whole] == [(r["date"].value, r["e"].value)
                                                       for r in synthetic.select(_ORDER)]
    answers = [e for e in whole if e["iri"].endswith("/synth-0000040")]
    assert answers and answers[0]["by"] and all(p["attribution"] == "reported" for p in answers[0]["by"])


def test_a_timeline_page_reads_only_its_own_events(synthetic):
    deep = None
    for _ in range(10):
        deep = timeline_page(synthetic, limit=5, cursor=deep).next
    counting = _Counting(synthetic)
    label_index(counting)  # built once per store version, not per page
    counting.rows = 0
    page = timeline_page(counting, limit=5, cursor=deep)
    assert len(page.items) == 5 and page.next is not None
    # the page's queries answer a few rows per event of the page, not a row per event of the graph
    assert counting.rows < 200 < SYNTHETIC_EVENTS


def test_a_timeline_cursor_is_stable_under_writes(store):
    first = timeline_page(store, limit=3)
    last = (first.items[-1]["date"], first.items[-1]["iri"])
    Dataset(store).load(_synthetic(60, 3))  # events dated 2015-2025: some before the page's last row
    now = timeline(store)
    assert any((e["date"], e["iri"]) < last for e in now if e["iri"] not in {i["iri"] for i in first.items})
    second = timeline_page(store, limit=3, cursor=first.next)
    assert second.items == [e for e in now if (e["date"], e["iri"]) > last][:3]


def test_a_timeline_cursor_of_the_last_dated_event_ends_the_list(store):
    whole = timeline(store)
    last = encode_cursor("timeline", [whole[-2]["date"], whole[-2]["iri"]])
    page = timeline_page(store, limit=5, cursor=last)
    assert page.items == whole[-1:] and page.next is None


@pytest.mark.parametrize("kind", [None, "person", "state", "armed_group"])
@pytest.mark.parametrize("limit", [1, 3, 10_000])
def test_actors_walked_page_by_page_are_every_actor_by_label(store, kind, limit):
    whole = actors(store, type=kind)
    assert len(whole) >= 3
    assert every(actors_page, store, limit=limit, type=kind) == whole
    assert [(a["label"].casefold(), a["iri"]) for a in whole] == sorted((a["label"].casefold(), a["iri"])
                                                                        for a in whole)


def test_actors_of_a_synthetic_graph_walked_page_by_page(synthetic):
    whole = actors(synthetic)
    assert sum(a["id"].startswith("synth-") for a in whole) == 28 + 60  # synth's states and armed groups
    assert every(actors_page, synthetic, limit=9) == whole


def test_an_actors_cursor_is_stable_under_writes(store):
    first = actors_page(store, limit=6)
    last = first.items[-1]
    Dataset(store).load(_synthetic(10, 4))  # states from Afghanistan to Yemen: on both sides of the page's last actor
    now = actors(store)
    key = (last["label"].casefold(), last["iri"])
    assert any((a["label"].casefold(), a["iri"]) < key for a in now if a["id"].startswith("synth-"))
    second = actors_page(store, limit=6, cursor=first.next)
    assert second.items == [a for a in now if (a["label"].casefold(), a["iri"]) > key][:6]
    assert any(a["id"].startswith("synth-") for a in second.items)  # and some after it, which the page shows


@pytest.mark.parametrize("key", [[None, "x"], [1, "x"]])
def test_an_actors_cursor_that_is_not_a_label_and_an_iri_is_a_400_problem(client, key):
    response = client.get(f"/api/actors?cursor={encode_cursor('actors', key)}")
    assert response.status_code == 400
    assert response.mimetype == "application/problem+json"
    assert "not a cursor of this list" in response.json["detail"]
