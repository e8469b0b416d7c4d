"""Queries in processes that can be killed: a time limit that stops the work, not one that hopes.

pyoxigraph cannot be interrupted: ``Store.query`` takes no timeout, and a query releases the GIL
and never looks at signals, so an alarm in the serving process never fires while a cross join
runs. So user queries run in a small pool of *executors*, processes that answer one query at a
time and send back the serialized answer. When a query runs past its time the executor is killed
(SIGKILL) and its slot started again on the next request: the client gets :class:`QueryTimeout`
at the limit, and the next request is served.

- **Two kinds.** For an in-memory store an executor is *forked* from the serving process: it sees
  every in-memory store as it was at that instant (copy-on-write, no copy made). For an on-disk
  store (``oxigraph:PATH``) it is *spawned*, a fresh interpreter that opens a RocksDB checkpoint
  of the store read-only: RocksDB does not survive a fork (its thread pools and their locks), and
  opening read-only a directory another process writes is undefined behaviour. A checkpoint
  hard-links the store's files (made in milliseconds, no copy), in a directory beside the store
  that the serving process owns; it is deleted once it is not the newest and no live executor
  reads it, and all are deleted when the pool closes or the process ends.
- **Consistency.** An executor is forked, and a checkpoint made, while no write is changing its
  store's data (the store's ``changing`` lock; a write holds it while it commits, not while
  the shapes are checked), so it holds no change half-done; the engine's MVCC
  makes each committed transaction all or nothing. An executor knows the generation of each store
  it sees and is used only for those; after a write, the next query starts a fresh one (stale ones
  go when their slot is wanted). A write is checked outside the store (:mod:`.gate`), so nothing
  unchecked is ever in what an executor sees.
- **Bounds.** The pool has ``size`` executors: that many queries at once; beyond them a request
  waits up to ``queue_wait`` seconds, then gets :class:`Overloaded`. Each executor may use
  ``memory`` bytes more than it had when it began to answer (``RLIMIT_AS``; past it the engine
  aborts, the executor dies: :class:`EngineStopped`) and cannot open any file or socket
  (``RLIMIT_NOFILE`` set to the descriptors it has), so not even a SERVICE that slipped past the
  checks could reach out. A spawned executor keeps one descriptor free for each table file of
  the checkpoint RocksDB has not opened yet (it opens 16 at first, the others when a query
  reads them): none for a small store, some dozens at a million events.
- **Rows.** At most ``max_rows`` solutions (or triples) are serialized; ``Answer.truncated``
  says when more were found.

>>> from conflictkg.graph.store import open_store
>>> pool = QueryPool(size=1)
>>> answer = pool.run(open_store("memory"), "SELECT (1 AS ?x) {}", timeout=10,
...                   formats={"solutions": ("text/csv", "text/csv")})
>>> answer.body.splitlines(), answer.truncated
([b'x', b'1'], False)
>>> pool.close()
"""

from __future__ import annotations

import os
import pickle
import re
import resource
import shutil
import signal
import socket
import struct
import subprocess
import sys
import tempfile
import threading
import time
import warnings
import weakref
from collections import deque
from dataclasses import dataclass
from itertools import count, islice

import pyoxigraph as ox

from . import QueryError, QueryTimeout, Store, StoreError

#: The three shapes of answer, and what ``formats`` maps each to: (response media type, format media type).
KINDS = ("solutions", "boolean", "graph")


class Overloaded(StoreError):
    """Every executor stayed busy for as long as a request may wait."""


class EngineStopped(StoreError):
    """The executor died while answering (memory limit, or a crash of the engine)."""


class ShuttingDown(EngineStopped):
    """The query was stopped because the server is shutting down: the pool was closed, or the executor
    got the ^C or TERM meant for the server (it shares the server's process group)."""

    def __init__(self) -> None:
        super().__init__("the server is shutting down: the query was stopped; ask again once it is back")


#: The signals that end an executor on a shutdown: the pool itself only ever sends SIGKILL.
_SHUTDOWN_SIGNALS = frozenset({signal.SIGINT, signal.SIGTERM, signal.SIGHUP, signal.SIGQUIT})


class Unacceptable(StoreError):
    """The answer is of a kind the client accepts no format for."""

    def __init__(self, kind: str) -> None:
        super().__init__(f"no acceptable format for a {kind} answer")
        self.kind = kind


@dataclass(frozen=True)
class Answer:
    kind: str
    media: str
    body: bytes
    truncated: bool


def _kind(result) -> str:
    if isinstance(result, ox.QueryBoolean):
        return "boolean"
    return "graph" if isinstance(result, ox.QueryTriples) else "solutions"


def _capped(result: ox.QuerySolutions, max_rows: int) -> tuple[ox.QuerySolutions, bool]:
    """The first ``max_rows`` solutions, as solutions again: written out as SPARQL TSV (each term
    in its N-Triples form, which is what TSV holds) and read back by pyoxigraph's own parser."""
    rows = list(islice(result, max_rows + 1))
    truncated = len(rows) > max_rows
    lines = ["\t".join(str(v) for v in result.variables)]
    lines += ["\t".join("" if t is None else str(t) for t in row) for row in rows[:max_rows]]
    tsv = ("\n".join(lines) + "\n").encode("utf-8")
    return ox.parse_query_results(tsv, format=ox.QueryResultsFormat.TSV), truncated


def evaluate(store: Store, sparql: str, *, formats: dict, max_rows: int | None = None, **kwargs) -> Answer:
    """Run a query and serialize its answer in the format chosen for its kind (in any process)."""
    result = store.query(sparql, **kwargs)
    kind = _kind(result)
    if formats.get(kind) is None:
        raise Unacceptable(kind)
    media, fmt = formats[kind]
    truncated = False
    if kind == "graph":
        triples = list(result if max_rows is None else islice(result, max_rows + 1))
        truncated = max_rows is not None and len(triples) > max_rows
        body = ox.serialize(triples[:max_rows] if truncated else triples, format=ox.RdfFormat.from_media_type(fmt))
    else:
        if kind == "solutions" and max_rows is not None:
            result, truncated = _capped(result, max_rows)
        body = result.serialize(format=ox.QueryResultsFormat.from_media_type(fmt))
    return Answer(kind, media, body, truncated)


# -- messages ----------------------------------------------------------------------------------

_HEADER = struct.Struct("!Q")


def _send(sock: socket.socket, message) -> None:
    data = pickle.dumps(message, protocol=pickle.HIGHEST_PROTOCOL)
    sock.sendall(_HEADER.pack(len(data)) + data)


def _read_exactly(sock: socket.socket, size: int, deadline: float | None) -> bytes:
    chunks, left = [], size
    while left:
        if deadline is not None:
            sock.settimeout(max(deadline - time.monotonic(), 0.001))
        chunk = sock.recv(min(left, 1 << 20))
        if not chunk:
            raise EOFError("the executor closed its end")
        chunks.append(chunk)
        left -= len(chunk)
    return b"".join(chunks)


def _receive(sock: socket.socket, deadline: float | None = None):
    (size,) = _HEADER.unpack(_read_exactly(sock, _HEADER.size, deadline))
    return pickle.loads(_read_exactly(sock, size, deadline))


# -- the executor's side -------------------------------------------------------------------------

def _confine(memory: int | None, room: int = 0) -> None:
    """No new file or socket from here on (but ``room`` more descriptors); at most ``memory``
    more bytes of address space."""
    if memory and os.path.exists("/proc/self/statm"):
        with open("/proc/self/statm", "rb") as statm:
            pages = int(statm.read().split()[0])  # the address space as forked, shared pages included
        _, hard = resource.getrlimit(resource.RLIMIT_AS)
        resource.setrlimit(resource.RLIMIT_AS, (pages * resource.getpagesize() + memory, hard))
    lowest_free = os.open(os.devnull, os.O_RDONLY)
    os.close(lowest_free)
    _, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (_limit_leaving(lowest_free, room), hard))


def _limit_leaving(lowest_free: int, room: int) -> int:
    """The descriptor limit under which exactly ``room`` numbers are free (a new descriptor takes
    the lowest free number, and one at or past the limit cannot be made)."""
    if room <= 0:
        return lowest_free
    used = {int(fd) for fd in os.listdir("/proc/self/fd")} - {lowest_free}  # the listing's own, closed now
    limit, free = lowest_free, 0
    while free < room:
        free += limit not in used
        limit += 1
    return limit


def _loop(sock: socket.socket, store_for) -> None:
    """A query in, its answer (or its error) out, until the server hangs up.
    ``store_for(sid, generation)`` is the store to answer from."""
    _send(sock, ("ready",))
    while True:
        try:
            sid, generation, changes, sparql, kwargs, formats, max_rows = _receive(sock)
        except EOFError:
            return
        try:
            store = store_for(sid, generation)
            for _, removed, added in changes:  # the writes since this executor's copy was made
                for quad in removed:
                    store.inner.remove(quad)
                store.inner.extend(added)
            store.generation = generation
            reply = ("ok", evaluate(store, sparql, formats=formats, max_rows=max_rows, **kwargs))
        except Unacceptable as exc:
            reply = ("unacceptable", exc.kind)
        except QueryError as exc:
            reply = ("error", str(exc))
        except MemoryError:
            reply = ("stopped", "the query needed more memory than an executor may use")
        _send(sock, reply)


def _serve_forked(sock: socket.socket, stores: dict[int, Store], memory: int | None) -> None:
    """A forked executor: answers from its copy of the server's in-memory stores."""
    for sig in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP, signal.SIGQUIT, signal.SIGUSR1, signal.SIGUSR2,
                signal.SIGCHLD, signal.SIGWINCH, signal.SIGTTIN, signal.SIGTTOU, signal.SIGABRT):
        signal.signal(sig, signal.SIG_DFL)  # the server's handlers (gunicorn's) are not ours to run
    # the server's descriptors (client connections, listening sockets, other executors' pipes,
    # RocksDB's files): a copy held here would keep a connection or a pipe open after the server closes it
    os.closerange(3, sock.fileno())
    os.closerange(sock.fileno() + 1, resource.getrlimit(resource.RLIMIT_NOFILE)[0])
    _confine(memory)
    _loop(sock, lambda sid, generation: stores[sid])


def _unopened_tables(directory: str) -> int:
    """How many of the store's table files (SST) this process has not opened: RocksDB opens at most
    16 when it opens a store and the others when a query first reads them."""
    tables = {name for name in os.listdir(directory) if name.endswith(".sst")}
    if not os.path.isdir("/proc/self/fd"):
        return len(tables)
    where = os.path.realpath(directory)
    opened = set()
    for fd in os.listdir("/proc/self/fd"):
        try:
            target = os.readlink(f"/proc/self/fd/{fd}")
        except OSError:
            continue
        if os.path.dirname(target) == where:
            opened.add(os.path.basename(target))
    return len(tables - opened)


def _serve_spawned(fd: str, checkpoint: str, memory: str) -> None:
    """A spawned executor (see :func:`_spawn`): answers from a read-only opening of ``checkpoint``."""
    for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP, signal.SIGQUIT):
        signal.signal(sig, signal.SIG_DFL)  # the server's ^C or TERM stops it without a traceback
    sock = socket.socket(fileno=int(fd))
    try:
        store = Store(ox.Store.read_only(checkpoint), f"oxigraph-checkpoint:{checkpoint}")
    except OSError as exc:
        _send(sock, ("failed", str(exc)))
        return
    # the tables RocksDB has yet to open keep their descriptors: a query would fail without them
    _confine(int(memory) or None, room=_unopened_tables(checkpoint))
    _loop(sock, lambda sid, generation: store)


#: What a spawned executor runs: a fresh interpreter, importing nothing of the server but this module.
_SPAWNED = "import sys; from conflictkg.graph.store.executor import _serve_spawned; _serve_spawned(*sys.argv[1:])"


# -- the server's side ---------------------------------------------------------------------------

_IDS: "weakref.WeakKeyDictionary[Store, int]" = weakref.WeakKeyDictionary()
_STORES: "weakref.WeakValueDictionary[int, Store]" = weakref.WeakValueDictionary()
_NEXT = count(1)
_REGISTRY_LOCK = threading.Lock()


def _register(store: Store) -> int:
    with _REGISTRY_LOCK:
        sid = _IDS.get(store)
        if sid is None:
            sid = _IDS[store] = next(_NEXT)
            _STORES[sid] = store
        return sid


class _Checkpoint:
    """A RocksDB checkpoint of an on-disk store at one generation, and how many executors read it."""

    def __init__(self, path: str, generation: int) -> None:
        self.path, self.generation = path, generation
        self.users = 0
        self.current = True  # the newest of its store's: the next executor for that generation reads it

    def remove(self) -> None:
        shutil.rmtree(self.path, ignore_errors=True)


class _Executor:
    """An executor knows ``world``: the generation of each store it holds a copy of. A spawned one
    also has its process and the checkpoint it reads (returned when the executor goes)."""

    def __init__(self, pid: int, sock: socket.socket, world: dict[int, int], *,
                 process: subprocess.Popen | None = None, checkpoint: _Checkpoint | None = None,
                 checkpoints: "_Checkpoints | None" = None) -> None:
        self.pid, self.sock, self.world = pid, sock, world
        self.process, self.checkpoint, self.checkpoints = process, checkpoint, checkpoints
        self.alive = True
        #: the signal that ended the process, once it is reaped (None: it exited, or is not reaped yet)
        self.ended_by: int | None = None
        #: the commits to apply to its copy before its next query, and the generation they bring it to
        self.catching_up: tuple[list, int] | None = None

    def serves(self, sid: int, generation: int) -> bool:
        return self.alive and self.world.get(sid) == generation

    def behind(self, store: Store, sid: int) -> list | None:
        """The commits that would bring this forked executor's copy of ``store`` up to date, or
        None when it cannot be (a spawned one reads a checkpoint; a write was not a commit)."""
        copied = self.world.get(sid)
        if not self.alive or self.process is not None or copied is None or copied > store.generation:
            return None
        return store.changes_since(copied)

    def kill(self) -> None:
        if not self.alive:
            return
        self.alive = False
        try:
            os.kill(self.pid, signal.SIGKILL)
            if self.process is not None:
                code = self.process.wait()
                self.ended_by = -code if code < 0 else None
            else:
                status = os.waitpid(self.pid, 0)[1]
                self.ended_by = os.WTERMSIG(status) if os.WIFSIGNALED(status) else None
        except (ProcessLookupError, ChildProcessError):
            pass
        self.sock.close()
        if self.checkpoint is not None:
            self.checkpoints.release(self.checkpoint)


def _on_disk(store: Store) -> bool:
    return store.spec.startswith("oxigraph:")


class _Checkpoints:
    """The checkpoints a pool's executors read, in one directory of the serving process beside each
    store (a checkpoint hard-links the store's files, which needs the same file system).

    One is made per generation of the store that a query asks for, while no write is changing the
    data (so it holds no change half-done); it is deleted once it is not the newest and no live
    executor reads it, and all are at :meth:`close` (or when the process ends). Directories left by a serving process that died
    are deleted when the next one makes its own.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._roots: dict[str, str] = {}  # store path -> this process's directory beside it
        self._newest: dict[int, _Checkpoint] = {}  # store id -> its newest checkpoint
        self._pid = os.getpid()

    def take(self, store: Store, sid: int, lock_wait: float) -> _Checkpoint:
        """The checkpoint of ``store`` as it is now, counted as used (see :meth:`release`)."""
        if not store.changing.acquire(timeout=max(lock_wait, 0.001)):
            raise Overloaded("a write is in progress; the query could not start in time")
        try:
            with self._lock:
                newest = self._newest.get(sid)
                if newest is None or newest.generation != store.generation:
                    path = os.path.join(self._root(store), f"{sid}-{store.generation}")
                    try:
                        store.inner.backup(path)
                    except OSError as exc:
                        shutil.rmtree(path, ignore_errors=True)
                        raise EngineStopped(f"cannot make a checkpoint of the store for queries: {exc}") from exc
                    if newest is not None:
                        self._retire(newest)
                    newest = self._newest[sid] = _Checkpoint(path, store.generation)
                newest.users += 1
                return newest
        finally:
            store.changing.release()

    def release(self, checkpoint: _Checkpoint) -> None:
        with self._lock:
            checkpoint.users -= 1
            if checkpoint.users <= 0 and not checkpoint.current:
                checkpoint.remove()

    def _retire(self, checkpoint: _Checkpoint) -> None:
        checkpoint.current = False
        if checkpoint.users <= 0:
            checkpoint.remove()

    def _root(self, store: Store) -> str:
        primary = os.path.abspath(store.spec.split(":", 1)[1])
        root = self._roots.get(primary)
        if root is None:
            parent, name = os.path.split(primary)
            prefix = f".{name}.checkpoints-"
            _sweep(parent, prefix)
            try:
                root = tempfile.mkdtemp(prefix=f"{prefix}{os.getpid()}-", dir=parent)
            except OSError:  # a directory we may not write in: the files are copied, not linked
                root = tempfile.mkdtemp(prefix=f"{prefix}{os.getpid()}-")
            root = self._roots[primary] = root
        return root

    def close(self) -> None:
        """Delete every checkpoint (its executors are gone; in a fork of the owner, nothing)."""
        if os.getpid() != self._pid:
            return
        with self._lock:
            for root in self._roots.values():
                shutil.rmtree(root, ignore_errors=True)
            self._roots.clear()
            self._newest.clear()


def _sweep(parent: str, prefix: str) -> None:
    """Delete the checkpoint directories of serving processes that are gone (killed, so they could
    not clean up): their pid is in the name."""
    pattern = re.compile(re.escape(prefix) + r"(\d+)-")
    try:
        names = os.listdir(parent)
    except OSError:
        return
    for name in names:
        found = pattern.match(name)
        if found is None or int(found.group(1)) == os.getpid():
            continue
        try:
            os.kill(int(found.group(1)), 0)
        except ProcessLookupError:
            shutil.rmtree(os.path.join(parent, name), ignore_errors=True)
        except PermissionError:
            pass  # alive, someone else's


def _ready(executor: _Executor, seconds: float) -> _Executor:
    try:
        reply = _receive(executor.sock, time.monotonic() + seconds)
        if reply != ("ready",):
            raise EOFError(reply[1] if isinstance(reply, tuple) and len(reply) == 2 else "no greeting")
    except (OSError, EOFError, pickle.UnpicklingError) as exc:
        executor.kill()
        raise EngineStopped(f"a query executor failed to start: {exc}") from exc
    return executor


def _fork(store: Store, lock_wait: float, memory: int | None) -> _Executor:
    """A new executor for an in-memory ``store``, which also sees every in-memory store it could copy whole."""
    if not store.changing.acquire(timeout=max(lock_wait, 0.001)):
        raise Overloaded("a write is in progress; the query could not start in time")
    held = [store.changing]
    try:
        stores = {}
        for sid, other in list(_STORES.items()):
            if other is store:
                stores[sid] = other
            elif not _on_disk(other) and other.changing.acquire(blocking=False):
                held.append(other.changing)
                stores[sid] = other
        world = {sid: other.generation for sid, other in stores.items()}
        parent, child = socket.socketpair()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DeprecationWarning)  # Python 3.12 warns of fork with threads
            pid = os.fork()
        if pid == 0:  # the executor: never returns
            code = 0
            try:
                parent.close()
                _serve_forked(child, stores, memory)
            except BaseException:
                code = 1
            finally:
                os._exit(code)
    finally:
        for lock in held:
            lock.release()
    child.close()
    return _ready(_Executor(pid, parent, world), 60)


def _spawn(store: Store, sid: int, lock_wait: float, memory: int | None, checkpoints: _Checkpoints) -> _Executor:
    """A new executor for an on-disk ``store``: a fresh interpreter over a checkpoint of it.

    Not a fork: RocksDB's thread pools (and their locks) do not survive one, and a read-only
    opening of the store itself, which this process writes, is undefined behaviour. A checkpoint
    does not change, so any number of processes may open it read-only.
    """
    checkpoint = checkpoints.take(store, sid, lock_wait)
    try:
        parent, child = socket.socketpair()
        try:
            process = subprocess.Popen(
                [sys.executable, "-c", _SPAWNED, str(child.fileno()), checkpoint.path, str(memory or 0)],
                pass_fds=(child.fileno(),), stdin=subprocess.DEVNULL)
        except BaseException:
            parent.close()
            raise
        finally:
            child.close()
    except OSError as exc:
        checkpoints.release(checkpoint)
        raise EngineStopped(f"a query executor failed to start: {exc}") from exc
    except BaseException:
        checkpoints.release(checkpoint)
        raise
    executor = _Executor(process.pid, parent, {sid: checkpoint.generation}, process=process,
                         checkpoint=checkpoint, checkpoints=checkpoints)
    return _ready(executor, 60)


def _kill_all(executors: list[_Executor], checkpoints: _Checkpoints, pid: int) -> None:
    if os.getpid() == pid:  # a forked child must not kill its parent's executors
        for executor in list(executors):
            executor.kill()
        checkpoints.close()


class QueryPool:
    """``size`` executors shared by the threads of one process (see the module's docstring)."""

    def __init__(self, size: int, *, queue_wait: float = 2.0, memory: int | None = None) -> None:
        if size < 1:
            raise ValueError("a pool needs at least one executor")
        self.size, self.queue_wait, self.memory = size, queue_wait, memory
        self._cond = threading.Condition()
        self._executors: list[_Executor] = []  # alive ones, busy or idle
        self._idle: list[_Executor] = []
        self._starting = 0
        self._waiting: deque[int] = deque()  # tickets of the requests waiting, first come first served
        self._tickets = count()
        self._pid = os.getpid()
        self._closed = False
        self._checkpoints = _Checkpoints()
        self._finalizer = weakref.finalize(self, _kill_all, self._executors, self._checkpoints, self._pid)

    def run(self, store: Store, sparql: str, *, formats: dict, timeout: float, max_rows: int | None = None,
            **kwargs) -> Answer:
        """Answer ``sparql`` over ``store`` in an executor, within ``timeout`` seconds."""
        if store.remote:  # the engine elsewhere does the work; its answer is awaited for ``timeout`` s
            return evaluate(store, sparql, formats=formats, max_rows=max_rows, timeout=timeout, **kwargs)
        sid = _register(store)
        executor = self._acquire(store, sid)
        changes, generation = executor.catching_up or ([], store.generation)
        executor.catching_up = None
        try:
            _send(executor.sock, (sid, generation, changes, sparql, kwargs, formats, max_rows))
            reply = _receive(executor.sock, time.monotonic() + timeout)
            executor.world[sid] = generation
            if reply[0] == "stopped":  # a MemoryError leaves the executor in no state to go on
                executor.kill()
        except (socket.timeout, TimeoutError):
            executor.kill()
            raise QueryTimeout(timeout) from None
        except (OSError, EOFError, pickle.UnpicklingError):
            executor.kill()
            if self._closed or executor.ended_by in _SHUTDOWN_SIGNALS:
                raise ShuttingDown() from None
            raise EngineStopped("the query's process died (past its memory allowance, or the engine crashed); "
                                "nothing was changed") from None
        finally:
            self._release(executor)
        status, value = reply
        if status == "ok":
            return value
        if status == "unacceptable":
            raise Unacceptable(value)
        if status == "error":
            raise QueryError(value)
        raise EngineStopped(value)

    def _adopt(self) -> None:
        """In a fork of the process that made the pool, start afresh (called with the lock held)."""
        if os.getpid() != self._pid:
            self._executors.clear()
            self._idle.clear()
            self._waiting.clear()
            self._starting, self._pid = 0, os.getpid()
            self._checkpoints = _Checkpoints()  # the parent's are the parent's to delete
            self._finalizer.detach()
            self._finalizer = weakref.finalize(self, _kill_all, self._executors, self._checkpoints, self._pid)

    def prepare(self, store: Store) -> None:
        """Have an idle executor ready for ``store`` as it is now: called after a write, so that the
        writer pays for starting it and the next query does not wait for one. Best effort: with
        every slot busy, or an executor that fails to start, the next query starts its own."""
        if store.remote:
            return
        sid = _register(store)
        with self._cond:
            self._adopt()
            if self._closed:
                return
            if any(executor.serves(sid, store.generation) or executor.behind(store, sid) is not None
                   for executor in self._idle):
                return
            if len(self._executors) + self._starting >= self.size:
                stale = next((e for e in self._idle if not e.serves(sid, store.generation)), None)
                if stale is None:
                    return
                self._idle.remove(stale)
                self._executors.remove(stale)
                stale.kill()
            self._starting += 1
        executor = None
        try:
            if _on_disk(store):
                executor = _spawn(store, sid, self.queue_wait, self.memory, self._checkpoints)
            else:
                executor = _fork(store, self.queue_wait, self.memory)
        except (Overloaded, EngineStopped):
            pass
        finally:
            with self._cond:
                self._starting -= 1
                if executor is not None:
                    self._executors.append(executor)
                    self._idle.append(executor)
                self._cond.notify_all()

    def _acquire(self, store: Store, sid: int) -> _Executor:
        deadline = time.monotonic() + self.queue_wait
        with self._cond:
            self._adopt()
            if self._closed:
                raise ShuttingDown()
            ticket = next(self._tickets)
            self._waiting.append(ticket)
            try:
                while True:
                    # in turn: a request that just finished must not overtake one that has waited
                    if self._waiting[0] == ticket:
                        found = self._take(store, sid)
                        if found is not None:
                            return found
                        if len(self._executors) + self._starting < self.size:
                            self._starting += 1
                            break
                    remaining = deadline - time.monotonic()
                    if remaining <= 0:
                        raise Overloaded(f"all {self.size} query executors are busy")
                    self._cond.wait(remaining)
            finally:
                self._waiting.remove(ticket)
                self._cond.notify_all()
        try:
            if _on_disk(store):
                executor = _spawn(store, sid, deadline - time.monotonic(), self.memory, self._checkpoints)
            else:
                executor = _fork(store, deadline - time.monotonic(), self.memory)
        except BaseException:
            with self._cond:
                self._starting -= 1
                self._cond.notify_all()
            raise
        with self._cond:
            self._starting -= 1
            self._executors.append(executor)
        return executor

    def _take(self, store: Store, sid: int) -> _Executor | None:
        """An idle executor for ``store`` as it is now; else, at capacity, an idle stale one is
        killed to free its slot. Called with the lock held."""
        generation = store.generation
        for executor in self._idle:
            if executor.serves(sid, generation):
                self._idle.remove(executor)
                return executor
        for executor in self._idle:
            changes = executor.behind(store, sid)
            if changes is not None:  # brought up to date before its query: no new process
                executor.catching_up = (changes, generation)
                self._idle.remove(executor)
                return executor
        if self._idle and len(self._executors) + self._starting >= self.size:
            stale = self._idle.pop(0)  # a slot held by an executor of an older state of the data
            self._executors.remove(stale)
            stale.kill()
        return None

    def _release(self, executor: _Executor) -> None:
        with self._cond:
            if executor.alive:
                self._idle.append(executor)
            elif executor in self._executors:
                self._executors.remove(executor)
            self._cond.notify_all()

    def close(self) -> None:
        """Stop every executor (they also stop by themselves when this process ends). A query running
        meanwhile, and any asked for later, raises :class:`ShuttingDown`."""
        with self._cond:
            self._closed = True
            self._finalizer()
            self._executors.clear()
            self._idle.clear()
