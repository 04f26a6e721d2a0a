"""The one error the ledger raises for a user's mistake.

Its message is a single sentence that says what was wrong and, where it helps, what to
do instead. Faces print it as it is (no traceback) and exit or notify; nothing was
written when it is raised.
"""


class LedgerError(Exception):
    """A rule of the ledger was broken; ``str(error)`` is the sentence to show."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message
