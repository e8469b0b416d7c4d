"""Adding data to a store: RDF files in any format, or ACLED-style CSV, all or nothing.

RDF files stream: each is opened only when the gate (:mod:`.gate`) asks for it and goes to the
engine's own parser as a file object, so nothing holds a file, or a list of its triples, in
Python. The gate stages every file, validates the whole against the shapes and commits it in
one update: a bad line in the last file, or one event without a perpetrator, leaves the store as
it was. A bar on stderr counts the bytes read, when someone watches or the files are large.

>>> import tempfile
>>> from conflictkg.graph.store import open_store
>>> store = open_store("memory")
>>> actor = "<https://w3id.org/conflictkg/id/actor/x> <http://www.w3.org/2000/01/rdf-schema#label> 'X'@en ."
>>> with tempfile.TemporaryDirectory() as tmp:
...     (Path(tmp) / "good.ttl").write_text(actor) and load_files(store, [Path(tmp) / "good.ttl"])
1
>>> with tempfile.TemporaryDirectory() as tmp:
...     (Path(tmp) / "bad.ttl").write_text(actor + " <x> <y> .") and load_files(store, [Path(tmp) / "bad.ttl"])
Traceback (most recent call last):
...
conflictkg.graph.write.load.LoadError: .../bad.ttl: cannot parse Turtle data: ...
"""

from __future__ import annotations

import io
import sys
from pathlib import Path
from typing import IO, Iterator

import pyoxigraph as ox

from ..domain.acled import AcledError, import_acled, rows
from .gate import Refused, check, load_checked
from ..formats import rdf_format
from ..store import Store, StoreError

#: Files together this large get a progress bar even when stderr is not a terminal.
LARGE = 64 * 2**20


class LoadError(StoreError):
    """A file that cannot be read or parsed; nothing was written."""


class _NoBar:
    """The part of tqdm's bar that :class:`_Sources` uses, doing nothing: tqdm takes 25 ms to import,
    for a bar that nobody would see."""

    disable = True

    def update(self, n: int) -> None:
        pass

    def set_description(self, text: str) -> None:
        pass

    def refresh(self) -> None:
        pass

    def close(self) -> None:
        pass


class _Counted:
    """A binary file whose reads advance a progress bar by the bytes they return.

    pyoxigraph reads its input in small chunks (2 KB), so the bar follows the parser closely;
    tqdm itself redraws at most ten times a second.
    """

    def __init__(self, raw: IO[bytes], bar) -> None:
        self._raw = raw
        self._bar = bar

    def read(self, size: int = -1) -> bytes:
        chunk = self._raw.read(size)
        self._bar.update(len(chunk))
        return chunk

    def readable(self) -> bool:
        return True


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError as exc:
        raise LoadError(f"cannot read {path}: {exc.strerror}") from exc


def show_progress(paths: list[Path]) -> bool:
    """Whether a load of ``paths`` shows its bar: stderr is a terminal, or the files are large."""
    return sys.stderr.isatty() or sum(_size(Path(p)) for p in paths) >= LARGE


class _Sources:
    """The gate's sources for ``paths``, one at a time: each file is opened when the gate reaches it.

    ``current`` names the file being staged, so that a parse error can say which one it was.
    """

    def __init__(self, store: Store, paths: list[Path], progress: bool) -> None:
        self.store = store
        self.paths = [Path(p) for p in paths]
        for path in self.paths:  # a missing file or an unknown suffix stops us before any parsing
            _size(path)
            if path.suffix.lower() not in _IN_PYTHON:
                rdf_format(path.name)
        self.current: Path | None = None
        self.bar = _NoBar()
        if progress:
            from tqdm import tqdm

            self.bar = tqdm(total=sum(_size(p) for p in self.paths), unit="B", unit_scale=True, unit_divisor=1024,
                            desc="reading", file=sys.stderr, dynamic_ncols=True)

    def __iter__(self) -> Iterator[tuple[bytes | IO[bytes], ox.RdfFormat, str | None]]:
        for path in self.paths:
            self.current = path
            self.bar.set_description(f"reading {path.name}")
            if path.suffix.lower() == ".csv":
                yield self._csv(path), ox.RdfFormat.N_TRIPLES, None
                continue
            if path.suffix.lower() in (".yaml", ".yml"):
                yield self._draft(path), ox.RdfFormat.N_TRIPLES, None
                continue
            if self.bar.disable:  # no bar to move: the engine reads the file itself
                yield _by_path(path)
                continue
            try:
                raw = open(path, "rb")
            except OSError as exc:
                raise LoadError(f"cannot read {path}: {exc.strerror}") from exc
            with raw:
                yield _Counted(raw, self.bar), rdf_format(path.name), path.resolve().as_uri()
        self.current = None
        # the gate asks for the next source only when it has staged the last one: what follows is its own work
        self.bar.set_description("validating and committing")
        self.bar.refresh()

    def _csv(self, path: Path):
        """GDELT 2.0 events or UCDP GED, streamed row by row; any other CSV is ACLED-style."""
        from ..sources.datasets import DatasetError, dataset_of, import_stream

        try:
            dataset = dataset_of(path)
        except OSError as exc:
            raise LoadError(f"cannot read {path}: {exc.strerror}") from exc
        if dataset is None:
            return self._acled(path)
        self.bar.update(_size(path))
        try:
            # rows are read as the gate reads the stream: an error in one surfaces from the gate's read
            return io.BufferedReader(import_stream(self.store, path), buffer_size=1 << 16)
        except DatasetError as exc:
            raise LoadError(str(exc)) from exc

    def _acled(self, path: Path) -> bytes:
        """An ACLED file's rows as N-Triples: they are matched against the store's actors, in Python."""
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise LoadError(f"cannot read {path}: {exc.strerror}") from exc
        self.bar.update(len(data))
        try:
            return rows(import_acled(data.decode("utf-8"), self.store, source_name=path.name))
        except (AcledError, UnicodeDecodeError) as exc:
            raise LoadError(str(exc)) from exc

    def _draft(self, path: Path) -> bytes:
        """A reviewed draft of ``conflictkg ingest``: its source, events and claims, matched to the store."""
        from ..sources.load import DraftError, draft_ntriples

        self.bar.update(_size(path))
        try:
            return draft_ntriples(path, self.store)
        except DraftError as exc:
            raise LoadError(str(exc)) from exc

    def close(self) -> None:
        self.bar.close()


#: Files read in Python into N-Triples (matched against the store's names), not by the engine.
_IN_PYTHON = (".csv", ".yaml", ".yml")


def _by_path(path: Path) -> tuple[Path, ox.RdfFormat, str]:
    """An RDF file as a source the engine reads by its path: (path, format, base IRI)."""
    return path, rdf_format(path.name), path.resolve().as_uri()


def _through_gate(gate, store: Store, paths: list[Path], engine: str, progress: bool, **options):
    sources = _Sources(store, paths, progress)
    iterator = iter(sources)
    try:
        return gate(store, iterator, engine=engine, **options)
    except (Refused, LoadError):
        raise
    except StoreError as exc:
        if sources.current is None:
            raise
        # the gate's parse errors and refusals of unsafe input do not know the file's name
        raise LoadError(f"{sources.current}: {exc}") from exc
    finally:
        iterator.close()  # the file the gate stopped at, if any, is closed now
        sources.close()


def load_files(store: Store, paths: list[Path], *, engine: str = "fast", progress: bool = False,
               alone: bool = False) -> int:
    """Load every file in one validated transaction; return how many triples the store gained.

    Raises :class:`~.gate.Refused` (with the SHACL report) if the result would violate the
    shapes, :class:`LoadError` if a file cannot be read or parsed; either way nothing is stored.
    ``progress`` shows a bar of the bytes read on stderr. ``alone`` says that no one else reads
    the store meanwhile (``conflictkg load``): a big load into an on-disk store is then written
    while it is checked (see :func:`.gate.load_checked`).
    """
    again = None
    if alone and not any(Path(p).suffix.lower() in _IN_PYTHON for p in paths):  # matched in Python, once
        again = [_by_path(Path(p)) for p in paths]
    return _through_gate(load_checked, store, paths, engine, progress, alone=again)


def check_files(store: Store, paths: list[Path], *, engine: str = "fast", progress: bool = False):
    """The SHACL report of the store as it would be with these files added (nothing is stored)."""
    return _through_gate(check, store, paths, engine, progress)


def check_alone(paths: list[Path], *, engine: str = "fast", progress: bool = False):
    """The SHACL report of the files by themselves: their data with the shipped ontology (for its class
    tree), as pySHACL checks a data graph with an ontology graph; no store's data joins them."""
    from ..ontology import ontology_ntriples

    ontology = Store(ox.Store(), "memory")
    ontology.load(ontology_ntriples(), ox.RdfFormat.N_TRIPLES)
    return check_files(ontology, paths, engine=engine, progress=progress)
