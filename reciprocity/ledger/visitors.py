"""Visitors a member brought to a meeting (BNI's V in PALMS).

The member who invited the visitor, or an organiser of the network, records the visit;
the visitor is named, with their company if known. Visitors are not members: their name
is kept on the visit, never in the member list.
"""

from datetime import date

from sqlmodel import Session, col, select

from reciprocity.ledger.errors import LedgerError
from reciprocity.ledger.members import get_member
from reciprocity.ledger.networks import (
    get_meeting,
    get_network,
    may_act,
    organisers_of,
    require_membership,
)
from reciprocity.ledger.rules import check_not_future, clean_text, require_text
from reciprocity.store.models import Visitor


def add_visitor(
    *,
    session: Session,
    name: str,
    meeting_id: int,
    invited_by: int,
    company: str | None = None,
    acting_id: int | None = None,
    today: date | None = None,
) -> Visitor:
    """Record that ``invited_by`` brought the visitor ``name`` to a meeting that was held."""
    meeting = get_meeting(session=session, meeting_id=meeting_id)
    network = get_network(session=session, network_id=meeting.network_id)
    host = get_member(session=session, member_id=invited_by)
    if not may_act(
        session=session,
        acting_id=acting_id,
        party_ids={invited_by},
        network_ids={meeting.network_id},
    ):
        raise LedgerError(
            "role.record_visitor",
            "Only {name} or {organiser} may record the visitors {name} brought.",
            field=None,
            name=host.name,
            organiser=organisers_of(session=session, network_ids={meeting.network_id}),
        )
    clean_name = require_text(name, field="member name").strip()
    clean_company = clean_text(company, field="company")
    check_not_future(meeting.held_on, what="visit date", today=today)
    require_membership(
        session=session, member=host, network=network, on=meeting.held_on, field="invited_by"
    )
    if not host.active:
        raise LedgerError(
            "visitor.host_deactivated",
            "{name} is deactivated and brings no new visitors.",
            field="invited_by",
            name=host.name,
        )
    visitor = Visitor(
        network_id=meeting.network_id,
        meeting_id=meeting_id,
        visited_on=meeting.held_on,
        name=clean_name,
        company=clean_company,
        invited_by=invited_by,
    )
    session.add(visitor)
    session.commit()
    session.refresh(visitor)
    return visitor


def list_visitors(*, session: Session, network_id: int | None = None) -> list[Visitor]:
    """Visits, newest first."""
    query = select(Visitor).order_by(col(Visitor.visited_on).desc(), col(Visitor.id).desc())
    if network_id is not None:
        query = query.where(Visitor.network_id == network_id)
    return list(session.exec(query).all())
