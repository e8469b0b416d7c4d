"""A Flask app on a real HTTP server for a test: 127.0.0.1, a free port, stopped when the block ends."""

from __future__ import annotations

import threading
from contextlib import contextmanager
from typing import Iterator


@contextmanager
def serving(app) -> Iterator[str]:
    """Serve ``app`` (Werkzeug, threaded) for the ``with`` block; yield its base URL."""
    from werkzeug.serving import make_server

    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(timeout=10)
        server.server_close()
