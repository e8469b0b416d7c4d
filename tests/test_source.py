"""The source article: raw bytes kept, look-alike letters folded, offsets preserved."""

import hashlib
from pathlib import Path

from conflictkg.graph.domain.source import article, fold_confusables, mixed_script

SHARED = Path(__file__).resolve().parents[1].parent / "shared" / "seed" / "000_8ab5812bc5fd3f74.txt"


def test_raw_bytes_and_checksum_are_the_shipped_article():
    src = article()
    assert src.sha256 == hashlib.sha256(src.raw).hexdigest()
    if SHARED.exists():  # the package ships its own copy; it must be the shared seed byte for byte
        assert src.raw == SHARED.read_bytes()


def test_folding_removes_every_disguised_letter_and_keeps_offsets():
    src = article()
    raw_text = src.raw.decode("utf-8")
    assert len(src.text) == len(raw_text)
    assert mixed_script(raw_text) and not mixed_script(src.text)
    changed = [(a, b) for a, b in zip(raw_text, src.text) if a != b]
    assert len(changed) == sum(src.folded.values())
    assert {a for a, _ in changed} == {"\u0435", "\u043e", "\u0430"}  # Cyrillic е, о, а
    assert all(b in "eoa" for _, b in changed)
    assert "Israel" in src.text and "Isra\u0435l" in raw_text


def test_fold_keeps_words_of_one_foreign_script():
    assert fold_confusables("Москва Mоscow") == "Москва Moscow"
