"""Pure checks shared by every way into the ledger: one-off logging and bulk imports.

Nothing here touches the database. Each check returns the clean value or raises a
:class:`LedgerError` with one sentence, so the CLI, the TUI and the CSV importer give the
same message for the same mistake.
"""

import math
import re
import unicodedata
from collections.abc import Mapping, Sequence
from datetime import UTC, date, datetime, timedelta
from typing import Any

from reciprocity.i18n import Term, format_number, pgettext, render
from reciprocity.ledger.errors import LedgerError
from reciprocity.store.models import (
    AttendanceStatus,
    Business,
    ExchangeKind,
    FollowupStatus,
    NetworkKind,
    ReferralType,
    RequestStatus,
    Role,
)
from reciprocity.store.name_keys import name_key

NAME_MAX = 120
SHORT_TEXT_MAX = 200
LONG_TEXT_MAX = 2000
SUMMARY_MAX = 500

TEXT_LIMITS: dict[str, int] = {
    # Names: a person's or a group's full name, shown in every table.
    "member name": NAME_MAX,
    "network name": NAME_MAX,
    "giver": NAME_MAX,
    "receiver": NAME_MAX,
    "network": NAME_MAX,
    "contact name": NAME_MAX,
    # A member's details.
    "company": NAME_MAX,
    "category": 80,
    "email": 254,
    "phone": 40,
    # Short labels.
    "network kind": 80,
    "meeting title": SHORT_TEXT_MAX,
    "topic": SHORT_TEXT_MAX,
    "contact details": SHORT_TEXT_MAX,
    "void reason": SHORT_TEXT_MAX,
    "external_id": SHORT_TEXT_MAX,
    "introduction group": SHORT_TEXT_MAX,
    # Free text: what a give was about, and the notes around it.
    "summary": SUMMARY_MAX,
    "details": LONG_TEXT_MAX,
    "note": LONG_TEXT_MAX,
    "comment": LONG_TEXT_MAX,
}
"""The longest text each field takes, in characters (after trimming, in NFC).

This table is the one place a limit is set: :func:`clean_text` looks a listed field up
here whoever calls it, so a typed command, the TUI and a file import refuse the same
text with the same sentence. Names fit a table cell, a summary is a paragraph, notes
are a page."""

MULTILINE_FIELDS = frozenset({"summary", "details", "note", "comment"})
"""Fields that keep line breaks and tabs; every other text is a single line."""
MAX_AMOUNT = 1_000_000_000
"""A billion: beyond any referral's value, and well inside the two-decimal money column."""
MAX_ID = 2**31 - 1
"""Ids are 32-bit in PostgreSQL; a larger number is a typo (or a file from elsewhere)."""
MAX_WEIGHT = 100
MAX_SLA_DAYS = 365

STEP_RANK: dict[str, int] = {
    FollowupStatus.CONTACTED: 1,
    FollowupStatus.MEETING: 2,
    FollowupStatus.PROPOSAL: 3,
    FollowupStatus.WON: 4,
    FollowupStatus.LOST: 4,
    FollowupStatus.NO_RESPONSE: 4,
}
ENDINGS = frozenset({FollowupStatus.WON, FollowupStatus.LOST, FollowupStatus.NO_RESPONSE})
STEP_ORDER = "contacted → meeting → proposal → won | lost | no_response"


_CONTROL_ANYWHERE = re.compile(r"[\x00-\x1f\x7f-\x9f]")
_CONTROL_BUT_LINES = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def with_article(noun: str) -> str:
    """'a referral', 'an introduction'."""
    return f"{'an' if noun[:1].lower() in 'aeiou' else 'a'} {noun}"


def clean_text(value: str | None, *, field: str, limit: int | None = None) -> str | None:
    """Strip a free-text value; empty becomes ``None``; too long is an error.

    A field listed in :data:`TEXT_LIMITS` always gets that limit (``limit`` is only for
    fields the table does not list). Text is stored in Unicode NFC, so one name typed two
    ways is one name. Control characters are refused (they would reach terminals as
    escape codes); only the free-text fields of :data:`MULTILINE_FIELDS` keep line breaks
    and tabs.
    """
    if value is None:
        return None
    value = value.replace("\r\n", "\n").replace("\r", "\n").strip()
    if not value:
        return None
    if not unicodedata.is_normalized("NFC", value):
        value = unicodedata.normalize("NFC", value)
    if field in TEXT_LIMITS:
        limit, multiline = TEXT_LIMITS[field], field in MULTILINE_FIELDS
    else:
        limit = LONG_TEXT_MAX if limit is None else limit
        multiline = limit > SHORT_TEXT_MAX
    plural = field.endswith("details")
    control = (_CONTROL_BUT_LINES if multiline else _CONTROL_ANYWHERE).search(value)
    if control is not None:
        raise (
            LedgerError(
                "text.control_plural",
                "The {label} contain the control character {character}; use plain text.",
                field=field_key(field),
                label=Term(field),
                character=repr(control.group()),
            )
            if plural
            else LedgerError(
                "text.control",
                "The {label} contains the control character {character}; use plain text.",
                field=field_key(field),
                label=Term(field),
                character=repr(control.group()),
            )
        )
    if len(value) > limit:
        raise (
            LedgerError(
                "text.too_long_plural",
                "The {label} are {length} characters long; the limit is {limit}.",
                field=field_key(field),
                label=Term(field),
                length=len(value),
                limit=limit,
            )
            if plural
            else LedgerError(
                "text.too_long",
                "The {label} is {length} characters long; the limit is {limit}.",
                field=field_key(field),
                label=Term(field),
                length=len(value),
                limit=limit,
            )
        )
    return value


_COLUMN_SEPARATOR = "\uffff"
"""Joins a column's cells for one pass of the checks: a noncharacter, no control character,
and a starter that composes with nothing, so the joined text is in NFC exactly when
every cell is."""


def clean_column(values: Sequence[str], *, field: str) -> list[str | None] | None:
    """:func:`clean_text` over a whole column of a field listed in :data:`TEXT_LIMITS`.

    The column's cells as :func:`clean_text` returns them, when every cell only needs
    trimming; ``None`` when some cell has a carriage return, a control character, text
    not in NFC or is too long: those cells go through :func:`clean_text` one by one,
    which changes or refuses each with its own sentence. The checks run once over the
    joined column, in C, instead of once per cell.
    """
    pattern = _CONTROL_BUT_LINES if field in MULTILINE_FIELDS else _CONTROL_ANYWHERE
    joined = _COLUMN_SEPARATOR.join(values)
    if "\r" in joined or pattern.search(joined) or not unicodedata.is_normalized("NFC", joined):
        return None
    cleaned = [value.strip() or None for value in values]
    if max(map(len, values), default=0) > TEXT_LIMITS[field] and any(
        len(value) > TEXT_LIMITS[field] for value in cleaned if value is not None
    ):
        return None
    return cleaned


_RESERVED_MEMBER_NAME = re.compile(r"former member #\d+")
"""The name a forgotten member keeps (``Former member #id``), compared by its key."""


def check_name(value: str | None, *, field: str) -> str:
    """A member's or a network's new name (``field`` is ``member name`` or ``network
    name``): text within the name limit, without invisible or bidi format characters
    (Unicode Cf, which would make two different rows look like one name, or reorder what
    a list shows), and for a member not the name of a forgotten member."""
    name = require_text(value, field=field)
    hidden = next((char for char in name if unicodedata.category(char) == "Cf"), None)
    if hidden is not None:
        raise LedgerError(
            "name.format_character",
            "The {label} contains the invisible character U+{code}; type the name without it.",
            field="name",
            label=Term(field),
            code=f"{ord(hidden):04X}",
        )
    if field == "member name" and _RESERVED_MEMBER_NAME.fullmatch(name_key(name)):
        raise LedgerError(
            "member.name_reserved",
            "Names like '{name}' are kept for forgotten members; choose another name.",
            field="name",
            name=name,
        )
    return name


def require_text(value: str | None, *, field: str, limit: int | None = None) -> str:
    """Like :func:`clean_text`, but the value must be present."""
    cleaned = clean_text(value, field=field, limit=limit)
    if cleaned is None:
        raise LedgerError(
            "text.empty",
            "The {label} must not be empty.",
            field=field_key(field),
            label=Term(field),
        )
    return cleaned


def field_key(label: str) -> str:
    """The input a field's label names, as errors carry it: ``"start date"`` → ``start_date``."""
    return label.replace(" ", "_")


def parse_date(text: str | date, *, field: str = "date", today: date | None = None) -> date:
    """Read ``YYYY-MM-DD`` or ``today``."""
    if isinstance(text, date):
        return text
    raw = text.strip()
    if raw.lower() == "today":
        return today or date.today()
    try:
        if len(raw) != 10:
            raise ValueError(raw)
        return date.fromisoformat(raw)
    except ValueError:
        raise LedgerError(
            "date.invalid",
            "The {label} '{text}' is not a date; use YYYY-MM-DD or 'today'.",
            field=field_key(field),
            label=Term(field),
            text=text,
        ) from None


EARTH_LEAD = timedelta(hours=14)
"""How far the clocks of the earliest time zone (UTC+14, Kiritimati) run ahead of UTC."""
CLOCK_SKEW = timedelta(minutes=5)
"""How much later than this machine's clock another machine's timestamp may be."""


def latest_today(now: datetime | None = None) -> date:
    """The newest date that has begun somewhere on Earth: today in UTC+14.

    The rule for "the future" everywhere (logging, imports and ``db check``): a business
    date is in the future only when no time zone has reached it yet. A member who logs
    "today" in Kiritimati writes a date that is tomorrow in UTC; the ledger in UTC, its
    ``db check`` and an import of its export must all accept it. A date typed as
    ``today`` is still the machine's own local date.
    """
    return ((now or datetime.now(UTC)).astimezone(UTC) + EARTH_LEAD).date()


def check_not_future(value: date, *, what: str, today: date | None = None) -> date:
    """Business dates are facts about the past: refuse one that no time zone has reached
    (:func:`latest_today`); ``today`` pins the last allowed day instead (tests)."""
    today = today or latest_today()
    if value > today:
        raise LedgerError(
            "date.future",
            "The {label} {day} is in the future; log it on or after that day.",
            field=field_key(what),
            label=Term(what),
            day=value.isoformat(),
        )
    return value


def check_choice(
    value: str,
    *,
    field: str,
    choices: type[ExchangeKind]
    | type[ReferralType]
    | type[FollowupStatus]
    | type[Business]
    | type[Role]
    | type[RequestStatus]
    | type[AttendanceStatus],
) -> str:
    """The value must be one of an enum's values (case-insensitive)."""
    lowered = value.strip().lower()
    allowed = [item.value for item in choices]
    if lowered not in allowed:
        raise LedgerError(
            "choice.unknown",
            "The {label} '{value}' is not one of: {choices}.",
            field=field_key(field),
            label=Term(field),
            value=value,
            choices=", ".join(allowed),
        )
    return lowered


def check_void_moment(
    voided_at: datetime, occurred_on: date, *, now: datetime | None = None
) -> None:
    """A void happened after the exchange's day began (anywhere) and not after now.

    A timestamp is absolute, so "now" needs no time zone, but another machine's clock may
    run a little ahead (:data:`CLOCK_SKEW`). Its date is compared with the exchange's as
    the latest date it had anywhere on Earth, since the exchange's date may be a UTC+14 one.
    """
    moment = voided_at.astimezone(UTC)
    if moment > (now or datetime.now(UTC)) + CLOCK_SKEW:
        raise LedgerError(
            "void.in_future",
            "The voided_at {moment} is in the future; a void is recorded when it happens.",
            field="voided_at",
            moment=moment.isoformat(),
        )
    if (moment + EARTH_LEAD).date() < occurred_on:
        raise LedgerError(
            "void.before_exchange",
            "The voided_at {moment} is before the exchange's date {day}; a void comes after "
            "what it voids.",
            field="voided_at",
            moment=moment.isoformat(),
            day=occurred_on.isoformat(),
        )


_NO_AMOUNT = 1e15
"""Beyond this an amount is not echoed back: it is a typo, and its digits would fill a line."""


def check_amount(value: float | None, *, field: str) -> float | None:
    """Money is an amount from zero to :data:`MAX_AMOUNT`, kept to the cent.

    Every sentence says the limit in plain numbers, never ``inf``, ``nan`` or ``1e+09``.
    """
    if value is None:
        return None
    if not math.isfinite(value) or abs(value) > _NO_AMOUNT:
        raise LedgerError(
            "amount.not_an_amount",
            "The {label} must be an amount from 0 to {limit}.",
            field=field_key(field),
            label=Term(field),
            limit=format_number(MAX_AMOUNT),
        )
    cents = round(value, 2)
    if cents < 0:
        raise LedgerError(
            "amount.negative",
            "The {label} must be zero or more, not {value}.",
            field=field_key(field),
            label=Term(field),
            value=format_number(cents, 0 if cents == int(cents) else 2),
        )
    if cents > MAX_AMOUNT:
        raise LedgerError(
            "amount.too_large",
            "The {label} is more than {limit}, the most any deal is worth; check the amount.",
            field=field_key(field),
            label=Term(field),
            limit=format_number(MAX_AMOUNT),
        )
    return cents


def check_scale(value: int | None, *, field: str) -> int | None:
    """Hotness and ratings run from 1 to 5."""
    if value is None:
        return None
    if not 1 <= value <= 5:
        raise LedgerError(
            "scale.range",
            "The {label} must be from 1 to 5, not {value}.",
            field=field_key(field),
            label=Term(field),
            value=value,
        )
    return value


def is_member_on(joined_on: date | None, left_on: date | None, day: date) -> bool:
    """A membership covers ``day``: joined (or joining date unknown) and not yet left."""
    return (joined_on is None or joined_on <= day) and (left_on is None or left_on >= day)


def check_not_self(giver_id: int, receiver_id: int, *, name: str) -> None:
    """Every give is someone else's take."""
    if giver_id == receiver_id:
        raise LedgerError(
            "exchange.self",
            "{name} cannot give to themselves; giver and receiver must differ.",
            field="receiver",
            name=name,
        )


def check_next_step(
    *,
    exchange_id: int,
    last_status: str | None,
    last_date: date | None,
    referral_date: date,
    status: str,
    occurred_on: date,
    value: float | None,
    business: str | None,
    today: date | None = None,
) -> None:
    """A follow-up step moves a referral forward only, and is dated in order."""
    if last_status in ENDINGS:
        raise LedgerError(
            "step.after_ending",
            "Referral #{id} already ended as {status}; no step can follow an ending.",
            field="status",
            id=exchange_id,
            status=last_status,
        )
    if last_status is not None and STEP_RANK[status] <= STEP_RANK[last_status]:
        raise LedgerError(
            "step.backward",
            "Referral #{id} is already at '{status}'; steps move forward only ({order}).",
            field="status",
            id=exchange_id,
            status=last_status,
            order=STEP_ORDER,
        )
    if occurred_on < referral_date:
        raise LedgerError(
            "step.before_referral",
            "The step date {day} is before the referral's date {referral_day}.",
            field="date",
            day=occurred_on.isoformat(),
            referral_day=referral_date.isoformat(),
        )
    if last_date is not None and occurred_on < last_date:
        raise LedgerError(
            "step.before_previous",
            "The step date {day} is before the previous step's date {previous_day}.",
            field="date",
            day=occurred_on.isoformat(),
            previous_day=last_date.isoformat(),
        )
    check_not_future(occurred_on, what="step date", today=today)
    if status == FollowupStatus.WON:
        if value is None or business is None:
            raise LedgerError(
                "step.won_needs_value",
                "A won step needs its business value (zero or more) and whether the business "
                "is new or repeat.",
                field="value" if value is None else "business",
            )
    elif value is not None or business is not None:
        raise LedgerError(
            "step.value_not_won",
            "Only a won step carries a value and new/repeat business.",
            field="value" if value is not None else "business",
        )


MAX_MEETING_HOURS = 24


def check_meeting_hours(hours: float | None) -> float | None:
    """Hours a meeting takes with travel: more than 0, at most a day."""
    if hours is None:
        return None
    if not math.isfinite(hours) or not 0 < hours <= MAX_MEETING_HOURS:
        raise LedgerError(
            "costs.meeting_hours_range",
            "A meeting takes more than 0 and at most {limit} hours, not {hours:g}.",
            field="meeting_hours",
            limit=MAX_MEETING_HOURS,
            hours=hours,
        )
    return round(hours, 2)


def check_currency(code: str) -> str:
    """An ISO 4217 currency code that Babel can format (EUR, GBP, USD …)."""
    from babel.numbers import list_currencies

    clean = code.strip().upper()
    if clean not in list_currencies():
        raise LedgerError(
            "costs.currency_unknown",
            "'{code}' is not a currency code; use ISO 4217 codes such as EUR, GBP or USD.",
            field="currency",
            code=code.strip(),
        )
    return clean


def check_network_kind(kind: str) -> str:
    """One of the kinds of group Reciprocity knows (any case)."""
    lowered = kind.strip().lower()
    known = [item.value for item in NetworkKind]
    if lowered not in known:
        raise LedgerError(
            "network.kind_unknown",
            "'{kind}' is not a kind of network; choose one of: {kinds}.",
            field="kind",
            kind=kind.strip(),
            kinds=", ".join(known),
        )
    return lowered


def check_email(email: str | None) -> str | None:
    """An email address, loosely: something with an ``@`` and no spaces."""
    cleaned = clean_text(email, field="email")
    if cleaned is not None and ("@" not in cleaned or " " in cleaned):
        raise LedgerError(
            "email.invalid",
            "The email '{email}' is not an email address.",
            field="email",
            email=cleaned,
        )
    return cleaned


def check_sla_days(sla_days: int) -> int:
    """Days within which a received referral should get its first step."""
    if not 0 <= sla_days <= MAX_SLA_DAYS:
        raise LedgerError(
            "network.sla_range",
            "The follow-up SLA must be from 0 to {limit} days, not {days}.",
            field="sla_days",
            limit=MAX_SLA_DAYS,
            days=sla_days,
        )
    return sla_days


def check_weights(weights: Mapping[str, Any]) -> dict[str, int]:
    """Points per exchange kind: known kinds, whole numbers from 0 to ``MAX_WEIGHT``."""
    if not isinstance(weights, Mapping):
        raise LedgerError(
            "weights.not_object",
            'The weights must be a JSON object like {{"referral": 3, "help": 1}}.',
            field="weights",
        )
    clean: dict[str, int] = {}
    for kind, weight in weights.items():
        clean_kind = check_choice(str(kind), field="exchange kind", choices=ExchangeKind)
        if isinstance(weight, bool) or not isinstance(weight, int):
            raise LedgerError(
                "weights.not_whole",
                "The weight of {kind} must be a whole number, not {weight}.",
                field="weights",
                kind=Term(clean_kind),
                weight=weight,
            )
        if not 0 <= weight <= MAX_WEIGHT:
            raise LedgerError(
                "weights.range",
                "The weight of {kind} must be from 0 to {limit}, not {weight}.",
                field="weights",
                kind=Term(clean_kind),
                limit=MAX_WEIGHT,
                weight=weight,
            )
        clean[clean_kind] = weight
    return clean


KIND_ONLY_FIELDS: dict[str, tuple[frozenset[str], str]] = {
    "contact_name": (
        frozenset({ExchangeKind.REFERRAL, ExchangeKind.INTRODUCTION}),
        "referrals and introductions",
    ),
    "contact_details": (
        frozenset({ExchangeKind.REFERRAL, ExchangeKind.INTRODUCTION}),
        "referrals and introductions",
    ),
    "referral_type": (frozenset({ExchangeKind.REFERRAL}), "referrals"),
    "hotness": (frozenset({ExchangeKind.REFERRAL}), "referrals"),
    "estimated_value": (frozenset({ExchangeKind.REFERRAL}), "referrals"),
    "introduction_group": (frozenset({ExchangeKind.INTRODUCTION}), "introductions"),
    "acknowledged_at": (frozenset({ExchangeKind.REFERRAL}), "referrals"),
}
"""Fields only some kinds carry: ``log_help`` takes no contact, ``log_introduction`` no hotness."""


def clean_exchange_fields(kind: str, fields: dict[str, Any]) -> None:
    """Clean an exchange's free fields in place; the one check for logging and imports alike.

    ``kind`` and any ``referral_type`` must already be clean choices. Absent fields become
    ``None``, so the dict can be handed to the table as it is.
    """
    for name in (*KIND_ONLY_FIELDS, "summary", "voided_at", "void_reason"):
        fields.setdefault(name, None)
    for name in ("summary", "contact_name", "contact_details", "introduction_group", "void_reason"):
        fields[name] = clean_text(fields[name], field=name.replace("_", " "))
    fields["hotness"] = check_scale(fields["hotness"], field="hotness")
    fields["estimated_value"] = check_amount(fields["estimated_value"], field="estimated value")
    for name, (kinds, carriers) in KIND_ONLY_FIELDS.items():
        if fields[name] is not None and kind not in kinds:
            raise LedgerError(
                "exchange.field_not_for_kind",
                "{a_kind} has no {label}; only {carriers} carry one.",
                field=name,
                a_kind=Term(with_article(kind).capitalize()),
                label=Term(name.replace("_", " ")),
                carriers=Term(carriers),
            )
    introduction = kind == ExchangeKind.INTRODUCTION
    outside, two_members = fields["contact_name"], fields["introduction_group"]
    if introduction and outside and two_members:
        raise LedgerError(
            "introduction.both",
            "An introduction is either to an outside contact (contact_name) or between two "
            "members (introduction_group), not both.",
            field="contact_name",
        )
    if introduction and not outside and not two_members:
        raise LedgerError(
            "introduction.neither",
            "An introduction names an outside contact (contact_name) or pairs two members "
            "(introduction_group).",
            field="contact_name",
        )
    if fields["voided_at"] is not None and fields["void_reason"] is None:
        raise LedgerError(
            "void.needs_reason_column",
            "A voided exchange needs its void_reason, for the audit trail.",
            field="void_reason",
        )
    if fields["voided_at"] is None and fields["void_reason"] is not None:
        raise LedgerError(
            "void.reason_without_time",
            "A void_reason needs the voided_at timestamp it explains.",
            field="voided_at",
        )


def close_names(typed: str, names: Sequence[str], *, limit: int = 3) -> list[str]:
    """The names a typo most likely meant (rapidfuzz), best first; empty when none is close."""
    from rapidfuzz import fuzz, process, utils

    found = process.extract(
        typed,
        names,
        scorer=fuzz.WRatio,
        processor=utils.default_process,
        limit=limit,
        score_cutoff=70,
    )
    return [name for name, _score, _index in found]


def unknown_name_error(
    kind: str, typed: str, names: Sequence[str], *, add_command: str, field: str | None = None
) -> LedgerError:
    """'No member is named X' with the closest names, and how to add a new one."""
    close = close_names(typed, names)
    params = {"name": typed, "command": f'{add_command} "{typed}"', "close": " or ".join(close)}
    member = kind == "member"
    if close:
        return (
            LedgerError(
                "name.unknown_member_close",
                "No member is named '{name}' (did you mean {close}?); "
                "add them first with: {command}.",
                field=field or kind,
                **params,
            )
            if member
            else LedgerError(
                "name.unknown_network_close",
                "No network is named '{name}' (did you mean {close}?); "
                "add it first with: {command}.",
                field=field or kind,
                **params,
            )
        )
    return (
        LedgerError(
            "name.unknown_member",
            "No member is named '{name}'; add them first with: {command}.",
            field=field or kind,
            **params,
        )
        if member
        else LedgerError(
            "name.unknown_network",
            "No network is named '{name}'; add it first with: {command}.",
            field=field or kind,
            **params,
        )
    )


IntroductionHalf = tuple[int, int, int, date]
"""One exchange of a two-member introduction: (line, giver id, network id, date); line 0
stands for an exchange already in the ledger."""


def check_introduction_pairs(
    groups: Mapping[str, Sequence[IntroductionHalf]], *, file: str | None = None
) -> list[str]:
    """A shared ``introduction_group`` pairs exactly two exchanges by one introducer, in one
    network, on one day; one ``line N: …`` problem for each group that does not."""
    problems: list[str] = []
    for group, halves in groups.items():
        line = next((half[0] for half in halves if half[0]), 0)
        if len(halves) != 2:
            problem = LedgerError(
                "import.introduction_group_size",
                "the introduction group '{group}' has {count} exchanges; a group pairs exactly "
                "two.",
                group=group,
                count=len(halves),
            )
        elif len({half[1:] for half in halves}) != 1:
            problem = LedgerError(
                "import.introduction_group_differs",
                "the two halves of introduction group '{group}' differ in introducer, network "
                "or date.",
                group=group,
            )
        else:
            continue
        problems.append(line_problem(line, problem, file=file))
    return problems


def line_problem(line: int, error: LedgerError, *, file: str | None = None) -> str:
    """``line N: sentence`` (or ``FILE line N: sentence``) for an import's list of bad rows."""
    if file is None:
        return render(
            pgettext("import.line", "line {line}: {problem}"), {"line": line, "problem": error}
        )
    return render(
        pgettext("import.file_line", "{file} line {line}: {problem}"),
        {"file": file, "line": line, "problem": error},
    )
