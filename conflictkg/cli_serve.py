"""``conflictkg serve``: the HTTP app under gunicorn.

One process with threads, whatever ``--workers`` says: the store lives in that process, so a
write is seen by the very next request on any thread. /sparql queries run in executor processes
it starts (:mod:`conflictkg.graph.store.executor`: forked for a store in memory, spawned over a
checkpoint for one on disk), so that a query past its time can be killed.
The worker (:mod:`conflictkg.worker`) cuts off a client that takes more than
``$CONFLICTKG_READ_TIMEOUT`` seconds to send a request.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import click

from conflictkg.cli import main, store_option
from conflictkg.graph.write.gate import Refused
from conflictkg.graph.write.load import show_progress
from conflictkg.graph.store import StoreError, open_store


_OPEN_CHECK = """
import sys
from conflictkg.graph.store import StoreError, open_store
try:
    open_store(sys.argv[1])
except StoreError as exc:
    sys.exit(f"Error: {exc}")
"""


def _prepare_on_disk(spec: str, files: tuple[str, ...]) -> None:
    """Load ``files`` into the on-disk store (validated, all or nothing), or just check that it opens
    (seeding a new one), in a child process: its message and a non-zero exit stop ``serve``."""
    command = [sys.executable, "-m", "conflictkg", "load", *files, "--store", spec] if files \
        else [sys.executable, "-c", _OPEN_CHECK, spec]
    if subprocess.run(command).returncode != 0:
        raise click.ClickException(f"{spec}: {'the files were not loaded' if files else 'cannot open it'}; not serving")


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
    # imported here, not with the CLI: Flask and gunicorn are a fifth of a second of every command's start
    from conflictkg.api import create_app, limits
    from conflictkg.worker import Application, Worker

    try:
        config = limits.defaults()  # a limit's environment variable that is not a number stops us here
    except ValueError as exc:
        raise click.ClickException(str(exc)) from exc
    if store_spec.startswith("oxigraph:"):
        # RocksDB keeps one pool of background threads per process; gunicorn's fork of the worker
        # would inherit the pool without its threads, and a write would wait for them forever.
        # So this process never opens the store: a child loads the files, the worker opens it.
        _prepare_on_disk(store_spec, load)

        def factory():
            return create_app({"STORE": open_store(store_spec)})
    else:
        try:
            app = create_app({"STORE": open_store(store_spec)})
        except StoreError as exc:
            raise click.ClickException(str(exc)) from exc
        if load:
            try:
                paths = [Path(f) for f in load]
                added = app.extensions["conflictkg.dataset"].load_files(paths, progress=show_progress(paths))
            except Refused as exc:
                click.echo(exc.report.as_text(), err=True)
                raise click.ClickException(f"{exc} (not serving)") from exc
            except StoreError as exc:
                raise click.ClickException(f"{exc} (nothing was loaded; not serving)") from exc
            click.echo(f"loaded {added} triples from {len(load)} file(s)", err=True)

        def factory():
            return app
    click.echo(f"conflictkg serving {store_spec} at http://{host}:{port}/", err=True)
    Worker.read_timeout = config["READ_TIMEOUT"]
    # gunicorn's longest request line (8190 bytes); the app refuses a longer URL than MAX_URL itself
    Application(factory, {"bind": f"{host}:{port}", "workers": 1, "worker_class": Worker,
                        "threads": 4 * workers, "accesslog": "-", "timeout": 120, "limit_request_line": 8190}).run()
