"""Networks, memberships and meetings: the groups members give within.

A network carries its own exchange weights and follow-up SLA. Membership decides who can
log exchanges in a network; leaving keeps the row with a ``left_on`` date. An organiser
may do anything in the networks they organise (:func:`may_act`).

Administering a network is an organiser's job: changing or deactivating it, planning its
meetings and deciding who is in it take an organiser of that network (``acting_id``;
``None`` is the local owner). Creating a network is for the owner only. A member may
record that they left. The rules themselves live in :mod:`reciprocity.ledger.roles`;
``may_act``, ``organisers_of`` and ``organised_network_ids`` are re-exported here for the
callers that import them from this module.
"""

from collections.abc import Mapping
from datetime import date

import sqlalchemy as sa
from sqlmodel import Session, col, or_, select

from reciprocity.i18n import N_, Phrase
from reciprocity.ledger.errors import LedgerError
from reciprocity.ledger.names import check_name_free, find_id_by_name, refuse_taken_name
from reciprocity.ledger.roles import may_act as may_act
from reciprocity.ledger.roles import organised_network_ids as organised_network_ids
from reciprocity.ledger.roles import organisers_of as organisers_of
from reciprocity.ledger.roles import require_organiser_of
from reciprocity.ledger.rules import (
    check_amount,
    check_choice,
    check_currency,
    check_meeting_hours,
    check_name,
    check_network_kind,
    check_not_future,
    check_sla_days,
    check_weights,
    clean_text,
)
from reciprocity.store.locks import lock_row
from reciprocity.store.models import (
    DEFAULT_CURRENCY,
    DEFAULT_SLA_DAYS,
    DEFAULT_WEIGHTS,
    Exchange,
    Meeting,
    Member,
    Membership,
    Network,
    NetworkKind,
    Role,
)
from reciprocity.store.name_keys import name_key
from reciprocity.store.tables import table_of


def resolve_network(*, session: Session, name: str) -> Network:
    """Find a network by exact name (any case), then by a unique prefix."""
    return get_network(
        session=session, network_id=find_id_by_name(session=session, table=Network, name=name)
    )


def get_network(*, session: Session, network_id: int) -> Network:
    """The network with this id, or a sentence saying there is none."""
    network = session.get(Network, network_id)
    if network is None:
        raise LedgerError(
            "network.not_found", "There is no network #{id}.", field="network", id=network_id
        )
    return network


def add_network(
    *,
    session: Session,
    name: str,
    kind: str = NetworkKind.REFERRAL_CLUB,
    sla_days: int = DEFAULT_SLA_DAYS,
    weights: Mapping[str, int] | None = None,
    fee: float | None = None,
    currency: str = DEFAULT_CURRENCY,
    meeting_hours: float | None = None,
    acting_id: int | None = None,
) -> Network:
    """Add a network; weights not given keep the defaults (referral 3, introduction 2, help 1).

    ``fee`` is the yearly membership fee in ``currency`` and ``meeting_hours`` what one
    meeting takes with travel; members' costs follow from them (see ``reciprocity worth``).

    Only the local owner (``acting_id`` ``None``) adds networks. A member who could create
    one would become its organiser, add anyone to it and so gain an organiser's rights over
    people they do not run (editing their details, reading their contacts); a chapter is set
    up by whoever keeps the ledger, who then makes its organiser.
    """
    if acting_id is not None:
        if session.get(Member, acting_id) is None:
            raise LedgerError(
                "member.not_found", "There is no member #{id}.", field=None, id=acting_id
            )
        raise LedgerError(
            "role.owner_adds_network",
            "Only the ledger's owner may add a network; ask them to add it and make you "
            "its organiser.",
            field=None,
        )
    clean_name = check_name(name, field="network name")
    check_name_free(session=session, table=Network, name=clean_name)
    network = Network(
        name=clean_name,
        kind=check_network_kind(kind),
        sla_days=check_sla_days(sla_days),
        weights={**DEFAULT_WEIGHTS, **check_weights(weights or {})},
        fee=check_amount(fee, field="fee"),
        currency=check_currency(currency),
        meeting_hours=check_meeting_hours(meeting_hours),
    )
    session.add(network)
    _commit_name(session, clean_name)
    session.refresh(network)
    return network


def _commit_name(session: Session, name: str) -> None:
    """Commit a network's new name; a process that took it meanwhile gets its sentence."""
    try:
        session.commit()
    except sa.exc.IntegrityError as error:
        session.rollback()
        raise refuse_taken_name(session=session, table=Network, name=name, error=error) from None


def edit_network(
    *,
    session: Session,
    network_id: int,
    name: str | None = None,
    kind: str | None = None,
    sla_days: int | None = None,
    weights: Mapping[str, int] | None = None,
    active: bool | None = None,
    fee: float | None = None,
    currency: str | None = None,
    meeting_hours: float | None = None,
    acting_id: int | None = None,
) -> Network:
    """Change the given fields of a network; ``None`` leaves a field as it is.

    Only an organiser of the network (or the local owner) may: its weights and SLA decide
    every member's points and follow-up score.
    """
    network = get_network(session=session, network_id=network_id)
    require_organiser_of(
        session=session,
        acting_id=acting_id,
        network_id=network_id,
        doing=Phrase(N_("change {network}"), network=network.name),
    )
    changes: dict[str, object] = {}
    if name is not None:
        changes["name"] = check_name(name, field="network name")
        changes["name_key"] = name_key(str(changes["name"]))
        check_name_free(
            session=session, table=Network, name=str(changes["name"]), except_id=network_id
        )
    if kind is not None:
        changes["kind"] = check_network_kind(kind)
    if fee is not None:
        changes["fee"] = check_amount(fee, field="fee")
    if currency is not None:
        changes["currency"] = check_currency(currency)
    if meeting_hours is not None:
        changes["meeting_hours"] = check_meeting_hours(meeting_hours)
    if sla_days is not None:
        changes["sla_days"] = check_sla_days(sla_days)
    if weights:
        changes["weights"] = {**network.weights, **check_weights(weights)}
    if active is not None:
        changes["active"] = active
    for field, value in changes.items():
        setattr(network, field, value)
    session.add(network)
    _commit_name(session, str(changes.get("name", "")))
    session.refresh(network)
    return network


def deactivate_network(
    *, session: Session, network_id: int, acting_id: int | None = None
) -> Network:
    """A network that stopped meeting keeps its history but takes no new exchanges.

    Only an organiser of the network (or the local owner) may deactivate it.
    """
    network = get_network(session=session, network_id=network_id)
    require_organiser_of(
        session=session,
        acting_id=acting_id,
        network_id=network_id,
        doing=Phrase(N_("deactivate {network}"), network=network.name),
    )
    if not network.active:
        raise LedgerError(
            "network.already_deactivated",
            "{name} is already deactivated.",
            field="network",
            name=network.name,
        )
    return edit_network(session=session, network_id=network_id, active=False)


def list_networks(*, session: Session) -> list[Network]:
    """All networks by name."""
    return list(session.exec(select(Network).order_by(col(Network.name))).all())


def join_network(
    *,
    session: Session,
    member_id: int,
    network_id: int,
    role: str | None = None,
    joined_on: date | None = None,
    commit: bool = True,
    acting_id: int | None = None,
    today: date | None = None,
) -> Membership:
    """Make a member part of a network (or rejoin, or change role).

    A new membership without ``joined_on`` has no start: the member counts from the
    beginning, which is what setting up an existing group needs (its history can then be
    logged or imported). A newcomer should be given their joining date (``--joined
    today``), or they are listed in the months before they came. A rejoining without a
    date starts today, so the gap since leaving does not count. Given for a current membership,
    ``joined_on`` replaces the old date; left out, the old date stays. ``role`` left out
    is ``member`` for a new membership and unchanged for a current one.

    Only an organiser of the network (or the local owner) decides who is in it and with
    which role, the acting member's own joining included. The member is locked first, so
    two joins at once take turns and the second updates the first one's membership.
    """
    lock_row(session, table_of(Member), member_id)
    member = session.get(Member, member_id, populate_existing=True)
    if member is None:
        raise LedgerError(
            "member.not_found", "There is no member #{id}.", field="member", id=member_id
        )
    network = get_network(session=session, network_id=network_id)
    require_organiser_of(
        session=session,
        acting_id=acting_id,
        network_id=network_id,
        doing=Phrase(
            N_("add members to {network} or change their role there"), network=network.name
        ),
    )
    if not network.active:
        raise LedgerError(
            "network.inactive_no_members",
            "{name} is deactivated and takes no new members.",
            field="network",
            name=network.name,
        )
    clean_role = check_choice(role, field="role", choices=Role) if role is not None else None
    first, _ = _activity_span(session, member_id=member_id, network_id=network_id)
    if joined_on is not None:
        check_not_future(joined_on, what="joining date", today=today)
        if first is not None and first[0] < joined_on:
            raise LedgerError(
                "membership.joined_after_activity",
                "#{id} on {day} is earlier in this network; "
                "the joining date must be on or before that day.",
                field="joined_on",
                id=first[1],
                day=first[0].isoformat(),
            )
    membership = session.exec(
        select(Membership).where(
            Membership.member_id == member_id, Membership.network_id == network_id
        )
    ).first()
    starts = joined_on
    if starts is None and membership is not None and membership.left_on is not None:
        # Rejoining starts a new stint: the gap since leaving must not count.
        starts = today or date.today()
    if membership is None:
        membership = Membership(
            member_id=member_id,
            network_id=network_id,
            role=clean_role or Role.MEMBER,
            joined_on=starts,
        )
    else:
        if starts is not None:
            membership.joined_on = starts
        if clean_role is not None:
            membership.role = clean_role
        membership.left_on = None
    session.add(membership)
    if commit:
        session.commit()
        session.refresh(membership)
    else:
        session.flush()
    return membership


def leave_network(
    *,
    session: Session,
    member_id: int,
    network_id: int,
    left_on: date | None = None,
    acting_id: int | None = None,
) -> Membership:
    """Record that a member left a network; their history stays.

    The member themself or an organiser of the network (or the local owner) may.
    """
    member_found = session.get(Member, member_id)
    network_found = session.get(Network, network_id)
    if (
        member_found is not None
        and network_found is not None
        and not may_act(
            session=session, acting_id=acting_id, party_ids={member_id}, network_ids={network_id}
        )
    ):
        organiser = organisers_of(session=session, network_ids={network_id})
        raise LedgerError(
            "role.record_leaving",
            "Only {name} or {organiser} may record that they left {network}.",
            field=None,
            name=member_found.name,
            organiser=organiser,
            network=network_found.name,
        )
    membership = session.exec(
        select(Membership).where(
            Membership.member_id == member_id, Membership.network_id == network_id
        )
    ).first()
    if membership is None or membership.left_on is not None:
        member = session.get(Member, member_id)
        network = session.get(Network, network_id)
        if member is None:
            if network is None:
                raise LedgerError(
                    "membership.not_current_unknown_both",
                    "Member #{member_id} is not a current member of network #{network_id}.",
                    field="member",
                    member_id=member_id,
                    network_id=network_id,
                )
            raise LedgerError(
                "membership.not_current_unknown_member",
                "Member #{member_id} is not a current member of {network}.",
                field="member",
                member_id=member_id,
                network=network.name,
            )
        if network is None:
            raise LedgerError(
                "membership.not_current_unknown_network",
                "{member} is not a current member of network #{network_id}.",
                field="member",
                member=member.name,
                network_id=network_id,
            )
        raise LedgerError(
            "membership.not_current",
            "{member} is not a current member of {network}.",
            field="member",
            member=member.name,
            network=network.name,
        )
    left = check_not_future(left_on or date.today(), what="leaving date")
    if membership.joined_on is not None and left < membership.joined_on:
        raise LedgerError(
            "membership.left_before_joined",
            "The leaving date {left} is before the joining date {joined}.",
            field="left_on",
            left=left.isoformat(),
            joined=membership.joined_on.isoformat(),
        )
    _, last = _activity_span(session, member_id=member_id, network_id=network_id)
    if last is not None and last[0] > left:
        raise LedgerError(
            "membership.left_before_activity",
            "#{id} on {day} is later in this network; "
            "the leaving date must be on or after that day.",
            field="left_on",
            id=last[1],
            day=last[0].isoformat(),
        )
    membership.left_on = left
    session.add(membership)
    session.commit()
    session.refresh(membership)
    return membership


def _activity_span(
    session: Session, *, member_id: int, network_id: int
) -> tuple[tuple[date, int] | None, tuple[date, int] | None]:
    """The first and last live exchange (date, id) a member took part in within a network."""
    involved = (
        col(Exchange.network_id) == network_id,
        col(Exchange.voided_at).is_(None),
        or_(col(Exchange.giver_id) == member_id, col(Exchange.receiver_id) == member_id),
    )
    day, row_id = col(Exchange.occurred_on), col(Exchange.id)
    first = session.exec(select(day, row_id).where(*involved).order_by(day, row_id)).first()
    last = session.exec(
        select(day, row_id).where(*involved).order_by(day.desc(), row_id.desc())
    ).first()
    return (
        None if first is None or first[1] is None else (first[0], first[1]),
        None if last is None or last[1] is None else (last[0], last[1]),
    )


def member_network_ids(*, session: Session, member_id: int, on: date | None = None) -> set[int]:
    """The networks a member belongs to on a day (by default: now, i.e. has not left)."""
    query = select(Membership.network_id).where(Membership.member_id == member_id)
    if on is None:
        query = query.where(col(Membership.left_on).is_(None))
    else:
        query = query.where(
            or_(col(Membership.joined_on).is_(None), col(Membership.joined_on) <= on),
            or_(col(Membership.left_on).is_(None), col(Membership.left_on) >= on),
        )
    return set(session.exec(query).all())


def ever_member(*, session: Session, member_id: int, network_id: int) -> bool:
    """Whether the member has ever belonged to the network (leavers included)."""
    query = select(Membership.id).where(
        Membership.member_id == member_id, Membership.network_id == network_id
    )
    return session.exec(query).first() is not None


def require_membership(
    *,
    session: Session,
    member: Member,
    network: Network,
    on: date | None = None,
    field: str | None = None,
) -> None:
    """Refuse a member who is not in the network (on the day ``on``, if given).

    A member whose joining date is today cannot take part in last month's exchanges; the
    sentence then says what to do. ``field`` names the input the member was given in
    (``giver``, ``receiver`` …); the error carries it.
    """
    assert member.id is not None and network.id is not None
    if network.id in member_network_ids(session=session, member_id=member.id, on=on):
        return
    if on is None:
        raise LedgerError(
            "network.not_member",
            "{member} is not a member of {network}.",
            field=field,
            member=member.name,
            network=network.name,
        )
    joined_today = _joined_today_after(session, member=member, network=network, on=on)
    raise (
        LedgerError(
            "network.not_member_joined_today",
            "{member} is not a member of {network} on {day}: they joined today; if they joined "
            "earlier, give their joining date first.",
            field=field,
            member=member.name,
            network=network.name,
            day=on.isoformat(),
        )
        if joined_today
        else LedgerError(
            "network.not_member_on",
            "{member} is not a member of {network} on {day}.",
            field=field,
            member=member.name,
            network=network.name,
            day=on.isoformat(),
        )
    )


def _joined_today_after(session: Session, *, member: Member, network: Network, on: date) -> bool:
    """Whether the member's current stint in the network started today, after ``on``."""
    current = session.exec(
        select(Membership).where(
            Membership.member_id == member.id,
            Membership.network_id == network.id,
            col(Membership.left_on).is_(None),
        )
    ).first()
    return current is not None and current.joined_on == date.today() > on


def shared_network(
    *,
    session: Session,
    first: Member,
    second: Member,
    on: date | None = None,
    field: str | None = None,
) -> Network:
    """The one network two members share (on the day ``on``); none or several is an error.

    ``field`` names the input an error about the members is placed on (``receiver`` …);
    "several networks" is always about the ``network``.
    """
    assert first.id is not None and second.id is not None
    shared = member_network_ids(session=session, member_id=first.id, on=on) & member_network_ids(
        session=session, member_id=second.id, on=on
    )
    networks = [get_network(session=session, network_id=n) for n in sorted(shared)]
    if len(networks) == 1:
        return networks[0]
    if not networks and on is not None:
        # They may share a network one of them joined today: say what to do.
        now = member_network_ids(session=session, member_id=first.id) & member_network_ids(
            session=session, member_id=second.id
        )
        if len(now) == 1:
            network = get_network(session=session, network_id=next(iter(now)))
            for member in (first, second):
                if _joined_today_after(session, member=member, network=network, on=on):
                    require_membership(
                        session=session, member=member, network=network, on=on, field=field
                    )
    day = on.isoformat() if on is not None else ""
    if not networks:
        raise (
            LedgerError(
                "network.none_shared",
                "{first} and {second} share no network; add them to one or name the network.",
                field=field,
                first=first.name,
                second=second.name,
                day=day,
            )
            if on is None
            else LedgerError(
                "network.none_shared_on",
                "{first} and {second} share no network on {day}; "
                "add them to one or name the network.",
                field=field,
                first=first.name,
                second=second.name,
                day=day,
            )
        )
    raise (
        LedgerError(
            "network.several_shared",
            "{first} and {second} share several networks ({names}); name the network.",
            field="network",
            first=first.name,
            second=second.name,
            day=day,
            names=", ".join(sorted(n.name for n in networks)),
        )
        if on is None
        else LedgerError(
            "network.several_shared_on",
            "{first} and {second} share several networks on {day} ({names}); name the network.",
            field="network",
            first=first.name,
            second=second.name,
            day=day,
            names=", ".join(sorted(n.name for n in networks)),
        )
    )


def add_meeting(
    *,
    session: Session,
    network_id: int,
    held_on: date,
    title: str | None = None,
    acting_id: int | None = None,
) -> Meeting:
    """Record a meeting of a network (it may lie in the future: meetings are planned).

    Only an organiser of the network (or the local owner) plans its meetings.
    """
    network = get_network(session=session, network_id=network_id)
    assert network.id is not None
    require_organiser_of(
        session=session,
        acting_id=acting_id,
        network_id=network.id,
        doing=Phrase(N_("add a meeting of {network}"), network=network.name),
    )
    if not network.active:
        raise LedgerError(
            "network.inactive_no_meetings",
            "{name} is deactivated and holds no new meetings.",
            field="network",
            name=network.name,
        )
    meeting = Meeting(
        network_id=network.id,
        held_on=held_on,
        title=clean_text(title, field="meeting title"),
    )
    session.add(meeting)
    session.commit()
    session.refresh(meeting)
    return meeting


def get_meeting(*, session: Session, meeting_id: int) -> Meeting:
    """The meeting with this id, or a sentence saying there is none."""
    meeting = session.get(Meeting, meeting_id)
    if meeting is None:
        raise LedgerError(
            "meeting.not_found", "There is no meeting #{id}.", field="meeting", id=meeting_id
        )
    return meeting


def edit_meeting(
    *,
    session: Session,
    meeting_id: int,
    held_on: date | None = None,
    title: str | None = None,
    acting_id: int | None = None,
) -> Meeting:
    """Change a meeting's date or title (``""`` clears the title).

    Only an organiser of the meeting's network (or the local owner) may.
    """
    meeting = get_meeting(session=session, meeting_id=meeting_id)
    network = get_network(session=session, network_id=meeting.network_id)
    require_organiser_of(
        session=session,
        acting_id=acting_id,
        network_id=meeting.network_id,
        doing=Phrase(N_("change meeting #{id} of {network}"), id=meeting_id, network=network.name),
    )
    clean_title = clean_text(title, field="meeting title")
    if held_on is not None:
        meeting.held_on = held_on
    if title is not None:
        meeting.title = clean_title
    session.add(meeting)
    session.commit()
    session.refresh(meeting)
    return meeting


def list_meetings(*, session: Session, network_id: int | None = None) -> list[Meeting]:
    """Meetings, newest first."""
    query = select(Meeting).order_by(col(Meeting.held_on).desc(), col(Meeting.id).desc())
    if network_id is not None:
        query = query.where(Meeting.network_id == network_id)
    return list(session.exec(query).all())
