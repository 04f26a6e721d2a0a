"""My networks: is each of my networks worth it? The figures side by side, and a year of
value received against cost per network.

The table holds ``reciprocity worth``'s rows for the acting member (one per network and a
total) for the 12 calendar months to today (``worth``'s default), or this month, quarter
or year (``p``); the charts hold ``compute_worth_trend``'s same twelve months, added up.
Both load in one thread worker.
"""

from datetime import date
from typing import Any, ClassVar

from rich.text import Text
from sqlmodel import Session
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.widgets import DataTable, Footer, Header, Label

from reciprocity.i18n import N_, _, format_money, format_number
from reciprocity.ledger.errors import LedgerError
from reciprocity.tui.periods import period_bounds
from reciprocity.tui.screens.base import LedgerScreen
from reciprocity.tui.text import plain
from reciprocity.tui.widgets.columns import FlexTable, add_columns
from reciprocity.tui.widgets.value_cost import NetworkYear, ValueCostChart

PERIODS: tuple[str, ...] = ("12 months", "month", "quarter", "year")
"""The table's periods, in the order ``p`` cycles them; the first is ``worth``'s default."""
COLUMNS: tuple[tuple[str, int], ...] = (
    ("network", 16),
    ("given", 5),
    ("recv", 5),
    ("value", 8),
    ("mtgs", 4),
    ("hours", 5),
    ("cost", 7),
    ("v/cost", 6),
)


def worth_cells(row: dict[str, Any]) -> tuple[Any, ...]:
    """A ``worth`` row as the table shows it: the same figures as the command line."""
    currency = row["currency"]

    def money(value: float | None) -> str:
        if value is None:
            return "—"
        if currency is None:
            return format_number(value)
        return format_money(value, currency, cents=False)

    figures = (
        format_number(row["given_points"]),
        format_number(row["received_points"]),
        money(row["value_received"]),
        format_number(row["meetings_attended"]),
        "—" if row["hours"] is None else format_number(row["hours"], 1),
        money(row["cost"]),
        "—" if row["value_per_cost"] is None else format_number(row["value_per_cost"], 2),
    )
    name = row["network"] if row["network"] is not None else _("Total")
    return (plain(name), *(Text(figure, justify="right") for figure in figures))


class MyNetworksScreen(LedgerScreen):
    """The acting member's networks side by side."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "p",
            "period",
            N_("Period"),
            id="my_networks.period",
            tooltip=N_("Last 12 months, this month, quarter or year."),
        ),
        Binding("r", "refresh", N_("Refresh"), id="my_networks.refresh", tooltip=N_("Read again.")),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.period = PERIODS[0]
        self.rows: list[dict[str, Any]] = []

    def compose(self) -> ComposeResult:
        yield Header()
        yield Label("", id="my-networks-title")
        yield FlexTable(id="my-networks-table", cursor_type="row", show_cursor=False)
        yield Label("", id="my-networks-note", classes="hint")
        yield VerticalScroll(id="my-networks-charts")
        yield Footer()

    def on_mount(self) -> None:
        add_columns(self.query_one("#my-networks-table", DataTable), *COLUMNS, flex=("network",))
        super().on_mount()

    def _bounds(self, today: date) -> tuple[date | None, date | None, str]:
        if self.period == PERIODS[0]:
            return None, None, _("the 12 months to today")
        return period_bounds(self.period, today)

    def forget(self) -> None:
        """Another member acts now: nothing of the last one's networks stays on screen."""
        self.rows = []
        self.query_one("#my-networks-table", DataTable).clear()
        self.query_one("#my-networks-note", Label).update("")
        self.query_one("#my-networks-charts", VerticalScroll).remove_children()

    def reload(self) -> None:
        app = self.rapp
        if not app.identified:
            return
        title = self.query_one("#my-networks-title", Label)
        me = app.acting_id
        if me is None:
            self.forget()
            title.update(_("Choose who you are (i) to weigh up your networks."))
            return
        today = app.today()
        start, end, label = self._bounds(today)
        title.update(
            _("What my networks gave and cost · {period} (p: period)").format(period=label)
        )

        def load(session: Session) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
            from reciprocity.analytics.worth import compute_worth, compute_worth_trend

            rows = compute_worth(
                session=session, member_id=me, start=start, end=end, as_of=today, acting_id=me
            )
            trend = compute_worth_trend(session=session, member_id=me, as_of=today)
            return rows, trend

        def refused(error: LedgerError) -> None:
            self.forget()
            self.query_one("#my-networks-note", Label).update(str(error))

        self.ledger_call(load, self._show, group="my-networks", refused=refused)

    def _show(self, loaded: tuple[list[dict[str, Any]], list[dict[str, Any]]]) -> None:
        rows, trend = loaded
        self.rows = rows
        table = self.query_one("#my-networks-table", DataTable)
        table.clear()
        for row in rows:
            table.add_row(*worth_cells(row))
        table.styles.height = len(rows) + 1
        note = ""
        if rows and rows[-1]["attendance_assumed"]:
            note = _(
                "Meetings are every meeting held while a member: no attendance is recorded. "
                "The charts add up the 12 months to this one."
            )
        self.query_one("#my-networks-note", Label).update(note)
        charts = self.query_one("#my-networks-charts", VerticalScroll)
        charts.remove_children()
        years: dict[str, NetworkYear] = {}
        for month in trend:
            year = years.setdefault(
                month["network"], NetworkYear(month["network"], month["currency"], [])
            )
            year.months.append((month["month"], month["value_received"], month["cost"]))
        charts.mount_all(ValueCostChart(year) for year in years.values())

    def action_period(self) -> None:
        """Cycle the last 12 months → this month → quarter → year."""
        self.period = PERIODS[(PERIODS.index(self.period) + 1) % len(PERIODS)]
        self.reload()

    def action_refresh(self) -> None:
        """Read everything again."""
        self.reload()
