"""The app as a browser gets it from ``reciprocity serve``: the same screens, with sign-in.

Each browser tab is its own process running :class:`ServedApp` (textual-serve starts one
per connection). It opens on the sign-in screen and reads nothing from the ledger until
a member has signed in; that member is then the acting member for everything in the tab:
there is no "who am I" switch and no way to act as the ledger's owner (the workspace is
``served``, so acting as nobody is refused). ctrl+q signs out, which ends the session;
after :attr:`ServeOptions.idle_minutes` without a key or a click the app signs out by
itself. Database failures show one plain sentence: a member never sees the database's
address or the server's paths. Files the app makes arrive as browser downloads.
"""

import os
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any, ClassVar

from textual import events, on
from textual.binding import Binding, BindingType
from textual.screen import Screen

from reciprocity.i18n import _
from reciprocity.ledger.signin import SignedIn
from reciprocity.ledger.workspace import ActingSource, Workspace
from reciprocity.tui.app import ReciprocityApp
from reciprocity.tui.screens.sign_in import SignInScreen

SIGNED_OUT_ACTIONS = frozenset({"quit", "help_quit", "command_palette"})
"""The app's own actions that work before anyone has signed in."""


@dataclass(frozen=True)
class ServeOptions:
    """What the server tells each session: the group's name and the idle limit."""

    title: str = "Reciprocity"
    idle_minutes: int = 30


class ServedApp(ReciprocityApp, inherit_bindings=False):
    """:class:`ReciprocityApp` for one browser tab, behind a sign-in."""

    DEFAULT_MODE = "signin"
    served = True
    MODES: ClassVar[dict[str, str | Callable[[], Screen[Any]]]] = {
        **ReciprocityApp.MODES,
        "signin": SignInScreen,
    }
    BINDINGS: ClassVar[list[BindingType]] = [
        *(
            binding
            for binding in ReciprocityApp.BINDINGS
            if isinstance(binding, Binding) and binding.id not in {"app.switch_member", "app.quit"}
        ),
        Binding(
            "ctrl+q",
            "quit",
            _("Sign out"),
            id="app.sign_out",
            priority=True,
            tooltip=_("Sign out and end this session."),
        ),
    ]

    def __init__(
        self, workspace: Workspace, options: ServeOptions, *, today: date | None = None
    ) -> None:
        super().__init__(workspace, today=today)
        self.options = options
        self.title = options.title
        self._last_input = time.monotonic()
        self._server_pid = os.getppid()

    def start(self) -> None:
        """Wait for a member to sign in; nothing is read from the ledger until then."""
        self.sub_title = _("sign in")
        self.set_interval(30, self._check_idle)

    # -- signing in and out --------------------------------------------------------------

    @on(SignInScreen.MemberSignedIn)
    def _member_signed_in(self, event: SignInScreen.MemberSignedIn) -> None:
        self.signed_in(event.signed)

    def signed_in(self, signed: SignedIn) -> None:
        """A member signed in: they act from now on; show their dashboard."""
        self.workspace.act_as(signed.member_id, signed.name, ActingSource.SIGNED_IN)
        self.set_acting(signed.member_id, signed.name)
        self.notify(_("Welcome, {name}.").format(name=signed.name), title=self.options.title)
        self.switch_mode("dashboard")
        self.release_keys()

    def set_acting(self, acting_id: int | None, name: str | None) -> None:
        """As the app does, but the source stays "signed in"."""
        super().set_acting(acting_id, name)
        if acting_id is not None:
            self.workspace.act_as(acting_id, name, ActingSource.SIGNED_IN)

    async def action_quit(self) -> None:
        """Sign out: note it in the sign-in log and end the session."""
        self._sign_out(timed_out=False)

    def _sign_out(self, *, timed_out: bool) -> None:
        member_id = self.acting_id if self.identified else None
        if member_id is not None:
            from reciprocity.ledger.signin import record_sign_out

            try:
                with self.workspace.session() as session:
                    record_sign_out(session=session, member_id=member_id, timed_out=timed_out)
            except Exception:  # the log line is not worth keeping a session open for
                pass
        self.exit()

    def _check_idle(self) -> None:
        """Sign out after the idle limit; end at once if the server is gone (killed), so no
        session outlives it."""
        if os.getppid() != self._server_pid:
            self.exit()
            return
        idle = time.monotonic() - self._last_input
        if idle >= self.options.idle_minutes * 60:
            self._sign_out(timed_out=True)

    async def on_event(self, event: events.Event) -> None:
        if isinstance(event, events.Key | events.MouseDown):
            self._last_input = time.monotonic()
        await super().on_event(event)

    # -- what a member may reach ---------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Nothing but signing out before a member signs in; never "who am I"."""
        if action == "switch_member":
            return None
        if not self.identified and action not in SIGNED_OUT_ACTIONS:
            return False
        return super().check_action(action, parameters)

    def action_show(self, mode: str) -> None:
        """Show a main screen, once a member has signed in."""
        if self.identified:
            super().action_show(mode)

    def action_switch_member(self, save: bool = False) -> None:
        """Served, the signed-in member acts; there is nobody else to switch to."""

    def notify_failure(self, message: str) -> None:
        """A database failure, in words that name no address, file or server detail."""
        self.notify(
            _("The ledger could not be reached; try again in a moment, or tell your organiser."),
            title=_("Database"),
            severity="error",
            timeout=8,
        )

    def palette_allows(self, action: str) -> bool:
        """The palette lists only what this member may do now."""
        if action == "switch_member":
            return False
        return self.identified or action in SIGNED_OUT_ACTIONS
