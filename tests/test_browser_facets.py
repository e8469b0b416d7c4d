"""The query page's facet bar in a real Chromium: the counts the facets routes compute from the seed,
each perpetrator with its attribution, and a click on a count that narrows the list to it."""

from urllib.parse import urlencode

# the browser tests' fixtures and their skip where there is no Chromium
from tests.test_browser import _open, _shot, browser, outside, page, pytestmark  # noqa: F401

STRIKE_FACETS = ["month", "year", "country", "perpetrator", "type"]
ACCUSATION_FACETS = ["month", "year", "accuser", "accused", "status"]


def _route(client, kind, by, **filters):
    response = client.get(f"/api/{kind}/facets?" + urlencode({"by": by, **filters}))
    assert response.status_code == 200, response.json
    return response.json["facets"]


def _list(client, kind, **filters):
    return client.get(f"/api/{kind}?" + urlencode({"limit": 10000, **filters})).json[kind]


def _shown(tab, by):
    """(value, attribution, count) of each count the bar shows for ``by``, in its order."""
    return tab.eval_on_selector_all(f"#facet-groups section[data-by={by}] li[data-value]", """items => items.map(li => [
        li.dataset.value, (li.querySelector('[data-attribution]') || {dataset: {}}).dataset.attribution || null,
        Number(li.querySelector('.count').textContent)])""")


def _expected(facets):
    return [[f["value"] or "", f.get("attribution"), f["count"]] for f in facets]


def _ready(tab):
    tab.wait_for_selector("#facet-groups[data-state=ready]", timeout=30_000)


def _rows(tab, n):
    tab.wait_for_function(f"document.querySelectorAll('#result-table tbody tr').length === {n}", timeout=30_000)
    return tab.eval_on_selector_all("#result-table tbody tr td:first-child a",
                                    "links => links.map(a => a.getAttribute('title'))")


def test_the_facet_bar_shows_the_routes_counts_and_a_click_narrows(page, client):
    page.click("#facets summary")
    _ready(page)
    for by in STRIKE_FACETS:
        assert _shown(page, by) == _expected(_route(client, "strikes", by)), by
    months = [value for value, _, _ in _shown(page, "month")]
    assert months == sorted(months) and len(months) > 1  # by date, not by count
    # an alleged perpetrator is shown as alleged, never as plain fact
    alleged = page.locator("#facet-groups section[data-by=perpetrator] li:has([data-attribution=alleged])")
    assert alleged.count() == sum(f["attribution"] == "alleged" for f in _route(client, "strikes", "perpetrator")) > 0
    assert "alleged" in alleged.first.inner_text()

    # a country's count narrows the list to those strikes, and every facet to them
    everything = _list(client, "strikes")
    country = next(f for f in _route(client, "strikes", "country") if 1 < f["count"] < len(everything))
    page.click(f"#facet-groups section[data-by=country] li[data-value={country['value']}] a")
    narrowed = _list(client, "strikes", country=country["value"])
    assert sorted(_rows(page, country["count"])) == sorted(s["iri"] for s in narrowed)
    assert len(narrowed) == country["count"]
    page.wait_for_selector("#facet-filters .chip[data-by=country]")
    page.wait_for_function("document.querySelectorAll('#facet-groups section[data-by=country] li').length === 1")
    _ready(page)
    for by in STRIKE_FACETS:
        assert _shown(page, by) == _expected(_route(client, "strikes", by, country=country["value"])), by
    assert f"country={country['value']}" in page.url  # the narrowed bar is a link to share
    _shot(page, "facets")

    # then a month within it, and the type: the filters add up, as the list route's do
    month = _route(client, "strikes", "month", country=country["value"])[0]
    page.click(f"#facet-groups section[data-by=month] li[data-value='{month['value']}'] a")
    _rows(page, month["count"])
    page.wait_for_selector("#facet-filters .chip[data-by=month]")
    _ready(page)
    # one filter removed (its ×), then all of them
    page.click("#facet-filters .chip[data-by=country] button")
    month_only = [f for f in _route(client, "strikes", "month") if f["value"] == month["value"]][0]
    _rows(page, month_only["count"])
    page.click("#facet-clear")
    assert len(_rows(page, len(everything))) == len(everything)
    assert page.locator("#facet-filters .chip").count() == 0


def test_accusation_facets_and_their_undated_count(page, client):
    page.click("#facets summary")
    _ready(page)
    page.check("input[name=facet-of][value=accusations]")
    page.wait_for_selector("#facet-groups section[data-by=accuser]")
    _ready(page)
    for by in ACCUSATION_FACETS:
        assert _shown(page, by) == _expected(_route(client, "accusations", by)), by
    months = _route(client, "accusations", "month")
    assert months[-1]["value"] is None  # undated last, and not a link: no filter selects only those
    assert page.locator("#facet-groups section[data-by=month] li[data-value=''] a").count() == 0
    month = months[0]
    page.click(f"#facet-groups section[data-by=month] li[data-value='{month['value']}'] a")
    _rows(page, month["count"])
    accuser = _route(client, "accusations", "accuser")[-1]
    page.click(f"#facet-groups section[data-by=accuser] li[data-value={accuser['value']}] a")
    expected = [f["count"] for f in _route(client, "accusations", "month", accuser=accuser["value"])
                if f["value"] == month["value"]]
    _rows(page, expected[0] if expected else 0)


def test_a_shared_facet_link_opens_narrowed(browser, live_server, outside, client):  # noqa: F811
    tab = _open(browser, live_server, outside, "/?facets=strikes&perpetrator=israel")
    narrowed = _list(client, "strikes", perpetrator="israel")
    assert sorted(_rows(tab, len(narrowed))) == sorted(s["iri"] for s in narrowed)
    _ready(tab)
    assert _shown(tab, "perpetrator") == _expected(_route(client, "strikes", "perpetrator", perpetrator="israel"))
    assert not outside and not tab.errors
    tab.close()

