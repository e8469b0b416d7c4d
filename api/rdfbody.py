"""An RDF request body: its format from the Content-Type, its text checked before any parser runs."""

from __future__ import annotations

import pyoxigraph as ox
from flask import request

from conflictkg.graph.formats import BODY_TYPES

from .errors import Problem
from .limits import request_body

#: Where relative IRIs of an uploaded body resolve.
UPLOAD_BASE = "https://w3id.org/conflictkg/id/upload/"


def rdf_body() -> tuple[bytes, ox.RdfFormat]:
    """The body and its format; 415 for another media type, 400 for text that is not UTF-8."""
    media = request.mimetype
    if media not in BODY_TYPES:
        raise Problem(415, f"send the data as one of {', '.join(BODY_TYPES)} (got {media or 'no content type'})",
                      title="Unsupported content type")
    fmt = BODY_TYPES[media]
    body = request_body()
    if fmt != ox.RdfFormat.RDF_XML:  # XML names its own encoding
        charset = (request.mimetype_params.get("charset") or "utf-8").lower()
        if charset not in ("utf-8", "utf8"):
            raise Problem(415, f"the body must be UTF-8, not {charset}", title="Unsupported charset")
        try:
            body.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise Problem(400, f"the body is not UTF-8: {exc}", title="Bad encoding") from exc
    return body, fmt
