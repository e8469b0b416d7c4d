"""What changed between two graphs: triples added and removed, grouped by subject with labels.

Both sides are compared as canonical N-Quads (see :mod:`.snapshot`), so blank nodes that
differ only in name are the same.

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

from collections import defaultdict
from dataclasses import dataclass

import pyoxigraph as ox

from ..domain.names import label_index
from .snapshot import canonical_lines
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


def diff(a: Store, b: Store) -> Diff:
    """What ``b`` adds to ``a`` and what it removes from it."""
    left, right = set(canonical_lines(a)), set(canonical_lines(b))
    labels = {**label_index(a).labels, **label_index(b).labels}
    return Diff(added=_parse(right - left), removed=_parse(left - right), labels=labels)
