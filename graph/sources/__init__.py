"""A second source and beyond: news articles read into reviewable drafts (``ingest``), matched to
the events the graph already holds (``match``), and loaded through the one write path (``load``)."""
