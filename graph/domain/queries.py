"""Stored queries: ``.rq`` files with a title, a description and typed parameters (Datasette's
canned queries, for SPARQL). They are data, in ``graph/queries/``; this module reads and runs them.

A header line ``# param: NAME KIND — text`` declares a parameter; its value is bound by a
trailing ``VALUES`` clause, so the same text runs on any SPARQL engine. Kinds: ``actor``
(an IRI, id, label or alias, resolved like the REST filters), ``iri``, ``date``, ``string``.

>>> from conflictkg.graph.store import open_store
>>> q = stored_queries()["strikes-on-country"]
>>> q.title, [p.name for p in q.params]
('Strikes on a country', ['country'])
>>> rows = run_stored(open_store("memory"), "strikes-on-country", {"country": "Pakistan"}).rows
>>> [(r["date"], r["place"]) for r in rows][:1]
[('2024-01-16', 'Koh-e-Sabz')]
"""

from __future__ import annotations

import datetime as dt
import itertools
import re
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources

import pyoxigraph as ox

from .names import label_index
from ..store import QueryResult, Store

_HEADER = re.compile(r"^#\s*(title|description|param):\s*(.*)$")
_PARAM = re.compile(r"^(\w+)\s+(actor|iri|date|string)\s*(?:[—-]+\s*(.*))?$")


class ParameterError(ValueError):
    """A stored query was given a missing, unknown or malformed parameter."""


@dataclass(frozen=True)
class Param:
    name: str
    kind: str
    description: str = ""


@dataclass(frozen=True)
class StoredQuery:
    name: str
    title: str
    description: str
    text: str
    params: tuple[Param, ...] = field(default_factory=tuple)

    def as_json(self) -> dict:
        return {"name": self.name, "title": self.title, "description": self.description,
                "parameters": [{"name": p.name, "kind": p.kind, "description": p.description} for p in self.params],
                "sparql": self.text}


@dataclass
class StoredResult:
    query: StoredQuery
    result: QueryResult
    _rows: list[dict] | None = None

    @property
    def rows(self) -> list[dict]:
        """SELECT rows as plain ``{variable: value string}`` dicts."""
        if self._rows is None:
            names = [v.value for v in self.result.variables]
            self._rows = [{n: row[n].value for n in names if row[n] is not None} for row in self.result]
        return self._rows


def parse_stored(name: str, text: str) -> StoredQuery:
    meta: dict[str, str] = {}
    params = []
    for line in text.splitlines():
        match = _HEADER.match(line.strip())
        if not match:
            continue
        key, value = match.groups()
        if key == "param":
            pm = _PARAM.match(value.strip())
            if not pm:
                raise ValueError(f"{name}.rq: bad param line: {line!r}")
            params.append(Param(pm.group(1), pm.group(2), (pm.group(3) or "").strip()))
        else:
            meta[key] = value.strip()
    if "title" not in meta:
        raise ValueError(f"{name}.rq has no '# title:' line")
    return StoredQuery(name, meta["title"], meta.get("description", ""), text, tuple(params))


@lru_cache(maxsize=1)
def stored_queries() -> dict[str, StoredQuery]:
    """Every stored query, by name (the file name without ``.rq``), in title order."""
    folder = resources.files("conflictkg.graph.domain").joinpath("queries")
    found = [parse_stored(f.name[:-3], f.read_text(encoding="utf-8")) for f in folder.iterdir() if f.name.endswith(".rq")]
    return {q.name: q for q in sorted(found, key=lambda q: q.title)}


def _terms(store: Store, param: Param, value: str) -> list[str]:
    if param.kind == "actor":
        nodes = label_index(store).match(value)
        if not nodes:
            raise ParameterError(f"{param.name}: no actor or place is named {value!r}")
        return [f"<{n}>" for n in sorted(nodes)]
    if param.kind == "iri":
        try:
            return [str(ox.NamedNode(value))]
        except ValueError:
            raise ParameterError(f"{param.name}: {value!r} is not an IRI") from None
    if param.kind == "date":
        try:
            return [f'"{dt.date.fromisoformat(value).isoformat()}"^^<http://www.w3.org/2001/XMLSchema#date>']
        except ValueError:
            raise ParameterError(f"{param.name}: {value!r} is not a date (YYYY-MM-DD)") from None
    return [str(ox.Literal(value))]


def bind(store: Store, query: StoredQuery, args: dict[str, str]) -> str:
    """The query text with its parameters bound by one trailing VALUES clause (a query may end in
    one only): a row for each combination of the values each parameter names."""
    unknown = set(args) - {p.name for p in query.params}
    if unknown:
        raise ParameterError(f"unknown parameter(s) for {query.name}: {', '.join(sorted(unknown))}")
    if not query.params:
        return query.text
    columns = []
    for param in query.params:
        if not args.get(param.name):
            raise ParameterError(f"{query.name} needs the parameter {param.name!r} ({param.description or param.kind})")
        columns.append(_terms(store, param, args[param.name]))
    names = " ".join(f"?{p.name}" for p in query.params)
    rows = " ".join(f"({' '.join(row)})" for row in itertools.product(*columns))
    return query.text + f"\nVALUES ({names}) {{ {rows} }}"


def run_stored(store: Store, name: str, args: dict[str, str] | None = None) -> StoredResult:
    """Run a stored query by name; raise KeyError for an unknown name, ParameterError for bad arguments."""
    query = stored_queries()[name]
    return StoredResult(query, store.query(bind(store, query, args or {})))
