"""The ``reciprocity`` console script: choose the language, then run the command line.

Typer reads a command's help text when its module is imported, so the language must be
chosen before :mod:`reciprocity.cli` is imported: from ``--lang`` in the arguments, else
``RECIPROCITY_LANG`` or ``lang`` in ``config.toml``, else the system locale (see
:func:`reciprocity.i18n.choose_language`). An unusable choice (an unknown code, a broken
settings file) is left to the command line's global options, which report it in one
sentence; here it just keeps English.
"""

import sys
from collections.abc import Sequence


def language_from_arguments(arguments: Sequence[str]) -> str | None:
    """The value of ``--lang`` (``--lang nl`` or ``--lang=nl``) among ``arguments``."""
    for index, argument in enumerate(arguments):
        if argument == "--lang" and index + 1 < len(arguments):
            return arguments[index + 1]
        if argument.startswith("--lang="):
            return argument.split("=", 1)[1]
    return None


def choose_early(arguments: Sequence[str]) -> None:
    """Speak the language the run asks for before any help text is read."""
    from reciprocity.config import SettingsError, load_settings
    from reciprocity.i18n import choose_language, set_language

    try:
        setting = load_settings().lang
    except SettingsError:
        setting = None
    try:
        set_language(choose_language(language_from_arguments(arguments), setting))
    except ValueError:
        return


def main() -> None:
    """Console-script entry point."""
    choose_early(sys.argv[1:])
    from reciprocity.cli import main as run

    run()
