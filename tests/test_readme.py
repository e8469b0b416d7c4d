"""The README's examples run as written: each `$ command` in a console block, and each line under
it must appear in what the command prints (spaces collapsed). A command ending in ``# exits N``
must exit with N (a refusal is an example too). Commands run as from the repository's root: the
scratch folder they run in sees its ``shapes/`` folder (the fixtures the examples validate)."""

import re
import shlex
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from conflictkg.cli import main

ROOT = Path(__file__).resolve().parents[1]
README = ROOT / "README.md"
EXITS = re.compile(r"\s+# exits (\d+)$")


def _examples() -> list[tuple[str, list[str]]]:
    examples = []
    for block in re.findall(r"```console\n(.*?)```", README.read_text(encoding="utf-8"), re.S):
        for line in block.splitlines():
            if line.startswith("$ "):
                examples.append((line[2:], []))
            elif line.strip() and examples:
                examples[-1][1].append(line)
    return examples


@pytest.fixture(scope="module")
def workdir(tmp_path_factory):
    folder = tmp_path_factory.mktemp("readme")
    (folder / "shapes").symlink_to(ROOT / "shapes", target_is_directory=True)
    return folder


def _squash(text: str) -> str:
    return re.sub(r"[ \t]+", " ", text)


@pytest.mark.parametrize("command, expected", _examples(), ids=lambda v: v if isinstance(v, str) else "")
def test_readme_example(command, expected, client, runner, workdir, monkeypatch):
    monkeypatch.chdir(workdir)  # one scratch folder: later examples use what earlier ones wrote
    exits = EXITS.search(command)
    status = int(exits.group(1)) if exits else 0
    argv = shlex.split(EXITS.sub("", command))
    if argv[0] == "curl":
        url = urlsplit("http://" + argv[-1])
        response = client.get(url.path + ("?" + url.query if url.query else ""))
        assert response.status_code == 200
        output = response.get_data(as_text=True)
    elif argv[0] == "conflictkg":
        result = runner.invoke(main, argv[1:])
        assert result.exit_code == status, result.output
        output = result.output  # what the terminal shows: stdout and stderr
    else:
        pytest.skip(f"not a conflictkg or curl example: {argv[0]}")
    for line in expected:
        assert _squash(line) in _squash(output), f"{line!r} not in the output of {command!r}"


def test_readme_has_examples():
    assert len(_examples()) >= 10
