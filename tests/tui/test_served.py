"""The served app without a browser: sign-in screens, what a member can reach, idling out.

The app runs as each browser tab runs it (``ServedApp`` on a ``served`` workspace), driven
by Pilot with keys typed at full speed."""

import asyncio
import time
from collections.abc import Awaitable, Callable
from typing import Any

import pytest
from sqlmodel import Session
from textual.pilot import Pilot
from textual.widgets import Label

from reciprocity.ledger.exchanges import log_referral
from reciprocity.ledger.signin import choose_password, invite_member
from reciprocity.ledger.workspace import Workspace
from reciprocity.store.engine import make_engine
from reciprocity.tui.screens.dashboard import DashboardScreen
from reciprocity.tui.screens.sign_in import ChoosePasswordScreen, SignInScreen
from reciprocity.tui.served import ServedApp, ServeOptions
from tests.tui.conftest import Fixture, rows, settle, text, type_fast
from tests.tui.test_quick_log_typing import typed
from tests.unit.chapter import TODAY

DB = tuple[str, Fixture]
PASSWORD = "correct horse battery"


def _with_session(url: str, job: Callable[[Session], Any]) -> Any:
    engine = make_engine(url)
    with Session(engine, expire_on_commit=False) as session:
        result = job(session)
    engine.dispose()
    return result


def _invite(url: str, name: str) -> str:
    invited = _with_session(url, lambda s: invite_member(session=s, name=name, acting_id=None))
    assert invited is not None
    code: str = invited.code
    return code


def _with_password(url: str, name: str) -> None:
    code = _invite(url, name)
    _with_session(
        url,
        lambda s: choose_password(
            session=s, name=name, code=code, password=PASSWORD, repeated=PASSWORD
        ),
    )


def _served(url: str, *, idle_minutes: int = 30) -> ServedApp:
    return ServedApp(
        Workspace(url=url, served=True),
        ServeOptions(title="Club Delft", idle_minutes=idle_minutes),
        today=TODAY,
    )


def _run(app: ServedApp, scenario: Callable[[Pilot[Any]], Awaitable[None]]) -> None:
    async def main() -> None:
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.pause()
            await scenario(pilot)

    asyncio.run(main())


def _error(pilot: Pilot[Any]) -> str:
    return str(pilot.app.screen.query_one("#signin-error", Label).content)


def test_the_first_screen_signs_in_and_reads_nothing_before(db: DB) -> None:
    url, _ = db
    app = _served(url)

    async def scenario(pilot: Pilot[Any]) -> None:
        await settle(pilot)
        screen = pilot.app.screen
        assert isinstance(screen, SignInScreen)
        assert "Club Delft" in str(screen.query_one(".title", Label).content)
        assert screen.focused is screen.query_one("#name")
        # Screen keys do nothing before signing in; the ledger is not even opened.
        type_fast(pilot, "escape")
        await typed(pilot)
        await app.run_action("show('dashboard')")
        app.action_show("dashboard")
        await typed(pilot)
        assert isinstance(pilot.app.screen, SignInScreen)
        assert app.workspace._engine is None

    _run(app, scenario)


def test_a_code_then_a_new_password_then_the_dashboard_and_the_quick_log(db: DB) -> None:
    url, fx = db
    code = _invite(url, "Bob Jansen")
    app = _served(url)

    async def scenario(pilot: Pilot[Any]) -> None:
        type_fast(pilot, *text("Bob Jansen"), "tab", *code, "enter")
        await typed(pilot)
        assert isinstance(pilot.app.screen, ChoosePasswordScreen)
        type_fast(pilot, *text(PASSWORD), "tab", *text(PASSWORD), "enter")
        # Keys typed on at once go to the app once it signed in: a referral to Carla.
        type_fast(pilot, "l", *"car", "enter", *text("From the served app"), "ctrl+s")
        await typed(pilot)
        assert app.acting_id == fx.chapter.bob
        assert app.workspace.acting_name == "Bob Jansen"

    _run(app, scenario)
    assert rows(
        url, "SELECT giver_id, receiver_id, summary, created_by FROM exchange ORDER BY id DESC"
    )[0] == (fx.chapter.bob, fx.chapter.carla, "From the served app", fx.chapter.bob)
    events = rows(url, "SELECT event FROM sign_in ORDER BY id")
    assert [event for (event,) in events] == ["invited", "password_set", "signed_in"]


def test_wrong_passwords_say_one_sentence_and_lock_after_five(db: DB) -> None:
    url, _ = db
    _with_password(url, "Bob Jansen")
    app = _served(url)

    async def scenario(pilot: Pilot[Any]) -> None:
        type_fast(pilot, *text("Nobody"), "tab", *"whatever1", "enter")
        await typed(pilot)
        unknown = _error(pilot)
        screen = pilot.app.screen
        assert screen.focused is screen.query_one("#secret")
        type_fast(pilot, "shift+tab", *["backspace"] * 6, *text("Bob Jansen"), "tab")
        for attempt in range(5):
            type_fast(pilot, *f"wrong-{attempt}", "enter")
            await typed(pilot)
            assert isinstance(pilot.app.screen, SignInScreen)
        assert _error(pilot) == unknown  # the same sentence for every wrong password
        type_fast(pilot, *text(PASSWORD), "enter")
        await typed(pilot)
        assert isinstance(pilot.app.screen, SignInScreen)
        assert "locked until" in _error(pilot)

    _run(app, scenario)
    events = [event for (event,) in rows(url, "SELECT event FROM sign_in ORDER BY id")]
    assert events[-7:] == ["failed", "failed", "failed", "failed", "failed", "locked", "refused"]


def test_no_who_am_i_and_no_owner_in_a_served_session(db: DB) -> None:
    url, _ = db
    _with_password(url, "Bob Jansen")
    app = _served(url)

    async def scenario(pilot: Pilot[Any]) -> None:
        type_fast(pilot, *text("Bob Jansen"), "tab", *text(PASSWORD), "enter")
        await typed(pilot)
        assert isinstance(pilot.app.screen, DashboardScreen)
        type_fast(pilot, "i")
        await typed(pilot)
        assert isinstance(pilot.app.screen, DashboardScreen)
        titles = {command.title for command in app.get_system_commands(app.screen)}
        assert "Who am I" not in titles and "Sign out" in titles
        with app.workspace.session() as session:
            assert app.workspace.acting_member_id(session) == app.acting_id is not None

    _run(app, scenario)


def test_a_served_member_does_not_see_others_outside_contacts(db: DB) -> None:
    url, fx = db
    c = fx.chapter
    _with_session(
        url,
        lambda s: log_referral(
            session=s,
            giver_id=c.anna,
            receiver_id=c.dirk,
            contact_name="Secret Client BV",
            contact_details="ceo@client.example",
            today=TODAY,
        ),
    )
    _with_password(url, "Bob Jansen")
    app = _served(url)

    async def scenario(pilot: Pilot[Any]) -> None:
        type_fast(pilot, *text("Bob Jansen"), "tab", *text(PASSWORD), "enter")
        await typed(pilot)
        type_fast(pilot, "3")
        await typed(pilot)
        screen = pilot.app.screen
        screen.query_one("#filter-member").value = ""  # type: ignore[attr-defined]
        await typed(pilot)
        table = screen.query_one("#exchanges")
        shown = " ".join(
            str(cell)
            for index in range(table.row_count)  # type: ignore[attr-defined]
            for cell in table.get_row_at(index)  # type: ignore[attr-defined]
        )
        assert "Secret Client" not in shown and "ceo@client" not in shown

    _run(app, scenario)


def test_an_idle_session_signs_out(db: DB) -> None:
    url, _ = db
    _with_password(url, "Bob Jansen")
    app = _served(url, idle_minutes=1)

    async def scenario(pilot: Pilot[Any]) -> None:
        type_fast(pilot, *text("Bob Jansen"), "tab", *text(PASSWORD), "enter")
        await typed(pilot)
        app._last_input = time.monotonic() - 61
        app._check_idle()
        await pilot.pause()

    _run(app, scenario)
    assert app.return_code == 0
    events = [event for (event,) in rows(url, "SELECT event FROM sign_in ORDER BY id")]
    assert events[-1] == "timed_out"


@pytest.mark.parametrize("key", ["ctrl+q"])
def test_signing_out_ends_the_session_and_is_logged(db: DB, key: str) -> None:
    url, _ = db
    _with_password(url, "Bob Jansen")
    app = _served(url)

    async def scenario(pilot: Pilot[Any]) -> None:
        type_fast(pilot, *text("Bob Jansen"), "tab", *text(PASSWORD), "enter")
        await typed(pilot)
        type_fast(pilot, key)
        await pilot.pause(0.2)

    _run(app, scenario)
    events = [event for (event,) in rows(url, "SELECT event FROM sign_in ORDER BY id")]
    assert events[-1] == "signed_out"
