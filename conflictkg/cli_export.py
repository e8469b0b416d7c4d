"""``conflictkg export``: the graph as a file in any standard format."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from conflictkg.cli import main, open_dataset_or_exit, store_option
from conflictkg.graph.exports.export import EXPORTS
from conflictkg.graph.write.gate import Refused
from conflictkg.graph.write.load import show_progress
from conflictkg.graph.store import StoreError


@main.command("export")
@click.option("--format", "fmt", type=click.Choice(list(EXPORTS)), required=True, help="The file format.")
@click.option("-o", "--output", required=True, help="The file to write (- for stdout).")
@store_option
def export_command(fmt: str, output: str, store_spec: str) -> None:
    """Write the whole graph as ttl, nt, nq, trig, rdf (RDF/XML), jsonld, graphml, gexf or acled-csv."""
    store = open_dataset_or_exit(store_spec)
    if output == "-":
        store.export(fmt, sys.stdout.buffer)
        return
    try:
        with open(output, "wb") as out:
            store.export(fmt, out)
    except OSError as exc:
        raise click.ClickException(f"cannot write {output}: {exc.strerror}") from exc
    click.echo(f"wrote the graph ({len(store)} triples) as {fmt} to {output}", err=True)


@main.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False))
@click.option("--progress/--no-progress", default=None,
              help="A bar of the bytes read on stderr (default: when stderr is a terminal or the files are large).")
@store_option
def load(files: tuple[str, ...], progress: bool | None, store_spec: str) -> None:
    """Add RDF files (format from the suffix) or ACLED-style CSV to the store, all or nothing.

    The result is validated against the shapes first: if it would not conform, nothing is stored.
    RDF files stream into the store: a file larger than memory is read, never held.
    """
    paths = [Path(f) for f in files]
    store = open_dataset_or_exit(store_spec)
    try:
        # this process holds the store alone: an on-disk one cannot be opened twice
        added = store.load_files(paths, progress=show_progress(paths) if progress is None else progress, alone=True)
    except Refused as exc:
        click.echo(exc.report.as_text(), err=True)
        raise click.ClickException(str(exc)) from exc
    except StoreError as exc:
        raise click.ClickException(f"{exc} (nothing was loaded)") from exc
    click.echo(f"loaded {added} new triples from {len(files)} file(s) into {store_spec}", err=True)
