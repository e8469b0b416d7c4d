"""The pages' front-end libraries, served from the node_modules folder ``make install`` fills.

They come from the npm registry at install time (``package.json`` and its lock file), never from a
CDN and never copied into the repository; the page asks for them here, so it works with no network.
Only the files the pages use are served, by short names: ``GET /vendor/d3-geo.js``.
"""

from __future__ import annotations

from pathlib import Path

from flask import Blueprint, Response, current_app, send_from_directory

from conflictkg.graph.settings import setting

from .errors import Problem

bp = Blueprint("assets", __name__)

#: Short name → file in node_modules (each package's own minified build).
VENDOR = {
    "d3-array.js": "d3-array/dist/d3-array.min.js",
    "d3-geo.js": "d3-geo/dist/d3-geo.min.js",
    "topojson-client.js": "topojson-client/dist/topojson-client.min.js",
    "vis-network.js": "vis-network/standalone/umd/vis-network.min.js",
    # Natural Earth's country borders and coastlines at 1:50m, as TopoJSON
    "countries.json": "world-atlas/countries-50m.json",
}


def assets_dir() -> Path:
    return Path(current_app.config.get("ASSETS_DIR") or setting("ASSETS_DIR"))


@bp.get("/vendor/<name>")
def vendor(name: str) -> Response:
    if name not in VENDOR:
        raise Problem(404, f"no asset {name!r}; the pages use {', '.join(VENDOR)}", title="Unknown asset")
    folder = assets_dir()
    if not (folder / VENDOR[name]).is_file():
        raise Problem(404, f"{VENDOR[name]} is not installed in {folder}: run `make install` (npm ci)",
                      title="Asset not installed")
    return send_from_directory(folder, VENDOR[name], max_age=24 * 3600)
