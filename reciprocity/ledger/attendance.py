"""Attendance: how each member attended a meeting (BNI's P, A, L, M and S).

An organiser records it for their network's meetings, usually the whole chapter at once
after the meeting (the TUI's attendance screen: one key a row). Recording a member again
changes their status; the database settles two organisers recording at once (one row per
member and meeting, written as an upsert), never a check in Python.
"""

from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session

from reciprocity.i18n import N_, Phrase
from reciprocity.ledger.errors import LedgerError
from reciprocity.ledger.members import get_member
from reciprocity.ledger.names import find_id_by_name
from reciprocity.ledger.networks import get_meeting, get_network, require_membership
from reciprocity.ledger.roles import require_organiser_of
from reciprocity.ledger.rules import check_choice
from reciprocity.store.models import Attendance, AttendanceStatus, Meeting, Member, Membership
from reciprocity.store.tables import table_of
from reciprocity.store.types import utcnow

ATTENDANCE = table_of(Attendance)
MEMBERSHIP = table_of(Membership)
MEMBER = table_of(Member)


@dataclass(frozen=True)
class AttendanceRow:
    """A member of the meeting's network and their status (``None``: not recorded yet)."""

    member_id: int
    member: str
    status: str | None


def record_attendance(
    *,
    session: Session,
    meeting_id: int,
    member_id: int,
    status: str,
    acting_id: int | None = None,
    today: date | None = None,
) -> str:
    """Record how a member attended a meeting; returns the clean status.

    The member must belong to the meeting's network on its day, and the meeting must
    have been held (not lie ahead). Only an organiser of the network (or the local owner)
    records attendance.
    """
    meeting = get_meeting(session=session, meeting_id=meeting_id)
    network = get_network(session=session, network_id=meeting.network_id)
    require_organiser_of(
        session=session,
        acting_id=acting_id,
        network_id=meeting.network_id,
        doing=Phrase(N_("record attendance at meetings of {network}"), network=network.name),
    )
    clean = check_choice(status, field="status", choices=AttendanceStatus)
    if meeting.held_on > (today or date.today()):
        raise LedgerError(
            "attendance.future_meeting",
            "Meeting #{id} is on {day}, still ahead; record attendance once it was held.",
            field="meeting",
            id=meeting_id,
            day=meeting.held_on.isoformat(),
        )
    member = get_member(session=session, member_id=member_id)
    require_membership(
        session=session, member=member, network=network, on=meeting.held_on, field="member"
    )
    values = {
        "meeting_id": meeting_id,
        "member_id": member_id,
        "status": clean,
        "recorded_at": utcnow(),
    }
    dialect = session.get_bind().dialect.name
    insert = (postgresql.insert if dialect == "postgresql" else sqlite.insert)(ATTENDANCE)
    session.execute(
        insert.values(values).on_conflict_do_update(
            index_elements=["meeting_id", "member_id"],
            set_={"status": clean, "recorded_at": values["recorded_at"]},
        )
    )
    session.commit()
    return clean


def record_attendance_by_name(
    *,
    session: Session,
    meeting_id: int,
    name: str,
    status: str,
    acting_id: int | None = None,
    today: date | None = None,
) -> tuple[str, str]:
    """:func:`record_attendance` for the member a user named; returns (name, status)."""
    member_id = find_id_by_name(session=session, table=Member, name=name, field="member")
    clean = record_attendance(
        session=session,
        meeting_id=meeting_id,
        member_id=member_id,
        status=status,
        acting_id=acting_id,
        today=today,
    )
    return get_member(session=session, member_id=member_id).name, clean


def meeting_attendance(
    *, session: Session, meeting_id: int, acting_id: int | None = None
) -> tuple[Meeting, str, list[AttendanceRow]]:
    """The meeting, its network's name and every member of the network on its day, by
    name, with their recorded status: the attendance screen's rows."""
    meeting = get_meeting(session=session, meeting_id=meeting_id)
    network = get_network(session=session, network_id=meeting.network_id)
    require_organiser_of(
        session=session,
        acting_id=acting_id,
        network_id=meeting.network_id,
        doing=Phrase(N_("record attendance at meetings of {network}"), network=network.name),
    )
    day = meeting.held_on
    query = (
        sa.select(MEMBER.c.id, MEMBER.c.name, ATTENDANCE.c.status)
        .join(MEMBERSHIP, MEMBERSHIP.c.member_id == MEMBER.c.id)
        .outerjoin(
            ATTENDANCE,
            sa.and_(ATTENDANCE.c.member_id == MEMBER.c.id, ATTENDANCE.c.meeting_id == meeting_id),
        )
        .where(
            MEMBERSHIP.c.network_id == meeting.network_id,
            sa.or_(MEMBERSHIP.c.joined_on.is_(None), MEMBERSHIP.c.joined_on <= day),
            sa.or_(MEMBERSHIP.c.left_on.is_(None), MEMBERSHIP.c.left_on >= day),
            sa.or_(MEMBER.c.active.is_(True), ATTENDANCE.c.status.is_not(None)),
        )
    )
    rows = [
        AttendanceRow(member_id, name, status) for member_id, name, status in session.execute(query)
    ]
    rows.sort(key=lambda row: row.member.casefold())
    return meeting, network.name, rows


def neighbour_meeting(
    *, session: Session, meeting_id: int, step: int, today: date | None = None
) -> int | None:
    """The meeting of the same network held just before (``step`` −1) or after (+1) this
    one, up to today; ``None`` when there is none."""
    meeting = get_meeting(session=session, meeting_id=meeting_id)
    table = table_of(Meeting)
    day, ident = table.c.held_on, table.c.id
    query = sa.select(ident).where(
        table.c.network_id == meeting.network_id, day <= (today or date.today())
    )
    if step < 0:
        query = query.where(
            sa.or_(day < meeting.held_on, sa.and_(day == meeting.held_on, ident < meeting_id))
        ).order_by(day.desc(), ident.desc())
    else:
        query = query.where(
            sa.or_(day > meeting.held_on, sa.and_(day == meeting.held_on, ident > meeting_id))
        ).order_by(day, ident)
    found = session.execute(query.limit(1)).scalar()
    return None if found is None else int(found)


def latest_meeting(*, session: Session, network_id: int, today: date | None = None) -> int | None:
    """The network's most recent meeting held up to today, if any."""
    table = table_of(Meeting)
    found = session.execute(
        sa.select(table.c.id)
        .where(table.c.network_id == network_id, table.c.held_on <= (today or date.today()))
        .order_by(table.c.held_on.desc(), table.c.id.desc())
        .limit(1)
    ).scalar()
    return None if found is None else int(found)
