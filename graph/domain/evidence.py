"""Evidence: the exact quotes of a source that ground an event or a claim.

>>> from conflictkg.graph.store import open_store
>>> store = open_store("memory")
>>> ev = evidence_for(store, ["https://w3id.org/conflictkg/id/event/2023-12-15-rask-police-attack"])
>>> quote = ev["https://w3id.org/conflictkg/id/event/2023-12-15-rask-police-attack"][0]
>>> quote["quote"][:31], quote["end"] - quote["start"] == len(quote["quote"])
('In one of its attacks, the grou', True)
"""

from __future__ import annotations

from collections import defaultdict
from typing import Iterable

from ..store import Store
from ..vocab import SPARQL_PREFIXES

_EVIDENCE = SPARQL_PREFIXES + """
SELECT ?{var} ?quote ?start ?end ?source WHERE {{
  {pattern}
  ?{var} ck:evidence ?ev .
  ?ev ck:quote ?quote ; ck:start ?start ; ck:end ?end ; ck:source ?source .
}} ORDER BY ?{var} ?start"""


def evidence_rows(store: Store, pattern: str, var: str = "node") -> dict[str, list[dict]]:
    """Evidence of every ``?var`` the SPARQL ``pattern`` binds, in source order."""
    out: dict[str, list[dict]] = defaultdict(list)
    for row in store.select(_EVIDENCE.format(pattern=pattern, var=var)):
        out[row[var].value].append({
            "quote": row["quote"].value,
            "start": int(row["start"].value),
            "end": int(row["end"].value),
            "source": row["source"].value,
        })
    return out


def evidence_for(store: Store, nodes: Iterable[str]) -> dict[str, list[dict]]:
    """Evidence of the given nodes."""
    nodes = sorted(set(nodes))
    if not nodes:
        return {}
    return evidence_rows(store, "VALUES ?node { " + " ".join(f"<{n}>" for n in nodes) + " }")
