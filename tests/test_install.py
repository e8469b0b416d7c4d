"""Set-up: `make install` is idempotent (a second run fetches nothing) and setuptools is told of every folder."""

import configparser
import fnmatch
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.skipif(shutil.which("make") is None, reason="needs make")
def test_a_second_make_install_fetches_nothing():
    if not (ROOT / ".cache" / "w3c" / "shacl-core" / "manifest.ttl").exists():
        pytest.skip("the W3C suite was never fetched here: run `make install`")
    plan = subprocess.run(["make", "-n", "install"], cwd=ROOT, capture_output=True, text=True, check=True).stdout
    assert "pip download" not in plan and "rm -rf" not in plan


def test_setup_cfg_declares_every_data_folder_as_a_package():
    """setuptools takes every folder of a package for a package: one it is not told of is a warning of 40 lines
    at each install, and its files rely on include_package_data alone."""
    cfg = configparser.ConfigParser()
    cfg.read(ROOT / "setup.cfg")
    packages = set(cfg["options"]["packages"].split())
    package_dir = dict(line.split(" = ") for line in cfg["options"]["package_dir"].strip().splitlines())
    data = {name: [p.strip() for p in patterns.split(",")] for name, patterns in cfg["options.package_data"].items()}
    for package, folder in package_dir.items():
        for sub in (ROOT / folder).rglob("*"):
            if not sub.is_dir() or "__pycache__" in sub.parts or not any(f.is_file() for f in sub.iterdir()):
                continue
            name = ".".join([package, *sub.relative_to(ROOT / folder).parts])
            assert name in packages, f"{sub.relative_to(ROOT)} is not declared as the package {name}"
            for file in sub.iterdir():
                if file.is_file() and file.suffix != ".py":
                    assert any(fnmatch.fnmatch(file.name, p) for p in data.get(name, [])), f"{file} is not package data"
