"""The child process of a load row of the ``store`` suite (:mod:`.suite_store`).

``python -m benchmarks.load_child SPEC FILE`` is ``conflictkg load FILE --store SPEC`` with
the gate's phases timed, printed as one line of JSON. It imports no more than the command does
(but for the shapes' compiler, which the command imports while it parses), so the wall time
measured from outside is the command's own.
"""

from __future__ import annotations

import json
import sys
import time
from typing import Callable


def load_child(spec: str, path: str) -> None:
    """Run the load, timing the gate's steps by wrapping them, if it still has them: the figures stay
    honest (the wall time is measured from outside) even if the gate changes."""
    from conflictkg.cli import main

    from conflictkg.graph.shacl import validation
    from conflictkg.graph.write import gate
    from conflictkg.graph.store import Store

    phases: dict[str, float] = {}

    def timed(label: str, func: Callable) -> Callable:
        def wrapper(*args, **kwargs):
            began = time.perf_counter()
            try:
                return func(*args, **kwargs)
            finally:
                phases[label] = phases.get(label, 0.0) + time.perf_counter() - began
        return wrapper

    for module, name, label in ((gate, "_parse", "parse_s"), (gate, "_copy", "copy_store_s"),
                                (gate, "_neighbourhood", "fetch_neighbourhood_s"), (validation, "validate", "validate_s")):
        if hasattr(module, name):
            setattr(module, name, timed(label, getattr(module, name)))
    # (a big load on disk is written while it is checked: then commit_s overlaps the others)
    for name in ("add_quads", "replace", "flush", "bulk_load"):
        setattr(Store, name, timed("commit_s", getattr(Store, name)))
    began = time.perf_counter()
    main(["load", path, "--store", spec, "--no-progress"], standalone_mode=False)
    phases["in_process_s"] = time.perf_counter() - began
    print(json.dumps({k: round(v, 3) for k, v in phases.items()}))


if __name__ == "__main__":
    load_child(sys.argv[1], sys.argv[2])
