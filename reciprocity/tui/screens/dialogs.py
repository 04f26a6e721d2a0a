"""Small dialogs: a follow-up step, a won referral, feedback, a one-to-one, a void, a yes/no,
and who a monthly report is for.

Each is a ``ModalScreen`` that returns with ``dismiss``. Those that write do it in a
thread worker through the ledger; a refusal shows the ledger's sentence in the dialog
(``.error``) and saves nothing, and escape always leaves without a change.
"""

from dataclasses import dataclass
from typing import Any, ClassVar

from sqlmodel import Session
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.widgets import Input, Label, OptionList, Select
from textual.widgets.option_list import Option

from reciprocity.i18n import N_, _
from reciprocity.reporting.audience import Audience, audience_words
from reciprocity.tui.screens.base import LedgerChanged, LedgerModal, shown_in

STEP_KEYS: tuple[tuple[str, str, str, str], ...] = (
    ("c", "contacted", N_("Contacted"), N_("Mark the selected referral I received as contacted.")),
    ("m", "meeting", N_("Meeting"), N_("Mark the selected referral I received as meeting.")),
    ("p", "proposal", N_("Proposal"), N_("Mark the selected referral I received as proposal.")),
    ("w", "won", N_("Won"), N_("Mark the selected referral I received as won.")),
    ("x", "lost", N_("Lost"), N_("Mark the selected referral I received as lost.")),
    (
        "n",
        "no_response",
        N_("No response"),
        N_("Mark the selected referral I received as no response."),
    ),
)
"""A referral's next steps: key, status, label and the key's tooltip (English, marked)."""

DIALOG_CSS = """
{name} {{ align: center middle; }}
{name} > Vertical {{
    width: 70; height: auto; max-height: 22; border: thick $primary;
    background: $surface; padding: 0 1;
}}
{name} .error {{ color: $error; height: auto; }}
{name} .hint {{ color: $text-muted; width: 1fr; height: auto; }}
"""


def _escape_binding(owner: str) -> Binding:
    return Binding(
        "escape", "cancel", N_("Cancel"), id=f"{owner}.cancel", tooltip=N_("Close, change nothing.")
    )


def _save_binding(owner: str) -> Binding:
    return Binding(
        "ctrl+s", "save", N_("Save"), id=f"{owner}.save", priority=True, tooltip=N_("Save.")
    )


SAVE_HINT = N_("Enter or ctrl+s saves · escape cancels")
"""The same words in every dialog that writes."""


@dataclass(frozen=True)
class FollowupStep:
    """A step chosen for a referral (value and business only for ``won``)."""

    exchange_id: int
    status: str
    value: float | None = None
    business: str | None = None


class FollowupDialog(LedgerModal[FollowupStep | None]):
    """Choose the next step of a referral received; ``won`` goes on to ask its value."""

    DEFAULT_CSS = DIALOG_CSS.format(name="FollowupDialog")
    BINDINGS: ClassVar[list[BindingType]] = [
        _escape_binding("followup_dialog"),
        *(
            Binding(key, f"step('{status}')", label, id=f"followup_dialog.{status}")
            for key, status, label, _tooltip in STEP_KEYS
        ),
    ]

    def __init__(self, exchange_id: int, message: str) -> None:
        super().__init__()
        self.exchange_id = exchange_id
        self.message = message

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(_("Follow up referral #{id}").format(id=self.exchange_id))
            yield Label(self.message, classes="hint", markup=False)
            yield OptionList(
                *(
                    Option(f"{key}  {_(label)}", id=status)
                    for key, status, label, _tooltip in STEP_KEYS
                ),
                id="steps",
            )

    @on(OptionList.OptionSelected, "#steps")
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        if event.option.id:
            self.action_step(event.option.id)

    def action_step(self, status: str) -> None:
        """Take this step (``won`` first asks the value)."""
        if status != "won":
            self.dismiss(FollowupStep(self.exchange_id, status))
            return

        def valued(saved: bool | None) -> None:
            if saved:
                self.dismiss(None)  # the won dialog recorded it already

        self.app.push_screen(WonDialog(self.exchange_id), valued)

    def action_cancel(self) -> None:
        self.dismiss(None)


class WonDialog(LedgerModal[bool]):
    """A won referral: its value and whether it is new or repeat business.

    It records the step itself, so a refusal (a negative value, a step backwards) shows
    next to the value and the typed value stays; it returns ``True`` once recorded.
    """

    DEFAULT_CSS = DIALOG_CSS.format(name="WonDialog")
    BINDINGS: ClassVar[list[BindingType]] = [_escape_binding("won"), _save_binding("won")]

    def __init__(self, exchange_id: int) -> None:
        super().__init__()
        self.exchange_id = exchange_id

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(_("Referral #{id} won: what was it worth?").format(id=self.exchange_id))
            yield Input(placeholder=_("value, e.g. 2500"), id="won-value")
            yield Select(
                [(_("new business"), "new"), (_("repeat business"), "repeat")],
                value="new",
                allow_blank=False,
                id="won-business",
            )
            yield Label("", markup=False, classes="error", id="won-error")
            yield Label(_(SAVE_HINT), classes="hint")

    @on(Input.Changed, "#won-value")
    def _typed(self) -> None:
        self.query_one("#won-error", Label).update("")

    @on(Input.Submitted, "#won-value")
    def _submitted(self) -> None:
        self.action_save()

    def action_save(self) -> None:
        """Record the step; a refusal stays in the dialog with the value as typed."""
        error = self.query_one("#won-error", Label)
        text = self.query_one("#won-value", Input).value.strip().replace(",", "")
        value: float | None = None
        if text:
            try:
                value = float(text)
            except ValueError:
                error.update(
                    _("The value '{text}' is not a number; type an amount such as 2500.").format(
                        text=text
                    )
                )
                return
        business = self.query_one("#won-business", Select).value
        step = FollowupStep(
            self.exchange_id, "won", value, business if isinstance(business, str) else None
        )

        def recorded() -> None:
            self.dismiss(True)

        self.rapp.record_step(self, step, refused=shown_in(error), done=recorded)

    def action_cancel(self) -> None:
        self.dismiss(False)


class FeedbackDialog(LedgerModal[bool]):
    """The giver rates how a referral was treated, 1 to 5, with an optional comment."""

    DEFAULT_CSS = DIALOG_CSS.format(name="FeedbackDialog")
    BINDINGS: ClassVar[list[BindingType]] = [_escape_binding("feedback"), _save_binding("feedback")]

    def __init__(self, exchange_id: int, message: str = "") -> None:
        super().__init__()
        self.exchange_id = exchange_id
        self.message = message

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(_("Rate how referral #{id} was treated (1–5)").format(id=self.exchange_id))
            if self.message:
                yield Label(self.message, classes="hint", markup=False)
            yield Input(placeholder=_("1 to 5"), id="rating", max_length=1)
            yield Input(placeholder=_("comment (optional)"), id="comment")
            yield Label("", markup=False, classes="error", id="feedback-error")
            yield Label(_(SAVE_HINT), classes="hint")

    @on(Input.Submitted)
    def _submitted(self) -> None:
        self.action_save()

    def action_save(self) -> None:
        """Save the rating through the ledger."""
        text = self.query_one("#rating", Input).value.strip()
        comment = self.query_one("#comment", Input).value.strip() or None
        error = self.query_one("#feedback-error", Label)
        if not text.isdigit():
            error.update(_("The rating is a whole number from 1 to 5."))
            return
        app = self.rapp

        def save(session: Session) -> Any:
            from reciprocity.ledger.followups import give_feedback

            return give_feedback(
                session=session,
                exchange_id=self.exchange_id,
                rating=int(text),
                comment=comment,
                acting_id=app.acting_id,
            )

        def saved(_result: Any) -> None:
            app.notify(
                _("Rated referral #{id}: {rating} of 5.").format(id=self.exchange_id, rating=text)
            )
            self.post_message(LedgerChanged())
            self.dismiss(True)

        self.ledger_call(save, saved, group="save", refused=shown_in(error))

    def action_cancel(self) -> None:
        self.dismiss(False)


class OneToOneDialog(LedgerModal[bool]):
    """Record a one-to-one with another member (a cold pair's nudge opens it)."""

    DEFAULT_CSS = DIALOG_CSS.format(name="OneToOneDialog")
    BINDINGS: ClassVar[list[BindingType]] = [
        _escape_binding("one_to_one"),
        _save_binding("one_to_one"),
    ]

    def __init__(self, member_id: int, message: str) -> None:
        super().__init__()
        self.member_id = member_id
        self.message = message

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(_("One-to-one"))
            yield Label(self.message, classes="hint", markup=False)
            yield Input(
                self.rapp.today().isoformat(), placeholder=_("date YYYY-MM-DD"), id="held-on"
            )
            yield Input(placeholder=_("note (optional)"), id="note")
            yield Label("", markup=False, classes="error", id="one-error")
            yield Label(_(SAVE_HINT), classes="hint")

    @on(Input.Submitted)
    def _submitted(self) -> None:
        self.action_save()

    def action_save(self) -> None:
        """Record it through the ledger."""
        app = self.rapp
        held = self.query_one("#held-on", Input).value
        note = self.query_one("#note", Input).value.strip() or None
        me = app.acting_id
        if me is None:
            self.query_one("#one-error", Label).update(_("Choose who you are first (press i)."))
            return

        def save(session: Session) -> Any:
            from reciprocity.ledger.one_to_ones import log_one_to_one
            from reciprocity.ledger.rules import parse_date

            return log_one_to_one(
                session=session,
                member_a_id=me,
                member_b_id=self.member_id,
                held_on=parse_date(held, field="date", today=app.today()),
                note=note,
                acting_id=me,
                today=app.today(),
            )

        def saved(_result: Any) -> None:
            app.notify(_("One-to-one recorded."))
            self.post_message(LedgerChanged())
            self.dismiss(True)

        self.ledger_call(
            save, saved, group="save", refused=shown_in(self.query_one("#one-error", Label))
        )

    def action_cancel(self) -> None:
        self.dismiss(False)


class VoidDialog(LedgerModal[bool]):
    """Confirm voiding an exchange, with the reason the audit trail keeps."""

    DEFAULT_CSS = DIALOG_CSS.format(name="VoidDialog")
    BINDINGS: ClassVar[list[BindingType]] = [_escape_binding("void"), _save_binding("void")]

    def __init__(self, exchange_id: int, description: str) -> None:
        super().__init__()
        self.exchange_id = exchange_id
        self.description = description

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(_("Void exchange #{id}?").format(id=self.exchange_id))
            yield Label(self.description, classes="hint")
            yield Label(_("It stays for the audit trail and drops out of every metric."))
            yield Input(placeholder=_("reason (required)"), id="reason")
            yield Label("", markup=False, classes="error", id="void-error")
            yield Label(_(SAVE_HINT), classes="hint")

    @on(Input.Submitted, "#reason")
    def _submitted(self) -> None:
        self.action_save()

    def action_save(self) -> None:
        """Void it through the ledger."""
        app = self.rapp
        reason = self.query_one("#reason", Input).value

        def save(session: Session) -> Any:
            from reciprocity.ledger.exchanges import void_exchange

            return void_exchange(
                session=session,
                exchange_id=self.exchange_id,
                reason=reason,
                acting_id=app.acting_id,
            )

        def saved(_result: Any) -> None:
            app.notify(_("Exchange #{id} voided.").format(id=self.exchange_id))
            self.post_message(LedgerChanged())
            self.dismiss(True)

        error = self.query_one("#void-error", Label)
        self.ledger_call(save, saved, group="save", refused=shown_in(error))

    def action_cancel(self) -> None:
        self.dismiss(False)


class ConfirmDialog(LedgerModal[bool]):
    """A yes/no question: y or Enter says yes, n or escape no."""

    DEFAULT_CSS = DIALOG_CSS.format(name="ConfirmDialog")
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("y,enter", "answer(True)", N_("Yes"), id="confirm.yes", tooltip=N_("Go ahead.")),
        Binding(
            "n,escape", "answer(False)", N_("No"), id="confirm.no", tooltip=N_("Change nothing.")
        ),
    ]

    def __init__(self, question: str) -> None:
        super().__init__()
        self.question = question

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(self.question)
            yield Label("y yes · n no", classes="hint")

    def action_answer(self, yes: bool) -> None:
        """Answer."""
        self.dismiss(yes)


class AudienceDialog(LedgerModal[Audience | None]):
    """Who the monthly report is for: c the whole group (chapter), l the leadership team.

    The chapter's report can be forwarded to everyone; the leadership team's adds the
    notes for a private word and says "not for forwarding" on every page."""

    DEFAULT_CSS = DIALOG_CSS.format(name="AudienceDialog")
    BINDINGS: ClassVar[list[BindingType]] = [
        _escape_binding("audience"),
        Binding(
            "c",
            "choose('chapter')",
            N_("Whole group"),
            id="audience.chapter",
            tooltip=N_("The report for the whole group: safe to forward."),
        ),
        Binding(
            "l",
            "choose('leadership')",
            N_("Leadership"),
            id="audience.leadership",
            tooltip=N_("The leadership team's report, with the notes for a private word."),
        ),
    ]

    def __init__(self, network: str) -> None:
        super().__init__()
        self.network = network

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(
                _("Who is the report of {network} for?").format(network=self.network),
                markup=False,
            )
            chapter = _("{who}: safe to forward").format(who=audience_words(Audience.CHAPTER))
            leadership = _("{who}: adds the private notes").format(
                who=audience_words(Audience.LEADERSHIP)
            )
            yield OptionList(
                Option(f"c  {chapter}", id="chapter"),
                Option(f"l  {leadership}", id="leadership"),
                id="audiences",
            )
            yield Label(
                _("c or l chooses · Enter takes the highlighted one · escape cancels"),
                classes="hint",
            )

    @on(OptionList.OptionSelected, "#audiences")
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        if event.option.id:
            self.action_choose(event.option.id)

    def action_choose(self, audience: str) -> None:
        """Export for this audience."""
        self.dismiss(Audience(audience))

    def action_cancel(self) -> None:
        self.dismiss(None)


class ReportReadyDialog(LedgerModal[None]):
    """Served: the report is ready; each key sends one of its files to the browser.

    A browser opens a download only shortly after a key press, so the files are offered
    here rather than sent when the report is done."""

    DEFAULT_CSS = DIALOG_CSS.format(name="ReportReadyDialog")
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "enter,p", "send('.pdf')", N_("PDF"), id="report_ready.pdf", tooltip=N_("The report.")
        ),
        Binding(
            "x",
            "send('.xlsx')",
            N_("Workbook"),
            id="report_ready.xlsx",
            tooltip=N_("The spreadsheet."),
        ),
        Binding(
            "z",
            "send('.zip')",
            N_("Everything"),
            id="report_ready.zip",
            tooltip=N_("Every file, zipped."),
        ),
        _escape_binding("report_ready"),
    ]

    def __init__(self, network: str, month: str, files: dict[str, bytes]) -> None:
        super().__init__()
        self.network = network
        self.month = month
        self.files = files
        self.sent: list[str] = []

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(
                _("The report of {network} for {month} is ready.").format(
                    network=self.network, month=self.month
                ),
                markup=False,
            )
            yield Label(
                _("Enter or p: the PDF · x: the workbook · z: every file (zip) · escape: close"),
                classes="hint",
            )
            yield Label("", id="report-ready-sent", classes="hint", markup=False)

    def action_send(self, suffix: str) -> None:
        """Send the file with this suffix to the browser as a download."""
        import io

        name = next((name for name in self.files if name.endswith(suffix)), None)
        if name is None:
            return
        self.app.deliver_binary(io.BytesIO(self.files[name]), save_filename=name)
        self.sent.append(name)
        self.query_one("#report-ready-sent", Label).update(
            _("Sent: {names}").format(names=", ".join(self.sent))
        )

    def action_cancel(self) -> None:
        self.dismiss(None)
