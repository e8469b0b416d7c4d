"""Every write is validated before it is committed: loads and SPARQL updates alike.

New data is first written to a staging graph of the store, then the shapes are checked on the
default graph *plus* the staging graph, for the nodes the write touches and the nodes that point
at them (what the shapes can reach: an event that responds to a re-dated event, say). Only if the
result conforms is the staged data moved into place, in one update; otherwise the staging graph
is dropped and the store is exactly as it was. Readers never see staged data in the default
graph.

Updates that delete or match patterns cannot be staged this way: they run on an in-memory copy,
which is validated whole, and are applied to the store only if the copy conforms.

Stores that cannot query such a view (``Store.views`` false: rdflib, a remote SPARQL engine) stage
in a local scratch store instead. The nodes the write touches, the nodes one hop beyond them and
the class tree are fetched from the store with a few queries; that neighbourhood plus the new data
is what the shapes are checked on, focus node by focus node. It is enough because no shape of the
project looks further than one hop beyond its focus node (single-predicate paths; the SPARQL
constraints read a value's date). The data then goes to the store in one write.

>>> from conflictkg.graph.store import open_store
>>> store = open_store("memory")
>>> before = len(store)
>>> bad = b'<https://w3id.org/conflictkg/id/event/x> a <https://w3id.org/conflictkg/ontology#Bombing> .'
>>> try:
...     load_checked(store, [(bad, ox.RdfFormat.TURTLE, None)])
... except Refused as exc:
...     print(len(store) == before, exc.report.conforms)
True False
"""

from __future__ import annotations

from typing import IO, Iterable

import pyoxigraph as ox

from .guard import DEFAULT_DEPTH, check_rdf
from .literals import add_ill_typed, ill_typed
from .store import STAGING, QueryError, Store, StoreError
from .validation import Report, validate

_STAGED = ox.NamedNode(STAGING)
#: Writes that touch the class hierarchy change every shape's targets: validate everything then.
_SCHEMA = ("http://www.w3.org/2000/01/rdf-schema#subClassOf",)


class Refused(StoreError):
    """The write would leave the graph violating its shapes; nothing was stored."""

    def __init__(self, report: Report) -> None:
        violations = [r for r in report.results if r.severity == "Violation"]
        super().__init__(f"refused: {len(violations)} violation(s) of the shapes; nothing was stored")
        self.report = report


def _affected(store: Store) -> list[ox.NamedNode | ox.BlankNode] | None:
    """The staged nodes and the nodes pointing at them; None when everything must be checked."""
    view = [ox.DefaultGraph(), _STAGED]
    schema = " ".join(f"<{p}>" for p in _SCHEMA)
    # blank nodes cannot be named in VALUES; a change to the class tree moves every target
    if store.query(f"ASK {{ GRAPH <{STAGING}> {{ {{ ?s ?p ?o FILTER (isBlank(?s)) }} UNION {{ ?s ?p ?o VALUES ?p {{ {schema} }} }} }} }}"):
        return None
    rows = store.query(
        f"SELECT DISTINCT ?n WHERE {{ {{ GRAPH <{STAGING}> {{ ?n ?p ?o }} }} UNION {{ GRAPH <{STAGING}> {{ ?x ?p ?n }} }}"
        f" UNION {{ GRAPH <{STAGING}> {{ ?t ?q ?o }} ?n ?r ?t }} FILTER (isIRI(?n)) }}", default_graph=view)
    return [row[0] for row in rows]


#: A focus node costs about as much to check as this many triples of a whole-graph check
#: (measured: the focus-first plans do per-node path walks that the whole-graph plans share).
FOCUS_COST = 40


def _staged_report(store: Store, engine: str) -> Report:
    view = [ox.DefaultGraph(), _STAGED]
    if engine == "pyshacl":
        copy = _copy(store, with_staged=True)
        report = validate(copy, engine="pyshacl")
    else:
        # a bulk load is checked whole anyway: finding its focus nodes first would cost a third more
        focus = None if _bulk(store) else _affected(store)
        if focus is not None and not _larger_than(store, len(focus) * FOCUS_COST):
            focus = None  # a write as big as a good part of the graph: one pass over everything is cheaper
        report = validate(store, focus=focus, default_graph=view)
    # what the write adds, whatever property holds it and whether or not a shape looks at it
    report.results = add_ill_typed(report.results, ill_typed(store, graph=STAGING))
    return report


#: Staged triples per focus node they bring, at the least (an event and its evidence: about 15 for 2).
TRIPLES_PER_FOCUS = 8


def _bulk(store: Store) -> bool:
    """Whether so much is staged that, whatever its focus nodes, the whole graph will be checked."""
    rows = store.query(f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{STAGING}> {{ ?s ?p ?o }} }}")
    staged = int(next(iter(rows))[0].value)
    return not _larger_than(store, staged // TRIPLES_PER_FOCUS * FOCUS_COST)


def _larger_than(store: Store, triples: int) -> bool:
    """Whether the default graph holds more than ``triples`` triples, counting no further than that.

    ``len(store)`` walks the whole store: seconds at a million events, for every write.
    """
    rows = store.query(f"SELECT (COUNT(*) AS ?n) WHERE {{ SELECT * WHERE {{ ?s ?p ?o }} LIMIT {triples + 1} }}")
    return int(next(iter(rows))[0].value) > triples


def _staged_new(store: Store) -> int:
    """How many staged triples the default graph does not hold yet."""
    rows = store.query(f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{STAGING}> {{ ?s ?p ?o }} "
                       f"FILTER NOT EXISTS {{ ?s ?p ?o }} }}")
    return int(next(iter(rows))[0].value)


def _copy(store: Store, *, with_staged: bool = False) -> Store:
    """An in-memory copy of the default graph (and, if asked, the staged data merged into it)."""
    copy = ox.Store()
    copy.bulk_extend(q for q in store.quads_for_pattern(None, None, None, ox.DefaultGraph()))
    if with_staged:
        copy.bulk_extend(ox.Quad(q.subject, q.predicate, q.object, ox.DefaultGraph())
                         for q in store.quads_for_pattern(None, None, None, _STAGED))
    return Store(copy, "memory")


def _screened(data, fmt: ox.RdfFormat, max_depth: int):
    """``data``, read whole and checked first where the parser crashes or explodes on hostile input
    (JSON-LD, RDF/XML); any other format as it came, a stream left to stream."""
    if fmt in (ox.RdfFormat.JSON_LD, ox.RdfFormat.RDF_XML):
        data = data if isinstance(data, (bytes, str)) else data.read()
        check_rdf(data, fmt, max_depth=max_depth)
    return data


def _stage(store: Store, sources: Iterable[tuple[bytes | IO[bytes], ox.RdfFormat, str | None]],
           max_depth: int = DEFAULT_DEPTH) -> None:
    """Parse every source into the staging graph (a parse error drops what was staged)."""
    for data, fmt, base in sources:
        try:
            data = _screened(data, fmt, max_depth)
            with store.changing:
                _stage_one(store, data, fmt, base)
        except SyntaxError as exc:
            _discard(store)
            raise StoreError(f"cannot parse {fmt.name} data: {exc}") from exc
        except StoreError:
            _discard(store)
            raise


def _stage_one(store: Store, data, fmt: ox.RdfFormat, base: str | None) -> None:
    if fmt.supports_datasets:
        # quads of named graphs are validated with the rest: the default graph is what the shapes guard
        kwargs = {"base_iri": base} if base else {}
        store.add_quads(ox.Quad(q.subject, q.predicate, q.object, _STAGED) for q in ox.parse(data, format=fmt, **kwargs))
    else:
        # the engine's own bulk parser, no Python per triple; what a failure leaves staged is dropped
        store.load(data, fmt, base_iri=base, to_graph=STAGING, atomic=False)


# -- stores without views: a local scratch store ---------------------------------------------

_SUBCLASS = "http://www.w3.org/2000/01/rdf-schema#subClassOf"
#: IRIs per VALUES block in the queries sent to the store (a long one is a long request line)
_CHUNK = 400


def _parse_local(sources, max_depth: int) -> ox.Store:
    """Every source parsed into the default graph of a new in-memory store (or an error: nothing kept)."""
    staged = ox.Store()
    for data, fmt, base in sources:
        kwargs = {"base_iri": base} if base else {}
        try:
            data = _screened(data, fmt, max_depth)
            if fmt.supports_datasets:
                staged.bulk_extend(ox.Quad(q.subject, q.predicate, q.object, ox.DefaultGraph())
                                   for q in ox.parse(data, format=fmt, **kwargs))
            else:
                staged.bulk_load(data, format=fmt, **kwargs)
        except SyntaxError as exc:
            raise StoreError(f"cannot parse {fmt.name} data: {exc}") from exc
    return staged


def _chunks(nodes: list) -> Iterable[str]:
    for i in range(0, len(nodes), _CHUNK):
        yield " ".join(str(n) for n in nodes[i:i + _CHUNK])


def _local_focus(store: Store, staged: ox.Store) -> list[ox.NamedNode] | None:
    """What :func:`_affected` finds, for data staged outside the store."""
    if staged.query(f"ASK {{ {{ ?s ?p ?o FILTER (isBlank(?s)) }} UNION {{ ?s <{_SUBCLASS}> ?o }} }}"):
        return None
    touched = {row[0] for row in staged.query(
        "SELECT DISTINCT ?n WHERE { { ?n ?p ?o } UNION { ?x ?p ?n } FILTER (isIRI(?n)) }")}
    subjects = [row[0] for row in staged.query("SELECT DISTINCT ?s WHERE { ?s ?p ?o FILTER (isIRI(?s)) }")]
    for values in _chunks(subjects):
        touched.update(row[0] for row in store.query(
            f"SELECT DISTINCT ?n WHERE {{ VALUES ?t {{ {values} }} ?n ?r ?t FILTER (isIRI(?n)) }}"))
    return sorted(touched, key=str)


def _neighbourhood(store: Store, focus: list[ox.NamedNode]) -> ox.Store:
    """The focus nodes' triples, their values' triples and the class tree, fetched from ``store``."""
    scratch = ox.Store()
    scratch.bulk_extend(ox.Quad(t.subject, t.predicate, t.object)
                        for t in store.query(f"CONSTRUCT WHERE {{ ?s <{_SUBCLASS}> ?o }}"))
    for values in _chunks(focus):
        scratch.bulk_extend(ox.Quad(t.subject, t.predicate, t.object) for t in store.query(
            f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ VALUES ?f {{ {values} }} "
            f"{{ ?f ?p ?o BIND (?f AS ?s) }} UNION {{ ?f ?q ?s FILTER (!isLiteral(?s)) ?s ?p ?o }} }}"))
    return scratch


def _scratch_write(store: Store, sources, engine: str, max_depth: int) -> tuple[Report, ox.Store, int]:
    """The report for ``sources`` added to a store without views, the parsed data and how many
    triples it would add."""
    staged = _parse_local(sources, max_depth)
    focus = _local_focus(store, staged) if engine == "fast" else None
    if focus is not None and _larger_than(store, len(focus) * FOCUS_COST):
        scratch = _neighbourhood(store, focus)
    else:  # the whole graph is checked: fetch it whole
        focus, scratch = None, _copy(store).inner
    added = sum(1 for q in staged if q not in scratch)
    scratch.bulk_extend(staged)
    report = validate(Store(scratch, "memory"), focus=focus, engine=engine)
    report.results = add_ill_typed(report.results, ill_typed(Store(staged, "memory")))
    return report, staged, added


def check(store: Store, sources, *, engine: str = "fast", max_depth: int = DEFAULT_DEPTH) -> Report:
    """Validate what ``sources`` would make of the store, without storing anything."""
    if not store.views:
        return _scratch_write(store, sources, engine, max_depth)[0]
    with store.write_lock:
        _discard(store)
        try:
            _stage(store, sources, max_depth)
            return _staged_report(store, engine)
        finally:
            _discard(store)


def load_checked(store: Store, sources, *, engine: str = "fast", max_depth: int = DEFAULT_DEPTH) -> int:
    """Add ``sources`` (data, format, base IRI) to the store if the result conforms; return the triples added.

    Raises :class:`Refused` (with the report) when it would not, :class:`StoreError` when a source
    cannot be parsed; either way nothing is stored.
    """
    if not store.views:
        with store.write_lock:
            report, staged, added = _scratch_write(store, sources, engine, max_depth)
            if not report.conforms:
                raise Refused(report)
            store.load(staged.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=ox.DefaultGraph()),
                       ox.RdfFormat.N_TRIPLES)
            store.flush()
            return added
    with store.write_lock:
        _discard(store)
        try:
            _stage(store, sources, max_depth)
            report = _staged_report(store, engine)
            if not report.conforms:
                raise Refused(report)
            added = _staged_new(store)
            # one update: the staged triples appear in the default graph all at once; the staging
            # graph is dropped after it (finally), in a transaction of its own: one big one costs more
            # than the two, and a crash between them leaves a staging graph the next opening drops
            store.update(f"INSERT {{ ?s ?p ?o }} WHERE {{ GRAPH <{STAGING}> {{ ?s ?p ?o }} }}")
            store.flush()
            return added
        finally:
            _discard(store)


def update_checked(store: Store, sparql: str, *, engine: str = "fast") -> Report:
    """Apply a SPARQL update if the resulting graph conforms; raise :class:`Refused` if not."""
    with store.write_lock:
        inserted = _insert_data_only(sparql)
        if inserted is not None:
            load_checked(store, [(inserted, ox.RdfFormat.N_QUADS, None)], engine=engine)
            return Report([], engine)
        copy = _copy(store)
        copy.update(sparql)  # raises QueryError on bad syntax, before anything is touched
        report = validate(copy, engine=engine)
        report.results = add_ill_typed(report.results, ill_typed(copy))
        if not report.conforms:
            raise Refused(report)
        store.update(sparql)
        store.flush()
        return report


def _insert_data_only(sparql: str) -> bytes | None:
    """The data of an update made only of INSERT DATA operations (as N-Quads), else None."""
    from rdflib.plugins.sparql.parser import parseUpdate

    try:
        parsed = parseUpdate(sparql)
    except Exception:  # rdflib's grammar is not the engine's: let the engine judge the text
        return None
    if not parsed.request or any(op.name != "InsertData" for op in parsed.request):
        return None
    scratch = ox.Store()
    try:
        scratch.update(sparql)
    except (SyntaxError, ValueError, OSError) as exc:
        raise QueryError(str(exc)) from exc
    if any(True for _ in scratch.named_graphs()):
        return None  # staging would move them to the default graph: the copy keeps their graph
    return scratch.dump(format=ox.RdfFormat.N_QUADS)


def _discard(store: Store) -> None:
    if not store.views:
        return  # nothing is ever staged in it
    with store.changing:
        store.remove_graph(STAGING)


def discard_staged(store: Store) -> None:
    """Drop what a write cut short (the process killed while staging) left in the staging graph."""
    with store.write_lock:
        if store.contains_named_graph(STAGING):
            _discard(store)
            store.flush()
