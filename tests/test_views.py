"""Networks, analyses and pictures for notebooks; the example notebook runs top to bottom."""

import re
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

from conflictkg.graph.networks import analysis, draw, views

NOTEBOOK = Path(__file__).resolve().parents[1] / "notebooks" / "explore.ipynb"
IRAN, PAKISTAN = "https://w3id.org/conflictkg/id/actor/iran", "https://w3id.org/conflictkg/id/actor/pakistan"


def test_strike_network(store):
    graph = views.strike_network(store)
    [(edge)] = [d for d in graph.get_edge_data(IRAN, PAKISTAN).values()]
    assert (edge["date"], edge["weapons"], edge["targeted_groups"], edge["place"]) == (
        "2024-01-16", "drone, missile", "Jaish al Adl (alleged by Iran)", "Koh-e-Sabz")
    assert (edge["attribution"], edge["attributed_by"]) == ("reported", "")
    assert graph.nodes[IRAN] == {"label": "Iran", "type": "state"}
    assert [d["date"] for d in graph.get_edge_data(PAKISTAN, IRAN).values()] == ["2024-01-18"]
    only_2024 = views.strike_network(store, date_from="2024-01-01", actor="Israel")
    assert sorted((d["date"], d["attribution"], d["attributed_by"]) for _, _, d in only_2024.edges(data=True)) == [
        ("2024-01-03", "alleged", "Iran"), ("2024-01-20", "alleged", "Iran")]


def test_accusation_and_interaction_networks(store):
    accusations = views.accusation_network(store)
    assert {d["allegation"] for d in accusations.get_edge_data(PAKISTAN, IRAN).values()} == {
        "Negligence in dealing with the armed groups hostile to Pakistan, the Balochistan Liberation Army and Front, along the shared border."}
    interactions = views.interaction_network(store, date_from="2024-01-17", date_to="2024-01-17")
    assert {d["relation"] for _, _, d in interactions.edges(data=True)} == {"diplomatic_action", "speech_act"}
    assert {(u, v) for u, v in interactions.edges()} == {(PAKISTAN, IRAN)}


def test_analyses(store):
    assert analysis.most_accused(store)[0] == ("Israel", 4)
    assert analysis.striking_and_struck(store) == ["Iran", "Pakistan"]
    assert analysis.accusation_path(store, "Pakistan", "Israel") == ["Pakistan", "Iran", "Israel"]
    assert analysis.accusation_path(store, "Israel", "Pakistan") is None


@pytest.mark.parametrize("make", [
    lambda s: draw.network_figure(views.strike_network(s)),
    lambda s: draw.network_figure(views.accusation_network(s)),
    lambda s: draw.network_figure(views.interaction_network(s)),
    lambda s: draw.timeline_figure(s, date_from="2023-12-01"),
    lambda s: draw.strike_map(s),
])
def test_pictures_save_to_png(store, tmp_path, make):
    path = tmp_path / "picture.png"
    make(store).savefig(path, dpi=60)
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 10_000


def test_pyvis_page_works_offline(store, tmp_path):
    page = draw.write_pyvis(views.interaction_network(store), tmp_path / "net.html")
    html = page.read_text()
    assert not re.findall(r'(?:src|href)\s*=\s*"https?://', html)
    assert "vis.Network" in html and "Koh-e-Sabz" not in html.split("<body>")[0]
    assert "Jaish al Adl" in html


def test_notebook_is_stored_without_outputs():
    notebook = nbformat.read(NOTEBOOK, as_version=4)
    code = [c for c in notebook.cells if c.cell_type == "code"]
    assert code and all(not c.outputs and c.execution_count is None for c in code)


@pytest.mark.slow
def test_notebook_runs_top_to_bottom():
    notebook = nbformat.read(NOTEBOOK, as_version=4)
    NotebookClient(notebook, timeout=300, kernel_name="python3",
                   resources={"metadata": {"path": str(NOTEBOOK.parent)}}).execute()
    outputs = [o for c in notebook.cells if c.cell_type == "code" for o in c.outputs]
    assert not [o for o in outputs if o.output_type == "error"]
    images = [o for o in outputs if "image/png" in o.get("data", {})]
    assert len(images) == 5  # strike network, map, strikes by month, accusation network, timeline
    text = "".join(o.get("text", "") for o in outputs)
    assert "Koh-e-Sabz" in text and "('Israel', 4)" in text
    # the facet counts, as a table in which Israel is alleged
    [counts] = [o["data"]["text/plain"] for o in outputs if "<table" in o.get("data", {}).get("text/html", "")]
    assert re.search(r"israel\s+Israel\s+alleged\s+3", counts)
    # the interactive network shows inline, and needs no network
    [page] = [o["data"]["text/html"] for o in outputs if o.get("data", {}).get("text/html", "").startswith("<iframe")]
    assert page.startswith("<iframe srcdoc=") and "vis.Network" in page
    assert not re.findall(r'(?:src|href)\s*=\s*&quot;https?://', page)
