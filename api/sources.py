"""The sources the graph holds, and what each contributed (``GET /api/sources``)."""

from __future__ import annotations

from flask import Blueprint, jsonify

from conflictkg.graph.sources.provenance import sources

from .rest import _args, _csv, _format
from .store import get_dataset

bp = Blueprint("sources", __name__)

COLUMNS = ["id", "published", "publisher", "title", "url", "sha256", "quotes", "events", "events_only_here", "claims"]


@bp.get("/api/sources")
def list_sources():
    _args([])
    items = sources(get_dataset())
    if _format(tabular=True) == "csv":
        return _csv([{**s, **s["contributed"]} for s in items], COLUMNS, "sources")
    return jsonify({"sources": items})
