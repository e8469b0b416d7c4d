"""Finding actors and places by what a person types: an IRI, an id, a label or an alias.

Matching is case-insensitive and folds confusable letters first, so ``Pakіstan`` (with a
Cyrillic і) finds Pakistan, as the article's own disguised spellings would.

>>> from conflictkg.graph.store import open_store
>>> index = label_index(open_store("memory"))
>>> sorted(index.match("Pakіstan"))
['https://w3id.org/conflictkg/id/actor/pakistan']
>>> index.describe("https://w3id.org/conflictkg/id/actor/irgc")["label"]
'Islamic Revolutionary Guard Corps'
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
import weakref

from .source import fold_confusables
from ..store import Store
from ..vocab import ID, SPARQL_PREFIXES, local_id

_LABELS = SPARQL_PREFIXES + """
SELECT ?node ?label ?alias ?type WHERE {
  { ?node a ?type . VALUES ?type { ck:State ck:StateForce ck:ArmedGroup ck:Person ck:Organization ck:Place ck:Weapon } }
  ?node rdfs:label ?label .
  OPTIONAL { ?node skos:altLabel ?alias }
}"""


def normalize_name(text: str) -> str:
    """The form names are compared in: confusables folded, case folded, spaces collapsed.

    >>> normalize_name("  Israеl ") == normalize_name("ISRAEL")
    True
    """
    return " ".join(fold_confusables(text).casefold().split())


@dataclass
class LabelIndex:
    """Labels, aliases and types of every named node, and a reverse index of their names."""

    labels: dict[str, str] = field(default_factory=dict)
    aliases: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    types: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    by_name: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))

    def match(self, text: str) -> set[str]:
        """Every node whose IRI, id, label or alias is ``text`` (normalized)."""
        text = text.strip()
        if text in self.labels:
            return {text}
        return set(self.by_name.get(normalize_name(text), ()))

    def describe(self, node: str, *, aliases: bool = True) -> dict:
        """The ``{"id", "label", "aliases"}`` object the REST API shows for a node."""
        out = {"id": local_id(node), "iri": node, "label": self.labels.get(node, local_id(node))}
        if aliases:
            out["aliases"] = sorted(self.aliases.get(node, ()))
        return out


def _build(store: Store) -> LabelIndex:
    index = LabelIndex()
    for row in store.select(_LABELS):
        node = row["node"].value
        index.labels[node] = row["label"].value
        index.types[node].add(row["type"].value)
        alias = row.get("alias")
        if alias is not None and alias.value not in index.aliases[node]:
            index.aliases[node].append(alias.value)
    for node, label in index.labels.items():
        names = {label, *index.aliases.get(node, ())}
        if node.startswith(ID):
            names.add(local_id(node))
        for name in names:
            index.by_name[normalize_name(name)].add(node)
    return index


# Weak keys: a cache must not keep a store open (an on-disk store holds a lock while it lives).
_INDEXES: "weakref.WeakKeyDictionary[Store, tuple[int, LabelIndex]]" = weakref.WeakKeyDictionary()


def label_index(store: Store) -> LabelIndex:
    """The store's label index, rebuilt only when the store has been written to."""
    cached = _INDEXES.get(store)
    if cached is None or cached[0] != store.generation:
        cached = (store.generation, _build(store))
        _INDEXES[store] = cached
    return cached[1]


class FilterError(ValueError):
    """A filter value that cannot be used: a malformed date, a name that names nothing, …"""


class AmbiguousName(FilterError):
    """A name that must pick one node and names several: ``candidates`` lists them (id, iri, label)."""

    def __init__(self, name: str, text: str, candidates: list[dict], what: str = "actors") -> None:
        self.candidates = candidates
        listed = "; ".join(f"{c['label']} <{c['iri']}>" for c in candidates)
        super().__init__(f"{name}: {text!r} names {len(candidates)} {what}: {listed}. "
                         f"Give the IRI of the one you mean.")


def one_of(index: LabelIndex, text: str, nodes, name: str, what: str = "actors") -> str | None:
    """The one node of ``nodes`` (those ``text`` matched), None when there is none.

    Raises :class:`AmbiguousName` when there are several: answering for one of them, or saying
    that nothing is named so, would both be wrong.
    """
    nodes = sorted(nodes)
    if len(nodes) > 1:
        raise AmbiguousName(name, text, [index.describe(n, aliases=False) for n in nodes], what)
    return nodes[0] if nodes else None


def resolve(store: Store, text: str | None, name: str = "filter") -> set[str] | None:
    """The nodes a filter value names; None when there is no filter.

    A name that matches nothing is an error, not an empty answer: a typo must not read as
    "no such strikes".

    >>> from conflictkg.graph.store import open_store
    >>> resolve(open_store("memory"), "Narnia", "country")
    Traceback (most recent call last):
    ...
    conflictkg.graph.domain.names.FilterError: country: nothing in the graph is named 'Narnia'
    """
    if text is None or text == "":
        return None
    nodes = label_index(store).match(text)
    if not nodes:
        raise FilterError(f"{name}: nothing in the graph is named {text!r}")
    return nodes


def values_clause(var: str, nodes: set[str]) -> str:
    """A SPARQL ``VALUES`` block binding ``?var`` to the given IRIs (never empty: no match, no row)."""
    if not nodes:
        return f"VALUES ?{var} {{ }}"
    return f"VALUES ?{var} {{ " + " ".join(f"<{n}>" for n in sorted(nodes)) + " }"
