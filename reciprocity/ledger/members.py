"""Members: add, edit, list, deactivate, and find one by the name a user typed.

Name resolution is the same on every face: an exact case-insensitive name wins, then a
unique prefix; an ambiguous name lists the candidates and an unknown one says how to add
the member.
"""

from collections.abc import Sequence
from datetime import date

from sqlmodel import Session, col, select

from reciprocity.ledger.errors import LedgerError
from reciprocity.ledger.names import check_name_free, find_id_by_name
from reciprocity.ledger.networks import join_network
from reciprocity.ledger.rules import (
    NAME_MAX,
    SHORT_TEXT_MAX,
    check_choice,
    check_email,
    clean_text,
    require_text,
)
from reciprocity.store.models import Member, Membership, Role


def resolve_member(*, session: Session, name: str) -> Member:
    """Find the member a user meant by ``name``: exact (any case), then a unique prefix."""
    return get_member(
        session=session, member_id=find_id_by_name(session=session, table=Member, name=name)
    )


def get_member(*, session: Session, member_id: int) -> Member:
    """The member with this id, or a sentence saying there is none."""
    member = session.get(Member, member_id)
    if member is None:
        raise LedgerError(f"There is no member #{member_id}.")
    return member


def clean_member_fields(
    *,
    company: str | None = None,
    category: str | None = None,
    email: str | None = None,
    phone: str | None = None,
) -> dict[str, str | None]:
    """Validate a member's optional details; only the fields given (not ``None``) are returned."""
    given = {"company": company, "category": category, "email": email, "phone": phone}
    cleaned: dict[str, str | None] = {}
    for field, value in given.items():
        if value is None:
            continue
        if field == "email":
            cleaned[field] = check_email(value)
        else:
            cleaned[field] = clean_text(value, field=field, limit=SHORT_TEXT_MAX)
    return cleaned


def add_member(
    *,
    session: Session,
    name: str,
    company: str | None = None,
    category: str | None = None,
    email: str | None = None,
    phone: str | None = None,
    network_ids: Sequence[int] = (),
    role: str = Role.MEMBER,
    joined_on: date | None = None,
) -> Member:
    """Add a member, optionally to one or more networks with the given role."""
    clean_name = require_text(name, field="member name", limit=NAME_MAX)
    check_choice(role, field="role", choices=Role)
    details = clean_member_fields(company=company, category=category, email=email, phone=phone)
    check_name_free(session=session, table=Member, name=clean_name)
    member = Member.model_validate({"name": clean_name, **details})
    session.add(member)
    session.flush()
    assert member.id is not None
    try:
        for network_id in dict.fromkeys(network_ids):
            join_network(
                session=session,
                member_id=member.id,
                network_id=network_id,
                role=role,
                joined_on=joined_on,
                commit=False,
            )
    except LedgerError:
        session.rollback()
        raise
    session.commit()
    session.refresh(member)
    return member


def edit_member(
    *,
    session: Session,
    member_id: int,
    name: str | None = None,
    company: str | None = None,
    category: str | None = None,
    email: str | None = None,
    phone: str | None = None,
    active: bool | None = None,
) -> Member:
    """Change the given fields; ``None`` leaves a field as it is, ``""`` clears it."""
    member = get_member(session=session, member_id=member_id)
    changes: dict[str, object] = dict(
        clean_member_fields(company=company, category=category, email=email, phone=phone)
    )
    if name is not None:
        changes["name"] = require_text(name, field="member name", limit=NAME_MAX)
        check_name_free(
            session=session, table=Member, name=str(changes["name"]), except_id=member_id
        )
    if active is not None:
        changes["active"] = active
    for field, value in changes.items():
        setattr(member, field, value)
    session.add(member)
    session.commit()
    session.refresh(member)
    return member


def deactivate_member(*, session: Session, member_id: int) -> Member:
    """Mark a member inactive: they keep their history but take part in nothing new."""
    member = get_member(session=session, member_id=member_id)
    if not member.active:
        raise LedgerError(f"{member.name} is already deactivated.")
    return edit_member(session=session, member_id=member_id, active=False)


def list_members(
    *, session: Session, network_id: int | None = None, include_inactive: bool = True
) -> list[Member]:
    """Members by name, optionally only the current members of one network."""
    query = select(Member).order_by(col(Member.name))
    if network_id is not None:
        query = query.join(Membership, col(Membership.member_id) == col(Member.id)).where(
            Membership.network_id == network_id, col(Membership.left_on).is_(None)
        )
    if not include_inactive:
        query = query.where(col(Member.active).is_(True))
    return list(session.exec(query).all())
