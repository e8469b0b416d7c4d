"""The REST JSON API over the domain queries of ``conflictkg.graph``."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("rest", __name__)


@bp.get("/health")
def health():
    return {"status": "ok"}
