"""``conflictkg ingest``: a news article read into a draft of what it reports, matched to the graph."""

from __future__ import annotations

import json
from pathlib import Path

import click

from conflictkg.cli import main, open_dataset_or_exit, store_option


@main.command()
@click.argument("article", type=click.Path(dir_okay=False, exists=True))
@click.option("--published", required=True, metavar="YYYY-MM-DD", help="The day the article was published.")
@click.option("--publisher", required=True, help="Who published it (a news agency, a paper, a ministry).")
@click.option("--url", help="Where it was published.")
@click.option("-o", "--output", type=click.Path(dir_okay=False),
              help="Write the draft YAML here, and the review page beside it (.html).")
@click.option("--json", "as_json", is_flag=True, help="Print the candidates as JSON.")
@store_option
def ingest(article, published, publisher, url, output, as_json, store_spec) -> None:
    """Read ARTICLE (UTF-8 text) into a draft of the events it reports, for review before `load`.

    \b
    conflictkg ingest wire.txt --published 2024-01-18 --publisher IRNA -o draft.yaml
    """
    from conflictkg.graph.sources.draft import draft_yaml, review_html
    from conflictkg.graph.sources.ingest import IngestError, ingest as run_ingest

    raw = Path(article).read_bytes()
    try:
        result = run_ingest(open_dataset_or_exit(store_spec), raw, published=published, publisher=publisher, url=url)
    except IngestError as exc:
        raise click.ClickException(str(exc)) from exc
    if output:
        path = Path(output)
        path.parent.mkdir(parents=True, exist_ok=True)
        import os

        path.write_text(draft_yaml(result, os.path.relpath(Path(article).resolve(), path.resolve().parent)),
                        encoding="utf-8")
        page = path.with_suffix(".html")
        page.write_text(review_html(result), encoding="utf-8")
        click.echo(f"{len(result.candidates)} candidate(s): draft {path}, review page {page}", err=True)
    if as_json:
        click.echo(json.dumps(result.as_json(), indent=2, ensure_ascii=False))
    elif not output:
        click.echo(draft_yaml(result), nl=False)


@main.command()
@click.option("--json", "as_json", is_flag=True, help="Print the JSON of /api/sources.")
@store_option
def sources(as_json, store_spec) -> None:
    """The sources the graph holds and what each contributed (GET /api/sources)."""
    from conflictkg.cli import print_table
    from conflictkg.graph.sources.provenance import sources as graph_sources

    items = graph_sources(open_dataset_or_exit(store_spec))
    if as_json:
        click.echo(json.dumps({"sources": items}, indent=2, ensure_ascii=False))
        return
    print_table(["published", "publisher", "title", "quotes", "events", "only here", "claims"],
                [[s["published"] or "", s["publisher"] or "", (s["title"] or "")[:60],
                  *(str(s["contributed"][k]) for k in ("quotes", "events", "events_only_here", "claims"))]
                 for s in items])
