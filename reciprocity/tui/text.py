"""User text shown as it is: never read as markup, so '[b]' or '[/]' in a summary is safe."""

from typing import Any

from rich.text import Text


def plain(value: Any) -> Text:
    """``value`` as literal text ('' for ``None``)."""
    return Text("" if value is None else str(value))


def fold_path(path: object, width: int = 34) -> str:
    """A path broken into lines of at most ``width`` at its separators (a long folder name
    is cut into pieces), so a toast or a label shows all of it instead of cutting it off."""
    import os

    text = str(path)
    parts = text.split(os.sep)
    lines: list[str] = []
    line = ""
    for index, part in enumerate(parts):
        piece = part + (os.sep if index < len(parts) - 1 else "")
        while len(piece) > width:
            if line:
                lines.append(line)
                line = ""
            lines.append(piece[:width])
            piece = piece[width:]
        if len(line) + len(piece) > width and line:
            lines.append(line)
            line = ""
        line += piece
    if line:
        lines.append(line)
    return "\n".join(lines)
