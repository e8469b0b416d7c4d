"""Country borders and coastlines for maps drawn offline: Natural Earth's, as the npm package
``world-atlas`` ships them (TopoJSON), from the node_modules folder ``make install`` fills (the same
file the query page's map draws). No tiles and no download at run time.

TopoJSON stores each shared boundary once, as an arc of quantized, delta-encoded points; a
country is a list of rings, each a list of arcs (a negative index runs an arc backwards). A border
is an arc two countries share; a coastline, an arc only one country has.

>>> lines = outlines()
>>> len(lines.borders) > 100 and len(lines.coasts) > 100
True
>>> iran_pakistan = [(lon, lat) for line in lines.borders for lon, lat in line if 61 < lon < 63 and 27 < lat < 29]
>>> len(iran_pakistan) > 3
True
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from ..settings import setting

#: Natural Earth at 1:50m: detailed enough for a region, small enough to read at once.
ATLAS = Path("world-atlas") / "countries-50m.json"


class BasemapMissing(FileNotFoundError):
    """The borders are not installed: ``make install`` puts them in node_modules."""


@dataclass(frozen=True)
class Outlines:
    #: Every country's rings (outer and holes alike), to fill the land.
    land: tuple[tuple[tuple[float, float], ...], ...]
    #: Arcs two countries share, as lists of (longitude, latitude).
    borders: tuple[tuple[tuple[float, float], ...], ...]
    #: Arcs one country has alone: coastlines (and the edge of the data).
    coasts: tuple[tuple[tuple[float, float], ...], ...]


def _decode(topology: dict) -> list[list[tuple[float, float]]]:
    scale, translate = topology["transform"]["scale"], topology["transform"]["translate"]
    arcs = []
    for arc in topology["arcs"]:
        x = y = 0
        points = []
        for dx, dy in arc:
            x, y = x + dx, y + dy
            points.append((x * scale[0] + translate[0], y * scale[1] + translate[1]))
        arcs.append(points)
    return arcs


def _rings(geometry: dict):
    """Each ring of a Polygon or MultiPolygon, as its arc indexes (negative: the arc reversed)."""
    polygons = geometry["arcs"] if geometry["type"] == "MultiPolygon" else [geometry["arcs"]]
    for polygon in polygons:
        yield from polygon


def _ring(arcs: list, indexes: list[int]) -> tuple[tuple[float, float], ...]:
    points: list[tuple[float, float]] = []
    for index in indexes:
        arc = arcs[index] if index >= 0 else arcs[~index][::-1]
        points.extend(arc[1:] if points else arc)  # consecutive arcs share their end point
    return tuple(points)


@lru_cache(maxsize=1)
def outlines(path: str | None = None) -> Outlines:
    """The borders and coastlines of ``path`` (default: world-atlas's 1:50m countries)."""
    found = Path(path) if path else Path(setting("ASSETS_DIR")) / ATLAS
    if not found.is_file():
        raise BasemapMissing(f"{found} is not installed: run `make install` (npm ci)")
    topology = json.loads(found.read_text(encoding="utf-8"))
    arcs = _decode(topology)
    owners: dict[int, int] = {}
    land = []
    for geometry in topology["objects"]["countries"]["geometries"]:
        if geometry.get("type") in ("Polygon", "MultiPolygon"):
            rings = list(_rings(geometry))
            land += [_ring(arcs, ring) for ring in rings]
            for index in {i if i >= 0 else ~i for ring in rings for i in ring}:
                owners[index] = owners.get(index, 0) + 1
    borders = tuple(tuple(arcs[i]) for i, n in sorted(owners.items()) if n > 1)
    coasts = tuple(tuple(arcs[i]) for i, n in sorted(owners.items()) if n == 1)
    return Outlines(tuple(land), borders, coasts)


def draw_outlines(ax, lines: Outlines | None = None) -> None:
    """Coastlines and borders on a matplotlib axis in longitude and latitude, under everything else."""
    from matplotlib.collections import LineCollection, PolyCollection

    lines = lines or outlines()
    ax.set_facecolor("#dfeaf5")  # the sea
    ax.add_collection(PolyCollection(lines.land, facecolors="#f4f1ea", edgecolors="none", zorder=0))
    ax.add_collection(LineCollection(lines.coasts, colors="#6b8fb3", linewidths=0.8, zorder=0.5))
    ax.add_collection(LineCollection(lines.borders, colors="#a39e93", linewidths=0.6, linestyles=(0, (3, 2)),
                                     zorder=0.5))
