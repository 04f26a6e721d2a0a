"""Signing in to the served app: name and password (or an invitation's code), then, after
a code, a new password typed twice.

The key contract (tests and outside checks drive it by keys): focus starts in Name; Tab
moves to Password, which also takes a code; Enter signs in. After a code the next screen
has New password, Tab, Repeat, Enter. Keys typed while the ledger checks are held and
played on the screen that follows, so a member who signs in and types on loses nothing.

The screens only collect text: :mod:`reciprocity.ledger.signin` decides, and a refusal
(always one sentence) shows under the fields and moves the focus to the field it names.
Nothing is read from the ledger before a member has signed in, except to check them.
"""

from typing import ClassVar

from sqlmodel import Session
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Center, Horizontal, Vertical
from textual.message import Message
from textual.widgets import Label

from reciprocity.i18n import _
from reciprocity.ledger.errors import LedgerError
from reciprocity.ledger.signin import PASSWORD_MIN, SignedIn
from reciprocity.tui.screens.base import LedgerWork
from reciprocity.tui.screens.form import FormKeys, form_bindings
from reciprocity.tui.widgets.field import Field

SIGN_IN_CSS = """
{name} {{ align: center middle; }}
{name} > Center > Vertical {{
    width: 64; max-width: 100%; height: auto; border: thick $primary;
    background: $surface; padding: 1 2;
}}
{name} .title {{ text-style: bold; color: $text-accent; width: 1fr; }}
{name} .row {{ height: 1; margin-top: 1; }}
{name} .signin-label {{ width: 14; color: $text-muted; }}
{name} Field {{ width: 1fr; }}
{name} #signin-error {{ color: $text-error; height: auto; margin-top: 1; width: 1fr; }}
{name} .hint {{ color: $text-muted; margin-top: 1; width: 1fr; }}
"""


def _enter_binding(owner: str) -> Binding:
    return Binding(
        "enter",
        "submit",
        _("Sign in"),
        id=f"{owner}.submit",
        priority=True,
        tooltip=_("Sign in with what is typed."),
    )


class SignInScreen(FormKeys, LedgerWork):
    """Name and password (or code); the first screen of a served session."""

    DEFAULT_CSS = SIGN_IN_CSS.format(name="SignInScreen")
    AUTO_FOCUS = None
    FIELD_ORDER = ("name", "secret")
    BINDINGS: ClassVar[list[BindingType]] = [*form_bindings("sign_in"), _enter_binding("sign_in")]

    class MemberSignedIn(Message):
        """A member signed in (with a password, or with a code and then a new password)."""

        def __init__(self, signed: SignedIn) -> None:
            super().__init__()
            self.signed = signed

    def __init__(self) -> None:
        super().__init__()
        self.busy = False

    def compose(self) -> ComposeResult:
        with Center(), Vertical():
            yield Label(self.app.title, classes="title", markup=False)
            yield Label(_("Sign in to the group's Reciprocity."), classes="hint")
            with Horizontal(classes="row"):
                yield Label(_("Name"), classes="signin-label")
                yield Field(placeholder=_("your whole name"), id="name", compact=True)
            with Horizontal(classes="row"):
                yield Label(_("Password"), classes="signin-label")
                yield Field(
                    placeholder=_("or the code from your invitation"),
                    id="secret",
                    password=True,
                    compact=True,
                )
            yield Label("", id="signin-error", markup=False)
            yield Label(_("Tab: next field · Enter: sign in"), classes="hint")

    def on_mount(self) -> None:
        self.set_focus(self.query_one("#name", Field))

    async def action_submit(self) -> None:
        """Enter: sign in (from Name with no password yet, move to Password)."""
        await self.drain()
        if self.busy:
            return
        name = self.query_one("#name", Field).value
        secret = self.query_one("#secret", Field).value
        if not secret:
            self.set_focus(self.query_one("#secret", Field))
            return
        self.busy = True
        self.rapp.hold_keys()

        def check(session: Session) -> SignedIn:
            from reciprocity.ledger.signin import sign_in

            return sign_in(session=session, name=name, secret=secret)

        self.ledger_call(
            check,
            lambda signed: self._signed_in(signed, secret),
            group="sign_in",
            refused=self._refused,
            failed=self._failed,
        )

    def _signed_in(self, signed: SignedIn, secret: str) -> None:
        self.busy = False
        self.query_one("#secret", Field).value = ""
        if signed.needs_password:
            self.app.push_screen(ChoosePasswordScreen(signed.name, secret))
            self.rapp.release_keys()
            return
        self.post_message(self.MemberSignedIn(signed))

    def _refused(self, error: LedgerError) -> None:
        self.busy = False
        self.query_one("#signin-error", Label).update(str(error))
        secret = self.query_one("#secret", Field)
        secret.value = ""
        self.set_focus(self.query_one("#name", Field) if error.field == "name" else secret)
        self.rapp.release_keys()

    def _failed(self) -> None:
        self.busy = False
        self.rapp.release_keys()


class ChoosePasswordScreen(FormKeys, LedgerWork):
    """After an invitation's code: choose a password, typed twice."""

    DEFAULT_CSS = SIGN_IN_CSS.format(name="ChoosePasswordScreen")
    AUTO_FOCUS = None
    FIELD_ORDER = ("password", "repeat")
    BINDINGS: ClassVar[list[BindingType]] = [
        *form_bindings("choose_password"),
        _enter_binding("choose_password"),
    ]

    def __init__(self, name: str, code: str) -> None:
        super().__init__()
        self.member = name
        self.code = code
        self.busy = False

    def compose(self) -> ComposeResult:
        with Center(), Vertical():
            yield Label(self.app.title, classes="title", markup=False)
            yield Label(
                _("Welcome, {name}. Choose your password: at least {minimum} characters.").format(
                    name=self.member, minimum=PASSWORD_MIN
                ),
                classes="hint",
                markup=False,
            )
            with Horizontal(classes="row"):
                yield Label(_("New password"), classes="signin-label")
                yield Field(id="password", password=True, compact=True)
            with Horizontal(classes="row"):
                yield Label(_("Repeat"), classes="signin-label")
                yield Field(id="repeat", password=True, compact=True)
            yield Label("", id="signin-error", markup=False)
            yield Label(_("Tab: next field · Enter: save and sign in"), classes="hint")

    def on_mount(self) -> None:
        self.set_focus(self.query_one("#password", Field))

    async def action_submit(self) -> None:
        """Enter: save the password and sign in (from New password, move to Repeat)."""
        await self.drain()
        if self.busy:
            return
        password = self.query_one("#password", Field).value
        repeated = self.query_one("#repeat", Field).value
        if self.focused is self.query_one("#password", Field) and not repeated:
            self.set_focus(self.query_one("#repeat", Field))
            return
        self.busy = True
        self.rapp.hold_keys()
        name, code = self.member, self.code

        def save(session: Session) -> SignedIn:
            from reciprocity.ledger.signin import choose_password

            return choose_password(
                session=session, name=name, code=code, password=password, repeated=repeated
            )

        self.ledger_call(
            save, self._saved, group="choose_password", refused=self._refused, failed=self._failed
        )

    def _saved(self, signed: SignedIn) -> None:
        self.busy = False
        self.post_message(SignInScreen.MemberSignedIn(signed))

    def _refused(self, error: LedgerError) -> None:
        self.busy = False
        self.query_one("#signin-error", Label).update(str(error))
        for field in ("password", "repeat"):
            self.query_one(f"#{field}", Field).value = ""
        if error.field == "secret":
            # The code no longer holds (expired, withdrawn, locked): back to signing in.
            self.app.pop_screen()
            screen = self.app.screen
            if isinstance(screen, SignInScreen):
                screen.query_one("#signin-error", Label).update(str(error))
        else:
            self.set_focus(self.query_one("#password", Field))
        self.rapp.release_keys()

    def _failed(self) -> None:
        self.busy = False
        self.rapp.release_keys()
