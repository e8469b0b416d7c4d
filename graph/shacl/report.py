"""What validation found: results, and the report that holds them (as JSON, text or SHACL's Turtle).

Apart from the engines that make it (:mod:`.validation`), so that the gate, which reads reports
on every write, imports neither rdflib nor the shapes compiler until it needs them.

>>> report = Report([Result("urn:e", None, SHACL + "MinCountConstraintComponent", "Violation", "no date")], "fast")
>>> report.conforms, report.as_text().splitlines()[-1]
(False, 'Does not conform: 1 violation, 0 warnings, 0 infos (fast engine)')
"""

from __future__ import annotations

from dataclasses import dataclass, field

SHACL = "http://www.w3.org/ns/shacl#"
#: The severities of SHACL, from the worst.
SEVERITY_NAMES = ("Violation", "Warning", "Info")


class ValidationError(Exception):
    """The shapes or the data could not be read."""


@dataclass(frozen=True)
class Result:
    """One validation result: the node, the property, what failed, how bad, and why."""

    focus: str
    path: str | None
    component: str
    severity: str
    message: str
    value: str | None = None
    shape: str | None = None

    @property
    def key(self) -> tuple[str, str | None, str]:
        """What two engines must agree on."""
        return (self.focus, self.path, self.component)

    @property
    def shacl(self) -> bool:
        """Whether a SHACL constraint component gave it (not one of the project's own checks, such as
        ill-typed literals): what pySHACL, the reference, can be compared on."""
        return self.component.startswith(SHACL)

    def as_json(self) -> dict:
        return {"focus": self.focus, "path": self.path, "component": self.component, "severity": self.severity,
                "message": self.message, "value": self.value}


@dataclass
class Report:
    """A SHACL validation report. It conforms when no result is a Violation."""

    results: list[Result]
    engine: str
    notes: list[str] = field(default_factory=list)

    @property
    def conforms(self) -> bool:
        return not any(r.severity == "Violation" for r in self.results)

    def as_json(self) -> dict:
        return {"conforms": self.conforms, "engine": self.engine,
                "violations": [r.as_json() for r in self.results], "notes": self.notes}

    def as_text(self) -> str:
        lines = [f"{r.severity}: {r.message}\n  focus: {r.focus}" + (f"\n  path: {r.path}" if r.path else "")
                 + (f"\n  value: {r.value}" if r.value is not None else "") for r in self.results]
        counts = {s: sum(r.severity == s for r in self.results) for s in SEVERITY_NAMES}
        lines.append(("Conforms" if self.conforms else "Does not conform") + ": "
                     + ", ".join(f"{n} {s.lower()}{'s' if n != 1 else ''}" for s, n in counts.items())
                     + f" ({self.engine} engine)")
        return "\n".join(self.notes + lines)

    def as_turtle(self) -> str:
        """The report as an sh:ValidationReport graph."""
        import rdflib  # late: only this needs rdflib (60 ms to import), and every load imports this module

        SH = rdflib.Namespace(SHACL)
        g = rdflib.Graph()
        g.bind("sh", SH)
        report = rdflib.BNode()
        g.add((report, rdflib.RDF.type, SH.ValidationReport))
        g.add((report, SH.conforms, rdflib.Literal(self.conforms)))
        for r in self.results:
            node = rdflib.BNode()
            g.add((report, SH.result, node))
            g.add((node, rdflib.RDF.type, SH.ValidationResult))
            g.add((node, SH.focusNode, _term(r.focus)))
            if r.path:
                g.add((node, SH.resultPath, rdflib.URIRef(r.path)))
            g.add((node, SH.sourceConstraintComponent, rdflib.URIRef(r.component)))
            g.add((node, SH.resultSeverity, SH[r.severity]))
            g.add((node, SH.resultMessage, rdflib.Literal(r.message)))
            if r.shape and not r.shape.startswith("_:"):
                g.add((node, SH.sourceShape, rdflib.URIRef(r.shape)))
        return g.serialize(format="turtle")


def _term(text: str):
    import rdflib

    return rdflib.BNode(text[2:]) if text.startswith("_:") else rdflib.URIRef(text)
