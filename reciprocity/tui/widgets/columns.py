"""Table columns with a fixed minimum width; some of them take the spare width.

The minimum widths keep 80 columns readable and make snapshots independent of when the
worker's rows land; on a wider terminal the columns named as ``flex`` (names, summaries)
share what is left, so "Justin van Laarhoven" is not cut at 120 columns.
"""

from typing import Any

from textual import events
from textual.widgets import DataTable

from reciprocity.i18n import _

SCROLLBAR = 2
"""Room kept for the vertical scrollbar, so a table never scrolls sideways once it fills."""


class FlexTable(DataTable[Any]):
    """A data table whose ``flex`` columns share the width the fixed ones leave."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.base_widths: dict[str, int] = {}
        self.flex: tuple[str, ...] = ()

    def on_resize(self, event: events.Resize) -> None:
        self.fit_columns()

    def fit_columns(self) -> None:
        """Give the spare width to the flex columns (a label named twice gets two shares);
        the others keep their minimum."""
        if not self.base_widths or not self.size.width:
            return
        padding = 2 * self.cell_padding
        used = sum(width + padding for width in self.base_widths.values())
        spare = max(0, self.size.width - SCROLLBAR - used)
        flex = [label for label in self.flex if label in self.base_widths]
        extra = dict.fromkeys(self.base_widths, 0)
        for index, label in enumerate(flex):
            extra[label] += spare // len(flex) + (1 if index < spare % len(flex) else 0)
        changed = False
        for label, width in self.base_widths.items():
            column = self.columns.get(label)  # type: ignore[call-overload]
            if column is not None and column.width != width + extra[label]:
                column.width = width + extra[label]
                changed = True
        if changed:
            self._require_update_dimensions = True
            self._clear_caches()
            self.refresh()


def add_columns(
    table: DataTable[Any], *columns: tuple[str, int], flex: tuple[str, ...] = ()
) -> None:
    """Add ``(label, width)`` columns; on a :class:`FlexTable` the ``flex`` ones widen
    to fill the table. A label is the column's key, and its header in the active language
    (mark it with ``N_``)."""
    for label, width in columns:
        table.add_column(_(label), width=width, key=label)
    if isinstance(table, FlexTable):
        table.base_widths = dict(columns)
        table.flex = flex
        table.fit_columns()
