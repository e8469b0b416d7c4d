"""The seed graph as N-Triples, kept between processes.

Building the seed reads the YAML, folds the article's look-alike letters and finds every quote:
0.1 s, paid by every command on the in-memory store (``conflictkg strikes``, a load, a test) where
reading the result back costs a millisecond. The file is named by a hash of everything that goes
into it (the data files, the modules that build it, the engine's version), so an edit to any of
them builds a new one; nothing is ever read from a file whose inputs changed.

Kept in ``$CONFLICTKG_CACHE_DIR``, else ``$XDG_CACHE_HOME/conflictkg``, else ``~/.cache/conflictkg``;
``CONFLICTKG_CACHE_DIR=`` (empty) turns it off. A cache that cannot be read or written is not an
error: the seed is built, as it would be without one.

>>> seed_ntriples() == __import__("conflictkg.graph.domain.seed", fromlist=["x"]).build_seed_ntriples()
True
"""

from __future__ import annotations

import hashlib
from functools import lru_cache
from importlib import resources
from pathlib import Path

import pyoxigraph as ox

from conflictkg.data import ARTICLE_FILE, SEED_FILE

from .atomic import write_atomically
from ..settings import setting

#: What the seed is built from, besides the data files: these modules' source.
_BUILDERS = ("domain/seed.py", "domain/source.py", "vocab.py")


def cache_dir() -> Path | None:
    """Where built files are kept, or None when the cache is turned off."""
    return setting("CACHE_DIR")


def _key() -> str:
    digest = hashlib.sha256(ox.__version__.encode())
    data = resources.files("conflictkg.data")
    for name in (SEED_FILE, ARTICLE_FILE):
        digest.update(data.joinpath(name).read_bytes())
    here = Path(__file__).parents[1]  # graph/
    for name in _BUILDERS:
        digest.update((here / name).read_bytes())
    return digest.hexdigest()[:24]


@lru_cache(maxsize=1)
def seed_ntriples() -> bytes:
    """The seed graph as N-Triples: read from the cache, or built (and then kept)."""
    folder = cache_dir()
    path = folder / f"seed-{_key()}.nt" if folder is not None else None
    if path is not None:
        try:
            return path.read_bytes()
        except OSError:
            pass
    from ..domain.seed import build_seed_ntriples  # late: only a miss needs the YAML and the builder

    text = build_seed_ntriples()
    if path is not None:
        _keep(path, text)
    return text


def _keep(path: Path, text: bytes) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        write_atomically(path, text)
    except OSError:
        pass  # not kept: the next process builds it again
