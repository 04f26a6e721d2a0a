"""A text field that applies its editing keys in the order they were typed.

Textual resolves a widget's key bindings (backspace, the arrows, home, end …) in the app,
after the key has travelled up from the widget, while letters are inserted by the
widget at once. At full typing speed a backspace can then act after the letter that
followed it. :class:`Field` runs its own editing bindings as it receives each key, so
"ab⌫c" always reads "ac". Enter is left to the form (the quick log completes names on it).
"""

from textual import events
from textual.widgets import Input


class Field(Input):
    """An :class:`~textual.widgets.Input` whose editing keys act in typing order."""

    async def _on_key(self, event: events.Key) -> None:
        bindings = self._bindings.key_to_bindings.get(event.key, ())
        if bindings and event.key != "enter":
            event.stop()
            event.prevent_default()
            await self.run_action(bindings[0].action)
            return
        await super()._on_key(event)
