"""Reads shaped for an interactive face: small, bounded, one screenful at a time.

The TUI must open a national ledger (20,000 members, a million exchanges) without loading
it whole, so every function here returns a bounded page: the names to match as one types,
the referrals one member received or gave with the step each has reached, and a page of
exchanges after a keyset. Nothing here writes, and nothing computes a metric: the SLA
test below is the ledger's rule for "overdue", the same one the nudges use.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session

from reciprocity.ledger.errors import LedgerError
from reciprocity.ledger.exchanges import contact_readable, readable_columns
from reciprocity.ledger.rules import ENDINGS, STEP_RANK, check_choice
from reciprocity.store.models import (
    Exchange,
    ExchangeKind,
    Feedback,
    Followup,
    Meeting,
    Member,
    Membership,
    Network,
)
from reciprocity.store.tables import table_of

EXCHANGE = table_of(Exchange)
FOLLOWUP = table_of(Followup)
FEEDBACK = table_of(Feedback)
MEMBER = table_of(Member)
MEMBERSHIP = table_of(Membership)
NETWORK = table_of(Network)
MEETING = table_of(Meeting)


def member_name_index(*, session: Session, active_only: bool = True) -> list[tuple[int, str]]:
    """``(id, name)`` of every (active) member, by name: what a picker matches against.

    Two columns of 20,000 rows read in a few milliseconds; the face keeps them in memory
    and matches keystrokes without asking the database again.
    """
    query = sa.select(MEMBER.c.id, MEMBER.c.name).order_by(MEMBER.c.name, MEMBER.c.id)
    if active_only:
        query = query.where(MEMBER.c.active.is_(True))
    return [(int(row.id), str(row.name)) for row in session.execute(query)]


def search_members(*, session: Session, text: str = "", limit: int = 200) -> list[dict[str, Any]]:
    """Members whose name, company or category contains ``text`` (any case), by name."""
    query = sa.select(MEMBER).order_by(MEMBER.c.name, MEMBER.c.id).limit(limit)
    needle = text.strip()
    if needle:
        pattern = f"%{needle.lower()}%"
        query = query.where(
            sa.or_(
                sa.func.lower(MEMBER.c.name).like(pattern),
                sa.func.lower(sa.func.coalesce(MEMBER.c.company, "")).like(pattern),
                sa.func.lower(sa.func.coalesce(MEMBER.c.category, "")).like(pattern),
            )
        )
    return [dict(row._mapping) for row in session.execute(query)]


def recent_meetings(
    *, session: Session, member_id: int | None, today: date, limit: int = 8
) -> list[dict[str, Any]]:
    """The latest meetings (held by ``today``) of the member's networks, newest first."""
    query = (
        sa.select(
            MEETING.c.id,
            MEETING.c.held_on,
            MEETING.c.title,
            MEETING.c.network_id,
            NETWORK.c.name.label("network"),
        )
        .join(NETWORK, NETWORK.c.id == MEETING.c.network_id)
        .where(MEETING.c.held_on <= today)
        .order_by(MEETING.c.held_on.desc(), MEETING.c.id.desc())
        .limit(limit)
    )
    if member_id is not None:
        mine = sa.select(MEMBERSHIP.c.network_id).where(
            MEMBERSHIP.c.member_id == member_id, MEMBERSHIP.c.left_on.is_(None)
        )
        query = query.where(MEETING.c.network_id.in_(mine))
    return [dict(row._mapping) for row in session.execute(query)]


@dataclass(frozen=True)
class _Step:
    status: str
    on: date


def _last_steps(session: Session, exchange_ids: Sequence[int]) -> dict[int, _Step]:
    """The furthest step each referral reached (the ledger's order of steps)."""
    if not exchange_ids:
        return {}
    query = sa.select(FOLLOWUP.c.exchange_id, FOLLOWUP.c.status, FOLLOWUP.c.occurred_on).where(
        FOLLOWUP.c.exchange_id.in_(list(exchange_ids))
    )
    best: dict[int, tuple[int, date, _Step]] = {}
    for row in session.execute(query):
        key = (STEP_RANK[row.status], row.occurred_on)
        current = best.get(row.exchange_id)
        if current is None or key > current[:2]:
            best[row.exchange_id] = (*key, _Step(str(row.status), row.occurred_on))
    return {exchange_id: value[2] for exchange_id, value in best.items()}


def _ratings(session: Session, exchange_ids: Sequence[int]) -> dict[int, int]:
    if not exchange_ids:
        return {}
    query = sa.select(FEEDBACK.c.exchange_id, FEEDBACK.c.rating).where(
        FEEDBACK.c.exchange_id.in_(list(exchange_ids))
    )
    return {int(row.exchange_id): int(row.rating) for row in session.execute(query)}


def _referrals_of(
    session: Session, *, side: sa.ColumnElement[int], other: sa.ColumnElement[int], member_id: int
) -> list[sa.Row[Any]]:
    query = (
        sa.select(
            EXCHANGE.c.id.label("exchange_id"),
            EXCHANGE.c.occurred_on,
            EXCHANGE.c.summary,
            EXCHANGE.c.contact_name,
            EXCHANGE.c.acknowledged_at,
            other.label("other_id"),
            MEMBER.c.name.label("other"),
            NETWORK.c.sla_days,
        )
        .join(MEMBER, MEMBER.c.id == other)
        .join(NETWORK, NETWORK.c.id == EXCHANGE.c.network_id)
        .where(
            side == member_id,
            EXCHANGE.c.kind == ExchangeKind.REFERRAL,
            EXCHANGE.c.voided_at.is_(None),
        )
        .order_by(EXCHANGE.c.occurred_on.desc(), EXCHANGE.c.id.desc())
        .limit(2_000)
    )
    return list(session.execute(query).all())


def referrals_received_status(
    *, session: Session, member_id: int, today: date, limit: int = 500
) -> list[dict[str, Any]]:
    """The live referrals a member received, each with its step, age and whether it is overdue.

    ``exchange_id, occurred_on, giver_id, giver, summary, contact_name, status, step_on,
    age, overdue, open``. Overdue (no step yet, older than the network's SLA) come first,
    oldest first; then the other open ones, oldest first; then the finished, newest first.
    """
    rows = _referrals_of(
        session, side=EXCHANGE.c.receiver_id, other=EXCHANGE.c.giver_id, member_id=member_id
    )
    steps = _last_steps(session, [row.exchange_id for row in rows])
    result = []
    for row in rows:
        step = steps.get(row.exchange_id)
        status = step.status if step else ("acknowledged" if row.acknowledged_at else "given")
        age = (today - row.occurred_on).days
        result.append(
            {
                "exchange_id": row.exchange_id,
                "occurred_on": row.occurred_on,
                "giver_id": row.other_id,
                "giver": row.other,
                "summary": row.summary,
                "contact_name": row.contact_name,
                "status": status,
                "step_on": step.on if step else None,
                "age": age,
                "overdue": step is None and age > row.sla_days,
                "open": status not in ENDINGS,
            }
        )

    def order(item: dict[str, Any]) -> tuple[int, int]:
        if item["overdue"]:
            return (0, -item["age"])
        if item["open"]:
            return (1, -item["age"])
        return (2, item["age"])

    result.sort(key=order)
    return result[:limit]


def referrals_given_status(
    *, session: Session, member_id: int, limit: int = 100
) -> list[dict[str, Any]]:
    """The live referrals a member gave, with the step each reached; newest steps first.

    ``exchange_id, occurred_on, receiver_id, receiver, summary, status, step_on, rating``.
    Referrals without a step follow, newest first.
    """
    rows = _referrals_of(
        session, side=EXCHANGE.c.giver_id, other=EXCHANGE.c.receiver_id, member_id=member_id
    )
    ids = [row.exchange_id for row in rows]
    steps = _last_steps(session, ids)
    ratings = _ratings(session, ids)
    result = []
    for row in rows:
        step = steps.get(row.exchange_id)
        status = step.status if step else ("acknowledged" if row.acknowledged_at else "given")
        result.append(
            {
                "exchange_id": row.exchange_id,
                "occurred_on": row.occurred_on,
                "receiver_id": row.other_id,
                "receiver": row.other,
                "summary": row.summary,
                "status": status,
                "step_on": step.on if step else None,
                "rating": ratings.get(row.exchange_id),
            }
        )
    result.sort(
        key=lambda item: (
            item["step_on"] or item["occurred_on"],
            item["step_on"] is not None,
            item["exchange_id"],
        ),
        reverse=True,
    )
    return result[:limit]


def exchange_page(
    *,
    session: Session,
    member_id: int | None = None,
    kind: str | None = None,
    date_from: date | None = None,
    date_to: date | None = None,
    text: str | None = None,
    after: tuple[date, int] | None = None,
    limit: int = 100,
    acting_id: int | None = None,
) -> list[dict[str, Any]]:
    """One page of exchanges, newest first, continuing after ``(occurred_on, id)``.

    Each row has the exchange's columns plus ``giver``, ``receiver``, ``network`` and
    ``contact_hidden``. ``text`` matches (any case) the summary, either member's name, or
    the outside contact where ``acting_id`` may read it (see
    :func:`~reciprocity.ledger.exchanges.contact_readable`): a hidden contact is neither
    shown nor searchable. Keyset paging keeps every page as fast as the first, however deep
    one scrolls.
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
    giver = MEMBER.alias("giver_member")
    receiver = MEMBER.alias("receiver_member")
    query = (
        sa.select(
            *readable_columns(session, EXCHANGE, acting_id),
            giver.c.name.label("giver"),
            receiver.c.name.label("receiver"),
            NETWORK.c.name.label("network"),
        )
        .join(giver, giver.c.id == EXCHANGE.c.giver_id)
        .join(receiver, receiver.c.id == EXCHANGE.c.receiver_id)
        .join(NETWORK, NETWORK.c.id == EXCHANGE.c.network_id)
        .order_by(EXCHANGE.c.occurred_on.desc(), EXCHANGE.c.id.desc())
        .limit(limit)
    )
    if member_id is not None:
        query = query.where(
            sa.or_(EXCHANGE.c.giver_id == member_id, EXCHANGE.c.receiver_id == member_id)
        )
    if clean_kind is not None:
        query = query.where(EXCHANGE.c.kind == clean_kind)
    if date_from is not None:
        query = query.where(EXCHANGE.c.occurred_on >= date_from)
    if date_to is not None:
        query = query.where(EXCHANGE.c.occurred_on <= date_to)
    needle = (text or "").strip().lower()
    if needle:
        pattern = f"%{needle}%"
        contact = sa.func.lower(sa.func.coalesce(EXCHANGE.c.contact_name, "")).like(pattern)
        readable = contact_readable(session, EXCHANGE, acting_id)
        query = query.where(
            sa.or_(
                sa.func.lower(sa.func.coalesce(EXCHANGE.c.summary, "")).like(pattern),
                contact if readable is None else sa.and_(readable, contact),
                sa.func.lower(giver.c.name).like(pattern),
                sa.func.lower(receiver.c.name).like(pattern),
            )
        )
    if after is not None:
        day, last_id = after
        query = query.where(
            sa.or_(
                EXCHANGE.c.occurred_on < day,
                sa.and_(EXCHANGE.c.occurred_on == day, EXCHANGE.c.id < last_id),
            )
        )
    return [dict(row._mapping) for row in session.execute(query)]


def fellow_member_ids(*, session: Session, member_id: int) -> set[int]:
    """The members who share a current network with the member (not the member)."""
    mine = sa.select(MEMBERSHIP.c.network_id).where(
        MEMBERSHIP.c.member_id == member_id, MEMBERSHIP.c.left_on.is_(None)
    )
    query = sa.select(MEMBERSHIP.c.member_id).where(
        MEMBERSHIP.c.network_id.in_(mine),
        MEMBERSHIP.c.left_on.is_(None),
        MEMBERSHIP.c.member_id != member_id,
    )
    return {int(value) for value in session.execute(query).scalars()}


def member_networks(*, session: Session, member_id: int) -> list[tuple[int, str]]:
    """``(id, name)`` of every network the member belongs or belonged to, by name."""
    query = (
        sa.select(NETWORK.c.id, NETWORK.c.name)
        .join(MEMBERSHIP, MEMBERSHIP.c.network_id == NETWORK.c.id)
        .where(MEMBERSHIP.c.member_id == member_id)
        .order_by(NETWORK.c.name, NETWORK.c.id)
    )
    return [(int(row.id), str(row.name)) for row in session.execute(query)]
