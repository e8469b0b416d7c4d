"""The one write path: every load, Graph Store POST and SPARQL Update is parsed, checked against
the shapes (with the class tree of the ontology that ships with the package) and only then
committed, with what it changes in the entailed graph (:mod:`..store.entailment`).

New data is parsed into a scratch store of its own, never into the store: readers cannot see it
and a refusal leaves nothing behind. The shapes are checked on the scratch store holding the new
data plus what the shapes can reach of the store:

- a small write (the usual one: an event and its evidence) brings the nodes it touches, the nodes
  one hop beyond them, the claims about them and the class and property trees, fetched with a few
  queries, and only those focus nodes are checked. It is enough because no shape of the project
  looks further than one hop beyond its focus node (single-predicate paths; the SPARQL
  constraints read a value's date, or the claims about the node);
- a write as big as a good part of the graph (a bulk load) is checked whole: the store's quads
  join the new data in the scratch store, and for the in-memory store the result, once it
  conforms, *becomes* the store: one swap, no second pass over the data.

Only if the result conforms does the new data go to the store, in one transaction (a bulk load
into an on-disk store goes through the engine's bulk loader, guarded by a checkpoint: see
:meth:`.Store.bulk_writing`; when the caller holds that store alone, as ``conflictkg load`` does,
the bulk loader writes it while the copy in memory is checked, and the checkpoint is put back if
the copy does not conform). The store itself never holds unchecked data, not even for a moment.

Any other update (DELETE, pattern-matching INSERT, CLEAR, DROP, COPY, MOVE, ADD…) runs on an
in-memory copy of the data, which is checked whole (:func:`update_checked`); the difference it
made is what is committed.

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

import os
import threading
from concurrent.futures import Future
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable

import pyoxigraph as ox

from ..ontology import ontology_graph
from ..safety.guard import DEFAULT_DEPTH, check_rdf
from ..shacl.literals import add_ill_typed, ill_typed
from ..shacl.report import Report
from ..store import QueryError, Store, StoreError, engine_input, entailment
from ..vocab import CK

_SUBCLASS = "http://www.w3.org/2000/01/rdf-schema#subClassOf"
#: IRIs per VALUES block in the queries sent to the store (a long one is a long request line)
_CHUNK = 400
#: A focus node costs about as much to check as this many triples of a whole-graph check: the
#: focus-first plans do per-node path walks that the whole-graph plans share (docs/performance.md).
FOCUS_COST = 40
#: New triples per focus node they bring, at the least (an event and its evidence: about 15 for 2).
TRIPLES_PER_FOCUS = 8
#: Bytes of a file per triple, at the most (N-Triples with long IRIs: about 150), to guess how many it holds.
BYTES_PER_TRIPLE = 200
#: The formats a big load on disk reads twice, once to check and once to store (see _load_alongside).
_READ_TWICE = (ox.RdfFormat.N_TRIPLES, ox.RdfFormat.TURTLE)


class Refused(StoreError):
    """The write would leave the graph violating its shapes; nothing was stored."""

    def __init__(self, report: Report) -> None:
        violations = [r for r in report.results if r.severity == "Violation"]
        super().__init__(f"refused: {len(violations)} violation(s) of the shapes; nothing was stored")
        self.report = report


class ReadOnly(StoreError):
    """The write would change what no write may change (a named graph, the shipped ontology);
    nothing was stored. ``title`` names the rule."""

    def __init__(self, title: str, detail: str) -> None:
        super().__init__(f"{detail}; nothing was stored")
        self.title = title


@dataclass
class _Write:
    """A write, parsed and checked: the report, the new data, and (checked whole) the store as it would be."""

    report: Report
    staged: ox.Store
    added: int
    #: checked whole: the store's data as it would be, when it can take the store's place
    whole: ox.Store | None
    focus: list | None
    #: checked on its focus nodes: every triple of the nodes the write touches, as they would be
    neighbourhood: ox.Store | None = None
    #: checked whole, its entailed triples derived: the subjects the store already had, whose
    #: entailed triples are recomputed once the data is in (None: the entailed graph is rebuilt)
    known: set | None = None


def _larger_than(store: Store, triples: int) -> bool:
    """Whether the default graph holds more than ``triples`` triples, counting no further than that.

    ``len(store)`` walks the whole store: seconds at a million events, for every write.
    """
    rows = store.query(f"SELECT (COUNT(*) AS ?n) WHERE {{ SELECT * WHERE {{ ?s ?p ?o }} LIMIT {triples + 1} }}")
    return int(next(iter(rows))[0].value) > triples


def _copy(store: Store) -> Store:
    """An in-memory copy of the data: the default graph and the named graphs (not the entailed one)."""
    copy = ox.Store()
    for graph in (ox.DefaultGraph(), *store.named_graphs()):
        copy.bulk_extend(store.quads_for_pattern(None, None, None, graph))
    return Store(copy, "memory")


def _shipped_tree() -> list[ox.Quad]:
    """The class and property trees of the ontology that ships with the package."""
    return [ox.Quad(t.subject, t.predicate, t.object) for t in ontology_graph() if t.predicate in entailment.TREE]


def _screened(data, fmt: ox.RdfFormat, max_depth: int):
    """``data``, read whole and checked first where the parser crashes or explodes on hostile input
    (JSON-LD, RDF/XML); any other format as it came, a stream left to stream."""
    if fmt in (ox.RdfFormat.JSON_LD, ox.RdfFormat.RDF_XML):
        data = data.read_bytes() if isinstance(data, Path) else data if isinstance(data, (bytes, str)) else data.read()
        check_rdf(data, fmt, max_depth=max_depth)
    return data


def _parse(sources, max_depth: int) -> ox.Store:
    """Every source parsed into the default graph of a new in-memory store (or an error: nothing kept).

    A source is bytes, text, a binary file or a path (see :func:`.store.engine_input`). Quads of named graphs join the default graph: it is what the shapes guard.
    """
    staged = ox.Store()
    for data, fmt, base in sources:
        kwargs = {"base_iri": base} if base else {}
        try:
            data = _screened(data, fmt, max_depth)
            if fmt.supports_datasets:
                staged.bulk_extend(ox.Quad(q.subject, q.predicate, q.object, ox.DefaultGraph())
                                   for q in ox.parse(format=fmt, **engine_input(data), **kwargs))
            else:  # the engine's parser: no Python per triple
                staged.bulk_load(format=fmt, **engine_input(data), **kwargs)
        except SyntaxError as exc:
            raise StoreError(f"cannot parse {fmt.name} data: {exc}") from exc
        except OSError as exc:  # a path that cannot be read (after all)
            raise StoreError(f"cannot read it: {exc.strerror or exc}") from exc
    return staged


def _chunks(nodes: list) -> Iterable[str]:
    for i in range(0, len(nodes), _CHUNK):
        yield " ".join(str(n) for n in nodes[i:i + _CHUNK])


def _focus(store: Store, staged: ox.Store) -> list[ox.NamedNode] | None:
    """The nodes the new data touches and the store's nodes pointing at them; None when everything
    must be checked (blank nodes cannot be named in VALUES; a change to the class tree moves every target)."""
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
    """The focus nodes' triples, their values' triples, the claims about them (an attack's
    perpetrator may be only claimed) and the store's class and property trees."""
    scratch = ox.Store()
    for predicate in entailment.TREE:
        scratch.bulk_extend(ox.Quad(t.subject, t.predicate, t.object)
                            for t in store.query(f"CONSTRUCT WHERE {{ ?s {predicate} ?o }}"))
    for values in _chunks(focus):
        scratch.bulk_extend(ox.Quad(t.subject, t.predicate, t.object) for t in store.query(
            f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ VALUES ?f {{ {values} }} "
            f"{{ ?f ?p ?o BIND (?f AS ?s) }} UNION {{ ?f ?q ?s FILTER (!isLiteral(?s)) ?s ?p ?o }} "
            f"UNION {{ ?s <{CK.claimAbout}> ?f . ?s ?p ?o }} }}"))
    return scratch


class _Counted:
    """An iterable that counts what went through it."""

    def __init__(self, items: Iterable) -> None:
        self._items, self.count = items, 0

    def __iter__(self):
        for item in self._items:
            self.count += 1
            yield item


def _done(value) -> Future:
    future: Future = Future()
    future.set_result(value)
    return future


def _in_thread(func, name: str) -> tuple[threading.Thread, Future]:
    """``func()`` started in a thread of its own; its result (or exception) in the future."""
    future: Future = Future()

    def run() -> None:
        try:
            future.set_result(func())
        except BaseException as exc:  # noqa: B902 -- handed to the caller, who raises it
            future.set_exception(exc)

    thread = threading.Thread(target=run, name=name, daemon=True)
    thread.start()
    return thread, future


def _beside(scan, store: Store) -> Future:
    """``scan(store, reading=…)`` run in a thread of its own, once it reads its snapshot of ``store``:
    the caller may then write to the store (the scan does not see it) and check the shapes meanwhile."""
    reading = threading.Event()

    def run():
        try:
            return scan(store, reading=reading)
        finally:
            reading.set()

    _, future = _in_thread(run, scan.__name__)
    reading.wait()
    return future


def _validation():
    """:mod:`.validation`, imported when a write is first checked, not with this module: it brings
    rdflib, which a load imports while the engine parses its files (see :func:`_parsed_while`)."""
    from ..shacl import validation

    return validation


def _shapes_compiled() -> None:
    _validation().project_plan()


def _parsed_while(work, sources, max_depth: int) -> ox.Store:
    """:func:`_parse` in a thread of its own while ``work()`` runs here: the engine parses without
    the GIL, so the shapes are imported and compiled meanwhile, on the other core."""
    if work is None:
        return _parse(sources, max_depth)
    parser, parsed = _in_thread(lambda: _parse(sources, max_depth), "parse")
    try:
        work()
    finally:
        parser.join()
    return parsed.result()


def _swappable(store: Store) -> bool:
    """The in-memory pyoxigraph store: a validated copy can take its place."""
    return store.spec == "memory" and type(store) is Store


def _prepare(store: Store, sources, engine: str, max_depth: int, was: Path | None = None) -> _Write:
    """Parse ``sources`` and check what they would make of the store, storing nothing.

    ``was``: a checkpoint of the store as it was, to check against (whole) while the store itself
    is being written (see :func:`_load_alongside`).
    """
    staged = _parsed_while(_shapes_compiled if engine == "fast" else None, sources, max_depth)
    focus = None
    # a write as big as a good part of the graph: one pass over everything is cheaper than its focus nodes
    size = len(staged)
    bulk = was is not None or not _larger_than(store, size // TRIPLES_PER_FOCUS * FOCUS_COST)
    if engine == "fast" and not bulk:
        focus = _focus(store, staged)
        if focus is not None and not _larger_than(store, len(focus) * FOCUS_COST):
            focus = None
    # what the write adds, whatever property holds it and whether or not a shape looks at it; for a
    # big write, read on another core while the shapes are checked
    ill = _beside(ill_typed, Store(staged, "memory")) if focus is None else _done(ill_typed(Store(staged, "memory")))
    whole = known = joined = None
    if focus is not None:
        scratch = _neighbourhood(store, focus)
        added = _keep_new(staged, size, scratch)
        # the shipped ontology's trees, whatever the store holds: the shapes' targets follow them
        scratch.bulk_extend(_shipped_tree())
        scratch.bulk_extend(staged)
    elif _swappable(store) or (bulk and type(store) is Store):
        # checked whole: the store's data joins the new data, not the other way round (a bulk load
        # is the bigger; each quad copied costs ~4 µs). In memory the result then takes the store's
        # place; on disk it is added whole, the store's own quads again, which changes nothing
        # (pyoxigraph keeps blank nodes' ids, so they stay the same nodes).
        source = Store(ox.Store.read_only(str(was)), "checkpoint") if was is not None else store
        if store.entails and not entailment.touches_tree(staged):
            # what the new data entails, derived while it is alone: a pass over it, not the graph
            known = entailment.of_new_data(staged, source)
        default = ox.DefaultGraph()
        copied = _Counted(source.quads_for_pattern(None, None, None, default))
        staged.bulk_extend(copied)
        if _swappable(store):  # it takes the store's place: the named and the entailed graphs too
            for graph in (*store.named_graphs(), entailment.ENTAILED_GRAPH):
                staged.bulk_extend(store.quads_for_pattern(None, None, None, graph))
        added = _size(staged) - copied.count
        del source, copied  # a checkpoint read is closed here, before it is put back or removed
        scratch = staged
        whole = staged if _swappable(store) else None
    else:
        copy = _copy(store).inner
        added = _keep_new(staged, size, copy)
        # the smaller joins the larger for the check (each quad copied costs ~4 µs); the store's
        # quads leave the new data again after it, so that only the new data is sent
        if len(copy) < added:
            staged.bulk_extend(copy)
            scratch, joined = staged, copy
        else:
            copy.bulk_extend(staged)
            scratch = copy
    report = _validation().validate(Store(scratch, "memory"), focus=focus, engine=engine)
    report.results = add_ill_typed(report.results, ill.result())
    if joined is not None:  # every graph's: the copy's named graphs joined too
        for quad in joined:
            staged.remove(quad)
    return _Write(report, staged, added, whole, focus, scratch if focus is not None else None, known)


def _keep_new(staged: ox.Store, size: int, known: ox.Store) -> int:
    """Leave in ``staged`` (``size`` triples) only the triples ``known`` (what the store holds of
    them) has not: what the write adds, all that a remote bulk load cut short takes back. Returns
    how many they are."""
    known_size = len(known)
    if known_size < size:
        gone = [q for q in known.quads_for_pattern(None, None, None, ox.DefaultGraph()) if q in staged]
    else:
        gone = [q for q in staged if q in known]
    for quad in gone:
        staged.remove(quad)
    return size - len(gone)


def _size(engine: ox.Store) -> int:
    """The triples of a pyoxigraph store's default graph."""
    return int(next(iter(engine.query("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")))[0].value)


def check(store: Store, sources, *, engine: str = "fast", max_depth: int = DEFAULT_DEPTH) -> Report:
    """Validate what ``sources`` would make of the store, without storing anything."""
    return _prepare(store, sources, engine, max_depth).report


def load_checked(store: Store, sources, *, engine: str = "fast", max_depth: int = DEFAULT_DEPTH,
                 alone: list | None = None) -> int:
    """Add ``sources`` (data, format, base IRI) to the store if the result conforms; return the triples added.

    Raises :class:`Refused` (with the report) when it would not, :class:`StoreError` when a source
    cannot be parsed; either way nothing is stored.

    ``alone`` is for a caller that holds an on-disk store alone (``conflictkg load``: no one else
    can open it meanwhile): the same sources again, as paths or bytes. A big load then goes into
    the store while it is checked (see :func:`_load_alongside`).
    """
    with store.write_lock:
        if alone is not None and _alongside(store, alone):
            added, known = _load_alongside(store, sources, alone, engine, max_depth)
            _entail(store, known)
            store.flush()
            return added
        write = _prepare(store, sources, engine, max_depth)
        if not write.report.conforms:
            raise Refused(write.report)
        if write.whole is not None:
            if write.known is None:
                entailment.rebuild(write.whole)
            else:
                gone, entailed = entailment.changes(write.whole, write.whole, write.known)
                for quad in gone:
                    write.whole.remove(quad)
                write.whole.extend(entailed)
            store.replace(write.whole)
        elif write.neighbourhood is not None and store.entails and not entailment.touches_tree(write.staged):
            # the neighbourhood holds every triple of the nodes the write touches, as they will be
            subjects = {q.subject for q in write.staged}
            gone, entailed = entailment.changes(write.neighbourhood, store, subjects)
            store.commit(gone, [*write.staged, *entailed])
        else:
            # a write as big as a good part of the graph (checked whole): on disk the engine's bulk
            # loader, far faster than a transaction; with it, what the new data entails
            with store.changing:
                store.add_quads(write.staged, bulk=write.focus is None)
                _entail(store, None if write.known is None else (Store(write.staged, "memory"), write.known))
        store.flush()
        return write.added


def _entail(store: Store, known: tuple[Store, set] | None) -> None:
    """After a write checked whole: the entailed triples of the subjects the store already had
    recomputed, from ``known`` (the data as it now is, and those subjects); or, with no ``known``,
    the entailed graph rebuilt."""
    if not store.entails:
        return
    if known is None:
        store.rebuild_entailment()
        return
    after, subjects = known
    gone, entailed = entailment.changes(after, store, subjects)
    if gone or entailed:
        store.commit(gone, entailed)


def _alongside(store: Store, sources: list) -> bool:
    """Whether a load of ``sources`` into ``store`` goes in while it is checked: an on-disk store,
    sources of triples the engine can read again, and a load as big as a good part of the store
    (guessed from its bytes: a small one is checked on its focus nodes, as any write)."""
    if type(store) is not Store or not store.spec.startswith("oxigraph:"):
        return False
    # (not JSON-LD or RDF/XML: the engine reads those only once they are screened, see _screened)
    if any(fmt not in _READ_TWICE or not isinstance(data, (bytes, str, Path)) for data, fmt, _ in sources):
        return False
    try:
        size = sum(data.stat().st_size if isinstance(data, Path) else len(data) for data, _, _ in sources)
    except OSError:
        return False  # the usual way says what is wrong with the file
    return not _larger_than(store, size // BYTES_PER_TRIPLE // TRIPLES_PER_FOCUS * FOCUS_COST)


#: How much lower the bulk loader's threads run than the checks (the nice value they add).
WRITER_NICENESS = 10


def _yield_to_checks() -> None:
    """Let the checks come first, and this thread (with the loader threads it starts, which inherit
    its priority on Linux) take the cores they leave idle: the loader has work for every core, and
    the two would slow each other, and the copy in memory is let go sooner (docs/performance.md).
    Elsewhere, or where it is refused, nothing changes."""
    try:
        os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), WRITER_NICENESS)
    except (AttributeError, OSError):
        pass


def _load_alongside(store: Store, sources, again: list, engine: str, max_depth: int) -> tuple[int, tuple | None]:
    """A big load into an on-disk store held alone, written while it is checked.

    The engine's bulk loader reads ``again`` into the store on another core, behind the store's
    checkpoint (:meth:`.Store.bulk_writing`), while ``sources`` are parsed into memory and checked
    there whole, with the store's data as it was (read from the checkpoint). If they do not conform,
    or either side fails, the checkpoint is put back. Loading on disk costs as much as checking, so
    side by side they take about the time of the longer, not the sum.
    """
    with store.bulk_writing() as before:
        def write() -> None:
            _yield_to_checks()
            for data, fmt, base in again:
                store.bulk_load(data, fmt, base_iri=base)

        writer, written = _in_thread(write, "bulk-load")
        try:
            checked = _prepare(store, sources, engine, max_depth, was=before)
            report, added = checked.report, checked.added
            # what the new data entails, and the store's subjects it adds to, as they will be
            derived, known = ox.Store(), None
            if checked.known is not None:
                derived.bulk_extend(checked.staged.quads_for_pattern(None, None, None, entailment.ENTAILED_GRAPH))
                known = (Store(_about(checked.staged, checked.known), "memory"), checked.known)
            # the copy in memory is let go now, not once the loader is done: its last phase is its largest
            del checked
        finally:
            writer.join()
        written.result()  # the loader's error, if it failed, before any refusal
        if not report.conforms:
            raise Refused(report)
        store.bulk_extend(derived.quads_for_pattern(None, None, None, entailment.ENTAILED_GRAPH))
        return added, known


def _about(engine: ox.Store, subjects: set) -> ox.Store:
    """The default graph's triples about ``subjects``, with the class and property trees, in a
    store of their own: what :func:`.entailment.changes` reads of them."""
    found = ox.Store()
    for predicate in entailment.TREE:
        found.bulk_extend(engine.quads_for_pattern(None, predicate, None, ox.DefaultGraph()))
    for subject in subjects:
        found.bulk_extend(engine.quads_for_pattern(subject, None, None, ox.DefaultGraph()))
    return found


def update_checked(store: Store, sparql: str, *, engine: str = "fast") -> Report:
    """Apply a SPARQL update if the resulting graph conforms; raise :class:`Refused` if not.

    An update made of ``INSERT DATA`` into the default graph is a load (checked on its focus nodes).
    Any other runs first on an in-memory copy of the data, which is checked whole: no named graph
    may change, nor any triple of the shipped ontology (:class:`ReadOnly`), and the default graph
    must conform to the shapes. Then what changed in the copy's default graph, and what that
    changes in the entailed triples, is committed to the store as one write.
    """
    with store.write_lock:
        inserted = _insert_data_only(sparql)
        if inserted is not None:
            load_checked(store, [(inserted, ox.RdfFormat.N_QUADS, None)], engine=engine)
            return Report([], engine)
        after = _copy(store)
        after.update(sparql)  # raises QueryError on bad syntax or a failed operation, before anything is touched
        _named_graphs_unchanged(store, after)
        _ontology_kept(after)
        report = _validation().validate(after, engine=engine)
        report.results = add_ill_typed(report.results, ill_typed(after))
        if not report.conforms:
            raise Refused(report)
        removed, added = _delta(store, after)
        if store.remote and any(isinstance(t, ox.BlankNode) for q in (*removed, *added) for t in (q.subject, q.object)):
            store.update(sparql)  # the same update on the engine's own copy: blank nodes cannot be named to it
        elif not store.entails:
            store.commit(removed, added)
        elif entailment.touches_tree([*removed, *added]):
            with store.changing:
                store.commit(removed, added)
                store.rebuild_entailment()
        else:
            gone, entailed = entailment.changes(after, store, {q.subject for q in (*removed, *added)})
            store.commit([*removed, *gone], [*added, *entailed])
        store.flush()
        return report


def _named_graphs_unchanged(store: Store, after: Store) -> None:
    before = store.named_graphs()
    changed = set(before) ^ set(after.named_graphs())
    changed.update(g for g in before if changed or set(store.quads_for_pattern(None, None, None, g))
                   != set(after.quads_for_pattern(None, None, None, g)))
    if changed:
        names = ", ".join(sorted(str(g) for g in changed))
        raise ReadOnly("Named graphs are read-only",
                       f"the update would create, change or drop the named graph(s) {names}: the default graph "
                       "is the one that is written, and checked")


def _ontology_kept(after: Store) -> None:
    """The shipped ontology's triples (but those of blank nodes: its lists) are all still there."""
    missing = [t for t in ontology_graph() if not isinstance(t.subject, ox.BlankNode)
               and not isinstance(t.object, ox.BlankNode) and ox.Quad(t.subject, t.predicate, t.object) not in after]
    if missing:
        raise ReadOnly("The ontology is read-only",
                       f"the update would remove {len(missing)} triple(s) of the ontology that ships with "
                       f"conflictkg, e.g. {missing[0]}")


def _delta(store: Store, after: Store) -> tuple[list[ox.Quad], list[ox.Quad]]:
    """The default graph's quads the copy no longer has, and those it has that the store has not."""
    default = ox.DefaultGraph()
    if store.remote:  # no quad-by-quad look-up over the network: the store's quads, read once
        before = set(store.quads_for_pattern(None, None, None, default))
        return ([q for q in before if q not in after],
                [q for q in after.quads_for_pattern(None, None, None, default) if q not in before])
    return ([q for q in store.quads_for_pattern(None, None, None, default) if q not in after],
            [q for q in after.quads_for_pattern(None, None, None, default) if q not in store])


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
        return None  # the gate's data goes to the default graph: the copy keeps their graph
    return scratch.dump(format=ox.RdfFormat.N_QUADS)
