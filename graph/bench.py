"""``conflictkg bench``: each figure beside a reference measured in the same run, as a ratio.

Suites register themselves with :func:`suite`; later features add theirs by defining a module
listed in :data:`OPTIONAL_SUITES` (imported if present). A suite gets the shared
:class:`Context` (the synthetic data, made once) and returns rows: ``name``, ``ours`` and
``reference`` in seconds, the ``goal`` ratio (ours / reference must not exceed it), notes.

>>> report = run_bench(events=300, repeat=1, only=["load"])
>>> [row["name"] for row in report["results"]]
['load 300 events (N-Triples)']
>>> report["results"][0]["ratio"] > 0
True
"""

from __future__ import annotations

import importlib
import io
import os
import platform
import statistics
import time
from dataclasses import dataclass, field
from typing import Callable

import pyoxigraph as ox

from .synth import write_events

#: Modules that may define more suites; absent ones are skipped.
OPTIONAL_SUITES = ("conflictkg.graph.bench_validate", "conflictkg.graph.bench_store",
                   "conflictkg.graph.bench_snapshot", "conflictkg.graph.bench_http")

SUITES: dict[str, Callable[["Context"], list[dict]]] = {}


def suite(name: str):
    """Register a benchmark suite under ``name``."""
    def register(func):
        SUITES[name] = func
        return func
    return register


@dataclass
class Context:
    events: int
    repeat: int
    _data: bytes | None = field(default=None, repr=False)

    @property
    def data(self) -> bytes:
        """The synthetic events as N-Triples, made once per run."""
        if self._data is None:
            buffer = io.StringIO()
            write_events(buffer, self.events)
            self._data = buffer.getvalue().encode("utf-8")
        return self._data

    def time(self, func: Callable[[], object]) -> float:
        """The median wall time of ``repeat`` calls."""
        times = []
        for _ in range(self.repeat):
            start = time.perf_counter()
            func()
            times.append(time.perf_counter() - start)
        return statistics.median(times)


def row(name: str, ours: float, reference: float, goal: float, reference_name: str, **extra) -> dict:
    ratio = ours / reference if reference else float("inf")
    return {"name": name, "ours_s": ours, "reference_s": reference, "reference": reference_name,
            "ratio": round(ratio, 3), "goal": goal, "pass": ratio <= goal, **extra}


@suite("load")
def _load(ctx: Context) -> list[dict]:
    from .store import open_store

    data = ctx.data

    def ours():
        open_store("memory", seed=False).load(data, ox.RdfFormat.N_TRIPLES)

    def raw():
        ox.Store().load(data, format=ox.RdfFormat.N_TRIPLES)

    return [row(f"load {ctx.events} events (N-Triples)", ctx.time(ours), ctx.time(raw), 1.25,
                "pyoxigraph Store.load", triples=data.count(b"\n"))]


class _Recorder:
    """A store that remembers the SPARQL it is asked, to replay it on raw pyoxigraph."""

    def __init__(self, store) -> None:
        self._store = store
        self.queries: list[str] = []

    def __getattr__(self, name):
        return getattr(self._store, name)

    def query(self, sparql: str, **kwargs):
        self.queries.append(sparql)
        return self._store.query(sparql, **kwargs)

    def select(self, sparql: str, **kwargs):
        self.queries.append(sparql)
        return self._store.select(sparql, **kwargs)


@suite("queries")
def _queries(ctx: Context) -> list[dict]:
    from .accusations import accusations
    from .names import label_index
    from .store import open_store
    from .strikes import strikes

    store = open_store("memory")
    store.load(ctx.data, ox.RdfFormat.N_TRIPLES)
    label_index(store)  # built once per store generation; not what is measured
    rows = []
    for name, call in (("strikes(country=Syria)", lambda s: strikes(s, country="Syria")),
                       ("accusations(accuser=Iran)", lambda s: accusations(s, accuser="Iran"))):
        recorder = _Recorder(store)
        found = len(call(recorder))
        texts = [q for q in recorder.queries]

        def raw(texts=texts):
            for text in texts:
                result = store.inner.query(text)
                [tuple(solution) for solution in result]

        rows.append(row(f"{name} at {ctx.events} events", ctx.time(lambda: call(store)), ctx.time(raw), 1.5,
                        "the same SPARQL on raw pyoxigraph, rows materialised", results=found,
                        queries=len(texts)))
    return rows


def machine() -> dict:
    return {"cpus": os.cpu_count(), "python": platform.python_version(), "platform": platform.platform(),
            "pyoxigraph": ox.__version__ if hasattr(ox, "__version__") else "?"}


def run_bench(*, events: int = 100_000, repeat: int = 3, only: list[str] | None = None) -> dict:
    """Run the suites (all, or ``only`` these) and return the report."""
    for module in OPTIONAL_SUITES:
        try:
            importlib.import_module(module)
        except ImportError:
            pass
    unknown = set(only or ()) - set(SUITES)
    if unknown:
        raise ValueError(f"unknown suite(s): {', '.join(sorted(unknown))}; known: {', '.join(sorted(SUITES))}")
    ctx = Context(events=events, repeat=repeat)
    results = []
    for name, func in SUITES.items():
        if only and name not in only:
            continue
        for result in func(ctx):
            results.append({"suite": name, **result})
    return {"machine": machine(), "events": events, "repeat": repeat, "results": results}
