"""``conflictkg serve``: the HTTP app under gunicorn.

One process with threads, whatever ``--workers`` says: the store lives in that process, so a
write is seen by the very next request on any thread (pyoxigraph releases the GIL while it
evaluates a query, so threads do run queries in parallel).
"""

from __future__ import annotations

from pathlib import Path

import click
from gunicorn.app.base import BaseApplication

from conflictkg.api import create_app
from conflictkg.cli import main, open_store_or_exit, store_option
from conflictkg.graph.gate import Refused
from conflictkg.graph.load import load_files
from conflictkg.graph.store import StoreError


class _Gunicorn(BaseApplication):
    def __init__(self, app, options: dict) -> None:
        self.application = app
        self.options = options
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.options.items():
            self.cfg.set(key, value)

    def load(self):
        return self.application


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=click.IntRange(0, 65535))
@click.option("--workers", default=1, show_default=True, type=click.IntRange(1, 64),
              help="Concurrency: 4 threads per worker, in one process over one store.")
@click.option("--load", "load", multiple=True, type=click.Path(dir_okay=False),
              help="Add this file (RDF or ACLED-style CSV) to the store first; repeatable; all or nothing.")
@store_option
def serve(host: str, port: int, workers: int, load: tuple[str, ...], store_spec: str) -> None:
    """Serve the SPARQL endpoint and the REST API over the store."""
    store = open_store_or_exit(store_spec)
    if load:
        try:
            added = load_files(store, [Path(f) for f in load])
        except Refused as exc:
            click.echo(exc.report.as_text(), err=True)
            raise click.ClickException(f"{exc} (not serving)") from exc
        except StoreError as exc:
            raise click.ClickException(f"{exc} (nothing was loaded; not serving)") from exc
        click.echo(f"loaded {added} triples from {len(load)} file(s)", err=True)
    app = create_app({"STORE": store})
    click.echo(f"conflictkg serving {store_spec} at http://{host}:{port}/", err=True)
    _Gunicorn(app, {"bind": f"{host}:{port}", "workers": 1, "worker_class": "gthread",
                    "threads": 4 * workers, "accesslog": "-", "timeout": 120}).run()
