"""The attendance screen (network screen, ``t``): one key a member, written through the
ledger, and the Traffic Lights column on the network screen."""

from typing import Any

from sqlmodel import Session
from textual.pilot import Pilot
from textual.widgets import DataTable, Label

from reciprocity.analytics.traffic_lights import compute_traffic_lights
from reciprocity.store.engine import make_engine
from reciprocity.tui.screens.attendance import AttendanceScreen
from reciprocity.tui.screens.network import NetworkScreen
from reciprocity.tui.screens.quick_log import QuickLogScreen
from tests.tui.conftest import Fixture, drive, make_app, rows, settle
from tests.unit.chapter import TODAY

DB = tuple[str, Fixture]


def test_one_key_a_row_records_the_whole_meeting(db: DB) -> None:
    url, fx = db

    async def scenario(pilot: Pilot[Any]) -> None:
        await pilot.press("6")
        await settle(pilot)
        await pilot.press("t")
        await settle(pilot)
        screen = pilot.app.screen
        assert isinstance(screen, AttendanceScreen)
        title = str(screen.query_one("#attendance-title", Label).content)
        assert "Club Delft" in title and "Week 47" in title
        table = screen.query_one("#attendance-table", DataTable)
        names = [table.get_row_at(index)[0].plain for index in range(table.row_count)]
        assert names == ["Anna de Vries", "Bob Jansen", "Carla Smit", "Dirk Bakker", "Gijs de Boer"]
        for key in "palms":
            await pilot.press(key)
            await settle(pilot)
        # "l" meant late here: the quick log never opened.
        assert not isinstance(pilot.app.screen, QuickLogScreen)
        shown = [table.get_row_at(index)[1].plain for index in range(table.row_count)]
        assert shown == ["Present", "Absent", "Late", "Medical", "Substitute"]
        counts = str(screen.query_one("#attendance-counts", Label).content)
        assert counts.startswith("Present 1 · Absent 1 · Late 1")
        await pilot.press("right_square_bracket")
        await settle(pilot)
        assert isinstance(pilot.app.screen, AttendanceScreen)
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(pilot.app.screen, NetworkScreen)

    drive(make_app(url), scenario)
    stored = rows(
        url,
        "SELECT m.name, a.status FROM attendance a JOIN member m ON m.id = a.member_id "
        "WHERE a.meeting_id = :meeting ORDER BY m.name",
        meeting=fx.meeting,
    )
    assert [tuple(row) for row in stored] == [
        ("Anna de Vries", "present"),
        ("Bob Jansen", "absent"),
        ("Carla Smit", "late"),
        ("Dirk Bakker", "medical"),
        ("Gijs de Boer", "substitute"),
    ]


def test_a_plain_member_cannot_open_another_networks_attendance(db: DB) -> None:
    url, _ = db

    async def scenario(pilot: Pilot[Any]) -> None:
        await pilot.press("6")
        await settle(pilot)
        await pilot.press("t")
        await settle(pilot)
        assert not isinstance(pilot.app.screen, AttendanceScreen)

    drive(make_app(url, acting="Bob Jansen"), scenario)
    assert rows(url, "SELECT * FROM attendance") == []


def test_the_network_screen_shows_each_members_traffic_light(db: DB) -> None:
    url, fx = db
    engine = make_engine(url)
    with Session(engine) as session:
        expected = {
            row["member"]: row["light"]
            for row in compute_traffic_lights(
                session=session, network_id=fx.chapter.club, as_of=TODAY
            )
        }
    engine.dispose()

    async def scenario(pilot: Pilot[Any]) -> None:
        await pilot.press("6")
        await settle(pilot)
        table = pilot.app.screen.query_one("#network-table", DataTable)
        shown = {
            table.get_row_at(index)[0].plain: table.get_row_at(index)[-1].plain
            for index in range(table.row_count)
        }
        assert shown == expected
        assert set(shown.values()) <= {"green", "yellow", "red", "grey"}

    drive(make_app(url), scenario)
