"""Members: add, edit, list, deactivate, forget, and find one by the name a user typed.

Name resolution is the same on every face: an exact case-insensitive name wins, then a
unique prefix; an ambiguous name lists the candidates and an unknown one says how to add
the member.

Forgetting erases a member's personal data and keeps their anonymous history, so every
other member's balance stays as it was; nothing is deleted.

Who may (``acting_id``; ``None`` is the local owner): an organiser adds members to the
networks they organise; a member's details are changed by the member or an organiser of a
network they are in; deactivating (which reaches every network) takes the member or an
organiser of every network they are in, and reactivating takes the latter.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa
from sqlmodel import Session, col, select

from reciprocity.i18n import N_, Phrase
from reciprocity.ledger.errors import LedgerError
from reciprocity.ledger.names import check_name_free, find_id_by_name, refuse_taken_name
from reciprocity.ledger.networks import get_network, join_network
from reciprocity.ledger.roles import (
    organised_network_ids,
    require_organiser_of,
    require_organiser_of_all,
    require_self_or_organiser,
)
from reciprocity.ledger.rules import (
    check_choice,
    check_email,
    check_name,
    check_not_future,
    clean_text,
)
from reciprocity.store.models import (
    Ask,
    Credential,
    Exchange,
    ExchangeKind,
    Invitation,
    Member,
    Membership,
    Offer,
    OneToOne,
    Role,
    SignIn,
)
from reciprocity.store.name_keys import name_key
from reciprocity.store.tables import table_of

FORMER_MEMBER = "Former member #{id}"
"""The name a forgotten member keeps, so lists and reports still read."""
FORGOTTEN_CONTACT = "Forgotten contact"
"""What an introduction to an outside contact names once the contact is forgotten: such an
introduction must name someone, or a re-import of the ledger would refuse it."""


def resolve_member(
    *, session: Session, name: str, field: str | None = None, exact: bool = False
) -> Member:
    """Find the member a user meant by ``name``: exact (any case), then a unique prefix.

    ``field`` names the input the name was typed in (``giver``, ``receiver`` …); errors
    carry it (see :func:`~reciprocity.ledger.names.find_id_by_name`). ``exact`` takes the
    whole name only, for what cannot be undone (forgetting, deactivating).
    """
    member_id = find_id_by_name(session=session, table=Member, name=name, field=field, exact=exact)
    return get_member(session=session, member_id=member_id)


def is_forgotten(member: Member) -> bool:
    """Whether the member was forgotten (only forgetting gives a member this name)."""
    return member.name == FORMER_MEMBER.format(id=member.id)


def get_member(*, session: Session, member_id: int) -> Member:
    """The member with this id, or a sentence saying there is none."""
    member = session.get(Member, member_id)
    if member is None:
        raise LedgerError(
            "member.not_found", "There is no member #{id}.", field="member", id=member_id
        )
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
            cleaned[field] = clean_text(value, field=field)
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
    acting_id: int | None = None,
    today: date | None = None,
) -> Member:
    """Add a member, optionally to one or more networks with the given role.

    They join on ``joined_on``; left out, they count from the start (see
    :func:`~reciprocity.ledger.networks.join_network`). An acting member must organise
    every network named; a member outside any network is added by the local owner only,
    since no organiser would run them afterwards.
    """
    if acting_id is not None:
        if not network_ids:
            get_member(session=session, member_id=acting_id)
            raise LedgerError(
                "role.owner_adds_member_outside_network",
                "Only the ledger's owner may add a member outside any network; "
                "name a network you organise.",
                field=None,
            )
        for network_id in dict.fromkeys(network_ids):
            network = get_network(session=session, network_id=network_id)
            require_organiser_of(
                session=session,
                acting_id=acting_id,
                network_id=network_id,
                doing=Phrase(N_("add members to {network}"), network=network.name),
            )
    clean_name = check_name(name, field="member name")
    check_choice(role, field="role", choices=Role)
    if joined_on is not None:
        check_not_future(joined_on, what="joining date", today=today)
    details = clean_member_fields(company=company, category=category, email=email, phone=phone)
    check_name_free(session=session, table=Member, name=clean_name)
    member = Member.model_validate({"name": clean_name, **details})
    session.add(member)
    try:
        session.flush()
    except sa.exc.IntegrityError as error:
        # Another process added this name since the check: the UNIQUE index decided.
        session.rollback()
        raise refuse_taken_name(
            session=session, table=Member, name=clean_name, error=error
        ) from None
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
                today=today,
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
    acting_id: int | None = None,
) -> Member:
    """Change the given fields; ``None`` leaves a field as it is, ``""`` clears it.

    The member themself or an organiser of a network they are in may change their
    details; only an organiser of every network they are in reactivates them (a
    deactivated member cannot undo it alone), and deactivating follows
    :func:`deactivate_member`.
    """
    member = get_member(session=session, member_id=member_id)
    if is_forgotten(member):
        raise LedgerError(
            "member.forgotten_unchanged",
            "Member #{id} was forgotten; their name and details cannot be set again.",
            field="member",
            id=member_id,
        )
    if active is not None and active != member.active:
        _require_may_set_active(session, member=member, active=active, acting_id=acting_id)
    if any(v is not None for v in (name, company, category, email, phone)):
        require_self_or_organiser(
            session=session,
            acting_id=acting_id,
            member_id=member_id,
            doing=Phrase(N_("change {name}'s details"), name=member.name),
        )
    changes: dict[str, object] = dict(
        clean_member_fields(company=company, category=category, email=email, phone=phone)
    )
    if name is not None:
        changes["name"] = check_name(name, field="member name")
        changes["name_key"] = name_key(str(changes["name"]))
        check_name_free(
            session=session, table=Member, name=str(changes["name"]), except_id=member_id
        )
    if active is not None:
        changes["active"] = active
    for field, value in changes.items():
        setattr(member, field, value)
    session.add(member)
    try:
        session.commit()
    except sa.exc.IntegrityError as error:
        session.rollback()
        raise refuse_taken_name(
            session=session, table=Member, name=str(changes.get("name", "")), error=error
        ) from None
    session.refresh(member)
    return member


def _require_may_set_active(
    session: Session, *, member: Member, active: bool, acting_id: int | None
) -> None:
    assert member.id is not None
    require_organiser_of_all(
        session=session,
        acting_id=acting_id,
        member_id=member.id,
        doing=(
            Phrase(N_("reactivate {name}"), name=member.name)
            if active
            else Phrase(N_("deactivate {name}"), name=member.name)
        ),
        or_self=not active,  # a member may stop taking part, but not undo a deactivation
    )


def deactivate_member(*, session: Session, member_id: int, acting_id: int | None = None) -> Member:
    """Mark a member inactive: they keep their history but take part in nothing new.

    Deactivation reaches every network, so it takes the member themself or an organiser
    of every network they are in (or the local owner); an organiser of one network
    records that the member left it instead.
    """
    member = get_member(session=session, member_id=member_id)
    _require_may_set_active(session, member=member, active=False, acting_id=acting_id)
    if not member.active:
        raise LedgerError(
            "member.already_deactivated",
            "{name} is already deactivated.",
            field="member",
            name=member.name,
        )
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


@dataclass(frozen=True)
class ForgetPlan:
    """What forgetting a member will erase; shown before a face asks for confirmation."""

    member_id: int
    name: str
    exchanges: int
    """Their exchanges (given or received) whose contact name or details are cleared."""
    one_to_ones: int
    """Their one-to-ones whose note is cleared."""
    posts: int
    """Their asks and offers whose details are cleared."""


def _involving(table: sa.Table, member_id: int) -> sa.ColumnElement[bool]:
    if table.name == "exchange":
        return sa.or_(table.c.giver_id == member_id, table.c.receiver_id == member_id)
    if table.name == "one_to_one":
        return sa.or_(table.c.member_a_id == member_id, table.c.member_b_id == member_id)
    return table.c.member_id == member_id


def plan_forget(*, session: Session, member_id: int, acting_id: int | None = None) -> ForgetPlan:
    """Check that the member may be forgotten, by whom, and count what will be erased.

    The member themselves may ask, and so may an organiser of every network they were
    ever in (``acting_id`` ``None``, the local owner, may too).
    """
    member = get_member(session=session, member_id=member_id)
    if is_forgotten(member):
        raise LedgerError(
            "member.already_forgotten",
            "Member #{id} is already forgotten.",
            field="member",
            id=member_id,
        )
    check_name_free(session=session, table=Member, name=FORMER_MEMBER.format(id=member_id))
    if acting_id is not None and acting_id != member_id:
        theirs = set(
            session.exec(select(Membership.network_id).where(Membership.member_id == member_id))
        )
        organised = organised_network_ids(session=session, member_id=acting_id)
        if not theirs or not theirs <= organised:
            networks = sorted(get_network(session=session, network_id=n).name for n in theirs)
            raise (
                LedgerError(
                    "role.forget",
                    "Only {name} or an organiser of every network they were in ({networks}) "
                    "may forget them.",
                    field=None,
                    name=member.name,
                    networks=", ".join(networks),
                )
                if networks
                else LedgerError(
                    "role.forget_no_network",
                    "Only {name} or an organiser of every network they were in may forget them.",
                    field=None,
                    name=member.name,
                    networks=", ".join(networks),
                )
            )
    exchanges, one_to_ones = table_of(Exchange), table_of(OneToOne)
    with_contact = sa.or_(
        exchanges.c.contact_name.is_not(None), exchanges.c.contact_details.is_not(None)
    )

    def count(table: sa.Table, *where: sa.ColumnElement[bool]) -> int:
        query = sa.select(sa.func.count()).select_from(table)
        return int(session.execute(query.where(_involving(table, member_id), *where)).scalar_one())

    return ForgetPlan(
        member_id=member_id,
        name=member.name,
        exchanges=count(exchanges, with_contact),
        one_to_ones=count(one_to_ones, one_to_ones.c.note.is_not(None)),
        posts=sum(
            count(posts, posts.c.details.is_not(None)) for posts in (table_of(Ask), table_of(Offer))
        ),
    )


def forget_member(*, session: Session, member_id: int, acting_id: int | None = None) -> Member:
    """Erase a member's personal data; keep their anonymous history.

    The name becomes "Former member #id"; company, category, email and phone are cleared
    and the member is deactivated. The contact name and details of every exchange they
    gave or received are cleared (an outside introduction keeps the placeholder
    :data:`FORGOTTEN_CONTACT`), as are the notes of their one-to-ones and the details of
    their asks and offers, and everything they had to sign in (password hash, invitation,
    their lines in the sign-in log). Every exchange, step, rating and membership stays, so
    every other member's counts, points and balances are unchanged.
    """
    plan_forget(session=session, member_id=member_id, acting_id=acting_id)
    member = get_member(session=session, member_id=member_id)
    member.name = FORMER_MEMBER.format(id=member_id)
    member.name_key = name_key(member.name)
    member.company = member.category = member.email = member.phone = None
    member.active = False
    session.add(member)
    exchanges, one_to_ones = table_of(Exchange), table_of(OneToOne)
    outside = sa.and_(
        exchanges.c.kind == ExchangeKind.INTRODUCTION, exchanges.c.contact_name.is_not(None)
    )
    session.execute(
        sa.update(exchanges)
        .where(_involving(exchanges, member_id))
        .values(
            contact_name=sa.case((outside, FORGOTTEN_CONTACT), else_=None),
            contact_details=None,
        )
    )
    session.execute(
        sa.update(one_to_ones).where(_involving(one_to_ones, member_id)).values(note=None)
    )
    for posts in (table_of(Ask), table_of(Offer)):
        session.execute(sa.update(posts).where(_involving(posts, member_id)).values(details=None))
    # Signing in: the password hash, any invitation and their lines in the sign-in log go.
    for secrets in (table_of(Credential), table_of(Invitation)):
        session.execute(sa.delete(secrets).where(secrets.c.member_id == member_id))
    log = table_of(SignIn)
    session.execute(sa.delete(log).where(log.c.member_id == member_id))
    session.execute(sa.update(log).where(log.c.by_id == member_id).values(by_id=None))
    session.commit()
    # The bulk updates bypass the identity map: no loaded exchange may keep erased text.
    session.expire_all()
    session.refresh(member)
    return member
