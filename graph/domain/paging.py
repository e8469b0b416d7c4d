"""Pages of the list answers: ``limit`` rows after an opaque cursor.

A cursor is the sort key of the last row a page answered (keyset paging, never an offset), so a
write between two requests neither repeats nor skips a row that was already there: strikes and
accusations page on (date, IRI) in SPARQL, so that only a page's events are described; actors page
on (label, IRI) and the timeline on (date, IRI). Stored queries are arbitrary SELECTs with their
own ORDER BY: they page on the query's own order, resuming after the last row answered (see
docs/design-departures.md).

>>> from conflictkg.graph.store import open_store
>>> store = open_store("memory")
>>> first = strikes_page(store, limit=2)
>>> [s["date"] for s in first.items], first.next is not None
(['2020-01-03', '2023-12-15'], True)
>>> [s["date"] for s in strikes_page(store, limit=2, cursor=first.next).items]
['2023-12-25', '2024-01-03']
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
from dataclasses import dataclass
from typing import Callable, Sequence

import pyoxigraph as ox

from .accusations import accusation_pattern, describe_accusations
from .actors import actor_nodes, describe_actors
from .names import FilterError, label_index
from .queries import StoredResult, run_stored
from .strikes import describe_strikes, strike_pattern
from .timeline import timeline
from ..store import Store
from ..vocab import SPARQL_PREFIXES

#: Rows a page holds when the client names no ``limit``, and the most it may ask for.
DEFAULT_LIMIT = 100
MAX_LIMIT = 10_000


class PagingError(FilterError):
    """A ``limit`` out of range or a cursor this server did not make (a client's error)."""


@dataclass(frozen=True)
class Page:
    """One page of a list answer: its rows and the cursor of the next page (None on the last)."""

    items: list
    next: str | None = None


def check_limit(value: int | str | None) -> int:
    """A page size from a client: an integer from 1 to :data:`MAX_LIMIT`; None means the default.

    >>> check_limit("20"), check_limit(None)
    (20, 100)
    >>> check_limit("0")
    Traceback (most recent call last):
    ...
    conflictkg.graph.domain.paging.PagingError: limit: '0' is not a whole number from 1 to 10000
    """
    if value is None or value == "":
        return DEFAULT_LIMIT
    try:
        limit = int(value)
    except (TypeError, ValueError):
        limit = 0
    if not 1 <= limit <= MAX_LIMIT or str(value).strip() not in (str(limit), f"+{limit}"):
        raise PagingError(f"limit: {str(value)!r} is not a whole number from 1 to {MAX_LIMIT}")
    return limit


def encode_cursor(kind: str, key: Sequence[str | int | None]) -> str:
    """An opaque, URL-safe token holding a list's name and the sort key of the row a page ended on."""
    raw = json.dumps([kind, list(key)], separators=(",", ":"), ensure_ascii=False).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(kind: str, token: str | None, size: int) -> list | None:
    """The sort key in ``token``; :class:`PagingError` when it is not a cursor of list ``kind``."""
    if token in (None, ""):
        return None
    try:
        found, key = json.loads(base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)))
        ok = found == kind and isinstance(key, list) and len(key) == size and all(
            v is None or isinstance(v, (str, int)) for v in key)
    except (ValueError, TypeError, binascii.Error, UnicodeDecodeError):
        ok = False
    if not ok:
        raise PagingError(f"cursor: {token[:40]!r} is not a cursor of this list (use the 'next' of its last page)")
    return key


# -- keyset pages in SPARQL --------------------------------------------------------------------

def _lit(text: str) -> str:
    return str(ox.Literal(text))


def keyset_query(pattern: str, after: list | None, limit: int, *, date_clause: str = "") -> str:
    """The SELECT of one page's ``?e ?date`` keys: dated rows first by the date's text, then by IRI,
    strictly after the key ``after`` ([date or None, IRI]). The sort key is one string (Virtuoso
    refuses an expression over BOUND in ORDER BY)."""
    keyset = ""
    if after is not None:
        date, node = after
        key = _lit("1" if date is None else "0" + date)
        keyset = f"FILTER(?k > {key} || (?k = {key} && STR(?e) > {_lit(node)}))"
    return (SPARQL_PREFIXES + f"SELECT ?e ?date WHERE {{ {pattern}\n{date_clause}\n"
            f'BIND(IF(BOUND(?date), CONCAT("0", STR(?date)), "1") AS ?k)\n{keyset} }}\n'
            f"ORDER BY ?k STR(?e) LIMIT {limit + 1}")


def _keyset_page(store: Store, kind: str, pattern: str, limit: int, cursor: str | None, *, dated: bool,
                 describe: Callable[[Store, str], list[dict]]) -> Page:
    after = decode_cursor(kind, cursor, 2)
    date_clause = "" if dated else "OPTIONAL { ?e ck:date ?date }"
    rows = store.select(keyset_query(pattern, after, limit, date_clause=date_clause))
    keys = [(row["e"], row["date"] if "date" in row else None) for row in rows]
    more, keys = len(keys) > limit, keys[:limit]
    if dated:  # the page's events and their dates, as the full pattern would bind them
        values = " ".join(f"({e} {d})" for e, d in keys)
        page_pattern = f"{{ VALUES (?e ?date) {{ {values} }} }}"
    else:
        page_pattern = "{ VALUES ?e { " + " ".join(str(e) for e, _ in keys) + " } }"
    items = describe(store, page_pattern) if keys else []
    last = keys[-1] if keys else None
    token = encode_cursor(kind, [last[1].value if last[1] is not None else None, last[0].value]) if more else None
    return Page(items, token)


def strikes_page(store: Store, *, limit: int = DEFAULT_LIMIT, cursor: str | None = None, **filters) -> Page:
    """A page of ``/api/strikes`` (the filters of :func:`~.strikes.strikes`)."""
    return _keyset_page(store, "strikes", strike_pattern(store, **filters), limit, cursor, dated=True,
                        describe=describe_strikes)


def accusations_page(store: Store, *, limit: int = DEFAULT_LIMIT, cursor: str | None = None, **filters) -> Page:
    """A page of ``/api/accusations``: dated ones first, by date, then the undated ones."""
    return _keyset_page(store, "accusations", accusation_pattern(store, **filters), limit, cursor, dated=False,
                        describe=describe_accusations)


# -- keyset pages over lists built in Python ---------------------------------------------------

def _slice(kind: str, items: list, key: Callable, limit: int, cursor: str | None, size: int) -> tuple[list, str | None]:
    after = decode_cursor(kind, cursor, size)
    if after is not None:
        after = tuple(after)
        items = [i for i in items if key(i) > after]
    page, more = items[:limit], len(items) > limit
    return page, (encode_cursor(kind, key(page[-1])) if more else None)


def actors_page(store: Store, *, limit: int = DEFAULT_LIMIT, cursor: str | None = None, type: str | None = None) -> Page:
    """A page of ``/api/actors``, by label then IRI; only the page's actors are described."""
    index = label_index(store)
    nodes, token = _slice("actors", actor_nodes(store, type=type), lambda n: (index.labels[n].casefold(), n),
                          limit, cursor, 2)
    return Page(describe_actors(store, nodes), token)


def timeline_page(store: Store, *, limit: int = DEFAULT_LIMIT, cursor: str | None = None) -> Page:
    """A page of ``/api/timeline``, by the date's text then IRI (the timeline's own order)."""
    items, token = _slice("timeline", timeline(store), lambda e: (e["date"], e["iri"]), limit, cursor, 2)
    return Page(items, token)


def page_of(store: Store, *, items: Callable[[Store], list], kind: str, key: Callable, limit: int = DEFAULT_LIMIT,
            cursor: str | None = None) -> Page:
    """A page of a list built whole in Python, ``items(store)``, sorted by ``key`` (a pair of strings)."""
    rows, token = _slice(kind, sorted(items(store), key=key), key, limit, cursor, 2)
    return Page(rows, token)


def _row_key(row: dict) -> str:
    return hashlib.sha256(json.dumps(row, sort_keys=True, ensure_ascii=False).encode()).hexdigest()[:16]


def stored_page(store: Store, name: str, args: dict[str, str], *, limit: int = DEFAULT_LIMIT,
                cursor: str | None = None) -> tuple[StoredResult, Page]:
    """A page of a stored query's rows, in the query's own order: after the row the last page ended on
    (found again by its values), or at the same position when a write removed that row."""
    after = decode_cursor(f"query:{name}", cursor, 2)
    result = run_stored(store, name, args)
    rows = result.rows
    start = 0
    if after is not None:
        position, last = after
        if not isinstance(position, int) or position < 0:
            raise PagingError("cursor: not a cursor of this list")
        found = [i for i, row in enumerate(rows) if _row_key(row) == last]
        start = min((i + 1 for i in found if i + 1 >= position), default=found[-1] + 1 if found else position)
    page = rows[start:start + limit]
    more = start + limit < len(rows)
    token = encode_cursor(f"query:{name}", [start + len(page), _row_key(page[-1])]) if more and page else None
    return result, Page(page, token)


def every(fetch: Callable[..., Page], *args, limit: int = MAX_LIMIT, **kwargs) -> list:
    """Every row of a paged list, page after page."""
    out, cursor = [], None
    while True:
        page = fetch(*args, limit=limit, cursor=cursor, **kwargs)
        out += page.items
        if page.next is None:
            return out
        cursor = page.next
