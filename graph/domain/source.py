"""The source article: raw bytes, their checksum, and a normalized text for evidence.

The article hides Cyrillic look-alike letters inside Latin words ("Israеl" with U+0435).
We keep the raw bytes (and their SHA-256) untouched, and derive a normalized text in
which every letter of another script that Unicode's TR39 data lists as confusable with
a Latin letter is folded to that Latin letter. Folding is one character for one, so
offsets in the normalized text are offsets in the decoded raw text too.

>>> fold_confusables("Israеl")          # the e is CYRILLIC SMALL LETTER IE
'Israel'
>>> fold_confusables("Тегеран")         # a word wholly in another script is left alone
'Тегеран'
>>> src = article()
>>> src.text[src.text.index("Koh-e-Sabz"):][:10]
'Koh-e-Sabz'
>>> src.folded["CYRILLIC SMALL LETTER IE -> e"] > 500
True
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources

from conflictkg.data import ARTICLE_FILE

#: The seed article shipped with the package (a copy of shared/seed/).
ARTICLE_IRI = "https://w3id.org/conflictkg/id/source/8ab5812bc5fd3f74"
ARTICLE_TITLE = "Testing Deterrence: Motivations behind De-escalation between Iran and Pakistan Following Tit-for-Tat Attacks"
ARTICLE_DATE = "2024-01-31"

_WORD = re.compile(r"\w+")
_NEUTRAL_SCRIPTS = {"LATIN", "COMMON", "INHERITED"}


@dataclass(frozen=True)
class Source:
    """A source text: raw bytes, checksum, normalized text and what folding changed."""

    iri: str
    raw: bytes
    sha256: str
    text: str
    folded: Counter = field(default_factory=Counter)

    def find(self, quote: str, occurrence: int = 1) -> tuple[int, int]:
        """The ``(start, end)`` offsets of the n-th occurrence of ``quote`` in the normalized text.

        >>> article().find("Jaish al Adl")[1] - article().find("Jaish al Adl")[0]
        12
        """
        start = -1
        for _ in range(occurrence):
            start = self.text.find(quote, start + 1)
            if start < 0:
                raise LookupError(f"quote not found in the normalized source (occurrence {occurrence}): {quote!r}")
        return start, start + len(quote)

    def count(self, quote: str) -> int:
        return self.text.count(quote)


@lru_cache(maxsize=1)
def _unicode_tables():
    """confusable_homoglyphs' ``categories`` and ``confusables``, imported when a word that is not
    ASCII first needs them: on import it loads urllib and http.client, 45 ms of every command."""
    from confusable_homoglyphs import categories, confusables

    return categories, confusables


def _latin_twin(char: str) -> str | None:
    """The Latin letter ``char`` is confusable with, or None."""
    categories, confusables = _unicode_tables()
    if categories.alias(char) in _NEUTRAL_SCRIPTS:
        return None
    found = confusables.is_confusable(char, greedy=True, preferred_aliases=["latin"])
    for entry in found or ():
        for glyph in entry["homoglyphs"]:
            twin = glyph["c"]
            if len(twin) == 1 and categories.alias(twin) == "LATIN":
                return twin
    return None


@lru_cache(maxsize=None)
def _twin_cached(char: str) -> str | None:
    return _latin_twin(char)


def fold_confusables(text: str, report: Counter | None = None) -> str:
    """Fold look-alike letters to Latin inside words that mix them with Latin letters.

    A word written wholly in another script (a Cyrillic name) is kept as it is: only the
    disguised letters of a Latin word are folded. ``report`` counts what was folded.
    """

    def fold_word(match: re.Match) -> str:
        word = match.group(0)
        if word.isascii():
            return word
        categories, _ = _unicode_tables()
        scripts = {categories.alias(c) for c in word if c.isalpha()} - _NEUTRAL_SCRIPTS
        if not scripts or not any(categories.alias(c) == "LATIN" for c in word if c.isalpha()):
            return word
        out = []
        for char in word:
            twin = _twin_cached(char)
            if twin is None:
                out.append(char)
                continue
            out.append(twin)
            if report is not None:
                report[f"{unicodedata.name(char)} -> {twin}"] += 1
        return "".join(out)

    return _WORD.sub(fold_word, text)


def mixed_script(text: str) -> bool:
    """True when some word of ``text`` mixes Latin letters with letters of another script.

    >>> mixed_script("Israеl"), mixed_script("Israel"), mixed_script("Тегеран Tehran")
    (True, False, False)
    """
    for word in _WORD.findall(text):
        if word.isascii():  # Latin letters and digits only
            continue
        categories, _ = _unicode_tables()
        scripts = {categories.alias(c) for c in word if c.isalpha()}
        if "LATIN" in scripts and scripts - _NEUTRAL_SCRIPTS:
            return True
    return False


def load_source(raw: bytes, iri: str) -> Source:
    folded: Counter = Counter()
    text = fold_confusables(raw.decode("utf-8"), folded)
    return Source(iri=iri, raw=raw, sha256=hashlib.sha256(raw).hexdigest(), text=text, folded=folded)


@lru_cache(maxsize=1)
def article() -> Source:
    """The seed article, read from the package data."""
    raw = resources.files("conflictkg.data").joinpath(ARTICLE_FILE).read_bytes()
    return load_source(raw, ARTICLE_IRI)
