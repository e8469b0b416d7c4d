"""The ontology (ontology/conflictkg.ttl) and JSON-LD context: well-formed, documented, and covering the data.

The seed graph is checked against the ontology: every ck: class and property it uses is
declared, and every ck: triple respects the property's declared domain and range.
"""

from __future__ import annotations

import doctest
import json
import re
from pathlib import Path

import pyoxigraph as ox
import pytest
import rdflib
from rdflib.collection import Collection
from rdflib.compare import isomorphic
from rdflib.namespace import OWL as ROWL
from rdflib.namespace import RDF as RRDF
from rdflib.namespace import RDFS as RRDFS

from conflictkg.graph.ontology import (
    ONTOLOGY_IRI,
    cameo_codes,
    declared_terms,
    jsonld_context,
    ontology_graph,
    ontology_ntriples,
    ontology_turtle,
)
from conflictkg.graph.domain.source import ARTICLE_IRI
from conflictkg.graph.store import open_store
from conflictkg.graph.vocab import CK, DCT, GEO, OWL, PROV, RDF, RDFS, SEM, SKOS, XSD

CKNS = rdflib.Namespace(str(CK))
DCTERMS = rdflib.Namespace(str(DCT))
CAMEO = CKNS.cameoCode

#: The issue's CAMEO table: the specification, not something the code computes.
EXPECTED_CAMEO = {
    "Event": "0", "Attack": "190", "MissileStrike": "195", "DroneStrike": "195", "AirStrike": "195",
    "Bombing": "183", "SuicideBombing": "1831", "ArmedAssault": "193", "TargetedKilling": "186",
    "SpeechAct": "010", "Accusation": "112", "Condemnation": "111", "Denial": "016", "Threat": "138",
    "ResponsibilityClaim": "015", "ConciliatoryStatement": "030", "DiplomaticAction": "040",
    "AmbassadorRecall": "161", "EntryRefusal": "161", "MeetingCancellation": "164", "Summons": "110",
    "DeEscalation": "087", "MediationOffer": "039", "Visit": "042", "PhoneCall": "041", "Meeting": "044",
    "Coercion": "170", "Arrest": "173", "Execution": "175",
}
#: The event tree of the design contract: direct super class of each event class.
EXPECTED_PARENT = {
    **{c: "Attack" for c in ("MissileStrike", "DroneStrike", "AirStrike", "Bombing", "ArmedAssault", "TargetedKilling")},
    "SuicideBombing": "Bombing",
    **{c: "SpeechAct" for c in ("Accusation", "Condemnation", "Denial", "Threat", "ResponsibilityClaim",
                                "ConciliatoryStatement")},
    **{c: "DiplomaticAction" for c in ("AmbassadorRecall", "EntryRefusal", "MeetingCancellation", "Summons",
                                       "DeEscalation", "MediationOffer", "Visit", "PhoneCall", "Meeting")},
    "Arrest": "Coercion", "Execution": "Coercion",
    **{c: "Event" for c in ("Attack", "SpeechAct", "DiplomaticAction", "Coercion")},
    **{c: "Actor" for c in ("State", "StateForce", "ArmedGroup", "Person", "Organization")},
}
CLASSES = set(EXPECTED_CAMEO) | set(EXPECTED_PARENT) | {"Actor", "Place", "Weapon", "Claim", "Evidence", "Source"}
OBJECT_PROPERTIES = {
    "perpetrator", "target", "targetedGroup", "location", "country", "instrument", "victim", "accuser", "accused",
    "about", "actor", "counterpart", "participant", "respondsTo", "memberOf", "commands", "operatesIn",
    "designatedBy", "affiliatedWith", "predecessorOf", "within", "evidence", "source", "claimAbout",
    "claimProperty", "claimValue", "claimant",
}
DATATYPE_PROPERTIES = {
    "date", "dateBasis", "dateNote", "status", "fatalities", "fatalitiesQualifier", "injuredNote", "allegation",
    "role", "quote", "start", "end", "sha256", "normalizedSha256", "foldedCharacters",
}
#: Vocabularies other than ck: the data may use (today: rdf:type, rdfs:label, rdfs:comment,
#: skos:altLabel, owl:sameAs, geo:hasGeometry, geo:asWKT, geo:Geometry, dcterms:title, dcterms:issued).
FOREIGN_NAMESPACES = tuple(str(ns) for ns in (RDF, RDFS, SKOS, OWL, GEO, DCT))


@pytest.fixture(scope="module")
def onto() -> rdflib.Graph:
    return rdflib.Graph().parse(data=ontology_turtle(), format="turtle")


def seed_data() -> set[ox.Triple]:
    """The triples of the seed store (``open_store("memory")``) that are data, not the ontology."""
    # The store loads the ontology too (its blank nodes renamed), and the data never describes an
    # ontology term, nor uses blank nodes: what is about another named subject is data.
    ontology_subjects = {t.subject for t in ontology_graph()}
    return {quad.triple for quad in open_store("memory").quads()
            if isinstance(quad.subject, ox.NamedNode) and quad.subject not in ontology_subjects}


@pytest.fixture(scope="module")
def seed() -> rdflib.Graph:
    return rdflib.Graph().parse(data=ox.serialize(seed_data(), format=ox.RdfFormat.N_TRIPLES), format="nt")


def ck_terms(onto: rdflib.Graph, *types: rdflib.URIRef) -> set[str]:
    return {str(s) for t in types for s in onto.subjects(RRDF.type, t)
            if isinstance(s, rdflib.URIRef) and str(s).startswith(str(CK))}


def local(names: set[str]) -> set[str]:
    return {CK[n] for n in names}


# -- (1) it parses, the same with both libraries ----------------------------------------------

def test_rdflib_and_pyoxigraph_read_the_same_graph(onto):
    via_oxigraph = rdflib.Graph().parse(data=ontology_ntriples(), format="nt")
    assert len(via_oxigraph) == len(onto) == len(ontology_graph())
    assert isomorphic(via_oxigraph, onto)


def test_the_ontology_loads_into_a_store():
    store = open_store("memory", seed=False)
    store.load(ontology_ntriples(), ox.RdfFormat.N_TRIPLES)
    assert store.ask(f"ASK {{ <{CK.SuicideBombing}> <{RDFS.subClassOf}>+ <{CK.Event}> }}")


def test_the_seed_store_holds_the_ontology_beside_the_data():
    store = open_store("memory")
    rows = store.select(f"SELECT ?code WHERE {{ ?e a ?c . ?c <{RDFS.subClassOf}>+ <{CK.Attack}> ; <{CK.cameoCode}> ?code }}")
    assert {row["code"].value for row in rows} >= {"195", "183"}


def test_header(onto):
    header = rdflib.URIRef(ONTOLOGY_IRI)
    assert (header, RRDF.type, ROWL.Ontology) in onto
    assert onto.value(header, DCTERMS.title) == rdflib.Literal("conflictkg ontology", lang="en")
    assert onto.value(header, DCTERMS.source) == rdflib.URIRef(ARTICLE_IRI)
    assert onto.value(header, DCTERMS.license) == rdflib.URIRef("https://creativecommons.org/licenses/by/4.0/")
    version = str(onto.value(header, ROWL.versionInfo))
    assert re.fullmatch(r"\d+\.\d+\.\d+", version)
    assert onto.value(header, ROWL.versionIRI) == rdflib.URIRef(f"{ONTOLOGY_IRI}/{version}")


# -- (2) every term documented; the design contract's terms all there -------------------------

def test_the_design_contract_terms_are_declared(onto):
    assert local(CLASSES) <= ck_terms(onto, ROWL.Class)
    assert local(OBJECT_PROPERTIES) <= ck_terms(onto, ROWL.ObjectProperty)
    assert local(DATATYPE_PROPERTIES) <= ck_terms(onto, ROWL.DatatypeProperty)
    assert CK.cameoCode in ck_terms(onto, ROWL.AnnotationProperty)


def test_declared_terms_is_every_ck_class_and_property(onto):
    expected = ck_terms(onto, ROWL.Class, ROWL.ObjectProperty, ROWL.DatatypeProperty, ROWL.AnnotationProperty)
    assert declared_terms() == expected
    assert local(CLASSES | OBJECT_PROPERTIES | DATATYPE_PROPERTIES) <= declared_terms()
    assert str(SEM.Event) in declared_terms("") - declared_terms()


def test_every_term_has_an_english_label_and_comment(onto):
    undocumented = [
        term for term in sorted(declared_terms())
        for prop in (RRDFS.label, RRDFS.comment)
        if not any(o.language == "en" and str(o).strip() for o in onto.objects(rdflib.URIRef(term), prop))
    ]
    assert undocumented == []


def test_every_property_has_a_domain_and_a_range(onto):
    properties = ck_terms(onto, ROWL.ObjectProperty, ROWL.DatatypeProperty, ROWL.AnnotationProperty)
    missing = [(p, what) for p in sorted(properties) for what in (RRDFS.domain, RRDFS.range)
               if onto.value(rdflib.URIRef(p), what) is None]
    assert missing == []


def test_the_class_tree(onto):
    for child, parent in EXPECTED_PARENT.items():
        assert (CKNS[child], RRDFS.subClassOf, CKNS[parent]) in onto, child


def test_every_event_class_has_its_cameo_code(onto):
    event_classes = {str(c) for c in onto.transitive_subjects(RRDFS.subClassOf, CKNS.Event)}
    assert event_classes == local(set(EXPECTED_CAMEO))
    assert cameo_codes() == {CK[name]: code for name, code in EXPECTED_CAMEO.items()}
    for name, code in EXPECTED_CAMEO.items():
        assert len(list(onto.objects(CKNS[name], CAMEO))) == 1, name
        if name != "Event":
            # The comment names the CAMEO category too ("CAMEO 195: employ aerial weapons").
            assert f"CAMEO {code}: " in str(onto.value(CKNS[name], RRDFS.comment)), name


@pytest.mark.parametrize("sub, rel, sup", [
    (CK.Event, RDFS.subClassOf, SEM.Event), (CK.Event, RDFS.subClassOf, PROV.Activity),
    (CK.Actor, RDFS.subClassOf, SEM.Actor), (CK.Actor, RDFS.subClassOf, PROV.Agent),
    (CK.Place, RDFS.subClassOf, SEM.Place), (CK.Place, RDFS.subClassOf, GEO.Feature),
    (CK.Claim, RDFS.subClassOf, PROV.Entity), (CK.Evidence, RDFS.subClassOf, PROV.Entity),
    (CK.Source, RDFS.subClassOf, PROV.Entity),
    (CK.perpetrator, RDFS.subPropertyOf, SEM.hasActor), (CK.location, RDFS.subPropertyOf, SEM.hasPlace),
    (CK.date, RDFS.subPropertyOf, SEM.hasTimeStamp), (CK.source, RDFS.subPropertyOf, PROV.wasQuotedFrom),
    (CK.claimant, RDFS.subPropertyOf, PROV.wasAttributedTo), (CK.within, RDFS.subPropertyOf, GEO.sfWithin),
    (CK.accuser, RDFS.subPropertyOf, CK.actor), (CK.accused, RDFS.subPropertyOf, CK.counterpart),
])
def test_alignment(onto, sub, rel, sup):
    assert (rdflib.URIRef(sub), rdflib.URIRef(rel), rdflib.URIRef(sup)) in onto


# -- (3) the seed graph uses only declared terms, within their domains and ranges -------------

def test_every_ck_term_of_the_seed_graph_is_declared(seed):
    used = {str(p) for p in seed.predicates()} | {str(c) for c in seed.objects(None, RRDF.type)}
    used |= {str(p) for p in seed.objects(None, CKNS.claimProperty)}
    ck_used = {t for t in used if t.startswith(str(CK))}
    assert ck_used, "the seed graph uses no ck: term?"
    assert sorted(ck_used - declared_terms()) == []
    assert sorted(t for t in used - ck_used if not t.startswith(FOREIGN_NAMESPACES)) == []
    assert {RDFS.label, SKOS.altLabel, OWL.sameAs, GEO.asWKT} <= used


def _members(onto: rdflib.Graph, cls: rdflib.term.Node) -> set[rdflib.term.Node]:
    """A class or datatype and, for a union, its members."""
    union = onto.value(cls, ROWL.unionOf)
    return {cls} if union is None else set(Collection(onto, union))


def test_the_seed_graph_respects_domains_and_ranges(onto, seed):
    both = onto + seed
    # OWL's property kinds are rdf:Property (the range of ck:claimProperty).
    both.add((ROWL.ObjectProperty, RRDFS.subClassOf, RRDF.Property))
    both.add((ROWL.DatatypeProperty, RRDFS.subClassOf, RRDF.Property))

    def types(node: rdflib.term.Node) -> set[rdflib.term.Node]:
        return {sup for t in both.objects(node, RRDF.type) for sup in both.transitive_objects(t, RRDFS.subClassOf)}

    def datatype(literal: rdflib.Literal) -> rdflib.URIRef:
        return rdflib.URIRef(str(RDF.langString)) if literal.language else literal.datatype or rdflib.XSD.string

    wrong = []
    for s, p, o in seed:
        if not str(p).startswith(str(CK)):
            continue
        domain, range_ = onto.value(p, RRDFS.domain), onto.value(p, RRDFS.range)
        if not types(s) & _members(onto, domain):
            wrong.append(("domain", s, p, domain))
        got = {datatype(o)} if isinstance(o, rdflib.Literal) else types(o)
        if not got & _members(onto, range_):
            wrong.append(("range", o, p, range_))
    assert wrong == []


# -- context.jsonld ---------------------------------------------------------------------------

SMALL_DOCUMENT = {
    "@graph": [
        {"id": "https://w3id.org/conflictkg/id/event/e1", "type": "MissileStrike", "label": "Strike on Koh-e-Sabz",
         "date": "2024-01-16", "dateBasis": "stated", "status": "reported", "fatalities": 2,
         "perpetrator": "https://w3id.org/conflictkg/id/actor/iran", "target": "https://w3id.org/conflictkg/id/place/p",
         "evidence": {"id": "https://w3id.org/conflictkg/id/evidence/q1", "type": "Evidence", "quote": "struck",
                      "start": 10, "end": "16", "source": "https://w3id.org/conflictkg/id/source/s"}},
        {"id": "https://w3id.org/conflictkg/id/actor/iran", "type": ["State", "Place"], "label": "Iran",
         "aliases": ["Islamic Republic of Iran"], "sameAs": "wd:Q794",
         "hasGeometry": {"id": "https://w3id.org/conflictkg/id/place/iran-geometry", "type": "geo:Geometry",
                         "asWKT": "POINT(53 32)"}},
        {"id": "https://w3id.org/conflictkg/id/claim/c1", "type": "Claim", "status": "claimed",
         "claimAbout": "https://w3id.org/conflictkg/id/event/e1", "claimProperty": "perpetrator",
         "claimValue": "https://w3id.org/conflictkg/id/actor/iran", "claimant": "https://w3id.org/conflictkg/id/actor/iran"},
    ]
}
SMALL_DOCUMENT_TURTLE = """
@prefix ck: <https://w3id.org/conflictkg/ontology#> .
@prefix id: <https://w3id.org/conflictkg/id/> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix owl: <http://www.w3.org/2002/07/owl#> .
@prefix geo: <http://www.opengis.net/ont/geosparql#> .
<https://w3id.org/conflictkg/id/event/e1> a ck:MissileStrike ; rdfs:label "Strike on Koh-e-Sabz"@en ;
    ck:date "2024-01-16"^^xsd:date ; ck:dateBasis "stated" ; ck:status "reported" ; ck:fatalities 2 ;
    ck:perpetrator <https://w3id.org/conflictkg/id/actor/iran> ; ck:target <https://w3id.org/conflictkg/id/place/p> ;
    ck:evidence <https://w3id.org/conflictkg/id/evidence/q1> .
<https://w3id.org/conflictkg/id/evidence/q1> a ck:Evidence ; ck:quote "struck" ; ck:start 10 ; ck:end 16 ;
    ck:source <https://w3id.org/conflictkg/id/source/s> .
<https://w3id.org/conflictkg/id/actor/iran> a ck:State , ck:Place ; rdfs:label "Iran"@en ;
    skos:altLabel "Islamic Republic of Iran"@en ; owl:sameAs <http://www.wikidata.org/entity/Q794> ;
    geo:hasGeometry <https://w3id.org/conflictkg/id/place/iran-geometry> .
<https://w3id.org/conflictkg/id/place/iran-geometry> a geo:Geometry ; geo:asWKT "POINT(53 32)"^^geo:wktLiteral .
<https://w3id.org/conflictkg/id/claim/c1> a ck:Claim ; ck:status "claimed" ;
    ck:claimAbout <https://w3id.org/conflictkg/id/event/e1> ; ck:claimProperty ck:perpetrator ;
    ck:claimValue <https://w3id.org/conflictkg/id/actor/iran> ; ck:claimant <https://w3id.org/conflictkg/id/actor/iran> .
"""


def _with_context(document: dict) -> str:
    return json.dumps({"@context": jsonld_context()["@context"], **document})


def _pyoxigraph_jsonld(text: str) -> set[ox.Triple]:
    return {quad.triple for quad in ox.parse(text.encode(), format=ox.RdfFormat.JSON_LD)}


def _rdflib_jsonld(text: str) -> set[ox.Triple]:
    nt = rdflib.Graph().parse(data=text, format="json-ld").serialize(format="nt")
    return {quad.triple for quad in ox.parse(nt.encode(), format=ox.RdfFormat.N_TRIPLES)}


#: rdflib's own JSON-LD parser builds a ConjunctiveGraph internally (deprecated in rdflib 7.x).
rdflib_jsonld_warning = pytest.mark.filterwarnings("ignore:ConjunctiveGraph is deprecated:DeprecationWarning")


@rdflib_jsonld_warning
def test_a_document_using_the_context_reads_the_same_with_both_parsers():
    text = _with_context(SMALL_DOCUMENT)
    expected = {quad.triple for quad in ox.parse(SMALL_DOCUMENT_TURTLE.encode(), format=ox.RdfFormat.TURTLE)}
    assert _pyoxigraph_jsonld(text) == expected
    assert _rdflib_jsonld(text) == expected


@rdflib_jsonld_warning
def test_the_seed_graph_round_trips_through_the_context(seed):
    compacted = seed.serialize(format="json-ld", context=jsonld_context()["@context"], auto_compact=True)
    assert '"perpetrator": "https://w3id.org/conflictkg/id/actor/' in compacted  # the context's terms were used
    expected = seed_data()
    assert _pyoxigraph_jsonld(compacted) == expected
    assert _rdflib_jsonld(compacted) == expected


def test_the_context_matches_the_ontology(onto):
    context = jsonld_context()["@context"]
    assert context["@version"] == 1.1 and context["@vocab"] == str(CK)
    terms = {name: (spec if isinstance(spec, dict) else {"@id": spec}) for name, spec in context.items()
             if not name.startswith("@")}
    expanded = {name: spec["@id"].replace("ck:", str(CK), 1) for name, spec in terms.items()}
    ck_terms_in_context = {name: iri for name, iri in expanded.items() if iri.startswith(str(CK)) and name != "ck"}
    assert sorted(set(ck_terms_in_context.values()) - declared_terms()) == []
    for prop in ck_terms(onto, ROWL.ObjectProperty, ROWL.DatatypeProperty):
        name = prop.removeprefix(str(CK))
        assert ck_terms_in_context.get(name) == prop, f"no context term for {name}"
        range_ = onto.value(rdflib.URIRef(prop), RRDFS.range)
        if prop in ck_terms(onto, ROWL.ObjectProperty):
            assert terms[name].get("@type") in ("@id", "@vocab"), name
        elif range_ == rdflib.URIRef(str(RDF.langString)):
            assert terms[name].get("@language") == "en", name
        elif range_ == rdflib.XSD.integer:
            assert terms[name].get("@type") == "xsd:integer", name
    assert terms["date"]["@type"] == "xsd:date"
    assert terms["label"] == {"@id": "rdfs:label", "@language": "en"}
    assert terms["aliases"]["@container"] == "@set"
    for prefix, ns in {"ck": CK, "rdfs": RDFS, "skos": SKOS, "owl": OWL, "geo": GEO, "prov": PROV,
                       "dcterms": DCT, "sem": SEM, "xsd": XSD}.items():
        assert context[prefix] == str(ns)
    assert context["wd"] == "http://www.wikidata.org/entity/"


def test_the_readme_python_examples_run():
    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
    section = readme.split("## The ontology", 1)[1].split("\n## ", 1)[0]
    blocks = re.findall(r"```pycon\n(.*?)```", section, re.S)
    assert blocks
    for block in blocks:
        test = doctest.DocTestParser().get_doctest(block, {}, "README ontology", "README.md", 0)
        runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS)
        runner.run(test)
        assert runner.summarize(verbose=False).failed == 0
