"""The errors of the store seam, apart from it so that the tables it reads (formats) can raise them.

:mod:`.store` re-exports them; callers name them from there.
"""


class StoreError(Exception):
    """A store could not be opened or could not do what was asked."""


class QueryError(StoreError):
    """The query or update text is not valid SPARQL, or the engine refused it."""


class QueryTimeout(StoreError):
    """The query ran past its time and was stopped."""

    def __init__(self, seconds: float) -> None:
        super().__init__(f"the query ran for more than {seconds:g} s and was stopped")
        self.seconds = seconds
