"""``conflictkg snapshot`` and ``conflictkg diff``."""

from __future__ import annotations

import click

from conflictkg.cli import from_setting, main, open_dataset_or_exit, store_option
from conflictkg.graph.exports.diff import diff as graph_diff
from conflictkg.graph.exports.snapshot import list_snapshots, open_graph, snapshot_dir
from conflictkg.graph.store import StoreError

DIR_OPTION = click.option("--dir", "directory", **from_setting("SNAPSHOT_DIR"),
                          help="Where snapshots and their manifest live.")


@main.command()
@DIR_OPTION
@click.option("--list", "list_only", is_flag=True, help="List the snapshots of the manifest instead.")
@store_option
def snapshot(directory: str, list_only: bool, store_spec: str) -> None:
    """Write a dated snapshot (gzipped canonical N-Quads) and print its canonical id last."""
    folder = snapshot_dir(directory)
    try:
        if list_only:
            for snap in list_snapshots(folder):
                click.echo(f"{snap.date}  {snap.id}  {snap.triples} triples")
            return
        snap = open_dataset_or_exit(store_spec).snapshot(folder)
    except (StoreError, OSError) as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"{snap.date}  {snap.triples} triples  {snap.path(folder)}", err=True)
    click.echo(snap.id)


@main.command()
@click.argument("a")
@click.argument("b")
@click.option("--format", "fmt", type=click.Choice(["text", "patch"]), default="text", show_default=True,
              help="text: grouped by subject with labels; patch: an RDF Patch.")
@DIR_OPTION
def diff(a: str, b: str, fmt: str, directory: str) -> None:
    """What changed from A to B (files or snapshot ids). Exit 0 when equal, 1 when they differ."""
    folder = snapshot_dir(directory)
    try:
        change = graph_diff(open_graph(a, folder), open_graph(b, folder))
    except StoreError as exc:
        click.echo(f"Error: {exc}", err=True)
        raise SystemExit(2) from exc
    if fmt == "patch":
        click.echo(change.patch(), nl=False)
    elif change.equal:
        click.echo("no change", err=True)
    else:
        click.echo(change.text())
        click.echo(f"{len(change.added)} added, {len(change.removed)} removed", err=True)
    raise SystemExit(0 if change.equal else 1)
