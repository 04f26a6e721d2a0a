"""Follow-ups: the referrals I received, overdue first, and the ones I gave.

Keys move the selected received referral forward: c contacted, m meeting, p proposal,
w won (asks value and new/repeat), x lost, n no response. f rates how a referral I gave
was treated. Every step goes through the ledger, which refuses a step backwards with
its sentence.
"""

from typing import Any, ClassVar

from sqlmodel import Session
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.widgets import DataTable, Footer, Header, Label

from reciprocity.tui.screens.base import LedgerScreen
from reciprocity.tui.screens.dialogs import STEP_KEYS, FeedbackDialog, FollowupStep, WonDialog
from reciprocity.tui.text import plain
from reciprocity.tui.widgets.columns import add_columns


def _row_key(table: DataTable[Any]) -> int | None:
    if table.row_count == 0:
        return None
    key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
    return int(key) if key is not None else None


class FollowupsScreen(LedgerScreen):
    """Received referrals to move forward; given referrals to rate."""

    BINDINGS: ClassVar[list[BindingType]] = [
        *(
            Binding(
                key,
                f"step('{status}')",
                label,
                id=f"followups.{status}",
                tooltip=f"Mark the selected referral I received as {label.lower()}.",
            )
            for key, status, label in STEP_KEYS
        ),
        Binding(
            "f",
            "feedback",
            "Feedback",
            id="followups.feedback",
            tooltip="Rate (1–5) how the selected referral I gave was treated.",
        ),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.received: list[dict[str, Any]] = []
        self.given: list[dict[str, Any]] = []

    def compose(self) -> ComposeResult:
        yield Header()
        yield Label("Referrals I received — overdue first · c m p w x n advance", classes="section")
        received: DataTable[Any] = DataTable(id="received", cursor_type="row", zebra_stripes=True)
        yield received
        yield Label("Referrals I gave — f leaves feedback", classes="section")
        given: DataTable[Any] = DataTable(id="given-referrals", cursor_type="row")
        yield given
        yield Footer()

    def on_mount(self) -> None:
        add_columns(
            self.query_one("#received", DataTable),
            ("#", 5),
            ("date", 10),
            ("age", 5),
            ("from", 16),
            ("status", 12),
            ("summary", 18),
        )
        add_columns(
            self.query_one("#given-referrals", DataTable),
            ("#", 5),
            ("date", 10),
            ("to", 16),
            ("status", 11),
            ("★", 4),
            ("summary", 20),
        )
        super().on_mount()

    def reload(self) -> None:
        app = self.rapp
        if not app.identified or app.acting_id is None:
            return
        me, today = app.acting_id, app.today()

        def load(session: Session) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
            from reciprocity.ledger.views import referrals_given_status, referrals_received_status

            return (
                referrals_received_status(session=session, member_id=me, today=today),
                referrals_given_status(session=session, member_id=me),
            )

        self.ledger_call(load, self._show)

    def _show(self, rows: tuple[list[dict[str, Any]], list[dict[str, Any]]]) -> None:
        self.received, self.given = rows
        table = self.query_one("#received", DataTable)
        cursor = table.cursor_row
        table.clear()
        for row in self.received:
            status = row["status"].replace("_", " ")
            table.add_row(
                str(row["exchange_id"]),
                f"{row['occurred_on']:%Y-%m-%d}",
                f"{row['age']}d",
                plain(row["giver"]),
                "OVERDUE" if row["overdue"] else status,
                plain(row["summary"] or ""),
                key=str(row["exchange_id"]),
            )
        if self.received:
            table.move_cursor(row=min(cursor, len(self.received) - 1))
        given = self.query_one("#given-referrals", DataTable)
        given.clear()
        for row in self.given:
            given.add_row(
                str(row["exchange_id"]),
                f"{row['occurred_on']:%Y-%m-%d}",
                plain(row["receiver"]),
                row["status"].replace("_", " "),
                str(row["rating"] or ""),
                plain(row["summary"] or ""),
                key=str(row["exchange_id"]),
            )

    def action_step(self, status: str) -> None:
        """Move the selected received referral to ``status``."""
        exchange_id = _row_key(self.query_one("#received", DataTable))
        if exchange_id is None:
            self.notify("No referral selected.", severity="warning")
            return
        if status == "won":
            self.app.push_screen(WonDialog(exchange_id), self._won)
            return
        self.rapp.record_step(self, FollowupStep(exchange_id, status))

    def _won(self, step: FollowupStep | None) -> None:
        if step is not None:
            self.rapp.record_step(self, step)

    def action_feedback(self) -> None:
        """Rate the selected referral I gave."""
        exchange_id = _row_key(self.query_one("#given-referrals", DataTable))
        if exchange_id is None:
            self.notify("No referral you gave is selected.", severity="warning")
            return
        self.app.push_screen(FeedbackDialog(exchange_id))
