"""What every form shares so that typing at full speed lands where it was meant to.

Textual hands keys to widgets through queues and moves the focus a moment later; a
typist who presses Tab or Enter and types on could otherwise see the next letters land
in the field they just left. A :class:`FormKeys` screen therefore takes Tab and
shift+Tab as priority keys (the app runs them before it hands on the next key), first
lets the focused field take every key already sent to it (:meth:`FormKeys.drain`), and
then moves the focus at once along its own :attr:`FormKeys.FIELD_ORDER` (Textual orders
focus by where widgets were last drawn, and a row shown a moment ago was not drawn yet).
"""

import asyncio
from typing import ClassVar

from textual.binding import Binding, BindingType
from textual.dom import DOMNode
from textual.screen import Screen
from textual.widget import Widget

from reciprocity.i18n import N_


def form_bindings(owner: str) -> list[BindingType]:
    """Tab and shift+Tab as priority keys, with ids of the form's own (``owner.next_field``)."""
    return [
        Binding(
            "tab",
            "next_field",
            N_("Next field"),
            id=f"{owner}.next_field",
            priority=True,
            show=False,
            tooltip=N_("Go to the next field."),
        ),
        Binding(
            "shift+tab",
            "previous_field",
            N_("Previous field"),
            id=f"{owner}.previous_field",
            priority=True,
            show=False,
            tooltip=N_("Go to the previous field."),
        ),
    ]


class FormKeys(Screen[object]):
    """A screen of fields walked in :attr:`FIELD_ORDER` (widget ids), at any typing speed."""

    FIELD_ORDER: ClassVar[tuple[str, ...]] = ()

    async def drain(self) -> None:
        """Let the focused field take every key already sent to it, and this screen handle
        what that changed, before the next key."""
        node: DOMNode | None = self.focused
        while node is not None:
            done = asyncio.Event()
            node.call_later(done.set)
            await done.wait()
            if node is self:
                break
            node = node.parent

    def fields_shown(self) -> list[Widget]:
        """The fields of :attr:`FIELD_ORDER` that are shown now, in that order."""
        return [
            widget
            for widget in (self.query_one(f"#{name}") for name in self.FIELD_ORDER)
            if all(node.display for node in widget.ancestors_with_self if node is not self)
        ]

    def move_focus_by(self, step: int) -> None:
        """Focus the next (1) or previous (-1) field shown, at once."""
        shown = self.fields_shown()
        if not shown:
            return
        current = self.focused
        index = shown.index(current) if current in shown else -1
        self.set_focus(shown[(index + step) % len(shown)])

    async def action_next_field(self) -> None:
        """Tab: the next field in screen order."""
        await self.drain()
        self.move_focus_by(1)

    async def action_previous_field(self) -> None:
        """Shift+Tab: the previous field in screen order."""
        await self.drain()
        self.move_focus_by(-1)
