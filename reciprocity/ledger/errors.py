"""The errors the ledger raises for a user's mistake.

Its message is a single sentence that says what was wrong and, where it helps, what to
do instead. Faces print it as it is (no traceback) and exit or notify; nothing was
written when it is raised.
"""

from collections.abc import Sequence


class LedgerError(Exception):
    """A rule of the ledger was broken; ``str(error)`` is the sentence to show."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message


class ImportRejected(LedgerError):
    """Rows broke the rules. Nothing was written.

    ``problems`` holds one ``line N: sentence`` per bad row and ``summary`` one closing
    sentence. ``str()`` gives both, so a face that only shows the message loses nothing.
    """

    def __init__(self, problems: Sequence[str], summary: str) -> None:
        super().__init__("\n".join([*problems, summary]))
        self.problems = list(problems)
        self.summary = summary
