"""The pages' own files: the query page, its libraries from node_modules (never a CDN), the favicon."""

import json
import re
import subprocess
from pathlib import Path

from conflictkg.api import create_app
from conflictkg.api.assets import VENDOR

ROOT = Path(__file__).resolve().parent.parent


def test_the_page_loads_nothing_from_elsewhere(client):
    html = client.get("/", headers={"Accept": "text/html"}).get_data(as_text=True)
    assert "#defaultView:Map" in html
    refs = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert refs and not [r for r in refs if re.match(r"(https?:)?//", r)]
    loads = []
    for name in ("query.js", "map.js"):
        with client.get(f"/static/{name}") as response:
            loads += re.findall(r"""(?:script|fetch)\(\s*["'`]([^"'`]+)""", response.get_data(as_text=True))
    assert {"/vendor/vis-network.js", "/vendor/d3-geo.js", "/vendor/countries.json"} <= set(loads)
    assert all(url.startswith("/") for url in loads)


def test_every_library_is_served_from_the_installed_packages(client):
    for name, path in VENDOR.items():
        with client.get(f"/vendor/{name}") as response:
            assert response.status_code == 200, name
            assert response.data == (ROOT / "node_modules" / path).read_bytes()
    with client.get("/vendor/countries.json") as response:
        world = json.loads(response.data)
    assert world["type"] == "Topology" and "countries" in world["objects"]


def test_the_libraries_are_pinned_and_never_committed():
    lock = json.loads((ROOT / "package-lock.json").read_text())
    pinned = {path.split("node_modules/")[-1] for path in lock["packages"] if path}
    assert {"d3-geo", "topojson-client", "vis-network", "world-atlas"} <= pinned
    tracked = subprocess.run(["git", "ls-files", "node_modules"], cwd=ROOT, capture_output=True, text=True).stdout
    assert tracked == ""
    assert subprocess.run(["git", "check-ignore", "-q", "node_modules/d3-geo"], cwd=ROOT).returncode == 0


def test_unknown_or_missing_assets_are_problems(client, store, tmp_path):
    unknown = client.get("/vendor/jquery.js")
    assert unknown.status_code == 404 and unknown.mimetype == "application/problem+json"
    bare = create_app({"STORE": store, "TESTING": True, "ASSETS_DIR": str(tmp_path)}).test_client()
    missing = bare.get("/vendor/d3-geo.js")
    assert missing.status_code == 404 and "make install" in missing.json["detail"]


def test_the_favicon(client):
    for path in ("/favicon.ico", "/static/favicon.svg"):
        with client.get(path) as response:
            assert response.status_code == 200 and response.mimetype == "image/svg+xml" and b"<svg" in response.data
