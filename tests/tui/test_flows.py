"""Pilot tests of every flow: each asserts what the database holds afterwards and what the
screen shows, on a real SQLite file and the frozen day of the fixture."""

from datetime import timedelta
from typing import Any

import pytest
from sqlmodel import Session
from textual.pilot import Pilot
from textual.widgets import DataTable, Input, Label, OptionList, Sparkline

from reciprocity.analytics.balances import compute_balances
from reciprocity.analytics.quality import compute_quality
from reciprocity.analytics.scope import Scope
from reciprocity.store.engine import make_engine
from reciprocity.tui.app import ReciprocityApp
from reciprocity.tui.screens.dashboard import DashboardScreen, short_number
from reciprocity.tui.screens.dialogs import FeedbackDialog, FollowupDialog, OneToOneDialog
from reciprocity.tui.screens.quick_log import QuickLogScreen
from reciprocity.tui.widgets.card import Card
from tests.tui.conftest import Fixture, count, drive, make_app, rows, settle
from tests.unit.chapter import TODAY

DB = tuple[str, Fixture]


def _app(pilot: Pilot[Any]) -> ReciprocityApp:
    assert isinstance(pilot.app, ReciprocityApp)
    return pilot.app


def _exchange_count(url: str) -> int:
    return int(count(url, "SELECT count(*) FROM exchange"))


def _label(pilot: Pilot[Any], selector: str) -> str:
    return str(pilot.app.screen.query_one(selector, Label).content)


# -- dashboard ------------------------------------------------------------------------------


def test_dashboard_cards_hold_the_analytics_numbers(db: DB) -> None:
    url, fx = db
    engine = make_engine(url)
    with Session(engine) as session:
        scope = Scope(member_id=fx.chapter.anna, start=TODAY.replace(day=1), end=TODAY)
        (mine,) = [r for r in compute_balances(session=session, scope=scope) if r["member_id"] == 1]
        (quality,) = [
            r for r in compute_quality(session=session, scope=scope) if r["member_id"] == 1
        ]
    engine.dispose()

    async def scenario(pilot: Pilot[Any]) -> None:
        screen = pilot.app.screen
        assert isinstance(screen, DashboardScreen)
        cards = {card.id: card.value for card in screen.query(Card)}
        assert cards["card-points"] == f"{mine['given_points']} / {mine['received_points']}"
        assert cards["card-balance"].startswith(f"{mine['balance']:+}")
        assert cards["card-value"] == (
            f"{short_number(mine['value_given'])} / {short_number(mine['value_received'])}"
        )
        assert cards["card-contact"] == f"{quality['contact_rate']:.0%} of {quality['received']}"
        assert len(screen.query_one("#trend-given", Sparkline).data or []) == 12
        messages = [str(n["message"]) for n in screen.nudges]
        assert any("Bakery wants a site" in m for m in messages)
        assert [n["type"] for n in screen.nudges][0] == "followup_due"
        given = screen.query_one("#given", DataTable)
        assert given.get_row_at(0)[0] == str(fx.given_won)  # the newest step: won, 3 days ago
        await pilot.press("p")
        await settle(pilot)
        assert f"Q4 {TODAY.year}" in _label(pilot, "#dash-title")

    drive(make_app(url), scenario)


def test_enter_on_a_due_followup_opens_the_dialog_and_records_the_step(db: DB) -> None:
    url, fx = db

    async def scenario(pilot: Pilot[Any]) -> None:
        pilot.app.screen.query_one("#nudges", OptionList).focus()
        await pilot.press("enter")
        assert isinstance(pilot.app.screen, FollowupDialog)
        await pilot.press("c")
        await settle(pilot)
        assert isinstance(pilot.app.screen, DashboardScreen)
        assert not any("Bakery" in n["message"] for n in pilot.app.screen.nudges)

    drive(make_app(url), scenario)
    assert rows(
        url, "SELECT status, occurred_on FROM followup WHERE exchange_id = :e", e=fx.overdue
    ) == [("contacted", TODAY.isoformat())]


def test_enter_on_a_cold_pair_opens_a_one_to_one_form(db: DB) -> None:
    url, fx = db

    async def scenario(pilot: Pilot[Any]) -> None:
        screen = pilot.app.screen
        assert isinstance(screen, DashboardScreen)
        index = [n["type"] for n in screen.nudges].index("cold_pair")
        options = screen.query_one("#nudges", OptionList)
        options.focus()
        options.highlighted = index
        await pilot.press("enter")
        assert isinstance(pilot.app.screen, OneToOneDialog)
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(pilot.app.screen, DashboardScreen)

    drive(make_app(url), scenario)
    gijs = count(url, "SELECT id FROM member WHERE name = 'Gijs de Boer'")
    assert rows(
        url, "SELECT member_a_id, member_b_id, held_on FROM one_to_one ORDER BY id DESC LIMIT 1"
    ) == [(fx.chapter.anna, gijs, TODAY.isoformat())]


# -- quick log ------------------------------------------------------------------------------


def test_quick_log_a_referral_in_six_keys(db: DB) -> None:
    url, fx = db
    before = _exchange_count(url)

    async def scenario(pilot: Pilot[Any]) -> None:
        keys = ["l", "b", "o", "b", "enter", "ctrl+s"]
        assert len(keys) <= 8
        await pilot.press("l")
        screen = pilot.app.screen
        assert isinstance(screen, QuickLogScreen)
        assert screen.focused is screen.query_one("#to", Input)
        await settle(pilot)
        await pilot.press(*keys[1:])
        await settle(pilot)
        assert len(screen.saved_ids) == 1
        assert screen.query_one("#to", Input).value == ""
        assert screen.query_one("#from", Input).value == "Anna de Vries"
        assert screen.kind == "referral"
        assert screen.query_one("#date", Input).value == TODAY.isoformat()
        assert any("Referral" in n.message for n in pilot.app._notifications)
        await pilot.press("escape")
        assert isinstance(pilot.app.screen, DashboardScreen)

    drive(make_app(url), scenario)
    assert _exchange_count(url) == before + 1
    assert rows(
        url,
        "SELECT kind, giver_id, receiver_id, occurred_on FROM exchange ORDER BY id DESC LIMIT 1",
    ) == [("referral", fx.chapter.anna, fx.chapter.bob, TODAY.isoformat())]


def test_quick_log_swap_kinds_meeting_and_optional_fields(db: DB) -> None:
    url, fx = db

    async def scenario(pilot: Pilot[Any]) -> None:
        await pilot.press("l")
        await settle(pilot)
        screen = pilot.app.screen
        assert isinstance(screen, QuickLogScreen)
        # I received help from Carla, at last week's meeting.
        await pilot.press("ctrl+e", "c", "a", "r", "enter", "ctrl+o")
        assert screen.query_one("#from", Input).value == "Carla Smit"
        assert screen.query_one("#to", Input).value == "Anna de Vries"
        screen.query_one("#meeting").value = fx.meeting  # type: ignore[attr-defined]
        await pilot.pause()
        assert screen.query_one("#date", Input).value == (TODAY - timedelta(days=7)).isoformat()
        screen.query_one("#summary", Input).value = "Checked my contract"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert screen.kind == "help"
        assert screen.query_one("#date", Input).value == (TODAY - timedelta(days=7)).isoformat()
        # A referral with every optional field.
        await pilot.press("ctrl+r", "d", "i", "r", "enter")
        for field, value in {
            "summary": "Shop photos",
            "contact": "Piet Kok",
            "hotness": "4",
            "value": "2500",
        }.items():
            screen.query_one(f"#{field}", Input).value = value
        await pilot.press("ctrl+s")
        await settle(pilot)
        # An introduction of Bob to Carla.
        await pilot.press("ctrl+t", "b", "o", "b", "enter")
        screen.query_one("#with", Input).value = "Carla Smit"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert len(screen.saved_ids) == 4

    drive(make_app(url), scenario)
    made = rows(
        url,
        "SELECT kind, giver_id, receiver_id, occurred_on, meeting_id, summary, contact_name,"
        " hotness, estimated_value FROM exchange ORDER BY id DESC LIMIT 4",
    )
    c = fx.chapter
    week_ago = (TODAY - timedelta(days=7)).isoformat()
    assert made[3] == (
        "help",
        c.carla,
        c.anna,
        week_ago,
        fx.meeting,
        "Checked my contract",
        None,
        None,
        None,
    )
    assert made[2] == (
        "referral",
        c.anna,
        c.dirk,
        week_ago,
        fx.meeting,
        "Shop photos",
        "Piet Kok",
        4,
        2500,
    )
    assert {made[0][:3], made[1][:3]} == {
        ("introduction", c.anna, c.bob),
        ("introduction", c.anna, c.carla),
    }


@pytest.mark.parametrize(
    ("typed", "extra", "field", "sentence"),
    [
        (["a", "n", "n", "enter"], {}, "#to-error", "cannot give to themselves"),
        (["z", "q", "x", "w"], {}, "#to-error", "No member is named 'zqxw'"),
        (["b", "o", "b", "enter"], {"hotness": "9"}, "#hotness-error", "from 1 to 5, not 9"),
        (["b", "o", "b", "enter"], {"date": "2031-01-01"}, "#date-error", "in the future"),
        (["e", "v", "a", "enter"], {}, "#to-error", "share no network"),
    ],
)
def test_quick_log_bad_input_shows_the_ledger_sentence_and_saves_nothing(
    db: DB, typed: list[str], extra: dict[str, str], field: str, sentence: str
) -> None:
    url, _ = db
    before = _exchange_count(url)

    async def scenario(pilot: Pilot[Any]) -> None:
        await pilot.press("l")
        await settle(pilot)
        screen = pilot.app.screen
        await pilot.press(*typed)
        for name, value in extra.items():
            screen.query_one(f"#{name}", Input).value = value
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(screen, QuickLogScreen)
        assert sentence in _label(pilot, field)
        assert screen.saved_ids == []

    drive(make_app(url), scenario)
    assert _exchange_count(url) == before


# -- follow-ups -----------------------------------------------------------------------------


def test_followup_keys_advance_received_referrals_and_f_rates_given(db: DB) -> None:
    url, fx = db

    async def scenario(pilot: Pilot[Any]) -> None:
        await pilot.press("2")
        await settle(pilot)
        table = pilot.app.screen.query_one("#received", DataTable)
        assert table.get_row_at(0)[0] == str(fx.overdue)  # overdue first
        assert "OVERDUE" in str(table.get_row_at(0)[4])
        await pilot.press("c")
        await settle(pilot)
        assert table.get_row_at(0)[0] != str(fx.overdue) or "OVERDUE" not in str(
            table.get_row_at(0)[4]
        )
        row = next(i for i in range(table.row_count) if table.get_row_at(i)[0] == str(fx.contacted))
        table.move_cursor(row=row)
        await pilot.press("m")
        await settle(pilot)
        row = next(i for i in range(table.row_count) if table.get_row_at(i)[0] == str(fx.contacted))
        table.move_cursor(row=row)
        await pilot.press("w")
        await pilot.press("9", "0", "0", "enter")
        await settle(pilot)
        # A step backwards is refused with the ledger's sentence; nothing is written.
        row = next(i for i in range(table.row_count) if table.get_row_at(i)[0] == str(fx.contacted))
        table.move_cursor(row=row)
        await pilot.press("c")
        await settle(pilot)
        assert any(n.severity == "warning" for n in pilot.app._notifications)
        given = pilot.app.screen.query_one("#given-referrals", DataTable)
        row = next(i for i in range(given.row_count) if given.get_row_at(i)[0] == str(fx.given_won))
        given.focus()
        given.move_cursor(row=row)
        await pilot.press("f")
        assert isinstance(pilot.app.screen, FeedbackDialog)
        await pilot.press("5", "enter")
        await settle(pilot)
        row = next(i for i in range(given.row_count) if given.get_row_at(i)[0] == str(fx.given_won))
        assert given.get_row_at(row)[4] == "5"

    drive(make_app(url), scenario)
    assert rows(url, "SELECT status FROM followup WHERE exchange_id = :e", e=fx.overdue) == [
        ("contacted",)
    ]
    steps = rows(
        url,
        "SELECT status, value, business FROM followup WHERE exchange_id = :e ORDER BY id",
        e=fx.contacted,
    )
    assert steps == [("contacted", None, None), ("meeting", None, None), ("won", 900, "new")]
    assert count(url, "SELECT rating FROM feedback WHERE exchange_id = :e", e=fx.given_won) == 5


# -- exchanges ------------------------------------------------------------------------------


def test_exchanges_filter_page_and_void(db: DB, monkeypatch: pytest.MonkeyPatch) -> None:
    url, fx = db
    monkeypatch.setattr("reciprocity.tui.screens.exchanges.PAGE", 15)
    mine = "SELECT count(*) FROM exchange WHERE giver_id = :m OR receiver_id = :m"
    total = int(count(url, mine, m=fx.chapter.anna))

    async def scenario(pilot: Pilot[Any]) -> None:
        await pilot.press("3")
        await settle(pilot)
        screen = pilot.app.screen
        table = screen.query_one("#exchanges", DataTable)
        assert table.row_count == 15  # one page
        table.focus()
        for _ in range(5):
            table.move_cursor(row=table.row_count - 1)
            await settle(pilot)
        assert table.row_count == total  # the rest loaded as the cursor went down
        screen.query_one("#filter-text", Input).value = "bakery"
        await pilot.pause(0.4)
        await settle(pilot)
        assert table.row_count == 1
        table.focus()
        await pilot.press("v")
        await pilot.press(*"Logged twice", "enter")
        await settle(pilot)
        assert table.get_row_at(0)[6] == "✕"
        screen.query_one("#filter-text", Input).value = ""
        screen.query_one("#filter-kind").value = "help"  # type: ignore[attr-defined]
        await pilot.pause(0.4)
        await settle(pilot)
        assert {table.get_row_at(i)[2] for i in range(table.row_count)} == {"help"}
        helps_of_anna = table.row_count
        member = screen.query_one("#filter-member", Input)
        assert member.value == "Anna de Vries"
        member.focus()
        member.value = ""
        await pilot.press("enter")  # everyone's
        await settle(pilot)
        assert table.row_count > helps_of_anna
        assert {table.get_row_at(i)[3].plain for i in range(table.row_count)} >= {"Dirk Bakker"}

    drive(make_app(url), scenario)
    assert rows(url, "SELECT void_reason FROM exchange WHERE id = :e", e=fx.overdue) == [
        ("Logged twice",)
    ]


# -- members --------------------------------------------------------------------------------


def test_members_search_detail_add_edit_deactivate(db: DB) -> None:
    url, fx = db

    async def scenario(pilot: Pilot[Any]) -> None:
        await pilot.press("4")
        await settle(pilot)
        screen = pilot.app.screen
        screen.query_one("#member-search", Input).value = "carla"
        await pilot.pause(0.3)
        await settle(pilot)
        table = screen.query_one("#members", DataTable)
        assert table.row_count == 1
        table.focus()
        await pilot.press("down", "up")
        await settle(pilot)
        detail = _label(pilot, "#member-detail")
        assert "Carla Smit: gave" in detail and "our pair balance" in detail
        await pilot.press("e")
        await settle(pilot)
        pilot.app.screen.query_one("#member-company", Input).value = "Smit Notarissen"
        await pilot.press("ctrl+s")
        await settle(pilot)
        await pilot.press("x", "y")
        await settle(pilot)
        await pilot.press("a")
        await settle(pilot)
        pilot.app.screen.query_one("#member-name", Input).value = "Hanna Kok"
        pilot.app.screen.query_one("#member-network").value = fx.chapter.club  # type: ignore[attr-defined]
        await pilot.press("ctrl+s")
        await settle(pilot)

    drive(make_app(url), scenario)
    assert rows(url, "SELECT company, active FROM member WHERE id = :m", m=fx.chapter.carla) == [
        ("Smit Notarissen", 0)
    ]
    hanna = count(url, "SELECT id FROM member WHERE name = 'Hanna Kok'")
    assert count(url, "SELECT network_id FROM membership WHERE member_id = :m", m=hanna) == (
        fx.chapter.club
    )


# -- asks & offers --------------------------------------------------------------------------


def test_answering_an_ask_logs_the_help(db: DB) -> None:
    url, fx = db

    async def scenario(pilot: Pilot[Any]) -> None:
        await pilot.press("5")
        await settle(pilot)
        asks = pilot.app.screen.query_one("#asks", DataTable)
        assert asks.get_row_at(0)[2].plain == "A bookkeeping check"
        offers = pilot.app.screen.query_one("#offers", DataTable)
        assert offers.row_count == 1
        await pilot.press("a")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert asks.row_count == 0

    drive(make_app(url), scenario)
    assert rows(url, "SELECT status, answered_by IS NOT NULL FROM ask WHERE id = :a", a=fx.ask) == [
        ("answered", 1)
    ]
    assert rows(
        url, "SELECT kind, giver_id, receiver_id FROM exchange ORDER BY id DESC LIMIT 1"
    ) == [("help", fx.chapter.anna, fx.chapter.carla)]


# -- network --------------------------------------------------------------------------------


def test_network_table_sorts_and_shows_network_health(db: DB) -> None:
    url, _ = db

    async def scenario(pilot: Pilot[Any]) -> None:
        await pilot.press("6")
        await settle(pilot)
        screen = pilot.app.screen
        stats = _label(pilot, "#network-stats")
        assert "reciprocity" in stats and "Gini" in stats and "Free riders" in stats
        table = screen.query_one("#network-table", DataTable)
        assert table.row_count == 5  # Club Delft's members
        balances = [int(str(table.get_row_at(i)[3]).replace(",", "")) for i in range(5)]
        assert balances == sorted(balances, reverse=True)
        await pilot.press("p")
        await settle(pilot)
        assert f"Q4 {TODAY.year}" in _label(pilot, "#network-title")
        for _ in range(len(screen.query_one("#network-table", DataTable).columns) - 3):
            await pilot.press("s")  # wraps round to the member column: names A–Z
        names = [table.get_row_at(i)[0].plain for i in range(5)]
        assert names == sorted(names)

    drive(make_app(url), scenario)


def test_network_view_says_so_to_a_plain_member(db: DB) -> None:
    url, _ = db

    async def scenario(pilot: Pilot[Any]) -> None:
        await pilot.press("6")
        await settle(pilot)
        assert "organise no network" in _label(pilot, "#network-title")

    drive(make_app(url, acting="Bob Jansen"), scenario)


# -- who am I, keys, palette, errors -------------------------------------------------------


def test_first_run_asks_who_you_are_and_saves_it(db: DB) -> None:
    url, fx = db
    from reciprocity.config import config_file, load_settings

    async def scenario(pilot: Pilot[Any]) -> None:
        await settle(pilot)
        assert type(pilot.app.screen).__name__ == "MemberPicker"
        await pilot.press("c", "a", "r", "enter")
        await settle(pilot)
        assert _app(pilot).acting_id == fx.chapter.carla
        assert "Carla Smit" in _label(pilot, "#dash-title")

    drive(make_app(url, acting=None), scenario)
    assert config_file().exists()
    assert load_settings().saved_member(url) == "Carla Smit"
    assert load_settings().acting_member is None


def test_switching_member_is_a_key_and_a_command(db: DB) -> None:
    url, fx = db

    async def scenario(pilot: Pilot[Any]) -> None:
        app = _app(pilot)
        titles = {command.title for command in app.get_system_commands(app.screen)}
        assert {"Log", "Who am I", "Period", "Keys", "Follow-ups", "Network"} <= titles
        await pilot.press("i")
        await pilot.press("d", "i", "r", "enter")
        await settle(pilot)
        assert app.acting_id == fx.chapter.dirk
        await pilot.press("question_mark")
        assert app.screen.query("KeysPanel")
        await pilot.press("question_mark")
        assert not app.screen.query("KeysPanel")

    drive(make_app(url), scenario)


def test_every_binding_is_full_with_a_description_and_an_id() -> None:
    import importlib
    import pkgutil

    from textual.binding import Binding

    import reciprocity.tui.screens as screens

    modules = [importlib.import_module("reciprocity.tui.app")] + [
        importlib.import_module(f"reciprocity.tui.screens.{info.name}")
        for info in pkgutil.iter_modules(screens.__path__)
    ]
    ids: set[str] = set()
    found = 0
    classes = {
        value
        for module in modules
        for value in vars(module).values()
        if getattr(value, "__module__", "").startswith("reciprocity.tui")
    }
    for owner in classes:
        for binding in getattr(owner, "__dict__", {}).get("BINDINGS", []):
            assert isinstance(binding, Binding), binding
            assert binding.description and binding.id, binding
            ids.add(binding.id)
            found += 1
    assert found > 40 and len(ids) == found


def test_a_broken_database_becomes_a_notice_and_the_app_keeps_going(tmp_path: Any) -> None:
    url = f"sqlite:///{tmp_path / 'missing-folder' / 'x' / 'ledger.sqlite'}"

    async def scenario(pilot: Pilot[Any]) -> None:
        app = _app(pilot)
        await settle(pilot)
        assert any(n.severity == "error" for n in app._notifications)
        for key in ("2", "3", "4", "5", "6", "1", "l", "escape"):
            await pilot.press(key)
            await settle(pilot)
        assert app.is_running

    async def main() -> None:
        app = make_app(url, acting="Anna de Vries")
        async with app.run_test(size=(80, 24)) as pilot:
            await scenario(pilot)

    import asyncio

    asyncio.run(main())


def test_export_monthly_report_runs_in_a_worker_and_names_the_folder(db: DB, tmp_path: Any) -> None:
    from reciprocity.tui.screens.network import NetworkScreen

    url, _ = db
    out = tmp_path / "report"

    async def scenario(pilot: Pilot[Any]) -> None:
        await pilot.press("6")
        await settle(pilot)
        screen = pilot.app.screen
        assert isinstance(screen, NetworkScreen)
        screen.report_base = out
        await pilot.press("r", "c")  # for the whole group
        await settle(pilot)
        await pilot.press("enter")  # November is still running: a dialog asks, October first
        await settle(pilot)
        assert screen.exported and all(path.exists() for path in screen.exported)
        folder = str(out / "Club-Delft-2026-10")
        assert any(folder in n.message.replace("\n", "") for n in pilot.app._notifications)
        assert folder in _label(pilot, "#export-status").replace("\n", "")

    drive(make_app(url), scenario)
    assert {path.suffix for path in (out / "Club-Delft-2026-10").iterdir()} >= {".csv"}
