"""Follow-ups: the referrals I received, overdue first, and the ones I gave.

Keys act on the focused table's cursor row, and only there: in "Referrals I received"
c contacted, m meeting, p proposal, w won (asks value and new/repeat), x lost, n no
response; in "Referrals I gave" f rates how it was treated. A key that does not apply to
the focused table writes nothing and says so. Every step goes through the ledger, which
refuses a step backwards with its sentence.
"""

from typing import Any, ClassVar

from sqlmodel import Session
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.widgets import DataTable, Footer, Header, Label

from reciprocity.i18n import N_, _
from reciprocity.tui.screens.base import LedgerScreen
from reciprocity.tui.screens.dialogs import STEP_KEYS, FeedbackDialog, FollowupStep, WonDialog
from reciprocity.tui.text import plain
from reciprocity.tui.widgets.columns import FlexTable, add_columns

STEP_KEY = {status: key for key, status, _label, _tooltip in STEP_KEYS}


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
                tooltip=tooltip,
            )
            for key, status, label, tooltip in STEP_KEYS
        ),
        Binding(
            "f",
            "feedback",
            N_("Feedback"),
            id="followups.feedback",
            tooltip=N_("Rate (1–5) how the selected referral I gave was treated."),
        ),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.received: list[dict[str, Any]] = []
        self.given: list[dict[str, Any]] = []

    def compose(self) -> ComposeResult:
        yield Header()
        yield Label(
            _("Referrals I received — overdue first · c m p w x n advance"), classes="section"
        )
        yield FlexTable(id="received", cursor_type="row", zebra_stripes=True)
        yield Label(_("Referrals I gave — f leaves feedback"), classes="section")
        yield FlexTable(id="given-referrals", cursor_type="row")
        yield Footer()

    def on_mount(self) -> None:
        add_columns(
            self.query_one("#received", DataTable),
            ("#", 5),
            ("date", 10),
            (N_("age"), 5),
            (N_("from"), 16),
            ("status", 12),
            ("summary", 18),
            flex=("from", "summary"),
        )
        add_columns(
            self.query_one("#given-referrals", DataTable),
            ("#", 5),
            ("date", 10),
            ("to", 16),
            ("status", 12),
            ("★", 2),
            ("summary", 21),
            flex=("to", "summary"),
        )
        super().on_mount()

    def forget(self) -> None:
        """Another member acts now: drop what the last one could see."""
        self.received, self.given = [], []
        for table in self.query(DataTable):
            table.clear()

    def reload(self) -> None:
        app = self.rapp
        if not app.identified or app.acting_id is None:
            self.forget()
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
                _("OVERDUE") if row["overdue"] else _(status),
                plain(row["summary"] or ""),
                key=str(row["exchange_id"]),
            )
        if self.received:
            table.move_cursor(row=min(cursor, len(self.received) - 1))
        given = self.query_one("#given-referrals", DataTable)
        given_cursor = given.cursor_row
        given.clear()
        for row in self.given:
            given.add_row(
                str(row["exchange_id"]),
                f"{row['occurred_on']:%Y-%m-%d}",
                plain(row["receiver"]),
                _(row["status"].replace("_", " ")),
                str(row["rating"] or ""),
                plain(row["summary"] or ""),
                key=str(row["exchange_id"]),
            )
        if self.given:
            given.move_cursor(row=min(given_cursor, len(self.given) - 1))

    def _focused_table(self) -> str | None:
        """``"received"``, ``"given"``, or ``None`` when neither table has the focus."""
        focused = self.focused
        if focused is not None and focused.id == "received":
            return "received"
        if focused is not None and focused.id == "given-referrals":
            return "given"
        return None

    def action_step(self, status: str) -> None:
        """Move the focused received referral to ``status`` (only from that table)."""
        key = STEP_KEY[status]
        focused = self._focused_table()
        if focused == "given":
            self.notify(
                _(
                    "{key} advances referrals you received; this is a referral you gave "
                    "(f rates it)."
                ).format(key=key),
                severity="warning",
            )
            return
        if focused is None:
            self.notify(
                _("{key} advances the selected referral you received: select one first.").format(
                    key=key
                ),
                severity="warning",
            )
            return
        exchange_id = _row_key(self.query_one("#received", DataTable))
        if exchange_id is None:
            self.notify(_("No referral you received is selected."), severity="warning")
            return
        if status == "won":
            self.app.push_screen(WonDialog(exchange_id))
            return
        self.rapp.record_step(self, FollowupStep(exchange_id, status))

    def action_feedback(self) -> None:
        """Rate the focused referral I gave (only from that table)."""
        focused = self._focused_table()
        if focused == "received":
            self.notify(
                _(
                    "f rates referrals you gave; this is a referral you received "
                    "(c m p w x n advance it)."
                ),
                severity="warning",
            )
            return
        if focused is None:
            self.notify(
                _("f rates the selected referral you gave: select one first."), severity="warning"
            )
            return
        exchange_id = _row_key(self.query_one("#given-referrals", DataTable))
        if exchange_id is None:
            self.notify(_("No referral you gave is selected."), severity="warning")
            return
        self.app.push_screen(FeedbackDialog(exchange_id))
