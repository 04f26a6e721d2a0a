"""The Reciprocity app: screens as modes, the acting member, and notices instead of crashes.

Bare ``reciprocity`` builds :class:`ReciprocityApp` with the command line's
:class:`~reciprocity.ledger.workspace.Workspace`. The app opens on the dashboard at once;
the database is opened, and the acting member resolved, in a thread worker. On a first
run with no acting member set, a picker asks "who are you?" and saves the answer for
this database in ``config.toml``. Every screen reads and writes through workers (see
``screens/base.py``).

``today`` is injected (tests and snapshots freeze it); ``dashboard_ready`` turns true,
and :class:`ReciprocityApp.DashboardReady` is posted, once the dashboard's cards hold
values: the readiness signal the benchmarks time.
"""

from collections.abc import Callable, Iterable
from datetime import date
from functools import partial
from typing import Any, ClassVar

from sqlmodel import Session
from textual import events, on
from textual.app import App, SystemCommand
from textual.binding import Binding, BindingType
from textual.command import CommandPalette
from textual.message import Message
from textual.screen import ModalScreen, Screen
from textual.timer import Timer
from textual.widgets import Input, Select, TextArea
from textual.widgets._select import SelectOverlay

from reciprocity.i18n import N_, _
from reciprocity.ledger.errors import LedgerError
from reciprocity.ledger.workspace import ActingSource, Workspace
from reciprocity.tui.matching import NameMatcher
from reciprocity.tui.screens.base import LedgerChanged, LedgerScreen, LedgerWork
from reciprocity.tui.screens.board import BoardScreen
from reciprocity.tui.screens.dashboard import DashboardScreen
from reciprocity.tui.screens.dialogs import FollowupStep
from reciprocity.tui.screens.exchanges import ExchangesScreen
from reciprocity.tui.screens.followups import FollowupsScreen
from reciprocity.tui.screens.members import MembersScreen
from reciprocity.tui.screens.my_networks import MyNetworksScreen
from reciprocity.tui.screens.network import NetworkScreen
from reciprocity.tui.screens.picker import MemberPicker
from reciprocity.tui.screens.quick_log import QuickLogScreen
from reciprocity.tui.words import speak_bindings

SCREENS_BY_KEY: tuple[tuple[str, str, str, str], ...] = (
    ("1", "dashboard", N_("Home"), N_("Show the home screen.")),
    ("2", "followups", N_("Follow-ups"), N_("Show the follow-ups screen.")),
    ("3", "exchanges", N_("Exchanges"), N_("Show the exchanges screen.")),
    ("4", "members", N_("Members"), N_("Show the members screen.")),
    ("5", "board", N_("Asks & offers"), N_("Show the asks & offers screen.")),
    ("6", "network", N_("Network"), N_("Show the network screen.")),
    ("7", "my_networks", N_("My networks"), N_("Show the my networks screen.")),
)


HOLD_SECONDS = 10.0
"""The longest the app keeps typed keys back while it is busy (a safety net: a save or a
lookup normally answers within a second)."""
SINGLE_KEY_ACTIONS = frozenset({"quick_log", "show", "switch_member", "toggle_keys"})
"""The app's actions on a plain letter, digit or ``?``: never taken while typing."""


class ReciprocityApp(App[None], LedgerWork, inherit_bindings=False):
    """Give and take, for the member after a meeting and the organiser after a month."""

    TITLE = "Reciprocity"
    CSS_PATH = "app.tcss"
    MODES: ClassVar[dict[str, str | Callable[[], Screen[Any]]]] = {
        "dashboard": DashboardScreen,
        "followups": FollowupsScreen,
        "exchanges": ExchangesScreen,
        "members": MembersScreen,
        "board": BoardScreen,
        "network": NetworkScreen,
        "my_networks": MyNetworksScreen,
    }
    DEFAULT_MODE = "dashboard"
    served: ClassVar[bool] = False
    """Whether the app runs for a browser (``reciprocity serve``): files then arrive as
    downloads, never in a folder on the server."""
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "l",
            "quick_log",
            N_("Log"),
            id="app.quick_log",
            priority=True,
            tooltip=N_("Log a give or take."),
        ),
        *(
            Binding(
                key,
                f"show('{mode}')",
                label,
                id=f"app.show_{mode}",
                show=key == "1",
                priority=True,
                tooltip=tooltip,
            )
            for key, mode, label, tooltip in SCREENS_BY_KEY
        ),
        Binding(
            "i",
            "switch_member",
            N_("Who am I"),
            id="app.switch_member",
            priority=True,
            tooltip=N_("Act as another member."),
        ),
        Binding(
            "question_mark",
            "toggle_keys",
            N_("Keys"),
            id="app.keys",
            priority=True,
            tooltip=N_("Show or hide the key bindings."),
        ),
        Binding(
            "ctrl+p",
            "command_palette",
            N_("Commands"),
            id="app.command_palette",
            priority=True,
            show=False,
            tooltip=N_("Every action, searchable."),
        ),
        Binding(
            "ctrl+q",
            "quit",
            N_("Quit"),
            id="app.quit",
            priority=True,
            tooltip=N_("Leave Reciprocity."),
        ),
        Binding(
            "ctrl+c",
            "help_quit",
            N_("Quit hint"),
            id="app.help_quit",
            show=False,
            system=True,
            tooltip=N_("Say how to quit."),
        ),
    ]

    class DashboardReady(Message):
        """The dashboard's cards hold values (posted once per app)."""

    class MemberChanged(Message):
        """The acting member changed (or was resolved at start)."""

    def __init__(self, workspace: Workspace, *, today: date | None = None) -> None:
        speak_bindings()
        super().__init__()
        self.workspace = workspace
        self.today_fixed = today
        self.acting_id: int | None = None
        self.acting_name: str | None = None
        self.identified = False
        self.dashboard_ready = False
        self._ledger_screens: list[LedgerScreen] = []
        self.matcher: NameMatcher | None = None
        self._held: list[events.Key] | None = None
        self._palette_action = False
        self._hold_timer: Timer | None = None

    # -- who is acting -------------------------------------------------------------------

    def today(self) -> date:
        """The injected day, else the real one."""
        return self.today_fixed or date.today()

    def on_mount(self) -> None:
        self.start()

    def start(self) -> None:
        """Find out who acts (in a worker), once the app is mounted."""
        self.sub_title = "opening…"
        self.ledger_call(self._identify, self._identified, group="identify")

    def _identify(self, session: Session) -> tuple[int | None, str | None, bool]:
        from reciprocity.ledger.members import get_member

        try:
            acting = self.workspace.acting_member_id(session)
        except LedgerError:
            # A configured name that is not in this ledger: ask instead of failing.
            return None, None, True
        if acting is None:
            return None, None, self.workspace.source == ActingSource.NONE
        return acting, get_member(session=session, member_id=acting).name, False

    def _identified(self, found: tuple[int | None, str | None, bool]) -> None:
        acting_id, name, ask = found
        if ask:
            if self.workspace.acting_name:
                self.notify(
                    _(
                        "The acting member '{name}' is not in this ledger; choose who you are."
                    ).format(name=self.workspace.acting_name),
                    severity="warning",
                )
            self.action_switch_member(save=True)
        self.set_acting(acting_id, name)

    def set_acting(self, acting_id: int | None, name: str | None) -> None:
        """Act as this member from now on (``None``: the ledger's owner) and reload."""
        self.acting_id = acting_id
        self.acting_name = name
        if acting_id is not None:
            self.workspace.act_as(acting_id, name, ActingSource.SAVED)
        self.identified = True
        self.sub_title = name or _("ledger owner")
        for screen in self._ledger_screens:
            screen.forget()
        self.post_message(LedgerChanged())
        self.post_message(self.MemberChanged())

    def action_switch_member(self, save: bool = False) -> None:
        """Ask "who are you?"; with ``save`` the answer goes to ``config.toml``."""

        def chosen(result: tuple[int, str] | None) -> None:
            if result is None:
                return
            member_id, name = result
            if save:
                self._remember(name)
            else:
                self.notify(_("You are now {name}.").format(name=name))
            self.set_acting(member_id, name)

        self.push_screen(MemberPicker(first_run=save), chosen)

    def _remember(self, name: str) -> None:
        from reciprocity.config import SettingsError

        try:
            path = self.workspace.remember(name)
        except (OSError, SettingsError) as error:
            self.notify(
                _("You are {name}, but it was not saved ({error}).").format(name=name, error=error)
            )
            return
        if path is None:
            self.notify(_("You are now {name}.").format(name=name))
        else:
            self.notify(
                _("You are {name} on this database; saved in {path}.").format(name=name, path=path)
            )

    def load_matcher(
        self, node: LedgerWork, done: Callable[[NameMatcher], None], *, fresh: bool = False
    ) -> None:
        """Hand ``done`` the matcher over every active member's name (read once, then kept)."""
        if self.matcher is not None and not fresh:
            done(self.matcher)
            return

        def build(session: Session) -> NameMatcher:
            from reciprocity.ledger.views import member_name_index

            return NameMatcher(member_name_index(session=session))

        def keep(matcher: NameMatcher) -> None:
            self.matcher = matcher
            done(matcher)

        node.ledger_call(build, keep, group="names")

    # -- navigation and refresh -----------------------------------------------------------

    def register(self, screen: LedgerScreen) -> None:
        """A main screen asks to be told when the ledger changes."""
        if screen not in self._ledger_screens:
            self._ledger_screens.append(screen)

    @on(LedgerChanged)
    def _ledger_changed(self, _event: LedgerChanged) -> None:
        """Something was written: the visible screen reloads now, the others on return."""
        for screen in self._ledger_screens:
            screen.post_message(LedgerScreen.Refresh())

    @on(QuickLogScreen.ExchangeLogged)
    def _exchange_logged(self, _event: QuickLogScreen.ExchangeLogged) -> None:
        self.post_message(LedgerChanged())

    def action_show(self, mode: str) -> None:
        """Show one of the main screens (from the quick log: after asking to discard)."""
        screen = self.screen
        if isinstance(screen, QuickLogScreen):
            screen.leave(lambda: self._show_after_quick_log(mode))
            return
        self.switch_mode(mode)

    def _show_after_quick_log(self, mode: str) -> None:
        while isinstance(self.screen, QuickLogScreen):
            self.pop_screen()
        self.switch_mode(mode)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Letter and digit keys of the app never act while a form field has focus.

        In the quick log and in dialogs every key belongs to the form, whatever field has
        focus (a drop-down included); elsewhere an input or a drop-down keeps its keys.
        """
        if self._palette_action:
            return True
        return not (action in SINGLE_KEY_ACTIONS and self._typing())

    def _typing(self) -> bool:
        if isinstance(self.screen, QuickLogScreen | ModalScreen):
            return True
        return isinstance(self.focused, Input | Select | SelectOverlay | TextArea)

    async def action_quick_log(self, to_member_id: int | None = None) -> None:
        """Open the quick log over whatever screen is showing.

        The key waits until the form is mounted with To focused, so whatever is typed
        right after ``l`` lands in To.
        """
        if isinstance(self.screen, QuickLogScreen):
            return
        await self.push_screen(QuickLogScreen(to_member_id=to_member_id))

    # -- keys typed while the app is busy ---------------------------------------------------

    def hold_keys(self) -> None:
        """Keep the keys typed from now on until :meth:`release_keys` (at most
        :data:`HOLD_SECONDS`): the quick log holds them while it saves or looks up names,
        so nothing typed meanwhile lands in the wrong field or is cleared away."""
        if self._held is None:
            self._held = []
            self._hold_timer = self.set_timer(HOLD_SECONDS, self.release_keys)

    def release_keys(self) -> None:
        """Play the held keys, in order, as if typed now."""
        held, self._held = self._held, None
        if self._hold_timer is not None:
            self._hold_timer.stop()
            self._hold_timer = None
        if held:
            self.call_later(self._replay, held)

    async def _replay(self, keys: list[events.Key]) -> None:
        for index, key in enumerate(keys):
            if self._held is not None:
                # A replayed key (ctrl+s) held the keys again: the rest wait their turn.
                self._held[:0] = keys[index:]
                return
            await super().on_event(key)

    async def on_event(self, event: events.Event) -> None:
        if isinstance(event, events.Key) and not event.is_forwarded and self._held is not None:
            self._held.append(event)
            return
        await super().on_event(event)

    def record_step(
        self,
        node: LedgerWork,
        step: FollowupStep,
        *,
        refused: Callable[[LedgerError], None] | None = None,
        done: Callable[[], None] | None = None,
    ) -> None:
        """Move a received referral forward through the ledger, then say so.

        A refusal goes to ``refused`` (a dialog's error line) or becomes a warning.
        """

        def save(session: Session) -> Any:
            from reciprocity.ledger.followups import record_followup

            return record_followup(
                session=session,
                exchange_id=step.exchange_id,
                status=step.status,
                value=step.value,
                business=step.business,
                acting_id=self.acting_id,
                today=self.today(),
            )

        def saved(_result: Any) -> None:
            self.notify(
                _("Referral #{id}: {status}.").format(
                    id=step.exchange_id, status=_(step.status.replace("_", " "))
                )
            )
            self.post_message(LedgerChanged())
            if done is not None:
                done()

        node.ledger_call(save, saved, group="save", refused=refused)

    def action_toggle_keys(self) -> None:
        """Show the key bindings (this screen's and the app's first), or hide them."""
        from reciprocity.tui.widgets.keys import KeysPanel

        panels = self.screen.query(KeysPanel)
        if panels:
            panels.remove()
        else:
            self.screen.mount(KeysPanel())

    def mark_dashboard_ready(self) -> None:
        """Called by the dashboard once its cards hold values."""
        if not self.dashboard_ready:
            self.dashboard_ready = True
            self.post_message(self.DashboardReady())

    # -- notices --------------------------------------------------------------------------

    def notify_refused(self, refusal: LedgerError | str) -> None:
        """A ledger rule said no: its sentence, as a warning."""
        self.notify(str(refusal), title=_("Not done"), severity="warning")

    def notify_failure(self, message: str) -> None:
        """The database failed: a notice, and the app carries on."""
        self.notify(message, title=_("Database"), severity="error", timeout=8)

    # -- command palette ------------------------------------------------------------------

    def get_system_commands(self, screen: Screen[Any]) -> Iterable[SystemCommand]:
        """Every action of the app and of the screen: the palette lists them all."""
        seen: set[str] = set()
        for node in (screen, self):
            for _key, binding in node._bindings:
                if binding.id is None or binding.action in seen:
                    continue  # Textual's own focus keys, or shown already
                if binding.id == "app.command_palette" or not self.palette_allows(binding.action):
                    continue
                seen.add(binding.action)
                yield SystemCommand(
                    binding.description or binding.action,
                    _("{what} (key {key})").format(
                        what=binding.tooltip or binding.description,
                        key=self.get_key_display(binding),
                    ),
                    partial(self._run_from_palette, node, binding.action),
                )
        yield SystemCommand(
            _("Theme"), _("Change the theme (light or dark)"), self.action_change_theme
        )

    def action_command_palette(self) -> None:
        """Textual's command palette, its search field in the active language."""
        if self.use_command_palette and self.screen.id != "--command-palette":
            self.push_screen(
                CommandPalette(placeholder=_("Search for commands…"), id="--command-palette")
            )

    def palette_allows(self, action: str) -> bool:
        """Whether the command palette offers this action (every one, here)."""
        return True

    def _run_from_palette(self, node: Any, action: str) -> None:
        self.call_later(self._run_chosen_action, action, node)

    async def _run_chosen_action(self, action: str, node: Any) -> None:
        """A palette choice is not a typed key: it acts even from a form."""
        self._palette_action = True
        try:
            await self.run_action(action, node)
        finally:
            self._palette_action = False
