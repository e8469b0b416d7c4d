"""The HTTP side of pages: ``limit`` and ``cursor`` from the request, and ``next`` in the answer.

The JSON keeps its envelope (``{"strikes": [...]}``) and gains ``next``: the cursor of the next
page, or null on the last (the CLI's ``--json`` prints the same). Every format also carries the
next page's URL in a ``Link: <…>; rel="next"`` header (RFC 8288).
"""

from __future__ import annotations

from urllib.parse import urlencode

from flask import Response, jsonify, request

from conflictkg.graph.domain.paging import Page, check_limit

#: The query parameters every paged route takes besides its filters.
PAGE_PARAMS = ("limit", "cursor")


def page_args() -> dict:
    """``limit`` (checked; a PagingError, a 400, when out of range) and ``cursor`` of the request."""
    return {"limit": check_limit(request.args.get("limit")), "cursor": request.args.get("cursor") or None}


def next_url(page: Page) -> str | None:
    """This request's URL (path and query) asking for the page after ``page``."""
    if page.next is None:
        return None
    args = [(k, v) for k, v in request.args.items(multi=True) if k != "cursor"] + [("cursor", page.next)]
    return f"{request.path}?{urlencode(args)}"


def with_link(response: Response, page: Page) -> Response:
    url = next_url(page)
    if url:
        response.headers["Link"] = f'<{url}>; rel="next"'
    return response


def paged_json(body: dict, page: Page) -> Response:
    """``body`` (the list's envelope) with ``next``, and the Link header."""
    return with_link(jsonify({**body, "next": page.next}), page)
