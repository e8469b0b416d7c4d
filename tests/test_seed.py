"""The seed graph: every fact grounded in the article, and hand-checked answers from reading it."""

import copy

import pytest

from conflictkg.graph.domain.accusations import accusations
from conflictkg.graph.domain.seed import SeedError, build_graph, load_seed_data
from conflictkg.graph.domain.source import article, mixed_script
from conflictkg.graph.store import open_store
from conflictkg.graph.domain.strikes import strikes
from conflictkg.graph.vocab import SPARQL_PREFIXES


def test_every_quote_is_the_normalized_text_at_its_offsets(store):
    text = article().text
    rows = store.select(SPARQL_PREFIXES + "SELECT ?q ?s ?e WHERE { ?ev a ck:Evidence ; ck:quote ?q ; ck:start ?s ; ck:end ?e }")
    assert len(rows) > 80
    for row in rows:
        start, end = int(row["s"].value), int(row["e"].value)
        assert text[start:end] == row["q"].value


def test_every_event_and_every_non_external_claim_has_evidence(store):
    missing = store.select(SPARQL_PREFIXES + """
        SELECT ?x WHERE {
          { ?x ck:status ?s . FILTER NOT EXISTS { ?x a ck:Claim } }
          UNION { ?x a ck:Claim ; ck:status ?s . FILTER(?s != "external") }
          FILTER NOT EXISTS { ?x ck:evidence ?ev }
        }""")
    assert missing == []
    external = store.select(SPARQL_PREFIXES + """
        SELECT ?x WHERE { ?x a ck:Claim ; ck:status "external" . FILTER NOT EXISTS { ?x rdfs:comment ?note } }""")
    assert external == []


def test_no_literal_mixes_scripts(store):
    rows = store.select(SPARQL_PREFIXES + "SELECT ?l WHERE { ?x ?p ?l FILTER (isLiteral(?l)) }")
    assert len(rows) > 900 and not [r["l"].value for r in rows if mixed_script(r["l"].value)]


def test_who_struck_where_as_read_in_the_article(store):
    got = {(s["date"], p["id"], p["attribution"], s["country"] and s["country"]["id"])
           for s in strikes(store) for p in s["perpetrators"]}
    assert got == {
        ("2020-01-03", "united-states", "external", None),          # Soleimani: neither who nor where is in the article
        ("2023-12-15", "jaish-al-adl", "reported", "iran"),         # Rask police headquarters
        ("2023-12-25", "israel", "alleged", "syria"),               # Reza Mousavi
        ("2024-01-03", "isis", "claimed", "iran"),                  # Kerman
        ("2024-01-03", "israel", "alleged", "iran"),
        ("2024-01-04", "united-states", "alleged", "iraq"),         # Harakat al-Nujaba leaders: "Iran cited …"
        ("2024-01-15", "iran", "reported", "iraq"),                 # Iraqi Kurdistan
        ("2024-01-15", "iran", "reported", "syria"),                # Idlib
        ("2024-01-16", "iran", "reported", "pakistan"),             # Koh-e-Sabz
        ("2024-01-16", "irgc", "reported", "pakistan"),
        ("2024-01-18", "pakistan", "reported", "iran"),             # Sistan-Baluchestan
        ("2024-01-18", "pakistan-armed-forces", "reported", "iran"),
        ("2024-01-20", "israel", "alleged", "syria"),               # Damascus
    }


def test_who_accused_whom_as_read_in_the_article(store):
    got = {(a["accuser"]["id"], a["accused"]["id"]) for a in accusations(store)}
    assert got == {
        ("iran", "pakistan"), ("pakistan", "iran"), ("iran", "mossad"), ("iran", "jaish-al-adl"),
        ("pakistan", "balochistan-liberation-army"), ("pakistan", "balochistan-liberation-front"),
        ("iran", "israel"), ("iran", "united-states"),
    }


def test_each_side_of_the_negligence_accusations_names_the_groups_hostile_to_it(store):
    # "accusing Islamabad of failing to suppress armed movements hostile to Tehran" (Jaish al Adl), and
    # Pakistan struck in Iran "alleging connections to … the Balochistan Liberation Army and … Front"
    about = {a["id"]: sorted(x["id"] for x in a["about"]) for a in accusations(store) if "negligence" in a["id"]}
    assert about == {
        "iran-accuses-pakistan-of-negligence": ["jaish-al-adl"],
        "pakistan-accuses-iran-of-negligence": ["balochistan-liberation-army", "balochistan-liberation-front"],
    }


def test_no_attribution_but_a_reported_one_is_a_plain_triple(store):
    plain = store.select(SPARQL_PREFIXES + """
        SELECT ?e ?p ?v ?status WHERE {
          VALUES ?p { ck:perpetrator ck:targetedGroup ck:respondsTo }
          ?c ck:claimAbout ?e ; ck:claimProperty ?p ; ck:claimValue ?v ; ck:status ?status .
          FILTER (?status != "reported")
          ?e ?p ?v .
        }""")
    assert plain == []
    reported = store.select(SPARQL_PREFIXES + """
        SELECT ?e WHERE { ?c ck:claimAbout ?e ; ck:claimProperty ck:perpetrator ; ck:status "reported" ; ck:claimValue ?v .
                          FILTER NOT EXISTS { ?e ck:perpetrator ?v } }""")
    assert reported == []


def test_relative_dates_are_resolved(store):
    by_id = {s["id"]: s for s in strikes(store)}
    assert by_id["2024-01-15-iran-strikes-idlib"]["date"] == "2024-01-15"  # "a day earlier"
    assert by_id["2024-01-15-iran-strikes-idlib"]["date_basis"] == "resolved"
    assert by_id["2024-01-18-pakistan-strikes-sistan-baluchestan"]["date"] == "2024-01-18"  # "two days after"
    assert by_id["2020-01-03-killing-of-qasem-soleimani"]["date"] == "2020-01-03"  # "fourth anniversary"


@pytest.mark.parametrize("mutate, message", [
    (lambda d: d["events"][0]["quotes"].__setitem__(0, "Iran struck the moon."), "quote not in the normalized source"),
    (lambda d: d["events"][0].__setitem__("country", "atlantis"), "unknown actor 'atlantis'"),
    (lambda d: d["actors"]["iran"].__setitem__("label", "Ir\u0430n"), "mixes scripts"),
    (lambda d: d["places"]["rask"]["aliases"].append("R\u0430sk"), "mixes scripts"),
    (lambda d: d["events"][0].__setitem__("description", "Str\u0456kes"), "mixes scripts"),
    (lambda d: d["actors"]["reza-mousavi"].__setitem__("role", "Comm\u0430nder"), "mixes scripts"),
    (lambda d: d["events"][-1].__setitem__("date_note", "\u0410s announced"), "mixes scripts"),
    (lambda d: d["events"][0].__setitem__("status", "alleged"), "says by whom"),
    (lambda d: d["events"][0].__setitem__("status", "rumoured"), "status 'rumoured'"),
    (lambda d: d["events"][0]["quotes"].__setitem__(0, "Jaish al Adl"), "occurs"),
])
def test_inconsistent_curation_stops_the_build(mutate, message):
    data = copy.deepcopy(load_seed_data())
    mutate(data)
    with pytest.raises(SeedError, match=message):
        build_graph(data, article())


# -- the seed kept between processes (graph/cache.py) --------------------------------------------

@pytest.fixture
def fresh_cache(monkeypatch, tmp_path):
    from conflictkg.graph.store import seed_cache as cache

    monkeypatch.setenv("CONFLICTKG_CACHE_DIR", str(tmp_path / "cache"))
    cache.seed_ntriples.cache_clear()
    yield tmp_path / "cache"
    cache.seed_ntriples.cache_clear()


def test_the_seed_is_built_once_then_read_from_the_cache(fresh_cache):
    from conflictkg.graph.store import seed_cache as cache
    from conflictkg.graph.domain.seed import build_seed_ntriples

    built = cache.seed_ntriples()
    [kept] = fresh_cache.glob("seed-*.nt")
    assert kept.read_bytes() == built == build_seed_ntriples()
    # what a later process reads is the file, not a new build
    marker = b'<urn:kept> <http://www.w3.org/2000/01/rdf-schema#label> "read from the cache" .\n'
    kept.write_bytes(built + marker)
    cache.seed_ntriples.cache_clear()
    assert cache.seed_ntriples().endswith(marker)


def test_an_edited_input_names_a_new_cache_file(fresh_cache, monkeypatch):
    from conflictkg.graph.store import seed_cache as cache

    cache.seed_ntriples()
    monkeypatch.setattr(cache.ox, "__version__", "0.0.0-another-engine")
    cache.seed_ntriples.cache_clear()
    cache.seed_ntriples()
    assert len(list(fresh_cache.glob("seed-*.nt"))) == 2


@pytest.mark.parametrize("setting", ["", "a file"])
def test_no_cache_or_an_unusable_one_still_seeds_the_store(monkeypatch, tmp_path, setting):
    from conflictkg.graph.store import seed_cache as cache

    if setting:
        (tmp_path / "a file").write_text("not a folder")
        setting = str(tmp_path / "a file")
    monkeypatch.setenv("CONFLICTKG_CACHE_DIR", setting)
    cache.seed_ntriples.cache_clear()
    try:
        store = open_store("memory")
        assert strikes(store, perpetrator="Iran")
    finally:
        cache.seed_ntriples.cache_clear()
    assert list(tmp_path.iterdir()) == ([tmp_path / "a file"] if setting else [])
