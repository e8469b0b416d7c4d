"""Benchmark suite ``http``: the endpoint's throughput and latency against Oxigraph server.

Both servers hold the same data (the ontology, the seed and the synthetic events) in memory,
on 127.0.0.1, and get the same requests from the same client (8 keep-alive connections for a
fixed time each). conflictkg runs as ``conflictkg serve --workers 2``; Oxigraph as
``oxigraph serve`` (the PyPI package's binary). Workloads:

- ``aggregate``: a whole-graph count whose filter changes with every request, so no cache can
  answer it — the engines are the same, this measures what the Python layer costs; once with
  ``entailment=none`` (both engines answer over exactly the same triples) and once with the
  default settings (RDFS entailment, read from the entailed graph the writes keep);
- ``repeated``: one query again and again, as a dashboard does — the answer cache's gain;
- ``after a write``: the first fresh aggregate after a one-triple ``INSERT DATA``, against the
  median of fresh aggregates before it: what a write costs the next reader.

And the memory of the graph held with its entailed triples, against the same data without them.
"""

from __future__ import annotations

import http.client
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from pathlib import Path

import pyoxigraph as ox

from conflictkg.graph.store import open_store
from conflictkg.graph.store.entailment import rebuild

from .runner import Context, measure_forked, suite

AGGREGATE = ("PREFIX ck: <https://w3id.org/conflictkg/ontology#> SELECT (COUNT(?e) AS ?n) (SUM(?f) AS ?dead) "
             "WHERE {{ ?e ck:fatalities ?f . FILTER(?f > {k}) }}")
CONNECTIONS = 8
#: The update token the benchmark's server is started with, for the write it times.
TOKEN = "bench-token"
WRITES = 5


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait(port: int, path: str, proc: subprocess.Popen, timeout: float = 300) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"server exited with {proc.returncode}")
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
        try:
            conn.request("GET", path)
            if conn.getresponse().status < 500:
                return
        except OSError:
            time.sleep(0.2)
        finally:
            conn.close()
    raise RuntimeError("server did not start")


def _run_all(threads: list[threading.Thread]) -> float:
    """Start the threads, wait for them all; the seconds it took."""
    began = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return time.perf_counter() - began


def _load_run(port: int, path_for: callable, seconds: float) -> dict:
    """Requests from CONNECTIONS threads for ``seconds``; throughput and latency percentiles."""
    latencies: list[float] = []
    errors = [0]
    lock = threading.Lock()
    stop = time.monotonic() + seconds

    def worker(offset: int) -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        i, mine = offset, []
        while time.monotonic() < stop:
            start = time.perf_counter()
            conn.request("GET", path_for(i), headers={"Accept": "application/sparql-results+json"})
            response = conn.getresponse()
            response.read()
            mine.append(time.perf_counter() - start)
            if response.status != 200:
                with lock:
                    errors[0] += 1
            i += CONNECTIONS
        conn.close()
        with lock:
            latencies.extend(mine)

    elapsed = _run_all([threading.Thread(target=worker, args=(n,)) for n in range(CONNECTIONS)])
    latencies.sort()
    return {"requests": len(latencies), "errors": errors[0], "rps": len(latencies) / elapsed,
            "p50_ms": 1000 * statistics.median(latencies),
            "p99_ms": 1000 * latencies[min(len(latencies) - 1, int(0.99 * len(latencies)))]}


def _timed_get(port: int, path: str) -> float:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=600)
    start = time.perf_counter()
    conn.request("GET", path, headers={"Accept": "application/sparql-results+json"})
    response = conn.getresponse()
    response.read()
    elapsed = time.perf_counter() - start
    conn.close()
    if response.status != 200:
        raise RuntimeError(f"GET {path[:80]}: HTTP {response.status}")
    return elapsed


def _write(port: int, n: int) -> None:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=600)
    body = f'INSERT DATA {{ <urn:bench:note> <http://www.w3.org/2000/01/rdf-schema#comment> "note {n}" }}'
    conn.request("POST", "/sparql/update", body=body.encode(), headers={
        "Content-Type": "application/sparql-update", "Authorization": f"Bearer {TOKEN}"})
    status = conn.getresponse().status
    conn.close()
    if status != 204:
        raise RuntimeError(f"the benchmark's write answered HTTP {status}")


def _after_writes(port: int, path_for) -> dict:
    """The first fresh query after each of :data:`WRITES` one-triple writes, against fresh queries
    between them (each threshold is new: no answer comes from a cache)."""
    steady, first, k = [], [], 10_000
    for n in range(WRITES):
        for _ in range(3):
            k += 1
            steady.append(_timed_get(port, path_for(k)))
        _write(port, n)
        k += 1
        first.append(_timed_get(port, path_for(k)))
    return {"steady_s": statistics.median(steady), "first_after_write_s": statistics.median(first),
            "first_after_write_max_s": max(first)}


def _graph_memory(data: bytes) -> dict:
    """Memory the graph takes in pyoxigraph with its entailed triples, and without."""
    def plain():
        store = ox.Store()
        store.bulk_load(data, format=ox.RdfFormat.N_TRIPLES)
        return len(store)

    def entailed():
        store = ox.Store()
        store.bulk_load(data, format=ox.RdfFormat.N_TRIPLES)
        rebuild(store)
        return len(store)

    _, plain_bytes, plain_quads = measure_forked(plain)
    _, entailed_bytes, entailed_quads = measure_forked(entailed)
    return {"plain_bytes": plain_bytes, "entailed_bytes": entailed_bytes, "quads": plain_quads,
            "entailed_quads": entailed_quads - plain_quads}


def _oxigraph_binary() -> str:
    found = shutil.which("oxigraph") or str(Path(sys.executable).with_name("oxigraph"))
    if not os.path.exists(found):
        raise RuntimeError("the oxigraph server binary is missing: pip install oxigraph (in the dev extra)")
    return found


@suite("http")
def _http(ctx: Context) -> list[dict]:
    seconds = float(os.environ.get("CONFLICTKG_BENCH_SECONDS", "10"))
    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp) / "data.nt"
        seed = open_store("memory")
        data.write_bytes(seed.dump(fmt=ox.RdfFormat.N_TRIPLES) + ctx.data)
        ours_port, oxi_port = _free_port(), _free_port()
        ours = subprocess.Popen([sys.executable, "-m", "conflictkg", "serve", "--port", str(ours_port), "--workers", "2",
                                 "--store", "memory", "--load", str(data)],
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                env={**os.environ, "CONFLICTKG_UPDATE_TOKEN": TOKEN})
        oxi = subprocess.Popen([_oxigraph_binary(), "serve", "--bind", f"127.0.0.1:{oxi_port}"],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            _wait(oxi_port, "/query?query=ASK%7B%7D", oxi)
            conn = http.client.HTTPConnection("127.0.0.1", oxi_port, timeout=600)
            # our store holds the seed already; Oxigraph gets the very same triples
            conn.request("POST", "/store?default", body=data.read_bytes(), headers={"Content-Type": "application/n-triples"})
            status = conn.getresponse().status
            conn.close()
            if status >= 300:
                raise RuntimeError(f"loading Oxigraph failed: HTTP {status}")
            _wait(ours_port, "/health", ours)
            rows = []
            # i / 1000: a distinct threshold on every request, so no answer can come from a cache
            for name, query_for, settings in (
                    ("aggregate, filter changing per request", lambda i: AGGREGATE.format(k=i / 1000), "entailment=none&"),
                    ("aggregate, filter changing per request, default settings (rdfs)",
                     lambda i: AGGREGATE.format(k=i / 1000), ""),
                    ("one query repeated", lambda i: AGGREGATE.format(k=50), "entailment=none&")):
                paths = {
                    "ours": lambda i: f"/sparql?{settings}query=" + urllib.parse.quote(query_for(i)),
                    "oxigraph": lambda i: "/query?query=" + urllib.parse.quote(query_for(i)),
                }
                for port, key in ((ours_port, "ours"), (oxi_port, "oxigraph")):
                    _load_run(port, paths[key], min(2.0, seconds / 5))  # warm up
                ours_run = _load_run(ours_port, paths["ours"], seconds)
                oxi_run = _load_run(oxi_port, paths["oxigraph"], seconds)
                goal = 0.9 if name.startswith("aggregate") else 5.0
                ratio = ours_run["rps"] / oxi_run["rps"] if oxi_run["rps"] else 0.0
                rows.append({"name": f"HTTP {name}, {ctx.events} events", "ours_s": 1 / ours_run["rps"],
                             "reference_s": 1 / oxi_run["rps"], "reference": "Oxigraph server (same data, same client)",
                             "ratio": round(ratio, 3), "goal": goal, "pass": ratio >= goal, "higher_is_better": True,
                             "ours": ours_run, "oxigraph": oxi_run})
            fresh = lambda i: "/sparql?query=" + urllib.parse.quote(AGGREGATE.format(k=i / 1000))  # noqa: E731
            after = _after_writes(ours_port, fresh)
            ratio = after["first_after_write_s"] / after["steady_s"]
            rows.append({"name": f"HTTP first query after a one-triple write, {ctx.events} events, default settings",
                         "ours_s": after["first_after_write_s"], "reference_s": after["steady_s"],
                         "reference": "a steady query (median, same server, same run)", "ratio": round(ratio, 3),
                         "goal": 2.0, "pass": ratio <= 2.0, **after})
            memory = _graph_memory(data.read_bytes())
            ratio = memory["entailed_bytes"] / memory["plain_bytes"]
            rows.append({"name": f"memory of the graph with its entailed triples, {ctx.events} events",
                         "ours_s": memory["entailed_bytes"], "reference_s": memory["plain_bytes"], "unit": "bytes",
                         "reference": "the same data in pyoxigraph without them", "ratio": round(ratio, 3),
                         "goal": 2.0, "pass": ratio < 2.0, **memory})
            return rows
        finally:
            for proc in (ours, oxi):
                proc.terminate()
                try:
                    proc.wait(timeout=20)
                except subprocess.TimeoutExpired:
                    proc.kill()
