"""Helpers the tests start and stop: servers the suite runs against (``tests.support.<module>``)."""
