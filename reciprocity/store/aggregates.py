"""The aggregate queries behind every metric: counts and sums in SQL, never the raw log.

Each function is one SQLAlchemy Core ``SELECT … GROUP BY`` that runs unchanged on SQLite
and PostgreSQL and returns small rows (per member, per pair, per network and kind) for
:mod:`reciprocity.analytics` to finish with pandas. Only counted exchanges are read: not
voided, in the network and in the inclusive period on ``occurred_on`` when those are
given. The one per-referral read over a whole scope is :func:`contact_days`, for the median;
the nudge queries read single rows, but only one member's.

The statements of one member's pairs and nudges, which a face runs on every refresh, are
built once per shape of their filters (``@cache``) with bound parameters: building one
took longer than PostgreSQL takes to run it (docs/performance.md).

Dates are compared as dates on both engines; :class:`days_between` is the one
dialect-specific expression (``julianday`` on SQLite, date subtraction on PostgreSQL).
"""

from collections.abc import Collection, Sequence
from datetime import date
from functools import cache
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import Session
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.elements import ColumnElement

from reciprocity.store.models import (
    DEFAULT_WEIGHTS,
    Ask,
    Attendance,
    Exchange,
    ExchangeKind,
    Feedback,
    Followup,
    FollowupStatus,
    Meeting,
    Member,
    Membership,
    Network,
    Offer,
    OneToOne,
    OtherCost,
    RequestStatus,
)
from reciprocity.store.tables import table_of
from reciprocity.store.types import StoredDate

ASK = table_of(Ask)
EXCHANGE = table_of(Exchange)
FOLLOWUP = table_of(Followup)
FEEDBACK = table_of(Feedback)
MEMBER = table_of(Member)
MEMBERSHIP = table_of(Membership)
NETWORK = table_of(Network)
OFFER = table_of(Offer)
ONE_TO_ONE = table_of(OneToOne)
MEETING = table_of(Meeting)
ATTENDANCE = table_of(Attendance)
OTHER_COST = table_of(OtherCost)

Rows = Sequence[sa.Row[*tuple[Any, ...]]]


class days_between(sa.sql.functions.FunctionElement[int]):  # noqa: N801 - an SQL function
    """Whole days from the first date to the second (``later − earlier``)."""

    type = sa.Integer()
    inherit_cache = True


@compiles(days_between, "sqlite")
def _days_sqlite(element: days_between, compiler: SQLCompiler, **kw: Any) -> str:
    first, second = element.clauses
    return (
        f"CAST(julianday({compiler.process(second, **kw)}) - "
        f"julianday({compiler.process(first, **kw)}) AS INTEGER)"
    )


@compiles(days_between)
def _days_default(element: days_between, compiler: SQLCompiler, **kw: Any) -> str:
    first, second = element.clauses
    return f"({compiler.process(second, **kw)} - {compiler.process(first, **kw)})"


class year_month(sa.sql.functions.FunctionElement[str]):  # noqa: N801 - an SQL function
    """A date's calendar month as ``'YYYY-MM'`` text."""

    type = sa.String()
    inherit_cache = True


@compiles(year_month, "sqlite")
def _month_sqlite(element: year_month, compiler: SQLCompiler, **kw: Any) -> str:
    (day,) = element.clauses
    return f"strftime('%Y-%m', {compiler.process(day, **kw)})"


@compiles(year_month)
def _month_default(element: year_month, compiler: SQLCompiler, **kw: Any) -> str:
    (day,) = element.clauses
    return f"to_char({compiler.process(day, **kw)}, 'YYYY-MM')"


def counted(
    *,
    network_id: int | ColumnElement[int] | None = None,
    start: date | ColumnElement[date] | None = None,
    end: date | ColumnElement[date] | None = None,
    table: sa.FromClause = EXCHANGE,
    member_id: int | None = None,
    side: ColumnElement[int] | None = None,
) -> list[ColumnElement[bool]]:
    """The WHERE clauses of a counted exchange: not voided, in the network and period.

    With ``member_id``, also that member on ``side`` (a giver or receiver column). The
    network and the period may be bound parameters of a statement built once.
    """
    clauses: list[ColumnElement[bool]] = [table.c.voided_at.is_(None)]
    if member_id is not None:
        assert side is not None, "a member filter needs the side the member is on"
        clauses.append(side == member_id)
    if network_id is not None:
        clauses.append(table.c.network_id == network_id)
    if start is not None:
        clauses.append(table.c.occurred_on >= start)
    if end is not None:
        clauses.append(table.c.occurred_on <= end)
    return clauses


def network_settings(session: Session) -> Rows:
    """``(network_id, weights, sla_days)`` of every network."""
    query = sa.select(NETWORK.c.id, NETWORK.c.weights, NETWORK.c.sla_days)
    return session.execute(query).all()


def network_currencies(session: Session) -> list[str]:
    """The distinct currencies of the networks."""
    return list(session.execute(sa.select(NETWORK.c.currency).distinct()).scalars())


def member_totals(
    session: Session,
    *,
    network_id: int | None,
    member_id: int | None,
    start: date | None,
    end: date | None,
) -> Rows:
    """``(member_id, network_id, side, referral, help, introduction)``: counts by kind.

    Counts given and received (``side`` is ``'given'`` or ``'received'``) with the kinds as
    columns: one row per member, network and side. Each side groups by its covering
    index's leading columns, so SQLite reads the index in order with no sort and no table
    row.
    """
    parts = []
    for side, column in (("given", EXCHANGE.c.giver_id), ("received", EXCHANGE.c.receiver_id)):
        clauses = counted(
            network_id=network_id, start=start, end=end, member_id=member_id, side=column
        )
        parts.append(
            sa.select(
                column.label("member_id"),
                EXCHANGE.c.network_id,
                sa.literal(side).label("side"),
                *(
                    sa.func.count().filter(EXCHANGE.c.kind == kind).label(kind)
                    for kind in (
                        ExchangeKind.REFERRAL,
                        ExchangeKind.HELP,
                        ExchangeKind.INTRODUCTION,
                    )
                ),
            )
            .where(*clauses)
            .group_by(column, EXCHANGE.c.network_id)
        )
    return session.execute(sa.union_all(*parts)).all()


NARROW_DAYS = 92
"""A period up to a quarter reads its own referrals' steps rather than all steps."""


def _narrow(
    *, network_id: int | None, member_id: int | None, start: date | None, end: date | None
) -> bool:
    """Whether a scope holds few enough exchanges to look them up before their steps."""
    short = start is not None and end is not None and (end - start).days < NARROW_DAYS
    return member_id is not None or network_id is not None or short


def referral_outcomes(
    session: Session,
    *,
    network_id: int | None,
    member_id: int | None,
    start: date | None,
    end: date | None,
) -> Rows:
    """What became of the counted referrals that have any step, in one pass over the steps.

    ``(side, member_id, days, within_sla, n, won, lost, no_response)``:

    - ``'received'`` rows per receiver and whole days from the referral to its first step
      (``within_sla`` 1 when that is within the network's SLA): ``n`` referrals, of which
      ``won``/``lost``/``no_response`` reached that ending;
    - ``'given'`` rows per giver (``days`` and ``within_sla`` null): ``won`` counts the
      won steps on their referrals.

    The steps are summed per referral straight from their covering index, in referral
    order, then each referral is looked up once; with ``member_id``, only that member's
    received and given referrals count.
    """
    where = _referrals(network_id=network_id, start=start, end=end)
    if member_id is not None:
        where.append(sa.or_(EXCHANGE.c.giver_id == member_id, EXCHANGE.c.receiver_id == member_id))

    def reached(status: str) -> ColumnElement[int]:
        return sa.func.max(sa.case((FOLLOWUP.c.status == status, 1), else_=0)).label(status)

    per_referral = sa.select(
        FOLLOWUP.c.exchange_id,
        sa.func.min(FOLLOWUP.c.occurred_on).label("first_on"),
        reached(FollowupStatus.WON),
        reached(FollowupStatus.LOST),
        reached(FollowupStatus.NO_RESPONSE),
        sa.func.sum(sa.case((FOLLOWUP.c.status == FollowupStatus.WON, 1), else_=0)).label(
            "won_steps"
        ),
    ).group_by(FOLLOWUP.c.exchange_id)
    if _narrow(network_id=network_id, member_id=member_id, start=start, end=end):
        # A member, a network or a short period: find its referrals first (by their own
        # index) and read only their steps, rather than every step in the ledger.
        per_referral = per_referral.where(
            FOLLOWUP.c.exchange_id.in_(sa.select(EXCHANGE.c.id).where(*where))
        )
    per_referral_rows = per_referral.subquery("per_referral")
    steps = (
        sa.select(
            EXCHANGE.c.giver_id,
            EXCHANGE.c.receiver_id,
            EXCHANGE.c.network_id,
            days_between(EXCHANGE.c.occurred_on, per_referral_rows.c.first_on).label("days"),
            per_referral_rows.c.won,
            per_referral_rows.c.lost,
            per_referral_rows.c.no_response,
            per_referral_rows.c.won_steps,
        )
        .select_from(
            per_referral_rows.join(EXCHANGE, EXCHANGE.c.id == per_referral_rows.c.exchange_id)
        )
        .where(*where)
        .cte("steps")
    )
    within = sa.case((steps.c.days <= NETWORK.c.sla_days, 1), else_=0)
    received = (
        sa.select(
            sa.literal("received").label("side"),
            steps.c.receiver_id.label("member_id"),
            steps.c.days,
            within.label("within_sla"),
            sa.func.count().label("n"),
            sa.func.sum(steps.c.won).label("won"),
            sa.func.sum(steps.c.lost).label("lost"),
            sa.func.sum(steps.c.no_response).label("no_response"),
        )
        .select_from(steps.join(NETWORK, NETWORK.c.id == steps.c.network_id))
        .group_by(steps.c.receiver_id, steps.c.days, NETWORK.c.sla_days)
    )
    given = sa.select(
        sa.literal("given").label("side"),
        steps.c.giver_id.label("member_id"),
        sa.null().label("days"),
        sa.null().label("within_sla"),
        sa.func.count().label("n"),
        sa.func.sum(steps.c.won_steps).label("won"),
        sa.literal(0).label("lost"),
        sa.literal(0).label("no_response"),
    ).group_by(steps.c.giver_id)
    if member_id is not None:
        received = received.where(steps.c.receiver_id == member_id)
        given = given.where(steps.c.giver_id == member_id)
    return session.execute(sa.union_all(received, given)).all()


def monthly_flows(
    session: Session,
    *,
    network_id: int | None,
    member_id: int | None,
    start: date | None,
    end: date | None,
) -> Rows:
    """``(month, network_id, kind, side, n)``: counted exchanges per calendar month.

    With ``member_id``, that member's exchanges on each side; without, every exchange
    once per side (so the ``'given'`` rows count the network's exchanges).
    """
    month = year_month(EXCHANGE.c.occurred_on)
    parts = []
    for side, column in (("given", EXCHANGE.c.giver_id), ("received", EXCHANGE.c.receiver_id)):
        clauses = counted(
            network_id=network_id, start=start, end=end, member_id=member_id, side=column
        )
        parts.append(
            sa.select(
                month.label("month"),
                EXCHANGE.c.network_id,
                EXCHANGE.c.kind,
                sa.literal(side).label("side"),
                sa.func.count().label("n"),
            )
            .where(*clauses)
            .group_by(month, EXCHANGE.c.network_id, EXCHANGE.c.kind)
        )
    return session.execute(sa.union_all(*parts)).all()


def won_values(
    session: Session,
    *,
    network_id: int | None,
    member_id: int | None,
    start: date | None,
    end: date | None,
) -> Rows:
    """``(member_id, side, value)``: the value of ``won`` steps on referrals given and received."""
    joined = FOLLOWUP.join(EXCHANGE, EXCHANGE.c.id == FOLLOWUP.c.exchange_id)
    parts = []
    for side, column in (("given", EXCHANGE.c.giver_id), ("received", EXCHANGE.c.receiver_id)):
        clauses = [
            *counted(network_id=network_id, start=start, end=end, member_id=member_id, side=column),
            FOLLOWUP.c.status == FollowupStatus.WON,
        ]
        parts.append(
            sa.select(
                column.label("member_id"),
                sa.literal(side).label("side"),
                sa.func.coalesce(sa.func.sum(FOLLOWUP.c.value), 0).label("value"),
            )
            .select_from(joined)
            .where(*clauses)
            .group_by(column)
        )
    return session.execute(sa.union_all(*parts)).all()


def won_steps(
    session: Session,
    *,
    network_id: int | None,
    member_id: int | None,
    start: date | None,
    end: date | None,
) -> Rows:
    """``(giver_id, receiver_id, value)`` of every ``won`` step on a counted exchange.

    The rows :func:`won_values` sums per side, read in one pass over the won steps' index
    instead of one per side; with ``member_id``, steps where that member is on either side.
    """
    where = [
        *counted(network_id=network_id, start=start, end=end),
        FOLLOWUP.c.status == FollowupStatus.WON,
    ]
    if member_id is not None:
        where.append(sa.or_(EXCHANGE.c.giver_id == member_id, EXCHANGE.c.receiver_id == member_id))
    query = (
        sa.select(EXCHANGE.c.giver_id, EXCHANGE.c.receiver_id, FOLLOWUP.c.value)
        .select_from(FOLLOWUP.join(EXCHANGE, EXCHANGE.c.id == FOLLOWUP.c.exchange_id))
        .where(*where)
    )
    return session.execute(query).all()


def listed_members(
    session: Session,
    *,
    network_id: int | None,
    member_id: int | None,
    start: date | None,
    end: date | None,
) -> Rows:
    """``(member_id, name)`` of the members listed whatever their activity.

    Every active member; with a network, those whose membership overlaps the period. With
    ``member_id``, that member alone (listed even if inactive).
    """
    query = sa.select(MEMBER.c.id.label("member_id"), MEMBER.c.name)
    if member_id is not None:
        return session.execute(query.where(MEMBER.c.id == member_id)).all()
    query = query.where(MEMBER.c.active.is_(True))
    if network_id is not None:
        overlap = [MEMBERSHIP.c.member_id == MEMBER.c.id, MEMBERSHIP.c.network_id == network_id]
        if end is not None:
            overlap.append(sa.or_(MEMBERSHIP.c.joined_on.is_(None), MEMBERSHIP.c.joined_on <= end))
        if start is not None:
            overlap.append(sa.or_(MEMBERSHIP.c.left_on.is_(None), MEMBERSHIP.c.left_on >= start))
        query = query.where(sa.exists().where(*overlap))
    return session.execute(query).all()


def member_names(session: Session, member_ids: Collection[int]) -> Rows:
    """``(member_id, name)`` of the given members."""
    if not member_ids:
        return []
    query = sa.select(MEMBER.c.id.label("member_id"), MEMBER.c.name).where(
        MEMBER.c.id.in_(list(member_ids))
    )
    return session.execute(query).all()


def _referrals(
    *,
    network_id: int | ColumnElement[int] | None,
    start: date | ColumnElement[date] | None,
    end: date | ColumnElement[date] | None,
    member_id: int | None = None,
    side: ColumnElement[int] | None = None,
) -> list[ColumnElement[bool]]:
    """:func:`counted` for referrals only."""
    return [
        *counted(network_id=network_id, start=start, end=end, member_id=member_id, side=side),
        EXCHANGE.c.kind == ExchangeKind.REFERRAL,
    ]


MEETING_OR_LATER = (FollowupStatus.MEETING, FollowupStatus.PROPOSAL, FollowupStatus.WON)
PROPOSAL_OR_LATER = (FollowupStatus.PROPOSAL, FollowupStatus.WON)


def funnel_counts(
    session: Session, *, network_id: int | None, start: date | None, end: date | None
) -> dict[str, int]:
    """Referrals received in the scope and how many reached each step or a later one.

    ``contacted`` is "has any step", as in the quality metrics; ``meeting`` counts a step
    of meeting, proposal or won; ``proposal`` a step of proposal or won.
    """

    def reached(statuses: tuple[str, ...]) -> ColumnElement[int]:
        return sa.func.max(sa.case((FOLLOWUP.c.status.in_(statuses), 1), else_=0))

    where = _referrals(network_id=network_id, start=start, end=end)
    steps = (
        sa.select(
            FOLLOWUP.c.exchange_id,
            reached(MEETING_OR_LATER).label("meeting"),
            reached(PROPOSAL_OR_LATER).label("proposal"),
            reached((FollowupStatus.WON,)).label("won"),
        )
        .select_from(FOLLOWUP.join(EXCHANGE, EXCHANGE.c.id == FOLLOWUP.c.exchange_id))
        .where(*where)
        .group_by(FOLLOWUP.c.exchange_id)
        .subquery("steps")
    )
    query = (
        sa.select(
            sa.func.count().label("received"),
            sa.func.count(steps.c.exchange_id).label("contacted"),
            sa.func.coalesce(sa.func.sum(steps.c.meeting), 0).label("meeting"),
            sa.func.coalesce(sa.func.sum(steps.c.proposal), 0).label("proposal"),
            sa.func.coalesce(sa.func.sum(steps.c.won), 0).label("won"),
        )
        .select_from(EXCHANGE.outerjoin(steps, steps.c.exchange_id == EXCHANGE.c.id))
        .where(*where)
    )
    row = session.execute(query).one()
    return {key: int(value or 0) for key, value in row._mapping.items()}


def ratings_received(
    session: Session,
    *,
    network_id: int | None,
    member_id: int | None,
    start: date | None,
    end: date | None,
) -> Rows:
    """Per receiver: ``rating_sum, ratings``, the givers' feedback on their referrals."""
    where = _referrals(
        network_id=network_id,
        start=start,
        end=end,
        member_id=member_id,
        side=EXCHANGE.c.receiver_id,
    )
    query = (
        sa.select(
            EXCHANGE.c.receiver_id.label("member_id"),
            sa.func.sum(FEEDBACK.c.rating).label("rating_sum"),
            sa.func.count().label("ratings"),
        )
        .select_from(FEEDBACK.join(EXCHANGE, EXCHANGE.c.id == FEEDBACK.c.exchange_id))
        .where(*where)
        .group_by(EXCHANGE.c.receiver_id)
    )
    return session.execute(query).all()


def contact_days(
    session: Session,
    *,
    network_id: int | None,
    member_id: int | None,
    start: date | None,
    end: date | None,
) -> Rows:
    """``(member_id, days)`` per contacted referral: receiver and days to the first step."""
    where = _referrals(
        network_id=network_id,
        start=start,
        end=end,
        member_id=member_id,
        side=EXCHANGE.c.receiver_id,
    )
    first_on = sa.func.min(FOLLOWUP.c.occurred_on)
    query = (
        sa.select(
            EXCHANGE.c.receiver_id.label("member_id"),
            days_between(sa.func.min(EXCHANGE.c.occurred_on), first_on).label("days"),
        )
        .select_from(FOLLOWUP.join(EXCHANGE, EXCHANGE.c.id == FOLLOWUP.c.exchange_id))
        .where(*where)
        .group_by(EXCHANGE.c.id, EXCHANGE.c.receiver_id)
    )
    return session.execute(query).all()


def close_days(
    session: Session, *, network_id: int | None, start: date | None, end: date | None
) -> Rows:
    """``(days, referrals)``: the scope's won referrals, by whole days from referral to won."""
    days = days_between(EXCHANGE.c.occurred_on, FOLLOWUP.c.occurred_on)
    query = (
        sa.select(days.label("days"), sa.func.count().label("referrals"))
        .select_from(FOLLOWUP.join(EXCHANGE, EXCHANGE.c.id == FOLLOWUP.c.exchange_id))
        .where(
            *_referrals(network_id=network_id, start=start, end=end),
            FOLLOWUP.c.status == FollowupStatus.WON,
        )
        .group_by(days)
    )
    return session.execute(query).all()


def won_until(
    session: Session, *, network_id: int | None, start: date | None, end: date | None, until: date
) -> tuple[int, float]:
    """The scope's referrals won on or before ``until``: how many, and their value."""
    query = (
        sa.select(sa.func.count(), sa.func.coalesce(sa.func.sum(FOLLOWUP.c.value), 0))
        .select_from(FOLLOWUP.join(EXCHANGE, EXCHANGE.c.id == FOLLOWUP.c.exchange_id))
        .where(
            *_referrals(network_id=network_id, start=start, end=end),
            FOLLOWUP.c.status == FollowupStatus.WON,
            FOLLOWUP.c.occurred_on <= until,
        )
    )
    won, value = session.execute(query).one()
    return int(won), float(value)


def pair_flows(
    session: Session,
    *,
    network_id: int | None,
    member_id: int | None,
    start: date | None,
    end: date | None,
) -> Rows:
    """``(giver_id, receiver_id, network_id, kind, n)``: counts per ordered pair."""
    where = counted(network_id=network_id, start=start, end=end)
    if member_id is not None:
        where.append(sa.or_(EXCHANGE.c.giver_id == member_id, EXCHANGE.c.receiver_id == member_id))
    query = (
        sa.select(
            EXCHANGE.c.giver_id,
            EXCHANGE.c.receiver_id,
            EXCHANGE.c.network_id,
            EXCHANGE.c.kind,
            sa.func.count().label("n"),
        )
        .where(*where)
        .group_by(
            EXCHANGE.c.giver_id, EXCHANGE.c.receiver_id, EXCHANGE.c.network_id, EXCHANGE.c.kind
        )
    )
    return session.execute(query).all()


def weight_of(kind: ColumnElement[str]) -> ColumnElement[int]:
    """The points of one exchange of ``kind`` in the :data:`NETWORK` row joined to it: its
    own weight for the kind, else the default, read from its JSON in SQL."""
    return sa.case(
        *(
            (
                kind == str(name),
                sa.func.coalesce(NETWORK.c.weights[str(name)].as_integer(), default),
            )
            for name, default in DEFAULT_WEIGHTS.items()
        )
    )


def member_pairs(
    session: Session,
    *,
    member_id: int,
    network_id: int | None,
    start: date | None,
    end: date | None,
) -> Rows:
    """One member's pairs in one statement: ``(other_id, member, other, given, received,
    given_points, received_points)`` for every member with a counted exchange either way
    (``given`` and ``received`` count the exchanges).

    Counts per ordered pair, network and kind first (the member's covering indexes), then
    each count weighed by its network's weights and summed per other member; the names are
    looked up per row of the result, so PostgreSQL never estimates its way to reading every
    member to join them.
    """
    query = _member_pairs_query(network_id is not None, start is not None, end is not None)
    values = {"member_id": member_id, "network_id": network_id, "start": start, "end": end}
    return session.execute(query, values).all()


@cache
def _member_pairs_query(network: bool, start: bool, end: bool) -> sa.Select[Any]:
    """The statement of :func:`member_pairs`, built once per shape of scope with bound
    parameters: building it took longer than PostgreSQL takes to run it."""
    member = sa.bindparam("member_id", type_=sa.Integer)
    gives = EXCHANGE.c.giver_id == member
    flows = (
        sa.select(
            sa.case((gives, EXCHANGE.c.receiver_id), else_=EXCHANGE.c.giver_id).label("other_id"),
            sa.func.sum(sa.case((gives, 1), else_=0)).label("given"),
            sa.func.sum(sa.case((gives, 0), else_=1)).label("received"),
            EXCHANGE.c.network_id,
            EXCHANGE.c.kind,
        )
        .where(
            *counted(
                network_id=_network_parameter(network),
                start=sa.bindparam("start") if start else None,
                end=sa.bindparam("end") if end else None,
            ),
            sa.or_(gives, EXCHANGE.c.receiver_id == member),
        )
        .group_by(
            EXCHANGE.c.giver_id, EXCHANGE.c.receiver_id, EXCHANGE.c.network_id, EXCHANGE.c.kind
        )
        .subquery("flows")
    )
    sums = (
        sa.select(
            flows.c.other_id,
            sa.func.sum(flows.c.given).label("given"),
            sa.func.sum(flows.c.received).label("received"),
            sa.func.sum(flows.c.given * weight_of(flows.c.kind)).label("given_points"),
            sa.func.sum(flows.c.received * weight_of(flows.c.kind)).label("received_points"),
        )
        .select_from(flows.join(NETWORK, NETWORK.c.id == flows.c.network_id))
        .group_by(flows.c.other_id)
        .subquery("sums")
    )
    me, other = MEMBER.alias("me"), MEMBER.alias("other")
    return sa.select(
        sums.c.other_id,
        sa.select(me.c.name).where(me.c.id == member).scalar_subquery().label("member"),
        sa.select(other.c.name)
        .where(other.c.id == sums.c.other_id)
        .scalar_subquery()
        .label("other"),
        sums.c.given,
        sums.c.received,
        sums.c.given_points,
        sums.c.received_points,
    )


def edge_counts(
    session: Session, *, network_id: int | None, start: date | None, end: date | None
) -> tuple[int, int]:
    """``(edges, mutual)`` of the giver → receiver graph: mutual edges have their reverse."""
    edges = (
        sa.select(EXCHANGE.c.giver_id, EXCHANGE.c.receiver_id)
        .where(*counted(network_id=network_id, start=start, end=end))
        .distinct()
        .cte("edges")
    )
    reverse = edges.alias("reverse")
    query = sa.select(
        sa.func.count(),
        sa.func.count(reverse.c.giver_id),
    ).select_from(
        edges.outerjoin(
            reverse,
            sa.and_(
                reverse.c.giver_id == edges.c.receiver_id,
                reverse.c.receiver_id == edges.c.giver_id,
            ),
        )
    )
    total, mutual = session.execute(query).one()
    return int(total), int(mutual)


def takers_without_giving(
    session: Session, *, network_id: int | None, start: date, end: date
) -> list[str]:
    """Names of members who received a counted exchange and gave none, in the period.

    Unsorted: names sort in Python, the same on every database. Receivers ``EXCEPT``
    givers reads each side's covering index once, instead of probing per exchange.
    """
    window = counted(network_id=network_id, start=start, end=end)
    takers = sa.except_(
        sa.select(EXCHANGE.c.receiver_id).where(*window),
        sa.select(EXCHANGE.c.giver_id).where(*window),
    )
    query = sa.select(MEMBER.c.name).where(MEMBER.c.id.in_(takers.scalar_subquery()))
    return list(session.execute(query).scalars())


def referrals_awaiting_contact(
    session: Session, *, member_id: int, network_id: int | None, as_of: date
) -> Rows:
    """Referrals a member received with no step by ``as_of``, older than their network's SLA.

    ``(exchange_id, giver_id, giver, occurred_on, summary, age)``, oldest first.
    """
    values = {"member_id": member_id, "network_id": network_id, "as_of": as_of}
    return session.execute(_awaiting_contact_query(network_id is not None), values).all()


@cache
def _awaiting_contact_query(network: bool) -> sa.Select[Any]:
    """The statement of :func:`referrals_awaiting_contact`, built once per shape (see
    :func:`_member_pairs_query`)."""
    as_of = sa.bindparam("as_of", type_=StoredDate())
    age = days_between(EXCHANGE.c.occurred_on, as_of)
    return (
        sa.select(
            EXCHANGE.c.id.label("exchange_id"),
            EXCHANGE.c.giver_id,
            MEMBER.c.name.label("giver"),
            EXCHANGE.c.occurred_on,
            EXCHANGE.c.summary,
            age.label("age"),
        )
        .select_from(
            EXCHANGE.join(MEMBER, MEMBER.c.id == EXCHANGE.c.giver_id).join(
                NETWORK, NETWORK.c.id == EXCHANGE.c.network_id
            )
        )
        .where(
            *_referrals(network_id=_network_parameter(network), start=None, end=as_of),
            EXCHANGE.c.receiver_id == sa.bindparam("member_id", type_=sa.Integer),
            age > NETWORK.c.sla_days,
            ~sa.exists().where(
                FOLLOWUP.c.exchange_id == EXCHANGE.c.id, FOLLOWUP.c.occurred_on <= as_of
            ),
        )
        .order_by(EXCHANGE.c.occurred_on, EXCHANGE.c.id)
    )


def _network_parameter(network: bool) -> ColumnElement[int] | None:
    """The bound ``network_id`` of a statement built for one network, else no filter."""
    return sa.bindparam("network_id", type_=sa.Integer) if network else None


def _belongs_on(
    membership: sa.FromClause, on: date | ColumnElement[date]
) -> list[ColumnElement[bool]]:
    """The membership runs on the day ``on``: joined by then, not left before."""
    return [
        sa.or_(membership.c.joined_on.is_(None), membership.c.joined_on <= on),
        sa.or_(membership.c.left_on.is_(None), membership.c.left_on >= on),
    ]


def cold_fellows(
    session: Session, *, member_id: int, network_id: int | None, on: date, start: date, end: date
) -> Rows:
    """The member's fellows with whom nothing happened lately, in one statement.

    ``(member_id, name, generosity)`` of the active members of an active network both
    belong to on ``on`` (only ``network_id``'s, if given) with no counted exchange either
    way (in any network) and no one-to-one from ``start`` to ``end``; ``generosity`` is the
    points each gave anyone in that period. Unsorted: names sort in Python.
    """
    values = {
        "member_id": member_id,
        "network_id": network_id,
        "on": on,
        "start": start,
        "end": end,
    }
    return session.execute(_cold_fellows_query(network_id is not None), values).all()


@cache
def _cold_fellows_query(network: bool) -> sa.Select[Any]:
    """The statement of :func:`cold_fellows`, built once per shape (see
    :func:`_member_pairs_query`)."""
    member = sa.bindparam("member_id", type_=sa.Integer)
    network_id = _network_parameter(network)
    on, start, end = (sa.bindparam(name, type_=StoredDate()) for name in ("on", "start", "end"))
    mine, theirs = MEMBERSHIP.alias("mine"), MEMBERSHIP.alias("theirs")
    fellows = (
        sa.select(MEMBER.c.id, MEMBER.c.name)
        .select_from(
            mine.join(theirs, theirs.c.network_id == mine.c.network_id)
            .join(NETWORK, NETWORK.c.id == mine.c.network_id)
            .join(MEMBER, MEMBER.c.id == theirs.c.member_id)
        )
        .where(
            mine.c.member_id == member,
            theirs.c.member_id != member,
            MEMBER.c.active.is_(True),
            NETWORK.c.active.is_(True),
            *_belongs_on(mine, on),
            *_belongs_on(theirs, on),
            *([] if network_id is None else [mine.c.network_id == network_id]),
        )
        .distinct()
        .subquery("fellows")
    )
    gives = EXCHANGE.c.giver_id == member
    partners = sa.select(sa.case((gives, EXCHANGE.c.receiver_id), else_=EXCHANGE.c.giver_id)).where(
        *counted(start=start, end=end), sa.or_(gives, EXCHANGE.c.receiver_id == member)
    )
    met = sa.select(
        sa.case(
            (ONE_TO_ONE.c.member_a_id == member, ONE_TO_ONE.c.member_b_id),
            else_=ONE_TO_ONE.c.member_a_id,
        )
    ).where(
        sa.or_(ONE_TO_ONE.c.member_a_id == member, ONE_TO_ONE.c.member_b_id == member),
        ONE_TO_ONE.c.held_on >= start,
        ONE_TO_ONE.c.held_on <= end,
    )
    cold = (
        sa.select(fellows.c.id, fellows.c.name)
        .where(fellows.c.id.not_in(partners), fellows.c.id.not_in(met))
        .subquery("cold")
    )
    given = EXCHANGE.alias("given")
    return (
        sa.select(
            cold.c.id.label("member_id"),
            cold.c.name,
            sa.func.coalesce(sa.func.sum(weight_of(given.c.kind)), 0).label("generosity"),
        )
        .select_from(
            cold.outerjoin(
                given,
                sa.and_(
                    given.c.giver_id == cold.c.id,
                    *counted(table=given, start=start, end=end),
                ),
            ).outerjoin(NETWORK, NETWORK.c.id == given.c.network_id)
        )
        .group_by(cold.c.id, cold.c.name)
    )


def open_asks_for(session: Session, *, member_id: int, network_id: int | None, on: date) -> Rows:
    """Open asks by others in the networks the member belongs to on ``on`` (only
    ``network_id``, if given), newest first: ``(ask_id, member_id, member, category,
    network, topic, details)``, the asker's name and category joined."""
    values = {"member_id": member_id, "network_id": network_id, "on": on}
    return session.execute(_open_asks_query(network_id is not None), values).all()


@cache
def _open_asks_query(network: bool) -> sa.Select[Any]:
    """The statement of :func:`open_asks_for`, built once per shape (see
    :func:`_member_pairs_query`)."""
    member = sa.bindparam("member_id", type_=sa.Integer)
    asker = MEMBER.alias("asker")
    network_id = _network_parameter(network)
    networks = sa.select(MEMBERSHIP.c.network_id).where(
        MEMBERSHIP.c.member_id == member, *_belongs_on(MEMBERSHIP, sa.bindparam("on"))
    )
    return (
        sa.select(
            ASK.c.id.label("ask_id"),
            ASK.c.member_id,
            asker.c.name.label("member"),
            asker.c.category,
            NETWORK.c.name.label("network"),
            ASK.c.topic,
            ASK.c.details,
        )
        .select_from(
            ASK.join(asker, asker.c.id == ASK.c.member_id).join(
                NETWORK, NETWORK.c.id == ASK.c.network_id
            )
        )
        .where(
            ASK.c.network_id.in_(networks),
            ASK.c.status == RequestStatus.OPEN,
            ASK.c.member_id != member,
            *([] if network_id is None else [ASK.c.network_id == network_id]),
        )
        .order_by(ASK.c.created_at.desc(), ASK.c.id.desc())
    )


def open_offers_of(session: Session, member_id: int) -> Rows:
    """``(topic, details)`` of the member's open offers."""
    return session.execute(_OPEN_OFFERS, {"member_id": member_id}).all()


_OPEN_OFFERS = sa.select(OFFER.c.topic, OFFER.c.details).where(
    OFFER.c.member_id == sa.bindparam("member_id", type_=sa.Integer),
    OFFER.c.status == RequestStatus.OPEN,
)


def recent_steps_on_given(
    session: Session, *, member_id: int, network_id: int | None, start: date, end: date
) -> Rows:
    """Steps dated in the period on referrals the member gave, newest first.

    ``(exchange_id, receiver_id, receiver, summary, status, step_on, rated)``.
    """
    values = {"member_id": member_id, "network_id": network_id, "start": start, "end": end}
    return session.execute(_steps_on_given_query(network_id is not None), values).all()


@cache
def _steps_on_given_query(network: bool) -> sa.Select[Any]:
    """The statement of :func:`recent_steps_on_given`, built once per shape (see
    :func:`_member_pairs_query`)."""
    rated = sa.exists().where(FEEDBACK.c.exchange_id == EXCHANGE.c.id)
    return (
        sa.select(
            EXCHANGE.c.id.label("exchange_id"),
            EXCHANGE.c.receiver_id,
            MEMBER.c.name.label("receiver"),
            EXCHANGE.c.summary,
            FOLLOWUP.c.status,
            FOLLOWUP.c.occurred_on.label("step_on"),
            rated.label("rated"),
        )
        .select_from(
            FOLLOWUP.join(EXCHANGE, EXCHANGE.c.id == FOLLOWUP.c.exchange_id).join(
                MEMBER, MEMBER.c.id == EXCHANGE.c.receiver_id
            )
        )
        .where(
            *_referrals(network_id=_network_parameter(network), start=None, end=None),
            EXCHANGE.c.giver_id == sa.bindparam("member_id", type_=sa.Integer),
            FOLLOWUP.c.occurred_on >= sa.bindparam("start"),
            FOLLOWUP.c.occurred_on <= sa.bindparam("end"),
        )
        .order_by(FOLLOWUP.c.occurred_on.desc(), FOLLOWUP.c.id.desc())
    )


# --- Costs and worth: per member and network, and networks side by side ------------------


def _in_networks(column: sa.ColumnElement[int], network_ids: Collection[int] | None) -> list[Any]:
    return [] if network_ids is None else [column.in_(list(network_ids))]


def memberships_in_period(
    session: Session,
    *,
    member_id: int | None,
    network_ids: Collection[int] | None,
    start: date,
    end: date,
) -> Rows:
    """Memberships that overlap the period, with the figures their cost is made of.

    ``(member_id, network_id, joined_on, left_on, fee, meeting_hours, active)``: the
    member's own fee and hours (``None``: the network's) and whether the member is active.
    """
    query = (
        sa.select(
            MEMBERSHIP.c.member_id,
            MEMBERSHIP.c.network_id,
            MEMBERSHIP.c.joined_on,
            MEMBERSHIP.c.left_on,
            MEMBERSHIP.c.fee,
            MEMBERSHIP.c.meeting_hours,
            MEMBER.c.active,
        )
        .select_from(MEMBERSHIP.join(MEMBER, MEMBER.c.id == MEMBERSHIP.c.member_id))
        .where(
            sa.or_(MEMBERSHIP.c.joined_on.is_(None), MEMBERSHIP.c.joined_on <= end),
            sa.or_(MEMBERSHIP.c.left_on.is_(None), MEMBERSHIP.c.left_on >= start),
            *_in_networks(MEMBERSHIP.c.network_id, network_ids),
        )
    )
    if member_id is not None:
        query = query.where(MEMBERSHIP.c.member_id == member_id)
    return session.execute(query).all()


def member_network_ids(session: Session, *, member_id: int) -> list[int]:
    """Every network the member ever belonged to (leavers included)."""
    query = sa.select(MEMBERSHIP.c.network_id).where(MEMBERSHIP.c.member_id == member_id)
    return [int(value) for value in session.execute(query).scalars()]


def network_cost_settings(session: Session, network_ids: Collection[int]) -> Rows:
    """``(network_id, name, fee, currency, meeting_hours)`` of the given networks."""
    if not network_ids:
        return []
    query = sa.select(
        NETWORK.c.id.label("network_id"),
        NETWORK.c.name,
        NETWORK.c.fee,
        NETWORK.c.currency,
        NETWORK.c.meeting_hours,
    ).where(NETWORK.c.id.in_(list(network_ids)))
    return session.execute(query).all()


def other_costs(
    session: Session,
    *,
    member_id: int | None,
    network_ids: Collection[int] | None,
    start: date,
    end: date,
) -> Rows:
    """``(member_id, network_id, amount)``: other costs dated in the period, summed."""
    query = (
        sa.select(
            OTHER_COST.c.member_id,
            OTHER_COST.c.network_id,
            sa.func.sum(OTHER_COST.c.amount).label("amount"),
        )
        .where(
            OTHER_COST.c.spent_on >= start,
            OTHER_COST.c.spent_on <= end,
            *_in_networks(OTHER_COST.c.network_id, network_ids),
        )
        .group_by(OTHER_COST.c.member_id, OTHER_COST.c.network_id)
    )
    if member_id is not None:
        query = query.where(OTHER_COST.c.member_id == member_id)
    return session.execute(query).all()


def meetings_held(
    session: Session, *, network_ids: Collection[int], start: date, end: date
) -> Rows:
    """``(network_id, held_on, id)`` of every meeting of the networks in the period."""
    if not network_ids:
        return []
    query = sa.select(MEETING.c.network_id, MEETING.c.held_on, MEETING.c.id).where(
        MEETING.c.network_id.in_(list(network_ids)),
        MEETING.c.held_on >= start,
        MEETING.c.held_on <= end,
    )
    return session.execute(query).all()


def attendance_recorded(
    session: Session, *, network_ids: Collection[int], start: date, end: date
) -> Rows:
    """``(network_id, meeting_id, member_id, status)`` of every attendance record at the
    networks' meetings in the period."""
    if not network_ids:
        return []
    query = (
        sa.select(
            MEETING.c.network_id,
            ATTENDANCE.c.meeting_id,
            ATTENDANCE.c.member_id,
            ATTENDANCE.c.status,
        )
        .select_from(ATTENDANCE.join(MEETING, MEETING.c.id == ATTENDANCE.c.meeting_id))
        .where(
            MEETING.c.network_id.in_(list(network_ids)),
            MEETING.c.held_on >= start,
            MEETING.c.held_on <= end,
        )
    )
    return session.execute(query).all()


def member_values_by_network(session: Session, *, member_id: int, start: date, end: date) -> Rows:
    """``(network_id, side, value)``: won value on the referrals a member gave and received."""
    joined = FOLLOWUP.join(EXCHANGE, EXCHANGE.c.id == FOLLOWUP.c.exchange_id)
    parts = []
    for side, column in (("given", EXCHANGE.c.giver_id), ("received", EXCHANGE.c.receiver_id)):
        parts.append(
            sa.select(
                EXCHANGE.c.network_id,
                sa.literal(side).label("side"),
                sa.func.coalesce(sa.func.sum(FOLLOWUP.c.value), 0).label("value"),
            )
            .select_from(joined)
            .where(
                *counted(start=start, end=end, member_id=member_id, side=column),
                FOLLOWUP.c.status == FollowupStatus.WON,
            )
            .group_by(EXCHANGE.c.network_id)
        )
    return session.execute(sa.union_all(*parts)).all()


def given_referrals_by_network(session: Session, *, member_id: int, start: date, end: date) -> Rows:
    """``(network_id, given, contacted, won)``: referrals a member gave, how many the
    receiver followed up (any step) and how many were won, per network."""
    steps = (
        sa.select(
            FOLLOWUP.c.exchange_id,
            sa.func.max(sa.case((FOLLOWUP.c.status == FollowupStatus.WON, 1), else_=0)).label(
                "won"
            ),
        )
        .where(
            FOLLOWUP.c.exchange_id.in_(
                sa.select(EXCHANGE.c.id).where(
                    *_referrals(
                        network_id=None,
                        start=start,
                        end=end,
                        member_id=member_id,
                        side=EXCHANGE.c.giver_id,
                    )
                )
            )
        )
        .group_by(FOLLOWUP.c.exchange_id)
        .subquery("steps")
    )
    query = (
        sa.select(
            EXCHANGE.c.network_id,
            sa.func.count().label("given"),
            sa.func.count(steps.c.exchange_id).label("contacted"),
            sa.func.coalesce(sa.func.sum(steps.c.won), 0).label("won"),
        )
        .select_from(EXCHANGE.outerjoin(steps, steps.c.exchange_id == EXCHANGE.c.id))
        .where(
            *_referrals(
                network_id=None, start=start, end=end, member_id=member_id, side=EXCHANGE.c.giver_id
            )
        )
        .group_by(EXCHANGE.c.network_id)
    )
    return session.execute(query).all()


def one_to_ones_by_network(session: Session, *, member_id: int, start: date, end: date) -> Rows:
    """``(network_id, n)``: one-to-ones the member took part in, per network (none: ``None``)."""
    query = (
        sa.select(ONE_TO_ONE.c.network_id, sa.func.count().label("n"))
        .where(
            sa.or_(ONE_TO_ONE.c.member_a_id == member_id, ONE_TO_ONE.c.member_b_id == member_id),
            ONE_TO_ONE.c.held_on >= start,
            ONE_TO_ONE.c.held_on <= end,
        )
        .group_by(ONE_TO_ONE.c.network_id)
    )
    return session.execute(query).all()


def network_member_totals(
    session: Session, *, network_ids: Collection[int] | None, start: date, end: date
) -> Rows:
    """``(member_id, network_id, side, referral, help, introduction)`` within the networks
    (``None``: all): :func:`member_totals` for several networks at once."""
    if network_ids is not None and not network_ids:
        return []
    parts = []
    for side, column in (("given", EXCHANGE.c.giver_id), ("received", EXCHANGE.c.receiver_id)):
        parts.append(
            sa.select(
                column.label("member_id"),
                EXCHANGE.c.network_id,
                sa.literal(side).label("side"),
                *(
                    sa.func.count().filter(EXCHANGE.c.kind == kind).label(kind)
                    for kind in (
                        ExchangeKind.REFERRAL,
                        ExchangeKind.HELP,
                        ExchangeKind.INTRODUCTION,
                    )
                ),
            )
            .where(
                *counted(start=start, end=end), *_in_networks(EXCHANGE.c.network_id, network_ids)
            )
            .group_by(column, EXCHANGE.c.network_id)
        )
    return session.execute(sa.union_all(*parts)).all()


def edge_counts_by_network(
    session: Session, *, network_ids: Collection[int] | None, start: date, end: date
) -> Rows:
    """``(network_id, edges, mutual)``: :func:`edge_counts` of each network's own graph.

    Each distinct giver → receiver edge is grouped with its reverse under the unordered
    pair; a pair holding two edges is mutual. Sorting the edges once answers every network
    (a self-join of the edges would compare each edge with every other).
    """
    if network_ids is not None and not network_ids:
        return []
    edges = (
        sa.select(EXCHANGE.c.network_id, EXCHANGE.c.giver_id, EXCHANGE.c.receiver_id)
        .where(*counted(start=start, end=end), *_in_networks(EXCHANGE.c.network_id, network_ids))
        .distinct()
        .subquery("edges")
    )
    lower = sa.case(
        (edges.c.giver_id < edges.c.receiver_id, edges.c.giver_id), else_=edges.c.receiver_id
    )
    upper = sa.case(
        (edges.c.giver_id < edges.c.receiver_id, edges.c.receiver_id), else_=edges.c.giver_id
    )
    pairs = (
        sa.select(edges.c.network_id, sa.func.count().label("n"))
        .group_by(edges.c.network_id, lower, upper)
        .subquery("pairs")
    )
    query = sa.select(
        pairs.c.network_id,
        sa.func.sum(pairs.c.n).label("edges"),
        sa.func.sum(sa.case((pairs.c.n == 2, 2), else_=0)).label("mutual"),
    ).group_by(pairs.c.network_id)
    return session.execute(query).all()


def received_referrals_by_network(
    session: Session, *, network_ids: Collection[int] | None, start: date, end: date
) -> Rows:
    """``(network_id, received, contacted, won, value_won)`` over each network's referrals
    (``None``: every network's): followed up (any step), won, and the won steps' value."""
    if network_ids is not None and not network_ids:
        return []
    where = [
        *_referrals(network_id=None, start=start, end=end),
        *_in_networks(EXCHANGE.c.network_id, network_ids),
    ]
    steps = sa.select(
        FOLLOWUP.c.exchange_id,
        sa.func.max(sa.case((FOLLOWUP.c.status == FollowupStatus.WON, 1), else_=0)).label("won"),
        sa.func.sum(
            sa.case((FOLLOWUP.c.status == FollowupStatus.WON, FOLLOWUP.c.value), else_=0)
        ).label("value"),
    ).group_by(FOLLOWUP.c.exchange_id)
    if network_ids is not None:
        # A few networks: their referrals' steps only, found through the referrals.
        steps = steps.where(FOLLOWUP.c.exchange_id.in_(sa.select(EXCHANGE.c.id).where(*where)))
    step_rows = steps.subquery("steps")
    query = (
        sa.select(
            EXCHANGE.c.network_id,
            sa.func.count().label("received"),
            sa.func.count(step_rows.c.exchange_id).label("contacted"),
            sa.func.coalesce(sa.func.sum(step_rows.c.won), 0).label("won"),
            sa.func.coalesce(sa.func.sum(step_rows.c.value), 0).label("value_won"),
        )
        .select_from(EXCHANGE.outerjoin(step_rows, step_rows.c.exchange_id == EXCHANGE.c.id))
        .where(*where)
        .group_by(EXCHANGE.c.network_id)
    )
    return session.execute(query).all()
