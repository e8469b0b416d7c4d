"""Snapshots: the graph at a point in time, named by its content.

The canonical id is the SHA-256 of the graph's RDFC-1.0 canonical N-Quads (sorted lines,
blank nodes relabelled by the W3C algorithm), so the same graph gets the same id whatever
the store, the order of its quads or the names of its blank nodes. Only the quads that
mention a blank node need the algorithm — a blank node's canonical label depends on those
quads alone — so the rest of the lines are taken as pyoxigraph writes them, which keeps
the id affordable at a million triples.

A snapshot file is those canonical lines, gzipped with a fixed mtime and no file name:
the same graph gives the same bytes. ``manifest.json`` beside the files lists them.

>>> from conflictkg.graph.store import open_store
>>> a, b = open_store("memory"), open_store("memory")
>>> canonical_id(a) == canonical_id(b)
True
>>> b.update('INSERT DATA { [] <urn:p> "x" }')
>>> canonical_id(a) == canonical_id(b)
False
"""

from __future__ import annotations

import bisect
import datetime as dt
import gzip
import hashlib
import io
import json
import re
from dataclasses import asdict, dataclass
from functools import lru_cache
from pathlib import Path

import pyoxigraph as ox

from ..store.atomic import write_atomically
from ..formats import rdf_format
from ..settings import setting
from ..store import Store, StoreError, open_store
from ..vocab import SPARQL_PREFIXES

SNAPSHOT_ID = re.compile(r"^[0-9a-f]{64}$")
MANIFEST = "manifest.json"


class SnapshotError(StoreError):
    """An unknown or ambiguous snapshot id, or a snapshot file that cannot be read."""


def canonical_lines(store: Store) -> list[bytes]:
    """The store's quads as sorted RDFC-1.0 canonical N-Quads lines (each ending in a newline)."""
    dump = store.dump(fmt=ox.RdfFormat.N_QUADS)
    lines = dump.splitlines(keepends=True)
    lines.sort()
    with_blanks = _lines_with_blank_nodes(dump)
    if with_blanks:
        for line in with_blanks:
            del lines[bisect.bisect_left(lines, line)]
        dataset = ox.Dataset(ox.parse(b"".join(with_blanks), format=ox.RdfFormat.N_QUADS))
        dataset.canonicalize(ox.CanonicalizationAlgorithm.RDFC_1_0)
        for line in ox.serialize(dataset, format=ox.RdfFormat.N_QUADS).splitlines(keepends=True):
            bisect.insort(lines, line)
    return lines


def _lines_with_blank_nodes(dump: bytes) -> list[bytes]:
    """The lines holding "_:", found by bytes.find (C speed; they are few). A literal holding
    "_:" is caught too, which is harmless: canonicalization leaves a line without blank nodes as it is."""
    found, at = [], dump.find(b"_:")
    while at >= 0:
        start = dump.rfind(b"\n", 0, at) + 1
        end = dump.find(b"\n", at) + 1
        found.append(dump[start:end])
        at = dump.find(b"_:", end)
    return found


def _digest(lines: list[bytes], chunk: int = 8192) -> str:
    digest = hashlib.sha256()
    # In chunks: one 200 MB join would fault in fresh pages; a chunk-sized buffer is reused
    for start in range(0, len(lines), chunk):
        digest.update(b"".join(lines[start:start + chunk]))
    return digest.hexdigest()


def canonical_id(store: Store) -> str:
    """The SHA-256 of the store's canonical N-Quads."""
    return _digest(canonical_lines(store))


@dataclass(frozen=True)
class Snapshot:
    id: str
    date: str
    triples: int
    source_sha256: list[str]
    file: str

    def path(self, directory: Path) -> Path:
        return directory / self.file


def snapshot_dir(path: str | Path | None = None) -> Path:
    """Where snapshots live: ``path``, else ``$CONFLICTKG_SNAPSHOTS``, else ``./snapshots``."""
    return Path(path or setting("SNAPSHOT_DIR"))


def list_snapshots(directory: Path) -> list[Snapshot]:
    """The snapshots of the manifest, oldest first."""
    manifest = directory / MANIFEST
    if not manifest.exists():
        return []
    try:
        entries = json.loads(manifest.read_text(encoding="utf-8"))["snapshots"]
        return [Snapshot(**entry) for entry in entries]
    except (ValueError, KeyError, TypeError) as exc:
        raise SnapshotError(f"{manifest} is not a snapshot manifest: {exc}") from exc


def _sources(store: Store) -> list[str]:
    rows = store.select(SPARQL_PREFIXES + "SELECT DISTINCT ?sha WHERE { ?s a ck:Source ; ck:sha256 ?sha } ORDER BY ?sha")
    return [row["sha"].value for row in rows]


def write_snapshot(store: Store, directory: Path, *, today: dt.date | None = None) -> Snapshot:
    """Write the store as a snapshot (unless one with the same id exists) and list it in the manifest."""
    directory.mkdir(parents=True, exist_ok=True)
    lines = canonical_lines(store)
    snapshot_id = _digest(lines)
    known = list_snapshots(directory)
    for snap in known:
        if snap.id == snapshot_id and snap.path(directory).exists():
            return snap
    snap = Snapshot(id=snapshot_id, date=(today or dt.date.today()).isoformat(), triples=len(lines),
                    source_sha256=_sources(store), file=f"{snapshot_id}.nq.gz")
    buffer = io.BytesIO()
    with gzip.GzipFile(filename="", mode="wb", fileobj=buffer, mtime=0, compresslevel=6) as gz:
        gz.write(b"".join(lines))
    write_atomically(snap.path(directory), buffer.getvalue())
    entries = [asdict(s) for s in known if s.id != snapshot_id] + [asdict(snap)]
    write_atomically(directory / MANIFEST, json.dumps({"snapshots": entries}, indent=2).encode("utf-8"))
    return snap


def find_snapshot(directory: Path, ref: str) -> Snapshot:
    """The snapshot whose id is ``ref`` or starts with it (at least 6 hex digits, unambiguous)."""
    if not re.fullmatch(r"[0-9a-f]{6,64}", ref or ""):
        raise SnapshotError(f"{ref!r} is not a snapshot id (6 to 64 lowercase hex digits)")
    found = [s for s in list_snapshots(directory) if s.id.startswith(ref)]
    if not found:
        raise SnapshotError(f"no snapshot {ref!r} in {directory}")
    if len(found) > 1:
        raise SnapshotError(f"{ref!r} names {len(found)} snapshots: give more digits")
    return found[0]


def read_snapshot_file(path: Path) -> Store:
    """A memory store holding one snapshot (or any RDF file, by its suffix; .gz is unzipped)."""
    store = open_store("memory", seed=False)
    try:
        data = path.read_bytes()
        name = path.name
        if name.endswith(".gz"):
            data, name = gzip.decompress(data), name[:-3]
        store.load(data, rdf_format(name))
    except (OSError, EOFError, gzip.BadGzipFile) as exc:
        raise SnapshotError(f"cannot read {path}: {exc}") from exc
    return store


@lru_cache(maxsize=4)
def _cached_store(path: str, mtime: float) -> Store:
    store = read_snapshot_file(Path(path))
    store.rebuild_entailment()  # queried "as of" it, as the live store is: with what it entails
    return store


def snapshot_store(directory: Path, ref: str) -> Store:
    """The store of a snapshot, loaded once and kept for the next question "as of" it."""
    snap = find_snapshot(directory, ref)
    path = snap.path(directory)
    if not path.exists():
        raise SnapshotError(f"snapshot {snap.id} is listed but its file {path} is missing")
    return _cached_store(str(path), path.stat().st_mtime)


def open_graph(ref: str, directory: Path) -> Store:
    """A file path (any RDF format, .gz allowed) or a snapshot id, as a store: what ``diff`` compares."""
    path = Path(ref)
    if path.is_file():
        return read_snapshot_file(path)
    return snapshot_store(directory, ref)
