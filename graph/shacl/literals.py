"""Ill-typed literals: ``"2024-13-45"^^xsd:date`` and the like, found inside the engine.

pyoxigraph stores a literal of a datatype it knows (booleans, numbers, dates and times, durations,
the Gregorian ``g*`` types) as a value when its lexical form is valid, and as an opaque typed
string when it is not. Casting such a literal to its own datatype (``xsd:date(?o)``) is then an
error, and ``isNumeric`` is false for a number that is not one; one pass over the data, in SPARQL,
finds them all, whatever property holds them (the shapes check the datatypes of some properties
only). The derived integer types (``xsd:byte``, ``xsd:nonNegativeInteger``…) are stored as
``xsd:integer`` when they read as integers: their lexical form is checked, not their range.

>>> from conflictkg.graph.store import open_store
>>> store = open_store("memory", seed=False)
>>> store.update('INSERT DATA { <urn:e> <urn:date> "2024-13-45"^^<http://www.w3.org/2001/XMLSchema#date>, '
...              '"2024-01-16"^^<http://www.w3.org/2001/XMLSchema#date> }')
>>> [(r.focus, r.value) for r in ill_typed(store)]
[('urn:e', '"2024-13-45"^^<http://www.w3.org/2001/XMLSchema#date>')]
"""

from __future__ import annotations

import threading

import pyoxigraph as ox

from ..store import Store
from .report import Result

XSD = "http://www.w3.org/2001/XMLSchema#"
#: What a shape's sh:datatype reports, an ill-formed literal included (SHACL 4.1.1).
DATATYPE = "http://www.w3.org/ns/shacl#DatatypeConstraintComponent"
#: The project's own component for an ill-typed literal that no shape's sh:datatype reported: SHACL
#: would let it pass, so naming it sh:DatatypeConstraintComponent would claim a result no SHACL
#: engine gives; the graph refuses it all the same.
COMPONENT = "https://w3id.org/conflictkg/ontology#IllTypedLiteralComponent"
NUMERIC = ("integer", "decimal", "float", "double", "nonPositiveInteger", "negativeInteger", "long", "int",
           "short", "byte", "nonNegativeInteger", "unsignedLong", "unsignedInt", "unsignedShort", "unsignedByte",
           "positiveInteger")
#: Datatype → the cast to it, which fails on an ill-typed literal of that datatype.
CASTS = {name: name for name in ("boolean", "date", "dateTime", "time", "duration", "dayTimeDuration",
                                 "yearMonthDuration", "gYear", "gYearMonth", "gMonth", "gMonthDay", "gDay")}
CASTS["dateTimeStamp"] = "dateTime"


def _well_typed() -> str:
    """A SPARQL expression true for a literal ``?o`` of a known datatype ``?dt`` that is well typed."""
    numeric = ", ".join(f"<{XSD}{n}>" for n in NUMERIC)
    test = "true"
    for name, cast in CASTS.items():
        test = f"IF(?dt = <{XSD}{name}>, datatype(<{XSD}{cast}>(?o)) = <{XSD}{cast}>, {test})"
    return f"COALESCE(IF(?dt IN ({numeric}), isNumeric(?o), {test}), false)"


def query(graph: str | None = None, focus: list | None = None) -> str:
    """The SELECT of the ill-typed literals (of one named graph, or of ``focus`` subjects only)."""
    known = ", ".join(f"<{XSD}{n}>" for n in (*NUMERIC, *CASTS))
    values = ("VALUES ?s { " + " ".join(f"<{n.value}>" for n in focus if isinstance(n, ox.NamedNode)) + " } ") \
        if focus is not None else ""
    pattern = f"GRAPH <{graph}> {{ ?s ?p ?o }}" if graph else "?s ?p ?o"
    # valid numbers, plain strings and language-tagged strings, most of any graph, are let go first
    return (f"SELECT ?s ?p ?o WHERE {{ {values}{pattern} FILTER(isLiteral(?o) && !isNumeric(?o) && lang(?o) = \"\") "
            f"BIND(datatype(?o) AS ?dt) FILTER(?dt != <{XSD}string> && ?dt IN ({known}) && !{_well_typed()}) }}")


def ill_typed(store: Store, *, graph: str | None = None, focus: list | None = None,
              default_graph: list | None = None, reading: threading.Event | None = None) -> list[Result]:
    """The ill-typed literals of ``store`` (its default graph, or ``graph``), as report results.

    ``reading`` is set once the query reads its snapshot of the store: from then on another thread
    may write to the store, and what it writes is not looked at.
    """
    kwargs = {"default_graph": default_graph} if default_graph is not None else {}
    store = store if store.remote else store.as_oxigraph()
    results = []
    solutions = store.query(query(graph, focus), **kwargs)
    if reading is not None:
        reading.set()
    for s, p, o in solutions:
        name = o.datatype.value.rsplit("#", 1)[-1]
        focus_name = s.value if isinstance(s, ox.NamedNode) else f"_:{s.value}"
        results.append(Result(focus_name, p.value, COMPONENT, "Violation",
                              f'{focus_name}: "{o.value}" is not a valid xsd:{name} (ill-typed literal)', str(o)))
    return sorted(results, key=lambda r: (r.focus, r.path or "", r.value or ""))


def add_ill_typed(results: list[Result], found: list[Result]) -> list[Result]:
    """``results`` with ``found`` added, except where a shape's sh:datatype already reported the same value."""
    seen = {(r.focus, r.path, r.value) for r in results if r.component == DATATYPE}
    extra = [r for r in found if (r.focus, r.path, r.value) not in seen]
    return sorted(results + extra, key=lambda r: (r.focus, r.path or "", r.component, r.value or ""))
