"""The gunicorn worker of ``conflictkg serve``: gthread, plus a read deadline and RFC 7807 errors.

gunicorn's threaded worker waits for a connection's first bytes on its poller, but once a request
has begun, a thread reads its headers and body with no time limit: a client that sends half a
request and stops (slowloris) holds that thread for good, and a few of them hold them all. Here
every read of a request must be done within ``read_timeout`` seconds of the request's start;
past it the connection is cut (a route reading the body answers 408 first). And what gunicorn
refuses itself (a request line over ``limit_request_line``, bad headers) gets an
``application/problem+json`` body like every other refusal, instead of gunicorn's HTML page.
"""

from __future__ import annotations

import errno
import json
import time

from gunicorn import util
from gunicorn.app.base import BaseApplication
from gunicorn.http import errors as http_errors
from gunicorn.workers.gthread import ThreadWorker

#: gunicorn's parse errors that are the client's doing, by the status they deserve (400 otherwise).
_STATUS = ((http_errors.LimitRequestLine, 414, "URI Too Long"),
           (http_errors.LimitRequestHeaders, 431, "Request Header Fields Too Large"),
           (http_errors.ExpectationFailed, 417, "Expectation Failed"),
           (http_errors.UnsupportedTransferCoding, 501, "Not Implemented"),
           (http_errors.ForbiddenProxyRequest, 403, "Forbidden"),
           (http_errors.ConfigurationProblem, 500, "Internal Server Error"))


class DeadlineSocket:
    """A client socket whose reads for one request must end ``seconds`` after :meth:`start`."""

    def __init__(self, sock, seconds: float, log) -> None:
        self._sock, self._seconds, self._log = sock, seconds, log
        self._deadline = time.monotonic() + seconds

    def start(self) -> None:
        self._deadline = time.monotonic() + self._seconds

    def _arm(self) -> None:
        remaining = self._deadline - time.monotonic()
        if remaining <= 0:
            self._log.warning("cut off a client that sent no complete request in %g s", self._seconds)
            # a reset, for gunicorn: it drops the connection without a traceback in the log
            raise ConnectionResetError(errno.ECONNRESET, f"no complete request within {self._seconds:g} s")
        self._sock.settimeout(remaining)

    def _read(self, method, *args):
        self._arm()
        try:
            return method(*args)
        except TimeoutError:
            self._deadline = 0.0
            self._arm()  # raises the reset

    def recv(self, *args):
        return self._read(self._sock.recv, *args)

    def recv_into(self, *args):
        return self._read(self._sock.recv_into, *args)

    def __getattr__(self, name):
        return getattr(self._sock, name)


class Worker(ThreadWorker):
    """``gthread`` with the read deadline (the app's ``READ_TIMEOUT``) and problem+json errors; a
    shutdown (^C, TERM) stops the queries running in executors at once, and their clients are told
    so (503 + Retry-After) rather than kept waiting for an answer that will not come."""

    read_timeout = 10.0

    def handle_quit(self, sig, frame):
        self._stop_queries()
        super().handle_quit(sig, frame)

    def handle_exit(self, sig, frame):
        self._stop_queries()
        super().handle_exit(sig, frame)

    def _stop_queries(self) -> None:
        app = getattr(self, "wsgi", None)
        dataset = getattr(app, "extensions", {}).get("conflictkg.dataset")
        if dataset is not None:
            dataset.close()

    def handle(self, conn):
        if not self.cfg.is_ssl:
            if not isinstance(conn.sock, DeadlineSocket):
                conn.sock = DeadlineSocket(conn.sock, self.read_timeout, self.log)
            conn.sock.start()
        return super().handle(conn)

    def handle_error(self, req, client, addr, exc):
        if isinstance(exc, http_errors.ParseException) and not isinstance(exc, http_errors.ConfigurationProblem):
            status, reason = next(((s, r) for cls, s, r in _STATUS if isinstance(exc, cls)), (400, "Bad Request"))
            self.log.warning("Invalid request from %s: %s", (addr or ("",))[0], exc)
            detail = str(exc) or reason
        else:
            status, reason, detail = 500, "Internal Server Error", "the server failed; the failure is logged"
            self.log.exception("Error handling request")
        body = json.dumps({"type": "about:blank", "title": reason, "status": status, "detail": detail}).encode()
        head = (f"HTTP/1.1 {status} {reason}\r\nConnection: close\r\nContent-Type: application/problem+json\r\n"
                f"Content-Length: {len(body)}\r\n\r\n").encode("latin-1")
        try:
            util.write_nonblock(client, head + body)
        except Exception:  # the client is gone: nothing to tell it
            self.log.debug("Failed to send error message.")


class Application(BaseApplication):
    """gunicorn with the app made by ``factory`` in the worker process (see ``conflictkg serve``)."""

    def __init__(self, factory, options: dict) -> None:
        self.factory = factory
        self.options = options
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.options.items():
            self.cfg.set(key, value)

    def load(self):
        return self.factory()
