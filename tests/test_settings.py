"""The settings table (conflictkg.graph.settings) is the one reader of the environment: no other module
of the package reads a variable or names a CONFLICTKG_ one, and every setting reaches where it is used."""

import ast
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

import conflictkg
import conflictkg.api
import conflictkg.graph
from conflictkg.api import create_app
from conflictkg.cli import main
from conflictkg.graph.auth import update_token
from conflictkg.graph.store.seed_cache import cache_dir
from conflictkg.graph.settings import SETTINGS, SettingError, setting
from conflictkg.graph.exports.snapshot import snapshot_dir

SETTINGS_MODULE = Path(conflictkg.graph.__file__).with_name("settings.py")
VARIABLE = re.compile(r"^CONFLICTKG_[A-Z_]+$")


def _package_sources() -> list[Path]:
    folders = [Path(p) for package in (conflictkg, conflictkg.graph, conflictkg.api) for p in package.__path__]
    return sorted(path for folder in folders for path in folder.rglob("*.py"))


def _reads_environment(tree: ast.AST) -> list[int]:
    """Lines that touch ``os.environ`` or ``os.getenv`` (or ``environ``/``getenv`` imported from os)."""
    lines = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and node.attr in ("environ", "getenv", "environb", "getenvb") \
                and isinstance(node.value, ast.Name) and node.value.id == "os":
            lines.append(node.lineno)
        if isinstance(node, ast.ImportFrom) and node.module == "os" \
                and {alias.name for alias in node.names} & {"environ", "getenv"}:
            lines.append(node.lineno)
    return lines


def test_only_the_settings_table_reads_the_environment():
    sources = _package_sources()
    assert SETTINGS_MODULE in sources
    found = []
    for path in sources:
        if path == SETTINGS_MODULE:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        found += [f"{path.name}:{line} reads the environment" for line in _reads_environment(tree)]
        found += [f"{path.name}:{node.lineno} names {node.value}" for node in ast.walk(tree)
                  if isinstance(node, ast.Constant) and isinstance(node.value, str) and VARIABLE.match(node.value)]
    assert found == [], "read it through conflictkg.graph.settings.setting instead"


def test_every_variable_is_named_once():
    names = [s.env for s in SETTINGS.values()]
    assert len(names) == len(set(names)) and all(VARIABLE.match(name) for name in names)
    assert all(s.help and s.name.isupper() for s in SETTINGS.values())


@pytest.mark.parametrize("name", [s.name for s in SETTINGS.values() if s.type in (int, float)])
def test_a_number_that_is_not_one_names_its_variable(name):
    variable = SETTINGS[name].env
    with pytest.raises(SettingError, match=rf"^{variable}='many' is not a number$"):
        setting(name, environ={variable: "many"})


def test_the_environment_reaches_every_reader(monkeypatch, tmp_path):
    monkeypatch.setenv("CONFLICTKG_UPDATE_TOKEN", "from-env")
    monkeypatch.setenv("CONFLICTKG_SNAPSHOTS", str(tmp_path / "snaps"))
    monkeypatch.setenv("CONFLICTKG_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setenv("CONFLICTKG_MAX_ROWS", "7")
    assert update_token() == "from-env" and update_token("given") == "given"
    assert snapshot_dir() == tmp_path / "snaps" and snapshot_dir("elsewhere") == Path("elsewhere")
    assert cache_dir() == tmp_path / "cache"
    app = create_app({"STORE": "memory", "MAX_DEPTH": 3})  # create_app's config wins over the environment
    assert app.config["SNAPSHOT_DIR"] == str(tmp_path / "snaps") and app.config["MAX_ROWS"] == 7
    assert app.config["MAX_DEPTH"] == 3
    monkeypatch.setenv("CONFLICTKG_STORE", "nowhere")
    result = CliRunner().invoke(main, ["strikes"])
    assert result.exit_code == 1 and "unknown store 'nowhere'" in result.output
