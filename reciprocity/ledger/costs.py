"""What belonging to a network costs a member: their own fee and hours, and other costs.

A network has a default yearly fee, a currency and hours per meeting (``network add`` /
``network edit``). A member may set their own figures, which override the network's for
them: a yearly fee and hours per meeting on their membership (a discount, a longer
journey). Other costs (travel, meals, a Christmas dinner) are dated: one amount per
member, network and day in ``other_cost``. Setting a day's other costs again replaces
that day's amount, so a mistake is corrected by setting it again (0 clears it); the
UNIQUE constraint on the day settles two writers at once. An amount is in the network's
currency.

Costs belong to a membership: a member who never belonged to the network has none. The
member themself, an organiser of the network, or the ledger's owner may set and read
them. ``reciprocity worth`` (:mod:`reciprocity.analytics.worth`) turns these figures into
the cost of a period.
"""

from dataclasses import dataclass
from datetime import date
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, select

from reciprocity.ledger.errors import LedgerError
from reciprocity.ledger.roles import may_act, organisers_of
from reciprocity.ledger.rules import check_amount, check_meeting_hours, check_not_future
from reciprocity.store.models import Member, Membership, Network, OtherCost
from reciprocity.store.tables import table_of
from reciprocity.store.types import utcnow

OTHER_COST = table_of(OtherCost)


@dataclass(frozen=True)
class CostFigures:
    """A member's cost figures in one network, as they stand."""

    member_id: int
    member: str
    network_id: int
    network: str
    currency: str
    fee: float | None
    """The yearly fee in force: the member's own, else the network's (``None``: unknown)."""
    own_fee: bool
    meeting_hours: float | None
    """Hours per meeting in force: the member's own, else the network's."""
    own_meeting_hours: bool
    other_costs: tuple[tuple[date, float], ...]
    """Other costs by day, newest first."""

    def as_dict(self) -> dict[str, Any]:
        """The stable JSON shape of ``membership cost --json``."""
        return {
            "member": self.member,
            "network": self.network,
            "currency": self.currency,
            "fee": self.fee,
            "own_fee": self.own_fee,
            "meeting_hours": self.meeting_hours,
            "own_meeting_hours": self.own_meeting_hours,
            "other_costs": [
                {"spent_on": day.isoformat(), "amount": amount} for day, amount in self.other_costs
            ],
        }


def _parties(session: Session, member_id: int, network_id: int) -> tuple[Member, Network]:
    member = session.get(Member, member_id)
    if member is None:
        raise LedgerError(
            "member.not_found", "There is no member #{id}.", field="member", id=member_id
        )
    network = session.get(Network, network_id)
    if network is None:
        raise LedgerError(
            "network.not_found", "There is no network #{id}.", field="network", id=network_id
        )
    return member, network


def _membership(
    session: Session, *, member_id: int, network_id: int, acting_id: int | None
) -> tuple[Member, Network, Membership]:
    """The membership whose costs these are, once the acting member may touch them."""
    member, network = _parties(session, member_id, network_id)
    membership = session.exec(
        select(Membership).where(
            Membership.member_id == member_id, Membership.network_id == network_id
        )
    ).first()
    if membership is None:
        raise LedgerError(
            "costs.never_member",
            "{member} has never been a member of {network}, so they have no costs there.",
            field="network",
            member=member.name,
            network=network.name,
        )
    if not may_act(
        session=session, acting_id=acting_id, party_ids={member_id}, network_ids={network_id}
    ):
        raise LedgerError(
            "role.member_costs",
            "Only {member} or {organiser} may see or set {member}'s costs in {network}.",
            field=None,
            member=member.name,
            organiser=organisers_of(session=session, network_ids={network_id}),
            network=network.name,
        )
    return member, network, membership


def _figures(
    session: Session, member: Member, network: Network, membership: Membership
) -> CostFigures:
    assert member.id is not None and network.id is not None
    days = session.execute(
        sa.select(OTHER_COST.c.spent_on, OTHER_COST.c.amount)
        .where(OTHER_COST.c.member_id == member.id, OTHER_COST.c.network_id == network.id)
        .order_by(OTHER_COST.c.spent_on.desc())
    ).all()
    return CostFigures(
        member_id=member.id,
        member=member.name,
        network_id=network.id,
        network=network.name,
        currency=network.currency,
        fee=membership.fee if membership.fee is not None else network.fee,
        own_fee=membership.fee is not None,
        meeting_hours=(
            membership.meeting_hours
            if membership.meeting_hours is not None
            else network.meeting_hours
        ),
        own_meeting_hours=membership.meeting_hours is not None,
        other_costs=tuple((row.spent_on, float(row.amount)) for row in days),
    )


def membership_costs(
    *, session: Session, member_id: int, network_id: int, acting_id: int | None = None
) -> CostFigures:
    """A member's cost figures in a network (the member, an organiser of it, or the owner)."""
    member, network, membership = _membership(
        session, member_id=member_id, network_id=network_id, acting_id=acting_id
    )
    return _figures(session, member, network, membership)


def set_membership_costs(
    *,
    session: Session,
    member_id: int,
    network_id: int,
    fee: float | None = None,
    meeting_hours: float | None = None,
    other_costs: float | None = None,
    spent_on: date | None = None,
    reset: bool = False,
    acting_id: int | None = None,
    today: date | None = None,
) -> CostFigures:
    """Set a member's own figures in a network; returns them as they then stand.

    ``fee`` and ``meeting_hours`` override the network's for this member; ``reset`` first
    drops the member's own fee and hours, so the network's apply again. ``other_costs`` is
    the amount spent on ``spent_on`` (default today), replacing what that day held. All
    input is checked before anything is written; with nothing to set, nothing is written
    and the figures are returned as they stand.
    """
    member, network, membership = _membership(
        session, member_id=member_id, network_id=network_id, acting_id=acting_id
    )
    if spent_on is not None and other_costs is None:
        raise LedgerError(
            "costs.date_without_amount",
            "A date goes with other costs: give the amount spent on {day} as well.",
            field="other_costs",
            day=spent_on.isoformat(),
        )
    clean_fee = check_amount(fee, field="fee")
    clean_hours = check_meeting_hours(meeting_hours)
    clean_other = check_amount(other_costs, field="other costs")
    day = check_not_future(spent_on or today or date.today(), what="cost date", today=today)
    if reset:
        membership.fee = None
        membership.meeting_hours = None
    if clean_fee is not None:
        membership.fee = clean_fee
    if clean_hours is not None:
        membership.meeting_hours = clean_hours
    session.add(membership)
    if clean_other is not None:
        _set_other_cost(session, member_id, network_id, day, clean_other)
    session.commit()
    session.refresh(membership)
    return _figures(session, member, network, membership)


def _set_other_cost(
    session: Session, member_id: int, network_id: int, day: date, amount: float
) -> None:
    """One day's other costs, inserted or replaced in one statement (no check-then-insert)."""
    values = {
        "member_id": member_id,
        "network_id": network_id,
        "spent_on": day,
        "amount": amount,
        "created_at": utcnow(),
    }
    if session.get_bind().dialect.name == "postgresql":
        from sqlalchemy.dialects import postgresql

        statement: Any = postgresql.insert(OTHER_COST).values(**values)
    else:
        from sqlalchemy.dialects import sqlite

        statement = sqlite.insert(OTHER_COST).values(**values)
    session.execute(
        statement.on_conflict_do_update(
            index_elements=["member_id", "network_id", "spent_on"],
            set_={"amount": statement.excluded.amount},
        )
    )
