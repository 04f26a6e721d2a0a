"""Asks & offers: the open board. Answering an ask logs the help that answers it."""

from typing import Any, ClassVar

from sqlmodel import Session
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.widgets import DataTable, Footer, Header, Input, Label

from reciprocity.i18n import N_, _
from reciprocity.tui.screens.base import LedgerChanged, LedgerModal, LedgerScreen, shown_in
from reciprocity.tui.screens.dialogs import DIALOG_CSS, SAVE_HINT
from reciprocity.tui.text import plain
from reciprocity.tui.widgets.columns import add_columns


class AnswerDialog(LedgerModal[bool]):
    """Answer an ask: log the help I gave the asker, linked to the ask."""

    DEFAULT_CSS = DIALOG_CSS.format(name="AnswerDialog")
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "escape", "cancel", N_("Cancel"), id="answer.cancel", tooltip=N_("Change nothing.")
        ),
        Binding(
            "ctrl+s",
            "save",
            N_("Save"),
            id="answer.save",
            priority=True,
            tooltip=N_("Log the help."),
        ),
    ]

    def __init__(self, ask: dict[str, Any]) -> None:
        super().__init__()
        self.ask = ask

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(
                _("Answer ask #{id} of {member}: {topic}").format(
                    id=self.ask["id"], member=self.ask["member"], topic=self.ask["topic"]
                )
            )
            yield Input(self.ask["topic"], placeholder=_("what you did"), id="answer-summary")
            yield Label("", markup=False, classes="error", id="answer-error")
            yield Label(_(SAVE_HINT), classes="hint")

    def on_input_submitted(self) -> None:
        self.action_save()

    def action_save(self) -> None:
        """Log the help through the ledger."""
        app = self.rapp
        summary = self.query_one("#answer-summary", Input).value.strip() or None
        ask = self.ask
        if app.acting_id is None:
            self.query_one("#answer-error", Label).update(_("Choose who you are first (press i)."))
            return
        me = app.acting_id

        def save(session: Session) -> Any:
            from reciprocity.ledger.exchanges import log_help

            return log_help(
                session=session,
                giver_id=me,
                receiver_id=ask["member_id"],
                answers_ask_id=ask["id"],
                summary=summary,
                created_by=me,
                today=app.today(),
            )

        def saved(exchange: Any) -> None:
            app.notify(
                _("Help #{id} logged; ask #{ask} is answered.").format(
                    id=exchange.id, ask=ask["id"]
                )
            )
            self.post_message(LedgerChanged())
            self.dismiss(True)

        self.ledger_call(
            save, saved, group="save", refused=shown_in(self.query_one("#answer-error", Label))
        )

    def action_cancel(self) -> None:
        self.dismiss(False)


class BoardScreen(LedgerScreen):
    """Open asks and offers."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "a",
            "answer",
            N_("Answer ask"),
            id="board.answer",
            tooltip=N_("Answer the selected ask."),
        ),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.asks: list[dict[str, Any]] = []

    def compose(self) -> ComposeResult:
        yield Header()
        yield Label(_("Open asks — a answers the selected one"), classes="section")
        asks: DataTable[Any] = DataTable(id="asks", cursor_type="row", zebra_stripes=True)
        yield asks
        yield Label(_("Open offers"), classes="section")
        offers: DataTable[Any] = DataTable(id="offers", cursor_type="row")
        yield offers
        yield Footer()

    def on_mount(self) -> None:
        for table_id in ("#asks", "#offers"):
            add_columns(
                self.query_one(table_id, DataTable),
                ("#", 5),
                ("member", 20),
                ("topic", 30),
                ("network", 13),
            )
        super().on_mount()

    def reload(self) -> None:
        if not self.rapp.identified:
            return

        def load(session: Session) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
            from reciprocity.ledger.requests import list_requests
            from reciprocity.store.models import Ask, Offer

            return (
                list_requests(session=session, table=Ask, open_only=True)[:500],
                list_requests(session=session, table=Offer, open_only=True)[:500],
            )

        self.ledger_call(load, self._show)

    def _show(self, boards: tuple[list[dict[str, Any]], list[dict[str, Any]]]) -> None:
        self.asks, offers = boards
        for table_id, rows in (("#asks", self.asks), ("#offers", offers)):
            table = self.query_one(table_id, DataTable)
            table.clear()
            for row in rows:
                table.add_row(
                    str(row["id"]), plain(row["member"]), plain(row["topic"]), plain(row["network"])
                )

    def action_answer(self) -> None:
        """Answer the selected ask."""
        table = self.query_one("#asks", DataTable)
        if not self.asks:
            self.notify(_("No open ask to answer."), severity="warning")
            return
        self.app.push_screen(AnswerDialog(self.asks[table.cursor_row]))
