"""Quick log: the after-meeting flow, keyboard only, at full typing speed.

The contract: kind defaults to referral; ctrl+r, ctrl+e and ctrl+t switch to referral,
help and introduction. Focus starts in To, which matches member names as one types.
Enter in To, From or With completes the name (cursor at its end) and moves to Summary.
From is me; ctrl+o ("I received") puts me in To and moves to From. When giver and
receiver share more than one network, a Network field appears with the network last
used for that pair (else the acting member's busiest). ctrl+s saves, says so, and clears
the form for the next entry, keeping kind, date and meeting (a hint under Date says so).
Escape, or leaving for another screen, with anything typed asks "Discard this entry?".

Nothing typed is lost while the database answers: Enter before the names are loaded
completes the name once they are, and ctrl+s waits for the lookups it needs. Tab visits
every field in screen order; no typed letter or digit reaches a screen key while a field
has focus (see ``ReciprocityApp.check_action``).

The screen only collects text. :func:`~reciprocity.ledger.entry.log_exchange` resolves
the names, reads the date and numbers and applies every rule; a refusal comes back with
the input it concerns (``error.field``), and the screen puts the sentence next to that
field and moves the focus there. The screen never reads an error's wording.

So a referral to a known member is ``l``, three letters, Enter, ctrl+s: six keys.
"""

from collections.abc import Callable
from datetime import date
from typing import Any, ClassVar

from sqlmodel import Session
from textual import on
from textual.actions import SkipAction
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, VerticalScroll
from textual.message import Message
from textual.reactive import reactive
from textual.widgets import Footer, Header, Input, Label, Select

from reciprocity.i18n import N_, _, pgettext
from reciprocity.ledger.entry import Entry, Logged
from reciprocity.ledger.errors import LedgerError
from reciprocity.tui.matching import NameMatcher
from reciprocity.tui.screens.base import LedgerWork
from reciprocity.tui.screens.form import FormKeys, form_bindings
from reciprocity.tui.widgets.choice import Choice
from reciprocity.tui.widgets.field import Field

KINDS: tuple[str, ...] = ("referral", "help", "introduction")
NAME_FIELDS = ("to", "from", "with")
FIELD_LABELS = {"to": N_("To"), "from": N_("From"), "with": N_("With")}
KIND_WORDS = {"referral": N_("referral"), "help": N_("help"), "introduction": N_("introduction")}
WIDGET_FOR_INPUT: dict[str, str] = {
    "kind": "to",
    "receiver": "to",
    "giver": "from",
    "with": "with",
    "network": "network",
    "date": "date",
    "meeting": "date",
    "summary": "summary",
    "contact": "contact",
    "contact_details": "details",
    "referral_type": "hotness",
    "hotness": "hotness",
    "value": "value",
}
"""Where each input of :class:`~reciprocity.ledger.entry.Entry` sits on the form (its
widget id; the error line below it is ``#<id>-error``)."""
QUICK_LOG_FIELDS = (
    "to",
    "from",
    "with",
    "network",
    "summary",
    "contact",
    "details",
    "hotness",
    "value",
    "referral-type",
    "date",
    "meeting",
)
"""Every field in screen order: what Tab and shift+Tab walk through."""
TYPED_FIELDS = ("to", "with", "summary", "contact", "details", "hotness", "value")


class QuickLogScreen(FormKeys, LedgerWork):
    """Log a referral, help or introduction in a few keys."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "ctrl+r",
            "kind('referral')",
            N_("Referral"),
            id="quick_log.referral",
            priority=True,
            tooltip=N_("Log a referral."),
        ),
        Binding(
            "ctrl+e",
            "kind('help')",
            N_("Help"),
            id="quick_log.help",
            priority=True,
            tooltip=N_("Log help given."),
        ),
        Binding(
            "ctrl+t",
            "kind('introduction')",
            N_("Intro"),
            id="quick_log.introduction",
            priority=True,
            tooltip=N_("Log an introduction."),
        ),
        Binding(
            "ctrl+o",
            "swap",
            N_("I received"),
            id="quick_log.swap",
            priority=True,
            tooltip=N_("Swap From and To: 'I received'."),
        ),
        Binding(
            "ctrl+s",
            "save",
            N_("Save"),
            id="quick_log.save",
            priority=True,
            tooltip=N_("Save and clear."),
        ),
        Binding(
            "escape",
            "close",
            N_("Close"),
            id="quick_log.close",
            priority=True,
            tooltip=N_("Close the quick log."),
        ),
        Binding(
            "enter",
            "enter",
            N_("Take name"),
            id="quick_log.enter",
            priority=True,
            show=False,
            tooltip=N_("In To, From or With: take the best match and go to Summary."),
        ),
        *form_bindings("quick_log"),
    ]
    AUTO_FOCUS = None
    FIELD_ORDER = QUICK_LOG_FIELDS

    kind: reactive[str] = reactive("referral")

    class ExchangeLogged(Message):
        """Exchanges were logged from the quick log (the app reloads what shows them)."""

        def __init__(self, logged: Logged) -> None:
            super().__init__()
            self.logged = logged

    def __init__(self, *, to_member_id: int | None = None) -> None:
        super().__init__()
        self.to_member_id = to_member_id
        self.matcher: NameMatcher | None = None
        self.choices: dict[str, tuple[int, str] | None] = dict.fromkeys(NAME_FIELDS)
        self.meetings: dict[int, dict[str, Any]] = {}
        self.networks: list[tuple[int, str]] = []
        self.network_pair: tuple[int, int] | None = None
        self.saved_ids: list[int] = []
        self.fellows: set[int] = set()
        self._pending: dict[str, str] = {}
        self._looking_up: tuple[int, int] | None = None
        self._save_waiting = False
        self._saving = False

    def compose(self) -> ComposeResult:
        yield Header()
        yield Label("", id="kind-line")
        with VerticalScroll(id="form"):
            yield Label("", id="form-error", classes="error", markup=False)
            with Horizontal(classes="row"):
                yield Label(_("To"), classes="field-label")
                yield Field(placeholder=_("a few letters of a name"), id="to", compact=True)
            yield Label("", id="to-hint", classes="hint name-hint", markup=False)
            yield Label("", id="to-error", classes="error", markup=False)
            with Horizontal(classes="row"):
                yield Label(_("From"), classes="field-label")
                yield Field(id="from", compact=True)
            yield Label("", id="from-hint", classes="hint name-hint", markup=False)
            yield Label("", id="from-error", classes="error", markup=False)
            with Horizontal(classes="row", id="row-with"):
                yield Label(_("With"), classes="field-label")
                yield Field(placeholder=_("member or outside contact"), id="with", compact=True)
            yield Label("", id="with-hint", classes="hint name-hint", markup=False)
            yield Label("", id="with-error", classes="error", markup=False)
            with Horizontal(classes="row", id="row-network"):
                yield Label(_("Network"), classes="field-label")
                yield Choice[int]([], prompt=_("which network?"), id="network", compact=True)
            yield Label("", id="network-error", classes="error", markup=False)
            with Horizontal(classes="row"):
                yield Label(pgettext("quick log", "Summary"), classes="field-label")
                yield Field(placeholder=_("optional"), id="summary", compact=True)
            yield Label("", id="summary-error", classes="error", markup=False)
            with Horizontal(classes="row", id="row-contact"):
                yield Label(_("Contact"), classes="field-label", id="contact-label")
                yield Field(placeholder=_("optional: name"), id="contact", compact=True)
                yield Field(placeholder=_("phone / e-mail"), id="details", compact=True)
            yield Label("", id="contact-error", classes="error", markup=False)
            yield Label("", id="details-error", classes="error", markup=False)
            with Horizontal(classes="row", id="row-referral"):
                yield Label(_("Hotness"), classes="field-label")
                yield Field(placeholder="1–5", id="hotness", compact=True, max_length=1)
                yield Label(pgettext("quick log", "Value"), classes="inline-label")
                yield Field(placeholder=_("optional estimate"), id="value", compact=True)
                yield Choice(
                    [(_("outside"), "outside"), (_("inside"), "inside")],
                    value="outside",
                    allow_blank=False,
                    id="referral-type",
                    compact=True,
                )
            yield Label("", id="hotness-error", classes="error", markup=False)
            yield Label("", id="value-error", classes="error", markup=False)
            with Horizontal(classes="row"):
                yield Label(_("Date"), classes="field-label")
                yield Field(self.rapp.today().isoformat(), id="date", compact=True)
                yield Choice[int]([], prompt=_("no meeting"), id="meeting", compact=True)
            yield Label("", id="date-hint", classes="hint name-hint", markup=False)
            yield Label("", id="date-error", classes="error", markup=False)
        yield Footer()

    def on_mount(self) -> None:
        # At once, not after a refresh: keys typed right after ``l`` go to To.
        self.set_focus(self.query_one("#to", Input))
        self.query_one("#row-network").display = False
        self._show_kind()
        app = self.rapp
        self._fill_from()
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

    def _fill_from(self) -> None:
        app = self.rapp
        if app.acting_name and app.acting_id is not None:
            self._set_name("from", (app.acting_id, app.acting_name))

    def _fellows_loaded(self, fellows: set[int]) -> None:
        self.fellows = fellows

    def _matcher_loaded(self, matcher: NameMatcher) -> None:
        self.matcher = matcher
        if self.to_member_id is not None:
            for member_id, name in matcher.names:
                if member_id == self.to_member_id:
                    self._set_name("to", (member_id, name))
                    break
        for field, typed in list(self._pending.items()):
            # Enter was pressed before the names were loaded: complete it now, unless the
            # field was changed since.
            if self._input(field).value == typed:
                self._complete(field, move_on=False)
        if self._pending:
            self._pending.clear()
            self.set_focus(self.query_one("#summary", Input))
            self.rapp.release_keys()
        self._resume_save()

    def _meetings_loaded(self, rows: list[dict[str, Any]]) -> None:
        self.meetings = {row["id"]: row for row in rows}
        select: Select[int] = self.query_one("#meeting", Select)
        select.set_options(
            (
                f"{row['held_on']:%Y-%m-%d} {row['title'] or 'meeting'} · {row['network']}"[:44],
                row["id"],
            )
            for row in rows
        )

    # -- helpers ---------------------------------------------------------------------------

    def _input(self, field: str) -> Input:
        return self.query_one(f"#{field}", Input)

    def _text(self, field: str) -> str:
        return self._input(field).value.strip()

    def _other_party(self, field: str) -> int | None:
        """The member named in the opposite name field: never suggested here too."""
        other = {"to": "from", "from": "to", "with": "to"}[field]
        choice = self.choices[other]
        return choice[0] if choice else None

    def _matches(self, field: str, text: str, limit: int) -> list[tuple[int, str]]:
        if self.matcher is None:
            return []
        excluded = {self._other_party(field)}
        if field == "with":
            excluded.add(self.choices["from"][0] if self.choices["from"] else None)
        found = self.matcher.match(text, limit=limit + len(excluded), prefer=self.fellows)
        return [pair for pair in found if pair[0] not in excluded][:limit]

    def _set_name(self, field: str, choice: tuple[int, str]) -> None:
        """Put a chosen member in a name field, the cursor at the end of the name."""
        widget = self._input(field)
        self.choices[field] = choice
        widget.value = choice[1]
        widget.cursor_position = len(choice[1])
        self.show_hint("", field)
        self._names_changed()

    # -- kind ------------------------------------------------------------------------------

    def watch_kind(self) -> None:
        # A key can switch the kind the moment the form is composed, before Textual calls
        # it mounted: show it whenever the form is there.
        if self.query("#kind-line"):
            self._show_kind()

    def _show_kind(self) -> None:
        line = "  ".join(
            f"[reverse] {_(KIND_WORDS[k])} [/]" if k == self.kind else f" {_(KIND_WORDS[k])} "
            for k in KINDS
        )
        self.query_one("#kind-line", Label).update(
            _("Quick log: {kinds}  ctrl+r/e/t switch").format(kinds=line)
        )
        introduction = self.kind == "introduction"
        self.query_one("#row-referral").display = self.kind == "referral"
        self.query_one("#row-with").display = introduction
        self.query_one("#row-contact").display = self.kind != "help"
        self.query_one("#contact").display = not introduction
        self.query_one("#contact-label", Label).update(
            _("Details") if introduction else _("Contact")
        )
        self._input("details").placeholder = (
            _("outside contact's phone / e-mail") if introduction else _("phone / e-mail")
        )
        self.show_hint(self._with_hint(self._text("with")) if introduction else "", "with")

    def action_kind(self, kind: str) -> None:
        """Switch what is logged."""
        self.kind = kind

    # -- names -----------------------------------------------------------------------------

    def _matches_hint(self, field: str, text: str) -> str:
        """``→ A · B`` for the names Enter would choose from, or why there is none."""
        if self.matcher is None or not text.strip():
            return ""
        matches = self._matches(field, text, 4)
        return (
            "→ " + " · ".join(name for _id, name in matches) if matches else _("no member matches")
        )

    def _with_hint(self, text: str) -> str:
        """Whom the introduction's With names: a member, or an outside contact."""
        if self.matcher is None or not text.strip():
            return ""
        member = self.matcher.resolve(text)
        if member is not None:
            return _("member: {name}").format(name=member[1])
        matches = self._matches("with", text, 3)
        if not matches:
            return _("outside contact (no member has this name)")
        names = " · ".join(name for _id, name in matches)
        return _("outside contact (not a member) · Enter takes a member: → {names}").format(
            names=names
        )

    def show_hint(self, text: str, field: str = "to") -> None:
        """The names a name field would take (hidden when empty)."""
        hint = self.query_one(f"#{field}-hint", Label)
        hint.update(text)
        hint.set_class(bool(text), "-shown")

    @on(Input.Changed, "#to, #from, #with")
    def _name_typed(self, event: Input.Changed) -> None:
        if event.value != event.input.value:
            return  # a change since overtaken (the form was cleared and refilled)
        field = event.input.id or "to"
        self.show_error(field, "")
        choice = self.choices[field]
        if choice and event.value != choice[1]:
            self.choices[field] = None
            self._names_changed()
        if field == "with":
            self.show_hint(self._with_hint(event.value), "with")
        else:
            self.show_hint(
                "" if self.choices[field] else self._matches_hint(field, event.value), field
            )

    # -- keys ----------------------------------------------------------------------------
    #
    # Enter, Tab, ctrl+o, ctrl+s and escape are priority bindings: the app runs them before
    # it hands the next key on. Each first lets the focused field take the keys already
    # sent to it (a fast typist's letters may still be queued there), then moves the focus
    # at once, so the next key lands in the right field.

    async def action_enter(self) -> None:
        """In a name field: take the best match and go to Summary; elsewhere as usual."""
        focused = self.focused
        field = focused.id if isinstance(focused, Input) else None
        if field not in NAME_FIELDS:
            raise SkipAction()
        await self.drain()
        if self.matcher is None:
            # The names are still loading: hold what is typed next until they are here.
            self._pending[field] = self._input(field).value
            self.rapp.hold_keys()
            return
        self._complete(field, move_on=True)

    def _complete(self, field: str, *, move_on: bool) -> None:
        """Enter in a name field: the best match goes in (with the cursor at its end)."""
        text = self._input(field).value
        if self.choices[field] is None and text.strip():
            if field == "with" and self.matcher is not None and self.matcher.resolve(text):
                choice = self.matcher.resolve(text)
            else:
                matches = self._matches(field, text, 1)
                choice = matches[0] if matches else None
            if choice is not None:
                self._set_name(field, choice)
            elif field != "with":
                self.show_error(
                    field,
                    _("No member matches '{text}'; type a few letters of a member's name.").format(
                        text=text.strip()
                    ),
                )
                return
        if field == "with":
            self.show_hint(self._with_hint(self._input("with").value), "with")
        if move_on:
            self.set_focus(self.query_one("#summary", Input))

    async def action_swap(self) -> None:
        """I received: swap From and To, then go on typing the giver in From."""
        await self.drain()
        to_input, from_input = self._input("to"), self._input("from")
        to_choice, from_choice = self.choices["to"], self.choices["from"]
        to_text, from_text = to_input.value, from_input.value
        self.choices["to"], self.choices["from"] = from_choice, to_choice
        to_input.value, from_input.value = from_text, to_text
        from_input.cursor_position = len(to_text)
        to_input.cursor_position = len(from_text)
        if to_choice is not None:
            # A completed name moved to From: nothing left to type there.
            self.set_focus(self.query_one("#summary", Input))
        else:
            self.set_focus(from_input)
        self._names_changed()
        # The Changed events drop a choice whose text differs; these run after them.
        self.call_after_refresh(self._rehint)

    def _rehint(self) -> None:
        for field in ("to", "from"):
            text = self._input(field).value
            self.show_hint("" if self.choices[field] else self._matches_hint(field, text), field)

    # -- network and meeting ---------------------------------------------------------------

    def _names_changed(self) -> None:
        """Giver or receiver changed: find the networks they share (in a worker)."""
        giver, receiver = self.choices["from"], self.choices["to"]
        pair = (giver[0], receiver[0]) if giver and receiver else None
        if pair == self.network_pair:
            return
        self.network_pair = pair
        if pair is None or pair[0] == pair[1]:
            self._networks_found(pair, ([], None))
            return
        acting_id, day = self.rapp.acting_id, self._day()

        def find(session: Session) -> tuple[list[tuple[int, str]], int | None]:
            from reciprocity.ledger.entry import network_choices

            return network_choices(
                session=session, giver_id=pair[0], receiver_id=pair[1], acting_id=acting_id, on=day
            )

        # One lookup at a time: a newer pair cancels the older lookup (exclusive group).
        self._looking_up = pair
        self.ledger_call(
            find,
            lambda found: self._networks_found(pair, found),
            group="networks",
            refused=lambda _refusal: self._networks_found(pair, ([], None)),
            failed=lambda: self._networks_found(pair, ([], None)),
        )

    def _networks_found(
        self, pair: tuple[int, int] | None, found: tuple[list[tuple[int, str]], int | None]
    ) -> None:
        if pair == self._looking_up:
            self._looking_up = None
        if pair != self.network_pair:
            return  # an older answer: the names changed since
        choices, default = found
        self.networks = choices
        row = self.query_one("#row-network")
        select: Select[int] = self.query_one("#network", Select)
        if len(choices) > 1:
            select.set_options((name, network_id) for network_id, name in choices)
            meeting = self._meeting()
            chosen = meeting["network_id"] if meeting else default
            if chosen in {network_id for network_id, _ in choices}:
                select.value = chosen
            row.display = True
        else:
            row.display = False
        self._resume_save()

    def _day(self) -> date:
        text = self._text("date")
        try:
            return date.fromisoformat(text)
        except ValueError:
            return self.rapp.today()

    def _meeting(self) -> dict[str, Any] | None:
        value = self.query_one("#meeting", Select).value
        return self.meetings.get(value) if isinstance(value, int) else None

    @on(Select.Changed, "#meeting")
    def _meeting_chosen(self, event: Select.Changed) -> None:
        meeting = self._meeting()
        if meeting is None:
            self._input("date").value = self.rapp.today().isoformat()
            self.show_hint("", "date")
            return
        held: date = meeting["held_on"]
        self._input("date").value = held.isoformat()
        self.show_hint(
            _(
                "the date of {meeting} ({network}); "
                "kept for the next entries until you choose 'no meeting'"
            ).format(meeting=meeting["title"] or _("the meeting"), network=meeting["network"]),
            "date",
        )
        if self.query_one("#row-network").display:
            select: Select[int] = self.query_one("#network", Select)
            if meeting["network_id"] in {network_id for network_id, _name in self.networks}:
                select.value = meeting["network_id"]

    # -- saving ----------------------------------------------------------------------------

    def show_error(self, field: str, message: str) -> None:
        """Put a sentence next to a field (an empty one hides the line)."""
        label = self.query_one(f"#{field}-error", Label)
        label.update(message)
        label.set_class(bool(message), "-shown")

    def _clear_errors(self) -> None:
        for label in self.query(".error").results(Label):
            label.update("")
            label.remove_class("-shown")

    def _entry(self) -> Entry:
        """What was typed, as the ledger's entry use case takes it."""
        kind = self.kind
        meeting = self._meeting()
        network: str | None = None
        if self.query_one("#row-network").display:
            chosen = self.query_one("#network", Select).value
            network = next((name for nid, name in self.networks if nid == chosen), None)
        referral_type = self.query_one("#referral-type", Select).value
        referral = kind == "referral"
        return Entry(
            kind=kind,
            giver=self._text("from"),
            receiver=self._text("to"),
            with_either=(self._text("with") or None) if kind == "introduction" else None,
            network=network,
            date=self._text("date"),
            meeting=meeting["id"] if meeting else None,
            summary=self._text("summary") or None,
            contact=(self._text("contact") or None) if referral else None,
            contact_details=(self._text("details") or None) if kind != "help" else None,
            referral_type=str(referral_type) if referral else None,
            hotness=self._text("hotness") if referral else None,
            value=self._text("value") if referral else None,
        )

    async def action_save(self) -> None:
        """Save through the ledger; on success clear the form for the next entry.

        Keys typed while it saves are held and replayed afterwards, into the cleared form
        (or, after a refusal, where the refusal put the focus)."""
        await self.drain()
        self._start_save()

    def _start_save(self) -> None:
        if self._saving:
            return
        self.rapp.hold_keys()
        if self.matcher is None or self._looking_up or self._pending:
            # ctrl+s came before the names or networks were known: save once they are.
            self._save_waiting = True
            return
        self._clear_errors()
        for field in ("to", "from"):
            # A full name typed without Enter is as good as one chosen.
            if self.choices[field] is None and self.matcher is not None:
                resolved = self.matcher.resolve(self._input(field).value)
                if resolved is not None and resolved[1] == self._text(field):
                    self.choices[field] = resolved
        self._names_changed()
        if self._looking_up:
            self._save_waiting = True
            return
        entry, app = self._entry(), self.rapp
        acting_id, today = app.acting_id, app.today()

        def save(session: Session) -> Logged:
            from reciprocity.ledger.entry import log_exchange

            return log_exchange(session=session, entry=entry, acting_id=acting_id, today=today)

        self._saving = True
        self.ledger_call(
            save, self._saved, group="save", refused=self._refused, failed=self._save_failed
        )

    def _save_failed(self) -> None:
        """The database failed (the app said so): the entry stays as typed."""
        self._saving = False
        self.rapp.release_keys()

    def _resume_save(self) -> None:
        if self._save_waiting and self.matcher is not None and not self._looking_up:
            self._save_waiting = False
            self._start_save()

    def _refused(self, error: LedgerError) -> None:
        """Put the refusal next to the input it concerns and move there."""
        self._saving = False
        widget = WIDGET_FOR_INPUT.get(error.field or "")
        if widget is None:
            self.show_error("form", str(error))
        else:
            if widget == "network":
                self.query_one("#row-network").display = True
            self.show_error(widget, self._sentence(error, widget))
            self.set_focus(self.query_one(f"#{widget}"))
        self.rapp.release_keys()

    def _sentence(self, error: LedgerError, widget: str) -> str:
        """The ledger's sentence; for a name no member has, the TUI's own advice (the CLI's
        ``reciprocity member add`` means nothing here)."""
        if not error.key.startswith("name.unknown_member") or widget not in FIELD_LABELS:
            return str(error)
        typed = str(error.params.get("name", ""))
        best = self._matches(widget, typed, 1)
        if best:
            return _("No member is named '{name}'; press Enter in {field} to take {best}.").format(
                name=typed, field=_(FIELD_LABELS[widget]), best=best[0][1]
            )
        return _(
            "No member is named '{name}'; type a few letters of a member's name "
            "(add new members on the Members screen: 4, then a)."
        ).format(name=typed)

    def _saved(self, logged: Logged) -> None:
        self._saving = False
        self.saved_ids.extend(logged.ids)
        self.app.notify(logged.sentence, title=_("Logged"))
        for field in TYPED_FIELDS:
            self._input(field).value = ""
        self.choices["to"] = self.choices["with"] = None
        for field in NAME_FIELDS:
            self.show_hint("", field)
        # The next entry starts from me again (a received one was swapped).
        self._input("from").value = ""
        self.choices["from"] = None
        self._fill_from()
        self._names_changed()
        self.set_focus(self._input("to"))
        self.post_message(self.ExchangeLogged(logged))
        # Clearing the fields posts their Changed messages; keys held during the save are
        # replayed only after those, so a cleared field never undoes what is typed next.
        self.call_after_refresh(self.rapp.release_keys)

    # -- leaving ---------------------------------------------------------------------------

    @property
    def typed_anything(self) -> bool:
        """Whether leaving now would throw away something typed."""
        if any(self._text(field) for field in TYPED_FIELDS):
            return True
        acting = self.rapp.acting_name or ""
        return self._text("from") not in {"", acting}

    def leave(self, then: Callable[[], None]) -> None:
        """Run ``then`` (which leaves the form), after asking if anything typed would be lost."""
        if not self.typed_anything:
            then()
            return
        from reciprocity.tui.screens.dialogs import ConfirmDialog

        def answered(discard: bool | None) -> None:
            if discard:
                then()

        self.app.push_screen(ConfirmDialog(_("Discard this entry?")), answered)

    async def action_close(self) -> None:
        """Back to where the quick log was opened (asking first if something was typed)."""
        await self.drain()
        self.leave(self._pop)

    def _pop(self) -> None:
        self.dismiss()
