"""Actors: states, state forces, armed groups, persons and organizations, and an actor's profile.

>>> from conflictkg.graph.store import open_store
>>> store = open_store("memory")
>>> [a["label"] for a in actors(store, type="person")][:2]
['Abd Al-Malek Al-Rigi', 'Abdul Rahim Muslim Dost']
>>> profile = actor(store, "Pakistan")
>>> [s["date"] for s in profile["strikes"]["by"]], [s["date"] for s in profile["strikes"]["against"]]
(['2024-01-18'], ['2024-01-16'])
"""

from __future__ import annotations

import weakref
from collections import defaultdict

from .accusations import accusations
from .names import LabelIndex, label_index, one_of
from ..store import Store
from .strikes import FilterError, strikes
from ..vocab import CK, SPARQL_PREFIXES, WD, local_id

#: The ``type=`` values of ``/api/actors`` and the classes they select.
ACTOR_TYPES = {
    "state": CK.State,
    "state_force": CK.StateForce,
    "armed_group": CK.ArmedGroup,
    "person": CK.Person,
    "organization": CK.Organization,
}
_TYPE_NAMES = {iri: name for name, iri in ACTOR_TYPES.items()}

_DETAILS = SPARQL_PREFIXES + """
SELECT ?a ?prop ?value WHERE {
  VALUES ?prop { ck:role ck:memberOf ck:commands ck:designatedBy ck:affiliatedWith ck:predecessorOf ck:operatesIn owl:sameAs }
  ?a ?prop ?value .
  %s
}"""

_LINKS = {CK.memberOf: "member_of", CK.commands: "commands", CK.designatedBy: "designated_by",
          CK.affiliatedWith: "affiliated_with", CK.predecessorOf: "predecessor_of", CK.operatesIn: "operates_in"}


def _describe(store: Store, nodes: list[str]) -> list[dict]:
    index = label_index(store)
    details: dict[str, dict] = defaultdict(lambda: defaultdict(list))
    if nodes:
        values = "VALUES ?a { " + " ".join(f"<{n}>" for n in nodes) + " }"
        for row in store.select(_DETAILS % values):
            details[row["a"].value][row["prop"].value].append(row["value"].value)
    out = []
    for node in nodes:
        kinds = sorted(_TYPE_NAMES[t] for t in index.types.get(node, ()) if t in _TYPE_NAMES)
        found = details.get(node, {})
        item = {**index.describe(node), "type": kinds[0] if kinds else None}
        if found.get(CK.role):
            item["role"] = found[CK.role][0]
        same = [v for v in found.get("http://www.w3.org/2002/07/owl#sameAs", []) if v.startswith(str(WD))]
        if same:
            item["wikidata"] = local_id(same[0].rsplit("/", 1)[-1])
        for prop, key in _LINKS.items():
            if found.get(prop):
                item[key] = [index.describe(v, aliases=False) for v in sorted(found[prop])]
        out.append(item)
    return out


def actors(store: Store, *, type: str | None = None) -> list[dict]:
    """Every actor (or those of one type), sorted by label."""
    return describe_actors(store, actor_nodes(store, type=type))


def actor_nodes(store: Store, *, type: str | None = None) -> list[str]:
    """The IRIs of every actor (or those of one type), sorted by label, then IRI."""
    return list(actor_order(store, type=type)[1])


def actor_order(store: Store, *, type: str | None = None) -> tuple[list[tuple[str, str]], list[str]]:
    """The sort keys (case-folded label, IRI) of every actor (or those of one type), in order, and
    their IRIs: sorted once per store version, so that a page is a binary search, not a sort."""
    if type and type not in ACTOR_TYPES:
        raise FilterError(f"type: {type!r} is not one of {', '.join(ACTOR_TYPES)}")
    index = label_index(store)
    cached = _ORDERS.get(store)
    if cached is None or cached[0] is not index:  # the label index is rebuilt on every write
        cached = (index, {})
        _ORDERS[store] = cached
    if type not in cached[1]:
        wanted = {ACTOR_TYPES[type]} if type else set(ACTOR_TYPES.values())
        keys = sorted((index.labels[n].casefold(), n) for n, kinds in index.types.items() if kinds & wanted)
        cached[1][type] = (keys, [n for _, n in keys])
    return cached[1][type]


# Weak keys, as the label index's: a cache must not keep a store open.
_ORDERS: "weakref.WeakKeyDictionary[Store, tuple[LabelIndex, dict]]" = weakref.WeakKeyDictionary()


#: The ``/api/actors`` objects of the given actor IRIs, in that order.
describe_actors = _describe


def find_actor(store: Store, text: str, name: str = "actor") -> str | None:
    """The one actor ``text`` names (IRI, id, label or alias), or None; :class:`~.names.AmbiguousName`
    when it names several."""
    index = label_index(store)
    found = [n for n in index.match(text) if index.types.get(n, set()) & set(ACTOR_TYPES.values())]
    return one_of(index, text, found, name)


def _as_party(strike: dict, key: str, node: str) -> dict:
    """A strike in an actor's profile, with how the actor's part in it is known (``attribution``,
    ``attributed_by``): a strike only alleged against Israel says so, and who alleges it."""
    entry = next((p for p in strike[key] if p["iri"] == node), None)
    return {**strike, "attribution": entry["attribution"] if entry else "reported",
            "attributed_by": entry["attributed_by"] if entry else []}


def actor(store: Store, text: str) -> dict | None:
    """An actor's profile: who it is, the strikes it made and suffered, the accusations it made and received."""
    node = find_actor(store, text)
    if node is None:
        return None
    against = {s["id"]: s for s in strikes(store, country=node)}
    against.update({s["id"]: s for s in strikes(store, target=node)})
    return {
        "actor": _describe(store, [node])[0],
        "strikes": {
            "by": [_as_party(s, "perpetrators", node) for s in strikes(store, perpetrator=node)],
            "against": [_as_party(s, "targeted_groups", node)
                        for s in sorted(against.values(), key=lambda s: (s["date"], s["id"]))],
        },
        "accusations": {
            "made": accusations(store, accuser=node),
            "received": accusations(store, accused=node),
        },
    }
