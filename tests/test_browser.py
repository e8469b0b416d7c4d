"""The query page and the resource pages in a real Chromium (Debian's, driven by Playwright): each result
view drawn from a real query, completion, errors at their place, parameters, a resource page's quotes.
Screenshots go to test-artifacts/browser/ (git-ignored), for a person to look at."""

import os
import re
import shutil
from pathlib import Path
from urllib.parse import quote

import pytest

from conflictkg.api.ui import default_query
from conflictkg.graph.domain.evidence import evidence_for
from conflictkg.graph.domain.resource import describe
from conflictkg.graph.vocab import ID

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
pytestmark = pytest.mark.skipif(not os.path.exists(CHROMIUM) and not os.environ.get("CI"),
                                reason="Chromium is installed by .ci/run (apt-get install chromium)")
ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts" / "browser"
KERMAN = ID + "event/2024-01-03-kerman-bombings"


@pytest.fixture
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as driver:
        found = driver.chromium.launch(
            executable_path=CHROMIUM,
            args=["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync"])
        try:
            yield found
        finally:
            found.close()


@pytest.fixture
def outside():
    """Every request the page makes to anywhere but the test server: there must be none."""
    return []


def _open(browser, live_server, outside, path="/", width=1200):
    tab = browser.new_page(viewport={"width": width, "height": 900})
    errors = []
    tab.on("pageerror", lambda error: errors.append(str(error)))

    def screen(route):
        if not route.request.url.startswith(live_server):
            outside.append(route.request.url)
            return route.abort()
        return route.continue_()

    tab.route("**/*", screen)
    tab.goto(live_server + path)
    tab.errors = errors
    return tab


@pytest.fixture
def page(browser, live_server, outside):
    tab = _open(browser, live_server, outside)
    yield tab
    assert not outside, f"the page reached outside: {outside}"
    assert not tab.errors, tab.errors


def _shot(tab, name):
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    tab.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def _answer(client, query):
    """The query's answer as the endpoint gives it to any client (what a view must show)."""
    response = client.post("/sparql", data={"query": query}, headers={"Accept": "application/sparql-results+json"})
    assert response.status_code == 200, response.get_data(as_text=True)
    return response.json["results"]["bindings"]


def _run(tab, view):
    tab.click("#run")
    tab.wait_for_selector(f"#results[data-view={view}]", timeout=30_000)


def test_the_default_query_opens_on_the_map_with_borders(page, client):
    rows = _answer(client, default_query())
    _run(page, "Map")
    assert page.locator("#map-view circle.point").count() == len(rows) > 0
    assert page.locator("#map-view path.country").count() > 100  # Natural Earth's countries, drawn offline
    assert page.locator("#map-view path.border").count() == 1
    labels = page.locator("#map-view text.label").all_text_contents()
    assert "Iranian missile and drone strike on Koh-e-Sabz, Balochistan" in labels
    assert set(labels) <= {r["attackLabel"]["value"] for r in rows}
    assert page.get_attribute("#views [data-view=Map]", "aria-selected") == "true"
    _shot(page, "map")


def test_the_timeline_draws_every_dated_row(page, client):
    page.wait_for_selector("#examples option:has-text('Timeline')", state="attached")
    page.select_option("#examples", label="Timeline")
    assert "#defaultView:Timeline" in page.input_value("#query")
    rows = _answer(client, page.input_value("#query"))
    _run(page, "Timeline")
    assert page.locator("#timeline-view circle.dot").count() == len(rows) > 10
    assert page.locator("#timeline-view text.label").count() == len(rows)  # every event labelled
    _shot(page, "timeline")


def test_the_graph_links_accusers_to_the_accused(page, client):
    page.wait_for_selector("#examples option:has-text('Who accused whom')", state="attached")
    page.select_option("#examples", label="Who accused whom")
    rows = _answer(client, page.input_value("#query"))
    _run(page, "Graph")
    page.wait_for_selector("#graph-view[data-ready]", timeout=30_000)
    actors = {r[v]["value"] for r in rows for v in ("accuser", "accused")}
    links = {(r["accuser"]["value"], r["accused"]["value"]) for r in rows}
    assert page.inner_text("#graph-note").startswith(f"{len(actors)} nodes, {len(links)} links")
    assert page.locator("#graph-view canvas").count() == 1
    _shot(page, "graph")


def test_the_table_sorts_filters_pages_and_links(page, client):
    rows = _answer(client, default_query())
    _run(page, "Map")
    page.click("#views [data-view=Table]")
    page.wait_for_selector("#result-table tbody tr")
    assert page.locator("#result-table tbody tr").count() == len(rows)
    page.click("#result-table th[data-var=date]")
    page.click("#result-table th[data-var=date]")  # descending
    latest = max(r["date"]["value"] for r in rows)
    assert page.inner_text("#result-table tbody tr:first-child td:nth-child(3)").startswith(latest)
    assert "^^xsd:date" in page.inner_text("#result-table tbody tr:first-child td:nth-child(3)")
    assert "@en" in page.inner_text("#result-table tbody tr:first-child td:nth-child(2)")
    # an IRI shows shortened and links to its page here
    link = page.locator("#result-table tbody tr:first-child td:first-child a")
    assert link.get_attribute("href").startswith("/id/event/")
    page.fill("#filter", "Kerman")
    kerman = [r for r in rows if any("Kerman" in t["value"] for t in r.values())]
    page.wait_for_function(f"document.querySelectorAll('#result-table tbody tr').length === {len(kerman)}")
    assert f"of {len(kerman)} (filtered from {len(rows)})" in page.inner_text("#row-range")
    link.click()
    page.wait_for_selector("h1#label")
    _shot(page, "table-then-resource")


def test_a_long_answer_pages_and_says_it_was_cut(page):
    page.fill("#query", "SELECT ?s ?x WHERE { ?s ?p ?o . ?x ?y ?z } LIMIT 10001")
    _run(page, "Table")
    assert page.locator("#result-table tbody tr").count() == 50
    assert page.inner_text("#row-range") == "rows 1–50 of 10000"
    assert "cut at 10000" in page.inner_text("#status")
    page.click("#next")
    assert page.inner_text("#row-range") == "rows 51–100 of 10000"


def test_completion_offers_the_stores_terms(page):
    page.fill("#query", "PREFIX ck: <https://w3id.org/conflictkg/ontology#>\nSELECT * WHERE { ?e ")
    page.focus("#query")
    page.keyboard.press("End")
    page.keyboard.type("ck:per")
    page.wait_for_selector("#complete li:has-text('ck:perpetrator')", timeout=15_000)
    assert page.inner_text("#complete li[aria-selected=true]").startswith("ck:perpetrator")
    _shot(page, "completion")
    page.keyboard.press("Enter")
    assert page.input_value("#query").endswith("?e ck:perpetrator")


def test_completing_a_name_declares_its_prefix(page):
    page.fill("#query", "SELECT ?l WHERE { ?e ")
    page.focus("#query")
    page.keyboard.press("End")
    page.keyboard.type("rdfs:lab")
    page.wait_for_selector("#complete li:has-text('rdfs:label')", timeout=15_000)
    page.keyboard.press("Tab")
    assert page.input_value("#query") == ("PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\n"
                                          "SELECT ?l WHERE { ?e rdfs:label")


def test_errors_show_the_problem_at_its_place_and_drop_old_links(page):
    _run(page, "Map")
    assert page.locator("#downloads a").count() == 4
    page.fill("#query", "SELEC ?x WHERE { ?x ?p ?o }")
    page.click("#run")
    page.wait_for_selector(".error")
    assert page.inner_text(".error") == "Bad SPARQL query: expected SELECT, CONSTRUCT, ASK or DESCRIBE at 1:1"
    assert page.inner_text("#highlight .err") == "S"  # marked in the editor
    assert page.locator("#downloads a").count() == 0
    assert page.is_hidden("#views")


def test_ask_shows_its_answer_and_no_row_count(page):
    page.fill("#query", f"ASK {{ <{KERMAN}> ?p ?o }}")
    page.click("#run")
    page.wait_for_selector("#answer")
    assert page.inner_text("#answer") == "true"
    assert "row" not in page.inner_text("#status")
    assert page.is_hidden("#views")


def test_a_stored_querys_parameter_gets_an_input(page):
    page.wait_for_selector("#examples option:has-text('Strikes on a country')", state="attached")
    page.select_option("#examples", label="Strikes on a country")
    page.wait_for_selector("#param-country")
    page.select_option("#param-country", label="Pakistan")
    _run(page, "Table")
    table = page.inner_text("#result-table")
    assert "Koh-e-Sabz" in table and "Sistan" not in table
    assert f"VALUES (?country) {{ (<{ID}actor/pakistan>) }}" in page.input_value("#query")


def test_who_struck_where_and_the_shareable_link(page):
    page.wait_for_selector("#examples option:has-text('Who struck where')", state="attached")
    page.select_option("#examples", label="Who struck where")
    assert "ck:perpetrator" in page.input_value("#query")
    _run(page, "Table")
    assert "Koh-e-Sabz" in page.inner_text("#result-table")
    assert "rows in" in page.inner_text("#status")
    assert page.locator("#downloads a", has_text="csv").count() == 1
    assert page.locator("#highlight .k").count() > 3  # SELECT, WHERE… highlighted
    shared = page.get_attribute("#share", "href")
    assert "/?query=" in shared
    page.goto(shared)  # the shareable link opens the same query and runs it
    page.wait_for_selector("#result-table tbody tr")
    assert "Koh-e-Sabz" in page.inner_text("#result-table")


def test_a_narrow_screen_scrolls_no_page_sideways(browser, live_server, outside):
    tab = _open(browser, live_server, outside, width=420)
    _run(tab, "Map")
    tab.click("#views [data-view=Table]")
    tab.wait_for_selector("#result-table tbody tr")
    assert tab.evaluate("document.documentElement.scrollWidth") <= 420
    _shot(tab, "narrow-table")
    tab.goto(live_server + "/id/" + KERMAN[len(ID):])
    assert tab.evaluate("document.documentElement.scrollWidth") <= 420
    assert not outside and not tab.errors


def test_a_resource_page_shows_its_quotes(browser, live_server, outside, store):
    tab = _open(browser, live_server, outside, "/id/" + KERMAN[len(ID):])
    assert tab.inner_text("h1#label") == "Kerman bombings"
    quotes = [q["quote"] for q in evidence_for(store, [KERMAN])[KERMAN]]
    assert tab.locator("#quotes mark").all_inner_texts() == quotes
    assert re.search(r"alleged\s+by\s+Iran", tab.inner_text("#claims"))
    tab.wait_for_selector("#map-svg circle.point")  # where it happened, on the map
    assert tab.locator("#map-svg circle.point").count() == len(describe(store, KERMAN)["points"]) > 0
    _shot(tab, "resource")
    tab.click("#statements a:text-is('Iran')")
    tab.wait_for_selector("h1#label:text-is('Iran')")
    tab.goto(live_server + "/?query=" + quote(f"DESCRIBE <{KERMAN}>"))
    tab.wait_for_selector("#result-table tbody tr")  # a graph answer is a table of triples too
    assert tab.inner_text("#result-table thead") .split() == ["subject", "predicate", "object"]
    assert "ck:location" in tab.inner_text("#result-table")  # prefixed, as the query page shortens IRIs
    assert not outside and not tab.errors
