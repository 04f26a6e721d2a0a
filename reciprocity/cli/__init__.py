"""The ``reciprocity`` command line (Typer). A thin face: no SQL, no metric maths.

Importing this package registers every subcommand on :data:`app`.
"""

from reciprocity.cli import (  # noqa: F401
    bni,
    board,
    database,
    demo,
    exchanges,
    metrics,
    records,
    report,
    signin,
    transfer,
    worth,
)
from reciprocity.cli.app import app, main

__all__ = ["app", "main"]
