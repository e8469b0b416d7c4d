"""The domain: the source article, the seed, names, strikes, accusations, actors, timeline, tit-for-tat, escalation."""
