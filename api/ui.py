"""The HTML query page at ``/`` (``/sparql`` shows it too, to browsers that send no query)."""

from functools import lru_cache
from importlib import resources

from flask import Blueprint, Response, render_template

from conflictkg.graph.vocab import ID, PREFIXES

bp = Blueprint("ui", __name__, template_folder="templates")


@lru_cache(maxsize=1)
def default_query() -> str:
    """The query the page opens with: where the attacks struck, on the map."""
    return resources.files("conflictkg.api.templates").joinpath("default-query.rq").read_text(encoding="utf-8")


def query_page() -> str:
    """The page, with the prefixes it shortens IRIs by and offers in completion."""
    return render_template("query.html", prefixes=PREFIXES, own_namespace=ID, default_query=default_query())


@bp.get("/")
def index():
    return query_page()


@lru_cache(maxsize=1)
def _favicon() -> bytes:
    return resources.files("conflictkg.api.static").joinpath("favicon.svg").read_bytes()


@bp.get("/favicon.ico")
def favicon():
    """Where browsers look for the icon when a page names none; the bytes, not an open file."""
    return Response(_favicon(), mimetype="image/svg+xml", headers={"Cache-Control": "public, max-age=86400"})
