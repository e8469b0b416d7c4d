"""Dates as news articles write them, resolved against the publication date.

"On January 16, 2024" is stated; "on Thursday", "yesterday", "last month" are resolved against the
day the article was published (with ``dateparser``); "a day earlier", "two days later" against
the date the article last named.

>>> import datetime as dt
>>> finder = DateFinder(dt.date(2024, 1, 18))
>>> [(d.date, d.basis) for d in finder.find("On January 16, 2024, Iran struck. A day earlier, it had struck Idlib.")]
[('2024-01-16', 'stated'), ('2024-01-15', 'resolved')]
>>> [d.date for d in finder.find("Pakistan struck on Thursday.")]  # the article's own day: a Thursday
['2024-01-18']
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from .lexicon import number_value

_MONTHS = "January|February|March|April|May|June|July|August|September|October|November|December"
_MONTH_ABBR = "Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec"
_M = rf"(?:{_MONTHS}|(?:{_MONTH_ABBR})\.?)"
_WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_NUM = r"(?:a|an|one|two|three|four|five|six|seven|eight|nine|ten|\d{1,2})"

_PATTERNS = [
    ("absolute", re.compile(rf"\b{_M}\s+\d{{1,2}}(?:st|nd|rd|th)?(?:,?\s+\d{{4}})?\b")),
    ("absolute", re.compile(rf"\b\d{{1,2}}(?:st|nd|rd|th)?\s+{_M}(?:,?\s+\d{{4}})?\b")),
    ("weekday", re.compile(r"\b(?:on|last|this|late on|early on)\s+(" + "|".join(_WEEKDAYS) + r")\b", re.I)),
    ("anchored", re.compile(rf"\b(?:(?:{_NUM})\s+(?:day|days|week|weeks)|the\s+(?:day|week))\s+"
                            r"(earlier|later|after|before)\b", re.I)),
    ("relative", re.compile(r"\b(?:yesterday|today|last\s+(?:week|month|year)|"
                            rf"(?:{_NUM})\s+(?:days|weeks|months)\s+ago)\b", re.I)),
]


@dataclass(frozen=True)
class FoundDate:
    date: str
    basis: str      # stated (the text gives the full date) or resolved (a relative or year-less one)
    start: int      # offsets in the text searched
    end: int
    text: str


class DateFinder:
    """Finds dates in successive pieces of one article, remembering the last date it named."""

    def __init__(self, published: dt.date) -> None:
        self.published = published
        self.anchor = published

    def find(self, text: str, offset: int = 0) -> list[FoundDate]:
        spans = []
        for kind, pattern in _PATTERNS:
            for m in pattern.finditer(text):
                if any(m.start() < e and s < m.end() for s, e, _, _ in spans):
                    continue
                spans.append((m.start(), m.end(), kind, m))
        out = []
        for start, end, kind, m in sorted(spans, key=lambda s: s[0]):
            found = self._resolve(kind, m)
            if found is None:
                continue
            date, basis = found
            self.anchor = date
            out.append(FoundDate(date.isoformat(), basis, start + offset, end + offset, m.group(0)))
        return out

    def _resolve(self, kind: str, m: re.Match) -> tuple[dt.date, str] | None:
        text = m.group(0)
        if kind == "weekday":
            wanted = _WEEKDAYS.index(m.group(1).lower())
            back = (self.published.weekday() - wanted) % 7
            return self.published - dt.timedelta(days=back), "resolved"
        if kind == "anchored":
            words = text.lower().split()
            count = 1 if words[0] == "the" else number_value(words[0]) if words[0] not in ("a", "an") else 1
            unit = 7 if words[1].startswith("week") else 1
            sign = -1 if words[-1] in ("earlier", "before") else 1
            return self.anchor + dt.timedelta(days=sign * (count or 1) * unit), "resolved"
        import dateparser

        settings = {"RELATIVE_BASE": dt.datetime.combine(self.published, dt.time()),
                    "PREFER_DATES_FROM": "past", "RETURN_AS_TIMEZONE_AWARE": False}
        parsed = dateparser.parse(text, languages=["en"], settings=settings)
        if parsed is None:
            return None
        stated = kind == "absolute" and re.search(r"\d{4}", text) is not None
        return parsed.date(), "stated" if stated else "resolved"
