"""conflictkg: a knowledge graph of armed conflict events, served over SPARQL and REST.

The package is spread over the repository's top-level folders (see setup.cfg):
``conflictkg.ontology`` and ``conflictkg.shapes`` (data), ``conflictkg.graph`` (the library),
``conflictkg.api`` (the Flask app), ``conflictkg.data`` (the curated seed facts).
"""

__version__ = "0.1.0"
