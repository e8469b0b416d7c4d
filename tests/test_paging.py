"""Pages of every REST list route and CLI list verb: ``limit``, an opaque cursor stable under writes,
``next`` in the JSON and a ``Link: <…>; rel="next"`` header."""

from __future__ import annotations

import io
import json
import re

import pyoxigraph as ox
import pytest

from conflictkg.cli import main
from conflictkg.graph.domain.synth import write_events

LISTS = [("/api/strikes", "strikes"), ("/api/accusations", "accusations"), ("/api/actors", "actors"),
         ("/api/timeline", "timeline"), ("/api/strikes?country=Iran", "strikes"),
         ("/api/actors?type=person", "actors"), ("/api/queries/who-struck-where", "rows")]


def _walk(client, url: str, key: str, limit: int) -> tuple[list, int]:
    """Every row of a list, following the Link header page after page; and how many pages it took."""
    rows, pages = [], 0
    url = url + ("&" if "?" in url else "?") + f"limit={limit}"
    while url:
        response = client.get(url)
        assert response.status_code == 200, response.json
        body = response.json
        assert len(body[key]) <= limit
        rows += body[key]
        pages += 1
        link = response.headers.get("Link")
        if body["next"] is None:
            assert link is None
            url = None
        else:
            url = re.fullmatch(r'<(.+)>; rel="next"', link).group(1)
            assert f"cursor={body['next']}" in url and f"limit={limit}" in url
    return rows, pages


@pytest.mark.parametrize("url,key", LISTS)
def test_walking_the_pages_answers_the_whole_list_in_order(client, url, key):
    whole = client.get(url).json
    assert whole["next"] is None  # the seed graph's lists fit in one default page of 100
    assert len(whole[key]) >= 3
    for limit in (1, 3):
        rows, pages = _walk(client, url, key, limit)
        assert rows == whole[key]
        assert pages == -(-len(rows) // limit)


def test_a_page_is_the_first_rows_and_the_next_page_continues_after_them(client):
    every = [s["id"] for s in client.get("/api/strikes").json["strikes"]]
    first = client.get("/api/strikes?limit=4").json
    assert [s["id"] for s in first["strikes"]] == every[:4]
    second = client.get(f"/api/strikes?limit=4&cursor={first['next']}").json
    assert [s["id"] for s in second["strikes"]] == every[4:8]


def test_the_cursor_is_stable_under_writes(app, client):
    first = client.get("/api/strikes?limit=3").json
    seen = [s["id"] for s in first["strikes"]]
    last = (first["strikes"][-1]["date"], first["strikes"][-1]["iri"])
    # synthetic attacks dated 2015-2025: some sort before the page's last row, where an offset would shift
    synthetic = io.StringIO()
    write_events(synthetic, 60, seed=3)
    app.extensions["conflictkg.dataset"].load([(synthetic.getvalue().encode(), ox.RdfFormat.N_TRIPLES, None)])
    now = client.get("/api/strikes?limit=10000").json["strikes"]
    assert any((s["date"], s["iri"]) < last for s in now if s["id"] not in seen)
    second = client.get(f"/api/strikes?limit=3&cursor={first['next']}").json["strikes"]
    assert [s["id"] for s in second] == [s["id"] for s in now if (s["date"], s["iri"]) > last][:3]
    assert not set(seen) & {s["id"] for s in second}


def test_csv_pages_carry_the_link_header(client):
    response = client.get("/api/strikes?format=csv&limit=2")
    assert response.mimetype == "text/csv"
    assert len(response.get_data(as_text=True).strip().splitlines()) == 3  # header + 2 rows
    url = re.fullmatch(r'<(.+)>; rel="next"', response.headers["Link"]).group(1)
    assert "format=csv" in url and "limit=2" in url
    assert client.get(url).mimetype == "text/csv"


@pytest.mark.parametrize("query,detail", [
    ("limit=0", "limit: '0' is not a whole number from 1 to 10000"),
    ("limit=10001", "limit: '10001' is not a whole number from 1 to 10000"),
    ("limit=ten", "limit: 'ten' is not a whole number from 1 to 10000"),
    ("cursor=not-a-cursor", "is not a cursor of this list"),
])
def test_a_bad_limit_or_cursor_is_a_400_problem(client, query, detail):
    response = client.get(f"/api/strikes?{query}")
    assert response.status_code == 400
    assert response.mimetype == "application/problem+json"
    assert response.json["title"] == "Bad page parameter"
    assert detail in response.json["detail"]


def test_a_cursor_of_another_list_is_refused(client):
    cursor = client.get("/api/timeline?limit=1").json["next"]
    response = client.get(f"/api/strikes?cursor={cursor}")
    assert response.status_code == 400 and "not a cursor of this list" in response.json["detail"]


def test_limit_caps_at_ten_thousand(client):
    assert client.get("/api/timeline?limit=10000").status_code == 200


def test_cli_verbs_take_limit_and_all(runner):
    every = json.loads(runner.invoke(main, ["strikes", "--json", "--all"]).output)
    assert every["next"] is None and len(every["strikes"]) > 2
    two = runner.invoke(main, ["strikes", "--json", "--limit", "2"])
    assert two.exit_code == 0
    body = json.loads(two.output)
    assert [s["id"] for s in body["strikes"]] == [s["id"] for s in every["strikes"][:2]]
    more = json.loads(runner.invoke(main, ["strikes", "--json", "--limit", "2", "--cursor", body["next"]]).output)
    assert [s["id"] for s in more["strikes"]] == [s["id"] for s in every["strikes"][2:4]]
    table = runner.invoke(main, ["timeline", "--limit", "1"])
    assert table.exit_code == 0
    assert "more: --all, or --cursor " in table.stderr
    for verb in ("accusations", "actors", "timeline"):
        assert runner.invoke(main, [verb, "--limit", "1"]).exit_code == 0
    bad = runner.invoke(main, ["strikes", "--limit", "0"])
    assert bad.exit_code != 0 and "limit" in bad.output
