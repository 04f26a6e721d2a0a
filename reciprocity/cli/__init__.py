"""The ``reciprocity`` command line (Typer). A thin face: no SQL, no metric maths.

Importing this package imports no command module: :data:`~reciprocity.cli.app.COMMANDS`
says which module defines each command, and a command's module is imported when the
command is run or asked for (see :mod:`reciprocity.cli.app`).
"""

from reciprocity.cli.app import app, main

__all__ = ["app", "main"]
