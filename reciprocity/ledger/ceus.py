"""CEUs: continuing education credits a member earned (BNI's CEU in PALMS).

The member themself or an organiser of the network records them. Credits count in the
network they were earned for; without one named, the one network the member is in.
"""

from datetime import date

from sqlmodel import Session, col, select

from reciprocity.ledger.errors import LedgerError
from reciprocity.ledger.members import get_member
from reciprocity.ledger.networks import (
    get_network,
    may_act,
    member_network_ids,
    organisers_of,
    require_membership,
)
from reciprocity.ledger.rules import check_not_future
from reciprocity.ledger.slips import check_credits
from reciprocity.store.models import Ceu


def add_ceu(
    *,
    session: Session,
    member_id: int,
    credits: float,
    network_id: int | None = None,
    earned_on: date | None = None,
    acting_id: int | None = None,
    today: date | None = None,
) -> Ceu:
    """Record credits a member earned on a day (default today)."""
    member = get_member(session=session, member_id=member_id)
    day = check_not_future(earned_on or today or date.today(), what="date", today=today)
    clean = check_credits(credits)
    if network_id is None:
        theirs = member_network_ids(session=session, member_id=member_id, on=day)
        if len(theirs) != 1:
            raise (
                LedgerError(
                    "ceu.which_network",
                    "{name} is in several networks on {day}; name one with --network.",
                    field="network",
                    name=member.name,
                    day=day.isoformat(),
                )
                if theirs
                else LedgerError(
                    "ceu.no_network",
                    "{name} is in no network on {day}; CEUs count in a network.",
                    field="network",
                    name=member.name,
                    day=day.isoformat(),
                )
            )
        network_id = next(iter(theirs))
    network = get_network(session=session, network_id=network_id)
    if not may_act(
        session=session, acting_id=acting_id, party_ids={member_id}, network_ids={network_id}
    ):
        raise LedgerError(
            "role.record_ceu",
            "Only {name} or {organiser} may record {name}'s CEUs.",
            field=None,
            name=member.name,
            organiser=organisers_of(session=session, network_ids={network_id}),
        )
    require_membership(session=session, member=member, network=network, on=day, field="member")
    ceu = Ceu(member_id=member_id, network_id=network_id, earned_on=day, credits=clean)
    session.add(ceu)
    session.commit()
    session.refresh(ceu)
    return ceu


def list_ceus(*, session: Session, member_id: int | None = None) -> list[Ceu]:
    """CEU records, newest first."""
    query = select(Ceu).order_by(col(Ceu.earned_on).desc(), col(Ceu.id).desc())
    if member_id is not None:
        query = query.where(Ceu.member_id == member_id)
    return list(session.exec(query).all())
