"""The aggregate queries behind PALMS, Traffic Lights and the cross-chapter view.

Like :mod:`reciprocity.store.aggregates`: each function is one Core ``SELECT … GROUP BY``
that runs unchanged on SQLite and PostgreSQL and returns small rows per member (or per
other chapter) of one network and an inclusive period. Only live exchanges count.
"""

from collections.abc import Sequence
from datetime import date
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from reciprocity.store.models import (
    Attendance,
    Ceu,
    ClosedBusiness,
    Exchange,
    ExchangeKind,
    Followup,
    FollowupStatus,
    Meeting,
    Member,
    Membership,
    Network,
    OneToOne,
    PalmsBaseline,
    Visitor,
)
from reciprocity.store.tables import table_of

ATTENDANCE = table_of(Attendance)
CEU = table_of(Ceu)
CLOSED = table_of(ClosedBusiness)
EXCHANGE = table_of(Exchange)
FOLLOWUP = table_of(Followup)
MEETING = table_of(Meeting)
MEMBER = table_of(Member)
MEMBERSHIP = table_of(Membership)
NETWORK = table_of(Network)
ONE_TO_ONE = table_of(OneToOne)
VISITOR = table_of(Visitor)
BASELINE = table_of(PalmsBaseline)

Rows = Sequence[sa.Row[*tuple[Any, ...]]]


def _between(column: sa.ColumnElement[date], start: date, end: date) -> sa.ColumnElement[bool]:
    return sa.and_(column >= start, column <= end)


def attendance_counts(session: Session, *, network_id: int, start: date, end: date) -> Rows:
    """``(member_id, status, n)``: attendance at the network's meetings in the period."""
    query = (
        sa.select(ATTENDANCE.c.member_id, ATTENDANCE.c.status, sa.func.count())
        .join(MEETING, MEETING.c.id == ATTENDANCE.c.meeting_id)
        .where(MEETING.c.network_id == network_id, _between(MEETING.c.held_on, start, end))
        .group_by(ATTENDANCE.c.member_id, ATTENDANCE.c.status)
    )
    return session.execute(query).all()


def referral_counts(session: Session, *, network_id: int, start: date, end: date) -> Rows:
    """``(member_id, side, referral_type, n)``: live referrals given and received."""
    where = (
        EXCHANGE.c.network_id == network_id,
        EXCHANGE.c.kind == ExchangeKind.REFERRAL,
        EXCHANGE.c.voided_at.is_(None),
        _between(EXCHANGE.c.occurred_on, start, end),
    )
    parts = [
        sa.select(
            column.label("member_id"),
            sa.literal(side).label("side"),
            EXCHANGE.c.referral_type,
            sa.func.count().label("n"),
        )
        .where(*where)
        .group_by(column, EXCHANGE.c.referral_type)
        for side, column in (("given", EXCHANGE.c.giver_id), ("received", EXCHANGE.c.receiver_id))
    ]
    return session.execute(sa.union_all(*parts)).all()


def visitor_counts(session: Session, *, network_id: int, start: date, end: date) -> Rows:
    """``(member_id, n)``: visitors each member brought."""
    query = (
        sa.select(VISITOR.c.invited_by, sa.func.count())
        .where(VISITOR.c.network_id == network_id, _between(VISITOR.c.visited_on, start, end))
        .group_by(VISITOR.c.invited_by)
    )
    return session.execute(query).all()


def one_to_one_counts(session: Session, *, network_id: int, start: date, end: date) -> Rows:
    """``(member_id, n)``: one-to-ones in the network, counted for both people."""
    where = (ONE_TO_ONE.c.network_id == network_id, _between(ONE_TO_ONE.c.held_on, start, end))
    people = sa.union_all(
        sa.select(ONE_TO_ONE.c.member_a_id.label("member_id")).where(*where),
        sa.select(ONE_TO_ONE.c.member_b_id.label("member_id")).where(*where),
    ).subquery()
    query = sa.select(people.c.member_id, sa.func.count()).group_by(people.c.member_id)
    return session.execute(query).all()


def ceu_sums(session: Session, *, network_id: int, start: date, end: date) -> Rows:
    """``(member_id, credits)``: CEU credits earned for the network."""
    query = (
        sa.select(CEU.c.member_id, sa.func.sum(CEU.c.credits))
        .where(CEU.c.network_id == network_id, _between(CEU.c.earned_on, start, end))
        .group_by(CEU.c.member_id)
    )
    return session.execute(query).all()


def tyfcb_sums(session: Session, *, network_id: int, start: date, end: date) -> Rows:
    """``(member_id, amount)``: closed business credited to each member in the period.

    A TYFCB counts for the member thanked. A ``won`` step logged in Reciprocity counts
    for the referral's giver on the step's day, unless a TYFCB already carries it.
    """
    thanked = sa.select(
        CLOSED.c.member_id.label("member_id"), CLOSED.c.amount.label("amount")
    ).where(CLOSED.c.network_id == network_id, _between(CLOSED.c.closed_on, start, end))
    carried = sa.select(CLOSED.c.exchange_id).where(CLOSED.c.exchange_id.is_not(None))
    won = (
        sa.select(EXCHANGE.c.giver_id.label("member_id"), FOLLOWUP.c.value.label("amount"))
        .join(EXCHANGE, EXCHANGE.c.id == FOLLOWUP.c.exchange_id)
        .where(
            FOLLOWUP.c.status == FollowupStatus.WON,
            EXCHANGE.c.network_id == network_id,
            EXCHANGE.c.voided_at.is_(None),
            _between(FOLLOWUP.c.occurred_on, start, end),
            EXCHANGE.c.id.not_in(carried),
        )
    )
    both = sa.union_all(thanked, won).subquery()
    query = sa.select(both.c.member_id, sa.func.sum(both.c.amount)).group_by(both.c.member_id)
    return session.execute(query).all()


def member_chapters(session: Session, member_ids: Sequence[int], *, network_id: int) -> Rows:
    """``(member_id, name, in_network)`` of these members: whether they ever belonged to
    the network (else they belong to another chapter)."""
    if not member_ids:
        return []
    belongs = (
        sa.select(MEMBERSHIP.c.member_id)
        .where(MEMBERSHIP.c.network_id == network_id)
        .scalar_subquery()
    )
    query = sa.select(MEMBER.c.id, MEMBER.c.name, MEMBER.c.id.in_(belongs)).where(
        MEMBER.c.id.in_(list(member_ids))
    )
    return session.execute(query).all()


def meetings_held(session: Session, *, network_id: int, start: date, end: date) -> list[date]:
    """The days the network met in the period."""
    query = sa.select(MEETING.c.held_on).where(
        MEETING.c.network_id == network_id, _between(MEETING.c.held_on, start, end)
    )
    return list(session.scalars(query))


def membership_spans(session: Session, *, network_id: int) -> Rows:
    """``(member_id, joined_on, left_on)`` of everyone ever in the network."""
    query = sa.select(MEMBERSHIP.c.member_id, MEMBERSHIP.c.joined_on, MEMBERSHIP.c.left_on).where(
        MEMBERSHIP.c.network_id == network_id
    )
    return session.execute(query).all()


def _cross_rows(network_id: int, start: date, end: date) -> sa.Subquery:
    """One row per slip of the network with a person of another chapter:
    ``(other, what, direction, n, amount, person)``; ``person`` is the other chapter's."""
    other = EXCHANGE.c.other_network_id
    outsider_gave = sa.select(MEMBERSHIP.c.member_id).where(
        MEMBERSHIP.c.network_id == EXCHANGE.c.other_network_id
    )
    exchange_direction = sa.case(
        (EXCHANGE.c.giver_id.in_(outsider_gave), "received"), else_="given"
    )
    outsider = sa.case(
        (EXCHANGE.c.giver_id.in_(outsider_gave), EXCHANGE.c.giver_id), else_=EXCHANGE.c.receiver_id
    )
    referrals = sa.select(
        other.label("other"),
        sa.literal("referral").label("what"),
        exchange_direction.label("direction"),
        sa.literal(1).label("n"),
        sa.literal(0).label("amount"),
        outsider.label("person"),
    ).where(
        EXCHANGE.c.network_id == network_id,
        other.is_not(None),
        EXCHANGE.c.kind == ExchangeKind.REFERRAL,
        EXCHANGE.c.voided_at.is_(None),
        _between(EXCHANGE.c.occurred_on, start, end),
    )
    outsider_a = sa.select(MEMBERSHIP.c.member_id).where(
        MEMBERSHIP.c.network_id == ONE_TO_ONE.c.other_network_id
    )
    meetings = sa.select(
        ONE_TO_ONE.c.other_network_id,
        sa.literal("one_to_one"),
        sa.literal("both"),
        sa.literal(1),
        sa.literal(0),
        sa.case(
            (ONE_TO_ONE.c.member_a_id.in_(outsider_a), ONE_TO_ONE.c.member_a_id),
            else_=ONE_TO_ONE.c.member_b_id,
        ),
    ).where(
        ONE_TO_ONE.c.network_id == network_id,
        ONE_TO_ONE.c.other_network_id.is_not(None),
        _between(ONE_TO_ONE.c.held_on, start, end),
    )
    thanked_outsider = sa.select(MEMBERSHIP.c.member_id).where(
        MEMBERSHIP.c.network_id == CLOSED.c.other_network_id
    )
    tyfcbs = sa.select(
        CLOSED.c.other_network_id,
        sa.literal("tyfcb"),
        sa.case((CLOSED.c.member_id.in_(thanked_outsider), "received"), else_="given"),
        sa.literal(1),
        CLOSED.c.amount,
        sa.case(
            (CLOSED.c.member_id.in_(thanked_outsider), CLOSED.c.member_id),
            else_=CLOSED.c.thanked_by,
        ),
    ).where(
        CLOSED.c.network_id == network_id,
        CLOSED.c.other_network_id.is_not(None),
        _between(CLOSED.c.closed_on, start, end),
    )
    return sa.union_all(referrals, meetings, tyfcbs).subquery()


def cross_chapter_flows(session: Session, *, network_id: int, start: date, end: date) -> Rows:
    """``(other_network_id, what, direction, n, amount)`` for the network's slips with
    people of other chapters.

    ``what`` is ``referral``, ``one_to_one`` or ``tyfcb``; ``direction`` is ``given`` when
    this chapter's member gave (or, for a TYFCB, was thanked), ``received`` when the other
    chapter's person did, and ``both`` for a one-to-one.
    """
    rows = _cross_rows(network_id, start, end)
    query = sa.select(
        rows.c.other,
        rows.c.what,
        rows.c.direction,
        sa.func.sum(rows.c.n),
        sa.func.sum(rows.c.amount),
    ).group_by(rows.c.other, rows.c.what, rows.c.direction)
    return session.execute(query).all()


def cross_chapter_people(session: Session, *, network_id: int, start: date, end: date) -> Rows:
    """``(other_network_id, people)``: the other chapters' distinct people in those slips."""
    rows = _cross_rows(network_id, start, end)
    query = (
        sa.select(rows.c.other, sa.func.count(sa.distinct(rows.c.person)))
        .where(rows.c.person.is_not(None))
        .group_by(rows.c.other)
    )
    return session.execute(query).all()


def network_names(session: Session, network_ids: Sequence[int]) -> dict[int, str]:
    """Names of these networks."""
    if not network_ids:
        return {}
    query = sa.select(NETWORK.c.id, NETWORK.c.name).where(NETWORK.c.id.in_(list(network_ids)))
    return {int(row[0]): str(row[1]) for row in session.execute(query)}


def baseline_sums(session: Session, *, network_id: int, start: date, end: date) -> Rows:
    """``(member_id, name, present … ceu)``: BNI Connect's imported PALMS of every period
    that lies within this one, summed per member."""
    columns = [
        BASELINE.c[name]
        for name in (
            "present",
            "absent",
            "late",
            "medical",
            "substitute",
            "referrals_given_inside",
            "referrals_given_outside",
            "referrals_received_inside",
            "referrals_received_outside",
            "visitors",
            "one_to_ones",
            "tyfcb",
            "ceu",
        )
    ]
    query = (
        sa.select(BASELINE.c.member_id, MEMBER.c.name, *(sa.func.sum(c) for c in columns))
        .join(MEMBER, MEMBER.c.id == BASELINE.c.member_id)
        .where(
            BASELINE.c.network_id == network_id,
            BASELINE.c.period_start >= start,
            BASELINE.c.period_end <= end,
        )
        .group_by(BASELINE.c.member_id, MEMBER.c.name)
    )
    return session.execute(query).all()
