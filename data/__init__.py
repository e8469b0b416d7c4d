"""The curated data files: the article, and the facts drawn from it (read with importlib.resources)."""

#: The source article, as the shared seed folder has it.
ARTICLE_FILE = "000_8ab5812bc5fd3f74.txt"
#: The curated facts of the article, each with its exact quote.
SEED_FILE = "seed.yaml"
