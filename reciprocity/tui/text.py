"""User text shown as it is: never read as markup, so '[b]' or '[/]' in a summary is safe."""

from typing import Any

from rich.text import Text


def plain(value: Any) -> Text:
    """``value`` as literal text ('' for ``None``)."""
    return Text("" if value is None else str(value))
