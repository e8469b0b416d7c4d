"""The update token: who may write over HTTP, on the server's side and the client's.

Writes over HTTP (``POST /sparql/update``, ``POST /store``) need ``Authorization: Bearer <token>``
with the token the server was started with (``$CONFLICTKG_UPDATE_TOKEN``). No token configured
means no writes at all. The comparison takes the same time wherever the tokens differ.

>>> check_bearer("Bearer s3cret", "s3cret")
>>> check_bearer("Bearer guess", "s3cret")
Traceback (most recent call last):
...
conflictkg.graph.auth.AuthError: wrong token
>>> bearer_headers("s3cret")
{'Authorization': 'Bearer s3cret'}
"""

from __future__ import annotations

import hmac

from .settings import SETTINGS, setting

ENV = SETTINGS["UPDATE_TOKEN"].env


class AuthError(Exception):
    """A write without the right token; ``status`` is 401 (none sent) or 403 (wrong, or writes disabled)."""

    def __init__(self, status: int, message: str, title: str) -> None:
        super().__init__(message)
        self.status, self.title = status, title


def update_token(configured: str | None = None) -> str | None:
    """The token writes need: the configured one, else ``$CONFLICTKG_UPDATE_TOKEN``; None when neither."""
    return configured or setting("UPDATE_TOKEN")


def bearer_headers(token: str | None = None) -> dict[str, str]:
    """The header a client sends to write (empty when there is no token to send)."""
    token = update_token(token)
    return {"Authorization": f"Bearer {token}"} if token else {}


def check_bearer(header: str | None, token: str | None) -> None:
    """Accept an ``Authorization`` header carrying ``token``; raise :class:`AuthError` otherwise."""
    if not token:
        raise AuthError(403, f"writes are disabled: start the server with {ENV} set", "Updates disabled")
    scheme, _, given = (header or "").strip().partition(" ")
    if scheme.lower() != "bearer" or not given.strip():
        raise AuthError(401, "send Authorization: Bearer <token>", "Unauthorized")
    # bytes on both sides: compare_digest refuses non-ASCII str, and a header may hold anything
    if not hmac.compare_digest(given.strip().encode("utf-8", "surrogateescape"), token.encode("utf-8")):
        raise AuthError(403, "wrong token", "Forbidden")
