"""RDFS entailment kept at write time: the consequences of each write are stored beside it.

The asserted triples live in the default graph. What RDFS adds to them lives in one system graph,
:data:`ENTAILED`, holding only triples the default graph does not assert itself (so the two
together hold each triple once). Two rules:

- rdfs9: ``?x a ?C`` and ``?C rdfs:subClassOf+ ?D`` give ``?x a ?D`` — asking for
  ``ck:Attack`` finds missile strikes and bombings, ``ck:Actor`` finds states and persons;
- rdfs7: ``?s ?p ?o`` and ``?p rdfs:subPropertyOf+ ?q`` give ``?s ?q ?o`` — ``ck:actor`` finds
  accusers, ``sem:hasActor`` perpetrators.

Off: domain and range typing (rdfs2/3: the ontology's union classes would type every node with
helper classes), OWL-RL (``owl:sameAs`` smushing would merge our actors with Wikidata's IRIs).

Every rule derives a triple about the subject of the triples it reads, so a write changes the
entailed triples of the subjects it writes about and of no others: :func:`changes` recomputes
those, and the write path commits them with the write itself. A write that changes the class or
property tree changes what every subject entails: :func:`rebuild` starts over.

A query sees the entailed triples when it reads the default graph together with
:data:`ENTAILED` (:func:`dataset`); the system graph never appears among the named graphs, in a
dump, a snapshot or an export.

>>> from conflictkg.graph.store import open_store
>>> store = open_store("memory")
>>> kerman = "<https://w3id.org/conflictkg/id/event/2024-01-03-kerman-bombings>"
>>> ask = f"ASK {{ {kerman} a <https://w3id.org/conflictkg/ontology#Attack> }}"
>>> store.ask(ask), store.ask(ask, entailment="rdfs")
(False, True)
"""

from __future__ import annotations

import re
from collections import defaultdict
from typing import Iterable

import pyoxigraph as ox

from ..vocab import RDF, RDFS

#: The system graph holding the entailed triples.
ENTAILED = "urn:conflictkg:entailed"
ENTAILED_GRAPH = ox.NamedNode(ENTAILED)
#: The values of the ``entailment`` option of /sparql and ``conflictkg query``.
ENTAILMENTS = ("rdfs", "none")

_TYPE = ox.NamedNode(RDF.type)
#: The predicates whose triples make the class and property trees.
TREE = (ox.NamedNode(RDFS.subClassOf), ox.NamedNode(RDFS.subPropertyOf))

#: The rules over the whole graph, given the pairs of the trees as VALUES: a property path in the
#: rule would be walked again for every typed node.
#: Each rule: what it derives (a template) from what (a pattern over the default graph, given the
#: hierarchy's (sub, super) pairs), less what the default graph asserts already.
_RULES = (
    ("?x a ?super", "VALUES (?c ?super) {{ {pairs} }} ?x a ?c FILTER NOT EXISTS {{ ?x a ?super }}"),
    ("?s ?super ?o", "VALUES (?p ?super) {{ {pairs} }} ?s ?p ?o FILTER NOT EXISTS {{ ?s ?super ?o }}"),
)


class Hierarchy:
    """Every class's and property's strict super-classes and super-properties (IRIs only), read
    from a store's default graph."""

    def __init__(self, store) -> None:
        self.classes = self._closure(store, RDFS.subClassOf)
        self.properties = self._closure(store, RDFS.subPropertyOf)

    @staticmethod
    def _closure(store, predicate: str) -> dict:
        supers: dict = defaultdict(set)
        for row in store.query(f"SELECT ?a ?b WHERE {{ ?a <{predicate}>+ ?b FILTER (isIRI(?a) && isIRI(?b) && ?a != ?b) }}"):
            supers[row[0]].add(row[1])
        return dict(supers)

    def entailed_by(self, subject, asserted: Iterable[tuple]) -> set[tuple]:
        """The (predicate, object) pairs the rules derive for ``subject`` from its asserted pairs,
        less those asserted."""
        asserted = set(asserted)
        found = set()
        for predicate, value in asserted:
            if predicate == _TYPE:
                found.update((_TYPE, c) for c in self.classes.get(value, ()))
            found.update((p, value) for p in self.properties.get(predicate, ()))
        return found - asserted


def touches_tree(quads: Iterable[ox.Quad]) -> bool:
    """Whether any of ``quads`` is a sub-class or sub-property triple."""
    return any(q.predicate in TREE for q in quads)


def changes(after, before, subjects: Iterable) -> tuple[list[ox.Quad], list[ox.Quad]]:
    """The entailed quads to remove and to add for ``subjects``, once the default graph reads as
    ``after`` (a store): ``before`` is the store whose :data:`ENTAILED` graph holds them now."""
    hierarchy = Hierarchy(after)
    removed, added = [], []
    for subject in subjects:
        asserted = {(q.predicate, q.object) for q in after.quads_for_pattern(subject, None, None, ox.DefaultGraph())}
        want = hierarchy.entailed_by(subject, asserted)
        have = {(q.predicate, q.object) for q in before.quads_for_pattern(subject, None, None, ENTAILED_GRAPH)}
        removed += [ox.Quad(subject, p, o, ENTAILED_GRAPH) for p, o in have - want]
        added += [ox.Quad(subject, p, o, ENTAILED_GRAPH) for p, o in want - have]
    return removed, added


def rebuild(engine: ox.Store) -> None:
    """Compute the :data:`ENTAILED` graph of a pyoxigraph store anew, from its default graph."""
    engine.remove_graph(ENTAILED_GRAPH)
    derive(engine, Hierarchy(engine))


def derive(engine: ox.Store, hierarchy: Hierarchy) -> None:
    """Add to the :data:`ENTAILED` graph of a pyoxigraph store what the rules derive from its
    default graph under ``hierarchy``, less what that graph asserts."""
    for template, pattern in _rules(hierarchy):
        engine.update(f"INSERT {{ GRAPH <{ENTAILED}> {{ {template} }} }} WHERE {{ {pattern} }}")


def derivations(hierarchy: Hierarchy) -> list[str]:
    """The CONSTRUCT queries of what :func:`derive` adds: for a loader that writes the entailed
    graph itself (the engine's bulk loader, at a million events)."""
    return [f"CONSTRUCT {{ {template} }} WHERE {{ {pattern} }}" for template, pattern in _rules(hierarchy)]


def _rules(hierarchy: Hierarchy) -> list[tuple[str, str]]:
    out = []
    for (template, pattern), tree in zip(_RULES, (hierarchy.classes, hierarchy.properties)):
        pairs = " ".join(f"({sub} {sup})" for sub, sups in tree.items() for sup in sups)
        if pairs:
            out.append((template, pattern.format(pairs=pairs)))
    return out


def of_new_data(new: ox.Store, store) -> set:
    """Derive into ``new``'s :data:`ENTAILED` graph what its default graph, data about to join
    ``store``, entails under ``store``'s trees; return the subjects ``store`` already holds
    triples about. What those entail depends on the store's triples too: the caller recomputes
    it with :func:`changes` once the data is merged. (A write that changes a tree rebuilds.)"""
    hierarchy = Hierarchy(store)
    default = ox.DefaultGraph()
    subjects = {row[0] for row in new.query("SELECT DISTINCT ?s WHERE { ?s ?p ?o }")}
    known = {s for s in subjects if next(iter(store.quads_for_pattern(s, None, None, default)), None) is not None}
    derive(new, hierarchy)
    for subject in known:  # recomputed from the merged data (see above)
        for quad in list(new.quads_for_pattern(subject, None, None, ENTAILED_GRAPH)):
            new.remove(quad)
    return known


def choose(entailment: str | None, *, entails: bool) -> str:
    """The entailment a query is read under: ``entailment`` if the store can give it, by default
    ``rdfs`` where the store keeps it (its own stores) and ``none`` elsewhere (a remote engine).

    >>> choose(None, entails=True), choose("none", entails=True), choose(None, entails=False)
    ('rdfs', 'none', 'none')
    """
    if entailment is None:
        return "rdfs" if entails else "none"
    if entailment not in ENTAILMENTS:
        raise ValueError(f"entailment: {entailment!r} is not one of {', '.join(ENTAILMENTS)}")
    if entailment == "rdfs" and not entails:
        raise ValueError("entailment: rdfs is kept by conflictkg's own stores, not by a remote engine; "
                         "use the engine's own reasoning, or rdfs:subClassOf* in the query")
    return entailment


# -- which queries can read an entailed triple --------------------------------------------------------

_TOKEN = re.compile(r"""
    (?P<comment>\#[^\n]*)
  | (?P<string>'''(?:[^'\\]|\\.|'(?!''))*'''|\"\"\"(?:[^"\\]|\\.|"(?!""))*\"\"\"|'(?:[^'\\\n]|\\.)*'|"(?:[^"\\\n]|\\.)*")
  | (?P<iri><[^<>"{}|^`\\\x00-\x20]*>)
  | (?P<var>[?$]\w+)
  | (?P<pname>(?:[A-Za-z][\w.-]*)?:(?:[\w.%:-]|\\.)*)
  | (?P<word>[A-Za-z_]\w*)
  | (?P<number>[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?)
  | (?P<punct>!=|\^\^|&&|\|\||<=|>=|[{}()\[\];,.!^|/*+?=<>@-])
  | (?P<space>\s+)
""", re.X)
#: What stands before a variable in a predicate's place, and after it (a subject, an object).
_SUBJECTS = {"var", "iri", "pname", "]", "string", "number", ";", "["}
_OBJECTS = {"var", "iri", "pname", "string", "number", "[", "(", "boolean"}
_PREFIX = re.compile(r"PREFIX\s+([A-Za-z][\w.-]*)?:\s*<([^>]*)>", re.I)


def supers_of(store) -> frozenset[str]:
    """The IRIs of the super-classes and super-properties of a store's trees: the objects and
    predicates of every entailed triple but rdf:type."""
    hierarchy = Hierarchy(store)
    return frozenset(s.value for tree in (hierarchy.classes, hierarchy.properties) for sups in tree.values()
                     for s in sups)


def may_read_entailed(sparql: str, supers: frozenset[str]) -> bool:
    """Whether a query could match a triple of the entailed graph, whose predicates are rdf:type
    (with a super-class as object) and the super-properties: ``supers`` holds the IRIs of both.

    False only when sure: no variable in a predicate's place, no rdf:type of a variable, no negated
    property set, no IRI the query writes relative or with a prefix it does not declare, and no
    super-class or super-property named. A query it is False for reads the asserted triples alone,
    which spares the engine a second graph to scan beside them.

    >>> supers = frozenset({"https://w3id.org/conflictkg/ontology#Attack"})
    >>> ck = "PREFIX ck: <https://w3id.org/conflictkg/ontology#> "
    >>> may_read_entailed(ck + "SELECT ?e WHERE { ?e ck:fatalities ?f FILTER (?f > 1) }", supers)
    False
    >>> [may_read_entailed(ck + q, supers) for q in ("ASK { ?e a ck:Attack }", "ASK { ?e a ?c }",
    ...     "ASK { ?s ?p 'x' }", "ASK { ?s !ck:date ?o }", "ASK { ?e a ck:MissileStrike }", "ASK { ?e x:y ?o }",
    ...     "ASK { ?e ck:date ?d ; ?p ?o }", "ASK { ?e a/rdfs:subClassOf* ?c }")]
    [True, True, True, True, False, True, True, True]
    """
    prefixes = dict(_PREFIX.findall(sparql))
    kinds: list[str] = []
    for found in _TOKEN.finditer(sparql):
        kind, text = found.lastgroup, found.group()
        if kind in ("comment", "space"):
            continue
        if kind in ("iri", "pname"):
            if kind == "iri":
                iri = text[1:-1]
                if ":" not in iri:
                    return True  # relative: resolved against a base not followed here
            else:
                prefix, _, local = text.partition(":")
                if prefix not in prefixes:
                    return True
                iri = prefixes[prefix] + local.replace("\\", "")
            if iri in supers:
                return True
            if iri == _TYPE.value:
                kind = "a"
        elif kind == "punct":
            if text == "!":
                return True
            kind = text
        elif kind == "word":
            kind = "a" if text == "a" else "boolean" if text.lower() in ("true", "false") else "word"
        kinds.append(kind)
    for before, this, after in zip(["", *kinds], kinds, [*kinds[1:], ""]):
        if this == "a" and after not in ("iri", "pname"):
            return True  # a type whose class is a variable, or rdf:type in a path
        if this == "var" and before in _SUBJECTS and after in _OBJECTS:
            return True  # a variable predicate
    return False


def dataset(entailment: str) -> dict:
    """How a query reads the store under ``entailment``: which graphs make its default graph."""
    if entailment not in ENTAILMENTS:
        raise ValueError(f"entailment: {entailment!r} is not one of {', '.join(ENTAILMENTS)}")
    return {"default_graph": [ox.DefaultGraph(), ENTAILED_GRAPH]} if entailment == "rdfs" else {}
