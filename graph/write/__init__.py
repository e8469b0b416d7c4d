"""The one write path: every load and update parsed, checked against the shapes, committed."""
