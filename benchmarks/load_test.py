"""``conflictkg bench --load-test``: a bounded load on loopback — mixed reads, bad requests, a few
queries past the time limit and a writer — against a ``conflictkg serve`` it starts, then a check
that every acknowledged write is in the store.

The server runs over an on-disk store with an update token and a short query timeout; reader
threads keep one keep-alive connection each and pick, at random with a fixed seed, among REST
answers, SPARQL queries (a different aggregate each time, and one repeated, which the cache
answers), requests that must be refused (bad syntax, SERVICE, a missing token, 406, 404…) and,
rarely, a cross join that the server must kill at its time limit (503). One writer sends INSERT
DATA updates and small /store loads with the token, one after the other, and remembers the ones
acknowledged. At the end the server is stopped and the store opened: every acknowledged write
must be there. Any 5xx other than 503, or a lost write, fails the run.

>>> sorted(MIX)[:3]
['cached', 'error', 'heavy']
"""

from __future__ import annotations

import http.client
import json
import os
import random
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from collections import Counter
from pathlib import Path

from conflictkg.graph.store import open_store

from .suite_http import _free_port, _run_all, _wait

TOKEN = "load-test-token"
QUERY_TIMEOUT = 2.0
READERS = 6
_Q = urllib.parse.quote
AGGREGATE = ("PREFIX ck: <https://w3id.org/conflictkg/ontology#> SELECT (COUNT(?e) AS ?n) WHERE {{ ?e ck:date ?d "
             "FILTER(STR(?d) > \"{k}\") }}")

#: kind → (share of the requests, the requests of that kind: method, path, body, content type, extra headers).
MIX = {
    "rest": (0.35, [("GET", "/api/strikes?country=Pakistan", None, None, {}),
                    ("GET", "/api/accusations?accuser=Iran", None, None, {}),
                    ("GET", "/api/actors/iran", None, None, {}),
                    ("GET", "/api/timeline", None, None, {}),
                    ("GET", "/health", None, None, {})]),
    "sparql": (0.30, None),  # a fresh aggregate each time: see _request
    "cached": (0.15, [("GET", "/sparql?query=" + _Q("SELECT ?s WHERE { ?s a <https://w3id.org/conflictkg/ontology#State> }"),
                       None, None, {})]),
    "error": (0.195, [("GET", "/sparql?query=" + _Q("SELECT * WHERE {"), None, None, {}),
                      ("GET", "/api/strikes?contry=Iran", None, None, {}),
                      ("GET", "/api/actors/atlantis", None, None, {}),
                      ("GET", "/sparql?query=" + _Q("ASK {}"), None, None, {"Accept": "image/png"}),
                      ("GET", "/sparql?query=" + _Q("SELECT * WHERE { SERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }"),
                       None, None, {}),
                      ("POST", "/sparql/update", b"CLEAR ALL", "application/sparql-update", {}),
                      ("POST", "/sparql", b"ASK " + b"{" * 500 + b"}" * 500, "application/sparql-query", {}),
                      ("POST", "/store?default", b"<urn:a> <urn:b> .", "text/turtle",
                       {"Authorization": f"Bearer {TOKEN}"})]),
    "heavy": (0.005, [("GET", "/sparql?query=" + _Q("SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"),
                       None, None, {})]),
}


def _request(kind: str, rng: random.Random) -> tuple:
    if kind == "sparql":
        return ("GET", "/sparql?entailment=none&query=" + _Q(AGGREGATE.format(k=f"20{rng.randint(0, 24):02d}-01")),
                None, None, {})
    return rng.choice(MIX[kind][1])


class _Tally:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.latencies: dict[str, list[float]] = {kind: [] for kind in (*MIX, "write")}
        self.status: Counter = Counter()
        self.unavailable: Counter = Counter()
        self.bad: list[str] = []

    def add(self, kind: str, seconds: float, status: int, what: str, body: bytes) -> None:
        with self.lock:
            self.latencies[kind].append(seconds)
            self.status[status] += 1
            if status == 503:
                self.unavailable[f"{kind}: {_title(body)}"] += 1
            elif status >= 500:
                self.bad.append(f"{status} {what}: {body[:200]!r}")


def _title(body: bytes) -> str:
    try:
        return json.loads(body)["detail"]
    except (ValueError, KeyError, TypeError):
        return body[:80].decode("latin-1")


def _send(conn_box: list, port: int, method: str, path: str, body, content_type, headers) -> tuple[int, bytes]:
    """One request on the thread's keep-alive connection (opened again if the server closed it)."""
    for attempt in range(2):
        if conn_box[0] is None:
            conn_box[0] = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        conn = conn_box[0]
        try:
            conn.request(method, path, body=body, headers={**({"Content-Type": content_type} if content_type else {}),
                                                             **headers})
            response = conn.getresponse()
            answer = response.read()
            if response.getheader("Connection", "").lower() == "close":
                conn.close()
                conn_box[0] = None
            return response.status, answer
        except (ConnectionError, http.client.HTTPException):
            conn.close()
            conn_box[0] = None
            if attempt:
                raise
    raise AssertionError("unreachable")


def _reader(port: int, seed: int, stop: float, tally: _Tally) -> None:
    rng = random.Random(seed)
    kinds, weights = list(MIX), [share for share, _ in MIX.values()]
    box: list = [None]
    while time.monotonic() < stop:
        kind = rng.choices(kinds, weights)[0]
        method, path, body, content_type, headers = _request(kind, rng)
        began = time.perf_counter()
        status, answer = _send(box, port, method, path, body, content_type, headers)
        tally.add(kind, time.perf_counter() - began, status, f"{method} {path[:80]}", answer)
    if box[0] is not None:
        box[0].close()


def _writer(port: int, stop: float, tally: _Tally, acked: list[int]) -> None:
    box: list = [None]
    auth = {"Authorization": f"Bearer {TOKEN}"}
    n = 0
    while time.monotonic() < stop:
        if n % 10 == 9:  # every tenth write a small load through the Graph Store Protocol
            body = "".join(f"<urn:loadtest:w{n}:{k}> <urn:loadtest:part> <urn:loadtest:w{n}> .\n" for k in range(20))
            request = ("POST", "/store?default", body.encode(), "application/n-triples", auth)
        else:
            request = ("POST", "/sparql/update", f"INSERT DATA {{ <urn:loadtest:w{n}> <urn:loadtest:n> {n} }}".encode(),
                       "application/sparql-update", auth)
        began = time.perf_counter()
        status, answer = _send(box, port, *request)
        tally.add("write", time.perf_counter() - began, status, request[1], answer)
        if status == 204:
            acked.append(n)
        n += 1
    if box[0] is not None:
        box[0].close()


def _percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return 1000 * ordered[min(len(ordered) - 1, int(fraction * len(ordered)))] if ordered else 0.0


def _found(path: Path, acked: list[int]) -> set[int]:
    """The acknowledged writes that are in the store, read back after the server stopped."""
    store = open_store(f"oxigraph:{path}")
    single = {int(r["n"].value) for r in store.select("SELECT ?n WHERE { ?s <urn:loadtest:n> ?n }")}
    loads = {r["w"].value: int(r["c"].value) for r in store.select(
        "SELECT ?w (COUNT(?s) AS ?c) WHERE { ?s <urn:loadtest:part> ?w } GROUP BY ?w")}
    return {n for n in acked if n in single or loads.get(f"urn:loadtest:w{n}") == 20}


def load_test(seconds: float = 60.0, *, readers: int = READERS, seed: int = 42) -> dict:
    """Run the load test for ``seconds``; the report says ``ok`` when no 5xx but 503 came and no write was lost."""
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "kg"
        port = _free_port()
        env = {**os.environ, "CONFLICTKG_UPDATE_TOKEN": TOKEN, "CONFLICTKG_QUERY_TIMEOUT": str(QUERY_TIMEOUT)}
        server = subprocess.Popen([sys.executable, "-m", "conflictkg", "serve", "--port", str(port), "--workers", "2",
                                   "--store", f"oxigraph:{path}"], env=env,
                                  stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
        tally, acked = _Tally(), []
        try:
            _wait(port, "/health", server)
            stop = time.monotonic() + seconds
            threads = [threading.Thread(target=_reader, args=(port, seed + i, stop, tally)) for i in range(readers)]
            elapsed = _run_all([*threads, threading.Thread(target=_writer, args=(port, stop, tally, acked))])
        finally:
            server.terminate()
            try:
                server.wait(timeout=60)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait()
            _wait_group_gone(server.pid)
        found = _found(path, acked)
    every = [t for values in tally.latencies.values() for t in values]
    reads = [t for kind in ("rest", "sparql", "cached") for t in tally.latencies[kind]]
    report = {
        "seconds": round(elapsed, 1), "readers": readers, "writer": 1, "requests": len(every),
        "requests_per_s": round(len(every) / elapsed, 1),
        "status": {str(code): count for code, count in sorted(tally.status.items())},
        "p50_ms": round(_percentile(every, 0.5), 1), "p99_ms": round(_percentile(every, 0.99), 1),
        "reads_p50_ms": round(_percentile(reads, 0.5), 1), "reads_p99_ms": round(_percentile(reads, 0.99), 1),
        "by_kind": {kind: {"requests": len(values), "p50_ms": round(_percentile(values, 0.5), 1),
                           "p99_ms": round(_percentile(values, 0.99), 1)} for kind, values in tally.latencies.items()},
        "unavailable": dict(tally.unavailable.most_common()),
        "writes": {"acknowledged": len(acked), "found": len(found), "lost": sorted(set(acked) - found)[:20]},
        "server_errors": tally.bad[:20],
    }
    report["ok"] = not tally.bad and len(found) == len(acked)
    return report


def _wait_group_gone(pgid: int, timeout: float = 30) -> None:
    """Until the server's worker and executors are gone too (the store's lock with them)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            os.killpg(pgid, 0)
        except ProcessLookupError:
            return
        time.sleep(0.1)
    os.killpg(pgid, 9)


def summary(report: dict) -> str:
    """One line for people: requests, statuses, p99, writes."""
    return (f"{report['requests']} requests in {report['seconds']} s, p50 {report['p50_ms']} ms, p99 {report['p99_ms']} ms; "
            f"statuses {report['status']}; writes acknowledged {report['writes']['acknowledged']}, "
            f"found {report['writes']['found']}")
