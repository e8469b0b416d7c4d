"""Who did what, and who says so: the parties of events with the status of each attribution.

An actor is linked to an event either by a plain triple (the source reports it as fact) or only
by a ``ck:Claim`` (alleged, claimed, denied, speculated, or external: from outside the source).
Every view that names a perpetrator or a targeted group reads both, and shows each with its
``attribution`` (the claim's status) and ``attributed_by`` (its claimants).

>>> from conflictkg.graph.store import open_store
>>> store = open_store("memory")
>>> pattern = "{ SELECT ?e WHERE { VALUES ?e { <https://w3id.org/conflictkg/id/event/2024-01-03-kerman-bombings> } } }"
>>> [as_text(p) for p in attributed(store, pattern, CK.perpetrator)[
...     "https://w3id.org/conflictkg/id/event/2024-01-03-kerman-bombings"]]
['Islamic State (claimed by Islamic State)', 'Israel (alleged by Iran)']
"""

from __future__ import annotations

from collections import defaultdict

from .evidence import evidence_for
from .names import label_index
from ..store import Store
from ..vocab import CK, SPARQL_PREFIXES

# Each actor linked by the property: asserted (reported), or only attributed by a claim, with
# the claim that carries its status and claimants.
_ATTRIBUTED = SPARQL_PREFIXES + """
SELECT ?e ?actor ?claim ?status ?claimant WHERE {
  %s
  { ?e <%s> ?actor } UNION { [] ck:claimAbout ?e ; ck:claimProperty <%s> ; ck:claimValue ?actor }
  OPTIONAL {
    ?claim ck:claimAbout ?e ; ck:claimProperty <%s> ; ck:claimValue ?actor ; ck:status ?status .
    OPTIONAL { ?claim ck:claimant ?claimant }
  }
}"""


#: Claim statuses from the surest to the least sure.
_SURE = ["reported", "claimed", "alleged", "speculated", "denied", "external"]


def attributed(store: Store, pattern: str, prop: str) -> dict[str, list[dict]]:
    """For each event, the actors it is linked to by ``prop``, each with status and claimants.

    Several claims (several sources) may attribute the same actor: the surest status is shown,
    with its evidence; an asserted link no claim qualifies is ``reported``."""
    index = label_index(store)
    rows = store.select(_ATTRIBUTED % (pattern, prop, prop, prop))
    evidence = evidence_for(store, (row["claim"].value for row in rows if "claim" in row))
    found: dict[str, dict[str, dict]] = defaultdict(dict)
    claims: dict[tuple[str, str], dict[str, str]] = defaultdict(dict)  # (event, actor) -> status -> claim
    for row in rows:
        event, actor = row["e"].value, row["actor"].value
        entry = found[event].setdefault(actor, {**index.describe(actor), "attribution": "reported",
                                                "attributed_by": [], "evidence": []})
        if "status" in row:
            claims[event, actor].setdefault(row["status"].value, row["claim"].value)
        if "claimant" in row:
            who = index.describe(row["claimant"].value, aliases=False)
            if who not in entry["attributed_by"]:
                entry["attributed_by"].append(who)
    for (event, actor), by_status in claims.items():
        surest = min(by_status, key=_SURE.index)
        found[event][actor].update(attribution=surest, evidence=evidence.get(by_status[surest], []))
    return {event: sorted(actors.values(), key=lambda a: a["id"]) for event, actors in found.items()}


def how_known(status: str, by: list[dict]) -> str:
    """A status in words, with who says so: ``alleged by Iran``, ``reported``.

    >>> how_known("alleged", [{"label": "Iran"}]), how_known("external", [])
    ('alleged by Iran', 'external: not in the source')
    """
    if status == "external":
        return "external: not in the source"
    who = " and ".join(b["label"] for b in by)
    return f"{status} by {who}" if who and status != "reported" else status


def as_text(entry: dict) -> str:
    """An attributed actor in words, as tables and notes show it: ``Israel (alleged by Iran)``.

    >>> as_text({"label": "Iran", "attribution": "reported", "attributed_by": []})
    'Iran'
    >>> as_text({"label": "Israel", "attribution": "alleged", "attributed_by": [{"label": "Iran"}]})
    'Israel (alleged by Iran)'
    """
    status = entry.get("attribution", "reported")
    if status == "reported":
        return entry["label"]
    return f"{entry['label']} ({how_known(status, entry.get('attributed_by', []))})"


def is_reported(entry: dict) -> bool:
    """Whether an attributed actor (or an edge of the networks) is what the source reports as fact."""
    return entry.get("attribution", "reported") == "reported"
