"""The HTML query page at ``/`` (``/sparql`` shows it too, to browsers that send no query)."""

from flask import Blueprint, render_template

bp = Blueprint("ui", __name__, template_folder="templates")


@bp.get("/")
def index():
    return render_template("query.html")
