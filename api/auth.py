"""Writes over HTTP need the update token (see :mod:`conflictkg.graph.auth`)."""

from __future__ import annotations

from flask import current_app, request

from conflictkg.graph.auth import AuthError, check_bearer, update_token

from .errors import Problem


def require_update_token() -> None:
    """Refuse the request unless it carries the server's update token: 401 none, 403 wrong or disabled."""
    try:
        check_bearer(request.headers.get("Authorization"), update_token(current_app.config.get("UPDATE_TOKEN")))
    except AuthError as exc:
        headers = {"WWW-Authenticate": 'Bearer realm="conflictkg"'} if exc.status == 401 else None
        raise Problem(exc.status, str(exc), title=exc.title, headers=headers) from None
