"""'Who are you?': pick a member by typing a few letters of the name.

The names are read once into a :class:`~reciprocity.tui.matching.NameMatcher` held by the
app, so each keystroke is matched in memory and the list updates at once, even over
20,000 members. ``keystroke_ms`` keeps how long each keystroke took (match + update).
"""

import time
from collections.abc import Callable
from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.widgets import Input, Label, OptionList
from textual.widgets.option_list import Option

from reciprocity.i18n import N_, _
from reciprocity.tui.matching import NameMatcher
from reciprocity.tui.screens.base import LedgerModal


def empty_ledger_hint(command: Callable[[str], str]) -> str:
    """How to start an empty ledger, with the commands for the database in use."""
    network = command('network add "Club Delft"')
    member = command('member add "Your Name" --network "Club Delft" --role organiser')
    return _(
        "This ledger has no members yet. From a shell, add a network and yourself:\n"
        "  {network}\n  {member}\n"
        "then start reciprocity again; or try it on sample data: reciprocity --demo\n"
        "q or escape quits."
    ).format(network=network, member=member)


class MemberPicker(LedgerModal[tuple[int, str] | None]):
    """Returns ``(member_id, name)``, or ``None`` when escaped."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", N_("Cancel"), id="picker.cancel", tooltip=N_("Choose nobody.")),
        Binding("down", "down", N_("Next"), id="picker.down", show=False, tooltip=N_("Next name.")),
        Binding(
            "up", "up", N_("Previous"), id="picker.up", show=False, tooltip=N_("Previous name.")
        ),
        Binding("q", "quit_empty", N_("Quit"), id="picker.quit", tooltip=N_("Leave Reciprocity.")),
    ]
    DEFAULT_CSS = """
    MemberPicker { align: center middle; }
    MemberPicker > Vertical {
        width: 78; max-width: 100%; height: 18; border: thick $primary; background: $surface;
        padding: 0 1;
    }
    MemberPicker OptionList { height: 1fr; }
    MemberPicker #picker-hint { height: auto; width: 1fr; }
    """

    def __init__(self, *, first_run: bool = False) -> None:
        super().__init__()
        self.first_run = first_run
        self.matcher: NameMatcher | None = None
        self.keystroke_ms: list[float] = []
        self.empty = False

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(_("Who are you?") if self.first_run else _("Act as which member?"))
            yield Input(placeholder=_("type a few letters of your name"), id="picker-name")
            yield OptionList(id="picker-matches")
            yield Label(_("Enter chooses · escape cancels"), classes="hint", id="picker-hint")

    def on_mount(self) -> None:
        self.rapp.load_matcher(self, self._loaded)

    def _loaded(self, matcher: NameMatcher) -> None:
        self.matcher = matcher
        if not len(matcher):
            self.show_empty()
            return
        self.update_matches(self.query_one("#picker-name", Input).value)

    def show_empty(self) -> None:
        """No member to choose: say how to add the first ones, and let q or escape quit."""
        self.empty = True
        self.query_one("#picker-name", Input).display = False
        self.query_one("#picker-matches", OptionList).display = False
        self.query_one("#picker-hint", Label).update(empty_ledger_hint(self.rapp.workspace.command))
        self.refresh_bindings()
        self.focus()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "quit_empty":
            return self.empty
        return True

    def action_quit_empty(self) -> None:
        """Leave the app (only offered when there is nobody to choose)."""
        if self.empty:
            self.app.exit()

    def update_matches(self, text: str) -> None:
        """Match ``text`` and show the best names."""
        if self.matcher is None:
            return
        matches = self.matcher.match(text, limit=10) if text.strip() else self.matcher.names[:10]
        options = self.query_one("#picker-matches", OptionList)
        options.clear_options()
        options.add_options([Option(name, id=str(member_id)) for member_id, name in matches])
        if matches:
            options.highlighted = 0

    @on(Input.Changed, "#picker-name")
    def _typed(self, event: Input.Changed) -> None:
        started = time.perf_counter()
        self.update_matches(event.value)
        self.keystroke_ms.append((time.perf_counter() - started) * 1000)

    @on(Input.Submitted, "#picker-name")
    def _submitted(self) -> None:
        self._choose()

    @on(OptionList.OptionSelected, "#picker-matches")
    def _selected(self) -> None:
        self._choose()

    def _choose(self) -> None:
        options = self.query_one("#picker-matches", OptionList)
        if options.highlighted is None or options.option_count == 0:
            return
        option = options.get_option_at_index(options.highlighted)
        if option.id is None:
            return
        self.dismiss((int(option.id), str(option.prompt)))

    def action_down(self) -> None:
        self.query_one("#picker-matches", OptionList).action_cursor_down()

    def action_up(self) -> None:
        self.query_one("#picker-matches", OptionList).action_cursor_up()

    def action_cancel(self) -> None:
        if self.empty:
            self.app.exit()
            return
        self.dismiss(None)
