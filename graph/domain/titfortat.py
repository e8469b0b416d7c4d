"""Tit-for-tat: the chain of actions between two actors, with who answered whom and how hard.

An actor's side is the actor and everything that is a member of it (the IRGC and its Quds
Force, a foreign ministry, a minister, act for their state). An event is in the chain when
both sides take part in it (as perpetrator, accuser, actor, country struck, accused, targeted
group or counterpart); a step whose actor is only alleged or claimed says so in ``attribution``,
and one whose target is only alleged (a group said to be linked to it) in ``target_attribution``. Each link to an earlier event says how it is known:

- ``stated``: a ``ck:respondsTo`` the article reports;
- ``inferred``: no stated link, but the event goes one way (A against B) and the other side's
  latest action the other way (B against A) came at most ``window`` days before — the
  documented rule "same dyad, opposite direction, within N days".

>>> from conflictkg.graph.store import open_store
>>> steps = chain(open_store("memory"), "Iran", "Pakistan")
>>> strike = next(s for s in steps if s["id"] == "2024-01-18-pakistan-strikes-sistan-baluchestan")
>>> strike["actor"]["label"], strike["target"]["label"], strike["escalation"], strike["responds_to"][0]["how"]
('Pakistan', 'Iran', -10.0, 'stated')
"""

from __future__ import annotations

import datetime as dt

from .actors import find_actor
from .escalation import event_scores
from .names import label_index
from ..store import Store
from .strikes import FilterError
from .timeline import timeline
from ..vocab import SPARQL_PREFIXES

_MEMBERS = SPARQL_PREFIXES + "SELECT ?m WHERE { ?m ck:memberOf+ <%s> }"


def side(store: Store, actor: str) -> set[str]:
    """The actor and everything that is a member of it, transitively."""
    return {actor} | {row["m"].value for row in store.select(_MEMBERS % actor)}


def _date(text: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        return None  # a year alone: kept in the chain, never used to infer a link


def chain(store: Store, a: str, b: str, *, window: int = 7) -> list[dict]:
    """The dated events between ``a`` and ``b`` (IRIs, ids, labels or aliases) in date order."""
    nodes = []
    for name in (a, b):
        node = find_actor(store, name)
        if node is None:
            raise LookupError(f"no actor is named {name!r}")
        nodes.append(node)
    if nodes[0] == nodes[1]:
        raise FilterError("tit-for-tat needs two different actors")
    sides = [side(store, n) for n in nodes]
    index = label_index(store)
    scores = event_scores(store)
    steps: list[dict] = []
    events = timeline(store)
    for event in events:
        by = {p["iri"] for p in event["by"]}
        # the country struck counts as the side acted against, as the article frames a strike on a state's soil
        against = {p["iri"] for p in event["against"]} | ({event["country"]["iri"]} if event["country"] else set())
        involved = by | against
        if not (involved & sides[0] and involved & sides[1]):
            continue
        if by & sides[0] and against & sides[1]:
            actor, target, direction = 0, 1, "a->b"
        elif by & sides[1] and against & sides[0]:
            actor, target, direction = 1, 0, "b->a"
        else:
            actor, target, direction = 0, 1, "mutual"
        code, score = scores.get(event["iri"], (None, None))
        acting = [p for p in event["by"] if p["iri"] in sides[actor]]
        # the side acted against: through a targeted group (maybe only alleged), else plainly
        struck = [p for p in event["against"] if p["iri"] in sides[target]]
        if event["country"] and event["country"]["iri"] in sides[target]:
            struck.append({**event["country"], "attribution": "reported", "attributed_by": []})
        steps.append({
            "id": event["id"], "date": event["date"], "kind": event["kind"], "label": event["label"],
            "status": event["status"], "status_by": event["status_by"], "date_basis": event["date_basis"],
            "attribution": _attribution(acting), "target_attribution": _attribution(struck),
            "actor": index.describe(nodes[actor], aliases=False), "target": index.describe(nodes[target], aliases=False),
            "direction": direction, "cameo": code, "escalation": score,
            "responds_to": [{"id": other, "how": "stated"} for other in event["responds_to"]],
        })
    _order_within_days(steps, {e["id"]: e for e in events})
    _infer(steps, window)
    return steps


def _attribution(acting: list[dict]) -> dict:
    """How the actor's side is known to have acted: reported, or what its claims say and who says it."""
    if not acting or any(p["attribution"] == "reported" for p in acting):
        return {"status": "reported", "by": []}
    first = acting[0]
    return {"status": first["attribution"], "by": first["attributed_by"]}


def _order_within_days(steps: list[dict], events: dict[str, dict]) -> None:
    """Within one day, an answer comes after what it answers (stated or surmised links alike)."""
    depth: dict[str, int] = {}

    def depth_of(event_id: str, seen: frozenset = frozenset()) -> int:
        if event_id not in depth:
            event = events.get(event_id, {})
            links = event.get("responds_to", []) + [c["id"] for c in event.get("responds_to_claims", [])]
            depth[event_id] = 1 + max((depth_of(o, seen | {event_id}) for o in links if o not in seen), default=-1)
        return depth[event_id]

    steps.sort(key=lambda step: (step["date"], depth_of(step["id"]), step["id"]))


def _infer(steps: list[dict], window: int) -> None:
    """Add the inferred links of the rule above (in place)."""
    last: dict[str, dict] = {}  # direction -> the latest step going that way
    for step in steps:
        day = _date(step["date"])
        if step["direction"] != "mutual" and not step["responds_to"] and day is not None:
            other = last.get("b->a" if step["direction"] == "a->b" else "a->b")
            other_day = _date(other["date"]) if other else None
            if other_day is not None and 0 <= (day - other_day).days <= window:
                step["responds_to"].append({"id": other["id"], "how": "inferred"})
        if step["direction"] != "mutual":
            last[step["direction"]] = step
