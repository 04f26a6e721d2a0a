"""Demo data: a realistic ledger to explore Reciprocity without typing a single row.

``reciprocity demo`` and the first use of ``reciprocity --demo`` fill an empty database with
networks, members, weekly meetings, months of referrals, help and introductions, the
referrals' follow-up steps and feedback, one-to-ones, and the asks and offers board.

Everything is drawn from one ``random.Random(seed)``, and Faker is seeded from it, so the
same seed and end date give the same rows. Only ``created_at`` stamps differ: they say when
a row was written and are never later than the moment the demo ran.

Rows are written with SQLAlchemy Core ``insert()`` in executemany batches, and the demo
numbers them itself so that children can point at parents without reading anything back.
That is what lets a national network of a million exchanges load in minutes, and it is
why the demo only ever fills an empty database: it must never interleave with real rows.

The package: :mod:`~reciprocity.ledger.demo.vocabulary` (the words),
:mod:`~reciprocity.ledger.demo.people` (members, their habits and outside contacts),
:mod:`~reciprocity.ledger.demo.draws` (the random generator, the calendar and the row
writer), :mod:`~reciprocity.ledger.demo.builder` (networks, meetings and memberships) and
:mod:`~reciprocity.ledger.demo.exchanges` (the gives and what follows them) and
:mod:`~reciprocity.ledger.demo.costs` (fees, hours and other costs). This module holds the
entry points.
"""

import calendar
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from sqlalchemy import func
from sqlmodel import Session, col, select

from reciprocity.ledger.demo.builder import DEFAULT_MEMBERS, Builder
from reciprocity.ledger.demo.costs import CostDraws
from reciprocity.ledger.demo.draws import Draws
from reciprocity.ledger.errors import LedgerError
from reciprocity.store.models import Member, Membership, Network, Role

DEFAULT_SEED = 7
DEFAULT_MONTHS = 12
MAX_MONTHS = 120


@dataclass(frozen=True)
class DemoSummary:
    """What a demo run made: its parameters and the rows written to each table."""

    seed: int
    start: date
    until: date
    organiser: str
    rows: dict[str, int]

    def as_dict(self) -> dict[str, Any]:
        """The stable JSON shape of ``reciprocity demo --json``."""
        return {
            "seed": self.seed,
            "from": self.start.isoformat(),
            "until": self.until.isoformat(),
            "organiser": self.organiser,
            "rows": dict(self.rows),
        }


def _months_before(day: date, months: int) -> date:
    year, month = divmod(day.year * 12 + day.month - 1 - months, 12)
    last_day = calendar.monthrange(year, month + 1)[1]
    return date(year, month + 1, min(day.day, last_day))


def _check_options(members: int, months: int, exchanges: int | None, until: date) -> None:
    if members < 2:
        raise LedgerError(
            "demo.too_few_members",
            "The demo needs at least 2 members, not {members}.",
            field="members",
            members=members,
        )
    if not 1 <= months <= MAX_MONTHS:
        raise LedgerError(
            "demo.months_range",
            "The demo covers 1 to {limit} months, not {months}.",
            field="months",
            limit=MAX_MONTHS,
            months=months,
        )
    if exchanges is not None and exchanges < 0:
        raise LedgerError(
            "demo.exchanges_negative",
            "The number of exchanges must be zero or more, not {exchanges}.",
            field="exchanges",
            exchanges=exchanges,
        )
    if until > date.today():
        raise LedgerError(
            "demo.until_future",
            "The end date {day} is in the future; the demo ends today at the latest.",
            field="until",
            day=until.isoformat(),
        )


def _refuse_filled_database(session: Session) -> None:
    for table in (Member, Network):
        count = session.exec(select(func.count()).select_from(table)).one()
        if not count:
            continue
        one = count == 1
        if table is Member:
            raise (
                LedgerError(
                    "demo.database_has_member",
                    "The database already holds {count} member; the demo fills an empty database "
                    "(use --db with a new file, or --demo).",
                    field=None,
                    count=count,
                )
                if one
                else LedgerError(
                    "demo.database_has_members",
                    "The database already holds {count} members; the demo fills an empty "
                    "database (use --db with a new file, or --demo).",
                    field=None,
                    count=count,
                )
            )
        raise (
            LedgerError(
                "demo.database_has_network",
                "The database already holds {count} network; the demo fills an empty database "
                "(use --db with a new file, or --demo).",
                field=None,
                count=count,
            )
            if one
            else LedgerError(
                "demo.database_has_networks",
                "The database already holds {count} networks; the demo fills an empty "
                "database (use --db with a new file, or --demo).",
                field=None,
                count=count,
            )
        )


def create_demo(
    *,
    session: Session,
    members: int | None = None,
    months: int = DEFAULT_MONTHS,
    seed: int = DEFAULT_SEED,
    exchanges: int | None = None,
    until: date | None = None,
) -> DemoSummary:
    """Fill an empty database with a demo ledger ending on ``until`` (default today).

    Up to 120 members make a referral club and an open coffee that share some members;
    more are spread over referral-club chapters of 25 to 50. Without ``exchanges`` their
    number grows with members and months (about 2,700 for the default year).
    """
    end = until or date.today()
    size = DEFAULT_MEMBERS if members is None else members
    _check_options(size, months, exchanges, end)
    _refuse_filled_database(session)
    try:
        start = _months_before(end, months) + timedelta(days=1)
        draws = Draws(session.connection(), seed=seed, start=start, until=end)
        organiser = Builder(draws, CostDraws(draws, seed)).build(size, months, exchanges)
        session.commit()
    except BaseException:
        session.rollback()
        raise
    return DemoSummary(
        seed=seed,
        start=draws.start,
        until=end,
        organiser=organiser,
        rows=dict(draws.writer.rows),
    )


def ensure_demo_data(*, session: Session) -> None:
    """Seed the default demo on first use: only when the database holds no members."""
    if session.exec(select(func.count()).select_from(Member)).one() == 0:
        create_demo(session=session)


def demo_organiser(*, session: Session) -> Member | None:
    """The organiser of the first network (the demo's referral club), whom ``--demo`` acts as."""
    query = (
        select(Member)
        .join(Membership, col(Membership.member_id) == col(Member.id))
        .where(Membership.role == Role.ORGANISER)
        .order_by(col(Membership.network_id), col(Membership.id))
        .limit(1)
    )
    return session.exec(query).first()
