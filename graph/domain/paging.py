"""Pages of the list answers: ``limit`` rows after an opaque cursor.

A cursor is the sort key of the last row a page answered (keyset paging, never an offset), so a
write between two requests neither repeats nor skips a row that was already there: strikes,
accusations and the timeline page on (date, IRI) in SPARQL, so that only a page's events are
described; actors page on (label, IRI), a binary search in their order kept per store version.
A SPARQL engine has no index in date order, so a page of events is looked for a few days at a
time from the cursor's date on, each day an index lookup of the events dated so: a page costs the
same at any depth and any size of graph, where one ORDER BY … LIMIT sorts every event first.
Stored queries are arbitrary SELECTs with their own ORDER BY: they page on the query's own order,
resuming after the last row answered (see docs/design-departures.md).

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
import bisect
import datetime as dt
import hashlib
import json
from dataclasses import dataclass
from typing import Callable, Sequence

import pyoxigraph as ox

from .accusations import accusation_pattern, describe_accusations
from .actors import actor_order, describe_actors
from .names import FilterError
from .queries import StoredResult, run_stored
from .strikes import describe_strikes, strike_pattern
from .timeline import describe_timeline, timeline_pattern
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


#: Days in the first window of dates a page is looked for in; each next window is twice as long, up to the cap.
FIRST_WINDOW, MAX_WINDOW = 8, 1024
#: The most dates one page query looks up.
DATES_PER_QUERY = 8

# an existence test per date: listing every event of a dense window only to keep its dates costs ten times more
_PRESENT = SPARQL_PREFIXES + "SELECT ?d WHERE { VALUES ?d { %s } FILTER EXISTS { ?e ck:date ?d } }"
_BOUNDS = SPARQL_PREFIXES + "SELECT (MIN(STR(?d)) AS ?lo) (MAX(STR(?d)) AS ?hi) WHERE { %s ?e ck:date ?d }"


def _bounds(store: Store, kind: str, pattern: str) -> tuple[dt.date, dt.date] | None:
    """The first and last day an event of ``pattern`` (every event of the list) is dated (a
    year-only date counts as its 1 January), kept per store version: finding them walks them all."""
    version = (id(store), getattr(store, "generation", None))
    cached = _BOUNDS_CACHE.get(kind)
    if cached is not None and cached[0] == version and version[1] is not None:
        return cached[1]
    rows = store.select(_BOUNDS % pattern)
    found = None
    if rows and "lo" in rows[0] and "hi" in rows[0]:
        found = (_day(rows[0]["lo"].value), _day(rows[0]["hi"].value))
    _BOUNDS_CACHE[kind] = (version, found)
    return found


_BOUNDS_CACHE: dict = {}


def _day(key: str) -> dt.date:
    """The day a date's text starts on: ``2024-01-16``, or 1 January for ``2024``."""
    try:
        return dt.date.fromisoformat(key[:10]) if len(key) >= 10 else dt.date(int(key[:4]), 1, 1)
    except ValueError:
        return dt.date.min


def window(first: dt.date, days: int) -> list[str]:
    """The SPARQL literals of the dates from ``first`` for ``days`` days, each year-only date just
    before the 1 January it sorts before.

    >>> window(dt.date(2023, 12, 31), 2)
    ['"2023-12-31"^^xsd:date', '"2024"^^xsd:gYear', '"2024-01-01"^^xsd:date']
    """
    out = []
    for n in range(days):
        day = first + dt.timedelta(days=n)
        if (day.month, day.day) == (1, 1) or n == 0 and day == dt.date(day.year, 1, 1):
            out.append(f'"{day.year:04d}"^^xsd:gYear')
        out.append(f'"{day.isoformat()}"^^xsd:date')
    return list(dict.fromkeys(out))


def _keyset_page(store: Store, kind: str, pattern_for: Callable[..., str], limit: int, cursor: str | None, *,
                 dated: bool, describe: Callable[[Store, str], list[dict]], date_from: str | None = None,
                 date_to: str | None = None) -> Page:
    """A page found window by window of dates: each window's events are looked up by their dates
    (an index lookup per day) rather than sorting every event to find the first hundred; then,
    for accusations, the undated ones by IRI."""
    after = decode_cursor(kind, cursor, 2)
    date_clause = "" if dated else "OPTIONAL { ?e ck:date ?date }"
    wanted = limit + 1
    keys: list = []
    bounds = _bounds(store, kind, pattern_for(unfiltered=True))
    if bounds is not None and not (after is not None and after[0] is None):
        first, last = bounds
        start = _day(after[0]) if after is not None else first
        if date_from:
            start = max(start, _day(date_from))
        if date_to:
            last = min(last, _day(date_to))
        days = FIRST_WINDOW
        while start <= last and len(keys) < wanted:
            span = min(days, (last - start).days + 1)
            # the dates some event has (a date no event has makes the engine plan the join badly);
            # an empty window makes the next one twice as long
            present = sorted((row["d"].value, str(row["d"]))
                             for row in store.select(_PRESENT % " ".join(window(start, span))))
            start += dt.timedelta(days=span)
            days = FIRST_WINDOW if present else min(days * 2, MAX_WINDOW)
            # one date, then twice as many per query: a page of a dense graph (hundreds of events a
            # day) sorts one day's events, not a window's; past about ten dates, the engine joins by
            # scanning instead of looking up
            n, per = 0, 1
            while n < len(present) and len(keys) < wanted:
                chunk = [literal for _, literal in present[n:n + per]]
                n, per = n + per, min(per * 2, DATES_PER_QUERY)
                rows = store.select(keyset_query(pattern_for(dates=chunk), after, wanted - len(keys),
                                                 date_clause=date_clause))
                keys += [(row["e"], row["date"] if "date" in row else None) for row in rows]
                if rows:
                    after = [keys[-1][1].value, keys[-1][0].value]
    if not dated and len(keys) < wanted:  # the undated accusations, after every dated one
        after_iri = after[1] if after is not None and after[0] is None else None
        keyset = f"FILTER(STR(?e) > {_lit(after_iri)})" if after_iri else ""
        rows = store.select(SPARQL_PREFIXES + f"SELECT ?e WHERE {{ {pattern_for(undated=True)} {keyset} }} "
                            f"ORDER BY STR(?e) LIMIT {wanted - len(keys)}")
        keys += [(row["e"], None) for row in rows]
    more, keys = len(keys) > limit, keys[:limit]
    if dated:  # the page's events and their dates, as the full pattern would bind them
        values = " ".join(f"({e} {d})" for e, d in keys)
        page_pattern = f"{{ VALUES (?e ?date) {{ {values} }} }}"
    else:
        page_pattern = "{ VALUES ?e { " + " ".join(str(e) for e, _ in keys) + " } }"
    items = describe(store, page_pattern) if keys else []
    last_key = keys[-1] if keys else None
    token = (encode_cursor(kind, [last_key[1].value if last_key[1] is not None else None, last_key[0].value])
             if more else None)
    return Page(items, token)


def strikes_page(store: Store, *, limit: int = DEFAULT_LIMIT, cursor: str | None = None, **filters) -> Page:
    """A page of ``/api/strikes`` (the filters of :func:`~.strikes.strikes`)."""
    strike_pattern(store, **filters)  # a bad filter is refused before anything else
    return _keyset_page(store, "strikes", lambda unfiltered=False, **more: strike_pattern(
                            store, **({} if unfiltered else filters), **more), limit, cursor,
                        dated=True, describe=describe_strikes, date_from=filters.get("date_from"),
                        date_to=filters.get("date_to"))


def accusations_page(store: Store, *, limit: int = DEFAULT_LIMIT, cursor: str | None = None, **filters) -> Page:
    """A page of ``/api/accusations``: dated ones first, by date, then the undated ones."""
    accusation_pattern(store, **filters)
    return _keyset_page(store, "accusations", lambda unfiltered=False, **more: accusation_pattern(
                            store, **({} if unfiltered else filters), **more), limit,
                        cursor, dated=False, describe=describe_accusations)


# -- keyset pages over lists built in Python ---------------------------------------------------

def _slice(kind: str, items: list, key: Callable, limit: int, cursor: str | None, size: int) -> tuple[list, str | None]:
    after = decode_cursor(kind, cursor, size)
    if after is not None:
        after = tuple(after)
        items = [i for i in items if key(i) > after]
    page, more = items[:limit], len(items) > limit
    return page, (encode_cursor(kind, key(page[-1])) if more else None)


def actors_page(store: Store, *, limit: int = DEFAULT_LIMIT, cursor: str | None = None, type: str | None = None) -> Page:
    """A page of ``/api/actors``, by label then IRI: a binary search in the actors' order (kept per
    store version), and only the page's actors described."""
    keys, nodes = actor_order(store, type=type)
    after = decode_cursor("actors", cursor, 2)
    if after is not None and not all(isinstance(part, str) for part in after):
        raise PagingError(f"cursor: {cursor[:40]!r} is not a cursor of this list (use the 'next' of its last page)")
    start = bisect.bisect_right(keys, tuple(after)) if after is not None else 0
    page = nodes[start:start + limit]
    token = encode_cursor("actors", keys[start + limit - 1]) if start + limit < len(nodes) else None
    return Page(describe_actors(store, page), token)


def timeline_page(store: Store, *, limit: int = DEFAULT_LIMIT, cursor: str | None = None) -> Page:
    """A page of ``/api/timeline``, by the date's text then IRI (the timeline's own order): found
    window by window of dates as strikes are, and only the page's events described."""
    return _keyset_page(store, "timeline", lambda unfiltered=False, **more: timeline_pattern(store, **more),
                        limit, cursor, dated=True, describe=describe_timeline)


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
