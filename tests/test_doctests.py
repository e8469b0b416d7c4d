"""The docstring examples of the library and app run, as pyoxigraph's do; so do those of the
benchmarks and the test servers, which live in the checkout beside the package."""

import doctest
import importlib
import pkgutil

import pytest

import benchmarks
import conflictkg.api
import conflictkg.graph
import tests.support

MODULES = sorted(
    info.name
    for package in (conflictkg.graph, conflictkg.api, benchmarks, tests.support)
    for info in pkgutil.walk_packages(package.__path__, prefix=package.__name__ + ".")
    if not info.name.endswith(".__main__")
) + ["conflictkg.api"]


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name):
    module = importlib.import_module(name)
    failed, _ = doctest.testmod(module, optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    assert failed == 0
