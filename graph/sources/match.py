"""Placeholder until matching lands."""


def match_candidates(store, candidates):
    return candidates
