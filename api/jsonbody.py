"""The app's JSON answers, written by orjson: the same text as Flask's own provider (indented, for
people who read them with curl), written many times faster, so that a page of a hundred strikes
costs its queries and little else (docs/performance.md).

>>> from flask import Flask
>>> app = Flask(__name__)
>>> app.json = JSONBody(app)
>>> app.json.sort_keys = False
>>> app.json.dumps({"label": "Israel", "ids": [1, 2]}, indent=2)
'{\\n  "label": "Israel",\\n  "ids": [\\n    1,\\n    2\\n  ]\\n}'
>>> app.json.dumps({"b": 1, "a": None})
'{"b":1,"a":null}'
"""

from __future__ import annotations

from typing import Any

import orjson
from flask.json.provider import DefaultJSONProvider


class JSONBody(DefaultJSONProvider):
    """Flask's JSON provider with orjson's writer. Non-ASCII text is written as UTF-8, not escaped;
    what orjson cannot write (a date, a Decimal) goes through Flask's ``default``."""

    def dumps(self, obj: Any, **kwargs: Any) -> str:
        option = orjson.OPT_NON_STR_KEYS
        if kwargs.get("indent"):
            option |= orjson.OPT_INDENT_2
        if kwargs.get("sort_keys", self.sort_keys):
            option |= orjson.OPT_SORT_KEYS
        return orjson.dumps(obj, default=kwargs.get("default", self.default), option=option).decode("utf-8")
