"""Every IRI of the graph dereferences, as LodView or Pubby serve Linked Data.

- ``GET /id/<path>``: the graph's own IRI ``https://w3id.org/conflictkg/id/<path>`` (the namespace
  mapped to this server). Browsers get a page (label, types, every statement, the quotes that
  ground it highlighted in the article, claims with their status and claimant, incoming links);
  RDF clients get its triples (as subject and as object) in Turtle, N-Triples, JSON-LD or RDF/XML
  by ``Accept`` or ``format=``, negotiated as ``/sparql`` negotiates a graph.
- ``GET /resource?iri=<IRI>``: the same for any IRI the graph holds (the ontology's terms).
- An IRI the graph says nothing of is a 404 problem.
"""

from __future__ import annotations

from urllib.parse import quote

from flask import Blueprint, Response, render_template, request, url_for

from conflictkg.graph.domain.resource import UnknownResource, describe, serialize
from conflictkg.graph.formats import GRAPH_TYPES, accepted_types
from conflictkg.graph.vocab import CK, ID

from .errors import Problem
from .sparql import FORMAT_PARAMS, negotiate
from .store import get_dataset

bp = Blueprint("resource", __name__, template_folder="templates")


def href(iri: str) -> str:
    """Where a page links an IRI: the graph's own IRIs and the ontology's terms to their page here, the
    others (Wikidata, XSD) to themselves."""
    if iri.startswith(ID):
        return url_for("resource.own", path=iri[len(ID):])
    if iri.startswith(str(CK)):
        return url_for("resource.any_iri", iri=iri)
    return iri


def _wants_html() -> bool:
    if any(request.values.get(name) == "html" for name in FORMAT_PARAMS):
        return True
    if any(request.values.get(name) for name in FORMAT_PARAMS) or not request.accept_mimetypes:
        return False
    # RDF first: a client that accepts anything (curl's */*) gets Turtle; a browser names text/html
    return request.accept_mimetypes.best_match([*accepted_types(GRAPH_TYPES), "text/html"]) == "text/html"


def _serve(iri: str) -> Response:
    data = get_dataset()
    if _wants_html():
        try:
            page = describe(data, iri)
        except ValueError as exc:
            raise Problem(400, f"not an IRI: {exc}", title="Bad IRI") from exc
        if page is None:
            raise UnknownResource(iri)
        sparql = f"DESCRIBE <{iri}>"
        response = Response(render_template("resource.html", page=page, href=href,
                                            query_link="/?query=" + quote(sparql)), mimetype="text/html")
    else:
        media = negotiate(GRAPH_TYPES, "text/turtle")
        try:
            body = serialize(data, iri, GRAPH_TYPES[media])
        except ValueError as exc:
            raise Problem(400, f"not an IRI: {exc}", title="Bad IRI") from exc
        response = Response(body, mimetype=media)
    response.vary.add("Accept")
    return response


@bp.get("/id/<path:path>")
def own(path: str) -> Response:
    return _serve(ID + path)


@bp.get("/resource")
def any_iri() -> Response:
    iris = request.args.getlist("iri")
    if len(iris) != 1:
        raise Problem(400, "name one IRI: /resource?iri=…", title="Bad parameter")
    return _serve(iris[0])
