"""The Oxigraph server launcher: a real ``oxigraph serve`` on a free loopback port, files loaded
first, stopped after the block, and clear errors when it cannot run."""

import json
import socket
import sys
import urllib.parse
import urllib.request

import pytest

from tests.support.oxigraph_server import OxigraphServerError, oxigraph_binary, oxigraph_server


def _select(server, query: str) -> list[dict]:
    url = server.query_url + "?" + urllib.parse.urlencode({"query": query})
    request = urllib.request.Request(url, headers={"Accept": "application/sparql-results+json"})
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.load(response)["results"]["bindings"]


def _listening(host: str, port: int) -> bool:
    with socket.socket() as sock:
        sock.settimeout(1)
        return sock.connect_ex((host, port)) == 0


def test_serves_updates_and_queries_on_loopback_then_stops():
    with oxigraph_server() as server:
        assert server.host == "127.0.0.1" and server.query_url == f"http://127.0.0.1:{server.port}/query"
        assert server.spec == f"sparql:{server.query_url}"
        request = urllib.request.Request(server.update_url, data=b"INSERT DATA { <urn:a> <urn:b> <urn:c> }",
                                         headers={"Content-Type": "application/sparql-update"})
        with urllib.request.urlopen(request, timeout=10) as response:
            assert response.status == 204
        assert _select(server, "SELECT ?o WHERE { <urn:a> <urn:b> ?o }") == [{"o": {"type": "uri", "value": "urn:c"}}]
    assert server.process.poll() is not None
    assert not _listening(server.host, server.port)


def test_loads_files_into_its_location_first(tmp_path):
    data = tmp_path / "events.nt"
    data.write_text('<urn:x:e> <http://www.w3.org/2000/01/rdf-schema#label> "loaded first" .\n')
    location = tmp_path / "kg"
    with oxigraph_server(location, load=[data]) as server:
        assert server.location == location
        assert [r["l"]["value"] for r in _select(server, "SELECT ?l WHERE { <urn:x:e> ?p ?l }")] == ["loaded first"]
    with oxigraph_server(location) as again:  # the location keeps its data
        assert len(_select(again, "SELECT * WHERE { ?s ?p ?o }")) == 1


def test_a_file_that_does_not_parse_stops_before_serving(tmp_path):
    bad = tmp_path / "bad.nt"
    bad.write_text("<urn:a> <urn:b> .\n")
    with pytest.raises(OxigraphServerError, match="(?s)oxigraph load failed.*bad.nt: Parser error"):
        with oxigraph_server(tmp_path / "kg", load=[bad]):
            pytest.fail("served despite a file that does not parse")


def test_a_taken_port_is_a_clear_error():
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen(1)
        with pytest.raises(OxigraphServerError, match="exited at start"):
            with oxigraph_server(port=taken.getsockname()[1]):
                pytest.fail("served on a taken port")


def test_a_missing_command_is_a_clear_error(monkeypatch, tmp_path):
    monkeypatch.setattr(sys, "executable", str(tmp_path / "bin" / "python"))
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(OxigraphServerError, match="the oxigraph command is not installed.*pip install oxigraph"):
        oxigraph_binary()
