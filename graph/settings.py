"""Every setting conflictkg takes from the environment, in one table (after Datasette's ``Setting``).

A setting has a name (for the HTTP app's, its ``create_app`` config key), the environment variable
that sets it, a default, the type its text is read as and what it is for. :func:`setting` reads
one, and is the only reader of these variables: a variable that is unset or empty gives the
default, and text that is not of the setting's type is a :class:`SettingError` naming the variable.

>>> setting("MAX_ROWS", environ={})
10000
>>> setting("MAX_ROWS", environ={"CONFLICTKG_MAX_ROWS": "5"})
5
>>> setting("STORE", environ={"CONFLICTKG_STORE": ""})
'memory'
>>> setting("QUERY_TIMEOUT", environ={"CONFLICTKG_QUERY_TIMEOUT": "soon"})
Traceback (most recent call last):
...
conflictkg.graph.settings.SettingError: CONFLICTKG_QUERY_TIMEOUT='soon' is not a number

The cache of built files is the one setting an empty variable turns off:

>>> setting("CACHE_DIR", environ={"CONFLICTKG_CACHE_DIR": ""}) is None
True
>>> setting("CACHE_DIR", environ={"XDG_CACHE_HOME": "/var/cache"})
PosixPath('/var/cache/conflictkg')
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Mapping


class SettingError(ValueError):
    """An environment variable holds text its setting cannot take."""


@dataclass(frozen=True)
class Setting:
    name: str
    env: str
    default: Any
    type: Callable[[str], Any]
    help: str
    #: A limit of the HTTP app: ``create_app`` config wins over the variable (README's Security table lists these).
    limit: bool = False
    #: An empty variable turns the setting off (None) instead of giving the default.
    empty_is_off: bool = False
    #: A default that depends on the environment, computed when the setting is read.
    default_factory: Callable[[Mapping[str, str]], Any] | None = None


def _user_cache(environ: Mapping[str, str]) -> Path:
    """The user's cache folder for conflictkg, as the XDG base directory specification places it."""
    return Path(environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "conflictkg"


def _checkout_assets(environ: Mapping[str, str]) -> Path:
    """The checkout's node_modules (``npm ci`` puts it beside package.json)."""
    return Path(__file__).resolve().parent.parent / "node_modules"


SETTINGS: dict[str, Setting] = {setting.name: setting for setting in (
    Setting("STORE", "CONFLICTKG_STORE", "memory", str,
            "the store: memory, oxigraph:PATH, rdflib or sparql:URL[;update=URL][;graph=IRI]"),
    Setting("SNAPSHOT_DIR", "CONFLICTKG_SNAPSHOTS", "snapshots", str, "the folder of snapshots and their manifest"),
    Setting("UPDATE_TOKEN", "CONFLICTKG_UPDATE_TOKEN", None, str,
            "the bearer token writes over HTTP need; without one, no writes"),
    Setting("CACHE_DIR", "CONFLICTKG_CACHE_DIR", None, Path,
            "where the seed graph is kept once built (default: $XDG_CACHE_HOME/conflictkg, else "
            "~/.cache/conflictkg); empty: kept nowhere", empty_is_off=True, default_factory=_user_cache),
    Setting("QUERY_TIMEOUT", "CONFLICTKG_QUERY_TIMEOUT", 30.0, float,
            "seconds a /sparql query may run; then its process is killed: 503 + Retry-After", limit=True),
    Setting("MAX_ROWS", "CONFLICTKG_MAX_ROWS", 10_000, int,
            "solutions (or triples) in one /sparql answer; the rest are cut and the header X-SPARQL-MaxRows says so",
            limit=True),
    Setting("MAX_CONTENT_LENGTH", "CONFLICTKG_MAX_BODY", 1_000_000, int, "bytes of a request body: 413", limit=True),
    Setting("MAX_UPLOAD", "CONFLICTKG_MAX_UPLOAD", 100_000_000, int, "bytes of a POST /store body: 413", limit=True),
    Setting("MAX_URL", "CONFLICTKG_MAX_URL", 8190, int, "bytes of a request's path and query string: 414", limit=True),
    Setting("MAX_DEPTH", "CONFLICTKG_MAX_DEPTH", 100, int,
            "levels of nesting in a query, an update, a JSON-LD or RDF/XML body: 400", limit=True),
    Setting("QUERY_PROCESSES", "CONFLICTKG_QUERY_PROCESSES", 2 * (os.cpu_count() or 1), int,
            "/sparql queries evaluated at once, each in its own process (0: in the server's threads, "
            "with no time limit)", limit=True),
    Setting("QUEUE_WAIT", "CONFLICTKG_QUEUE_WAIT", 2.0, float,
            "seconds a query waits for a free process: then 503 + Retry-After", limit=True),
    Setting("QUERY_MEMORY", "CONFLICTKG_QUERY_MEMORY", 2_000_000_000, int,
            "bytes a query's process may allocate beyond the server's size: then 503", limit=True),
    Setting("READ_TIMEOUT", "CONFLICTKG_READ_TIMEOUT", 10.0, float,
            "seconds `conflictkg serve` waits for a request's headers and body; a slower client is cut off", limit=True),
    Setting("ASSETS_DIR", "CONFLICTKG_ASSETS", None, Path,
            "the node_modules folder the pages' libraries (map, network) are served from (default: the "
            "checkout's, which `make install` fills from package-lock.json)", default_factory=_checkout_assets),
)}


def setting(name: str, environ: Mapping[str, str] | None = None) -> Any:
    """The value of setting ``name`` from ``environ`` (by default the process's environment)."""
    found = SETTINGS[name]
    environ = os.environ if environ is None else environ
    text = environ.get(found.env)
    if text == "" and found.empty_is_off:
        return None
    if not text:
        return found.default_factory(environ) if found.default_factory else found.default
    try:
        return found.type(text)
    except ValueError:
        kind = "a number" if found.type in (int, float) else f"a {found.type.__name__}"
        raise SettingError(f"{found.env}={text!r} is not {kind}") from None
