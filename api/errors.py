"""Every error the app returns is RFC 7807 ``application/problem+json``, registered in one place."""

from __future__ import annotations

import math

from flask import Flask, Response, json
from werkzeug.exceptions import HTTPException, InternalServerError

from conflictkg.graph.domain.paging import PagingError
from conflictkg.graph.domain.resource import UnknownResource
from conflictkg.graph.store.executor import EngineStopped, Overloaded
from conflictkg.graph.write.gate import ReadOnly, Refused
from conflictkg.graph.store import QueryTimeout, StoreError

#: How long a client is asked to wait after a 503 for a busy server.
RETRY_AFTER = 2

PROBLEM = "application/problem+json"


class Problem(HTTPException):
    """An HTTP error with a problem title and detail, raised anywhere in the app."""

    def __init__(self, status: int, detail: str, *, title: str | None = None, headers: dict | None = None,
                 extra: dict | None = None) -> None:
        super().__init__(description=detail)
        self.code = status
        self.title = title
        self.extra_headers = headers or {}
        self.extra = extra or {}


def ambiguous(exc) -> Problem:
    """A name that should pick one node and names several (:class:`~conflictkg.graph.domain.names.AmbiguousName`):
    a 409 listing the candidates, so a client can ask again by IRI."""
    return Problem(409, str(exc), title="Ambiguous name", extra={"candidates": exc.candidates})


def problem_response(status: int, title: str, detail: str, *, headers: dict | None = None,
                     extra: dict | None = None) -> Response:
    body = {"type": "about:blank", "title": title, "status": status, "detail": detail, **(extra or {})}
    response = Response(json.dumps(body), status=status, mimetype=PROBLEM)
    for key, value in (headers or {}).items():
        response.headers[key] = value
    return response


def _from_http_exception(exc: HTTPException) -> Response:
    status = exc.code or 500
    title = getattr(exc, "title", None) or exc.name
    headers = dict(getattr(exc, "extra_headers", {}) or {})
    if status == 405 and exc.get_response().headers.get("Allow"):
        headers["Allow"] = exc.get_response().headers["Allow"]
    return problem_response(status, title, exc.description or title, headers=headers,
                            extra=getattr(exc, "extra", None))


def register(app: Flask) -> None:
    app.register_error_handler(HTTPException, _from_http_exception)

    # the write path's refusals, whatever route the write came by
    @app.errorhandler(Refused)
    def _refused(exc: Refused) -> Response:
        return problem_response(422, "The write violates the shapes", str(exc), extra={"report": exc.report.as_json()})

    @app.errorhandler(PagingError)
    def _bad_page(exc: PagingError) -> Response:
        return problem_response(400, "Bad page parameter", str(exc))

    @app.errorhandler(ReadOnly)
    def _read_only(exc: ReadOnly) -> Response:
        return problem_response(422, exc.title, str(exc))

    @app.errorhandler(UnknownResource)
    def _unknown_resource(exc: UnknownResource) -> Response:
        return problem_response(404, "Unknown resource", str(exc))

    # a query that could not be answered in time or in memory: the client may try again later
    @app.errorhandler(QueryTimeout)
    def _timeout(exc: QueryTimeout) -> Response:
        return problem_response(503, "Query timeout", f"{exc}; simplify it, or add a LIMIT",
                                headers={"Retry-After": str(math.ceil(exc.seconds))})

    @app.errorhandler(Overloaded)
    @app.errorhandler(EngineStopped)
    def _unavailable(exc: StoreError) -> Response:
        return problem_response(503, "Service unavailable", str(exc), headers={"Retry-After": str(RETRY_AFTER)})

    @app.errorhandler(TimeoutError)
    @app.errorhandler(ConnectionError)
    def _slow_client(exc: OSError) -> Response:
        # the server's read deadline passed (or the client went away) while a route read the body
        return problem_response(408, "Request timeout", "the request body did not arrive in time",
                                headers={"Connection": "close"})

    @app.errorhandler(Exception)
    def _unexpected(exc: Exception) -> Response:  # pragma: no cover - a bug, reported as such
        app.logger.exception("unhandled error")
        return _from_http_exception(InternalServerError())
