"""Snapshots over HTTP: the list, downloads by canonical id, and the VoID/DCAT description."""

from __future__ import annotations

import re
from pathlib import Path

from flask import Blueprint, Response, current_app, jsonify, request, send_file

from conflictkg.graph.formats import SNAPSHOT_FORMATS
from conflictkg.graph.exports.snapshot import SnapshotError, find_snapshot, list_snapshots, snapshot_dir, snapshot_store
from conflictkg.graph.exports.void import describe

from .errors import Problem
from .store import get_dataset

bp = Blueprint("snapshots", __name__)

#: Download names: a full canonical id and one of these extensions; nothing else reaches the disk.
_EXTENSIONS = ["nq.gz", *SNAPSHOT_FORMATS]
_NAME = re.compile(rf"^([0-9a-f]{{64}})\.({'|'.join(re.escape(ext) for ext in _EXTENSIONS)})$")


def snapshots_folder() -> Path:
    return snapshot_dir(current_app.config.get("SNAPSHOT_DIR"))


def store_as_of(ref: str):
    """The store of snapshot ``ref`` (for ``snapshot=`` on query routes); 404 when unknown."""
    try:
        return snapshot_store(snapshots_folder(), ref)
    except SnapshotError as exc:
        raise Problem(404, str(exc), title="Unknown snapshot") from exc


@bp.get("/snapshots")
def index():
    root = request.url_root.rstrip("/")
    try:
        snaps = list_snapshots(snapshots_folder())
    except SnapshotError as exc:
        raise Problem(500, str(exc)) from exc
    return jsonify({"snapshots": [
        {**snap.__dict__, "links": {ext: f"{root}/snapshots/{snap.id}.{ext}" for ext in _EXTENSIONS}}
        for snap in reversed(snaps)]})


@bp.get("/snapshots/<string:name>")
def download(name: str):
    match = _NAME.match(name)
    if not match:
        raise Problem(404, f"a snapshot is named <64 hex digits>.<{'|'.join(_EXTENSIONS)}>", title="Not a snapshot")
    snapshot_id, ext = match.groups()
    try:
        snap = find_snapshot(snapshots_folder(), snapshot_id)
    except SnapshotError as exc:
        raise Problem(404, str(exc), title="Unknown snapshot") from exc
    path = snap.path(snapshots_folder()).resolve()
    if ext == "nq.gz":  # the stored bytes themselves: reproducible, citable
        return send_file(path, mimetype="application/gzip", as_attachment=True, download_name=name)
    fmt = SNAPSHOT_FORMATS[ext]
    body = store_as_of(snapshot_id).dump(fmt=fmt)
    return Response(body, mimetype=fmt.media_type,
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})


@bp.get("/.well-known/void")
def void():
    root = request.url_root.rstrip("/")
    try:
        snaps = list_snapshots(snapshots_folder())
    except SnapshotError:
        snaps = []
    return Response(describe(get_dataset(), base=root, snapshots=snaps), mimetype="text/turtle")
