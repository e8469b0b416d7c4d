"""GDELT 2.0 events and UCDP GED rows (tests/fixtures/datasets/, written from the codebooks' column
lists), streamed through the one write path and matched to the events the graph holds."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from benchmarks import datasets_load
from conflictkg.cli import main
from conflictkg.graph.dataset import Dataset
from conflictkg.graph.domain.strikes import strikes
from conflictkg.graph.domain.timeline import timeline
from conflictkg.graph.sources.datasets import GDELT_COLUMNS, gdelt_class
from conflictkg.graph.store import open_store
from conflictkg.graph.write.load import LoadError

FIXTURES = Path(__file__).parent / "fixtures" / "datasets"
GDELT = FIXTURES / "20240116.export.CSV"
UCDP = FIXTURES / "ged-sample.csv"
KOH_E_SABZ = "2024-01-16-iran-strikes-koh-e-sabz"


@pytest.fixture
def loaded():
    data = Dataset(open_store("memory"))
    before = len(timeline(data))
    data.load_files([GDELT, UCDP])
    return data, before


def test_cameo_codes_map_to_the_ontology_s_classes():
    assert len(GDELT_COLUMNS) == 61 and GDELT_COLUMNS[-1] == "SOURCEURL"
    assert [gdelt_class(c) for c in ("190", "195", "183", "1831", "193", "112", "111", "044", "051")] == [
        "Attack", "AirStrike", "Bombing", "SuicideBombing", "ArmedAssault", "Accusation", "Condemnation",
        "Meeting", None]


def test_rows_reporting_a_held_strike_join_it_as_sources(loaded):
    data, before = loaded
    (strike,) = [s for s in strikes(data, country="Pakistan") if s["id"] == KOH_E_SABZ]
    titles = sorted(s["title"] for s in strike["sources"])
    assert titles[0] == "GDELT 2.0 Events (20240116.export.CSV)"
    assert titles[-1] == "UCDP Georeferenced Event Dataset (ged-sample.csv)"
    assert len(titles) == 3
    # UCDP's best estimate, kept as its claim: the seed gives no toll
    (toll,) = [d for d in strike["disputed"] if d["property"] == "fatalities"]
    assert toll["value"] == 2 and toll["source"]["id"].startswith("ucdp-")
    # each row is quoted whole, at its offsets in the file, with its own article
    text = GDELT.read_text(encoding="utf-8")
    gdelt_quote = next(e for e in strike["evidence"] if e["source"].split("/")[-1].startswith("gdelt-"))
    assert text[gdelt_quote["start"]:gdelt_quote["end"]] == gdelt_quote["quote"]
    assert gdelt_quote["quote"].endswith("https://example.org/news/iran-strike-panjgur")
    assert data.ask('ASK { ?ev <http://purl.org/dc/terms/source> "https://example.org/news/iran-strike-panjgur" }')


def test_new_rows_are_new_events_with_the_dataset_s_precision(loaded):
    data, before = loaded
    quetta = {s["id"]: s for s in strikes(data, country="Pakistan", date_from="2024-03-01")}
    assert set(quetta) == {"gdelt-1150000002", "ucdp-900002"}
    ucdp = quetta["ucdp-900002"]
    assert [p["id"] for p in ucdp["perpetrators"]] == ["balochistan-liberation-army"]
    assert (ucdp["fatalities"], ucdp["date"], ucdp["date_basis"]) == (4, "2024-03-01", "resolved")
    note = data.select('SELECT ?n WHERE { <https://w3id.org/conflictkg/id/event/ucdp-900002> '
                       '<https://w3id.org/conflictkg/ontology#dateNote> ?n }')[0]["n"].value
    assert note.startswith("UCDP date_prec 3: the week")
    # the row coded 051 (praise) has no class in the ontology: nothing of it is loaded
    assert not data.ask("ASK { <https://w3id.org/conflictkg/id/event/gdelt-1150000004> ?p ?o }")
    assert len(timeline(data)) == before + 3   # two Quetta rows and the accusation; Koh-e-Sabz once


def test_a_bad_row_stops_the_whole_file(tmp_path):
    bad = tmp_path / "bad.export.CSV"
    lines = GDELT.read_text(encoding="utf-8").splitlines()
    cells = lines[1].split("\t")
    cells[1] = "2024-03-02"
    bad.write_text("\n".join([lines[0], "\t".join(cells)]) + "\n", encoding="utf-8")
    data = Dataset(open_store("memory"))
    size = len(data)
    with pytest.raises(LoadError, match="line 2: SQLDATE '2024-03-02' is not YYYYMMDD"):
        data.load_files([bad])
    assert len(data) == size


def test_cli_loads_and_lists_them(runner, tmp_path):
    store = f"oxigraph:{tmp_path / 'kg.db'}"
    result = runner.invoke(main, ["load", str(GDELT), str(UCDP), "--store", store])
    assert result.exit_code == 0, result.output
    listing = json.loads(runner.invoke(main, ["sources", "--json", "--store", store]).stdout)["sources"]
    gdelt = next(s for s in listing if s["id"].startswith("gdelt-"))
    # three rows loaded (one matched), one skipped
    assert gdelt["contributed"]["quotes"] == 3 and gdelt["contributed"]["events_only_here"] == 2


def test_the_benchmark_reports_both_loads(tmp_path):
    figures = datasets_load.measure(200)
    assert figures["rows"] == 200 and figures["same_triples"] and figures["triples"] > 200 * 10
    assert set(figures) >= {"gdelt_seconds", "ntriples_seconds", "ratio", "goal", "passes"}
