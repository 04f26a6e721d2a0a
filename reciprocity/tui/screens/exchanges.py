"""Exchanges: every give, newest first, filtered by text, kind, member and period.

Rows load a page at a time (keyset paging in :mod:`reciprocity.ledger.views`): the next
page is read when the cursor nears the end, so a million exchanges never sit in the
table. The list starts with my own exchanges (clear the member field for everyone's).
v voids the selected exchange after a confirmation that asks the reason.
"""

from datetime import date
from typing import Any, ClassVar

from sqlmodel import Session
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal
from textual.timer import Timer
from textual.widgets import DataTable, Footer, Header, Input, Label, Select

from reciprocity.i18n import N_, _, format_number
from reciprocity.ledger.errors import LedgerError
from reciprocity.tui.periods import period_bounds
from reciprocity.tui.screens.base import LedgerScreen
from reciprocity.tui.screens.dialogs import VoidDialog
from reciprocity.tui.text import plain
from reciprocity.tui.widgets.columns import FlexTable, add_columns

PAGE = 100


class ExchangesScreen(LedgerScreen):
    """A lazily loaded, filterable list of exchanges."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "v", "void", N_("Void"), id="exchanges.void", tooltip=N_("Void the selected exchange.")
        ),
        Binding(
            "slash",
            "focus_filter",
            N_("Filter"),
            id="exchanges.filter",
            tooltip=N_("Type to filter by text."),
        ),
        Binding(
            "escape",
            "focus_table",
            N_("Table"),
            id="exchanges.table",
            show=False,
            tooltip=N_("Back to the table."),
        ),
    ]
    AUTO_FOCUS = "#exchanges"

    def __init__(self) -> None:
        super().__init__()
        self.rows: list[dict[str, Any]] = []
        self.exhausted = False
        self.loading = False
        self.member_id: int | None = None
        self.member_chosen = False
        self._debounce: Timer | None = None
        self._keep_cursor: int | None = None

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="filters"):
            yield Input(placeholder=_("/ text"), id="filter-text", compact=True)
            yield Select(
                [
                    (_("referral"), "referral"),
                    (_("help"), "help"),
                    (_("introduction"), "introduction"),
                ],
                prompt=_("any kind"),
                id="filter-kind",
                compact=True,
            )
            yield Select(
                [
                    (_("this month"), "month"),
                    (_("this quarter"), "quarter"),
                    (_("this year"), "year"),
                ],
                prompt=_("all time"),
                id="filter-period",
                compact=True,
            )
            yield Input(placeholder=_("member"), id="filter-member", compact=True)
        yield Label("", id="exchanges-status", classes="hint")
        yield FlexTable(id="exchanges", cursor_type="row", zebra_stripes=True)
        yield Footer()

    def on_mount(self) -> None:
        add_columns(
            self.query_one("#exchanges", DataTable),
            ("#", 6),
            (N_("date"), 10),
            (N_("kind"), 8),
            (N_("giver"), 13),
            (N_("receiver"), 13),
            (N_("summary"), 12),
            ("✕", 1),
            flex=("giver", "receiver", "summary", "summary"),
        )
        super().on_mount()

    def _filters(self) -> dict[str, Any]:
        kind = self.query_one("#filter-kind", Select).value
        period = self.query_one("#filter-period", Select).value
        date_from: date | None = None
        date_to: date | None = None
        if isinstance(period, str):
            date_from, date_to, _ = period_bounds(period, self.rapp.today())
        return {
            "text": self.query_one("#filter-text", Input).value,
            "kind": kind if isinstance(kind, str) else None,
            "member_id": self.member_id,
            "date_from": date_from,
            "date_to": date_to,
        }

    def forget(self) -> None:
        """Another member acts now: start again from their own exchanges."""
        self.member_chosen = False
        self.member_id = None
        self.rows = []
        self._keep_cursor = None
        self.query_one("#exchanges", DataTable).clear()

    def reload(self) -> None:
        app = self.rapp
        if not app.identified:
            return
        if not self.member_chosen:
            # Start with my own exchanges: the index answers at once even on a national
            # ledger; clearing the member field (Enter) lists everyone's.
            self.member_chosen = True
            self.member_id = app.acting_id
            self.query_one("#filter-member", Input).value = app.acting_name or ""
        self.rows = []
        self.exhausted = False
        table = self.query_one("#exchanges", DataTable)
        if self._keep_cursor is None and table.row_count:
            self._keep_cursor = table.cursor_row
        table.clear()
        self._load_page()

    def _load_page(self) -> None:
        if self.exhausted:
            return
        filters = self._filters()
        after = (self.rows[-1]["occurred_on"], self.rows[-1]["id"]) if self.rows else None
        acting_id = self.rapp.acting_id
        self.loading = True

        def page(session: Session) -> list[dict[str, Any]]:
            from reciprocity.ledger.views import exchange_page

            return exchange_page(
                session=session, after=after, limit=PAGE, acting_id=acting_id, **filters
            )

        self.ledger_call(page, self._add_page, group="page", refused=self._refused)

    def _refused(self, error: LedgerError) -> None:
        self.loading = False
        self.query_one("#exchanges-status", Label).update(str(error))

    def _add_page(self, rows: list[dict[str, Any]]) -> None:
        self.loading = False
        self.exhausted = len(rows) < PAGE
        self.rows.extend(rows)
        table = self.query_one("#exchanges", DataTable)
        for row in rows:
            table.add_row(
                str(row["id"]),
                f"{row['occurred_on']:%Y-%m-%d}",
                "intro" if row["kind"] == "introduction" else row["kind"],
                plain(row["giver"]),
                plain(row["receiver"]),
                plain((row["summary"] or "")[:40]),
                "✕" if row["voided_at"] else "",
                key=str(row["id"]),
            )
        keep = self._keep_cursor
        if keep is not None:
            if keep < table.row_count or self.exhausted:
                self._keep_cursor = None
                if table.row_count:
                    table.move_cursor(row=min(keep, table.row_count - 1), scroll=True)
            else:
                self._load_page()  # the row the cursor was on is further down
        shown = format_number(len(self.rows))
        self.query_one("#exchanges-status", Label).update(
            _("{count} shown").format(count=shown)
            if self.exhausted
            else _("{count} shown (more load as you scroll)").format(count=shown)
        )

    @on(DataTable.RowHighlighted, "#exchanges")
    def _near_end(self, event: DataTable.RowHighlighted) -> None:
        table = event.data_table
        if not self.loading and not self.exhausted and event.cursor_row >= table.row_count - 10:
            self._load_page()

    def _fresh(self) -> None:
        """New filters: start at the top."""
        self._keep_cursor = 0
        self.reload()

    @on(Input.Changed, "#filter-text")
    def _text_changed(self) -> None:
        if self._debounce is not None:
            self._debounce.stop()
        self._debounce = self.set_timer(0.3, self._fresh)

    @on(Select.Changed)
    def _select_changed(self) -> None:
        self._fresh()

    @on(Input.Submitted, "#filter-member")
    def _member_submitted(self, event: Input.Submitted) -> None:
        text = event.value.strip()
        if not text:
            self.member_id = None
            self._fresh()
            return

        def find(session: Session) -> int | None:
            from reciprocity.ledger.members import resolve_member

            return resolve_member(session=session, name=text).id

        def found(member_id: int | None) -> None:
            self.member_id = member_id
            self._fresh()

        self.ledger_call(find, found, group="member", refused=self._refused)

    def action_focus_filter(self) -> None:
        self.query_one("#filter-text", Input).focus()

    def action_focus_table(self) -> None:
        self.query_one("#exchanges", DataTable).focus()

    def action_void(self) -> None:
        """Void the selected exchange, after confirming and giving a reason."""
        table = self.query_one("#exchanges", DataTable)
        if table.row_count == 0:
            return
        row = self.rows[table.cursor_row]
        if row["voided_at"]:
            self.notify(
                _("Exchange #{id} is already voided ({reason}); nothing to do.").format(
                    id=row["id"], reason=row["void_reason"]
                )
                if row.get("void_reason")
                else _("Exchange #{id} is already voided; nothing to do.").format(id=row["id"]),
                severity="warning",
            )
            return
        words = {
            "kind": _(row["kind"]),
            "giver": row["giver"],
            "receiver": row["receiver"],
            "day": f"{row['occurred_on']:%Y-%m-%d}",
            "summary": row["summary"],
        }
        description = (
            _("{kind} {giver} → {receiver} on {day}: {summary}").format(**words)
            if row["summary"]
            else _("{kind} {giver} → {receiver} on {day}").format(**words)
        )
        self.app.push_screen(VoidDialog(row["id"], description))
