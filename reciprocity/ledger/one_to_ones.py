"""One-to-ones: two members met to learn each other's business.

They carry no points, but they count for breadth and keep a pair from going cold. A
member records only one-to-ones they took part in; an organiser records them for their
network. ``acting_id`` ``None`` is the local owner.
"""

from datetime import date
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session

from reciprocity.ledger.errors import LedgerError
from reciprocity.ledger.members import get_member
from reciprocity.ledger.networks import (
    get_network,
    may_act,
    member_network_ids,
    organisers_of,
    require_membership,
)
from reciprocity.ledger.rules import check_not_future, clean_text
from reciprocity.store.models import Member, Network, OneToOne
from reciprocity.store.tables import table_of


def log_one_to_one(
    *,
    session: Session,
    member_a_id: int,
    member_b_id: int,
    network_id: int | None = None,
    held_on: date | None = None,
    note: str | None = None,
    acting_id: int | None = None,
    today: date | None = None,
) -> OneToOne:
    """Record a one-to-one; without a network, the one network the two share (if exactly one)."""
    first = _member(session, member_id=member_a_id, field="member_a")
    second = _member(session, member_id=member_b_id, field="member_b")
    if member_a_id == member_b_id:
        raise LedgerError(
            "one_to_one.self",
            "{name} cannot have a one-to-one with themselves.",
            field="member_b",
            name=first.name,
        )
    for member, field in ((first, "member_a"), (second, "member_b")):
        if not member.active:
            raise LedgerError(
                "one_to_one.member_deactivated",
                "{name} is deactivated and takes part in no new meetings.",
                field=field,
                name=member.name,
            )
    clean_note = clean_text(note, field="note")
    when = check_not_future(held_on or today or date.today(), what="date", today=today)
    if network_id is not None:
        network = get_network(session=session, network_id=network_id)
        for member, field in ((first, "member_a"), (second, "member_b")):
            require_membership(
                session=session, member=member, network=network, on=when, field=field
            )
    else:
        shared = member_network_ids(
            session=session, member_id=member_a_id, on=when
        ) & member_network_ids(session=session, member_id=member_b_id, on=when)
        network_id = next(iter(shared)) if len(shared) == 1 else None
    networks = (
        {network_id}
        if network_id is not None
        else member_network_ids(session=session, member_id=member_a_id, on=when)
        | member_network_ids(session=session, member_id=member_b_id, on=when)
    )
    if not may_act(
        session=session,
        acting_id=acting_id,
        party_ids={member_a_id, member_b_id},
        network_ids=networks,
    ):
        organiser = organisers_of(session=session, network_ids=networks)
        raise LedgerError(
            "role.record_one_to_one",
            "Only {first}, {second} or {organiser} may record their one-to-one.",
            field=None,
            first=first.name,
            second=second.name,
            organiser=organiser,
        )
    meeting = OneToOne(
        member_a_id=member_a_id,
        member_b_id=member_b_id,
        network_id=network_id,
        held_on=when,
        note=clean_note,
    )
    session.add(meeting)
    session.commit()
    session.refresh(meeting)
    return meeting


def _member(session: Session, *, member_id: int, field: str) -> Member:
    """One of the two members; an unknown id is an error placed on that input."""
    try:
        return get_member(session=session, member_id=member_id)
    except LedgerError as error:
        raise error.for_field(field) from None


def list_one_to_ones(*, session: Session, member_id: int | None = None) -> list[dict[str, Any]]:
    """One-to-ones, newest first, optionally of one member: each row's columns plus the
    names ``member_a``, ``member_b`` and ``network`` (``None`` when it named none)."""
    table, members, networks = table_of(OneToOne), table_of(Member), table_of(Network)
    first, second = members.alias("member_a"), members.alias("member_b")
    query = (
        sa.select(
            *table.c,
            first.c.name.label("member_a"),
            second.c.name.label("member_b"),
            networks.c.name.label("network"),
        )
        .join(first, first.c.id == table.c.member_a_id)
        .join(second, second.c.id == table.c.member_b_id)
        .outerjoin(networks, networks.c.id == table.c.network_id)
        .order_by(table.c.held_on.desc(), table.c.id.desc())
    )
    if member_id is not None:
        query = query.where(
            sa.or_(table.c.member_a_id == member_id, table.c.member_b_id == member_id)
        )
    return [dict(row._mapping) for row in session.execute(query)]
