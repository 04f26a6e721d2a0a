"""Quick log: the after-meeting flow, keyboard only.

The contract (issue 5): kind defaults to referral; ctrl+r, ctrl+e and ctrl+t switch to
referral, help and introduction. Focus starts in To, which matches member names as one
types; Enter takes the best match. From is me; ctrl+o swaps From and To ("I received").
Date is today, or the chosen meeting's. ctrl+s saves, says so, and clears the form for
the next entry, keeping kind, date and meeting; escape closes. A refusal shows the
ledger's sentence next to the field it is about and saves nothing.

So a referral to a known member is ``l``, three letters, Enter, ctrl+s: six keys.
"""

from dataclasses import dataclass
from datetime import date
from typing import Any, ClassVar

from sqlmodel import Session
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, VerticalScroll
from textual.reactive import reactive
from textual.screen import Screen
from textual.widgets import Footer, Header, Input, Label, Select

from reciprocity.ledger.errors import LedgerError
from reciprocity.tui.matching import NameMatcher
from reciprocity.tui.screens.base import LedgerWork

KINDS: tuple[str, ...] = ("referral", "help", "introduction")
REFERRAL_ONLY = ("row-hotness", "row-value")
FIELDS_FOR_ERRORS: tuple[tuple[tuple[str, ...], str], ...] = (
    (("hotness",), "hotness"),
    (("estimated value", "value", "amount"), "value"),
    (("referral type",), "hotness"),
    (("summary",), "summary"),
    (("contact",), "contact"),
    (("date", "future"), "date"),
    (("meeting",), "date"),
)


@dataclass(frozen=True)
class Refusal:
    """The ledger said no: its sentence, and the field it belongs next to."""

    field: str
    message: str


@dataclass(frozen=True)
class Logged:
    """What was saved: the new exchange ids and a sentence to show."""

    ids: list[int]
    sentence: str


def field_for(message: str) -> str:
    """Which field a ledger sentence is about (the To field when it is about the people)."""
    lowered = message.lower()
    for words, field in FIELDS_FOR_ERRORS:
        if any(word in lowered for word in words):
            return field
    return "to"


FIELD_NAMES = {"to": "To", "from": "From", "contact": "With"}


def tui_sentence(message: str, typed: str, best: str | None, field: str = "to") -> str:
    """The ledger's "no member is named …" sentence in the TUI's words: the CLI's advice
    (a ``reciprocity member add`` command) means nothing here. Other sentences pass."""
    if not message.startswith("No member is named"):
        return message
    if best:
        return f"No member is named '{typed}'; press Enter in {FIELD_NAMES[field]} to take {best}."
    return (
        f"No member is named '{typed}'; type a few letters of a member's name "
        "(add new members on the Members screen: 4, then a)."
    )


class QuickLogScreen(Screen[None], LedgerWork):
    """Log a referral, help or introduction in a few keys."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "ctrl+r",
            "kind('referral')",
            "Referral",
            id="quick_log.referral",
            priority=True,
            tooltip="Log a referral.",
        ),
        Binding(
            "ctrl+e",
            "kind('help')",
            "Help",
            id="quick_log.help",
            priority=True,
            tooltip="Log help given.",
        ),
        Binding(
            "ctrl+t",
            "kind('introduction')",
            "Intro",
            id="quick_log.introduction",
            priority=True,
            tooltip="Log an introduction.",
        ),
        Binding(
            "ctrl+o",
            "swap",
            "Swap",
            id="quick_log.swap",
            priority=True,
            tooltip="Swap From and To: 'I received'.",
        ),
        Binding(
            "ctrl+s", "save", "Save", id="quick_log.save", priority=True, tooltip="Save and clear."
        ),
        Binding("escape", "close", "Close", id="quick_log.close", tooltip="Close the quick log."),
    ]

    kind: reactive[str] = reactive("referral")

    def __init__(self, *, to_member_id: int | None = None) -> None:
        super().__init__()
        self.to_member_id = to_member_id
        self.matcher: NameMatcher | None = None
        self.to_choice: tuple[int, str] | None = None
        self.from_choice: tuple[int, str] | None = None
        self.meetings: dict[int, dict[str, Any]] = {}
        self.saved_ids: list[int] = []
        self.fellows: set[int] = set()

    def compose(self) -> ComposeResult:
        yield Header()
        yield Label("", id="kind-line")
        with VerticalScroll(id="form"):
            with Horizontal(classes="row"):
                yield Label("To", classes="field-label")
                yield Input(placeholder="a few letters of a name", id="to", compact=True)
            yield Label("", id="to-hint", classes="hint name-hint", markup=False)
            yield Label("", id="to-error", classes="error", markup=False)
            with Horizontal(classes="row"):
                yield Label("From", classes="field-label")
                yield Input(id="from", compact=True)
            yield Label("", id="from-hint", classes="hint name-hint", markup=False)
            yield Label("", id="from-error", classes="error", markup=False)
            with Horizontal(classes="row"):
                yield Label("Date", classes="field-label")
                yield Input(self.rapp.today().isoformat(), id="date", compact=True)
                yield Select[int]([], prompt="no meeting", id="meeting", compact=True)
            yield Label("", id="date-error", classes="error", markup=False)
            with Horizontal(classes="row"):
                yield Label("Summary", classes="field-label")
                yield Input(placeholder="optional", id="summary", compact=True)
            yield Label("", id="summary-error", classes="error", markup=False)
            with Horizontal(classes="row", id="row-contact"):
                yield Label("Contact", classes="field-label", id="contact-label")
                yield Input(placeholder="optional: name", id="contact", compact=True)
                yield Input(placeholder="phone / e-mail", id="details", compact=True)
            yield Label("", id="contact-hint", classes="hint name-hint", markup=False)
            yield Label("", id="contact-error", classes="error", markup=False)
            with Horizontal(classes="row", id="row-hotness"):
                yield Label("Hotness", classes="field-label")
                yield Input(placeholder="1–5", id="hotness", compact=True, max_length=1)
                yield Select(
                    [("outside", "outside"), ("inside", "inside")],
                    value="outside",
                    allow_blank=False,
                    id="referral-type",
                    compact=True,
                )
            yield Label("", id="hotness-error", classes="error", markup=False)
            with Horizontal(classes="row", id="row-value"):
                yield Label("Value", classes="field-label")
                yield Input(placeholder="optional estimate", id="value", compact=True)
            yield Label("", id="value-error", classes="error", markup=False)
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#to", Input).focus()
        self._show_kind()
        app = self.rapp
        if app.acting_name:
            self.from_choice = (app.acting_id or 0, app.acting_name)
            self.query_one("#from", Input).value = app.acting_name
        app.load_matcher(self, self._matcher_loaded)
        me, today = app.acting_id, app.today()

        def meetings(session: Session) -> list[dict[str, Any]]:
            from reciprocity.ledger.views import recent_meetings

            return recent_meetings(session=session, member_id=me, today=today)

        self.ledger_call(meetings, self._meetings_loaded, group="meetings")
        if me is not None:

            def fellows(session: Session) -> set[int]:
                from reciprocity.ledger.views import fellow_member_ids

                return fellow_member_ids(session=session, member_id=me)

            self.ledger_call(fellows, self._fellows_loaded, group="fellows")

    def _fellows_loaded(self, fellows: set[int]) -> None:
        self.fellows = fellows

    def _matcher_loaded(self, matcher: NameMatcher) -> None:
        self.matcher = matcher
        if self.to_member_id is not None:
            for member_id, name in matcher.names:
                if member_id == self.to_member_id:
                    self.to_choice = (member_id, name)
                    self.query_one("#to", Input).value = name
                    break

    def _meetings_loaded(self, rows: list[dict[str, Any]]) -> None:
        self.meetings = {row["id"]: row for row in rows}
        select: Select[int] = self.query_one("#meeting", Select)
        select.set_options(
            (f"{row['held_on']:%Y-%m-%d} {row['title'] or row['network']}"[:40], row["id"])
            for row in rows
        )

    # -- kind ------------------------------------------------------------------------------

    def watch_kind(self) -> None:
        if self.is_mounted:
            self._show_kind()

    def _show_kind(self) -> None:
        line = "  ".join(f"[reverse] {k} [/]" if k == self.kind else f" {k} " for k in KINDS)
        self.query_one("#kind-line", Label).update(f"Quick log: {line}  ctrl+r/e/t switch")
        referral = self.kind == "referral"
        for row in REFERRAL_ONLY:
            self.query_one(f"#{row}").display = referral
        self.query_one("#row-contact").display = self.kind != "help"
        self.query_one("#contact-label", Label).update(
            "With" if self.kind == "introduction" else "Contact"
        )
        self.query_one("#contact", Input).placeholder = (
            "member or outside contact" if self.kind == "introduction" else "optional: name"
        )
        contact = self.query_one("#contact", Input).value
        self.show_hint(self._with_hint(contact) if self.kind == "introduction" else "", "contact")

    def action_kind(self, kind: str) -> None:
        """Switch what is logged."""
        self.kind = kind

    # -- names -----------------------------------------------------------------------------

    def _matches_hint(self, text: str) -> str:
        """``→ A · B`` for the names Enter would choose from, or why there is none."""
        if self.matcher is None or not text.strip():
            return ""
        matches = self.matcher.match(text, limit=4, prefer=self.fellows)
        return "→ " + " · ".join(name for _, name in matches) if matches else "no member matches"

    @on(Input.Changed, "#to")
    def _to_typed(self, event: Input.Changed) -> None:
        self.show_error("to", "")
        if self.to_choice and event.value != self.to_choice[1]:
            self.to_choice = None
        self.show_hint("" if self.to_choice else self._matches_hint(event.value))

    def show_hint(self, text: str, field: str = "to") -> None:
        """The names a name field would take (hidden when empty)."""
        hint = self.query_one(f"#{field}-hint", Label)
        hint.update(text)
        hint.set_class(bool(text), "-shown")

    def _take_best(self, field: str, text: str) -> tuple[int, str] | None:
        """Enter in a name field: the best match goes in the field (``None``: no match)."""
        if self.matcher is None:
            return None
        matches = self.matcher.match(text, limit=1, prefer=self.fellows)
        if not matches:
            return None
        self.query_one(f"#{field}", Input).value = matches[0][1]
        self.show_hint("", field)
        return matches[0]

    @on(Input.Submitted, "#to")
    def _to_taken(self, event: Input.Submitted) -> None:
        if self.matcher is None or self.to_choice:
            self.query_one("#summary", Input).focus()
            return
        choice = self._take_best("to", event.value)
        if choice is None:
            self.show_error(
                "to", f"No member matches '{event.value}'; type a few letters of a member's name."
            )
            return
        self.to_choice = choice
        self.query_one("#summary", Input).focus()

    @on(Input.Changed, "#from")
    def _from_typed(self, event: Input.Changed) -> None:
        self.show_error("from", "")
        if self.from_choice and event.value != self.from_choice[1]:
            self.from_choice = None
        self.show_hint("" if self.from_choice else self._matches_hint(event.value), "from")

    @on(Input.Submitted, "#from")
    def _from_taken(self, event: Input.Submitted) -> None:
        if self.matcher is None or self.from_choice:
            return
        choice = self._take_best("from", event.value)
        if choice is not None:
            self.from_choice = choice

    def _with_hint(self, text: str) -> str:
        """Whom the introduction's With names: a member, or an outside contact."""
        if self.matcher is None or not text.strip():
            return ""
        member = self.matcher.resolve(text)
        if member is not None:
            return f"member: {member[1]}"
        matches = self.matcher.match(text, limit=3, prefer=self.fellows)
        if not matches:
            return "outside contact (no member has this name)"
        names = " · ".join(name for _, name in matches)
        return f"outside contact (not a member) · Enter takes a member: → {names}"

    @on(Input.Changed, "#contact")
    def _contact_typed(self, event: Input.Changed) -> None:
        self.show_error("contact", "")
        hint = self._with_hint(event.value) if self.kind == "introduction" else ""
        self.show_hint(hint, "contact")

    @on(Input.Submitted, "#contact")
    def _contact_taken(self, event: Input.Submitted) -> None:
        if self.kind != "introduction" or self.matcher is None:
            return
        if self.matcher.resolve(event.value) is None:
            self._take_best("contact", event.value)
        self.show_hint(self._with_hint(self.query_one("#contact", Input).value), "contact")

    def action_swap(self) -> None:
        """Swap From and To: log what I received."""
        to_input, from_input = self.query_one("#to", Input), self.query_one("#from", Input)
        to_choice, from_choice = self.to_choice, self.from_choice
        to_text, from_text = to_input.value, from_input.value
        to_input.value, from_input.value = from_text, to_text
        self.to_choice, self.from_choice = from_choice, to_choice
        # The Changed events drop a choice whose text differs; these run after them.
        self.call_after_refresh(self._rehint)

    def _rehint(self) -> None:
        for field, choice in (("to", self.to_choice), ("from", self.from_choice)):
            text = self.query_one(f"#{field}", Input).value
            self.show_hint("" if choice else self._matches_hint(text), field)

    @on(Select.Changed, "#meeting")
    def _meeting_chosen(self, event: Select.Changed) -> None:
        if isinstance(event.value, int) and event.value in self.meetings:
            held: date = self.meetings[event.value]["held_on"]
            self.query_one("#date", Input).value = held.isoformat()

    # -- saving ----------------------------------------------------------------------------

    def show_error(self, field: str, message: str) -> None:
        """Put a sentence next to a field (an empty one hides the line)."""
        label = self.query_one(f"#{field}-error", Label)
        label.update(message)
        label.set_class(bool(message), "-shown")

    def _text(self, field: str) -> str:
        return self.query_one(f"#{field}", Input).value.strip()

    def _clear_errors(self) -> None:
        for label in self.query(".error").results(Label):
            label.update("")
            label.remove_class("-shown")

    def action_save(self) -> None:
        """Save through the ledger; on success clear the form for the next entry."""
        self._clear_errors()
        app = self.rapp
        kind = self.kind
        to_text, from_text = self._text("to"), self._text("from")
        to_choice, from_choice = self.to_choice, self.from_choice
        meeting = self.query_one("#meeting", Select).value
        meeting_id = meeting if isinstance(meeting, int) else None
        date_text = self._text("date")
        summary = self._text("summary") or None
        contact = self._text("contact") or None
        details = self._text("details") or None
        hotness_text, value_text = self._text("hotness"), self._text("value")
        referral_type = self.query_one("#referral-type", Select).value
        today = app.today()
        if not to_text:
            self.show_error("to", "Type who received it in To: a few letters of a member's name.")
            return
        if not from_text:
            self.show_error("from", "Type who gave it in From.")
            return
        hotness: int | None = None
        if hotness_text:
            if not hotness_text.isdigit():
                self.show_error(
                    "hotness", f"The hotness '{hotness_text}' is not a number from 1 to 5."
                )
                return
            hotness = int(hotness_text)
        value: float | None = None
        if value_text:
            try:
                value = float(value_text.replace(",", ""))
            except ValueError:
                self.show_error(
                    "value", f"The estimated value '{value_text}' is not a number; type e.g. 2500."
                )
                return

        # What Enter would take in each name field: the TUI's answer to "no such member".
        best = {
            field: self._best_name(text)
            for field, text in (("to", to_text), ("from", from_text), ("contact", contact or ""))
        }

        def person(
            session: Session, text: str, choice: tuple[int, str] | None, field: str
        ) -> tuple[int, str]:
            from reciprocity.ledger.members import resolve_member

            if choice is not None and choice[1] == text and choice[0]:
                return choice
            try:
                member = resolve_member(session=session, name=text)
            except LedgerError as error:
                raise _Refused(
                    Refusal(field, tui_sentence(str(error), text, best[field], field))
                ) from None
            assert member.id is not None
            return member.id, member.name

        def save(session: Session) -> Logged | Refusal:
            from reciprocity.ledger import exchanges
            from reciprocity.ledger.rules import parse_date

            try:
                to_id, to_name = person(session, to_text, to_choice, "to")
                from_id, from_name = person(session, from_text, from_choice, "from")
                with_name = ""
                try:
                    when = parse_date(date_text or "today", field="date", today=today)
                except LedgerError as error:
                    return Refusal("date", str(error))
                common: dict[str, Any] = {
                    "session": session,
                    "occurred_on": when,
                    "meeting_id": meeting_id,
                    "created_by": app.acting_id,
                    "today": today,
                }
                if kind == "referral":
                    made = [
                        exchanges.log_referral(
                            giver_id=from_id,
                            receiver_id=to_id,
                            summary=summary,
                            contact_name=contact,
                            contact_details=details,
                            referral_type=str(referral_type),
                            hotness=hotness,
                            estimated_value=value,
                            **common,
                        )
                    ]
                elif kind == "help":
                    made = [
                        exchanges.log_help(
                            giver_id=from_id, receiver_id=to_id, summary=summary, **common
                        )
                    ]
                else:
                    with_member: int | None = None
                    if contact:
                        try:
                            with_member, with_name = person(session, contact, None, "contact")
                        except _Refused:
                            with_member, with_name = None, f"{contact} (outside contact)"
                    made = exchanges.log_introduction(
                        introducer_id=from_id,
                        member_id=to_id,
                        with_member_id=with_member,
                        with_contact=None if with_member is not None else contact,
                        contact_details=details if with_member is None else None,
                        summary=summary,
                        **common,
                    )
            except _Refused as refused:
                return refused.refusal
            except LedgerError as error:
                return Refusal(field_for(str(error)), str(error))
            ids = [exchange.id for exchange in made if exchange.id is not None]
            numbers = ", ".join(f"#{i}" for i in ids)
            also = f" with {with_name}" if with_name else ""
            return Logged(
                ids, f"{kind.capitalize()} {numbers} logged: {from_name} → {to_name}{also}."
            )

        self.ledger_call(save, self._saved, group="save")

    def _best_name(self, text: str) -> str | None:
        if self.matcher is None or not text.strip():
            return None
        matches = self.matcher.match(text, limit=1, prefer=self.fellows)
        return matches[0][1] if matches else None

    def _saved(self, outcome: "Logged | Refusal") -> None:
        if isinstance(outcome, Refusal):
            self.show_error(outcome.field, outcome.message)
            return
        self.saved_ids.extend(outcome.ids)
        self.app.notify(outcome.sentence, title="Logged")
        for field in ("to", "summary", "contact", "details", "hotness", "value"):
            self.query_one(f"#{field}", Input).value = ""
        self.to_choice = None
        app = self.rapp
        if app.acting_name:
            self.from_choice = (app.acting_id or 0, app.acting_name)
            self.query_one("#from", Input).value = app.acting_name
        for field in ("to", "from", "contact"):
            self.show_hint("", field)
        self.query_one("#to", Input).focus()
        app.ledger_changed()

    def action_close(self) -> None:
        """Back to where the quick log was opened."""
        self.app.pop_screen()


class _Refused(Exception):
    """Carries a refusal out of a nested step of the save."""

    def __init__(self, refusal: Refusal) -> None:
        super().__init__(refusal.message)
        self.refusal = refusal
