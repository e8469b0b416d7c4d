"""The suite's runner: each figure beside a reference measured in the same run, as a ratio.

Suites register themselves with :func:`suite`: the two here (``load``, ``queries``) and one per
module of :data:`SUITE_MODULES`. A suite gets the shared :class:`Context` (the synthetic data,
made once) and returns rows: ``name``, ``ours`` and ``reference`` in seconds, the ``goal`` ratio
(ours / reference must not exceed it), notes.

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
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import pyoxigraph as ox

from conflictkg.graph.domain.synth import write_events

#: The modules of this package that define more suites, imported when the suite runs.
SUITE_MODULES = ("suite_validate", "suite_store", "suite_snapshot", "suite_http", "suite_pages", "suite_remote_load",
                 "suite_list_pages")
#: The checkout the suite lives in: processes it starts import ``benchmarks`` from there.
CHECKOUT = Path(__file__).resolve().parent.parent

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


def _status_kb(field_name: str) -> int:
    with open("/proc/self/status", encoding="ascii") as fh:
        for line in fh:
            if line.startswith(field_name + ":"):
                return int(line.split()[1])
    raise OSError(f"no {field_name} in /proc/self/status")


def measure_forked(func: Callable[[], object]) -> tuple[float, int, object]:
    """Run ``func`` in a forked child: its wall time, the memory it added at its peak (bytes), and what it returned.

    The child starts with the parent's data (copy-on-write), resets its peak-RSS mark and
    reports how far above its starting RSS it went, so each engine is charged for what it
    builds, not for the store both share. Linux only (``/proc``).
    """
    import pickle

    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: measure, report, leave without running the parent's cleanup
        try:
            os.close(read_end)
            with open("/proc/self/clear_refs", "w", encoding="ascii") as fh:
                fh.write("5")  # resets VmHWM to the current RSS
            base = _status_kb("VmRSS")
            start = time.perf_counter()
            value = func()
            outcome = (time.perf_counter() - start, (_status_kb("VmHWM") - base) * 1024, value)
        except BaseException as exc:  # noqa: BLE001 - reported to the parent, which raises it
            outcome = RuntimeError(f"benchmark child failed: {exc!r}")
        with os.fdopen(write_end, "wb") as out:
            pickle.dump(outcome, out)
        os._exit(0)
    os.close(write_end)
    with os.fdopen(read_end, "rb") as inp:
        data = inp.read()
    os.waitpid(pid, 0)
    outcome = pickle.loads(data)
    if isinstance(outcome, Exception):
        raise outcome
    return outcome


def python_module(module: str, *args: str) -> list[str]:
    """The command that runs ``module`` of this package (``python -m benchmarks.<module> ARGS``).

    >>> python_module("load_child", "memory", "x.nt")[1:]
    ['-m', 'benchmarks.load_child', 'memory', 'x.nt']
    """
    return [sys.executable, "-m", f"{__package__}.{module}", *args]


def child_environment() -> dict[str, str]:
    """The environment of a process this suite starts: the checkout first on its import path, since
    the benchmarks are not installed with the package."""
    inherited = os.environ.get("PYTHONPATH")
    return {**os.environ, "PYTHONPATH": os.pathsep.join([str(CHECKOUT), *([inherited] if inherited else [])])}


def row(name: str, ours: float, reference: float, goal: float, reference_name: str, **extra) -> dict:
    ratio = ours / reference if reference else float("inf")
    return {"name": name, "ours_s": ours, "reference_s": reference, "reference": reference_name,
            "ratio": round(ratio, 3), "goal": goal, "pass": ratio <= goal, **extra}


@suite("load")
def _load(ctx: Context) -> list[dict]:
    from conflictkg.graph.store import open_store

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
    from conflictkg.graph.domain.accusations import accusations
    from conflictkg.graph.domain.names import label_index
    from conflictkg.graph.store import open_store
    from conflictkg.graph.domain.strikes import strikes

    store = open_store("memory")
    store.load(ctx.data, ox.RdfFormat.N_TRIPLES)
    label_index(store)  # built once per store generation; not what is measured
    rows = []
    for name, call in (("strikes(country=Syria)", lambda s: strikes(s, country="Syria")),
                       ("accusations(accuser=Iran)", lambda s: accusations(s, accuser="Iran"))):
        recorder = _Recorder(store)
        label_index(recorder)  # the index is cached per store object: built here, it is not replayed below
        recorder.queries.clear()
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


def run_bench(*, events: int | list[int] = 100_000, repeat: int = 3, only: list[str] | None = None) -> dict:
    """Run the suites (all, or ``only`` these) at each size of ``events`` and return the report."""
    for module in SUITE_MODULES:
        importlib.import_module(f".{module}", __package__)
    unknown = set(only or ()) - set(SUITES)
    if unknown:
        raise ValueError(f"unknown suite(s): {', '.join(sorted(unknown))}; known: {', '.join(sorted(SUITES))}")
    sizes = [events] if isinstance(events, int) else list(events)
    results = []
    for size in sizes:
        ctx = Context(events=size, repeat=repeat)
        for name, func in SUITES.items():
            if only and name not in only:
                continue
            for result in func(ctx):
                results.append({"suite": name, **result})
    return {"machine": machine(), "events": sizes[0] if len(sizes) == 1 else sizes, "sizes": sizes,
            "repeat": repeat, "results": results}
