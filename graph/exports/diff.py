"""What changed between two graphs: triples added and removed, grouped by subject with labels.

Quads without blank nodes are compared as sets of N-Quads lines. Quads with blank nodes are
grouped into connected pieces (quads sharing a blank node), and each piece is compared by its
own RDFC-1.0 canonical form: canonicalising the whole graph at once would relabel every blank
node whenever one is added, and report unchanged lists (``owl:unionOf``) as removed and added.

>>> from conflictkg.graph.store import open_store
>>> a, b = open_store("memory"), open_store("memory")
>>> b.update('PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#> '
...          'INSERT DATA { <https://w3id.org/conflictkg/id/actor/iran> rdfs:comment "A state."@en }')
>>> change = diff(a, b)
>>> len(change.added), len(change.removed)
(1, 0)
>>> print(change.text())
Iran <https://w3id.org/conflictkg/id/actor/iran>
  + rdfs:comment "A state."@en
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass

import pyoxigraph as ox

from ..domain.names import label_index
from ..store import Store
from ..vocab import PREFIXES


@dataclass
class Diff:
    added: list[ox.Quad]
    removed: list[ox.Quad]
    labels: dict[str, str]

    @property
    def equal(self) -> bool:
        return not self.added and not self.removed

    def text(self) -> str:
        """Readable: each changed subject with its label, then ``+``/``-`` lines with short names."""
        by_subject: dict[str, list[tuple[str, ox.Quad]]] = defaultdict(list)
        for sign, quads in (("-", self.removed), ("+", self.added)):
            for quad in quads:
                by_subject[str(quad.subject)].append((sign, quad))
        out = []
        for subject in sorted(by_subject):
            value = subject.strip("<>")
            label = self.labels.get(value)
            out.append(f"{label} {subject}" if label else subject)
            for sign, quad in by_subject[subject]:
                graph = "" if isinstance(quad.graph_name, ox.DefaultGraph) else f"  (graph {quad.graph_name})"
                out.append(f"  {sign} {_short(quad.predicate)} {_short(quad.object)}{graph}")
        return "\n".join(out)

    def patch(self) -> str:
        """An RDF Patch (https://afs.github.io/rdf-patch/): deletions then additions in one transaction."""
        lines = ["TX ."]
        lines += [f"D {_patch_quad(q)} ." for q in self.removed]
        lines += [f"A {_patch_quad(q)} ." for q in self.added]
        lines.append("TC .")
        return "\n".join(lines) + "\n"


def _short(term) -> str:
    if isinstance(term, ox.NamedNode):
        for prefix, namespace in PREFIXES.items():
            if term.value.startswith(namespace) and "/" not in term.value[len(namespace):]:
                return f"{prefix}:{term.value[len(namespace):]}"
    return str(term)


def _patch_quad(quad: ox.Quad) -> str:
    parts = [str(quad.subject), str(quad.predicate), str(quad.object)]
    if not isinstance(quad.graph_name, ox.DefaultGraph):
        parts.append(str(quad.graph_name))
    return " ".join(parts)


def _parse(lines) -> list[ox.Quad]:
    return list(ox.parse(b"".join(sorted(lines)), format=ox.RdfFormat.N_QUADS)) if lines else []


def _blank_nodes(term) -> list[ox.BlankNode]:
    if isinstance(term, ox.BlankNode):
        return [term]
    if isinstance(term, ox.Triple):
        return [b for part in (term.subject, term.predicate, term.object) for b in _blank_nodes(part)]
    return []


def _pieces(quads: list[ox.Quad]) -> Counter:
    """The quads grouped by shared blank nodes, each group as its sorted canonical N-Quads."""
    parent: dict[ox.BlankNode, ox.BlankNode] = {}

    def root(node: ox.BlankNode) -> ox.BlankNode:
        while parent.setdefault(node, node) != node:
            parent[node] = parent[parent[node]]
            node = parent[node]
        return node

    blanks_of = []
    for quad in quads:
        blanks = [b for term in (quad.subject, quad.object, quad.graph_name) for b in _blank_nodes(term)]
        blanks_of.append(blanks)
        for other in blanks[1:]:
            parent[root(other)] = root(blanks[0])
    groups: dict[ox.BlankNode, list[ox.Quad]] = defaultdict(list)
    for quad, blanks in zip(quads, blanks_of):
        groups[root(blanks[0])].append(quad)
    pieces: Counter = Counter()
    for group in groups.values():
        dataset = ox.Dataset(group)
        dataset.canonicalize(ox.CanonicalizationAlgorithm.RDFC_1_0)
        pieces[tuple(sorted(ox.serialize(dataset, format=ox.RdfFormat.N_QUADS).splitlines(keepends=True)))] += 1
    return pieces


def _has_blank(quad: ox.Quad) -> bool:
    return any(_blank_nodes(term) for term in (quad.subject, quad.object, quad.graph_name))


def _split(store: Store) -> tuple[set[bytes], Counter]:
    """The store's lines without blank nodes, and its blank-node pieces in canonical form."""
    plain, quads = set(), []
    for line in store.dump(fmt=ox.RdfFormat.N_QUADS).splitlines(keepends=True):
        # "_:" is found at C speed; the few lines holding it are parsed, since a literal may hold it too
        quad = next(iter(ox.parse(line, format=ox.RdfFormat.N_QUADS))) if b"_:" in line else None
        if quad is not None and _has_blank(quad):
            quads.append(quad)
        else:
            plain.add(line)
    return plain, _pieces(quads)


def _relabelled(pieces: Counter) -> list[ox.Quad]:
    """The quads of the pieces, each piece's canonical labels made distinct from the other pieces'."""
    quads = []
    for number, piece in enumerate(sorted(pieces.elements())):
        rename = {}

        def term(value):
            if isinstance(value, ox.BlankNode):
                return rename.setdefault(value, ox.BlankNode(f"p{number}{value.value}"))
            if isinstance(value, ox.Triple):
                return ox.Triple(term(value.subject), value.predicate, term(value.object))
            return value

        quads += [ox.Quad(term(q.subject), q.predicate, term(q.object), term(q.graph_name)) for q in _parse(piece)]
    return quads


def diff(a: Store, b: Store) -> Diff:
    """What ``b`` adds to ``a`` and what it removes from it."""
    (left, left_pieces), (right, right_pieces) = _split(a), _split(b)
    labels = {**label_index(a).labels, **label_index(b).labels}
    added = _parse(right - left) + _relabelled(right_pieces - left_pieces)
    removed = _parse(left - right) + _relabelled(left_pieces - right_pieces)
    return Diff(added=added, removed=removed, labels=labels)
