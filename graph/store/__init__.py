"""The store seam: one small interface over the RDF engines conflictkg can run on.

Everything above this module (queries, REST, SPARQL endpoint, exports) talks to a
:class:`Store`; results are always pyoxigraph result objects (``QuerySolutions``,
``QueryBoolean``, ``QueryTriples``) so callers serialize them the same way
whatever the engine.

>>> store = open_store("memory")
>>> store.ask("ASK { ?s a <https://w3id.org/conflictkg/ontology#MissileStrike> }")
True
>>> empty = open_store("memory", seed=False)
>>> len(empty)
0
"""

from __future__ import annotations

import collections
import contextlib
import shutil
import threading
from pathlib import Path
from typing import IO, Iterable, Iterator, Union

import pyoxigraph as ox

from ..errors import QueryError, QueryTimeout, StoreError  # noqa: F401 -- the seam's errors, named from here
from ..formats import rdf_format
from ..settings import setting
from .entailment import ENTAILED_GRAPH, dataset as entailment_dataset, may_read_entailed, rebuild, supers_of
from .seed_cache import seed_ntriples

QueryResult = Union[ox.QuerySolutions, ox.QueryBoolean, ox.QueryTriples]
#: Quads of the last commits kept for :meth:`Store.changes_since`: a query executor that copied the
#: store before them is brought up to date with them rather than started anew.
CHANGES_KEPT = 100_000


def triples_result(triples: Iterable[ox.Triple | ox.Quad]) -> ox.QueryTriples:
    """Triples (from another engine) as pyoxigraph's CONSTRUCT answer, which only a CONSTRUCT makes.

    >>> t = ox.Triple(ox.NamedNode("http://e/a"), ox.NamedNode("http://e/b"), ox.Literal("c"))
    >>> [str(x) for x in triples_result([t])]
    ['<http://e/a> <http://e/b> "c"']
    """
    scratch = ox.Store()
    scratch.bulk_extend(ox.Quad(t.subject, t.predicate, t.object, ox.DefaultGraph()) for t in triples)
    return scratch.query("CONSTRUCT WHERE { ?s ?p ?o }")


def _graph_term(graph) -> ox.NamedNode | ox.BlankNode | ox.DefaultGraph:
    return ox.NamedNode(graph) if isinstance(graph, str) else graph


class Store:
    """An RDF dataset with SPARQL query and update; this class is the pyoxigraph one.

    The other backends (:mod:`.store_rdflib`, :mod:`.store_sparql`) subclass it and override the
    methods that touch ``_inner``; everything else in conflictkg uses only these methods.

    ``generation`` grows by one on every write, so caches keyed on it are
    invalidated the moment the data changes.
    """

    #: True when the data lives in another process (a SPARQL server): queries are sent there,
    #: and cannot be run in a forked executor.
    remote = False
    #: True when the store keeps what RDFS entails of its data (:mod:`.entailment`), so that a
    #: query may read it with ``entailment="rdfs"``.
    entails = True

    def __init__(self, inner: ox.Store, spec: str) -> None:
        self._inner = inner
        self.spec = spec
        self.generation = 0
        # re-entrant: a validated write holds it across staging, checking and committing
        self._write_lock = threading.RLock()
        # held only while the engine's data changes: what a fork of this process must not cut in two
        self._changing = threading.RLock()
        self._changes: collections.deque = collections.deque()
        self._supers_read: tuple[int, frozenset[str]] | None = None

    # -- reading -------------------------------------------------------------------------

    def query(
        self,
        sparql: str,
        *,
        default_graph: list[str] | None = None,
        named_graphs: list[str] | None = None,
        union_default_graph: bool = False,
        base_iri: str | None = None,
        timeout: float | None = None,
        entailment: str | None = None,
    ) -> QueryResult:
        """Run a SPARQL 1.1 query; raise :class:`QueryError` on bad syntax.

        ``entailment="rdfs"`` reads the default graph with what RDFS entails of it (see
        :mod:`.entailment`); the graph holding the entailed triples is never one of the named graphs.
        ``timeout`` is honoured by remote stores only: an embedded engine cannot be interrupted
        (see :mod:`.executor`, which runs user queries in processes it can kill).
        """
        kwargs: dict = {}
        if base_iri:
            kwargs["base_iri"] = base_iri
        if entailment is not None and default_graph is None and not union_default_graph:
            if entailment == "rdfs" and not may_read_entailed(sparql, self._supers()):
                entailment = "none"  # the same answer, without a second graph to scan
            default_graph = entailment_dataset(entailment).get("default_graph")
        if self._inner.contains_named_graph(ENTAILED_GRAPH):
            if named_graphs is None:
                named_graphs = self.named_graphs()
            if union_default_graph:
                default_graph, union_default_graph = [ox.DefaultGraph(), *self.named_graphs()], False
        if default_graph is not None:
            kwargs["default_graph"] = [_graph_term(g) for g in default_graph]
        if named_graphs is not None:
            kwargs["named_graphs"] = [_graph_term(g) for g in named_graphs]
        if union_default_graph:
            kwargs["use_default_graph_as_union"] = True
        try:
            return self._inner.query(sparql, **kwargs)
        except SyntaxError as exc:
            raise QueryError(str(exc)) from exc
        except (OSError, ValueError) as exc:
            raise QueryError(str(exc)) from exc

    def _supers(self) -> frozenset[str]:
        """The super-classes and super-properties of the data's trees, read once per generation."""
        if self._supers_read is None or self._supers_read[0] != self.generation:
            self._supers_read = (self.generation, supers_of(self))
        return self._supers_read[1]

    def select(self, sparql: str, **kwargs) -> list[dict[str, ox.NamedNode | ox.BlankNode | ox.Literal]]:
        """Run a SELECT query and return its rows as dicts of bound variables."""
        result = self.query(sparql, **kwargs)
        if not isinstance(result, ox.QuerySolutions):
            raise QueryError("not a SELECT query")
        names = [v.value for v in result.variables]
        # zip over the solution's own iteration: indexing by name costs twice as much
        return [{n: v for n, v in zip(names, row) if v is not None} for row in result]

    def ask(self, sparql: str, **kwargs) -> bool:
        result = self.query(sparql, **kwargs)
        if not isinstance(result, ox.QueryBoolean):
            raise QueryError("not an ASK query")
        return bool(result)

    def quads(self) -> Iterator[ox.Quad]:
        """The data: the default graph's quads and the named graphs', not the entailed ones."""
        yield from self.quads_for_pattern(None, None, None, ox.DefaultGraph())
        for graph in self.named_graphs():
            yield from self.quads_for_pattern(None, None, None, graph)

    def quads_for_pattern(self, subject=None, predicate=None, object=None, graph=None) -> Iterator[ox.Quad]:
        """The quads matching a pattern (None matches anything, the entailed graph included;
        ``ox.DefaultGraph()`` the default graph)."""
        return iter(self._inner.quads_for_pattern(subject, predicate, object, graph))

    def __contains__(self, quad: ox.Quad) -> bool:
        return quad in self._inner

    def named_graphs(self) -> list[ox.NamedNode | ox.BlankNode]:
        """The named graphs of the data (the entailed graph is the store's own, not one of them)."""
        return [g for g in self._inner.named_graphs() if g != ENTAILED_GRAPH]

    def contains_named_graph(self, graph: str) -> bool:
        return self._inner.contains_named_graph(ox.NamedNode(graph))

    def is_empty(self) -> bool:
        return not any(True for _ in self._inner.quads_for_pattern(None, None, None, None))

    def __len__(self) -> int:
        """How many quads the data holds (the entailed ones not counted)."""
        entailed = self._inner.query(f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH {ENTAILED_GRAPH} {{ ?s ?p ?o }} }}")
        return len(self._inner) - int(next(iter(entailed))[0].value)

    def dump(self, output: IO[bytes] | str | Path | None = None, fmt: ox.RdfFormat = ox.RdfFormat.N_QUADS,
             *, from_graph: str | None = None, prefixes: dict[str, str] | None = None) -> bytes | None:
        """Serialize the data (or one graph of it); bytes when no output is given."""
        kwargs: dict = {"prefixes": prefixes} if prefixes else {}
        if from_graph is not None:
            kwargs["from_graph"] = ox.NamedNode(from_graph)
        elif not fmt.supports_datasets:
            kwargs["from_graph"] = ox.DefaultGraph()
        elif self._inner.contains_named_graph(ENTAILED_GRAPH):
            if self.named_graphs():
                return ox.serialize(self.quads(), output, fmt, **kwargs)
            kwargs["from_graph"] = ox.DefaultGraph()  # the default graph alone, written as a dataset
        return self._inner.dump(output, fmt, **kwargs)

    # -- writing -------------------------------------------------------------------------

    def update(self, sparql: str) -> None:
        """Apply a SPARQL 1.1 Update atomically; raise :class:`QueryError` on bad syntax."""
        with self._write_lock, self._changing:
            try:
                self._inner.update(sparql)
            except (SyntaxError, OSError, ValueError, RuntimeError) as exc:
                raise QueryError(str(exc)) from exc
            self.generation += 1

    def commit(self, removed: list[ox.Quad], added: list[ox.Quad]) -> None:
        """Remove then add quads as one write, kept in :meth:`changes_since` for the query executors.

        Without blank nodes it is one transaction (``DELETE DATA``/``INSERT DATA``: a blank node
        there would name a new node). With them, quads go one by one while no executor can copy the
        store; on disk a checkpoint is put back if the process dies half-way (:meth:`bulk_writing`).
        """
        with self._write_lock, self._changing:
            if not removed:
                self.add_quads(added)
            elif not any(_has_blank(q) for q in (*removed, *added)):
                self.update(_data_update(removed, added))
            else:
                guard = self.bulk_writing() if self._path() is not None else contextlib.nullcontext()
                with guard:
                    for quad in removed:
                        self._inner.remove(quad)
                    self._inner.extend(added)
                    self.generation += 1
            self._keep_change(removed, added)

    def _keep_change(self, removed: list[ox.Quad], added: list[ox.Quad]) -> None:
        self._changes.append((self.generation, removed, added))
        held = sum(len(r) + len(a) for _, r, a in self._changes)
        while held > CHANGES_KEPT:
            _, r, a = self._changes.popleft()
            held -= len(r) + len(a)

    def changes_since(self, generation: int) -> list[tuple[int, list, list]] | None:
        """The commits that brought the store from ``generation`` to now, oldest first, as
        (generation, removed, added); None when a write in between was not a commit of quads (a
        bulk load, a replaced store), or is no longer kept."""
        found = [change for change in self._changes if change[0] > generation]
        if [change[0] for change in found] != list(range(generation + 1, self.generation + 1)):
            return None
        return found

    def rebuild_entailment(self) -> None:
        """Compute the entailed graph anew from the default graph (see :mod:`.entailment`)."""
        with self._write_lock, self._changing:
            rebuild(self._inner)
            self.generation += 1

    def load(self, data: bytes | str | IO[bytes], fmt: ox.RdfFormat, *, base_iri: str | None = None,
             to_graph: str | None = None) -> None:
        """Add RDF data in one transaction: all of it or, on a parse error, none of it."""
        if isinstance(data, str):
            data = data.encode("utf-8")
        kwargs: dict = {"format": fmt}
        if base_iri:
            kwargs["base_iri"] = base_iri
        if to_graph is not None:
            kwargs["to_graph"] = ox.NamedNode(to_graph)
        with self._write_lock, self._changing:
            try:
                self._inner.load(data, **kwargs)
            except SyntaxError as exc:
                raise StoreError(f"cannot parse {fmt.name} data: {exc}") from exc
            self.generation += 1

    def add_quads(self, quads: Iterable[ox.Quad], *, bulk: bool = False) -> None:
        """Add quads in one transaction.

        ``bulk=True`` (a big load, already validated) uses the engine's bulk loader on disk, 4x
        faster but not transactional: a checkpoint of the store is taken first (hard links,
        instant) and put back if the load fails, or at the next opening if the process died.
        """
        if bulk and self._path() is not None:
            with self.bulk_writing():
                self._inner.bulk_extend(quads)
            return
        with self._write_lock, self._changing:
            self._inner.extend(quads)
            self.generation += 1

    @contextlib.contextmanager
    def bulk_writing(self) -> Iterator[Path]:
        """A block of writes by the engine's bulk loader (:meth:`bulk_load`) into this on-disk store,
        kept only if the block ends without an exception.

        The bulk loader is far faster than a transaction but not transactional: a checkpoint of the
        store is taken first (hard links, instant) and put back if the block fails, or at the next
        opening if the process died. The block gets the checkpoint's path: the store as it was,
        which it may open read-only. Readers of the store see the writes as they go in.
        """
        path = self._path()
        if path is None:
            raise StoreError("only an on-disk store loads in bulk")
        with self._write_lock, self._changing:
            before = _checkpoint_of(path)
            self._inner.flush()
            self._inner.backup(str(before))
            try:
                yield before
                self._inner.flush()
            except BaseException:
                self._inner = None  # RocksDB closes when its last reference goes
                self._inner = ox.Store(str(_restore(path)))
                raise
            finally:
                self.generation += 1
            _remove_tree(before)

    def bulk_load(self, data: bytes | str | Path, fmt: ox.RdfFormat, *, base_iri: str | None = None) -> None:
        """Parse ``data`` (bytes, text or a file's path) into the default graph with the engine's bulk
        loader, inside :meth:`bulk_writing`. Raises :class:`StoreError` if it cannot be read or parsed."""
        try:
            self._inner.bulk_load(format=fmt, base_iri=base_iri, **engine_input(data))
        except (SyntaxError, OSError) as exc:
            raise StoreError(f"cannot load {fmt.name} data: {exc}") from exc

    def bulk_extend(self, quads: Iterable[ox.Quad]) -> None:
        """Add quads with the engine's bulk loader, inside :meth:`bulk_writing`."""
        self._inner.bulk_extend(quads)

    def replace(self, inner: ox.Store) -> None:
        """Put ``inner`` in the place of this in-memory store's data, at once (a validated bulk load)."""
        if self._path() is not None:
            raise StoreError("only an in-memory store can be replaced")
        with self._write_lock, self._changing:
            self._inner = inner
            self.generation += 1

    def _path(self) -> Path | None:
        return Path(self.spec.split(":", 1)[1]) if self.spec.startswith("oxigraph:") else None

    def remove_graph(self, graph: str) -> None:
        """Drop a named graph and everything in it (nothing happens if there is none)."""
        with self._write_lock, self._changing:
            self._inner.remove_graph(ox.NamedNode(graph))
            self.generation += 1

    def flush(self) -> None:
        """Make writes durable (a no-op in memory)."""
        if hasattr(self._inner, "flush"):
            self._inner.flush()

    @property
    def write_lock(self) -> threading.RLock:
        """Held by every write; hold it to make a read-check-write sequence atomic."""
        return self._write_lock

    @property
    def changing(self) -> threading.RLock:
        """Held while the data changes (within a write); take it to see no change half-done."""
        return self._changing

    def as_oxigraph(self) -> "Store":
        """This store's data in a pyoxigraph engine: the store itself, or (rdflib) a copy.

        The validator compiles shapes to the SPARQL pyoxigraph runs; a local store of another
        engine is checked on a copy rather than on an engine whose SPARQL differs at the edges.
        """
        return self

    @property
    def inner(self) -> ox.Store:
        """The underlying pyoxigraph store, for bulk work that wants the raw engine."""
        return self._inner


class ForeignStore(Store):
    """A store on another engine than pyoxigraph: data is parsed here, by pyoxigraph (strictly, the
    whole of it before anything is added: a bad line adds nothing), and goes in as quads; dumps
    serialize the engine's quads. Subclasses provide the quads both ways."""

    def load(self, data: bytes | str | IO[bytes], fmt: ox.RdfFormat, *, base_iri: str | None = None,
             to_graph: str | None = None) -> None:
        kwargs = {"base_iri": base_iri} if base_iri else {}
        try:
            quads = list(ox.parse(data, format=fmt, **kwargs))
        except SyntaxError as exc:
            raise StoreError(f"cannot parse {fmt.name} data: {exc}") from exc
        if to_graph is not None:
            quads = [ox.Quad(q.subject, q.predicate, q.object, ox.NamedNode(to_graph)) for q in quads]
        self.add_quads(quads)

    def dump(self, output=None, fmt: ox.RdfFormat = ox.RdfFormat.N_QUADS, *, from_graph: str | None = None,
             prefixes: dict[str, str] | None = None) -> bytes | None:
        if from_graph is not None or not fmt.supports_datasets:
            where = ox.NamedNode(from_graph) if from_graph is not None else ox.DefaultGraph()
            quads = (ox.Triple(q.subject, q.predicate, q.object) for q in self.quads_for_pattern(graph=where))
        else:
            quads = self.quads()
        kwargs = {"prefixes": prefixes} if prefixes else {}
        return ox.serialize(quads, output, fmt, **kwargs)

    def add_quads(self, quads: Iterable[ox.Quad], *, bulk: bool = False) -> None:
        raise NotImplementedError


def _has_blank(quad: ox.Quad) -> bool:
    return isinstance(quad.subject, ox.BlankNode) or isinstance(quad.object, ox.BlankNode)


def _data_update(removed: list[ox.Quad], added: list[ox.Quad]) -> str:
    """One SPARQL update that deletes ``removed`` and inserts ``added`` (no blank nodes)."""
    def block(quads: list[ox.Quad]) -> str:
        lines = []
        for q in quads:
            triple = f"{q.subject} {q.predicate} {q.object} ."
            lines.append(triple if isinstance(q.graph_name, ox.DefaultGraph) else f"GRAPH {q.graph_name} {{ {triple} }}")
        return "\n".join(lines)

    return f"DELETE DATA {{\n{block(removed)}\n}};\nINSERT DATA {{\n{block(added)}\n}}"


def engine_input(data: bytes | str | IO[bytes] | Path) -> dict:
    """The keyword pyoxigraph's parsers take ``data`` by: a path is read by the engine itself, with
    no Python call per chunk."""
    return {"path": str(data)} if isinstance(data, Path) else {"input": data}


def _checkpoint_of(path: Path) -> Path:
    """Where the state before a bulk load is kept while it runs."""
    return path.with_name(path.name + ".before-load")


def _remove_tree(path: Path) -> None:
    shutil.rmtree(path, ignore_errors=True)


def _restore(path: Path) -> Path:
    """Put back the store as it was before a bulk load that did not finish (a crash, a full disk)."""
    before = _checkpoint_of(path)
    if before.is_dir():
        aside = path.with_name(path.name + ".cut-short")
        _remove_tree(aside)
        if path.exists():
            path.rename(aside)
        before.rename(path)
        _remove_tree(aside)
    return path


def seed_store(store: Store) -> Store:
    """Load the ontology and the curated seed graph of the article into ``store``, with what they entail.

    The ontology goes in too (default graph) because queries walk ``rdfs:subClassOf*``
    and read class labels.
    """
    from ..ontology import ontology_ntriples

    store.load(ontology_ntriples(), ox.RdfFormat.N_TRIPLES)
    store.load(seed_ntriples(), ox.RdfFormat.N_TRIPLES)
    if store.entails:
        store.rebuild_entailment()
    return store


def open_store(spec: str | None = None, *, seed: bool = True) -> Store:
    """Open the store named by ``spec`` (default: ``$CONFLICTKG_STORE`` or ``memory``).

    - ``memory``: pyoxigraph in memory, with the seed graph loaded.
    - ``oxigraph:PATH``: pyoxigraph on disk; a new, empty one is initialised with the seed.
    - ``rdflib``: rdflib's in-memory Dataset, with the seed graph loaded (:mod:`.store_rdflib`).
    - ``sparql:URL[;update=URL][;graph=IRI]``: a remote SPARQL 1.1 engine (:mod:`.store_sparql`); an empty
      one is initialised with the seed.

    ``seed=False`` leaves a new store empty.
    """
    spec = spec or setting("STORE")
    if spec == "memory":
        store = Store(ox.Store(), spec)
        return seed_store(store) if seed else store
    if spec.startswith("oxigraph:"):
        path = spec.split(":", 1)[1]
        if not path:
            raise StoreError("oxigraph: needs a path, e.g. oxigraph:./kg.db")
        try:
            _restore(Path(path))
            store = Store(ox.Store(path), spec)
        except OSError as exc:
            raise StoreError(f"cannot open {path}: {exc}") from exc
        if seed and store.is_empty():
            seed_store(store)
            store.flush()
        elif not store.is_empty() and not store.inner.contains_named_graph(ENTAILED_GRAPH):
            store.rebuild_entailment()  # data written by a bulk load or another tool
            store.flush()
        return store
    if spec == "rdflib":
        from .rdflib_backend import RdflibStore

        store = RdflibStore(spec)
        return seed_store(store) if seed else store
    if spec.startswith("sparql:"):
        from .sparql_backend import SparqlStore

        store = SparqlStore.from_spec(spec)
        if seed and store.is_empty():
            seed_store(store)
        return store
    raise StoreError(f"unknown store {spec!r}: use memory, oxigraph:PATH, rdflib or sparql:URL[;update=URL][;graph=IRI]")


def load_file(store: Store, path: str | Path, fmt: ox.RdfFormat | None = None) -> None:
    """Load one RDF file into ``store`` (the format from its suffix unless given)."""
    path = Path(path)
    fmt = fmt or rdf_format(path.name)
    with open(path, "rb") as fh:
        store.load(fh.read(), fmt, base_iri=path.resolve().as_uri())
