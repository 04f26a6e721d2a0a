"""Home: my balance cards, a 12-month trend, what to do next, and my referrals' fate.

``n`` cycles the network filter through all networks and each of mine; the cards, the
trend and the nudges follow it (the referrals I gave stay across networks). Each part
loads in its own thread worker, so the screen paints at once and fills in. The cards come
first, from one member's SQL aggregates without pandas (:mod:`reciprocity.analytics.cards`);
once they hold values the app's readiness signal is set, and only then do the trend and the
nudges start, which import pandas (so that import never delays the cards). Enter on a nudge
acts on it: a due follow-up opens the follow-up dialog, a cold pair a one-to-one form,
"give back" the quick log, a matching ask the board, news of a referral the feedback form.
"""

from datetime import date
from typing import Any, ClassVar

from sqlmodel import Session
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal
from textual.content import Content
from textual.widgets import DataTable, Footer, Header, Label, OptionList, Sparkline
from textual.widgets.option_list import Option

from reciprocity.i18n import N_, _, format_number, format_percent
from reciprocity.ledger.errors import LedgerError
from reciprocity.tui.periods import next_period, period_bounds
from reciprocity.tui.screens.base import LedgerScreen
from reciprocity.tui.screens.dialogs import (
    FeedbackDialog,
    FollowupDialog,
    FollowupStep,
    OneToOneDialog,
)
from reciprocity.tui.text import plain
from reciprocity.tui.widgets.card import Card
from reciprocity.tui.widgets.columns import FlexTable, add_columns


def short_number(value: Any) -> str:
    """A whole number a card can hold at 80 columns: 9,999 as it is, then 209.1k, 1.2M
    (in the active language's digits: 9.999, 209,1k, 1,2M in Dutch)."""
    if value is None:
        return "—"
    size = abs(value)
    if size < 10_000:
        return format_number(value)
    scaled, unit = (value / 1_000, "k") if size < 999_950 else (value / 1_000_000, "M")
    scaled = round(scaled, 1)
    return format_number(scaled, 0 if scaled == int(scaled) else 1) + unit


class DashboardScreen(LedgerScreen):
    """The acting member's home."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "p",
            "period",
            N_("Period"),
            id="dashboard.period",
            tooltip=N_("Switch the cards between month, quarter and year."),
        ),
        Binding(
            "n",
            "next_network",
            N_("Network"),
            id="dashboard.network",
            tooltip=N_("Show all networks or one of yours: cycles through them."),
        ),
        Binding(
            "r",
            "refresh",
            N_("Refresh"),
            id="dashboard.refresh",
            tooltip=N_("Read everything again."),
        ),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.period = "month"
        self.nudges: list[dict[str, Any]] = []
        self.networks: list[tuple[int, str]] = []
        """The acting member's networks; the filter shows all, or one of these."""
        self.network_index: int | None = None
        """The network shown: an index into :attr:`networks`, ``None`` for all."""
        self._rest: tuple[int, date, int | None] = (0, date.min, None)
        """Whose trend and nudges load after the cards: member, today and network."""

    def compose(self) -> ComposeResult:
        yield Header()
        yield Label("", id="dash-title")
        with Horizontal(id="cards"):
            yield Card(_("Pts given/recv"), id="card-points")
            yield Card(_("Balance · ratio"), id="card-balance")
            yield Card(_("Value given/recv"), id="card-value")
            yield Card(_("Contact rate"), id="card-contact")
        with Horizontal(id="trend"):
            yield Label(_("12 months  given "), classes="trend-label")
            yield Sparkline([], id="trend-given")
            yield Label(_(" received "), classes="trend-label")
            yield Sparkline([], id="trend-received")
        yield Label(_("What to do next — Enter acts"), classes="section")
        yield OptionList(id="nudges")
        yield Label(_("Referrals I gave — newest steps first"), classes="section")
        yield FlexTable(id="given", cursor_type="row", zebra_stripes=True)
        yield Footer()

    def on_mount(self) -> None:
        table = self.query_one("#given", DataTable)
        add_columns(
            table,
            ("#", 5),
            (N_("to"), 16),
            (N_("status"), 12),
            (N_("on"), 10),
            ("★", 2),
            (N_("summary"), 21),
            flex=("to", "summary"),
        )
        super().on_mount()

    # -- loading ---------------------------------------------------------------------------

    @property
    def network(self) -> tuple[int, str] | None:
        """The network the filter shows, ``None`` for all networks."""
        if self.network_index is None or self.network_index >= len(self.networks):
            return None
        return self.networks[self.network_index]

    def reload(self) -> None:
        app = self.rapp
        if not app.identified:
            return
        start, end, label = period_bounds(self.period, app.today())
        who = app.acting_name or _("the ledger's owner (press i to choose who you are)")
        shown = self.network
        where = shown[1] if shown is not None else _("all networks")
        self.query_one("#dash-title", Label).update(
            _("{who} · {where} · {period}").format(who=who, where=where, period=label)
        )
        me = app.acting_id
        if me is None:
            self.forget()
            for card in self.query(Card):
                card.show("—")
            app.mark_dashboard_ready()
            return
        network_id = shown[0] if shown is not None else None
        self._rest = (me, app.today(), network_id)
        self.ledger_call(
            lambda session: self._cards(session, me, start, end, network_id),
            self._show_cards,
            group="cards",
            refused=self._cards_refused,
            failed=self._load_rest,
        )
        self.ledger_call(lambda session: self._given(session, me), self._show_given, group="given")
        self.ledger_call(
            lambda session: self._networks(session, me), self._networks_loaded, group="networks"
        )

    def _load_rest(self) -> None:
        """The trend and the nudges (which import pandas), once the cards are in."""
        me, today, network_id = self._rest
        self.ledger_call(
            lambda session: self._trend(session, me, today, network_id),
            self._show_trend,
            group="trend",
        )
        self.ledger_call(
            lambda session: self._nudges(session, me, today, network_id),
            self._show_nudges,
            group="nudges",
        )

    def _cards_refused(self, refusal: LedgerError) -> None:
        self.rapp.notify_refused(refusal)
        self._load_rest()

    def forget(self) -> None:
        """Another member acts now: clear the last one's cards, nudges and referrals."""
        self.networks = []
        self.network_index = None
        for card in self.query(Card):
            card.show("…")
        self.nudges = []
        self.query_one("#nudges", OptionList).clear_options()
        self.query_one("#given", DataTable).clear()
        for sparkline in self.query(Sparkline):
            sparkline.data = []

    @staticmethod
    def _networks(session: Session, me: int) -> list[tuple[int, str]]:
        from reciprocity.ledger.views import member_networks

        return member_networks(session=session, member_id=me)

    def _networks_loaded(self, networks: list[tuple[int, str]]) -> None:
        shown = self.network
        self.networks = networks
        # Keep showing the same network if it is still one of theirs, else all.
        self.network_index = networks.index(shown) if shown in networks else None

    @staticmethod
    def _cards(
        session: Session, me: int, start: date, end: date, network_id: int | None
    ) -> dict[str, Any]:
        from reciprocity.analytics.cards import member_cards

        return member_cards(
            session=session, member_id=me, start=start, end=end, network_id=network_id
        )

    def _show_cards(self, row: dict[str, Any]) -> None:
        self.query_one("#card-points", Card).show(
            f"{short_number(row['given_points'])} / {short_number(row['received_points'])}"
        )
        ratio = row["ratio"]
        balance = row["balance"]
        self.query_one("#card-balance", Card).show(
            f"{'+' if balance >= 0 else ''}{short_number(balance)} · "
            f"{'—' if ratio is None else format_number(ratio, 2)}"
        )
        self.query_one("#card-value", Card).show(
            f"{short_number(row['value_given'])} / {short_number(row['value_received'])}"
        )
        rate = row["contact_rate"]
        received = row["received"]
        self.query_one("#card-contact", Card).show(
            _("no referrals")
            if not received or rate is None
            else _("{rate} of {received}").format(
                rate=format_percent(rate), received=format_number(received)
            )
        )
        self.rapp.mark_dashboard_ready()
        self._load_rest()

    @staticmethod
    def _trend(
        session: Session, me: int, today: date, network_id: int | None
    ) -> list[dict[str, Any]]:
        from reciprocity.analytics.scope import Scope
        from reciprocity.analytics.trend import compute_trend

        scope = Scope(network_id=network_id, member_id=me, end=today)
        return compute_trend(session=session, scope=scope, months=12)

    def _show_trend(self, months: list[dict[str, Any]]) -> None:
        self.query_one("#trend-given", Sparkline).data = [m["given_points"] for m in months]
        self.query_one("#trend-received", Sparkline).data = [m["received_points"] for m in months]

    @staticmethod
    def _nudges(
        session: Session, me: int, today: date, network_id: int | None
    ) -> list[dict[str, Any]]:
        from reciprocity.analytics.nudges import compute_nudges

        return compute_nudges(session=session, member_id=me, network_id=network_id, as_of=today)

    def _show_nudges(self, nudges: list[dict[str, Any]]) -> None:
        self.nudges = nudges
        options = self.query_one("#nudges", OptionList)
        options.clear_options()
        if not nudges:
            options.add_option(Option(_("Nothing to do: well done."), disabled=True))
            return
        options.add_options(
            [Option(Content(nudge["message"]), id=str(i)) for i, nudge in enumerate(nudges)]
        )
        options.highlighted = 0

    @staticmethod
    def _given(session: Session, me: int) -> list[dict[str, Any]]:
        from reciprocity.ledger.views import referrals_given_status

        return referrals_given_status(session=session, member_id=me, limit=50)

    def _show_given(self, rows: list[dict[str, Any]]) -> None:
        table = self.query_one("#given", DataTable)
        table.clear()
        for row in rows:
            table.add_row(
                str(row["exchange_id"]),
                plain(row["receiver"]),
                _(row["status"].replace("_", " ")),
                f"{row['step_on']:%Y-%m-%d}" if row["step_on"] else "",
                str(row["rating"] or ""),
                plain(row["summary"] or ""),
                key=str(row["exchange_id"]),
            )

    # -- actions ---------------------------------------------------------------------------

    def action_period(self) -> None:
        """Cycle month → quarter → year."""
        self.period = next_period(self.period)
        self.reload()

    def action_next_network(self) -> None:
        """All networks, then each of mine in turn, then all again."""
        if not self.networks:
            self.notify(_("You belong to no network; Home shows all you did."), severity="warning")
            return
        if self.network_index is None:
            self.network_index = 0
        elif self.network_index + 1 < len(self.networks):
            self.network_index += 1
        else:
            self.network_index = None
        self.reload()

    def action_refresh(self) -> None:
        """Read everything again."""
        self.reload()

    @on(OptionList.OptionSelected, "#nudges")
    def _act(self, event: OptionList.OptionSelected) -> None:
        if event.option.id is None:
            return
        nudge = self.nudges[int(event.option.id)]
        app = self.rapp
        kind = nudge["type"]
        if kind == "followup_due" and nudge["exchange_id"] is not None:
            self.app.push_screen(
                FollowupDialog(nudge["exchange_id"], nudge["message"]), self._followed_up
            )
        elif kind == "cold_pair" and nudge["member_id"] is not None:
            self.app.push_screen(OneToOneDialog(nudge["member_id"], nudge["message"]))
        elif kind == "reciprocate" and nudge["member_id"] is not None:
            app.run_worker(app.action_quick_log(to_member_id=nudge["member_id"]))
        elif kind == "answer_ask":
            app.action_show("board")
        elif kind == "given_update" and nudge["exchange_id"] is not None:
            self.app.push_screen(FeedbackDialog(nudge["exchange_id"], nudge["message"]))

    def _followed_up(self, step: FollowupStep | None) -> None:
        if step is not None:
            self.rapp.record_step(self, step)
