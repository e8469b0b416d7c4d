"""The ``conflictkg`` command: the same verbs and options as the HTTP API (Datasette-style).

Feature modules keep their commands in their own files and are registered at the bottom
of this one, so that each verb lives next to the library code it drives.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click
import pyoxigraph as ox

from conflictkg.graph.dataset import Dataset, entailment_of
from conflictkg.graph.domain.attribution import as_text, how_known
from conflictkg.graph.domain.actors import ACTOR_TYPES
from conflictkg.graph.domain.actors import actor as graph_actor
from conflictkg.graph.domain.names import AmbiguousName
from conflictkg.graph.domain.source import article
from conflictkg.graph.domain.paging import (DEFAULT_LIMIT, MAX_LIMIT, Page, accusations_page, actors_page, every,
                                            strikes_page, timeline_page)
from conflictkg.graph.domain.strikes import FilterError
from conflictkg.graph.domain.titfortat import chain as graph_chain
from conflictkg.graph.exports.snapshot import snapshot_store
from conflictkg.graph.formats import CLI_GRAPH_NAMES, RESULT_NAMES
from conflictkg.graph.settings import SETTINGS, setting
from conflictkg.graph.store import QueryError, StoreError
from conflictkg.graph.store.entailment import ENTAILMENTS

STORE_HELP = "memory, oxigraph:PATH, rdflib or sparql:URL[;update=URL][;graph=IRI]"


def from_setting(name: str) -> dict:
    """An option's default from setting ``name``: its environment variable, else the table's default."""
    found = SETTINGS[name]
    return {"default": lambda: setting(name), "show_default": f"${found.env} or {found.default}"}


def store_option(func):
    """``--store SPEC``, shared by every verb that reads or writes the graph."""
    return click.option("--store", "store_spec", **from_setting("STORE"), help=f"Store: {STORE_HELP}.")(func)


def open_dataset_or_exit(spec: str, **kwargs) -> Dataset:
    """The dataset every verb reads and writes through; a store that cannot be opened ends the command."""
    try:
        return Dataset.open(spec, **kwargs)
    except StoreError as exc:
        raise click.ClickException(str(exc)) from exc


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="conflictkg")
def main() -> None:
    """A knowledge graph of armed conflict events, with SPARQL and REST."""


# -- output --------------------------------------------------------------------------------

def print_table(columns: list[str], rows: list[list[str]]) -> None:
    """Rows as an aligned plain-text table, the way ``sqlite3 -column`` prints them."""
    widths = [len(c) for c in columns]
    for row in rows:
        widths = [max(w, len(v)) for w, v in zip(widths, row)]
    click.echo("  ".join(c.ljust(w) for c, w in zip(columns, widths)).rstrip())
    click.echo("  ".join("-" * w for w in widths))
    for row in rows:
        click.echo("  ".join(v.ljust(w) for v, w in zip(row, widths)).rstrip())
    click.echo(f"({len(rows)} row{'s' if len(rows) != 1 else ''})", err=True)


def _domain(call, store_spec: str, **kwargs):
    try:
        return call(open_dataset_or_exit(store_spec), **kwargs)
    except AmbiguousName as exc:  # not a bad value: the graph holds several, and the message lists them
        raise click.ClickException(str(exc)) from exc
    except FilterError as exc:
        raise click.BadParameter(str(exc)) from exc


# -- query ---------------------------------------------------------------------------------


def read_query_text(text_or_file: str) -> str:
    """The query itself, or the contents of the file (``-`` for stdin) it names."""
    if text_or_file == "-":
        return sys.stdin.read()
    path = Path(text_or_file)
    looks_like_path = len(text_or_file) < 4096 and "\n" not in text_or_file and "{" not in text_or_file
    if looks_like_path and (path.is_file() or path.suffix in (".rq", ".sparql")):
        try:
            return path.read_text(encoding="utf-8")
        except OSError as exc:
            raise click.BadParameter(f"cannot read {path}: {exc.strerror}") from exc
    return text_or_file


@main.command()
@click.argument("sparql_or_file")
@click.option("--format", "fmt", type=click.Choice(["table", *sorted(set(RESULT_NAMES) | set(CLI_GRAPH_NAMES))]),
              default="table", show_default=True,
              help="table (SELECT/ASK) or a results format; CONSTRUCT/DESCRIBE print Turtle unless told.")
@click.option("--entailment", type=click.Choice(ENTAILMENTS), default=None,
              help="rdfs (default): query the graph with its RDFS closure (sub-classes, sub-properties); "
                   "none (default over sparql:): as stored.")
@click.option("--snapshot", "snapshot_ref", metavar="ID", help="Answer as of this snapshot (an id or a prefix of one).")
@click.option("--snapshots-dir", **from_setting("SNAPSHOT_DIR"))
@store_option
def query(sparql_or_file: str, fmt: str, entailment: str, snapshot_ref: str | None, snapshots_dir: str,
          store_spec: str) -> None:
    """Run one SPARQL query (text, a .rq file, or - for stdin) and print the result.

    \b
    conflictkg query 'SELECT ?s WHERE { ?s a <https://w3id.org/conflictkg/ontology#State> }'
    conflictkg query who.rq --format csv
    """
    if snapshot_ref:
        try:
            store = Dataset(snapshot_store(Path(snapshots_dir), snapshot_ref))
        except StoreError as exc:
            raise click.ClickException(str(exc)) from exc
    else:
        store = open_dataset_or_exit(store_spec)
    text = read_query_text(sparql_or_file)
    try:
        result = store.query(text, entailment=entailment_of(store, entailment))
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="--entailment") from exc
    except QueryError as exc:
        from conflictkg.graph.syntax import explain

        raise click.ClickException(f"bad SPARQL: {explain(text, str(exc)).message}") from exc
    out = sys.stdout.buffer
    if isinstance(result, ox.QueryTriples):
        graph_fmt = CLI_GRAPH_NAMES.get("ttl" if fmt == "table" else fmt)
        if graph_fmt is None:
            raise click.BadParameter(f"a graph result cannot be printed as {fmt}: use ttl, nt, nq, jsonld or xml")
        out.write(result.serialize(format=graph_fmt))
        return
    if fmt == "table":
        if isinstance(result, ox.QueryBoolean):
            click.echo("true" if result else "false")
            return
        columns = [v.value for v in result.variables]
        rows = [[row[c].value if row[c] is not None else "" for c in columns] for row in result]
        print_table(columns, rows)
        return
    if fmt not in RESULT_NAMES:
        raise click.BadParameter(f"a {'boolean' if isinstance(result, ox.QueryBoolean) else 'SELECT'} result "
                                 f"cannot be printed as {fmt}: use table, json, xml, csv or tsv")
    out.write(result.serialize(format=RESULT_NAMES[fmt]))


# -- the REST answers on the terminal ------------------------------------------------------------

def paging_options(func):
    """``--limit N`` / ``--cursor TOKEN`` / ``--all``: the pages of the REST list routes."""
    func = click.option("--all", "every_page", is_flag=True, help="Every row, page after page.")(func)
    func = click.option("--cursor", help="Start after the page that answered this 'next' cursor.")(func)
    return click.option("--limit", type=click.IntRange(1, MAX_LIMIT), default=DEFAULT_LIMIT, show_default=True,
                        help="Rows in the page.")(func)


def _page(fetch, store_spec: str, limit: int, cursor: str | None, every_page: bool, **kwargs) -> Page:
    if every_page:
        return Page(_domain(lambda store, **kw: every(fetch, store, **kw), store_spec, **kwargs))
    return _domain(fetch, store_spec, limit=limit, cursor=cursor, **kwargs)


def _emit(page: Page, as_json: bool, key: str, columns: list[str], row) -> None:
    if as_json:
        click.echo(json.dumps({key: page.items, "next": page.next}, indent=2, ensure_ascii=False))
    else:
        print_table(columns, [row(i) for i in page.items])
        if page.next:
            click.echo(f"{len(page.items)} rows shown; more: --all, or --cursor {page.next}", err=True)


@main.command()
@click.option("--perpetrator", help="An actor's IRI, id, label or alias.")
@click.option("--country", help="The country struck.")
@click.option("--target", help="The place or group targeted.")
@click.option("--from", "date_from", metavar="YYYY-MM-DD")
@click.option("--to", "date_to", metavar="YYYY-MM-DD")
@click.option("--type", "kind", metavar="CLASS", help="The attack's class as recorded (DroneStrike, Bombing…).")
@click.option("--json", "as_json", is_flag=True, help="Print the JSON of /api/strikes.")
@paging_options
@store_option
def strikes(perpetrator, country, target, date_from, date_to, kind, as_json, limit, cursor, every_page,
            store_spec) -> None:
    """Who struck where (the answer of GET /api/strikes)."""
    items = _page(strikes_page, store_spec, limit, cursor, every_page, perpetrator=perpetrator, country=country,
                  target=target, date_from=date_from, date_to=date_to, type=kind)
    _emit(items, as_json, "strikes", ["date", "perpetrators", "target", "country", "targeted groups", "fatalities"],
          lambda s: [s["date"], "; ".join(as_text(p) for p in s["perpetrators"]),
                     (s["target"] or {}).get("label", ""), (s["country"] or {}).get("label", ""),
                     "; ".join(as_text(g) for g in s["targeted_groups"]),
                     "" if s["fatalities"] is None else str(s["fatalities"])])


@main.command()
@click.option("--accuser", help="An actor's IRI, id, label or alias.")
@click.option("--accused", help="An actor's IRI, id, label or alias.")
@click.option("--from", "date_from", metavar="YYYY-MM-DD", help="Dated accusations from this day.")
@click.option("--to", "date_to", metavar="YYYY-MM-DD", help="Dated accusations up to this day.")
@click.option("--json", "as_json", is_flag=True, help="Print the JSON of /api/accusations.")
@paging_options
@store_option
def accusations(accuser, accused, date_from, date_to, as_json, limit, cursor, every_page, store_spec) -> None:
    """Who accused whom (the answer of GET /api/accusations)."""
    items = _page(accusations_page, store_spec, limit, cursor, every_page, accuser=accuser, accused=accused,
                  date_from=date_from, date_to=date_to)
    _emit(items, as_json, "accusations", ["date", "accuser", "accused", "allegation"],
          lambda a: [a["date"] or "", a["accuser"]["label"], a["accused"]["label"], a["allegation"] or ""])


@main.command()
@click.argument("actor_id", required=False)
@click.option("--type", "actor_type", type=click.Choice(sorted(ACTOR_TYPES)), help="Only actors of this type.")
@click.option("--json", "as_json", is_flag=True, help="Print the JSON of /api/actors (or /api/actors/ID).")
@paging_options
@store_option
def actors(actor_id, actor_type, as_json, limit, cursor, every_page, store_spec) -> None:
    """The actors (GET /api/actors), or one actor's profile (GET /api/actors/ID)."""
    if actor_id:
        profile = _domain(graph_actor, store_spec, text=actor_id)
        if profile is None:
            raise click.ClickException(f"no actor is named {actor_id!r}")
        if as_json:
            click.echo(json.dumps(profile, indent=2, ensure_ascii=False))
            return
        who = profile["actor"]
        click.echo(f"{who['label']} ({who['type']}){' — ' + who['role'] if who.get('role') else ''}")
        for title, items in (("strikes by", profile["strikes"]["by"]), ("strikes against", profile["strikes"]["against"]),
                             ("accusations made", profile["accusations"]["made"]),
                             ("accusations received", profile["accusations"]["received"])):
            click.echo(f"\n{title}: {len(items)}")
            for item in items:
                status = item.get("attribution", "reported")  # a strike's; an accusation is the accuser's own act
                known = "" if status == "reported" else f" ({how_known(status, item['attributed_by'])})"
                click.echo(f"  {item['date'] or '----------'}  {item['label']}{known}")
        return
    items = _page(actors_page, store_spec, limit, cursor, every_page, type=actor_type)
    _emit(items, as_json, "actors", ["id", "label", "type", "role"],
          lambda a: [a["id"], a["label"], a["type"] or "", a.get("role", "")])


@main.command("tit-for-tat")
@click.argument("a")
@click.argument("b")
@click.option("--window", default=7, show_default=True, type=click.IntRange(0, 3650),
              help="Days within which an unlinked action the other way is taken as an answer.")
@click.option("--json", "as_json", is_flag=True, help="Print the JSON of /api/tit-for-tat.")
@store_option
def tit_for_tat(a, b, window, as_json, store_spec) -> None:
    """Who answered whom between A and B, and how hard (GET /api/tit-for-tat?between=A,B)."""
    try:
        steps = graph_chain(open_dataset_or_exit(store_spec), a, b, window=window)
    except (LookupError, FilterError) as exc:
        raise click.ClickException(str(exc)) from exc
    if as_json:
        click.echo(json.dumps({"between": [a, b], "window": window, "chain": steps}, indent=2, ensure_ascii=False))
        return
    def side(step: dict, who: str, known: str) -> str:
        if step["direction"] == "mutual":
            return "both" if who == "actor" else ""
        return as_text({**step[who], "attribution": step[known]["status"], "attributed_by": step[known]["by"]})

    print_table(["date", "by", "against", "escalation", "event", "answers"],
                [[s["date"], side(s, "actor", "attribution"), side(s, "target", "target_attribution"),
                  "" if s["escalation"] is None else f"{s['escalation']:+.1f}", s["label"],
                  ", ".join(f"{r['id']} ({r['how']})" for r in s["responds_to"])] for s in steps])


@main.command()
@click.option("--json", "as_json", is_flag=True, help="Print the JSON of /api/timeline.")
@paging_options
@store_option
def timeline(as_json, limit, cursor, every_page, store_spec) -> None:
    """Every dated event in order (the answer of GET /api/timeline)."""
    items = _page(timeline_page, store_spec, limit, cursor, every_page)
    _emit(items, as_json, "timeline", ["date", "kind", "event", "status", "by", "responds to"],
          lambda e: [e["date"], e["kind"], e["label"], how_known(e["status"], e["status_by"]),
                     "; ".join(as_text(p) for p in e["by"]), ", ".join(e["responds_to"])])


@main.command()
@click.option("--text", "show_text", is_flag=True, help="Print the normalized text itself.")
def source(show_text: bool) -> None:
    """The seed article: checksum, and what folding look-alike letters changed."""
    src = article()
    if show_text:
        click.echo(src.text, nl=False)
        return
    click.echo(f"source     {src.iri}")
    click.echo(f"sha256     {src.sha256}  (raw bytes)")
    click.echo(f"characters {len(src.text)}; folded {sum(src.folded.values())}:")
    for change, count in src.folded.most_common():
        click.echo(f"  {count:5d}  {change}")

# Verbs that live beside the code they drive; imported last so they can use the helpers above.
from conflictkg import cli_bench, cli_export, cli_serve, cli_snapshot, cli_validate  # noqa: E402,F401
from conflictkg import cli_sources  # noqa: E402,F401
