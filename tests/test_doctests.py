"""The docstring examples of the library and app run, as pyoxigraph's do."""

import doctest
import importlib
import pkgutil

import pytest

import conflictkg.api
import conflictkg.graph

MODULES = sorted(
    info.name
    for package in (conflictkg.graph, conflictkg.api)
    for info in pkgutil.walk_packages(package.__path__, prefix=package.__name__ + ".")
) + ["conflictkg.api"]


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name):
    module = importlib.import_module(name)
    failed, _ = doctest.testmod(module, optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    assert failed == 0
