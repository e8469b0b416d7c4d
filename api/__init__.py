"""The Flask app: ``create_app()`` wires a store to the SPARQL, REST and UI blueprints."""

from __future__ import annotations

from typing import Any, Mapping

from flask import Flask

from conflictkg.graph.dataset import Dataset
from conflictkg.graph.safety.sandbox import harden
from conflictkg.graph.settings import setting
from conflictkg.graph.store import Store, open_store

from . import errors, jsonbody, limits


def create_app(config: Mapping[str, Any] | None = None) -> Flask:
    """Build the app. ``config`` may carry ``STORE`` (a :class:`Store` or a spec string), ``UPDATE_TOKEN``
    and the limits of :mod:`conflictkg.api.limits` (``QUERY_TIMEOUT``, ``MAX_ROWS``…). Every blueprint
    reaches the data through one :class:`Dataset` over that store, serving it under those limits.

    >>> app = create_app({"STORE": "memory", "TESTING": True})
    >>> app.test_client().get("/health").json["status"]
    'ok'
    """
    app = Flask(__name__)
    app.config.from_mapping(
        STORE=setting("STORE"),
        SNAPSHOT_DIR=setting("SNAPSHOT_DIR"),
        JSON_SORT_KEYS=False,
        **limits.defaults(),
    )
    if config:
        app.config.from_mapping(config)
    store = app.config["STORE"]
    if not isinstance(store, Store):
        store = open_store(store)
    app.extensions["conflictkg.dataset"] = Dataset(
        store, query_processes=app.config["QUERY_PROCESSES"], queue_wait=app.config["QUEUE_WAIT"],
        query_memory=app.config["QUERY_MEMORY"] or None, max_depth=app.config["MAX_DEPTH"])
    app.json = jsonbody.JSONBody(app)
    app.json.sort_keys = False
    app.json.compact = False  # people read these with curl

    errors.register(app)
    limits.register(app)
    harden()  # rdflib fetches nothing for a FROM; Python code run inside no_network() opens no socket

    from . import (analysis, assets, facets, geo, graphstore, resource, rest, snapshots, sources, sparql, ui,
                   validate)

    app.register_blueprint(sparql.bp)
    app.register_blueprint(rest.bp)
    app.register_blueprint(facets.bp)
    app.register_blueprint(geo.bp)
    app.register_blueprint(snapshots.bp)
    app.register_blueprint(analysis.bp)
    app.register_blueprint(validate.bp)
    app.register_blueprint(graphstore.bp)
    app.register_blueprint(ui.bp)
    app.register_blueprint(resource.bp)
    app.register_blueprint(assets.bp)
    app.register_blueprint(sources.bp)
    app.extensions["conflictkg.store_as_of"] = snapshots.store_as_of
    return app
