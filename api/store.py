"""The one way blueprints reach the store: the app's, set by ``create_app``."""

from flask import current_app

from conflictkg.graph.store import Store


def get_store() -> Store:
    return current_app.extensions["conflictkg.store"]
