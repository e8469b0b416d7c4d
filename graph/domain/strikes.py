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

from .evidence import evidence_for, evidence_rows
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


def strike_pattern(store: Store, *, perpetrator: str | None = None, country: str | None = None,
                   target: str | None = None, date_from: str | None = None, date_to: str | None = None) -> str:
    """The SPARQL pattern binding ``?e`` (and ``?date``) to the attacks the filters select."""
    lines = ["?e a/rdfs:subClassOf* ck:Attack ; ck:date ?date ."]
    perps = resolve(store, perpetrator, "perpetrator")
    if perps is not None:
        lines += ["?e ck:perpetrator ?f_perp .", values_clause("f_perp", perps)]
    countries = resolve(store, country, "country")
    if countries is not None:
        lines += ["?e ck:country ?f_country .", values_clause("f_country", countries)]
    targets = resolve(store, target, "target")
    if targets is not None:
        lines += ["{ ?e ck:target ?f_target } UNION { ?e ck:targetedGroup ?f_target } UNION { ?e ck:location ?f_target }",
                  values_clause("f_target", targets)]
    start, end = parse_date(date_from, "from"), parse_date(date_to, "to")
    if start:
        lines.append(f'FILTER(?date >= "{start}"^^xsd:date)')
    if end:
        lines.append(f'FILTER(?date <= "{end}"^^xsd:date)')
    return "{ SELECT DISTINCT ?e ?date WHERE { " + "\n".join(lines) + " } }"


_SCALARS = SPARQL_PREFIXES + """
SELECT ?e ?date ?label ?status ?basis ?target ?country ?fatalities ?fq WHERE {
  %s
  ?e rdfs:label ?label .
  OPTIONAL { ?e ck:status ?status }
  OPTIONAL { ?e ck:dateBasis ?basis }
  OPTIONAL { ?e ck:target ?target }
  OPTIONAL { ?e ck:country ?country }
  OPTIONAL { ?e ck:fatalities ?fatalities }
  OPTIONAL { ?e ck:fatalitiesQualifier ?fq }
} ORDER BY ?date ?e"""

_TYPES = SPARQL_PREFIXES + """
SELECT ?e ?type WHERE { %s ?e a ?type . FILTER(STRSTARTS(STR(?type), STR(ck:))) }"""

# Each attributed actor with the claim that carries its status and claimants.
_ATTRIBUTED = SPARQL_PREFIXES + """
SELECT ?e ?actor ?claim ?status ?claimant WHERE {
  %s
  ?e <%s> ?actor .
  OPTIONAL {
    ?claim ck:claimAbout ?e ; ck:claimProperty <%s> ; ck:claimValue ?actor ; ck:status ?status .
    OPTIONAL { ?claim ck:claimant ?claimant }
  }
}"""

_WEAPONS = SPARQL_PREFIXES + """
SELECT ?e ?weapon WHERE { %s ?e ck:instrument ?weapon . }"""


def attributed(store: Store, pattern: str, prop: str) -> dict[str, list[dict]]:
    """For each event, the actors it is linked to by ``prop``, each with status and claimants."""
    index = label_index(store)
    found: dict[str, dict[str, dict]] = defaultdict(dict)
    rows = store.select(_ATTRIBUTED % (pattern, prop, prop))
    evidence = evidence_for(store, (row["claim"].value for row in rows if "claim" in row))
    for row in rows:
        event, actor = row["e"].value, row["actor"].value
        entry = found[event].setdefault(actor, {**index.describe(actor), "attribution": "reported",
                                                "attributed_by": [], "evidence": []})
        if "status" in row:
            entry["attribution"] = row["status"].value
            entry["evidence"] = evidence.get(row["claim"].value, [])
        if "claimant" in row:
            who = index.describe(row["claimant"].value, aliases=False)
            if who not in entry["attributed_by"]:
                entry["attributed_by"].append(who)
    return {event: sorted(actors.values(), key=lambda a: a["id"]) for event, actors in found.items()}


def strikes(store: Store, *, perpetrator: str | None = None, country: str | None = None, target: str | None = None,
            date_from: str | None = None, date_to: str | None = None) -> list[dict]:
    """Attacks in date order, as the design contract's ``/api/strikes`` objects."""
    pattern = strike_pattern(store, perpetrator=perpetrator, country=country, target=target,
                             date_from=date_from, date_to=date_to)
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
