"""The graph as networkx views, and their drawings."""
