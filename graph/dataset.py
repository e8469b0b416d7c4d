"""The Dataset: the one object the HTTP app and the CLI use for data.

It owns the backend (a :class:`~.store.Store`, whose capabilities it declares: ``remote``,
``entails``), the policy user queries run under (killable executor processes, a time limit, a row
cap, entailment), and the one write path every write takes (:mod:`.gate`: parse → the
neighbourhood it touches → the shapes, with the shipped ontology → commit, with what it entails).
Nothing above it takes a lock or touches an engine.

A user's query goes through :meth:`execute`, under the dataset's limits (Datasette's
``Database.execute`` is the model). Reads the library makes for itself (the domain's queries:
strikes, accusations, timeline…) are trusted and go straight to the backend: :meth:`query`,
:meth:`select`, :meth:`ask`, :meth:`quads`.

>>> data = Dataset.open("memory")
>>> answer = data.execute("SELECT ?strike WHERE { ?strike a <https://w3id.org/conflictkg/ontology#Attack> }",
...                     max_rows=2, formats={"solutions": ("text/csv", "text/csv")})
>>> answer.body.splitlines()[0], answer.truncated
(b'strike', True)
>>> data.update('INSERT DATA { <https://w3id.org/conflictkg/id/actor/iran> '
...             '<http://www.w3.org/2000/01/rdf-schema#comment> "A state." }').conforms
True
>>> data.close()
"""

from __future__ import annotations

from pathlib import Path
from typing import IO

import pyoxigraph as ox

from .safety.guard import DEFAULT_DEPTH
from .shacl.report import Report
from .store import Store, entailment, open_store
from .store.executor import Answer, QueryPool, evaluate
from .write.gate import check, load_checked, update_checked


class Dataset:
    """A store served under one policy. ``query_processes`` executors answer user queries (0: in
    the calling thread, with no time limit: the CLI's way); see :class:`.executor.QueryPool` for
    ``queue_wait`` and ``query_memory``."""

    def __init__(self, store: Store, *, query_processes: int = 0, queue_wait: float = 2.0,
                 query_memory: int | None = None, max_depth: int = DEFAULT_DEPTH) -> None:
        self._store = store
        self._pool_size, self._queue_wait, self._memory = query_processes, queue_wait, query_memory
        self._pool: QueryPool | None = None
        self.max_depth = max_depth

    @classmethod
    def open(cls, spec: str | None = None, *, seed: bool = True, **policy) -> "Dataset":
        """The dataset of a store spec (``memory``, ``oxigraph:PATH``, ``rdflib``, ``sparql:URL``…;
        see :func:`.store.open_store`)."""
        return cls(open_store(spec, seed=seed), **policy)

    def as_of(self, store: Store) -> "Dataset":
        """Another store (a snapshot's) served under this dataset's policy and executors."""
        view = Dataset(store, max_depth=self.max_depth)
        view._pool_size, view._pool = self._pool_size, self._executors()
        return view

    # -- what the backend is -------------------------------------------------------------------

    @property
    def spec(self) -> str:
        return self._store.spec

    @property
    def remote(self) -> bool:
        """The data lives in another engine, which answers the queries itself."""
        return self._store.remote

    @property
    def entails(self) -> bool:
        """The store keeps what RDFS entails of its data: queries may read it (``entailment="rdfs"``)."""
        return self._store.entails

    @property
    def generation(self) -> int:
        """Grows by one with every write."""
        return self._store.generation

    @property
    def version(self) -> tuple[int, int]:
        """What caches of answers are keyed on: the store read, and its generation."""
        return id(self._store), self._store.generation

    # -- user queries ---------------------------------------------------------------------------

    def execute(self, text: str, *, formats: dict, timeout: float | None = None, max_rows: int | None = None,
              entailment: str | None = None, dataset: dict | None = None, base_iri: str | None = None) -> Answer:
        """Answer a user's query, serialized in the format ``formats`` gives for its kind of answer
        (see :mod:`.executor`); ``Answer.truncated`` says when rows were cut at ``max_rows``.

        ``entailment``: ``rdfs`` or ``none`` (default: ``rdfs`` where the store keeps it);
        ``dataset``: ``default_graph`` and ``named_graphs`` IRIs (the protocol's dataset).
        Raises :class:`.store.QueryError`, :class:`.store.QueryTimeout`, :class:`.executor.Overloaded`,
        :class:`.executor.EngineStopped`, :class:`.executor.Unacceptable`, or ValueError for an
        entailment the store cannot give.
        """
        chosen = entailment_of(self, entailment)
        kwargs = dict(dataset or {}, entailment=chosen)
        if base_iri:
            kwargs["base_iri"] = base_iri
        pool = self._executors()
        if pool is not None and not self.remote:
            return pool.run(self._store, text, formats=formats, timeout=timeout, max_rows=max_rows, **kwargs)
        # a remote engine is only waited for so long; an embedded one cannot be stopped in-thread
        return evaluate(self._store, text, formats=formats, max_rows=max_rows, timeout=timeout, **kwargs)

    def _executors(self) -> QueryPool | None:
        if self._pool is None and self._pool_size > 0:
            self._pool = QueryPool(self._pool_size, queue_wait=self._queue_wait, memory=self._memory)
        return self._pool

    # -- the library's own reads ------------------------------------------------------------------

    def select(self, sparql: str, **kwargs) -> list[dict]:
        return self._store.select(sparql, **kwargs)

    def ask(self, sparql: str, **kwargs) -> bool:
        return self._store.ask(sparql, **kwargs)

    def query(self, sparql: str, **kwargs):
        """The engine's result objects (solutions, boolean or triples), unserialized (see
        :meth:`.store.Store.query`): a trusted read, with no time limit."""
        return self._store.query(sparql, **kwargs)

    def quads(self):
        return self._store.quads()

    def quads_for_pattern(self, subject=None, predicate=None, object=None, graph=None):
        return self._store.quads_for_pattern(subject, predicate, object, graph)

    def named_graphs(self) -> list:
        return self._store.named_graphs()

    def contains_named_graph(self, graph: str) -> bool:
        return self._store.contains_named_graph(graph)

    def __len__(self) -> int:
        return len(self._store)

    def dump(self, output: IO[bytes] | str | Path | None = None, fmt: ox.RdfFormat = ox.RdfFormat.N_QUADS,
             **kwargs) -> bytes | None:
        """The data (never the entailed triples), or one graph of it, serialized."""
        return self._store.dump(output, fmt, **kwargs)

    # -- writes: every one through the gate -------------------------------------------------------

    def update(self, sparql: str, *, engine: str = "fast") -> Report:
        """Apply a SPARQL 1.1 Update if the graph still conforms (see :func:`.gate.update_checked`)."""
        report = update_checked(self._store, sparql, engine=engine)
        self._written()
        return report

    def load(self, sources, *, engine: str = "fast", alone: list | None = None) -> int:
        """Add RDF (``(data, format, base IRI)`` sources) if the graph still conforms; the triples added."""
        added = load_checked(self._store, sources, engine=engine, max_depth=self.max_depth, alone=alone)
        self._written()
        return added

    def load_files(self, paths: list[Path], *, engine: str = "fast", progress: bool = False,
                   alone: bool = False) -> int:
        """Add RDF files or ACLED-style CSV, all or nothing (see :func:`.load.load_files`)."""
        from .write.load import load_files

        added = load_files(self._store, paths, engine=engine, progress=progress, alone=alone)
        self._written()
        return added

    def _written(self) -> None:
        """After a write, an executor that sees it is started now: the writer waits for it, not the
        next reader."""
        if self._pool is not None:
            self._pool.prepare(self._store)

    def check(self, sources=None, *, engine: str = "fast") -> Report:
        """The SHACL report of the data as it is, or as it would be with ``sources`` added."""
        if sources is None:
            from .shacl.validation import validate

            return validate(self._store, engine=engine)
        return check(self._store, sources, engine=engine, max_depth=self.max_depth)

    def check_files(self, paths: list[Path], *, engine: str = "fast", progress: bool = False) -> Report:
        """The SHACL report of the data as it would be with these files added (nothing is stored)."""
        from .write.load import check_files

        return check_files(self._store, paths, engine=engine, progress=progress)

    @staticmethod
    def check_alone(paths: list[Path], *, engine: str = "fast") -> Report:
        """The SHACL report of files by themselves, with the shipped ontology: no store is read."""
        from .write.load import check_alone

        return check_alone(paths, engine=engine)

    # -- exports ----------------------------------------------------------------------------------

    def export(self, fmt: str, out: IO[bytes]) -> None:
        """The data written as ``fmt`` (an RDF format's name, graphml, gexf or acled-csv) to ``out``."""
        from .exports.export import export

        export(self, fmt, out)

    def snapshot(self, directory: Path):
        """A dated snapshot of the data in ``directory``, named by its canonical id (see :mod:`.exports.snapshot`)."""
        from .exports.snapshot import write_snapshot

        return write_snapshot(self, directory)

    # -- the end ------------------------------------------------------------------------------------

    def flush(self) -> None:
        self._store.flush()

    def close(self) -> None:
        """Stop the executors and make the writes durable; the dataset is not used afterwards."""
        if self._pool is not None:
            self._pool.close()
        self._store.flush()


def entailment_of(data: Dataset | Store, wanted: str | None) -> str:
    """The entailment a query of ``data`` is read under (ValueError if it cannot give ``wanted``)."""
    return entailment.choose(wanted, entails=data.entails)
