"""Exports, snapshots, diffs and the VoID description."""
