"""``conflictkg serve``: the HTTP app under gunicorn.

One process with threads, whatever ``--workers`` says: the store lives in that process, so a
write is seen by the very next request on any thread (pyoxigraph releases the GIL while it
evaluates a query, so threads do run queries in parallel).
"""

from __future__ import annotations

import click
from gunicorn.app.base import BaseApplication

from conflictkg.api import create_app
from conflictkg.cli import main, open_store_or_exit, store_option


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
@store_option
def serve(host: str, port: int, workers: int, store_spec: str) -> None:
    """Serve the SPARQL endpoint and the REST API over the store."""
    app = create_app({"STORE": open_store_or_exit(store_spec)})
    click.echo(f"conflictkg serving {store_spec} at http://{host}:{port}/", err=True)
    _Gunicorn(app, {"bind": f"{host}:{port}", "workers": 1, "worker_class": "gthread",
                    "threads": 4 * workers, "accesslog": "-", "timeout": 120}).run()
