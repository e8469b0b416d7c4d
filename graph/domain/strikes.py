"""Who struck where: attacks with their perpetrators (and who attributes them), targets,
countries, targeted groups, weapons, fatalities and evidence — the ``/api/strikes`` answer.

>>> from conflictkg.graph.store import open_store
>>> store = open_store("memory")
>>> [s["date"] for s in strikes(store, country="Pakistan")]
['2024-01-16']
>>> [p["label"] for p in strikes(store, country="Pakistan")[0]["perpetrators"]]
['Iran', 'Islamic Revolutionary Guard Corps']
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from .attribution import attributed
from .evidence import evidence_rows
from .names import FilterError, label_index, resolve, values_clause
from ..store import Store
from ..vocab import CK, SPARQL_PREFIXES, local_id


def parse_date(value: str | None, name: str) -> str | None:
    """Check a ``YYYY-MM-DD`` filter value.

    >>> parse_date("2024-01-16", "from")
    '2024-01-16'
    >>> parse_date("16/01/2024", "from")
    Traceback (most recent call last):
    ...
    conflictkg.graph.domain.names.FilterError: from: '16/01/2024' is not a date (YYYY-MM-DD)
    """
    if value in (None, ""):
        return None
    try:
        return dt.date.fromisoformat(value).isoformat()
    except ValueError:
        raise FilterError(f"{name}: {value!r} is not a date (YYYY-MM-DD)") from None


_SUBCLASSES = SPARQL_PREFIXES + "SELECT DISTINCT ?c WHERE { ?c rdfs:subClassOf* <%s> }"


def kinds_clause(store: Store, var: str, cls: str) -> str:
    """``?var a ?type`` for ``cls`` and its sub-classes, listed: the same answer as ``?var a/rdfs:subClassOf* <cls>``,
    which Virtuoso gets wrong once it is joined with other patterns (docs/stores.md)."""
    classes = {row["c"].value for row in store.select(_SUBCLASSES % cls)} | {cls}
    return f"?{var} a ?{var}_kind . VALUES ?{var}_kind {{ " + " ".join(f"<{c}>" for c in sorted(classes)) + " }"


def strike_type(store: Store, text: str | None) -> str | None:
    """The attack class a ``type`` filter names (``DroneStrike``), matched as recorded: the type
    facet counts each strike under the classes it is stated to have, and the filter selects the same.

    >>> from conflictkg.graph.store import open_store
    >>> strike_type(open_store("memory"), "Drone")
    Traceback (most recent call last):
    ...
    conflictkg.graph.domain.names.FilterError: type: 'Drone' is not one of AirStrike, ArmedAssault, Attack, ..., TargetedKilling
    """
    if text in (None, ""):
        return None
    classes = {local_id(row["c"].value.rsplit("#", 1)[-1]): row["c"].value
               for row in store.select(_SUBCLASSES % CK.Attack)} | {"Attack": str(CK.Attack)}
    found = next((iri for name, iri in classes.items() if name.casefold() == text.casefold()), None)
    if found is None:
        raise FilterError(f"type: {text!r} is not one of {', '.join(sorted(classes))}")
    return found


def strike_pattern(store: Store, *, perpetrator: str | None = None, country: str | None = None,
                   target: str | None = None, date_from: str | None = None, date_to: str | None = None,
                   type: str | None = None, dates: list[str] | None = None) -> str:
    """The SPARQL pattern binding ``?e`` (and ``?date``) to the attacks the filters select; with
    ``dates`` (SPARQL literals), only those dated so, found through the index (see paging)."""
    lines = ["?e ck:date ?date .", kinds_clause(store, "e", CK.Attack)]
    kind = strike_type(store, type)
    if kind is not None:
        lines.append(f"?e a <{kind}> .")
    if dates is not None:  # first: the engine looks each date up, then only those events
        lines.insert(0, "VALUES ?date { " + " ".join(dates) + " }")
    perps = resolve(store, perpetrator, "perpetrator")
    if perps is not None:  # however attributed: the answer says how
        lines += ["{ ?e ck:perpetrator ?f_perp } UNION { [] ck:claimAbout ?e ; ck:claimProperty ck:perpetrator ; ck:claimValue ?f_perp }",
                  values_clause("f_perp", perps)]
    countries = resolve(store, country, "country")
    if countries is not None:
        lines += ["?e ck:country ?f_country .", values_clause("f_country", countries)]
    targets = resolve(store, target, "target")
    if targets is not None:
        lines += ["{ ?e ck:target|ck:targetedGroup|ck:location ?f_target } UNION "
                  "{ [] ck:claimAbout ?e ; ck:claimProperty ck:targetedGroup ; ck:claimValue ?f_target }",
                  values_clause("f_target", targets)]
    start, end = parse_date(date_from, "from"), parse_date(date_to, "to")
    if start:
        lines.append(f'FILTER(?date >= "{start}"^^xsd:date)')
    if end:
        lines.append(f'FILTER(?date <= "{end}"^^xsd:date)')
    return "{ SELECT DISTINCT ?e ?date WHERE { " + "\n".join(lines) + " } }"


_SCALARS = SPARQL_PREFIXES + """
SELECT ?e ?date ?label ?status ?basis ?target ?location ?country ?fatalities ?fq WHERE {
  %s
  ?e rdfs:label ?label .
  OPTIONAL { ?e ck:status ?status }
  OPTIONAL { ?e ck:dateBasis ?basis }
  OPTIONAL { ?e ck:target ?target }
  OPTIONAL { ?e ck:location ?location }
  OPTIONAL { ?e ck:country ?country }
  OPTIONAL { ?e ck:fatalities ?fatalities }
  OPTIONAL { ?e ck:fatalitiesQualifier ?fq }
} ORDER BY ?date ?e"""

_TYPES = SPARQL_PREFIXES + """
SELECT ?e ?type WHERE { %s ?e a ?type . FILTER(STRSTARTS(STR(?type), STR(ck:))) }"""

_WEAPONS = SPARQL_PREFIXES + """
SELECT ?e ?weapon WHERE { %s ?e ck:instrument ?weapon . }"""


def strikes(store: Store, *, perpetrator: str | None = None, country: str | None = None, target: str | None = None,
            date_from: str | None = None, date_to: str | None = None, type: str | None = None) -> list[dict]:
    """Attacks in date order, as the design contract's ``/api/strikes`` objects."""
    return describe_strikes(store, strike_pattern(store, perpetrator=perpetrator, country=country, target=target,
                                                  date_from=date_from, date_to=date_to, type=type))


def describe_strikes(store: Store, pattern: str) -> list[dict]:
    """The ``/api/strikes`` objects of the attacks ``pattern`` binds to ``?e`` and ``?date``, in date order."""
    index = label_index(store)
    perpetrators = attributed(store, pattern, CK.perpetrator)
    groups = attributed(store, pattern, CK.targetedGroup)
    weapons: dict[str, list[str]] = defaultdict(list)
    for row in store.select(_WEAPONS % pattern):
        weapons[row["e"].value].append(index.labels.get(row["weapon"].value, local_id(row["weapon"].value)))
    types: dict[str, list[str]] = defaultdict(list)
    for row in store.select(_TYPES % pattern):
        types[row["e"].value].append(local_id(row["type"].value.rsplit("#", 1)[-1]))
    evidence = evidence_rows(store, pattern, "e")
    from ..sources.provenance import event_provenance   # every source of an event, and what each disputes

    event_sources, disputed = event_provenance(store, types)
    out = []
    for row in store.select(_SCALARS % pattern):
        event = row["e"].value
        country_iri = row["country"].value if "country" in row else None
        out.append({
            "id": local_id(event),
            "iri": event,
            "label": row["label"].value,
            "types": sorted(types.get(event, [])),
            "date": row["date"].value,
            "date_basis": row["basis"].value if "basis" in row else "stated",
            "perpetrators": perpetrators.get(event, []),
            "target": index.describe(row["target"].value) if "target" in row else None,
            "location": index.describe(row["location"].value, aliases=False) if "location" in row else None,
            "country": index.describe(country_iri, aliases=False) if country_iri else None,
            "targeted_groups": groups.get(event, []),
            "weapons": sorted(weapons.get(event, [])),
            "fatalities": int(row["fatalities"].value) if "fatalities" in row else None,
            "fatalities_qualifier": row["fq"].value if "fq" in row else None,
            "status": row["status"].value if "status" in row else "reported",
            "evidence": evidence.get(event, []),
            "sources": event_sources.get(event, []),
            "disputed": disputed.get(event, []),
        })
    return out
