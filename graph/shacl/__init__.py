"""SHACL: the shapes compiled to SPARQL, the reference engine's adapter, the report."""
