"""Home's network filter and the My networks screen: the numbers ``worth`` and the metrics
give, for the network chosen, on the fixture's frozen day."""

from datetime import timedelta
from typing import Any

from sqlmodel import Session
from textual.pilot import Pilot
from textual.widgets import DataTable, Label

from reciprocity.analytics.balances import compute_balances
from reciprocity.analytics.scope import Scope
from reciprocity.analytics.worth import compute_worth
from reciprocity.ledger.costs import set_membership_costs
from reciprocity.ledger.members import add_member
from reciprocity.ledger.networks import edit_network
from reciprocity.store.engine import make_engine
from reciprocity.tui.screens.dashboard import DashboardScreen
from reciprocity.tui.screens.my_networks import MyNetworksScreen, worth_cells
from reciprocity.tui.widgets.card import Card
from reciprocity.tui.widgets.value_cost import ValueCostChart
from tests.tui.conftest import Fixture, drive, make_app, settle
from tests.unit.chapter import TODAY

DB = tuple[str, Fixture]
BOB = "Bob Jansen"


def _with_costs(db: DB) -> None:
    """Club Delft costs €1,200 a year and 2 hours a meeting; the coffee is free but Bob
    bought a coffee there last week."""
    url, fx = db
    engine = make_engine(url)
    with Session(engine) as session:
        edit_network(session=session, network_id=fx.chapter.club, fee=1200, meeting_hours=2)
        edit_network(session=session, network_id=fx.chapter.coffee, fee=0, meeting_hours=1)
        set_membership_costs(
            session=session,
            member_id=fx.chapter.bob,
            network_id=fx.chapter.coffee,
            other_costs=3.5,
            spent_on=TODAY - timedelta(days=7),
            today=TODAY,
        )
    engine.dispose()


def test_n_cycles_home_through_my_networks_and_the_cards_follow(db: DB) -> None:
    url, fx = db
    engine = make_engine(url)
    expected = {}
    with Session(engine) as session:
        for network_id in (None, fx.chapter.club, fx.chapter.coffee):
            scope = Scope(
                network_id=network_id,
                member_id=fx.chapter.bob,
                start=TODAY.replace(day=1),
                end=TODAY,
            )
            (row,) = compute_balances(session=session, scope=scope)
            expected[network_id] = f"{row['given_points']} / {row['received_points']}"
    engine.dispose()
    assert expected[fx.chapter.club] != expected[fx.chapter.coffee]

    async def scenario(pilot: Pilot[Any]) -> None:
        screen = pilot.app.screen
        assert isinstance(screen, DashboardScreen)

        def shown() -> tuple[str, str]:
            title = str(screen.query_one("#dash-title", Label).content)
            return title, screen.query_one("#card-points", Card).value

        title, points = shown()
        assert "all networks" in title and points == expected[None]
        for name, network_id in (
            ("Club Delft", fx.chapter.club),
            ("Open Coffee", fx.chapter.coffee),
            ("all networks", None),
        ):
            await pilot.press("n")
            await settle(pilot)
            title, points = shown()
            assert f"{BOB} · {name} ·" in title
            assert points == expected[network_id]

    drive(make_app(url, acting=BOB), scenario)


def test_my_networks_shows_the_worth_rows_and_a_chart_per_network(db: DB) -> None:
    _with_costs(db)
    url, fx = db
    engine = make_engine(url)
    with Session(engine) as session:
        rows = compute_worth(session=session, member_id=fx.chapter.bob, as_of=TODAY)
    engine.dispose()
    assert [row["network"] for row in rows] == ["Club Delft", "Open Coffee", None]

    async def scenario(pilot: Pilot[Any]) -> None:
        await pilot.press("7")
        await settle(pilot)
        screen = pilot.app.screen
        assert isinstance(screen, MyNetworksScreen)
        table = screen.query_one("#my-networks-table", DataTable)
        shown = [[str(cell) for cell in table.get_row_at(i)] for i in range(table.row_count)]
        assert shown == [[str(cell) for cell in worth_cells(row)] for row in rows]
        assert shown[-1][0] == "Total" and shown[1][-2] == "€4"
        charts = list(screen.query(ValueCostChart))
        assert [chart.year.network for chart in charts] == ["Club Delft", "Open Coffee"]
        assert all(len(chart.year.months) == 12 for chart in charts)
        note = str(screen.query_one("#my-networks-note", Label).content)
        assert "no attendance is recorded" in note
        await pilot.press("p")
        await settle(pilot)
        title = str(screen.query_one("#my-networks-title", Label).content)
        assert "November 2026" in title

    drive(make_app(url, acting=BOB), scenario)


def test_my_networks_says_why_for_a_member_of_no_network(db: DB) -> None:
    url, _fx = db

    async def scenario(pilot: Pilot[Any]) -> None:
        await pilot.press("7")
        await settle(pilot)
        note = str(pilot.app.screen.query_one("#my-networks-note", Label).content)
        assert note == (
            "Lone Member is a member of no network, so there is nothing to weigh up; add them "
            "to a network first."
        )

    engine = make_engine(url)
    with Session(engine) as session:
        add_member(session=session, name="Lone Member")
    engine.dispose()
    drive(make_app(url, acting="Lone Member"), scenario)
