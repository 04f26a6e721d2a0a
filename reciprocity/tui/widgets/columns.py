"""Fixed-width table columns: a table lays out the same whenever its rows arrive."""

from typing import Any

from textual.widgets import DataTable


def add_columns(table: DataTable[Any], *columns: tuple[str, int]) -> None:
    """Add ``(label, width)`` columns; fixed widths keep 80 columns readable and make
    snapshots independent of when the worker's rows land."""
    for label, width in columns:
        table.add_column(label, width=width, key=label)
