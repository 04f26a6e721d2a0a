"""Network (organisers): every member's balance and follow-up quality, and the network's
health: free riders, reciprocity, Gini. The monthly report is exported from here.

The table is sortable (s cycles the column, or select a header) and fills lazily: rows
are added a few hundred at a time as the cursor nears the end, so a national network of
20,000 members does not sit in the widget at once. The export runs
``reciprocity.reporting.monthly.write_monthly_report`` in a thread worker and shows its
progress; without that module the action stays visible but disabled, and says why.
"""

import importlib.util
from datetime import date, timedelta
from pathlib import Path
from typing import Any, ClassVar

from rich.text import Text
from sqlmodel import Session
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal
from textual.widgets import Button, DataTable, Footer, Header, Label, ProgressBar

from reciprocity.tui.periods import next_period, period_bounds
from reciprocity.tui.screens.base import LedgerScreen
from reciprocity.tui.text import plain
from reciprocity.tui.widgets.columns import add_columns

CHUNK = 200
COLUMNS: tuple[tuple[str, str], ...] = (
    ("member", "member"),
    ("given_points", "given"),
    ("received_points", "recv"),
    ("balance", "bal"),
    ("ratio", "ratio"),
    ("received", "refs in"),
    ("contact_rate", "contact"),
    ("conversion_rate", "conv"),
    ("avg_rating", "rating"),
)
COLUMN_WIDTHS: tuple[tuple[str, int], ...] = (
    ("member", 18),
    ("giv", 5),
    ("rec", 5),
    ("bal", 5),
    ("ratio", 5),
    ("refs", 4),
    ("cont", 5),
    ("conv", 4),
    ("rate", 4),
)
REPORT_MODULE = "reciprocity.reporting.monthly"


def report_available() -> bool:
    """Whether the monthly report writer is installed."""
    try:
        return importlib.util.find_spec(REPORT_MODULE) is not None
    except ModuleNotFoundError:
        return False


def previous_month(today: date) -> str:
    """``YYYY-MM`` of the last whole month before ``today``."""
    return f"{today.replace(day=1) - timedelta(days=1):%Y-%m}"


def _cell(value: Any, key: str) -> str | Text:
    if key == "member":
        return plain(value)
    if value is None:
        return "—"
    if key in {"contact_rate", "conversion_rate"}:
        return f"{value:.0%}"
    if key in {"ratio", "avg_rating"}:
        return f"{value:.2f}"
    if key == "balance":
        return f"{value:+,}"
    if isinstance(value, int):
        return f"{value:,}"
    return str(value)


class NetworkScreen(LedgerScreen):
    """The organiser's view of one network."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "n", "next_network", "Next network", id="network.next", tooltip="Show another network."
        ),
        Binding("p", "period", "Period", id="network.period", tooltip="Month, quarter or year."),
        Binding("s", "sort", "Sort", id="network.sort", tooltip="Sort by the next column."),
        Binding(
            "r",
            "export",
            "Export monthly report",
            id="network.export",
            tooltip="Write last month's report (PDF, HTML, XLSX, CSV, PNG) in a folder.",
        ),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.networks: list[tuple[int, str]] = []
        self.network_index = 0
        self.period = "month"
        self.rows: list[dict[str, Any]] = []
        self.shown = 0
        self.sort_index = 3
        self.sort_reverse = True
        self.report_dir: Path | None = None
        self.exported: list[Path] = []

    def compose(self) -> ComposeResult:
        yield Header()
        yield Label("", id="network-title")
        yield Label("", id="network-stats")
        table: DataTable[Any] = DataTable(id="network-table", cursor_type="row", zebra_stripes=True)
        yield table
        with Horizontal(id="export-row"):
            button = Button("Export monthly report (r)", id="export", compact=True)
            if not report_available():
                button.disabled = True
                button.tooltip = (
                    "The report writer (reciprocity.reporting.monthly) is not installed yet."
                )
            yield button
            yield ProgressBar(total=None, show_eta=False, id="export-progress")
            yield Label("", id="export-status")
        yield Footer()

    def on_mount(self) -> None:
        add_columns(self.query_one("#network-table", DataTable), *COLUMN_WIDTHS)
        self.query_one("#export-progress").display = False
        super().on_mount()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "export" and not report_available():
            return None
        return True

    # -- loading ---------------------------------------------------------------------------

    def reload(self) -> None:
        app = self.rapp
        if not app.identified:
            return
        me = app.acting_id

        def networks(session: Session) -> list[tuple[int, str]]:
            from reciprocity.ledger.networks import list_networks, organised_network_ids

            mine = organised_network_ids(session=session, member_id=me) if me else None
            return [
                (n.id, n.name)
                for n in list_networks(session=session)
                if n.id is not None and (mine is None or n.id in mine)
            ]

        self.ledger_call(networks, self._networks_loaded, group="networks")

    def _networks_loaded(self, networks: list[tuple[int, str]]) -> None:
        self.networks = networks
        if not networks:
            self.query_one("#network-title", Label).update(
                "You organise no network: this view is for organisers."
            )
            return
        self.network_index %= len(networks)
        self._load_network()

    def _load_network(self) -> None:
        network_id, name = self.networks[self.network_index]
        today = self.rapp.today()
        start, end, label = period_bounds(self.period, today)
        self.query_one("#network-title", Label).update(
            f"{name} · {label} (n network · p period · s sort)"
        )

        def load(session: Session) -> tuple[list[dict[str, Any]], dict[str, Any]]:
            from reciprocity.analytics.balances import compute_balances
            from reciprocity.analytics.network import compute_stats
            from reciprocity.analytics.quality import compute_quality
            from reciprocity.analytics.scope import Scope

            scope = Scope(network_id=network_id, start=start, end=end)
            quality = {r["member_id"]: r for r in compute_quality(session=session, scope=scope)}
            rows = [
                {**quality.get(row["member_id"], {}), **row}
                for row in compute_balances(session=session, scope=scope)
            ]
            return rows, compute_stats(session=session, scope=scope, as_of=end)

        self.ledger_call(load, self._show, group="network")

    def _show(self, loaded: tuple[list[dict[str, Any]], dict[str, Any]]) -> None:
        rows, stats = loaded
        free = stats["free_riders"]
        riders = ", ".join(free[:4]) + (f" and {len(free) - 4} more" if len(free) > 4 else "")
        reciprocity = stats["reciprocity"]
        gini = stats["gini"]
        share = stats["share_nonnegative"]
        self.query_one("#network-stats", Label).update(
            f"{stats['members']} members · reciprocity "
            f"{'—' if reciprocity is None else f'{reciprocity:.2f}'} · Gini "
            f"{'—' if gini is None else f'{gini:.2f}'} · balance ≥ 0: "
            f"{'—' if share is None else f'{share:.0%}'}\n"
            f"Free riders (90 days): {riders or 'none'}"
        )
        self.rows = rows
        self._render_rows()

    def _render_rows(self) -> None:
        key = COLUMNS[self.sort_index][0]

        def order(row: dict[str, Any]) -> tuple[bool, Any]:
            value = row.get(key)
            missing = value is None
            return (missing != self.sort_reverse, value if not missing else 0)

        self.rows.sort(key=order, reverse=self.sort_reverse)
        table = self.query_one("#network-table", DataTable)
        table.clear()
        self.shown = 0
        self._add_chunk()

    def _add_chunk(self) -> None:
        table = self.query_one("#network-table", DataTable)
        chunk = self.rows[self.shown : self.shown + CHUNK]
        for row in chunk:
            table.add_row(*(_cell(row.get(key), key) for key, _ in COLUMNS))
        self.shown += len(chunk)

    @on(DataTable.RowHighlighted, "#network-table")
    def _near_end(self, event: DataTable.RowHighlighted) -> None:
        if self.shown < len(self.rows) and event.cursor_row >= self.shown - 10:
            self._add_chunk()

    @on(DataTable.HeaderSelected, "#network-table")
    def _header(self, event: DataTable.HeaderSelected) -> None:
        if event.column_index == self.sort_index:
            self.sort_reverse = not self.sort_reverse
        else:
            self.sort_index = event.column_index
            self.sort_reverse = event.column_index != 0
        self._render_rows()

    # -- actions ---------------------------------------------------------------------------

    def action_next_network(self) -> None:
        """Show the next network I organise."""
        if self.networks:
            self.network_index = (self.network_index + 1) % len(self.networks)
            self._load_network()

    def action_period(self) -> None:
        """Cycle month → quarter → year."""
        self.period = next_period(self.period)
        if self.networks:
            self._load_network()

    def action_sort(self) -> None:
        """Sort by the next column (names A–Z, numbers highest first)."""
        self.sort_index = (self.sort_index + 1) % len(COLUMNS)
        self.sort_reverse = self.sort_index != 0
        self._render_rows()

    @on(Button.Pressed, "#export")
    def _export_pressed(self) -> None:
        self.action_export()

    def action_export(self) -> None:
        """Write last month's report for this network in a thread worker, with progress."""
        if not report_available():
            self.notify("The report writer is not installed yet.", severity="warning")
            return
        if not self.networks:
            self.notify("Choose a network you organise first.", severity="warning")
            return
        network_id, name = self.networks[self.network_index]
        month = previous_month(self.rapp.today())
        out_dir = self.report_dir or _default_report_dir(name, month)
        status = self.query_one("#export-status", Label)
        progress = self.query_one("#export-progress", ProgressBar)
        progress.display = True
        status.update(f"Exporting {month}…")
        app = self.rapp

        def told(message: str) -> None:
            app.call_from_thread(status.update, message[:60])

        def export(session: Session) -> list[Path]:
            module = importlib.import_module(REPORT_MODULE)
            paths: list[Path] = module.write_monthly_report(
                session=session, network_id=network_id, month=month, out_dir=out_dir, progress=told
            )
            return paths

        def done(paths: list[Path]) -> None:
            progress.display = False
            self.exported = paths
            status.update(f"{len(paths)} files in {out_dir}")
            app.notify(f"Monthly report {month} of {name}: {len(paths)} files in {out_dir}.")

        def failed(message: str) -> None:
            progress.display = False
            status.update("")
            app.notify_refused(message)

        self.ledger_call(export, done, group="export", refused=failed)


def _default_report_dir(network: str, month: str) -> Path:
    import platformdirs

    safe = "".join(c if c.isalnum() or c in "-_" else "-" for c in network).strip("-")
    return Path(platformdirs.user_documents_dir()) / "Reciprocity" / f"{safe}-{month}"
