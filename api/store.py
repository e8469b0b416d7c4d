"""The one way blueprints reach the data: the app's :class:`~conflictkg.graph.dataset.Dataset`, set by ``create_app``."""

from flask import current_app

from conflictkg.graph.dataset import Dataset


def get_dataset() -> Dataset:
    return current_app.extensions["conflictkg.dataset"]
