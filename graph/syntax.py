"""Readable SPARQL syntax errors, at their line and column.

The engine reports where its parser gave up and every token it could have taken there, which
can be far from the mistake (``SELEC ?x`` fails at column 10, expecting ``CONSTRUCT``). A few
mistakes explain themselves from the text: a query form misspelt, a prefix never declared, a
bracket left open. Otherwise the engine's position stands, with the words around it and a short
list of what was expected.

>>> explain("SELEC ?x WHERE { ?x ?p ?o }", "error at 1:10: expected CONSTRUCT").message
'expected SELECT, CONSTRUCT, ASK or DESCRIBE at 1:1'
>>> explain("SELECT * WHERE { ?s foo:bar ?o }", "error at 1:21: expected IRI parsing failed").message
'unknown prefix foo: at 1:21 (declare it: PREFIX foo: <…>)'
>>> explain("SELECT nothing WHERE {}", "error at 1:16: expected DISTINCT").message
'expected a ?variable, ( or * after SELECT at 1:8'
>>> explain("SELECT * WHERE {\\n  ?s ?p ?o ", 'error at 2:12: expected one of ".", "}"').message
'the { opened at 1:16 is never closed'
>>> explain("SELECT * WHERE { ?s ?p }", 'error at 1:25: expected one of ",", "{", "~", [_]')
Diagnosis(message='syntax error at 1:25 near "?p }": expected one of ",", "{", "~"', line=1, column=25)
"""

from __future__ import annotations

import re
from dataclasses import dataclass

#: The engine's own position, when its message gives one.
_AT = re.compile(r"error at (\d+):(\d+): (.*)", re.S)
#: Comments, strings and IRIs, which hold no keyword, prefix or bracket; then the tokens that do.
_TOKEN = re.compile(r"""(?P<skip>\#[^\n]*|"{3}[\s\S]*?"{3}|'{3}[\s\S]*?'{3}|_:[\w.-]*|"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*'|<[^<>\s"{}|^`\\]*>)
                      |(?P<var>[?$]\w+)
                      |(?P<pname>[A-Za-z][\w.-]*?:|:)(?P<local>[\w.%-]*)
                      |(?P<word>[A-Za-z_]\w*)
                      |(?P<open>[{(\[])|(?P<close>[})\]])|(?P<star>\*)""", re.X)
_FORMS = {"SELECT", "CONSTRUCT", "ASK", "DESCRIBE"}
_PAIRS = {"}": "{", ")": "(", "]": "["}
#: The engine's names for character classes, as a reader says them.
_READABLE = {"['0'..='9']": "a number"}
#: How many of the engine's expected tokens a message lists.
SHOWN = 8


@dataclass(frozen=True)
class Diagnosis:
    message: str
    line: int | None = None
    column: int | None = None


def _position(text: str, offset: int) -> tuple[int, int]:
    line = text.count("\n", 0, offset) + 1
    return line, offset - (text.rfind("\n", 0, offset) + 1) + 1


def _offset(text: str, line: int, column: int) -> int:
    lines = text.split("\n")
    return sum(len(part) + 1 for part in lines[:line - 1]) + column - 1


def _tokens(text: str):
    for match in _TOKEN.finditer(text):
        if not match.group("skip"):
            yield match


def _query_form(text: str) -> Diagnosis | None:
    """The first word after the prologue must be a query form."""
    expect_prologue_args = 0
    for match in _tokens(text):
        if expect_prologue_args:
            expect_prologue_args -= 1
            continue
        word = match.group("word")
        if word and word.upper() in ("PREFIX", "BASE"):
            expect_prologue_args = 1 if word.upper() == "PREFIX" else 0  # BASE's IRI is skipped as an IRI
            continue
        if word and word.upper() == "SELECT":
            return _projection(text, match.end())
        if word and word.upper() in _FORMS:
            return None
        line, column = _position(text, match.start())
        return Diagnosis(f"expected SELECT, CONSTRUCT, ASK or DESCRIBE at {line}:{column}", line, column)
    return Diagnosis("the query is empty: expected SELECT, CONSTRUCT, ASK or DESCRIBE")


def _projection(text: str, after: int) -> Diagnosis | None:
    """SELECT names variables, expressions in brackets or ``*``."""
    for match in _TOKEN.finditer(text, after):
        if match.group("skip"):
            continue
        word = match.group("word")
        if word and word.upper() in ("DISTINCT", "REDUCED"):
            continue
        if match.group("var") or match.group("star") or match.group("open") == "(":
            return None
        line, column = _position(text, match.start())
        return Diagnosis(f"expected a ?variable, ( or * after SELECT at {line}:{column}", line, column)
    return None


def _prefixes(text: str) -> Diagnosis | None:
    """A prefixed name whose prefix the query never declares."""
    declared = set(re.findall(r"(?i)\bPREFIX\s+([A-Za-z][\w.-]*)?:", text))
    declared.discard(None)
    tokens = list(_tokens(text))
    for n, match in enumerate(tokens):
        pname = match.group("pname")
        if pname is None:
            continue
        name = pname[:-1]
        if n and (tokens[n - 1].group("word") or "").upper() == "PREFIX":
            continue
        if name not in declared and not (name == "" and "" in declared):
            line, column = _position(text, match.start())
            return Diagnosis(f"unknown prefix {pname} at {line}:{column} (declare it: PREFIX {pname} <…>)", line, column)
    return None


def _brackets(text: str) -> Diagnosis | None:
    """A bracket closed that was never opened, closed by the wrong kind, or left open."""
    stack: list[tuple[str, int]] = []
    for match in _tokens(text):
        if match.group("open"):
            stack.append((match.group("open"), match.start()))
        elif match.group("close"):
            close = match.group("close")
            line, column = _position(text, match.start())
            if not stack:
                return Diagnosis(f"{close} at {line}:{column} closes nothing", line, column)
            opened, at = stack.pop()
            if opened != _PAIRS[close]:
                oline, ocolumn = _position(text, at)
                return Diagnosis(f"{close} at {line}:{column} closes the {opened} opened at {oline}:{ocolumn}",
                                 line, column)
    if stack:
        opened, at = stack[-1]
        line, column = _position(text, at)
        return Diagnosis(f"the {opened} opened at {line}:{column} is never closed", line, column)
    return None


def _near(text: str, line: int, column: int) -> str:
    """The words of the line around a position (an engine's position may sit just past the mistake)."""
    row = text.split("\n")[line - 1] if 0 < line <= text.count("\n") + 1 else ""
    at = min(column - 1, len(row))
    while 0 < at < len(row) and not row[at - 1].isspace() and not row[at].isspace():
        at -= 1  # not inside a word
    left, right = row[:at].split(), row[at:].split()
    return " ".join([*left[-2:], *right[:2]])


def _engine(text: str, message: str) -> Diagnosis:
    match = _AT.match(message.strip())
    if not match:
        return Diagnosis(message)
    line, column, rest = int(match.group(1)), int(match.group(2)), match.group(3).strip()
    expected = rest[len("expected"):].strip() if rest.startswith("expected") else rest
    if expected.startswith("one of "):
        items = [item.strip() for item in re.findall(r'"[^"]*"|\[[^\]]*\]|[^,]+', expected[len("one of "):])]
        items = [_READABLE.get(item, item) for item in items if item and item != "[_]"]
        more = len(items) - SHOWN
        expected = "one of " + ", ".join(items[:SHOWN]) + (f" (and {more} more)" if more > 0 else "")
    near = _near(text, line, column)
    where = f'at {line}:{column} near "{near}"' if near else f"at {line}:{column}"
    if not expected or "unreported" in expected:
        return Diagnosis(f"syntax error {where}", line, column)
    return Diagnosis(f"syntax error {where}: expected {expected}", line, column)


def explain(text: str, message: str) -> Diagnosis:
    """A readable account of why the engine refused ``text`` with ``message``."""
    if not _AT.match(message.strip()):
        return Diagnosis(message)
    for check in (_query_form, _prefixes, _brackets):
        found = check(text)
        if found is not None:
            return found
    return _engine(text, message)
