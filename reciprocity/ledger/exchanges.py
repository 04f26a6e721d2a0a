"""Logging what members give each other: referrals, help and introductions.

Every function validates everything before it writes, then writes in one transaction:
a :class:`LedgerError` means the database is unchanged. Exchanges are never deleted; a
wrong one is voided with a reason and drops out of every metric.

Who may write is checked here, so every face shares it. ``created_by`` (logging) and
``acting_id`` (voiding) name the acting member; ``None`` is the ledger's local owner, who
may do anything. A member logs exchanges they give or receive and voids those they gave;
an organiser may do both for anyone in the networks they organise.

Who may *read* an exchange's outside contact (``contact_name``, ``contact_details``) is
checked here too: its giver, its receiver, an organiser of its network and the owner.
:func:`iter_exchanges` and :func:`hide_contact` blank it for anyone else and say so in
``contact_hidden``.
"""

import uuid
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date
from functools import partial
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, col, select

from reciprocity.i18n import N_, Term
from reciprocity.ledger.errors import LedgerError
from reciprocity.ledger.members import get_member
from reciprocity.ledger.networks import (
    get_meeting,
    get_network,
    may_act,
    organisers_of,
    require_membership,
    shared_network,
)
from reciprocity.ledger.requests import open_request
from reciprocity.ledger.roles import may_see_contact, organised_network_ids
from reciprocity.ledger.rules import (
    check_choice,
    check_not_future,
    check_not_self,
    clean_exchange_fields,
    clean_text,
    require_text,
    with_article,
)
from reciprocity.store.locks import lock_row
from reciprocity.store.models import (
    Ask,
    Exchange,
    ExchangeKind,
    Member,
    Network,
    Offer,
    ReferralType,
    RequestStatus,
)
from reciprocity.store.tables import table_of
from reciprocity.store.types import utcnow


def new_external_id() -> str:
    """A stable identity for an exchange, kept across export and import."""
    return uuid.uuid4().hex


@dataclass(frozen=True)
class _Parties:
    giver: Member
    receiver: Member
    network: Network
    meeting_id: int | None
    occurred_on: date


def _prepare(
    session: Session,
    *,
    giver_id: int,
    receiver_id: int,
    network_id: int | None,
    occurred_on: date | None,
    meeting_id: int | None,
    today: date | None,
) -> _Parties:
    giver = _party(session, member_id=giver_id, field="giver")
    receiver = _party(session, member_id=receiver_id, field="receiver")
    check_not_self(giver_id, receiver_id, name=giver.name)
    for member, field in ((giver, "giver"), (receiver, "receiver")):
        if not member.active:
            raise LedgerError(
                "exchange.member_deactivated",
                "{name} is deactivated and takes part in no new exchanges.",
                field=field,
                name=member.name,
            )
    meeting = get_meeting(session=session, meeting_id=meeting_id) if meeting_id else None
    if network_id is None and meeting is not None:
        network_id = meeting.network_id
    when = (
        occurred_on or (meeting.held_on if meeting is not None else None) or today or date.today()
    )
    check_not_future(when, what="date", today=today)
    if network_id is None:
        network = shared_network(
            session=session, first=giver, second=receiver, on=when, field="receiver"
        )
    else:
        network = get_network(session=session, network_id=network_id)
        for member, field in ((giver, "giver"), (receiver, "receiver")):
            require_membership(
                session=session, member=member, network=network, on=when, field=field
            )
    if not network.active:
        raise LedgerError(
            "exchange.network_deactivated",
            "{network} is deactivated and takes no new exchanges.",
            field="network",
            network=network.name,
        )
    if meeting is not None and meeting.network_id != network.id:
        raise LedgerError(
            "exchange.meeting_other_network",
            "Meeting #{id} belongs to another network than {network}.",
            field="meeting",
            id=meeting.id,
            network=network.name,
        )
    return _Parties(giver, receiver, network, meeting_id, when)


def _party(session: Session, *, member_id: int, field: str) -> Member:
    """The giver or the receiver; an unknown id is an error placed on that input."""
    try:
        return get_member(session=session, member_id=member_id)
    except LedgerError as error:
        raise error.for_field(field) from None


def _check_writer(
    session: Session, *, writer_id: int | None, kind: str, parties: Sequence[_Parties]
) -> None:
    """A member logs only what they give or receive; an organiser logs for their network."""
    people = {member.id: member.name for p in parties for member in (p.giver, p.receiver)}
    network = parties[0].network
    assert network.id is not None
    party_ids = {member_id for member_id in people if member_id is not None}
    if may_act(session=session, acting_id=writer_id, party_ids=party_ids, network_ids={network.id}):
        return
    names = ", ".join(people.values())
    raise LedgerError(
        "role.log_exchange",
        "Only {names} or an organiser of {network} may log this {kind}: "
        "members log what they give or receive.",
        field=None,
        names=names,
        network=network.name,
        kind=Term(kind),
    )


def _new_exchange(
    kind: ExchangeKind, parties: _Parties, created_by: int | None, **fields: Any
) -> Exchange:
    assert parties.network.id is not None
    assert parties.giver.id is not None and parties.receiver.id is not None
    return Exchange(
        external_id=new_external_id(),
        kind=kind,
        giver_id=parties.giver.id,
        receiver_id=parties.receiver.id,
        network_id=parties.network.id,
        meeting_id=parties.meeting_id,
        occurred_on=parties.occurred_on,
        created_by=created_by,
        **fields,
    )


def _save(session: Session, *exchanges: Exchange) -> None:
    session.add_all(exchanges)
    session.commit()
    for exchange in exchanges:
        session.refresh(exchange)


def log_referral(
    *,
    session: Session,
    giver_id: int,
    receiver_id: int,
    network_id: int | None = None,
    occurred_on: date | None = None,
    meeting_id: int | None = None,
    summary: str | None = None,
    contact_name: str | None = None,
    contact_details: str | None = None,
    referral_type: str = ReferralType.OUTSIDE,
    hotness: int | None = None,
    estimated_value: float | None = None,
    created_by: int | None = None,
    today: date | None = None,
) -> Exchange:
    """Log a referral (``outside``: a third party's business; ``inside``: the giver's own)."""
    fields: dict[str, Any] = {
        "summary": summary,
        "contact_name": contact_name,
        "contact_details": contact_details,
        "referral_type": check_choice(referral_type, field="referral type", choices=ReferralType),
        "hotness": hotness,
        "estimated_value": estimated_value,
    }
    clean_exchange_fields(ExchangeKind.REFERRAL, fields)
    parties = _prepare(
        session,
        giver_id=giver_id,
        receiver_id=receiver_id,
        network_id=network_id,
        occurred_on=occurred_on,
        meeting_id=meeting_id,
        today=today,
    )
    _check_writer(session, writer_id=created_by, kind="referral", parties=[parties])
    exchange = _new_exchange(ExchangeKind.REFERRAL, parties, created_by, **fields)
    _save(session, exchange)
    return exchange


def log_help(
    *,
    session: Session,
    giver_id: int,
    receiver_id: int,
    network_id: int | None = None,
    occurred_on: date | None = None,
    meeting_id: int | None = None,
    summary: str | None = None,
    answers_ask_id: int | None = None,
    takes_offer_id: int | None = None,
    created_by: int | None = None,
    today: date | None = None,
) -> Exchange:
    """Log help given; it may answer the receiver's ask or take up the giver's offer."""
    clean_summary = clean_text(summary, field="summary")
    answering = N_("it cannot be answered now")
    ask = (
        open_request(
            session=session,
            table=Ask,
            request_id=answers_ask_id,
            doing=answering,
            field="answers_ask",
        )
        if answers_ask_id
        else None
    )
    offer = (
        open_request(
            session=session,
            table=Offer,
            request_id=takes_offer_id,
            doing=answering,
            field="takes_offer",
        )
        if takes_offer_id
        else None
    )
    if ask is not None and ask.member_id != receiver_id:
        asker = get_member(session=session, member_id=ask.member_id)
        raise LedgerError(
            "help.ask_not_receivers",
            "Ask #{id} is {asker}'s; the help that answers it goes to them.",
            field="receiver",
            id=ask.id,
            asker=asker.name,
        )
    if offer is not None and offer.member_id != giver_id:
        offerer = get_member(session=session, member_id=offer.member_id)
        raise LedgerError(
            "help.offer_not_givers",
            "Offer #{id} is {offerer}'s; only they can give that help.",
            field="giver",
            id=offer.id,
            offerer=offerer.name,
        )
    for request in (ask, offer):
        if request is None or request.network_id is None or network_id is None:
            continue
        if request.network_id != network_id:
            is_ask = request is ask
            raise (
                LedgerError(
                    "help.ask_other_network",
                    "Ask #{id} was posted in another network; "
                    "log the help there or leave out the network.",
                    field="network",
                    id=request.id,
                )
                if is_ask
                else LedgerError(
                    "help.offer_other_network",
                    "Offer #{id} was posted in another network; "
                    "log the help there or leave out the network.",
                    field="network",
                    id=request.id,
                )
            )
    if network_id is None:
        network_id = (ask.network_id if ask else None) or (offer.network_id if offer else None)
    parties = _prepare(
        session,
        giver_id=giver_id,
        receiver_id=receiver_id,
        network_id=network_id,
        occurred_on=occurred_on,
        meeting_id=meeting_id,
        today=today,
    )
    _check_writer(session, writer_id=created_by, kind="help", parties=[parties])
    exchange = _new_exchange(ExchangeKind.HELP, parties, created_by, summary=clean_summary)
    session.add(exchange)
    session.flush()
    for request in (ask, offer):
        if request is not None:
            request.status = RequestStatus.ANSWERED
            request.answered_by = exchange.id
            session.add(request)
    _save(session, exchange)
    return exchange


def log_introduction(
    *,
    session: Session,
    introducer_id: int,
    member_id: int,
    with_member_id: int | None = None,
    with_contact: str | None = None,
    contact_details: str | None = None,
    network_id: int | None = None,
    occurred_on: date | None = None,
    meeting_id: int | None = None,
    summary: str | None = None,
    created_by: int | None = None,
    today: date | None = None,
) -> list[Exchange]:
    """Log an introduction.

    Two members B and C introduced by A are two exchanges, A→B and A→C, sharing one
    ``introduction_group``. A member introduced to an outside contact is one exchange
    whose ``contact_name`` (and optional ``contact_details``) say who that contact is.
    """
    if (with_member_id is None) == (with_contact is None):
        raise LedgerError(
            "introduction.member_or_contact",
            "An introduction needs exactly one of: another member, or an outside contact.",
            field="contact_name",
        )
    if contact_details is not None and with_contact is None:
        raise LedgerError(
            "introduction.details_without_contact",
            "Contact details go with an outside contact, not with a member.",
            field="contact_details",
        )
    clean_summary = clean_text(summary, field="summary")
    clean_details = clean_text(contact_details, field="contact details")
    prepare = partial(
        _prepare,
        session,
        giver_id=introducer_id,
        occurred_on=occurred_on,
        meeting_id=meeting_id,
        today=today,
    )
    first = prepare(receiver_id=member_id, network_id=network_id)
    if with_contact is not None:
        contact = require_text(with_contact, field="contact name")
        _check_writer(session, writer_id=created_by, kind="introduction", parties=[first])
        exchange = _new_exchange(
            ExchangeKind.INTRODUCTION,
            first,
            created_by,
            summary=clean_summary,
            contact_name=contact,
            contact_details=clean_details,
        )
        _save(session, exchange)
        return [exchange]
    assert with_member_id is not None
    if with_member_id == member_id:
        raise LedgerError(
            "introduction.self",
            "{name} cannot be introduced to themselves.",
            field="receiver",
            name=first.receiver.name,
        )
    second = prepare(receiver_id=with_member_id, network_id=first.network.id)
    _check_writer(session, writer_id=created_by, kind="introduction", parties=[first, second])
    group = new_external_id()
    pair = [
        _new_exchange(
            ExchangeKind.INTRODUCTION,
            parties,
            created_by,
            summary=clean_summary,
            introduction_group=group,
        )
        for parties in (first, second)
    ]
    _save(session, *pair)
    return pair


def get_exchange(*, session: Session, exchange_id: int, for_update: bool = False) -> Exchange:
    """The exchange with this id, or a sentence saying there is none.

    ``for_update``: the caller checks the exchange and then writes (a step, a rating, a
    void). The exchange is locked first and read fresh, so that two processes doing it at
    once take turns and the second one's check sees the first one's write
    (:mod:`reciprocity.store.locks`); the lock ends when the session commits.
    """
    if for_update:
        lock_row(session, table_of(Exchange), exchange_id)
    exchange = session.get(Exchange, exchange_id, populate_existing=for_update)
    if exchange is None:
        raise LedgerError(
            "exchange.not_found",
            "There is no exchange #{id}.",
            field="exchange",
            id=exchange_id,
        )
    return exchange


def get_live_referral(*, session: Session, exchange_id: int, for_update: bool = False) -> Exchange:
    """A referral that is not voided: the only thing follow-ups, feedback and acks apply to.

    ``for_update`` locks it first (see :func:`get_exchange`)."""
    exchange = get_exchange(session=session, exchange_id=exchange_id, for_update=for_update)
    if exchange.kind != ExchangeKind.REFERRAL:
        raise LedgerError(
            "exchange.not_referral",
            "Exchange #{id} is {a_kind}, not a referral.",
            field="exchange",
            id=exchange_id,
            a_kind=Term(with_article(exchange.kind)),
        )
    if exchange.voided_at is not None:
        raise LedgerError(
            "referral.voided",
            "Referral #{id} is voided; it takes no further steps.",
            field="exchange",
            id=exchange_id,
        )
    return exchange


def _require_party(
    *, session: Session, exchange: Exchange, acting_id: int | None, party: str, doing: str
) -> None:
    party_id = exchange.giver_id if party == "giver" else exchange.receiver_id
    if may_act(
        session=session,
        acting_id=acting_id,
        party_ids={party_id},
        network_ids={exchange.network_id},
    ):
        return
    who = get_member(session=session, member_id=party_id).name
    organiser = organisers_of(session=session, network_ids={exchange.network_id})
    giver = party == "giver"
    raise (
        LedgerError(
            "role.not_giver",
            "Only its giver, {who}, or {organiser} may {doing} {kind} #{id}.",
            field=None,
            who=who,
            organiser=organiser,
            doing=Term(doing),
            kind=Term(exchange.kind),
            id=exchange.id,
        )
        if giver
        else LedgerError(
            "role.not_receiver",
            "Only its receiver, {who}, or {organiser} may {doing} {kind} #{id}.",
            field=None,
            who=who,
            organiser=organiser,
            doing=Term(doing),
            kind=Term(exchange.kind),
            id=exchange.id,
        )
    )


def require_giver(
    *, session: Session, exchange: Exchange, acting_id: int | None, doing: str
) -> None:
    """Refuse an acting member who is neither the exchange's giver nor an organiser of its
    network; ``doing`` is the verb of the sentence ('void', 'rate')."""
    _require_party(
        session=session, exchange=exchange, acting_id=acting_id, party="giver", doing=doing
    )


def require_receiver(
    *, session: Session, exchange: Exchange, acting_id: int | None, doing: str
) -> None:
    """Refuse an acting member who is neither the exchange's receiver nor an organiser of
    its network; ``doing`` is the verb of the sentence ('acknowledge', 'follow up')."""
    _require_party(
        session=session, exchange=exchange, acting_id=acting_id, party="receiver", doing=doing
    )


def void_exchange(
    *, session: Session, exchange_id: int, reason: str, acting_id: int | None = None
) -> Exchange:
    """Void a wrong entry: it stays for the audit trail and drops out of every metric.

    Only its giver or an organiser of its network may void it (``acting_id`` ``None``, the
    local owner, may too). An ask or offer this exchange answered opens again.
    """
    clean_reason = clean_text(reason, field="void reason")
    if clean_reason is None:
        raise LedgerError(
            "void.needs_reason",
            "Voiding needs a reason, for the audit trail.",
            field="reason",
        )
    exchange = get_exchange(session=session, exchange_id=exchange_id, for_update=True)
    require_giver(session=session, exchange=exchange, acting_id=acting_id, doing=N_("void"))
    if exchange.voided_at is not None:
        raise LedgerError(
            "exchange.already_voided",
            "Exchange #{id} was already voided on {day}.",
            field="exchange",
            id=exchange_id,
            day=exchange.voided_at.date().isoformat(),
        )
    exchange.voided_at = utcnow()
    exchange.void_reason = clean_reason
    for table in (Ask, Offer):
        for request in session.exec(select(table).where(table.answered_by == exchange_id)).all():
            request.status = RequestStatus.OPEN
            request.answered_by = None
            session.add(request)
    _save(session, exchange)
    return exchange


def live_introduction_partner(*, session: Session, exchange: Exchange) -> int | None:
    """The other, not voided, half of a two-member introduction, if there is one."""
    if exchange.introduction_group is None:
        return None
    partner = session.exec(
        select(Exchange.id).where(
            Exchange.introduction_group == exchange.introduction_group,
            Exchange.id != exchange.id,
            col(Exchange.voided_at).is_(None),
        )
    ).first()
    return partner


_CONTACT_FIELDS = ("contact_name", "contact_details")


def contact_readable(
    session: Session, table: sa.FromClause, acting_id: int | None
) -> sa.ColumnElement[bool] | None:
    """Where the acting member may read an exchange's outside contact (``None``: everywhere)."""
    if acting_id is None:
        return None
    organised = organised_network_ids(session=session, member_id=acting_id)
    return sa.or_(
        table.c.giver_id == acting_id,
        table.c.receiver_id == acting_id,
        table.c.network_id.in_(sorted(organised)),
    )


def readable_columns(
    session: Session, table: sa.Table, acting_id: int | None
) -> list[sa.ColumnElement[Any]]:
    """The exchange's columns in table order, the contact blanked where the acting member may
    not read it, and ``contact_hidden``."""
    readable = contact_readable(session, table, acting_id)
    if readable is None:
        return [*table.c, sa.literal(False, sa.Boolean()).label("contact_hidden")]
    has_contact = sa.or_(*(table.c[name].is_not(None) for name in _CONTACT_FIELDS))
    columns: list[sa.ColumnElement[Any]] = [
        sa.case((readable, column), else_=sa.null()).label(column.name)
        if column.name in _CONTACT_FIELDS
        else column
        for column in table.c
    ]
    hidden = sa.case((sa.and_(sa.not_(readable), has_contact), True), else_=False)
    return [*columns, sa.type_coerce(hidden, sa.Boolean()).label("contact_hidden")]


def hide_contact(
    *, session: Session, exchange: dict[str, Any], acting_id: int | None
) -> dict[str, Any]:
    """One exchange row (as :func:`iter_exchanges` gives it) as the acting member may read it.

    Only its giver, its receiver, an organiser of its network and the owner read the
    outside contact; for anyone else both fields are blanked and ``contact_hidden`` is true.
    """
    has_contact = any(exchange.get(name) is not None for name in _CONTACT_FIELDS)
    if not has_contact or may_see_contact(
        session=session,
        acting_id=acting_id,
        giver_id=exchange["giver_id"],
        receiver_id=exchange["receiver_id"],
        network_id=exchange["network_id"],
    ):
        return {**exchange, "contact_hidden": bool(exchange.get("contact_hidden", False))}
    return {**exchange, **dict.fromkeys(_CONTACT_FIELDS), "contact_hidden": True}


def iter_exchanges(
    *,
    session: Session,
    exchange_id: int | None = None,
    network_id: int | None = None,
    member_id: int | None = None,
    kind: str | None = None,
    date_from: date | None = None,
    date_to: date | None = None,
    include_voided: bool = True,
    limit: int | None = None,
    acting_id: int | None = None,
) -> Iterator[dict[str, Any]]:
    """Exchanges, newest first: each a dict of its columns plus giver, receiver, network names.

    Rows stream from the database in batches, so a national ledger can be written out
    without holding it in memory. ``contact_hidden`` is true where the acting member may
    not read the outside contact (see :func:`hide_contact`); the database blanks
    ``contact_name`` and ``contact_details`` there, so hidden text never reaches Python.
    """
    if date_from is not None and date_to is not None and date_from > date_to:
        raise LedgerError(
            "period.starts_after_end",
            "The period starts {start} after it ends {end}.",
            field="period",
            start=date_from.isoformat(),
            end=date_to.isoformat(),
        )
    clean_kind = check_choice(kind, field="kind", choices=ExchangeKind) if kind else None
    table, members, networks = table_of(Exchange), table_of(Member), table_of(Network)
    giver = members.alias("giver_member")
    receiver = members.alias("receiver_member")
    query = (
        sa.select(
            *readable_columns(session, table, acting_id),
            giver.c.name.label("giver"),
            receiver.c.name.label("receiver"),
            networks.c.name.label("network"),
        )
        .join(giver, giver.c.id == table.c.giver_id)
        .join(receiver, receiver.c.id == table.c.receiver_id)
        .join(networks, networks.c.id == table.c.network_id)
        .order_by(table.c.occurred_on.desc(), table.c.id.desc())
    )
    if exchange_id is not None:
        query = query.where(table.c.id == exchange_id)
    if network_id is not None:
        query = query.where(table.c.network_id == network_id)
    if member_id is not None:
        query = query.where(sa.or_(table.c.giver_id == member_id, table.c.receiver_id == member_id))
    if clean_kind is not None:
        query = query.where(table.c.kind == clean_kind)
    if date_from is not None:
        query = query.where(table.c.occurred_on >= date_from)
    if date_to is not None:
        query = query.where(table.c.occurred_on <= date_to)
    if not include_voided:
        query = query.where(table.c.voided_at.is_(None))
    if limit is not None:
        query = query.limit(limit)
    result = session.execute(query.execution_options(yield_per=2_000))
    return (dict(row._mapping) for row in result)
