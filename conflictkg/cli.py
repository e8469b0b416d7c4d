"""The ``conflictkg`` command: the same verbs and options as the HTTP API (Datasette-style).

Feature modules keep their commands in their own files and are registered at the bottom
of this one, so that each verb lives next to the library code it drives.
"""

from __future__ import annotations

import sys

import click

from conflictkg.graph.store import StoreError, open_store

STORE_HELP = "memory (default), oxigraph:PATH … (env CONFLICTKG_STORE)"


def store_option(func):
    """``--store SPEC``, shared by every verb that reads or writes the graph."""
    return click.option("--store", "store_spec", envvar="CONFLICTKG_STORE", default="memory",
                        show_default=True, help=f"Store: {STORE_HELP}.")(func)


def open_store_or_exit(spec: str, **kwargs):
    try:
        return open_store(spec, **kwargs)
    except StoreError as exc:
        raise click.ClickException(str(exc)) from exc


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="conflictkg")
def main() -> None:
    """A knowledge graph of armed conflict events, with SPARQL and REST."""


def run() -> None:  # pragma: no cover - console entry used by python -m
    sys.exit(main())
