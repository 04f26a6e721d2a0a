"""The quick log at full typing speed: every key is sent as a fast typist's terminal sends
it, with no pause and no waiting for the app between keys (``type_fast``), and nothing
typed is lost, garbled or sent to a screen key."""

from datetime import date
from typing import Any

from sqlmodel import Session
from textual.pilot import Pilot
from textual.widgets import Input, Label, Select

from reciprocity.ledger.exchanges import log_help
from reciprocity.ledger.networks import join_network
from reciprocity.store.engine import make_engine
from reciprocity.tui.app import ReciprocityApp
from reciprocity.tui.screens.dashboard import DashboardScreen
from reciprocity.tui.screens.dialogs import ConfirmDialog
from reciprocity.tui.screens.quick_log import QuickLogScreen
from tests.tui.conftest import (
    Fixture,
    drive,
    make_app,
    rows,
    settle,
    text,
    type_fast,
)
from tests.unit.chapter import TODAY

DB = tuple[str, Fixture]
NEWEST = (
    "SELECT kind, giver_id, receiver_id, network_id, summary, hotness, estimated_value, "
    "referral_type FROM exchange ORDER BY id DESC LIMIT 1"
)


async def typed(pilot: Pilot[Any]) -> None:
    """Wait until every key sent was taken, held keys included, and the ledger answered.

    Held keys are replayed a moment after they are released, and a replayed ctrl+s holds
    them again: the app counts as done when three checks in a row, 50 ms apart, find no
    key held and no worker running (one such check passed between a release and its
    replay on a loaded machine)."""
    app = pilot.app
    assert isinstance(app, ReciprocityApp)
    quiet = 0
    for _ in range(400):
        await settle(pilot)
        quiet = quiet + 1 if app._held is None and not app.workers else 0
        if quiet == 3:
            return
        await pilot.pause(0.05)
    raise AssertionError("the typed keys were never taken")


def _quick_log(pilot: Pilot[Any]) -> QuickLogScreen:
    screen = pilot.app.screen
    assert isinstance(screen, QuickLogScreen), screen
    return screen


def _value(screen: QuickLogScreen, field: str) -> str:
    return screen.query_one(f"#{field}", Input).value


def _error(screen: QuickLogScreen, field: str) -> str:
    return str(screen.query_one(f"#{field}-error", Label).content)


def _join(url: str, member_id: int, network_id: int) -> None:
    engine = make_engine(url)
    with Session(engine) as session:
        join_network(
            session=session, member_id=member_id, network_id=network_id, joined_on=date(2026, 1, 1)
        )
    engine.dispose()


# -- the trial's three flows ----------------------------------------------------------------


def test_a_received_referral_through_ctrl_o_at_full_speed(db: DB) -> None:
    url, fx = db

    async def scenario(pilot: Pilot[Any]) -> None:
        type_fast(pilot, "l", "ctrl+o", *"dir", "enter", *text("Staff lunch"), "ctrl+s")
        await typed(pilot)
        screen = _quick_log(pilot)
        assert len(screen.saved_ids) == 1
        # The form is ready for the next entry: To empty and focused, From me again.
        assert _value(screen, "to") == ""
        assert _value(screen, "from") == "Anna de Vries"
        assert screen.focused is screen.query_one("#to")

    drive(make_app(url), scenario)
    c = fx.chapter
    assert rows(url, NEWEST) == [
        ("referral", c.dirk, c.anna, c.club, "Staff lunch", None, None, "outside")
    ]


def test_ctrl_o_moves_to_an_empty_from_and_typing_never_lands_in_a_name(db: DB) -> None:
    url, _ = db

    async def scenario(pilot: Pilot[Any]) -> None:
        type_fast(pilot, "l", "ctrl+o", *"dea")
        await typed(pilot)
        screen = _quick_log(pilot)
        assert _value(screen, "to") == "Anna de Vries"
        assert _value(screen, "from") == "dea"
        assert screen.focused is screen.query_one("#from")
        type_fast(pilot, "backspace", "backspace", "backspace", *"dir", "enter", *"Cake")
        await typed(pilot)
        assert _value(screen, "from") == "Dirk Bakker"
        assert screen.query_one("#from", Input).cursor_position == len("Dirk Bakker")
        assert _value(screen, "summary") == "Cake"
        assert screen.focused is screen.query_one("#summary")

    drive(make_app(url), scenario)


def test_a_referral_with_hotness_and_value_moving_by_tab(db: DB) -> None:
    url, fx = db

    async def scenario(pilot: Pilot[Any]) -> None:
        type_fast(pilot, "l", *"car", "enter", *"Lunx", "backspace", *"ch")
        # Summary → Contact → details → Hotness → Value → inside/outside, in screen order.
        type_fast(pilot, "tab", "tab", "tab", "4", "tab", *"1500", "tab", "i", "ctrl+s")
        await typed(pilot)
        screen = _quick_log(pilot)
        assert len(screen.saved_ids) == 1
        assert isinstance(pilot.app.screen, QuickLogScreen)  # no digit switched screens

    drive(make_app(url), scenario)
    c = fx.chapter
    assert rows(url, NEWEST) == [("referral", c.anna, c.carla, c.club, "Lunch", 4, 1500, "inside")]


def test_a_member_of_two_networks_logs_to_the_network_they_choose(db: DB) -> None:
    url, fx = db
    c = fx.chapter
    _join(url, c.carla, c.coffee)  # Bob and Carla now share Club Delft and Open Coffee

    async def scenario(pilot: Pilot[Any]) -> None:
        type_fast(pilot, "l", *"car", "enter")
        await typed(pilot)
        screen = _quick_log(pilot)
        assert screen.query_one("#row-network").display
        network = screen.query_one("#network", Select)
        # No exchange between them yet: Bob's busiest network comes first.
        assert network.value == c.club
        type_fast(pilot, "shift+tab", "down", "tab", *"Coffee chat", "ctrl+s")
        await typed(pilot)
        assert len(screen.saved_ids) == 1
        assert any("(Open Coffee)" in n.message for n in pilot.app._notifications)
        # The next entry for the same pair suggests the network they used last.
        type_fast(pilot, *"car", "enter")
        await typed(pilot)
        assert screen.query_one("#network", Select).value == c.coffee

    drive(make_app(url, acting="Bob Jansen"), scenario)
    assert rows(url, NEWEST) == [
        ("referral", c.bob, c.carla, c.coffee, "Coffee chat", None, None, "outside")
    ]


def test_the_network_last_used_for_the_pair_is_the_default(db: DB) -> None:
    url, fx = db
    c = fx.chapter
    _join(url, c.carla, c.coffee)
    engine = make_engine(url)
    with Session(engine) as session:
        log_help(
            session=session, giver_id=c.carla, receiver_id=c.bob, network_id=c.coffee, today=TODAY
        )
    engine.dispose()

    async def scenario(pilot: Pilot[Any]) -> None:
        type_fast(pilot, "l", *"car", "enter", *"Thanks", "ctrl+s")
        await typed(pilot)
        assert len(_quick_log(pilot).saved_ids) == 1

    drive(make_app(url, acting="Bob Jansen"), scenario)
    assert rows(url, NEWEST)[0][3] == c.coffee


# -- fields and keys ----------------------------------------------------------------------


def test_enter_in_with_completes_the_member_and_moves_to_summary(db: DB) -> None:
    url, fx = db

    async def scenario(pilot: Pilot[Any]) -> None:
        type_fast(pilot, "l", "ctrl+t", *"bob", "enter", "shift+tab", "shift+tab")
        await typed(pilot)
        screen = _quick_log(pilot)
        # To → From → With: shift+tab twice from Summary is back in From; Tab reaches With.
        type_fast(pilot, "tab", *"car", "enter", *"Both in events", "ctrl+s")
        await typed(pilot)
        assert len(screen.saved_ids) == 2

    drive(make_app(url), scenario)
    c = fx.chapter
    made = rows(url, "SELECT giver_id, receiver_id FROM exchange ORDER BY id DESC LIMIT 2")
    assert set(made) == {(c.anna, c.bob), (c.anna, c.carla)}


def test_tab_visits_every_field_in_screen_order(db: DB) -> None:
    url, _ = db

    async def scenario(pilot: Pilot[Any]) -> None:
        type_fast(pilot, "l")
        await typed(pilot)
        screen = _quick_log(pilot)
        seen = []
        for _ in range(10):
            seen.append(screen.focused.id if screen.focused else None)
            type_fast(pilot, "tab")
            await typed(pilot)
        assert seen == [
            "to",
            "from",
            "summary",
            "contact",
            "details",
            "hotness",
            "value",
            "referral-type",
            "date",
            "meeting",
        ]

    drive(make_app(url), scenario)


def test_no_letter_or_digit_reaches_a_screen_key_from_a_drop_down(db: DB) -> None:
    url, _ = db

    async def scenario(pilot: Pilot[Any]) -> None:
        type_fast(pilot, "l", *"bob", "tab")
        await typed(pilot)
        screen = _quick_log(pilot)
        screen.set_focus(screen.query_one("#referral-type"))
        type_fast(pilot, *"15li?", "3")
        await typed(pilot)
        assert pilot.app.screen is screen
        assert screen.query_one("#referral-type", Select).value == "inside"
        assert _value(screen, "to") == "bob"

    drive(make_app(url), scenario)


def test_leaving_with_something_typed_asks_first(db: DB) -> None:
    url, _ = db

    async def scenario(pilot: Pilot[Any]) -> None:
        type_fast(pilot, "l", *"Half a name", "escape")
        await typed(pilot)
        assert isinstance(pilot.app.screen, ConfirmDialog)
        type_fast(pilot, "n")
        await typed(pilot)
        screen = _quick_log(pilot)
        assert _value(screen, "to") == "Half a name"
        # Leaving for another screen (the palette's "Exchanges") asks too.
        app = pilot.app
        assert isinstance(app, ReciprocityApp)
        app.action_show("exchanges")
        await typed(pilot)
        assert isinstance(pilot.app.screen, ConfirmDialog)
        type_fast(pilot, "y")
        await typed(pilot)
        assert type(pilot.app.screen).__name__ == "ExchangesScreen"
        # With nothing typed, escape just closes.
        type_fast(pilot, "1", "l", "escape")
        await typed(pilot)
        assert isinstance(pilot.app.screen, DashboardScreen)

    drive(make_app(url), scenario)


def test_suggestions_never_offer_me_as_the_other_party(db: DB) -> None:
    url, _ = db

    async def scenario(pilot: Pilot[Any]) -> None:
        type_fast(pilot, "l", *"anna")
        await typed(pilot)
        screen = _quick_log(pilot)
        hint = str(screen.query_one("#to-hint", Label).content)
        assert "Anna de Vries" not in hint
        type_fast(pilot, "enter")
        await typed(pilot)
        assert _value(screen, "to") != "Anna de Vries"

    drive(make_app(url), scenario)


def test_a_refusal_moves_the_focus_to_its_field(db: DB) -> None:
    url, _ = db

    async def scenario(pilot: Pilot[Any]) -> None:
        type_fast(pilot, "l", *"bob", "enter", "tab", "tab", "tab", "9", "ctrl+s")
        await typed(pilot)
        screen = _quick_log(pilot)
        assert screen.saved_ids == []
        assert _error(screen, "hotness") == "The hotness must be from 1 to 5, not 9."
        assert screen.focused is screen.query_one("#hotness")
        # Typing on fixes it where the focus went; the next save goes through.
        type_fast(pilot, "backspace", "3", "ctrl+s")
        await typed(pilot)
        assert len(screen.saved_ids) == 1

    drive(make_app(url), scenario)


def test_keys_typed_while_saving_go_to_the_next_entry(db: DB) -> None:
    url, fx = db

    async def scenario(pilot: Pilot[Any]) -> None:
        type_fast(pilot, "l", *"bob", "enter", *"First", "ctrl+s", *"dir", "enter", *"Second")
        type_fast(pilot, "ctrl+s")
        await typed(pilot)
        assert len(_quick_log(pilot).saved_ids) == 2

    drive(make_app(url), scenario)
    c = fx.chapter
    assert rows(url, "SELECT receiver_id, summary FROM exchange ORDER BY id DESC LIMIT 2") == [
        (c.dirk, "Second"),
        (c.bob, "First"),
    ]
