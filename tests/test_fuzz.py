"""Property: whatever bytes arrive, on whatever route, the answer is never a 5xx other than 503."""

from __future__ import annotations

import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conflictkg.api import create_app
from conflictkg.graph.store import open_store

TOKEN = "fuzz-token"
APP = None


def _app():
    """One app for every example (hypothesis runs a test many times; a fixture would run once)."""
    global APP
    if APP is None:
        APP = create_app({"STORE": open_store("memory"), "TESTING": True, "UPDATE_TOKEN": TOKEN,
                          "QUERY_TIMEOUT": 3.0, "QUERY_PROCESSES": 2})
    return APP


def _paths() -> list[tuple[str, list[str]]]:
    """Every route of the app, its variables filled with a placeholder, and its methods."""
    found = []
    for rule in _app().url_map.iter_rules():
        path = re.sub(r"<(?:[^:>]+:)?([^>]+)>", "X", rule.rule)
        found.append((path, sorted(rule.methods - {"HEAD", "OPTIONS"})))
    return sorted(found)


ROUTES = _paths()
CONTENT_TYPES = ["application/sparql-query", "application/sparql-update", "application/x-www-form-urlencoded",
                 "text/turtle", "application/n-triples", "application/n-quads", "application/trig",
                 "application/ld+json", "application/rdf+xml", "application/json", "multipart/form-data; boundary=x",
                 "text/turtle; charset=latin-1", ""]
PARAMS = ["query", "update", "format", "entailment", "snapshot", "default-graph-uri", "named-graph-uri", "graph",
          "default", "country", "perpetrator", "from", "to", "type", "engine", "between", "window", "accuser"]
SPARQL_BITS = ["SELECT", "ASK", "CONSTRUCT", "{", "}", "(", ")", "?s", "<urn:a>", "SERVICE", "FROM", "LOAD",
               "INSERT DATA", "\"", "'", "#", "\\u0053", "FILTER", ".", "1", "\x00", "\udcff"]


def _text():
    return st.one_of(st.text(max_size=60), st.lists(st.sampled_from(SPARQL_BITS), max_size=25).map(" ".join))


@settings(max_examples=500, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
@given(route=st.sampled_from(ROUTES), method_pick=st.integers(min_value=0, max_value=3),
       suffix=st.one_of(st.just(""), st.text(max_size=20)),
       params=st.lists(st.tuples(st.sampled_from(PARAMS), _text()), max_size=4),
       raw_query=st.binary(max_size=40),
       body=st.one_of(st.binary(max_size=300), _text().map(lambda t: t.encode("utf-8", "surrogatepass"))),
       content_type=st.sampled_from(CONTENT_TYPES),
       accept=st.one_of(st.none(), st.text(max_size=40)),
       authorized=st.booleans())
def test_random_requests_never_get_a_server_error(route, method_pick, suffix, params, raw_query, body, content_type,
                                                  accept, authorized):
    path, methods = route
    method = methods[method_pick % len(methods)] if methods else "GET"
    if path.endswith("X") and suffix:
        path = path[:-1] + suffix.replace("/", "")
    query = "&".join(f"{k}={v}" for k, v in params).encode("utf-8", "surrogatepass") + raw_query
    headers = {}
    if accept is not None:
        # a header cannot hold a line break (HTTP would read the next header): the rest may be anything
        headers["Accept"] = accept.encode("utf-8", "surrogatepass").decode("latin-1").translate({10: None, 13: None})
    if authorized:
        headers["Authorization"] = f"Bearer {TOKEN}"
    client = _app().test_client()
    # the query string as a server hands it over: raw bytes, read as latin-1 (PEP 3333)
    response = client.open(path, method=method, data=body, content_type=content_type or None, headers=headers,
                           environ_overrides={"QUERY_STRING": query.decode("latin-1")})
    assert response.status_code < 500 or response.status_code == 503, (
        method, path, query, body[:100], response.get_data(as_text=True)[:300])
    if response.status_code >= 400:
        assert response.mimetype == "application/problem+json"


@pytest.fixture(autouse=True, scope="module")
def _stop_executors():
    yield
    if APP is not None:
        APP.extensions["conflictkg.dataset"].close()
