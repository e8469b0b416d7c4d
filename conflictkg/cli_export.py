"""``conflictkg export``: the graph as a file in any standard format."""

from __future__ import annotations

import sys

import click

from conflictkg.cli import main, open_store_or_exit, store_option
from conflictkg.graph.export import EXPORTS, export


@main.command("export")
@click.option("--format", "fmt", type=click.Choice(list(EXPORTS)), required=True, help="The file format.")
@click.option("-o", "--output", required=True, help="The file to write (- for stdout).")
@store_option
def export_command(fmt: str, output: str, store_spec: str) -> None:
    """Write the whole graph as ttl, nt, nq, trig, rdf (RDF/XML), jsonld, graphml or gexf."""
    store = open_store_or_exit(store_spec)
    if output == "-":
        export(store, fmt, sys.stdout.buffer)
        return
    try:
        with open(output, "wb") as out:
            export(store, fmt, out)
    except OSError as exc:
        raise click.ClickException(f"cannot write {output}: {exc.strerror}") from exc
    click.echo(f"wrote {len(store)} triples as {fmt} to {output}", err=True)
