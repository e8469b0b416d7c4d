"""The query page in a real Chromium (Debian's, driven by Playwright): pick an example, run it, read the table."""

import os
import shutil

import pytest

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
pytestmark = pytest.mark.skipif(not os.path.exists(CHROMIUM) and not os.environ.get("CI"),
                                reason="Chromium is installed by .ci/run (apt-get install chromium)")


@pytest.fixture
def page(live_server):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as driver:
        browser = driver.chromium.launch(
            executable_path=CHROMIUM,
            args=["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync"])
        try:
            tab = browser.new_page()
            tab.goto(live_server + "/")
            yield tab
        finally:
            browser.close()


def test_who_struck_where_from_the_examples(page, tmp_path):
    page.wait_for_selector("#examples option:has-text('Who struck where')", state="attached")
    page.select_option("#examples", label="Who struck where")
    assert "ck:perpetrator" in page.input_value("#query")
    page.click("#run")
    page.wait_for_selector("#result-table tbody tr")
    assert "Koh-e-Sabz" in page.inner_text("#result-table")
    assert "rows in" in page.inner_text("#status")
    shared = page.get_attribute("#share", "href")
    assert "/?query=" in shared
    assert page.locator("#downloads a", has_text="csv").count() == 1
    assert page.locator("#highlight .k").count() > 3  # SELECT, WHERE… highlighted
    page.screenshot(path=str(tmp_path / "page.png"))
    # the shareable link opens the same query and runs it
    page.goto(shared)
    page.wait_for_selector("#result-table tbody tr")
    assert "Koh-e-Sabz" in page.inner_text("#result-table")


def test_errors_show_the_problem(page):
    page.fill("#query", "SELECT nothing WHERE")
    page.click("#run")
    page.wait_for_selector(".error")
    assert "Bad SPARQL query" in page.inner_text(".error")


def test_a_cut_answer_says_so(page):
    page.fill("#query", "SELECT ?s ?x WHERE { ?s ?p ?o . ?x ?y ?z } LIMIT 10001")
    page.click("#run")
    page.wait_for_selector("#result-table tbody tr")
    assert page.locator("#result-table tbody tr").count() == 10_000
    assert "cut at 10000" in page.inner_text("#status")
