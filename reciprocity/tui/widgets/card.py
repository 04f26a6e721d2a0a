"""A dashboard card: a title over one or two values."""

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Label


class Card(Vertical):
    """A small bordered box with a title and a value line."""

    DEFAULT_CSS = """
    Card {
        height: 4;
        width: 1fr;
        border: round $primary;
        padding: 0 1;
    }
    Card > .card-title { color: $text-muted; }
    Card > .card-value { text-style: bold; }
    """

    def __init__(self, title: str, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.title_text = title

    def compose(self) -> ComposeResult:
        yield Label(self.title_text, classes="card-title")
        yield Label("…", classes="card-value")

    def show(self, value: str) -> None:
        """Put a value on the card."""
        self.query_one(".card-value", Label).update(value)

    @property
    def value(self) -> str:
        """What the card shows now."""
        return str(self.query_one(".card-value", Label).content)
