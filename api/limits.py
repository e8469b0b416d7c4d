"""The limits of the HTTP app: the settings (:mod:`conflictkg.graph.settings`) marked ``limit``,
each a ``create_app`` config key, an environment variable and a default.

``create_app({...})`` wins over the environment, the environment over the default. README's
"Security" section lists them (a test checks it names every one with its default).

>>> [limit.env for limit in LIMITS][:3]
['CONFLICTKG_QUERY_TIMEOUT', 'CONFLICTKG_MAX_ROWS', 'CONFLICTKG_MAX_BODY']
"""

from __future__ import annotations

from flask import Flask, request

from conflictkg.graph.settings import SETTINGS, setting

from .errors import Problem

#: The limits, in the settings' order.
LIMITS = tuple(found for found in SETTINGS.values() if found.limit)


def defaults() -> dict:
    """Each limit from its environment variable, or its default; a bad value stops the start
    (:class:`~conflictkg.graph.settings.SettingError`, a ``ValueError``)."""
    return {limit.name: setting(limit.name) for limit in LIMITS}


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
