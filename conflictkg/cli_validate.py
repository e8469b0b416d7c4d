"""``conflictkg validate``: the SHACL report of the store, or of files as they would be loaded."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from conflictkg.cli import main, open_dataset_or_exit, store_option
from conflictkg.graph.dataset import Dataset
from conflictkg.graph.write.gate import Refused
from conflictkg.graph.store import StoreError
from conflictkg.graph.shacl.report import ValidationError


@main.command()
@click.argument("files", nargs=-1, type=click.Path(dir_okay=False))
@click.option("--engine", type=click.Choice(["fast", "pyshacl"]), default="fast", show_default=True,
              help="fast: shapes compiled to SPARQL inside the store; pyshacl: the reference implementation.")
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
@click.option("--format", "fmt", type=click.Choice(["text", "json", "ttl"]), default=None,
              help="text (default), json, or ttl (a SHACL sh:ValidationReport in Turtle).")
@click.option("--alone", is_flag=True,
              help="Check FILES by themselves (with the shipped ontology), not joined with the store.")
@store_option
def validate(files: tuple[str, ...], engine: str, as_json: bool, fmt: str | None, alone: bool,
             store_spec: str) -> None:
    """Check the graph against the SHACL shapes: exit 0 conforms, 1 violations, 2 unreadable input.

    With FILES, checks the store as it would be once they are loaded (nothing is stored);
    with --alone, checks the files by themselves.
    """
    fmt = fmt or ("json" if as_json else "text")
    if alone and not files:
        raise click.UsageError("--alone checks FILES: name at least one")
    try:
        if alone:
            report = Dataset.check_alone([Path(f) for f in files], engine=engine)
        else:
            store = open_dataset_or_exit(store_spec)
            report = store.check_files([Path(f) for f in files], engine=engine) if files else store.check(engine=engine)
    except Refused as exc:  # pragma: no cover - check() reports, it does not refuse
        report = exc.report
    except (StoreError, ValidationError) as exc:
        click.echo(f"Error: {exc}", err=True)
        sys.exit(2)
    if fmt == "json":
        click.echo(json.dumps(report.as_json(), indent=2, ensure_ascii=False))
    elif fmt == "ttl":
        click.echo(report.as_turtle())
    else:
        click.echo(report.as_text())
    sys.exit(0 if report.conforms else 1)
