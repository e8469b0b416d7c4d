"""The Flask app: ``create_app()`` wires a store to the SPARQL, REST and UI blueprints."""

from __future__ import annotations

import os
from typing import Any, Mapping

from flask import Flask

from conflictkg.graph.store import Store, open_store

from . import errors


def create_app(config: Mapping[str, Any] | None = None) -> Flask:
    """Build the app. ``config`` may carry ``STORE`` (a :class:`Store` or a spec string).

    >>> app = create_app({"STORE": "memory", "TESTING": True})
    >>> app.test_client().get("/health").json["status"]
    'ok'
    """
    app = Flask(__name__)
    app.config.from_mapping(
        STORE=os.environ.get("CONFLICTKG_STORE", "memory"),
        SNAPSHOT_DIR=os.environ.get("CONFLICTKG_SNAPSHOTS", "snapshots"),
        MAX_CONTENT_LENGTH=int(os.environ.get("CONFLICTKG_MAX_BODY", 1_000_000)),
        JSON_SORT_KEYS=False,
    )
    if config:
        app.config.from_mapping(config)
    store = app.config["STORE"]
    if not isinstance(store, Store):
        store = open_store(store)
    app.extensions["conflictkg.store"] = store
    app.json.sort_keys = False
    app.json.compact = False  # people read these with curl

    errors.register(app)

    from . import analysis, rest, snapshots, sparql, ui, validate

    app.register_blueprint(sparql.bp)
    app.register_blueprint(rest.bp)
    app.register_blueprint(snapshots.bp)
    app.register_blueprint(analysis.bp)
    app.register_blueprint(validate.bp)
    app.register_blueprint(ui.bp)
    app.extensions["conflictkg.store_as_of"] = snapshots.store_as_of
    # the SPARQL blueprint knows no shapes: it asks this gate to apply updates
    app.extensions["conflictkg.update_gate"] = validate.update_gate
    return app
