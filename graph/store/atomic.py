"""Files written whole or not at all, so that a reader (another process) never sees half of one."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path


def write_atomically(path: Path, data: bytes) -> None:
    """Write via a temporary file beside ``path``, synced, then a rename (atomic on POSIX).

    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     write_atomically(Path(tmp) / "a.txt", b"whole")
    ...     (Path(tmp) / "a.txt").read_bytes(), [p.name for p in Path(tmp).iterdir()]
    (b'whole', ['a.txt'])
    """
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        os.chmod(tmp, 0o644)  # mkstemp's 0600 would hide the file from the server's other users
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
