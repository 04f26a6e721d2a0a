"""Pilot tests of what a new user ran into (one test or more a finding): each asserts what
the database holds afterwards and what the screen shows."""

import asyncio
import inspect
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from rich.cells import cell_len
from sqlmodel import Session
from textual.pilot import Pilot
from textual.widgets import DataTable, Input, Label

from reciprocity.analytics.balances import compute_balances
from reciprocity.analytics.scope import Scope
from reciprocity.ledger.exchanges import log_referral
from reciprocity.ledger.followups import record_followup
from reciprocity.store.engine import make_engine
from reciprocity.tui.app import ReciprocityApp
from reciprocity.tui.screens.board import BoardScreen
from reciprocity.tui.screens.dashboard import DashboardScreen, short_number
from reciprocity.tui.screens.dialogs import (
    SAVE_HINT,
    AudienceDialog,
    ConfirmDialog,
    FeedbackDialog,
    VoidDialog,
    WonDialog,
)
from reciprocity.tui.screens.exchanges import ExchangesScreen
from reciprocity.tui.screens.followups import FollowupsScreen
from reciprocity.tui.screens.members import MemberForm, MembersScreen
from reciprocity.tui.screens.network import ExportDialog, NetworkScreen
from reciprocity.tui.screens.picker import MemberPicker
from reciprocity.tui.screens.quick_log import QuickLogScreen
from reciprocity.tui.widgets.card import Card
from reciprocity.tui.widgets.keys import KeysPanel
from tests.tui.conftest import Fixture, count, drive, make_app, rows, settle
from tests.unit.chapter import TODAY

DB = tuple[str, Fixture]


def _label(pilot: Pilot[Any], selector: str) -> str:
    return str(pilot.app.screen.query_one(selector, Label).content)


def _messages(pilot: Pilot[Any]) -> list[str]:
    return [n.message for n in pilot.app._notifications]


def _current(pilot: Pilot[Any]) -> Any:
    """The screen showing now (typed loosely: it changes under the test's feet)."""
    return pilot.app.screen


def _focus(screen: Any) -> Any:
    return screen.focused


def _row_of(table: DataTable[Any], exchange_id: int) -> int:
    return next(i for i in range(table.row_count) if table.get_row_at(i)[0] == str(exchange_id))


# -- 1. follow-up keys act on the focused table only ----------------------------------------


def test_step_keys_on_the_given_table_write_nothing_and_say_why(db: DB) -> None:
    url, fx = db
    steps_before = count(url, "SELECT count(*) FROM followup")

    async def scenario(pilot: Pilot[Any]) -> None:
        await pilot.press("2")
        await settle(pilot)
        screen = pilot.app.screen
        assert isinstance(screen, FollowupsScreen)
        received = screen.query_one("#received", DataTable)
        given = screen.query_one("#given-referrals", DataTable)
        assert screen.focused is received
        await pilot.press("tab", "down")
        assert screen.focused is given
        for key in ("n", "c", "x"):
            await pilot.press(key)
            await settle(pilot)
        assert isinstance(pilot.app.screen, FollowupsScreen)  # no dialog either
        assert any(
            "n advances referrals you received; this is a referral you gave" in m
            for m in _messages(pilot)
        )
        assert not any(m.startswith("Referral #") for m in _messages(pilot))
        assert "OVERDUE" in str(received.get_row_at(_row_of(received, fx.overdue))[4])
        # f with the received table focused rates nothing.
        await pilot.press("shift+tab")
        assert screen.focused is received
        await pilot.press("f")
        await settle(pilot)
        assert not isinstance(pilot.app.screen, FeedbackDialog)
        assert any("f rates referrals you gave" in m for m in _messages(pilot))
        # The keys act where the cursor is: the given table's row is rated.
        given.focus()
        given.move_cursor(row=_row_of(given, fx.given_won))
        await pilot.press("f")
        assert isinstance(pilot.app.screen, FeedbackDialog)
        assert f"#{fx.given_won}" in str(pilot.app.screen.query_one(Label).content)

    drive(make_app(url), scenario)
    assert count(url, "SELECT count(*) FROM followup") == steps_before
    assert count(url, "SELECT count(*) FROM feedback WHERE rating != 4") == 0


# -- 2. home cards hold whole numbers --------------------------------------------------------


@pytest.mark.parametrize("size", [(80, 24), (120, 40)])
def test_home_cards_show_whole_numbers_for_a_year(db: DB, size: tuple[int, int]) -> None:
    url, fx = db
    c = fx.chapter
    engine = make_engine(url)
    with Session(engine, expire_on_commit=False) as session:
        for giver, receiver, value in ((c.anna, c.dirk, 112_500), (c.bob, c.anna, 209_100)):
            made = log_referral(
                session=session,
                giver_id=giver,
                receiver_id=receiver,
                occurred_on=TODAY - timedelta(days=90),
                today=TODAY,
            )
            assert made.id is not None
            record_followup(
                session=session,
                exchange_id=made.id,
                status="won",
                value=value,
                business="new",
                occurred_on=TODAY - timedelta(days=80),
                today=TODAY,
            )
        scope = Scope(member_id=c.anna, start=TODAY.replace(month=1, day=1), end=TODAY)
        (mine,) = [r for r in compute_balances(session=session, scope=scope) if r["member_id"] == 1]
    engine.dispose()

    async def scenario(pilot: Pilot[Any]) -> None:
        await pilot.press("p", "p")
        await settle(pilot)
        screen = pilot.app.screen
        assert isinstance(screen, DashboardScreen)
        assert str(TODAY.year) in _label(pilot, "#dash-title")
        value = screen.query_one("#card-value", Card).value
        assert value == (
            f"{short_number(mine['value_given'])} / {short_number(mine['value_received'])}"
        )
        assert value.endswith("k") and "209" not in value.split(" / ")[0]
        for card in screen.query(Card):
            assert cell_len(card.value) <= card.content_region.width, card.value

    drive(make_app(url), scenario, size=size)


def test_short_numbers() -> None:
    assert [short_number(v) for v in (0, 950, 9_999, 10_000, 209_100, 1_250_000, None)] == [
        "0",
        "950",
        "9,999",
        "10k",
        "209.1k",
        "1.2M",
        "—",
    ]


# -- 3. a member switch reloads every screen -------------------------------------------------


def test_switching_to_a_plain_member_clears_what_the_organiser_saw(db: DB) -> None:
    url, fx = db

    async def scenario(pilot: Pilot[Any]) -> None:
        await pilot.press("6")
        await settle(pilot)
        network = pilot.app.screen
        assert isinstance(network, NetworkScreen)
        table = network.query_one("#network-table", DataTable)
        assert table.row_count == 5
        await pilot.press("3")
        await settle(pilot)
        assert pilot.app.screen.query_one("#filter-member", Input).value == "Anna de Vries"
        await pilot.press("6", "i")
        await pilot.press(*"bob", "enter")
        await settle(pilot)
        assert _current(pilot) is network
        assert "organise no network" in _label(pilot, "#network-title")
        assert table.row_count == 0 and network.rows == []
        assert _label(pilot, "#network-stats") == ""
        await pilot.press("r")
        assert any("Choose a network you organise" in m for m in _messages(pilot))
        await pilot.press("3")
        await settle(pilot)
        assert pilot.app.screen.query_one("#filter-member", Input).value == "Bob Jansen"
        await pilot.press("2")
        await settle(pilot)
        received = pilot.app.screen.query_one("#received", DataTable)
        assert str(fx.overdue) not in {received.get_row_at(i)[0] for i in range(received.row_count)}

    drive(make_app(url), scenario)
    assert count(url, "SELECT count(*) FROM followup WHERE occurred_on = :d", d=TODAY) == 0


# -- 4. export the month the screen shows, or ask --------------------------------------------


def test_export_of_a_quarter_asks_the_month_and_folder(db: DB, tmp_path: Path) -> None:
    import platformdirs

    url, _ = db
    base = tmp_path / "a folder with a rather long name for the reports of the club"

    async def scenario(pilot: Pilot[Any]) -> None:
        await pilot.press("6", "p")
        await settle(pilot)
        network = pilot.app.screen
        assert isinstance(network, NetworkScreen)
        assert "Q4 2026" in _label(pilot, "#network-title")
        await pilot.press("r")
        assert isinstance(pilot.app.screen, AudienceDialog)
        await pilot.press("c")  # the whole group
        dialog = pilot.app.screen
        assert isinstance(dialog, ExportDialog)
        month = dialog.query_one("#export-month", Input)
        folder = dialog.query_one("#export-base", Input)
        assert month.value == "2026-10"  # the last complete month
        assert folder.value == str(Path(platformdirs.user_documents_dir()) / "Reciprocity")
        assert SAVE_HINT in [str(label.content) for label in dialog.query(Label)]
        month.value = "2027-01"
        await pilot.pause()
        await pilot.press("ctrl+s")
        assert pilot.app.screen is dialog
        assert "in the future" in _label(pilot, "#export-error")
        month.value = "2026-09"
        folder.value = str(base)
        await pilot.pause()
        await pilot.press("enter")
        await settle(pilot)
        assert _current(pilot) is network
        out = base / "Club-Delft-2026-09"
        assert network.exported and all(p.parent == out and p.exists() for p in network.exported)
        assert any(str(out) in m.replace("\n", "") for m in _messages(pilot))
        toast = next(m for m in _messages(pilot) if "Monthly report" in m)
        assert max(len(line) for line in toast.splitlines()) <= 60  # wraps at 80 columns

    drive(make_app(url), scenario)
    assert {p.suffix for p in (base / "Club-Delft-2026-09").iterdir()} >= {".csv"}


def test_export_of_a_whole_month_on_screen_asks_only_who_it_is_for(db: DB, tmp_path: Path) -> None:
    url, _ = db

    async def scenario(pilot: Pilot[Any]) -> None:
        await pilot.press("6")
        await settle(pilot)
        network = pilot.app.screen
        assert isinstance(network, NetworkScreen)
        network.report_base = tmp_path
        await pilot.press("left_square_bracket")  # back to October 2026
        await settle(pilot)
        assert "October 2026" in _label(pilot, "#network-title")
        await pilot.press("r")
        assert isinstance(pilot.app.screen, AudienceDialog)
        await pilot.press("l")  # the leadership team
        await settle(pilot)
        assert _current(pilot) is network
        assert {path.name for path in network.exported} >= {"report-leadership.pdf"}
        # Again: the folder holds that report now, so it asks before replacing it.
        await pilot.press("r", "l")
        await settle(pilot)
        question = pilot.app.screen
        assert isinstance(question, ConfirmDialog)
        assert "Replace the report" in str(question.query(Label).first().content)
        await pilot.press("n")
        await settle(pilot)
        assert _current(pilot) is network
        await pilot.press("r", "l")
        await settle(pilot)
        await pilot.press("y")
        await settle(pilot)
        assert network.exported and all(path.exists() for path in network.exported)

    drive(make_app(url), scenario)
    folder = tmp_path / "Club-Delft-2026-10-leadership"
    assert (folder / "report-leadership.pdf").is_file()
    assert not (tmp_path / "Club-Delft-2026-10").exists()


def test_escape_in_the_audience_question_exports_nothing(db: DB, tmp_path: Path) -> None:
    url, _ = db

    async def scenario(pilot: Pilot[Any]) -> None:
        await pilot.press("6")
        await settle(pilot)
        network = pilot.app.screen
        assert isinstance(network, NetworkScreen)
        network.report_base = tmp_path / "reports"
        await pilot.press("r")
        assert isinstance(pilot.app.screen, AudienceDialog)
        await pilot.press("escape")
        await settle(pilot)
        assert _current(pilot) is network and not network.exported

    drive(make_app(url), scenario)
    assert not (tmp_path / "reports").exists()


# -- 5. the members screen lets the keyboard go ----------------------------------------------


def test_members_screen_starts_in_the_table_and_escape_leaves_the_search(db: DB) -> None:
    url, fx = db

    async def scenario(pilot: Pilot[Any]) -> None:
        await pilot.press("4")
        await settle(pilot)
        screen = pilot.app.screen
        assert isinstance(screen, MembersScreen)
        table = screen.query_one("#members", DataTable)
        assert screen.focused is table
        shown = {
            key
            for key, active in screen.active_bindings.items()
            if active.binding.show and active.enabled
        }
        assert {"a", "e", "x", "slash"} <= shown
        await pilot.press("slash", *"carla")
        search = screen.query_one("#member-search", Input)
        assert _focus(screen) is search
        await pilot.press("escape")
        assert screen.focused is table
        assert search.value == "carla"
        await pilot.pause(0.3)
        await settle(pilot)
        await pilot.press("x", "y")  # acts from the table at once
        await settle(pilot)
        await pilot.press("5")
        assert isinstance(pilot.app.screen, BoardScreen)

    drive(make_app(url), scenario)
    assert count(url, "SELECT active FROM member WHERE id = :m", m=fx.chapter.carla) == 0


# -- 6 and 7. names: the hint, the save and the toast agree ----------------------------------


def test_a_typo_in_to_is_refused_in_the_tuis_words_and_enter_takes_the_hint(db: DB) -> None:
    url, fx = db
    before = count(url, "SELECT count(*) FROM exchange")

    async def scenario(pilot: Pilot[Any]) -> None:
        await pilot.press("l")
        await settle(pilot)
        screen = pilot.app.screen
        assert isinstance(screen, QuickLogScreen)
        await pilot.press(*"Carls Smitt")
        assert _label(pilot, "#to-hint").startswith("→ Carla Smit")
        await pilot.press("ctrl+s")
        await settle(pilot)
        error = _label(pilot, "#to-error")
        assert error == "No member is named 'Carls Smitt'; press Enter in To to take Carla Smit."
        assert "reciprocity member add" not in error
        assert screen.saved_ids == []
        screen.query_one("#to", Input).focus()
        await pilot.press("enter", "ctrl+s")
        await settle(pilot)
        assert len(screen.saved_ids) == 1

    drive(make_app(url), scenario)
    assert count(url, "SELECT count(*) FROM exchange") == before + 1
    assert rows(url, "SELECT giver_id, receiver_id FROM exchange ORDER BY id DESC LIMIT 1") == [
        (fx.chapter.anna, fx.chapter.carla)
    ]


def test_the_toast_names_whom_the_ledger_resolved(db: DB) -> None:
    url, fx = db

    async def scenario(pilot: Pilot[Any]) -> None:
        await pilot.press("l")
        await settle(pilot)
        screen = pilot.app.screen
        screen.query_one("#to", Input).value = "bob jansen"  # typed, never chosen
        screen.query_one("#from", Input).value = "anna"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(screen, QuickLogScreen)
        (made,) = screen.saved_ids
        assert f"Referral #{made} logged: Anna de Vries → Bob Jansen (Club Delft)." in _messages(
            pilot
        )

    drive(make_app(url), scenario)
    assert rows(url, "SELECT giver_id, receiver_id FROM exchange ORDER BY id DESC LIMIT 1") == [
        (fx.chapter.anna, fx.chapter.bob)
    ]


def test_with_and_from_hint_names_and_say_outside_contact(db: DB) -> None:
    url, fx = db

    async def scenario(pilot: Pilot[Any]) -> None:
        await pilot.press("l")
        await settle(pilot)
        screen = pilot.app.screen
        assert isinstance(screen, QuickLogScreen)
        await pilot.press("ctrl+t", *"bob", "enter")
        contact = screen.query_one("#with", Input)
        contact.focus()
        await pilot.press(*"Carla Smitt")
        hint = _label(pilot, "#with-hint")
        assert hint.startswith("outside contact (not a member)") and "Carla Smit" in hint
        await pilot.press("enter")  # takes the member
        assert contact.value == "Carla Smit"
        assert _label(pilot, "#with-hint") == "member: Carla Smit"
        contact.value = "Ane Wutke"
        await pilot.pause()
        assert _label(pilot, "#with-hint") == "outside contact (no member has this name)"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert any(
            "introduced Bob Jansen to Ane Wutke, an outside contact" in m for m in _messages(pilot)
        )
        # From gets the same hint as To (after a swap it holds the typed name).
        await pilot.press("ctrl+r", *"Dirk Bakkr", "ctrl+o")
        await pilot.pause()
        assert screen.query_one("#from", Input).value == "Dirk Bakkr"
        assert _label(pilot, "#from-hint").startswith("→ Dirk Bakker")

    drive(make_app(url), scenario)
    assert rows(
        url, "SELECT kind, giver_id, receiver_id, contact_name FROM exchange ORDER BY id DESC"
    )[0] == ("introduction", fx.chapter.anna, fx.chapter.bob, "Ane Wutke")


# -- 8. voiding ------------------------------------------------------------------------------


def test_void_keeps_the_cursor_and_a_voided_row_is_not_asked_again(db: DB) -> None:
    url, _ = db

    async def scenario(pilot: Pilot[Any]) -> None:
        await pilot.press("3")
        await settle(pilot)
        screen = pilot.app.screen
        assert isinstance(screen, ExchangesScreen)
        table = screen.query_one("#exchanges", DataTable)
        assert screen.focused is table
        table.move_cursor(row=3)
        await settle(pilot)
        chosen = table.get_row_at(3)[0]
        await pilot.press("v")
        assert isinstance(pilot.app.screen, VoidDialog)
        await pilot.press(*"Logged twice", "enter")
        await settle(pilot)
        assert table.cursor_row == 3 and table.get_row_at(3)[0] == chosen
        assert table.get_row_at(3)[6] == "✕"
        await pilot.press("v")
        assert not isinstance(pilot.app.screen, VoidDialog)
        assert any(f"#{chosen} is already voided (Logged twice)" in m for m in _messages(pilot))

    drive(make_app(url), scenario)
    assert rows(url, "SELECT void_reason FROM exchange WHERE voided_at IS NOT NULL") == [
        ("Logged twice",)
    ]


# -- 9. dialogs keep what was typed ----------------------------------------------------------


def test_won_dialog_shows_the_ledgers_refusal_and_keeps_the_value(db: DB) -> None:
    url, fx = db

    async def scenario(pilot: Pilot[Any]) -> None:
        await pilot.press("2")
        await settle(pilot)
        received = pilot.app.screen.query_one("#received", DataTable)
        received.move_cursor(row=_row_of(received, fx.contacted))
        await pilot.press("w", *"-500", "enter")
        await settle(pilot)
        dialog = pilot.app.screen
        assert isinstance(dialog, WonDialog)
        assert "must be zero or more, not -500" in _label(pilot, "#won-error")
        assert dialog.query_one("#won-value", Input).value == "-500"
        assert SAVE_HINT in [str(label.content) for label in dialog.query(Label)]
        dialog.query_one("#won-value", Input).value = "900"
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(pilot.app.screen, FollowupsScreen)

    drive(make_app(url), scenario)
    assert rows(
        url, "SELECT status, value FROM followup WHERE exchange_id = :e ORDER BY id", e=fx.contacted
    ) == [("contacted", None), ("won", 900)]


# -- 10. an empty ledger ---------------------------------------------------------------------


def test_an_empty_ledger_says_how_to_start_and_q_quits(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'empty.sqlite'}"

    async def main() -> None:
        app = make_app(url, acting=None)
        async with app.run_test(size=(80, 24)) as pilot:
            await settle(pilot)
            picker = app.screen
            assert isinstance(picker, MemberPicker)
            text = str(picker.query_one("#picker-hint", Label).content)
            assert "network add" in text and "member add" in text
            assert "reciprocity --demo" in text and "q or escape quits" in text
            await pilot.press("enter")
            assert app.screen is picker
            await pilot.press("q")
            await pilot.pause()
            assert not app.is_running

    asyncio.run(main())
    assert count(url, "SELECT count(*) FROM member") == 0


# -- 11. the keys panel and the palette ------------------------------------------------------


def test_keys_panel_lists_the_screens_and_apps_keys_first(db: DB) -> None:
    url, _ = db

    async def scenario(pilot: Pilot[Any]) -> None:
        app = pilot.app
        assert isinstance(app, ReciprocityApp)
        await pilot.press("2", "question_mark")
        await settle(pilot)
        groups = app.screen.query_one(KeysPanel).groups()
        assert [title for title, _ in groups][:2] == ["This screen", "Everywhere"]
        assert ("c", "Contacted") in groups[0][1]
        assert ("?", "Keys") in groups[1][1]
        helps = [command.help for command in app.get_system_commands(app.screen)]
        assert any(h.endswith("(key ?)") for h in helps)
        assert not any("question_mark" in h for h in helps)

    drive(make_app(url), scenario)


# -- 12. columns take the spare width --------------------------------------------------------


def test_name_and_summary_columns_widen_on_a_wide_terminal(db: DB) -> None:
    url, _ = db
    widths: dict[tuple[int, int], dict[str, int]] = {}

    def scenario_for(size: tuple[int, int]) -> Any:
        async def scenario(pilot: Pilot[Any]) -> None:
            await pilot.press("2")
            await settle(pilot)
            table = pilot.app.screen.query_one("#received", DataTable)
            widths[size] = {str(key.value): column.width for key, column in table.columns.items()}
            statuses = {str(table.get_row_at(i)[4]) for i in range(table.row_count)}
            assert all(len(s) <= widths[size]["status"] for s in statuses)

        return scenario

    for size in ((80, 24), (120, 40)):
        drive(make_app(url), scenario_for(size), size=size)
    narrow, wide = widths[(80, 24)], widths[(120, 40)]
    assert narrow["from"] == 16 and narrow["status"] >= len("acknowledged")
    assert wide["from"] > 30 and wide["summary"] > 30
    assert wide["#"] == narrow["#"] and wide["date"] == narrow["date"]


# -- the ledger's role checks ----------------------------------------------------------------


def test_member_administration_passes_the_acting_member(db: DB) -> None:
    from reciprocity.ledger.members import add_member

    if "acting_id" not in inspect.signature(add_member).parameters:
        pytest.skip("the ledger's role checks (acting_id) are not in place yet")
    url, fx = db
    before = count(url, "SELECT count(*) FROM member")

    async def scenario(pilot: Pilot[Any]) -> None:
        await pilot.press("4", "a")
        await settle(pilot)
        form = pilot.app.screen
        assert isinstance(form, MemberForm)
        form.query_one("#member-name", Input).value = "Hanna Kok"
        form.query_one("#member-network").value = fx.chapter.club  # type: ignore[attr-defined]
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert _current(pilot) is form
        assert "add members to Club Delft" in _label(pilot, "#member-error")  # the ledger's

    drive(make_app(url, acting="Bob Jansen"), scenario)
    assert count(url, "SELECT count(*) FROM member") == before


def test_won_from_a_nudge_is_recorded_once_by_the_won_dialog(db: DB) -> None:
    url, fx = db

    async def scenario(pilot: Pilot[Any]) -> None:
        from textual.widgets import OptionList

        pilot.app.screen.query_one("#nudges", OptionList).focus()
        await pilot.press("enter", "w")
        assert isinstance(pilot.app.screen, WonDialog)
        await pilot.press(*"-1", "enter")
        await settle(pilot)
        assert "zero or more" in _label(pilot, "#won-error")
        pilot.app.screen.query_one("#won-value", Input).value = "1000"
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(pilot.app.screen, DashboardScreen)
        assert f"Referral #{fx.overdue}: won." in _messages(pilot)

    drive(make_app(url), scenario)
    assert rows(url, "SELECT status, value FROM followup WHERE exchange_id = :e", e=fx.overdue) == [
        ("won", 1000)
    ]
