"""Snapshots: canonical ids, reproducible files, diffs, downloads, VoID and queries "as of"."""

import gzip
import json
from urllib.parse import quote

import pyoxigraph as ox
import pytest

from conflictkg.api import create_app
from conflictkg.cli import main
from conflictkg.graph.exports.snapshot import canonical_id, write_snapshot
from conflictkg.graph.store import open_store

ASK_NEW = "ASK { <urn:new> <urn:p> 1 }"


def test_canonical_id_ignores_store_order_and_blank_node_names(tmp_path):
    memory = open_store("memory")
    disk = open_store(f"oxigraph:{tmp_path / 'kg'}")
    reloaded = open_store("memory", seed=False)
    reloaded.load(memory.dump(fmt=ox.RdfFormat.TURTLE), ox.RdfFormat.TURTLE)  # blank nodes renamed on the way
    assert canonical_id(memory) == canonical_id(disk) == canonical_id(reloaded)
    one, two = open_store("memory", seed=False), open_store("memory", seed=False)
    one.load(b"_:a <urn:p> _:b .\n_:b <urn:p> <urn:c> .\n", ox.RdfFormat.N_TRIPLES)
    two.load(b"_:y <urn:p> <urn:c> .\n_:x <urn:p> _:y .\n", ox.RdfFormat.N_TRIPLES)
    assert canonical_id(one) == canonical_id(two)
    two.update("INSERT DATA { <urn:c> <urn:p> <urn:d> }")
    assert canonical_id(one) != canonical_id(two)


def test_snapshot_cli_prints_id_last_and_writes_reproducible_bytes(runner, tmp_path):
    first = runner.invoke(main, ["snapshot", "--dir", str(tmp_path / "a")])
    second = runner.invoke(main, ["snapshot", "--dir", str(tmp_path / "b")])
    assert first.exit_code == 0, first.output
    snapshot_id = first.stdout.strip().splitlines()[-1]
    assert len(snapshot_id) == 64 and snapshot_id == second.stdout.strip()
    file_a = tmp_path / "a" / f"{snapshot_id}.nq.gz"
    assert file_a.read_bytes() == (tmp_path / "b" / f"{snapshot_id}.nq.gz").read_bytes()
    lines = gzip.decompress(file_a.read_bytes()).splitlines()
    assert lines == sorted(lines) and len(lines) == len(open_store("memory"))
    manifest = json.loads((tmp_path / "a" / "manifest.json").read_text())["snapshots"]
    assert [(m["id"], m["triples"]) for m in manifest] == [(snapshot_id, len(lines))]
    assert manifest[0]["source_sha256"] == ["e36b74ad2f990dde325bcd2ed876c5baa41f79642db1ea2852175b5ceb8affa8"]
    runner.invoke(main, ["snapshot", "--dir", str(tmp_path / "a")])  # the same graph again: no new entry
    assert len(json.loads((tmp_path / "a" / "manifest.json").read_text())["snapshots"]) == 1


def test_diff_between_snapshot_and_file(runner, tmp_path):
    snaps = tmp_path / "snaps"
    base = write_snapshot(open_store("memory"), snaps)
    same = runner.invoke(main, ["diff", base.id, base.id[:10], "--dir", str(snaps)])
    assert same.exit_code == 0
    changed = open_store("memory")
    changed.update('PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#> '
                   'DELETE DATA { <https://w3id.org/conflictkg/id/actor/iran> rdfs:label "Iran"@en } ; '
                   'INSERT DATA { <https://w3id.org/conflictkg/id/actor/iran> rdfs:label "Islamic Republic of Iran"@en }')
    path = tmp_path / "changed.nt"
    path.write_bytes(changed.dump(fmt=ox.RdfFormat.N_TRIPLES))
    text = runner.invoke(main, ["diff", base.id, str(path), "--dir", str(snaps)])
    assert text.exit_code == 1
    assert text.stdout.splitlines() == [
        "Islamic Republic of Iran <https://w3id.org/conflictkg/id/actor/iran>",
        '  - rdfs:label "Iran"@en',
        '  + rdfs:label "Islamic Republic of Iran"@en']
    patch = runner.invoke(main, ["diff", base.id, str(path), "--dir", str(snaps), "--format", "patch"]).stdout
    assert patch.splitlines() == [
        "TX .",
        'D <https://w3id.org/conflictkg/id/actor/iran> <http://www.w3.org/2000/01/rdf-schema#label> "Iran"@en .',
        'A <https://w3id.org/conflictkg/id/actor/iran> <http://www.w3.org/2000/01/rdf-schema#label> '
        '"Islamic Republic of Iran"@en .',
        "TC ."]
    missing = runner.invoke(main, ["diff", "nope.ttl", base.id, "--dir", str(snaps)])
    assert missing.exit_code == 2 and "not a snapshot id" in missing.output


NEW_PLACE = b"""@prefix ck: <https://w3id.org/conflictkg/ontology#> .
@prefix geo: <http://www.opengis.net/ont/geosparql#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
<https://w3id.org/conflictkg/id/actor/test-front> a ck:ArmedGroup ; rdfs:label "Test Front"@en .
<https://w3id.org/conflictkg/id/place/test-town> a ck:Place ; rdfs:label "Test Town"@en ;
    geo:hasGeometry [ a geo:Geometry ; geo:asWKT "POINT(64.1 26.97)"^^geo:wktLiteral ] .
"""


def _canonical(quads) -> bytes:
    dataset = ox.Dataset(quads)
    dataset.canonicalize(ox.CanonicalizationAlgorithm.RDFC_1_0)
    return b"".join(sorted(ox.serialize(dataset, format=ox.RdfFormat.N_QUADS).splitlines(keepends=True)))


def test_diff_after_load_counts_only_the_loaded_triples(runner, tmp_path):
    """The seed's ontology has blank-node lists (owl:unionOf): a load that brings blank nodes of its own
    must not make them look removed and added again."""
    snaps, store = str(tmp_path / "snaps"), f"oxigraph:{tmp_path / 'kg'}"
    before = runner.invoke(main, ["snapshot", "--dir", snaps, "--store", store])
    assert before.exit_code == 0, before.output
    path = tmp_path / "new.ttl"
    path.write_bytes(NEW_PLACE)
    loaded = runner.invoke(main, ["load", str(path), "--store", store])
    assert loaded.exit_code == 0, loaded.output
    after = runner.invoke(main, ["snapshot", "--dir", snaps, "--store", store])
    old_id, new_id = before.stdout.split()[-1], after.stdout.split()[-1]
    text = runner.invoke(main, ["diff", old_id, new_id, "--dir", snaps])
    assert text.exit_code == 1
    assert text.stderr.strip().splitlines()[-1] == "7 added, 0 removed"
    patch = runner.invoke(main, ["diff", old_id, new_id, "--dir", snaps, "--format", "patch"]).stdout.splitlines()
    assert patch[0] == "TX ." and patch[-1] == "TC ."
    assert all(line.startswith("A ") for line in patch[1:-1])
    added = ox.parse("\n".join(line[2:] for line in patch[1:-1]).encode(), format=ox.RdfFormat.N_QUADS)
    assert _canonical(added) == _canonical(ox.parse(NEW_PLACE, format=ox.RdfFormat.TURTLE))


@pytest.fixture
def snap_client(tmp_path):
    store = open_store("memory")
    snap = write_snapshot(store, tmp_path / "snaps")
    store.update("INSERT DATA { <urn:new> <urn:p> 1 }")  # the live graph moves on
    app = create_app({"STORE": store, "TESTING": True, "SNAPSHOT_DIR": str(tmp_path / "snaps")})
    return app.test_client(), snap, tmp_path / "snaps"


def test_snapshots_list_and_download(snap_client):
    client, snap, folder = snap_client
    [listed] = client.get("/snapshots").json["snapshots"]
    assert listed["id"] == snap.id and listed["links"]["ttl"].endswith(f"/snapshots/{snap.id}.ttl")
    with client.get(f"/snapshots/{snap.id}.nq.gz") as gz:
        assert gz.status_code == 200 and gz.data == (folder / snap.file).read_bytes()
    ttl = client.get(f"/snapshots/{snap.id}.ttl")
    assert ttl.mimetype == "text/turtle"
    assert len(list(ox.parse(ttl.data, format=ox.RdfFormat.TURTLE))) == snap.triples


@pytest.mark.parametrize("name", ["../manifest.json", "..%2fmanifest.json", "manifest.json", "%2e%2e%2f%2e%2e%2fetc%2fpasswd",
                                  "0" * 64 + ".nq.gz", "0" * 64 + ".exe", "ABC.ttl"])
def test_snapshot_names_are_checked(snap_client, name):
    client, _, _ = snap_client
    response = client.get(f"/snapshots/{name}")
    assert response.status_code == 404 and response.mimetype == "application/problem+json"


def test_void_describes_the_live_graph_and_its_snapshots(snap_client):
    client, snap, _ = snap_client
    response = client.get("/.well-known/void")
    assert response.mimetype == "text/turtle"
    store = open_store("memory", seed=False)
    store.load(response.data, ox.RdfFormat.TURTLE)
    prefix = "PREFIX void: <http://rdfs.org/ns/void#> PREFIX dcterms: <http://purl.org/dc/terms/> "
    [row] = store.select(prefix + "SELECT ?n ?lic WHERE { ?d void:triples ?n ; dcterms:license ?lic }")
    assert int(row["n"].value) == snap.triples + 1
    assert store.ask(prefix + f'ASK {{ ?d <http://www.w3.org/ns/dcat#distribution> [ dcterms:identifier "{snap.id}" ] }}')


def test_queries_as_of_a_snapshot(snap_client, runner):
    client, snap, folder = snap_client
    live = client.get("/sparql?query=" + quote(ASK_NEW)).json["boolean"]
    then = client.get(f"/sparql?snapshot={snap.id[:12]}&query=" + quote(ASK_NEW)).json["boolean"]
    assert (live, then) == (True, False)
    assert client.get("/sparql?snapshot=abcdef&query=" + quote(ASK_NEW)).status_code == 404
    out = runner.invoke(main, ["query", "ASK { ?s a <https://w3id.org/conflictkg/ontology#State> }",
                               "--snapshot", snap.id, "--snapshots-dir", str(folder)])
    assert out.stdout.strip() == "true"
