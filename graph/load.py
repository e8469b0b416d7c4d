"""Adding data to a store: RDF files in any format, or ACLED-style CSV, all or nothing.

Every file is read and parsed before anything is written, then the whole is validated against
the shapes (:mod:`.gate`) and goes in one update: a bad line in the last file, or one event
without a perpetrator, leaves the store as it was.
"""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox

from .acled import AcledError, import_acled, rows
from .gate import check, load_checked
from .guard import UnsafeInput, check_rdf
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
    fmt = rdf_format(path.name)
    try:
        check_rdf(data, fmt)  # a billion laughs or a deep nest would hang or crash the parser
        quads = list(ox.parse(data, format=fmt, base_iri=path.resolve().as_uri()))
    except UnsafeInput as exc:
        raise LoadError(f"{path}: {exc}") from exc
    except SyntaxError as exc:
        raise LoadError(f"{path}: {exc}") from exc
    return ox.serialize(quads, format=ox.RdfFormat.N_QUADS)


def load_files(store: Store, paths: list[Path], *, engine: str = "fast") -> int:
    """Load every file in one validated transaction; return how many triples the store gained.

    Raises :class:`~.gate.Refused` (with the SHACL report) if the result would violate the shapes.
    """
    blobs = [read_file(store, Path(p)) for p in paths]
    return load_checked(store, [(b"".join(blobs), ox.RdfFormat.N_QUADS, None)], engine=engine)


def check_files(store: Store, paths: list[Path], *, engine: str = "fast"):
    """The SHACL report of the store as it would be with these files added (nothing is stored)."""
    blobs = [read_file(store, Path(p)) for p in paths]
    return check(store, [(b"".join(blobs), ox.RdfFormat.N_QUADS, None)], engine=engine)
