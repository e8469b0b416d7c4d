"""Hostile input screened before any engine reads it; nothing a query or a document names is fetched."""
