"""The limits of the HTTP app: each is a ``create_app`` config key, an environment variable and a default.

``create_app({...})`` wins over the environment, the environment over the default. README's
"Security" section lists them (a test checks it names every one with its default).

>>> [limit.env for limit in LIMITS][:3]
['CONFLICTKG_QUERY_TIMEOUT', 'CONFLICTKG_MAX_ROWS', 'CONFLICTKG_MAX_BODY']
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Callable

from flask import Flask, request

from .errors import Problem


@dataclass(frozen=True)
class Limit:
    key: str
    env: str
    default: float | int
    cast: Callable
    meaning: str


LIMITS = (
    Limit("QUERY_TIMEOUT", "CONFLICTKG_QUERY_TIMEOUT", 30.0, float,
          "seconds a /sparql query may run; then its process is killed: 503 + Retry-After"),
    Limit("MAX_ROWS", "CONFLICTKG_MAX_ROWS", 10_000, int,
          "solutions (or triples) in one /sparql answer; the rest are cut and the header X-SPARQL-MaxRows says so"),
    Limit("MAX_CONTENT_LENGTH", "CONFLICTKG_MAX_BODY", 1_000_000, int, "bytes of a request body: 413"),
    Limit("MAX_UPLOAD", "CONFLICTKG_MAX_UPLOAD", 100_000_000, int, "bytes of a POST /store body: 413"),
    Limit("MAX_URL", "CONFLICTKG_MAX_URL", 8190, int, "bytes of a request's path and query string: 414"),
    Limit("MAX_DEPTH", "CONFLICTKG_MAX_DEPTH", 100, int,
          "levels of nesting in a query, an update, a JSON-LD or RDF/XML body: 400"),
    Limit("QUERY_PROCESSES", "CONFLICTKG_QUERY_PROCESSES", 2 * (os.cpu_count() or 1), int,
          "/sparql queries evaluated at once, each in its own process (0: in the server's threads, "
          "with no time limit)"),
    Limit("QUEUE_WAIT", "CONFLICTKG_QUEUE_WAIT", 2.0, float,
          "seconds a query waits for a free process: then 503 + Retry-After"),
    Limit("QUERY_MEMORY", "CONFLICTKG_QUERY_MEMORY", 2_000_000_000, int,
          "bytes a query's process may allocate beyond the server's size: then 503"),
    Limit("READ_TIMEOUT", "CONFLICTKG_READ_TIMEOUT", 10.0, float,
          "seconds `conflictkg serve` waits for a request's headers and body; a slower client is cut off"),
)


def defaults() -> dict:
    """Each limit from its environment variable, or its default; a bad value stops the start."""
    values = {}
    for limit in LIMITS:
        raw = os.environ.get(limit.env)
        try:
            values[limit.key] = limit.default if raw in (None, "") else limit.cast(raw)
        except ValueError:
            raise ValueError(f"{limit.env}={raw!r} is not a number") from None
    return values


def register(app: Flask) -> None:
    """Refuse an over-long URL, or a query string that is not UTF-8, before any route reads it."""

    @app.before_request
    def _url():
        size = len(request.environ.get("PATH_INFO", "")) + len(request.environ.get("QUERY_STRING", ""))
        if size > app.config["MAX_URL"]:
            raise Problem(414, f"the URL is {size} bytes long, more than {app.config['MAX_URL']}; "
                               "send a long query in a POST body", title="URI too long")
        try:
            request.query_string.decode("utf-8")  # werkzeug would fail on raw bytes that are not
        except UnicodeDecodeError:
            raise Problem(400, "the query string is not UTF-8 (percent-encode its bytes)", title="Bad encoding") from None


def request_body() -> bytes:
    """The body, refused with 413 past the request's limit however it was sent. A chunked body has
    no Content-Length: werkzeug stops reading it at the limit and says nothing, so one more byte
    is asked for, which makes werkzeug raise its 413."""
    data = request.get_data()
    limit = request.max_content_length
    if limit is not None and request.content_length is None and len(data) >= limit:
        request.stream.read(1)
    return data
