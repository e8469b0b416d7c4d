"""SHACL validation of a store: a ``fast`` engine that compiles shapes into SPARQL, and pySHACL.

pySHACL is the reference, but it walks an rdflib graph in Python: hours at 100k events
(docs/performance.md). The ``fast`` engine turns every constraint of the shapes graph into one SPARQL SELECT
that returns the violating focus nodes (and values), and runs it inside pyoxigraph, where the
store's indexes find the focus nodes. The same queries take a ``VALUES ?this { … }`` so a write
can be checked on the nodes it touches only.

Whatever the compiler does not know (sh:or, sh:and, sh:not, sh:xone, sh:node, sh:closed,
qualified value shapes, nested property shapes) goes to pySHACL, for those shapes only, and
the report says so once.

>>> from conflictkg.graph.store import open_store
>>> report = validate(open_store("memory"))
>>> report.conforms, report.engine, [r.severity for r in report.results]
(True, 'fast', ['Info'])
"""

from __future__ import annotations

import contextlib
import functools
import logging
import os
import re
import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from importlib import resources
from typing import Iterable

import pyoxigraph as ox
import rdflib
from rdflib.collection import Collection
from rdflib.namespace import RDF, RDFS, XSD

from .report import SEVERITY_NAMES, SHACL, Report, Result, ValidationError

SH = rdflib.Namespace(SHACL)  # open: SH["or"] and friends are Python keywords

SHAPES_FILE = "conflictkg.shapes.ttl"
#: The focus node and the value of each compiled query.
THIS, VALUE = "this", "value"
#: Datatypes whose lexical forms SPARQL can check by casting (SHACL: ill-formed literals violate sh:datatype).
CASTABLE = {XSD.integer, XSD.decimal, XSD.double, XSD.float, XSD.boolean, XSD.date, XSD.dateTime, XSD.string}
#: What a constraint component is called in SHACL, for the report.
COMPONENTS = {name: SH[f"{name[0].upper()}{name[1:]}ConstraintComponent"] for name in (
    "class", "datatype", "nodeKind", "minCount", "maxCount", "minExclusive", "minInclusive", "maxExclusive",
    "maxInclusive", "minLength", "maxLength", "pattern", "languageIn", "uniqueLang", "equals", "disjoint",
    "lessThan", "lessThanOrEquals", "in", "hasValue")}
COMPONENTS["sparql"] = SH.SPARQLConstraintComponent
#: Parameters the compiler knows; a shape using any other goes to pySHACL.
UNSUPPORTED = (SH["or"], SH["and"], SH["not"], SH.xone, SH.node, SH.closed, SH.qualifiedValueShape)
SEVERITIES = {SH[name]: name for name in SEVERITY_NAMES}
DEFAULT_MESSAGES = {
    "class": "{value} is not an instance of {arg}", "datatype": "{value} is not a literal of datatype {arg}",
    "nodeKind": "{value} is not of node kind {arg}", "minCount": "fewer than {arg} values",
    "maxCount": "more than {arg} values", "minExclusive": "{value} is not greater than {arg}",
    "minInclusive": "{value} is less than {arg}", "maxExclusive": "{value} is not less than {arg}",
    "maxInclusive": "{value} is greater than {arg}", "minLength": "{value} is shorter than {arg} characters",
    "maxLength": "{value} is longer than {arg} characters", "pattern": "{value} does not match {arg}",
    "languageIn": "{value} is not in languages {arg}", "uniqueLang": "more than one value in the same language",
    "equals": "{value} is not in both {path} and {arg}", "disjoint": "{value} is both in {path} and {arg}",
    "lessThan": "{value} is not less than the values of {arg}",
    "lessThanOrEquals": "{value} is not less than or equal to the values of {arg}",
    "in": "{value} is not one of {arg}", "hasValue": "the value {arg} is missing",
    "sparql": "SPARQL constraint violated",
}


def _name(term: ox.NamedNode | ox.BlankNode | ox.Literal | rdflib.term.Node | None) -> str | None:
    """A term as a report shows it: an IRI as is, a blank node as _:id, a literal as its N-Triples form."""
    if term is None:
        return None
    if isinstance(term, (ox.NamedNode, rdflib.URIRef)):
        return str(term.value if isinstance(term, ox.NamedNode) else term)
    if isinstance(term, (ox.BlankNode, rdflib.BNode)):
        return f"_:{term.value if isinstance(term, ox.BlankNode) else term}"
    return str(term) if isinstance(term, ox.Literal) else term.n3()


# -- the shapes graph ---------------------------------------------------------------------------

def shapes_graph(path: str | None = None) -> rdflib.Graph:
    """A fresh shapes graph: the project's shapes, or a Turtle file of your own."""
    g = rdflib.Graph()
    if path is None:
        g.parse(data=resources.files("conflictkg.shapes").joinpath(SHAPES_FILE).read_text("utf-8"), format="turtle")
    else:
        g.parse(path, format="turtle")
    return g


def _sparql_path(g: rdflib.Graph, path: rdflib.term.Node) -> str:
    """A SHACL property path as a SPARQL property path."""
    if isinstance(path, rdflib.URIRef):
        return path.n3()
    if (path, RDF.first, None) in g:
        return "(" + "/".join(_sparql_path(g, p) for p in Collection(g, path)) + ")"
    for key, template in ((SH.inversePath, "^{}"), (SH.zeroOrMorePath, "{}*"), (SH.oneOrMorePath, "{}+"),
                          (SH.zeroOrOnePath, "{}?")):
        inner = g.value(path, key)
        if inner is not None:
            return "(" + template.format(_sparql_path(g, inner)) + ")"
    alternatives = g.value(path, SH.alternativePath)
    if alternatives is not None:
        return "(" + "|".join(_sparql_path(g, p) for p in Collection(g, alternatives)) + ")"
    raise ValidationError(f"cannot read the property path {path}")


def _targets(g: rdflib.Graph, shape: rdflib.term.Node) -> list[str]:
    """The SPARQL patterns binding ?this to each focus node of a node shape."""
    patterns = [f"?this a/{RDFS.subClassOf.n3()}* {c.n3()} ." for c in g.objects(shape, SH.targetClass)]
    if (shape, RDF.type, RDFS.Class) in g or (shape, RDF.type, rdflib.OWL.Class) in g:
        patterns.append(f"?this a/{RDFS.subClassOf.n3()}* {shape.n3()} .")
    patterns += [f"VALUES ?this {{ {n.n3()} }}" for n in g.objects(shape, SH.targetNode)]
    patterns += [f"?this {p.n3()} [] ." for p in g.objects(shape, SH.targetSubjectsOf)]
    patterns += [f"[] {p.n3()} ?this ." for p in g.objects(shape, SH.targetObjectsOf)]
    return patterns


def _prefixes(g: rdflib.Graph, constraint: rdflib.term.Node) -> str:
    lines = []
    for owner in g.objects(constraint, SH.prefixes):
        for decl in g.objects(owner, SH.declare):
            lines.append(f"PREFIX {g.value(decl, SH.prefix)}: <{g.value(decl, SH.namespace)}>")
    return "\n".join(lines) + "\n"


@dataclass
class Check:
    """One compiled constraint: a SELECT returning ?this (and ?value, maybe ?path) per violation."""

    query: str
    component: str
    path: str | None
    severity: str
    message: str
    shape: str
    arg: str = ""
    name: str = "sparql"
    #: a check standing for several, one per path: each row's ?path says whose violation it is
    by_path: dict[str, "Check"] | None = None
    #: an sh:maxCount on a one-predicate path: its focus nodes' pattern and the count
    max_count: tuple[str, int] | None = None
    #: the same for an sh:minCount 1
    min_count: tuple[str, int] | None = None
    #: a value check on a one-predicate path, its violations wherever the subject: (that query, the
    #: focus nodes' pattern, the predicate) -- see :func:`_values_first`
    anywhere: tuple[str, str, str] | None = None


@dataclass
class Plan:
    """What the fast engine runs: compiled checks, and the shapes left to pySHACL."""

    checks: list[Check]
    fallback: list[rdflib.term.Node]
    shapes: rdflib.Graph


def _value_filter(name: str, arg: rdflib.term.Node, g: rdflib.Graph, param_node: rdflib.term.Node) -> str | None:
    """The FILTER that keeps ?value when it violates a value-type or value-range constraint."""
    v = "?value"
    if name == "class":
        return f"FILTER NOT EXISTS {{ {v} a/{RDFS.subClassOf.n3()}* {arg.n3()} }}"
    if name == "datatype":
        if arg == RDF.langString:
            return f"FILTER (!(isLiteral({v}) && lang({v}) != \"\"))"
        wellformed = f" && COALESCE({arg.n3()}(STR({v})) = {v}, false)" if arg in CASTABLE and arg != XSD.string else ""
        return f"FILTER (!(isLiteral({v}) && datatype({v}) = {arg.n3()}{wellformed}))"
    if name == "nodeKind":
        tests = {SH.IRI: "isIRI({v})", SH.BlankNode: "isBlank({v})", SH.Literal: "isLiteral({v})",
                 SH.BlankNodeOrIRI: "!isLiteral({v})", SH.BlankNodeOrLiteral: "!isIRI({v})",
                 SH.IRIOrLiteral: "!isBlank({v})"}
        return "FILTER (!(" + tests[arg].format(v=v) + "))"
    if name in ("minExclusive", "minInclusive", "maxExclusive", "maxInclusive"):
        op = {"minExclusive": ">", "minInclusive": ">=", "maxExclusive": "<", "maxInclusive": "<="}[name]
        return f"FILTER (!COALESCE({v} {op} {arg.n3()}, false))"
    if name in ("minLength", "maxLength"):
        op = "<" if name == "minLength" else ">"
        return f"FILTER (isBlank({v}) || STRLEN(STR({v})) {op} {int(arg)})"
    if name == "pattern":
        flags = g.value(param_node, SH.flags)
        regex = rdflib.Literal(str(arg)).n3()
        extra = f", {rdflib.Literal(str(flags)).n3()}" if flags is not None else ""
        return f"FILTER (isBlank({v}) || !REGEX(STR({v}), {regex}{extra}))"
    if name == "languageIn":
        langs = " || ".join(f"langMatches(lang({v}), {rdflib.Literal(str(t)).n3()})" for t in Collection(g, arg))
        return f"FILTER (!isLiteral({v}) || !({langs or 'false'}))"
    if name == "in":
        members = " || ".join(_same_term(v, m) for m in Collection(g, arg))
        return f"FILTER (!({members or 'false'}))"
    return None


def _same_term(var: str, node: rdflib.term.Node) -> str:
    """``sameTerm(var, node)``, written out for a plain string: Virtuoso answers false when a stored
    string is compared so with a string constant, though it holds for IRIs and other literals.

    >>> _same_term("?v", rdflib.Literal("reported"))
    '(isLiteral(?v) && STR(?v) = "reported" && DATATYPE(?v) = <http://www.w3.org/2001/XMLSchema#string> && LANG(?v) = "")'
    """
    if isinstance(node, rdflib.Literal) and node.language is None and node.datatype in (None, XSD.string):
        return (f"(isLiteral({var}) && STR({var}) = {rdflib.Literal(str(node)).n3()} "
                f"&& DATATYPE({var}) = <{XSD.string}> && LANG({var}) = \"\")")
    return f"sameTerm({var}, {node.n3()})"


def compile_shapes(g: rdflib.Graph) -> Plan:
    """Turn each constraint of the shapes graph into a SPARQL query (see :class:`Check`)."""
    checks: list[Check] = []
    fallback: list[rdflib.term.Node] = []
    node_shapes = {s for s in g.subjects(RDF.type, SH.NodeShape)}
    node_shapes |= {s for p in (SH.targetClass, SH.targetNode, SH.targetSubjectsOf, SH.targetObjectsOf)
                    for s in g.subjects(p, None)}
    for shape in sorted(node_shapes, key=str):
        if (shape, SH.deactivated, rdflib.Literal(True)) in g:
            continue
        targets = _targets(g, shape)
        if not targets:
            continue
        members = [shape] + list(g.objects(shape, SH.property))
        if any((m, p, None) in g for m in members for p in UNSUPPORTED) or \
                any((p, SH.property, None) in g for p in members[1:]):
            fallback.append(shape)
            continue
        target = targets[0] if len(targets) == 1 else \
            "{ SELECT DISTINCT ?this WHERE { " + " UNION ".join("{ " + t + " }" for t in targets) + " } }"
        for member in members:
            # a shape with sh:path is a property shape, nested under a node shape or targeted itself
            path_node = g.value(member, SH.path)
            if member != shape and path_node is None:
                raise ValidationError(f"property shape {member} has no sh:path")
            path = _sparql_path(g, path_node) if path_node is not None else None
            severity = SEVERITIES.get(g.value(member, SH.severity) or g.value(shape, SH.severity) or SH.Violation,
                                      "Violation")
            message = str(g.value(member, SH.message) or "")
            result_path = str(path_node) if isinstance(path_node, rdflib.URIRef) else None
            checks += _compile_member(g, member, target, path, result_path, severity, message, str(shape))
    return Plan(_merge_min_counts(_merge_max_counts(checks)), fallback, g)


def _by_shape(checks: list[Check], field: str) -> tuple[dict[tuple, list[Check]], list[Check]]:
    """The checks with ``field`` set, grouped by (its focus pattern, its count, their shape); the others."""
    groups: dict[tuple, list[Check]] = {}
    rest = []
    for check in checks:
        key = getattr(check, field)
        if key is not None:
            groups.setdefault((*key, check.shape), []).append(check)
        else:
            rest.append(check)
    return groups, rest


def _merge_max_counts(checks: list[Check]) -> list[Check]:
    """The sh:maxCount checks of one node shape that differ only by their (one-predicate) path, as
    one query that names the path of each violation: every one of them walks the same focus nodes,
    so one walk instead of one per property. A count of 1, alone or not, becomes a join (see below)."""
    groups, rest = _by_shape(checks, "max_count")
    for (target, count, shape), members in groups.items():
        paths = " ".join(f"<{c.path}>" for c in members)
        if count == 1:
            # two different values: a join that streams, where a GROUP BY holds a set of values per
            # focus node and property (at a million events, gigabytes; and twice as slow)
            query = (f"SELECT DISTINCT ?this ?path WHERE {{ {target} VALUES ?path {{ {paths} }} ?this ?path ?value . "
                     f"?this ?path ?other FILTER (!sameTerm(?value, ?other)) }}")
        elif len(members) == 1:
            rest.append(members[0])
            continue
        else:
            query = (f"SELECT ?this ?path WHERE {{ {target} VALUES ?path {{ {paths} }} ?this ?path ?value }} "
                     f"GROUP BY ?this ?path HAVING (COUNT(DISTINCT ?value) > {count})")
        first = members[0]
        rest.append(Check(query, first.component, None, first.severity, first.message, shape, first.arg, "maxCount",
                          by_path={c.path: c for c in members}, max_count=(target, count)))
    return rest


def _merge_min_counts(checks: list[Check]) -> list[Check]:
    """The ``sh:minCount 1`` checks of one node shape on one-predicate paths, as one query naming the
    missing path: one walk of the focus nodes instead of one per property."""
    groups, rest = _by_shape(checks, "min_count")
    for (target, _, shape), members in groups.items():
        if len(members) == 1:
            rest.append(members[0])
            continue
        paths = " ".join(f"<{c.path}>" for c in members)
        first = members[0]
        rest.append(Check(f"SELECT ?this ?path WHERE {{ {target} VALUES ?path {{ {paths} }} "
                          f"FILTER NOT EXISTS {{ ?this ?path ?value }} }}",
                          first.component, None, first.severity, first.message, shape, first.arg, "minCount",
                          by_path={c.path: c for c in members}))
    return rest


@functools.cache
def project_plan() -> Plan:
    """The project's shapes, compiled once: parsing and compiling them costs more than checking a small write."""
    return compile_shapes(shapes_graph())


def _compile_member(g: rdflib.Graph, member, target: str, path: str | None, result_path: str | None,
                    severity: str, message: str, shape: str) -> list[Check]:
    values = f"?this {path} ?value ." if path else "BIND (?this AS ?value)"
    out = []

    def add(name: str, query: str, arg: rdflib.term.Node | None = None) -> None:
        out.append(Check(query, str(COMPONENTS[name]), result_path, severity, message, shape,
                         _name(arg) if arg is not None else "", name))

    if not path:
        # at a node shape the only value is the focus node itself
        for other in g.objects(member, SH.equals):
            add("equals", f"SELECT ?this ?value WHERE {{ {target} ?this {other.n3()} ?value FILTER (!sameTerm(?value, ?this)) }}",
                other)
            add("equals", f"SELECT ?this ?value WHERE {{ {target} FILTER NOT EXISTS {{ ?this {other.n3()} ?this }} "
                          f"BIND (?this AS ?value) }}", other)
        for other in g.objects(member, SH.disjoint):
            add("disjoint", f"SELECT ?this ?value WHERE {{ {target} ?this {other.n3()} ?this BIND (?this AS ?value) }}", other)
    if path:
        count = g.value(member, SH.minCount)
        if count is not None and int(count) > 0:
            if int(count) == 1:
                add("minCount", f"SELECT ?this WHERE {{ {target} FILTER NOT EXISTS {{ ?this {path} ?value }} }}", count)
                if result_path and path == f"<{result_path}>":
                    out[-1].min_count = (target, 1)
            else:
                add("minCount", f"SELECT ?this WHERE {{ {target} OPTIONAL {{ ?this {path} ?value }} }} "
                                f"GROUP BY ?this HAVING (COUNT(DISTINCT ?value) < {int(count)})", count)
        count = g.value(member, SH.maxCount)
        if count is not None:
            add("maxCount", f"SELECT ?this WHERE {{ {target} ?this {path} ?value }} "
                            f"GROUP BY ?this HAVING (COUNT(DISTINCT ?value) > {int(count)})", count)
            if result_path and path == f"<{result_path}>":
                out[-1].max_count = (target, int(count))
        if g.value(member, SH.uniqueLang) == rdflib.Literal(True):
            add("uniqueLang", f"SELECT DISTINCT ?this WHERE {{ {target} ?this {path} ?value . ?this {path} ?other "
                              f"FILTER (!sameTerm(?value, ?other) && lang(?value) != \"\" "
                              f"&& LCASE(lang(?value)) = LCASE(lang(?other))) }}")
        for name, keep in (("equals", None), ("disjoint", "?this {p} ?value"),
                           ("lessThan", "?this {p} ?other FILTER (!COALESCE(?value < ?other, false))"),
                           ("lessThanOrEquals", "?this {p} ?other FILTER (!COALESCE(?value <= ?other, false))")):
            for other in g.objects(member, SH[name]):
                if name == "equals":
                    add(name, f"SELECT ?this ?value WHERE {{ {target} {{ ?this {path} ?value "
                              f"FILTER NOT EXISTS {{ ?this {other.n3()} ?value }} }} UNION {{ ?this {other.n3()} ?value "
                              f"FILTER NOT EXISTS {{ ?this {path} ?value }} }} }}", other)
                else:
                    add(name, f"SELECT ?this ?value WHERE {{ {target} {values} {keep.format(p=other.n3())} }}", other)
    for name in ("class", "datatype", "nodeKind", "minExclusive", "minInclusive", "maxExclusive", "maxInclusive",
                 "minLength", "maxLength", "pattern", "languageIn", "in"):
        for arg in g.objects(member, SH[name]):
            condition = _value_filter(name, arg, g, member)
            add(name, f"SELECT ?this ?value WHERE {{ {target} {values} {condition} }}", arg)
            if result_path and path == f"<{result_path}>":
                out[-1].anywhere = (f"SELECT ?this ?value WHERE {{ {values} {condition} }}", target, path)
    for arg in g.objects(member, SH.hasValue):
        missing = f"FILTER NOT EXISTS {{ ?this {path} ?value FILTER ({_same_term('?value', arg)}) }}" if path \
            else f"FILTER (!{_same_term('?this', arg)})"
        add("hasValue", f"SELECT ?this WHERE {{ {target} {missing} }}", arg)
    for constraint in g.objects(member, SH.sparql):
        if (constraint, SH.deactivated, rdflib.Literal(True)) in g:
            continue
        select = str(g.value(constraint, SH.select))
        text = re.sub(r"\$this\b", "?this", select)
        if path:
            text = text.replace("$PATH", path)
        # the focus nodes go first in the outermost group: the engine then starts from them
        brace = text.index("{")
        query = _prefixes(g, constraint) + text[:brace + 1] + " " + target + " " + text[brace + 1:]
        own = str(g.value(constraint, SH.message) or message)
        out.append(Check(query, str(COMPONENTS["sparql"]), result_path, severity, own, shape))
    return out


# -- running --------------------------------------------------------------------------------------

def _focus_values(focus: Iterable[ox.NamedNode | ox.BlankNode] | None) -> str | None:
    if focus is None:
        return None
    nodes = [f"<{n.value}>" for n in focus if isinstance(n, ox.NamedNode)]
    return "VALUES ?this { " + " ".join(nodes) + " }" if nodes else "VALUES ?this { }"


def _restrict(query: str, values: str | None) -> str:
    if values is None:
        return query
    # after the prefixes, before the target: the first "{" of the query's WHERE clause
    match = re.search(r"WHERE\s*\{", query, re.IGNORECASE)
    brace = match.end() if match else query.index("{") + 1
    return query[:brace] + " " + values + " " + query[brace:]


def _message(check: Check, row: dict, labels: dict[str, str]) -> str:
    def show(term) -> str:
        if isinstance(term, ox.Literal):
            return f'"{term.value}"'
        name = _name(term)
        return labels.get(name, name) if name else ""

    template = check.message or DEFAULT_MESSAGES[check.name]
    text = re.sub(r"\{[$?](\w+)\}", lambda m: show(row.get(m.group(1))), template)
    if "{value}" in text or "{arg}" in text or "{path}" in text:
        text = text.format_map({"value": show(row.get(VALUE)), "arg": check.arg, "path": check.path or ""})
    # every message names its node, so a report line can be read on its own
    return text if "{$this}" in template else f"{show(row[THIS])}: {text}"


#: ``?x a/rdfs:subClassOf* <C>``, as the compiler writes a class membership test.
_MEMBERSHIP = re.compile(r"(\?\w+) a/" + re.escape(RDFS.subClassOf.n3()) + r"\* <([^>]+)>")


def _class_closures(query_func, queries: Iterable[str]) -> dict[str, str]:
    """For each class the queries test membership of, a ``VALUES`` list of it and its sub-classes in the data."""
    classes = sorted({m.group(2) for q in queries for m in _MEMBERSHIP.finditer(q)})
    if not classes:
        return {}
    # one path per class, each ending in the class itself: Virtuoso refuses a transitive path whose
    # ends are both variables ("transitive start not given"), even when VALUES binds one
    paths = " UNION ".join(f"{{ BIND(<{c}> AS ?sup) ?sub {RDFS.subClassOf.n3()}* <{c}> }}" for c in classes)
    rows = query_func(f"SELECT ?sup ?sub WHERE {{ {paths} FILTER (isIRI(?sub)) }}")
    subs: dict[str, set[str]] = {c: {c} for c in classes}
    for row in rows:
        subs[row["sup"].value].add(row["sub"].value)
    return {c: " ".join(f"<{s}>" for s in sorted(members)) for c, members in subs.items()}


def _with_closures(query: str, closures: dict[str, str]) -> str:
    """Class tests as joins on the known sub-classes: the engine then looks each value's types up
    instead of walking ``rdfs:subClassOf*`` once per row."""
    if not closures:
        return query
    counter = iter(range(1_000_000))

    def expand(match: re.Match) -> str:
        var = f"?_class{next(counter)}"
        return f"VALUES {var} {{ {closures[match.group(2)]} }} {match.group(1)} a {var}"

    return _MEMBERSHIP.sub(expand, query)


_POOL: tuple[int, ThreadPoolExecutor] | None = None
_POOL_LOCK = threading.Lock()


def _threads() -> ThreadPoolExecutor:
    """One pool per process, kept: a write validated in milliseconds should not start and stop threads.
    (A forked child gets a pool of its own: its parent's threads do not exist in it.)"""
    global _POOL
    with _POOL_LOCK:
        if _POOL is None or _POOL[0] != os.getpid():
            _POOL = (os.getpid(), ThreadPoolExecutor(max_workers=os.cpu_count() or 1, thread_name_prefix="shacl"))
        return _POOL[1]


#: More violations than this anywhere in the graph, and a value check runs from its focus nodes after
#: all: they are not the few of a conforming load (and a VALUES list of them would be long).
ANYWHERE_CAP = 1000
#: A value check over the whole graph reads its predicate first when the predicate has no more than
#: this many triples per focus node of the shape.
ANYWHERE_RATIO = 3


def _count(query_func, pattern: str, limit: int | None = None) -> int:
    """How many solutions ``pattern`` has (counting no further than ``limit``)."""
    inner = f"SELECT * WHERE {{ {pattern} }}" + (f" LIMIT {limit}" if limit is not None else "")
    return int(query_func(f"SELECT (COUNT(*) AS ?n) WHERE {{ {inner} }}")[0]["n"].value)


@dataclass
class _Whole:
    """What the plans over the whole graph know of the data before the checks run."""

    #: the value checks (their indexes) read from their predicate's triples first
    first: set[int]
    #: predicate → its triples less its subjects (no subject has two values when 0)
    spread: dict[str, int]

    def clean(self, check: Check) -> bool:
        """Whether a maxCount check cannot fail: no subject at all, focus node or not, has that many values."""
        paths = check.by_path or {check.path: check}
        return check.max_count is not None and all(self.spread.get(p, check.max_count[1]) < check.max_count[1]
                                                   for p in paths)


def _whole(query_func, checks: list[Check], closures: dict[str, str]) -> _Whole:
    """Which checks over the whole graph have a cheaper plan from their predicate's triples.

    The usual plan starts at the focus nodes and looks each one's values up: about 3 µs a node in
    pyoxigraph. Read in order from the predicate's index instead, a value with its subject costs a
    few tenths of that. So a value check reads the values that violate, whatever their subject
    (:func:`_values_first`), and a maxCount check is skipped when the predicate has as many subjects
    as triples. It pays when the predicate is not used much beyond the shape's focus nodes
    (rdfs:label has thousands of times more triples than there are actors): each focus pattern and
    each predicate is counted once, a predicate no further than it needs to be.
    """
    def uses(check: Check) -> list[tuple[str, str]]:
        if check.anywhere:
            return [(check.anywhere[1], check.anywhere[2])]
        if check.max_count is not None:
            return [(check.max_count[0], f"<{p}>") for p in (check.by_path or {check.path: check})]
        return []

    pairs = {i: uses(c) for i, c in enumerate(checks)}
    targets = sorted({t for found in pairs.values() for t, _ in found})
    pool = _threads()
    sizes = dict(zip(targets, pool.map(lambda t: _count(query_func, _with_closures(t, closures)), targets)))
    bounds: dict[str, int] = {}
    for target, predicate in (pair for found in pairs.values() for pair in found):
        bounds[predicate] = max(bounds.get(predicate, 0), ANYWHERE_RATIO * sizes[target])
    counted = {p for i, c in enumerate(checks) if c.max_count is not None for _, p in pairs[i]}

    def count(predicate: str) -> tuple[int, int]:
        """The predicate's triples and (for a maxCount's) their subjects, counting no further than its bound."""
        subjects = "(COUNT(DISTINCT ?this) AS ?d)" if predicate in counted else ""
        row = query_func(f"SELECT (COUNT(*) AS ?n) {subjects} WHERE {{ SELECT ?this WHERE {{ ?this {predicate} ?value }} "
                         f"LIMIT {bounds[predicate] + 1} }}")[0]
        return int(row["n"].value), int(row["d"].value) if "d" in row else 0

    used = dict(zip(bounds, pool.map(count, bounds)))

    def cheap(target: str, predicate: str) -> bool:
        return used[predicate][0] <= ANYWHERE_RATIO * sizes[target]

    first = {i for i, c in enumerate(checks) if c.anywhere and cheap(*pairs[i][0])}
    # (a predicate cheap for one of its shapes was counted whole: its bound is the largest)
    screened = {p for i, c in enumerate(checks) if c.max_count is not None for t, p in pairs[i] if cheap(t, p)}
    return _Whole(first, {p[1:-1]: n - d for p, (n, d) in used.items() if p in screened})


def _values_first(query_func, check: Check, closures: dict[str, str]) -> list[dict] | None:
    """The rows of a value check over the whole graph, found from its predicate's triples: the values
    that violate, whatever their subject, then sorted by whether the subject is a focus node. None
    when they are too many to sort that way: the usual plan is then the one to run.
    """
    query, target, _ = check.anywhere
    rows = query_func(_with_closures(f"{query} LIMIT {ANYWHERE_CAP + 1}", closures))
    if len(rows) > ANYWHERE_CAP or any(not isinstance(r[THIS], ox.NamedNode) for r in rows):
        return None  # many, or blank nodes, which a VALUES list cannot name
    if not rows:
        return rows
    subjects = " ".join(sorted({f"<{r[THIS].value}>" for r in rows}))
    kept = {r[THIS].value for r in query_func(_with_closures(
        f"SELECT DISTINCT ?this WHERE {{ VALUES ?this {{ {subjects} }} {target} }}", closures))}
    return [r for r in rows if r[THIS].value in kept]


def run_fast(query_func, plan: Plan, focus: Iterable | None = None) -> list[Result]:
    """Run every compiled check through ``query_func(sparql) -> list of row dicts``."""
    values = _focus_values(focus)
    # joined on the sub-classes, a check over the whole graph runs several times faster; but from a
    # few focus nodes the engine would then start at every instance of the classes: keep the path there
    closures = _class_closures(query_func, (c.query for c in plan.checks)) if values is None else {}

    def run(index: int, check: Check, whole: _Whole) -> list[dict]:
        try:
            if whole.clean(check):
                return []
            if index in whole.first:
                rows = _values_first(query_func, check, closures)
                if rows is not None:
                    return rows
            return query_func(_with_closures(_restrict(check.query, values), closures))
        except Exception as exc:  # a shape the engine cannot run is a broken shape: say which
            raise ValidationError(f"cannot run the check of {check.shape} ({check.component}): {exc}") from exc

    # the engine releases the GIL while it parses, plans and runs, so checks run side by side on
    # every core: from a few focus nodes too, where parsing and planning are most of the work. The
    # checks that have no other plan go first, and keep the cores busy while the data is counted.
    pool = _threads()
    later = {i for i, c in enumerate(plan.checks) if c.anywhere or c.max_count} if values is None else set()
    futures = {i: pool.submit(run, i, c, _Whole(set(), {})) for i, c in enumerate(plan.checks) if i not in later}
    whole = _whole(query_func, plan.checks, closures) if later else _Whole(set(), {})
    futures.update({i: pool.submit(run, i, plan.checks[i], whole) for i in sorted(later)})
    answers = [futures[i].result() for i in range(len(plan.checks))]
    found = [(check.by_path[row["path"].value] if check.by_path else check, row)
             for check, rows in zip(plan.checks, answers) for row in rows if row.get(THIS) is not None]
    named = {row[k].value for _, row in found for k in (THIS, VALUE) if isinstance(row.get(k), ox.NamedNode)}
    labels = {}
    if named:
        rows = query_func("SELECT ?n (SAMPLE(?l) AS ?label) WHERE { VALUES ?n { " + " ".join(f"<{n}>" for n in named)
                          + " } ?n <http://www.w3.org/2000/01/rdf-schema#label> ?l } GROUP BY ?n")
        labels = {r["n"].value: f"{r['label'].value} <{r['n'].value}>" for r in rows if "label" in r}
    results = {}
    for check, row in found:
        path = check.path
        if path is None and isinstance(row.get("path"), ox.NamedNode):
            path = row["path"].value
        result = Result(_name(row[THIS]), path, check.component, check.severity, _message(check, row, labels),
                        _name(row.get(VALUE)), check.shape)
        results.setdefault((result.key, result.value, result.shape, result.message), result)
    return sorted(results.values(), key=lambda r: (r.focus, r.path or "", r.component, r.value or ""))


def run_pyshacl(data: rdflib.Graph, shapes: rdflib.Graph) -> list[Result]:
    """Validate with pySHACL (the reference): results read back from its report graph."""
    import pyshacl

    from ..safety.sandbox import no_network

    with no_network():  # data may say owl:imports or hold SPARQL: pySHACL runs rdflib, which would fetch
        _, report, text = pyshacl.validate(data, shacl_graph=shapes, inference="none", allow_warnings=True,
                                           allow_infos=True, advanced=True, do_owl_imports=False)
    if not isinstance(report, rdflib.Graph):
        raise ValidationError(f"pySHACL could not validate: {text}")
    results = {}
    for node in report.objects(None, SH.result):
        path = report.value(node, SH.resultPath)
        severity = SEVERITIES.get(report.value(node, SH.resultSeverity), "Violation")
        value = report.value(node, SH.value)
        shape = report.value(node, SH.sourceShape)
        result = Result(_name(report.value(node, SH.focusNode)), str(path) if isinstance(path, rdflib.URIRef) else None,
                        str(report.value(node, SH.sourceConstraintComponent)), severity,
                        str(report.value(node, SH.resultMessage) or ""), _name(value) if value is not None else None,
                        _name(shape))
        results.setdefault((result.key, result.value, result.message), result)
    return sorted(results.values(), key=lambda r: (r.focus, r.path or "", r.component, r.value or ""))


def _without_targets(plan: Plan) -> rdflib.Graph:
    """A copy of the shapes graph where only the fallback shapes still have targets."""
    g = rdflib.Graph()
    for triple in plan.shapes:
        g.add(triple)
    keep = set(plan.fallback)
    for shape in set(plan.shapes.subjects()) - keep:
        for p in (SH.targetClass, SH.targetNode, SH.targetSubjectsOf, SH.targetObjectsOf):
            g.remove((shape, p, None))
        if shape not in keep:
            g.remove((shape, RDF.type, RDFS.Class))
    return g


def store_graph(store) -> rdflib.Graph:
    """The store's default graph as an rdflib graph (parsed here, never handed over as a string)."""
    g = rdflib.Graph()
    with _quiet_literals():
        g.parse(data=store.dump(fmt=ox.RdfFormat.N_TRIPLES), format="nt")
    return g


@contextlib.contextmanager
def _quiet_literals():
    """rdflib logs a traceback for each ill-formed literal it parses; the report already names each one
    (sh:datatype), so the traceback is noise on the terminal."""
    logger = logging.getLogger("rdflib.term")
    level = logger.level
    logger.setLevel(logging.CRITICAL)
    try:
        yield
    finally:
        logger.setLevel(level)


def validate(store, *, engine: str = "fast", shapes: rdflib.Graph | None = None, focus=None,
             default_graph: list | None = None) -> Report:
    """Validate ``store``'s default graph against the shapes (the project's unless given).

    ``focus`` limits the check to those nodes (incremental validation of a write);
    ``default_graph`` lets the gate see staged data before it is committed.
    """
    if not store.remote:
        store = store.as_oxigraph()
    if engine == "pyshacl":
        return Report(run_pyshacl(store_graph(store), shapes if shapes is not None else shapes_graph()), "pyshacl")
    if engine != "fast":
        raise ValidationError(f"unknown engine {engine!r}: use fast or pyshacl")
    plan = compile_shapes(shapes) if shapes is not None else project_plan()
    kwargs = {"default_graph": default_graph} if default_graph is not None else {}

    def query(text: str) -> list[dict]:
        result = store.query(text, **kwargs)
        names = [v.value for v in result.variables]
        return [{n: t for n, t in zip(names, row) if t is not None} for row in result]

    results = run_fast(query, plan, focus)
    notes = []
    if plan.fallback:
        names = ", ".join(_name(s) for s in plan.fallback)
        notes.append(f"note: pySHACL checked the shapes the fast engine cannot compile: {names}")
        if default_graph is None:
            text = store.dump(fmt=ox.RdfFormat.N_TRIPLES)
        else:
            text = ox.serialize(store.query("CONSTRUCT WHERE { ?s ?p ?o }", **kwargs), format=ox.RdfFormat.N_TRIPLES)
        data = rdflib.Graph()
        with _quiet_literals():
            data.parse(data=text, format="nt")
        extra = run_pyshacl(data, _without_targets(plan))
        if focus is not None:
            wanted = {_name(n) for n in focus}
            extra = [r for r in extra if r.focus in wanted]
        results = sorted(results + extra, key=lambda r: (r.focus, r.path or "", r.component, r.value or ""))
    return Report(results, "fast", notes)
