"""A drop-down that also changes by key while closed, as desktop drop-downs do.

Up and down step through the options; a letter or digit jumps to the next option whose
label starts with it ("i" for inside, "2" for a meeting in 2026). Enter and space open
the list as usual. So a drop-down takes every key typed into it: no letter or digit
falls through to a screen key, and a fast typist's keys change the value in order,
without waiting for a list to open.
"""

from typing import ClassVar, TypeVar

from rich.text import Text
from textual import events
from textual.binding import Binding, BindingType
from textual.widgets import Select
from textual.widgets._select import NoSelection

from reciprocity.i18n import N_

T = TypeVar("T")


class Choice(Select[T]):
    """A :class:`~textual.widgets.Select` that steps and jumps by key while closed."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "enter,space",
            "show_overlay",
            N_("Show menu"),
            id="choice.show_overlay",
            show=False,
            tooltip=N_("Open the list of options."),
        ),
    ]

    def _values(self) -> list[T]:
        return [value for _prompt, value in self._options if not isinstance(value, NoSelection)]

    def action_step(self, offset: int) -> None:
        """Choose the next (1) or previous (-1) option, without opening the list."""
        values = self._values()
        if not values:
            return
        current = self.value
        index = values.index(current) if current in values else -1
        self.value = values[max(0, min(len(values) - 1, index + offset))]

    def on_key(self, event: events.Key) -> None:
        """Up or down: the next option; a letter or digit: the next option starting with it.

        Handled here as the key arrives (not as a binding, which the app would resolve
        later), so keys typed after it find the new value."""
        if self.expanded:
            return
        if event.key in ("up", "down"):
            event.stop()
            event.prevent_default()
            self.action_step(1 if event.key == "down" else -1)
            return
        character = event.character
        if character is None or not character.isprintable() or character == " ":
            return
        event.stop()
        event.prevent_default()
        wanted = character.casefold()
        options = [
            (prompt.plain if isinstance(prompt, Text) else str(prompt), value)
            for prompt, value in self._options
            if not isinstance(value, NoSelection)
        ]
        if not options:
            return
        values = [value for _label, value in options]
        start = values.index(self.value) + 1 if self.value in values else 0
        for step in range(len(options)):
            label, value = options[(start + step) % len(options)]
            if label.casefold().startswith(wanted):
                self.value = value
                return
