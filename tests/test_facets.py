"""``/api/strikes/facets`` and ``/api/accusations/facets``: the counts of what the list route answers."""

from __future__ import annotations

import calendar
import json
from collections import Counter

import pytest

from conflictkg.cli import main

FILTERS = ["", "&country=Iraq", "&perpetrator=Iran", "&from=2024-01-01&to=2024-01-16", "&target=Kerman",
           "&type=DroneStrike", "&perpetrator=Israel&from=2024-01-01"]
ACCUSATION_FILTERS = ["", "&accuser=Iran", "&accused=Israel", "&from=2024-01-01&to=2024-01-16",
                      "&accuser=Pakistan&from=2024-01-17"]


def _strikes(client, filters: str) -> list[dict]:
    return client.get(f"/api/strikes?limit=10000{filters}").json["strikes"]


@pytest.mark.parametrize("filters", FILTERS)
def test_strike_facets_count_what_the_list_answers(client, filters):
    rows = _strikes(client, filters)
    assert rows
    facet = lambda by: client.get(f"/api/strikes/facets?by={by}{filters}").json["facets"]
    assert [(f["value"], f["count"]) for f in facet("month")] == sorted(Counter(s["date"][:7] for s in rows).items())
    assert [(f["value"], f["count"]) for f in facet("year")] == sorted(Counter(s["date"][:4] for s in rows).items())
    countries = Counter(s["country"]["id"] for s in rows if s["country"])
    assert {f["value"]: f["count"] for f in facet("country")} == countries
    perpetrators = Counter((p["id"], p["attribution"]) for s in rows for p in s["perpetrators"])
    assert {(f["value"], f["attribution"]): f["count"] for f in facet("perpetrator")} == perpetrators
    types = Counter(t for s in rows for t in s["types"])
    assert {f["value"]: f["count"] for f in facet("type")} == types


def test_the_type_filter_selects_what_the_type_facet_counts(client):
    for facet in client.get("/api/strikes/facets?by=type").json["facets"]:
        rows = _strikes(client, f"&type={facet['value']}")
        assert len(rows) == facet["count"] and all(facet["value"] in s["types"] for s in rows)


@pytest.mark.parametrize("filters", ACCUSATION_FILTERS)
def test_accusation_facets_count_what_the_list_answers(client, filters):
    rows = client.get(f"/api/accusations?limit=10000{filters}").json["accusations"]
    assert rows
    facet = lambda by: client.get(f"/api/accusations/facets?by={by}{filters}").json["facets"]
    for by, size in (("month", 7), ("year", 4)):
        dated = sorted(Counter(a["date"][:size] for a in rows if a["date"]).items())
        undated = [(None, n) for n in [sum(1 for a in rows if not a["date"])] if n]
        assert [(f["value"], f["count"]) for f in facet(by)] == dated + undated
    for by in ("accuser", "accused"):
        assert {f["value"]: f["count"] for f in facet(by)} == Counter(a[by]["id"] for a in rows)
    assert {f["value"]: f["count"] for f in facet("status")} == Counter(a["status"] for a in rows)


def test_a_month_facet_narrows_to_its_count_with_from_and_to(client):
    """What the query page does with a month: from its first day to its last, on the list route."""
    for kind in ("strikes", "accusations"):
        for facet in client.get(f"/api/{kind}/facets?by=month").json["facets"]:
            if facet["value"] is None:
                continue
            year, month = map(int, facet["value"].split("-"))
            last = calendar.monthrange(year, month)[1]
            rows = client.get(f"/api/{kind}?limit=10000&from={facet['value']}-01&to={facet['value']}-{last}").json[kind]
            assert len(rows) == facet["count"], (kind, facet)


def test_count_facets_sort_largest_first_then_by_label(client):
    facets = client.get("/api/strikes/facets?by=country").json["facets"]
    assert [(-f["count"], f["label"].casefold()) for f in facets] == sorted((-f["count"], f["label"].casefold())
                                                                           for f in facets)
    assert len({f["count"] for f in facets}) > 1


def test_an_alleged_perpetrator_is_counted_as_alleged_never_as_fact(client):
    facets = client.get("/api/strikes/facets?by=perpetrator").json["facets"]
    israel = {f["attribution"]: f["count"] for f in facets if f["value"] == "israel"}
    alleged = [s for s in _strikes(client, "") if any(p["id"] == "israel" and p["attribution"] == "alleged"
                                                      for p in s["perpetrators"])]
    assert israel == {"alleged": len(alleged)} and alleged


def test_accusation_facets_put_undated_ones_last(client):
    rows = client.get("/api/accusations?limit=10000").json["accusations"]
    months = client.get("/api/accusations/facets?by=month").json["facets"]
    dated = Counter(a["date"][:7] for a in rows if a["date"])
    assert months == [{"value": m, "count": n} for m, n in sorted(dated.items())] + [
        {"value": None, "count": sum(1 for a in rows if not a["date"])}]
    for by, key in (("accuser", "accuser"), ("accused", "accused")):
        got = client.get(f"/api/accusations/facets?by={by}&accuser=Iran").json["facets"]
        subset = client.get("/api/accusations?accuser=Iran").json["accusations"]
        assert {f["value"]: f["count"] for f in got} == Counter(a[key]["id"] for a in subset)


def test_facets_as_csv(client):
    response = client.get("/api/strikes/facets?by=year&format=csv")
    assert response.mimetype == "text/csv"
    lines = response.get_data(as_text=True).splitlines()
    assert lines[0] == "value,label,attribution,count"
    assert [line.split(",")[0] for line in lines[1:]] == sorted(line.split(",")[0] for line in lines[1:])


@pytest.mark.parametrize("url,title", [
    ("/api/strikes/facets", "Bad facet"),
    ("/api/strikes/facets?by=planet", "Bad facet"),
    ("/api/accusations/facets?by=country", "Bad facet"),
    ("/api/strikes/facets?by=month&country=Atlantis", "Bad filter"),
    ("/api/strikes/facets?by=month&limit=3", "Unknown parameter"),
    ("/api/strikes/facets?by=month&type=Drone", "Bad filter"),
    ("/api/strikes?type=Drone", "Bad filter"),
    ("/api/accusations?from=yesterday", "Bad filter"),
    ("/api/accusations/facets?by=year&to=2024-13-01", "Bad filter"),
])
def test_bad_facet_requests_are_400_problems(client, url, title):
    response = client.get(url)
    assert response.status_code == 400 and response.mimetype == "application/problem+json"
    assert response.json["title"] == title


def test_the_cli_lists_take_the_same_filters(client, runner):
    drones = client.get("/api/strikes/facets?by=type").json["facets"]
    drone = next(f for f in drones if f["value"] == "DroneStrike")
    out = runner.invoke(main, ["strikes", "--type", "DroneStrike", "--json", "--all"])
    assert out.exit_code == 0 and len(json.loads(out.stdout)["strikes"]) == drone["count"]
    month = client.get("/api/accusations/facets?by=month").json["facets"][0]
    last = calendar.monthrange(*map(int, month["value"].split("-")))[1]
    out = runner.invoke(main, ["accusations", "--from", f"{month['value']}-01", "--to", f"{month['value']}-{last}",
                               "--json", "--all"])
    assert out.exit_code == 0 and len(json.loads(out.stdout)["accusations"]) == month["count"]
    bad = runner.invoke(main, ["strikes", "--type", "Drone"])
    assert bad.exit_code != 0 and "type: 'Drone' is not one of" in bad.output
