"""Members: search, add, edit and deactivate; the detail shows balances.

The search asks the ledger for at most 200 names at a time, so 20,000 members never fill
the table. The detail of the selected member shows their all-time balance and, when I am
someone else, our pair balance (points I gave them minus points they gave me).
"""

from typing import Any, ClassVar

from sqlmodel import Session
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.timer import Timer
from textual.widgets import DataTable, Footer, Header, Input, Label, Select

from reciprocity.i18n import N_, _, format_number
from reciprocity.tui.screens.base import LedgerChanged, LedgerModal, LedgerScreen, shown_in
from reciprocity.tui.screens.dialogs import DIALOG_CSS, SAVE_HINT, ConfirmDialog
from reciprocity.tui.text import plain
from reciprocity.tui.widgets.columns import FlexTable, add_columns

FIELDS: tuple[tuple[str, str], ...] = (
    ("name", N_("name")),
    ("company", N_("company")),
    ("category", N_("category (profession)")),
    ("email", N_("e-mail")),
    ("phone", N_("phone")),
)


class MemberForm(LedgerModal[bool]):
    """Add a member (to a network) or edit one; saved through the ledger."""

    DEFAULT_CSS = (
        DIALOG_CSS.format(name="MemberForm")
        + """
    MemberForm .form-row { height: 1; }
    MemberForm .form-label { width: 22; color: $text-muted; }
    MemberForm .form-row Input, MemberForm .form-row Select { width: 1fr; }
    """
    )
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "escape", "cancel", N_("Cancel"), id="member_form.cancel", tooltip=N_("Change nothing.")
        ),
        Binding(
            "ctrl+s", "save", N_("Save"), id="member_form.save", priority=True, tooltip=N_("Save.")
        ),
    ]

    def __init__(self, member: dict[str, Any] | None = None) -> None:
        super().__init__()
        self.member = member

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(_("Edit member") if self.member else _("Add member"))
            for field, label in FIELDS:
                value = str((self.member or {}).get(field) or "")
                with Horizontal(classes="form-row"):
                    yield Label(_(label), classes="form-label")
                    yield Input(value, placeholder=_(label), id=f"member-{field}", compact=True)
            if self.member is None:
                with Horizontal(classes="form-row"):
                    yield Label(_("network"), classes="form-label")
                    yield Select[int]([], prompt=_("no network"), id="member-network", compact=True)
            yield Label("", markup=False, classes="error", id="member-error")
            yield Label(_(SAVE_HINT), classes="hint")

    @on(Input.Submitted)
    def _submitted(self) -> None:
        self.action_save()

    def on_mount(self) -> None:
        self.query_one("#member-name", Input).focus()
        if self.member is None:

            def networks(session: Session) -> list[tuple[str, int]]:
                from reciprocity.ledger.networks import list_networks

                return [(n.name, n.id) for n in list_networks(session=session) if n.id]

            self.ledger_call(networks, self.query_one("#member-network", Select).set_options)

    def action_save(self) -> None:
        """Add or edit through the ledger."""
        values = {f: self.query_one(f"#member-{f}", Input).value.strip() for f, _label in FIELDS}
        member = self.member
        network = None if member else self.query_one("#member-network", Select).value
        app = self.rapp
        acting = app.acting_id

        def save(session: Session) -> str:
            from reciprocity.ledger.members import add_member, edit_member

            if member is None:
                added = add_member(
                    session=session,
                    acting_id=acting,
                    name=values["name"],
                    company=values["company"] or None,
                    category=values["category"] or None,
                    email=values["email"] or None,
                    phone=values["phone"] or None,
                    network_ids=[network] if isinstance(network, int) else [],
                )
                return _("Member {name} added.").format(name=added.name)
            edited = edit_member(
                session=session,
                acting_id=acting,
                member_id=member["id"],
                name=values["name"],
                company=values["company"],
                category=values["category"],
                email=values["email"],
                phone=values["phone"],
            )
            return _("Member {name} saved.").format(name=edited.name)

        def saved(sentence: str) -> None:
            app.notify(sentence)
            app.matcher = None
            self.post_message(LedgerChanged())
            self.dismiss(True)

        self.ledger_call(
            save, saved, group="save", refused=shown_in(self.query_one("#member-error", Label))
        )

    def action_cancel(self) -> None:
        self.dismiss(False)


class MembersScreen(LedgerScreen):
    """Find members; add, edit, deactivate; see balances."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("a", "add", N_("Add"), id="members.add", tooltip=N_("Add a member.")),
        Binding(
            "e", "edit", N_("Edit"), id="members.edit", tooltip=N_("Edit the selected member.")
        ),
        Binding(
            "x",
            "deactivate",
            N_("Deactivate"),
            id="members.deactivate",
            tooltip=N_("Deactivate the selected member (history stays)."),
        ),
        Binding(
            "slash", "search", N_("Search"), id="members.search", tooltip=N_("Search by name.")
        ),
        Binding(
            "escape",
            "focus_table",
            N_("Table"),
            id="members.table",
            show=False,
            tooltip=N_("Leave the search box for the table."),
        ),
    ]
    AUTO_FOCUS = "#members"

    def __init__(self) -> None:
        super().__init__()
        self.rows: list[dict[str, Any]] = []
        self._debounce: Timer | None = None

    def compose(self) -> ComposeResult:
        yield Header()
        yield Input(
            placeholder=_("/ search name, company or category"), id="member-search", compact=True
        )
        yield FlexTable(id="members", cursor_type="row", zebra_stripes=True)
        yield Label("", id="member-detail", markup=False)
        yield Footer()

    def on_mount(self) -> None:
        add_columns(
            self.query_one("#members", DataTable),
            ("name", 24),
            ("company", 20),
            ("category", 18),
            ("active", 6),
            flex=("name", "company", "category"),
        )
        super().on_mount()

    def reload(self) -> None:
        if not self.rapp.identified:
            return
        text = self.query_one("#member-search", Input).value

        def search(session: Session) -> list[dict[str, Any]]:
            from reciprocity.ledger.views import search_members

            return search_members(session=session, text=text, limit=200)

        self.ledger_call(search, self._show)

    def _show(self, rows: list[dict[str, Any]]) -> None:
        self.rows = rows
        table = self.query_one("#members", DataTable)
        table.clear()
        for row in rows:
            table.add_row(
                plain(row["name"]),
                plain(row["company"] or ""),
                plain(row["category"] or ""),
                _("yes") if row["active"] else _("no"),
                key=str(row["id"]),
            )
        if not rows:
            self.query_one("#member-detail", Label).update(_("No member matches."))

    @on(Input.Changed, "#member-search")
    def _typed(self) -> None:
        if self._debounce is not None:
            self._debounce.stop()
        self._debounce = self.set_timer(0.2, self.reload)

    @on(Input.Submitted, "#member-search")
    def _to_table(self) -> None:
        self.query_one("#members", DataTable).focus()

    def _selected(self) -> dict[str, Any] | None:
        table = self.query_one("#members", DataTable)
        if not self.rows or table.cursor_row >= len(self.rows):
            return None
        return self.rows[table.cursor_row]

    @on(DataTable.RowHighlighted, "#members")
    def _detail(self) -> None:
        member = self._selected()
        if member is None:
            return
        me = self.rapp.acting_id

        def detail(session: Session) -> str:
            from reciprocity.analytics.balances import compute_balances
            from reciprocity.analytics.pairs import compute_pairs
            from reciprocity.analytics.scope import Scope

            rows = compute_balances(session=session, scope=Scope(member_id=member["id"]))
            row = next((r for r in rows if r["member_id"] == member["id"]), None)
            text = (
                _("{name}: gave {given} points, received {received}, balance {balance}").format(
                    name=member["name"],
                    given=format_number(row["given_points"]),
                    received=format_number(row["received_points"]),
                    balance=f"{'+' if row['balance'] >= 0 else ''}{format_number(row['balance'])}",
                )
                if row
                else _("{name}: no exchanges").format(name=member["name"])
            )
            if me is not None and me != member["id"]:
                pairs = compute_pairs(session=session, scope=Scope(member_id=me))
                pair = next((p for p in pairs if p["other"] == member["name"]), None)
                balance = pair["balance"] if pair else 0
                text = _(
                    "{text} · our pair balance {balance} (me to them minus them to me)"
                ).format(
                    text=text, balance=f"{'+' if balance >= 0 else ''}{format_number(balance)}"
                )
            contact = " · ".join(v for v in (member["email"], member["phone"]) if v)
            return text + (f"\n{contact}" if contact else "")

        self.ledger_call(detail, self.query_one("#member-detail", Label).update, group="detail")

    def action_search(self) -> None:
        """Into the search box."""
        self.query_one("#member-search", Input).focus()

    def action_focus_table(self) -> None:
        """Out of the search box, back to the table (where 1–6 switch screens again)."""
        self.query_one("#members", DataTable).focus()

    def action_add(self) -> None:
        """Add a member."""
        self.app.push_screen(MemberForm())

    def action_edit(self) -> None:
        """Edit the selected member."""
        member = self._selected()
        if member is not None:
            self.app.push_screen(MemberForm(member))

    def action_deactivate(self) -> None:
        """Deactivate the selected member after a confirmation."""
        member = self._selected()
        if member is None:
            return
        app = self.rapp

        def confirmed(yes: bool | None) -> None:
            if not yes:
                return

            def save(session: Session) -> Any:
                from reciprocity.ledger.members import deactivate_member

                return deactivate_member(
                    session=session, member_id=member["id"], acting_id=app.acting_id
                )

            def saved(_result: Any) -> None:
                app.notify(_("{name} is deactivated.").format(name=member["name"]))
                app.matcher = None
                self.post_message(LedgerChanged())

            self.ledger_call(save, saved, group="save")

        self.app.push_screen(
            ConfirmDialog(_("Deactivate {name}? Their history stays.").format(name=member["name"])),
            confirmed,
        )
