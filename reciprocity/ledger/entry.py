"""One way in: what a person typed after a meeting, logged as exchanges.

Both faces call :func:`log_exchange` with an :class:`Entry` holding the text as typed:
``reciprocity log referral Anna Bob --value 2500`` and the quick log's fields alike. It
resolves names, reads the date and the numbers, decides whether an introduction's
"with" is a member or an outside contact, picks the call by kind, and returns the new
ids with the sentence to show. Neither face resolves a name or applies an exchange rule
itself.

Every refusal is a :class:`~reciprocity.ledger.errors.LedgerError` whose ``field`` is one
of :data:`INPUTS`, the entry's own fields, so a face puts it next to what was typed.

:func:`network_choices` answers the quick log's question "which network?" for two members
who share more than one: the one last used for that pair, else the one where the acting
member is most active.
"""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session

from reciprocity.i18n import _, locale_name
from reciprocity.ledger.errors import LedgerError
from reciprocity.ledger.members import resolve_member
from reciprocity.ledger.names import find_id_by_name
from reciprocity.ledger.networks import member_network_ids, resolve_network
from reciprocity.ledger.rules import check_choice, clean_text, parse_date
from reciprocity.store.models import Exchange, ExchangeKind, Member, Network, ReferralType
from reciprocity.store.tables import table_of

INPUTS = (
    "kind",
    "giver",
    "receiver",
    "with",
    "network",
    "date",
    "meeting",
    "summary",
    "contact",
    "contact_details",
    "referral_type",
    "hotness",
    "value",
    "answers",
    "offer",
)
"""The inputs of an entry; every error :func:`log_exchange` raises names one (or none)."""

KIND_ALIASES = {"intro": ExchangeKind.INTRODUCTION}

_FIELD_OF: dict[str, str] = {
    "occurred_on": "date",
    "step_date": "date",
    "estimated_value": "value",
    "contact_name": "contact",
    "meeting_id": "meeting",
    "network_id": "network",
    "member": "receiver",
}
"""Deeper checks name columns; the entry names its inputs."""


@dataclass(frozen=True)
class Entry:
    """What a person typed. Text stays text: the use case reads it.

    For an introduction, the other party is ``with_member`` (a member, as ``--with``),
    ``with_contact`` (an outside contact, as ``--with-contact``), or ``with_either``: a
    member if one has that name (exactly, or as a unique prefix), else an outside contact;
    that is the quick log's With field.
    """

    kind: str = ExchangeKind.REFERRAL
    giver: str = ""
    receiver: str = ""
    with_member: str | None = None
    with_contact: str | None = None
    with_either: str | None = None
    network: str | None = None
    date: str | None = None
    meeting: int | None = None
    summary: str | None = None
    contact: str | None = None
    contact_details: str | None = None
    referral_type: str | None = None
    hotness: str | int | None = None
    value: str | float | None = None
    answers: int | None = None
    offer: int | None = None


@dataclass(frozen=True)
class Logged:
    """What was saved: the new ids, who took part, and the sentence to show."""

    ids: tuple[int, ...]
    kind: str
    giver: str
    receiver: str
    network: str
    with_name: str | None
    with_is_contact: bool
    sentence: str


def log_exchange(
    *, session: Session, entry: Entry, acting_id: int | None, today: date | None = None
) -> Logged:
    """Log what ``entry`` says, as ``acting_id`` (``None``: the ledger's owner).

    Everything is checked before anything is written; a refusal is one
    :class:`LedgerError` placed on an input, and then nothing changed.
    """
    from reciprocity.ledger import exchanges

    kind = _kind(entry.kind)
    if not entry.receiver.strip():
        raise LedgerError(
            "entry.no_receiver", "Say who received it: type a member's name.", field="receiver"
        )
    if not entry.giver.strip():
        raise LedgerError("entry.no_giver", "Say who gave it: type a member's name.", field="giver")
    receiver = resolve_member(session=session, name=entry.receiver, field="receiver")
    giver = resolve_member(session=session, name=entry.giver, field="giver")
    assert giver.id is not None and receiver.id is not None
    network_id = _network_id(session, entry.network)
    occurred_on = _date(entry, today)
    common: dict[str, Any] = {
        "session": session,
        "giver_id": giver.id,
        "receiver_id": receiver.id,
        "network_id": network_id,
        "occurred_on": occurred_on,
        "meeting_id": entry.meeting,
        "summary": entry.summary,
        "created_by": acting_id,
        "today": today,
    }
    with_name: str | None = None
    with_is_contact = False
    try:
        if kind == ExchangeKind.REFERRAL:
            made = [
                exchanges.log_referral(
                    contact_name=entry.contact,
                    contact_details=entry.contact_details,
                    referral_type=entry.referral_type or ReferralType.OUTSIDE,
                    hotness=_hotness(entry.hotness),
                    estimated_value=_value(entry.value),
                    **common,
                )
            ]
        elif kind == ExchangeKind.HELP:
            if entry.contact or entry.contact_details:
                raise LedgerError(
                    "entry.help_contact",
                    "Help names no outside contact; leave Contact empty or log a referral.",
                    field="contact",
                )
            made = [
                exchanges.log_help(
                    answers_ask_id=entry.answers, takes_offer_id=entry.offer, **common
                )
            ]
        else:
            other, contact = _with(session, entry)
            with_name = other.name if other is not None else contact
            with_is_contact = other is None
            made = exchanges.log_introduction(
                introducer_id=common.pop("giver_id"),
                member_id=common.pop("receiver_id"),
                with_member_id=other.id if other is not None else None,
                with_contact=contact,
                contact_details=entry.contact_details,
                **common,
            )
    except LedgerError as error:
        raise _placed(error, kind) from None
    network = session.get(Network, made[0].network_id)
    assert network is not None
    ids = tuple(exchange.id for exchange in made if exchange.id is not None)
    return Logged(
        ids=ids,
        kind=kind,
        giver=giver.name,
        receiver=receiver.name,
        network=network.name,
        with_name=with_name,
        with_is_contact=with_is_contact,
        sentence=_sentence(
            kind, ids, giver.name, receiver.name, network.name, with_name, with_is_contact
        ),
    )


def _kind(text: str) -> str:
    lowered = text.strip().lower()
    return KIND_ALIASES.get(lowered) or check_choice(lowered, field="kind", choices=ExchangeKind)


def _network_id(session: Session, name: str | None) -> int | None:
    if name is None or not name.strip():
        return None
    try:
        return resolve_network(session=session, name=name).id
    except LedgerError as error:
        raise error.for_field("network") from None


def _date(entry: Entry, today: date | None) -> date | None:
    """Today by default, or the meeting's day when a meeting is named and no date typed."""
    text = (entry.date or "").strip()
    if entry.meeting is not None and text.lower() in {"", "today"}:
        return None
    return parse_date(text or "today", field="date", today=today)


def _hotness(value: str | int | None) -> int | None:
    if value is None or isinstance(value, int):
        return value
    text = value.strip()
    if not text:
        return None
    if not text.isdigit():
        raise LedgerError(
            "entry.hotness_not_number",
            "The hotness '{text}' is not a number from 1 to 5.",
            field="hotness",
            text=text,
        )
    return int(text)


def _value(value: str | float | None) -> float | None:
    """A typed amount in the user's own notation: ``2500``, ``2,500.50`` or ``2.500,50``."""
    if value is None or isinstance(value, float | int):
        return value
    text = value.strip().lstrip("€$£").strip().replace(" ", "")
    if not text:
        return None
    from babel.numbers import NumberFormatError, parse_decimal

    try:
        amount: Decimal = parse_decimal(text, locale=locale_name(), strict=True)
    except NumberFormatError:
        try:
            # A plain number in the other notation (``2500.5`` typed in Dutch) is clear too.
            amount = Decimal(text) if text.replace(".", "", 1).isdigit() else Decimal("nan")
        except ArithmeticError:
            amount = Decimal("nan")
        if amount.is_nan():
            raise LedgerError(
                "entry.value_not_number",
                "The estimated value '{text}' is not a number; type e.g. 2500.",
                field="value",
                text=text,
            ) from None
    return float(amount)


def _with(session: Session, entry: Entry) -> tuple[Member | None, str | None]:
    """The introduction's other party: a member, or an outside contact's name."""
    given = [v for v in (entry.with_member, entry.with_contact, entry.with_either) if v]
    if len(given) != 1:
        raise LedgerError(
            "introduction.member_or_contact",
            "An introduction needs exactly one of: another member, or an outside contact.",
            field="with",
        )
    if entry.with_member:
        return resolve_member(session=session, name=entry.with_member, field="with"), None
    if entry.with_contact:
        return None, clean_text(entry.with_contact, field="contact name")
    typed = entry.with_either or ""
    try:
        member_id = find_id_by_name(session=session, table=Member, name=typed, field="with")
    except LedgerError as error:
        if not error.key.startswith(("name.unknown", "name.ambiguous")):
            raise
        return None, clean_text(typed, field="contact name")
    member = session.get(Member, member_id)
    return member, None


def _placed(error: LedgerError, kind: str) -> LedgerError:
    """An error from a deeper check, placed on the entry's own input."""
    field = _FIELD_OF.get(error.field or "", error.field)
    if kind == ExchangeKind.INTRODUCTION and field == "contact":
        field = "with"
    if field is not None and field not in INPUTS:
        field = None
    return error if field == error.field else error.for_field(field)


def _sentence(
    kind: str,
    ids: tuple[int, ...],
    giver: str,
    receiver: str,
    network: str,
    with_name: str | None,
    with_is_contact: bool,
) -> str:
    values = {"giver": giver, "receiver": receiver, "network": network, "other": with_name}
    if kind == ExchangeKind.REFERRAL:
        text = _("Referral #{id} logged: {giver} → {receiver} ({network}).")
    elif kind == ExchangeKind.HELP:
        text = _("Help #{id} logged: {giver} → {receiver} ({network}).")
    elif with_is_contact:
        text = _(
            "Introduction #{id} logged: {giver} introduced {receiver} to {other}, "
            "an outside contact ({network})."
        )
    else:
        text = _(
            "Introduction #{id} and #{second} logged: {giver} introduced {receiver} "
            "and {other} ({network})."
        )
    return text.format(id=ids[0], second=ids[-1], **values)


def network_choices(
    *,
    session: Session,
    giver_id: int,
    receiver_id: int,
    acting_id: int | None,
    on: date,
) -> tuple[list[tuple[int, str]], int | None]:
    """The networks an exchange between two members can go to on ``on``, and the one to
    suggest: the network of their latest exchange, else the acting member's busiest."""
    shared = member_network_ids(session=session, member_id=giver_id, on=on) & member_network_ids(
        session=session, member_id=receiver_id, on=on
    )
    if not shared:
        return [], None
    networks = table_of(Network)
    rows = session.execute(
        sa.select(networks.c.id, networks.c.name)
        .where(networks.c.id.in_(sorted(shared)), networks.c.active.is_(True))
        .order_by(networks.c.name)
    ).all()
    choices = [(int(row.id), str(row.name)) for row in rows]
    ids = [network_id for network_id, _name in choices]
    if len(choices) <= 1:
        return choices, ids[0] if ids else None
    table = table_of(Exchange)
    pair = sa.or_(
        sa.and_(table.c.giver_id == giver_id, table.c.receiver_id == receiver_id),
        sa.and_(table.c.giver_id == receiver_id, table.c.receiver_id == giver_id),
    )
    last = session.execute(
        sa.select(table.c.network_id)
        .where(pair, table.c.network_id.in_(ids), table.c.voided_at.is_(None))
        .order_by(table.c.occurred_on.desc(), table.c.id.desc())
        .limit(1)
    ).scalar()
    if last is not None:
        return choices, int(last)
    if acting_id is not None:
        mine = sa.or_(table.c.giver_id == acting_id, table.c.receiver_id == acting_id)
        busiest = session.execute(
            sa.select(table.c.network_id)
            .where(mine, table.c.network_id.in_(ids), table.c.voided_at.is_(None))
            .group_by(table.c.network_id)
            .order_by(sa.func.count().desc(), table.c.network_id)
            .limit(1)
        ).scalar()
        if busiest is not None:
            return choices, int(busiest)
    return choices, ids[0]
