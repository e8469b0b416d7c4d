"""Adding data to a store: RDF files in any format, or ACLED-style CSV, all or nothing.

Every file is read and parsed before anything is written, then everything goes in one
transaction: a bad line in the last file leaves the store as it was.
"""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox

from .acled import AcledError, import_acled, rows
from .store import Store, StoreError, rdf_format


class LoadError(StoreError):
    """A file that cannot be read or parsed; nothing was written."""


def read_file(store: Store, path: Path) -> bytes:
    """One file's data as N-Quads (parsed, so syntax errors surface before any write)."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise LoadError(f"cannot read {path}: {exc.strerror}") from exc
    if path.suffix.lower() == ".csv":
        try:
            return rows(import_acled(data.decode("utf-8"), store, source_name=path.name))
        except (AcledError, UnicodeDecodeError) as exc:
            raise LoadError(str(exc)) from exc
    try:
        quads = list(ox.parse(data, format=rdf_format(path.name), base_iri=path.resolve().as_uri()))
    except SyntaxError as exc:
        raise LoadError(f"{path}: {exc}") from exc
    return ox.serialize(quads, format=ox.RdfFormat.N_QUADS)


def load_files(store: Store, paths: list[Path]) -> int:
    """Load every file in one transaction; return how many quads the store gained."""
    blobs = [read_file(store, Path(p)) for p in paths]
    before = len(store)
    store.load(b"".join(blobs), ox.RdfFormat.N_QUADS)
    store.flush()
    return len(store) - before
