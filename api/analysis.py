"""Analyses over the graph: the tit-for-tat chain between two actors."""

from __future__ import annotations

from flask import Blueprint, jsonify

from conflictkg.graph.domain.names import AmbiguousName
from conflictkg.graph.domain.strikes import FilterError
from conflictkg.graph.domain.titfortat import chain

from .errors import Problem, ambiguous
from .rest import _args
from .store import get_dataset

bp = Blueprint("analysis", __name__)


@bp.get("/api/tit-for-tat")
def tit_for_tat():
    args = _args(["between", "window"])
    names = [n.strip() for n in args.get("between", "").split(",") if n.strip()]
    if len(names) != 2:
        raise Problem(400, "between= takes two actors separated by a comma, e.g. between=Iran,Pakistan",
                      title="Bad parameter")
    try:
        window = int(args.get("window", "7"))
        if not 0 <= window <= 3650:
            raise ValueError
    except ValueError:
        raise Problem(400, "window= is a number of days from 0 to 3650", title="Bad parameter") from None
    try:
        steps = chain(get_dataset(), names[0], names[1], window=window)
    except LookupError as exc:
        raise Problem(404, str(exc), title="Unknown actor") from exc
    except AmbiguousName as exc:
        raise ambiguous(exc) from exc
    except FilterError as exc:
        raise Problem(400, str(exc), title="Bad parameter") from exc
    return jsonify({"between": names, "window": window, "chain": steps})
