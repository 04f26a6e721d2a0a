"""The ``?`` panel: this screen's keys first, then the app's, then the focused widget's.

Textual's own help panel lists the focused widget's keys first (Scroll Left, Page Up, …)
and the app's own actions last, where a narrow terminal cuts them off. This panel turns
that order round and shows each key as the app's footer does (``?``, ``ctrl+s``).
"""

from typing import Any

from rich import box
from rich.table import Table
from rich.text import Text
from textual.app import App
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Static

from reciprocity.i18n import N_, _

TEXTUAL_DESCRIPTIONS = frozenset(
    {
        N_("Bottom"),
        N_("Copy selected text"),
        N_("Cursor down"),
        N_("Cursor left"),
        N_("Cursor right"),
        N_("Cursor up"),
        N_("Down"),
        N_("End"),
        N_("First"),
        N_("Focus Next"),
        N_("Focus Previous"),
        N_("Home"),
        N_("Last"),
        N_("Page Down"),
        N_("Page Left"),
        N_("Page Right"),
        N_("Page Up"),
        N_("Page down"),
        N_("Page up"),
        N_("Scroll Left"),
        N_("Scroll Right"),
        N_("Select"),
        N_("Start"),
        N_("Top"),
        N_("Up"),
    }
)
"""Textual's own key descriptions (moving around) that the panel shows, marked for our
catalogue so that they are translated too."""


class KeysPanel(VerticalScroll):
    """A panel docked on the right with every key that acts here, most useful first."""

    DEFAULT_CSS = """
    KeysPanel {
        dock: right;
        width: 44;
        max-width: 60%;
        height: 1fr;
        padding: 0 1;
        border-left: vkey $foreground 30%;
        background: $panel;
    }
    KeysPanel > Static { width: 1fr; }
    """

    def compose(self) -> Any:
        yield Static(id="keys-table")

    def on_mount(self) -> None:
        self.screen.bindings_updated_signal.subscribe(self, self._changed)
        self.update_keys()

    def on_unmount(self) -> None:
        self.screen.bindings_updated_signal.unsubscribe(self)

    def _changed(self, _screen: Screen[Any]) -> None:
        self.call_after_refresh(self.update_keys)

    def groups(self) -> list[tuple[str, list[tuple[str, str]]]]:
        """``(title, [(keys, description)])``: this screen's, the app's, then Textual's."""
        screen, app = self.screen, self.app
        titles = (_("This screen"), _("Everywhere"), _("Moving around"))
        found: dict[str, dict[str, tuple[list[str], str]]] = {t: {} for t in titles}
        for namespace, binding, _enabled, _tooltip in screen.active_bindings.values():
            if binding.system:
                continue
            # The app's own bindings all have ids; Textual's (focus, copy, scroll) do not.
            if namespace is screen and binding.id is not None:
                title = titles[0]
            elif isinstance(namespace, App) and binding.id is not None:
                title = titles[1]
            else:
                title = titles[2]
            keys, _description = found[title].setdefault(binding.action, ([], ""))
            display = app.get_key_display(binding)
            if display not in keys:
                keys.append(display)
            description = binding.description
            if description in TEXTUAL_DESCRIPTIONS:
                description = _(description)
            found[title][binding.action] = (keys, description)
        return [
            (title, [(" ".join(keys), text) for keys, text in found[title].values()])
            for title in titles
            if found[title]
        ]

    def update_keys(self) -> None:
        """Render the groups as one table."""
        table = Table(box=box.SIMPLE, show_header=False, padding=(0, 1), expand=True)
        table.add_column("key", justify="right", style="bold", no_wrap=True)
        table.add_column("does")
        for title, rows in self.groups():
            table.add_row("", Text(title, style="bold underline"))
            for keys, text in rows:
                table.add_row(keys, text)
        self.query_one("#keys-table", Static).update(table)
