"""The README's "Scaling" block (marked with a comment) runs as written: a real Oxigraph server,
conflictkg pointed at it, on free loopback ports instead of 7878 and 5000. Its answers are the
embedded store's."""

from __future__ import annotations

import json
import os
import re
import shlex
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from click.testing import CliRunner

from conflictkg.api import create_app
from conflictkg.cli import main
from conflictkg.graph.write.load import load_files
from conflictkg.graph.store import open_store

ROOT = Path(__file__).resolve().parents[1]
MARKER = "<!-- tests/test_readme_remote.py runs this block as written"


def _stop_group(process: subprocess.Popen, timeout: float) -> None:
    """Stop a server started in its own process group (it may have children): TERM, then KILL."""
    os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()


def _block() -> list[str]:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    after = text[text.index(MARKER):]
    body = re.search(r"```sh\n(.*?)```", after, re.S).group(1)
    return [line for line in body.splitlines() if line.strip()]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait_for(port: int, process: subprocess.Popen, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"{process.args} exited with {process.returncode}")
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.1)
    raise AssertionError(f"nothing listened on {port} after {seconds} s")


def _listens_on(argv: list[str]) -> int:
    """The port a server command binds: ``--bind HOST:PORT`` or ``--port PORT``."""
    if "--bind" in argv:
        return int(argv[argv.index("--bind") + 1].rsplit(":", 1)[1])
    return int(argv[argv.index("--port") + 1])


@pytest.mark.slow
def test_the_remote_store_walkthrough_runs_as_written(tmp_path):
    (tmp_path / "shapes").symlink_to(ROOT / "shapes", target_is_directory=True)
    engine, app = _free_port(), _free_port()
    env = {**os.environ, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"}
    env.pop("CONFLICTKG_STORE", None)
    background, outputs = [], []
    try:
        for line in _block():
            command = line.split("  #")[0].strip().replace("7878", str(engine)).replace("5000", str(app))
            if command.endswith("&"):
                argv = shlex.split(command[:-1])
                process = subprocess.Popen(argv, cwd=tmp_path, env=env, stdout=subprocess.DEVNULL,
                                           stderr=subprocess.DEVNULL, start_new_session=True)
                background.append(process)
                _wait_for(_listens_on(argv), process)
                continue
            argv = shlex.split(command)
            if argv[0] == "curl":  # the machine may have no curl: the same GET
                with urllib.request.urlopen("http://" + argv[-1], timeout=60) as response:
                    outputs.append((argv, response.read().decode("utf-8")))
                continue
            done = subprocess.run(argv, cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300)
            assert done.returncode == 0, f"{command}: {done.stderr}"
            outputs.append((argv, done.stdout + done.stderr))
    finally:
        for process in background:
            _stop_group(process, timeout=20)

    # the embedded store, given the same file, answers the same
    local = open_store("memory")
    client = create_app({"STORE": local, "TESTING": True}).test_client()
    before = client.get("/api/strikes?country=Pakistan").get_json()
    added = load_files(local, [ROOT / "shapes/tests/good-attack.ttl"])
    after = client.get("/api/strikes?country=Pakistan").get_json()

    by_verb = {argv[1] if argv[0] == "conflictkg" else argv[0]: out for argv, out in outputs}
    assert "Koh-e-Sabz" in by_verb["strikes"]
    assert by_verb["strikes"] == CliRunner().invoke(main, ["strikes", "--country", "Pakistan"]).output
    assert len(after["strikes"]) >= len(before["strikes"])
    assert f"loaded {added} new triples" in by_verb["load"]
    assert json.loads(by_verb["curl"]) == after


VIRTUOSO_MARKER = "<!-- tests/test_readme_remote.py runs this Virtuoso block as written"


@pytest.mark.slow
def test_the_virtuoso_walkthrough_runs_as_written():
    from tests.support.virtuoso_server import virtuoso_available

    reason = virtuoso_available()
    if reason:
        pytest.skip(reason)
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    body = re.search(r"```sh\n(.*?)```", text[text.index(VIRTUOSO_MARKER):], re.S).group(1)
    start, *commands = [line for line in body.splitlines() if line.strip()]
    port = str(_free_port())
    env = {**os.environ, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"}
    env.pop("CONFLICTKG_STORE", None)
    argv = shlex.split(start.rstrip("& ").replace("8890", port))
    argv[0] = sys.executable if argv[0] == "python" else argv[0]
    server = subprocess.Popen(argv, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                              text=True, start_new_session=True)
    try:
        spec = server.stdout.readline().strip()  # printed once the endpoint answers and takes updates
        assert spec.startswith(f"sparql:http://127.0.0.1:{port}/sparql;graph="), spec
        [command] = commands
        done = subprocess.run(shlex.split(command.replace("8890", port)), cwd=ROOT, env=env, capture_output=True,
                              text=True, timeout=300)
        assert done.returncode == 0, done.stderr
    finally:
        _stop_group(server, timeout=30)
        server.stdout.close()
    assert "Koh-e-Sabz" in done.stdout
    assert done.stdout == CliRunner().invoke(main, ["strikes", "--country", "Pakistan"]).stdout
