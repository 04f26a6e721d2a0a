"""Attendance at one meeting, one key a member: p present, a absent, l late, m medical,
s substitute (BNI's PALMS).

Opened from the network screen (``t``) on the network's latest meeting; ``[`` and ``]``
step to the meeting before or after. Each key records the highlighted member's status
through :func:`reciprocity.ledger.attendance.record_attendance` in a worker, shows it in
the row and moves to the next member, so a chapter is done in one pass down the list.
It is a modal screen, so its letters are its own (``l`` is late here, not the quick log).
"""

from datetime import date
from typing import Any, ClassVar

from rich.text import Text
from sqlmodel import Session
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.widgets import DataTable, Footer, Label

from reciprocity.i18n import N_, _, format_day, format_number
from reciprocity.ledger.attendance import AttendanceRow
from reciprocity.store.models import Meeting
from reciprocity.tui.screens.base import LedgerChanged, LedgerModal
from reciprocity.tui.text import plain
from reciprocity.tui.widgets.columns import FlexTable, add_columns

STATUS_KEYS: tuple[tuple[str, str, str, str], ...] = (
    (
        "p",
        "present",
        N_("Present"),
        N_("Record the highlighted member as present and go to the next."),
    ),
    (
        "a",
        "absent",
        N_("Absent"),
        N_("Record the highlighted member as absent and go to the next."),
    ),
    ("l", "late", N_("Late"), N_("Record the highlighted member as late and go to the next.")),
    (
        "m",
        "medical",
        N_("Medical"),
        N_("Record the highlighted member as medical and go to the next."),
    ),
    (
        "s",
        "substitute",
        N_("Substitute"),
        N_("Record the highlighted member as substitute and go to the next."),
    ),
)
STATUS_STYLES = {
    "present": "green",
    "absent": "red",
    "late": "yellow",
    "medical": "cyan",
    "substitute": "blue",
}
Loaded = tuple[Meeting, str, list[AttendanceRow]]


class AttendanceScreen(LedgerModal[None]):
    """Record who attended a meeting, one key a row."""

    DEFAULT_CSS = """
    AttendanceScreen { align: center middle; }
    AttendanceScreen > Vertical {
        width: 1fr; height: 1fr; background: $surface; padding: 0 1;
    }
    AttendanceScreen #attendance-title { height: auto; text-style: bold; }
    AttendanceScreen #attendance-counts { height: auto; color: $text-muted; }
    AttendanceScreen #attendance-table { height: 1fr; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        *(
            Binding(
                key,
                f"mark('{status}')",
                label,
                id=f"attendance.{status}",
                tooltip=tooltip,
            )
            for key, status, label, tooltip in STATUS_KEYS
        ),
        Binding(
            "left_square_bracket",
            "step(-1)",
            N_("Earlier"),
            id="attendance.earlier",
            tooltip=N_("Show the meeting before this one."),
        ),
        Binding(
            "right_square_bracket",
            "step(1)",
            N_("Later"),
            id="attendance.later",
            tooltip=N_("Show the meeting after this one (up to today)."),
        ),
        Binding(
            "escape",
            "close",
            N_("Close"),
            id="attendance.close",
            tooltip=N_("Back to the network."),
        ),
    ]

    def __init__(self, meeting_id: int) -> None:
        super().__init__()
        self.meeting_id = meeting_id
        self.rows: list[AttendanceRow] = []

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label("", id="attendance-title", markup=False)
            yield Label("", id="attendance-counts", markup=False)
            yield FlexTable(id="attendance-table", cursor_type="row", zebra_stripes=True)
            yield Footer()

    def on_mount(self) -> None:
        table = self.query_one("#attendance-table", DataTable)
        add_columns(table, ("member", 24), ("status", 12), flex=("member",))
        table.focus()
        self.load()

    def load(self) -> None:
        """Read the meeting and its network's members (in a worker)."""
        meeting_id = self.meeting_id
        acting = self.rapp.acting_id

        def read(session: Session) -> Loaded:
            from reciprocity.ledger.attendance import meeting_attendance

            return meeting_attendance(session=session, meeting_id=meeting_id, acting_id=acting)

        self.ledger_call(read, self._loaded, group="attendance")

    def _loaded(self, loaded: Loaded) -> None:
        meeting, network, rows = loaded
        self.rows = rows
        title = (
            _("Attendance · {network} · meeting #{id} on {day} · {title}")
            if meeting.title
            else _("Attendance · {network} · meeting #{id} on {day}")
        ).format(
            network=network, id=meeting.id, day=format_day(meeting.held_on), title=meeting.title
        )
        self.query_one("#attendance-title", Label).update(title)
        table = self.query_one("#attendance-table", DataTable)
        cursor = table.cursor_row
        table.clear()
        for row in rows:
            table.add_row(plain(row.member), self._status(row.status), key=str(row.member_id))
        if rows:
            table.move_cursor(row=min(cursor, len(rows) - 1))
        self._counts()

    def _status(self, status: str | None) -> Text:
        if status is None:
            return Text("—", style="dim")
        label = next(label for _key, value, label, _tip in STATUS_KEYS if value == status)
        return Text(_(label), style=STATUS_STYLES[status])

    def _counts(self) -> None:
        recorded = [row.status for row in self.rows if row.status is not None]
        parts = [
            f"{_(label)} {format_number(recorded.count(status))}"
            for _key, status, label, _tip in STATUS_KEYS
        ]
        missing = len(self.rows) - len(recorded)
        text = " · ".join(parts)
        if missing:
            text += " · " + _("{count} not recorded").format(count=format_number(missing))
        self.query_one("#attendance-counts", Label).update(text)

    def action_mark(self, status: str) -> None:
        """Record the highlighted member's status, then move to the next member."""
        table = self.query_one("#attendance-table", DataTable)
        if not self.rows:
            self.notify(_("Nobody to record: the network has no members on that day."))
            return
        index = table.cursor_row
        row = self.rows[index]
        meeting_id = self.meeting_id
        acting = self.rapp.acting_id
        today = self.rapp.today()

        def save(session: Session) -> str:
            from reciprocity.ledger.attendance import record_attendance

            return record_attendance(
                session=session,
                meeting_id=meeting_id,
                member_id=row.member_id,
                status=status,
                acting_id=acting,
                today=today,
            )

        def saved(clean: str) -> None:
            self.rows[index] = AttendanceRow(row.member_id, row.member, clean)
            table.update_cell(str(row.member_id), "status", self._status(clean))
            self._counts()
            self.post_message(LedgerChanged())

        self.ledger_call(save, saved, group="save", exclusive=False)
        if index + 1 < len(self.rows):
            table.move_cursor(row=index + 1)

    def action_step(self, step: int) -> None:
        """Show the meeting before (−1) or after (+1) this one."""
        meeting_id = self.meeting_id
        today = self.rapp.today()

        def find(session: Session) -> int | None:
            from reciprocity.ledger.attendance import neighbour_meeting

            return neighbour_meeting(session=session, meeting_id=meeting_id, step=step, today=today)

        def found(other: int | None) -> None:
            if other is None:
                self.notify(
                    _("There is no earlier meeting.")
                    if step < 0
                    else _("There is no later meeting held yet.")
                )
                return
            self.meeting_id = other
            self.query_one("#attendance-table", DataTable).move_cursor(row=0)
            self.load()

        self.ledger_call(find, found, group="attendance")

    def action_close(self) -> None:
        self.dismiss(None)


def open_attendance(node: Any, network_id: int, today: date) -> None:
    """Open the attendance screen on the network's latest meeting, or say there is none."""

    def latest(session: Session) -> int | None:
        from reciprocity.ledger.attendance import latest_meeting

        return latest_meeting(session=session, network_id=network_id, today=today)

    def opened(meeting_id: int | None) -> None:
        if meeting_id is None:
            node.notify(
                _("No meeting of this network was held yet; add one with: reciprocity meeting add"),
                severity="warning",
            )
            return
        node.app.push_screen(AttendanceScreen(meeting_id))

    node.ledger_call(latest, opened, group="attendance")
