"""Meetings attended: how many of a network's meetings a member was at, and whether we know.

DESIGN.md: "``meetings_attended``: from attendance where recorded; otherwise every
meeting held while a member (and the output says so)". For each meeting of the network
held while the member belonged to it (within the period, up to ``as_of``): a recorded
``present`` or ``late`` counts (the member spent the evening), a recorded ``absent``,
``medical`` or ``substitute`` does not, and a meeting without a record counts; only that
last case makes :attr:`Attendance.assumed` true.

:func:`meetings_attended` is the one place attendance is decided; ``worth``, ``compare``
and the reports only read its answer.
"""

import sys
from bisect import bisect_left, bisect_right
from collections import defaultdict
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from datetime import date

from sqlmodel import Session

from reciprocity.store import aggregates
from reciprocity.store.models import AttendanceStatus

ATTENDED = frozenset({AttendanceStatus.PRESENT, AttendanceStatus.LATE})
"""Recorded statuses in which the member spent the meeting's evening."""


@dataclass(frozen=True)
class Stint:
    """A member in a network: the days of the period they belonged to it (inclusive)."""

    member_id: int
    network_id: int
    first: date
    last: date


@dataclass(frozen=True)
class Attendance:
    """Meetings a member attended in a network, and whether that count was assumed."""

    meetings: int
    assumed: bool


def meetings_attended(
    session: Session, stints: Iterable[Stint], *, network_ids: Collection[int]
) -> dict[tuple[int, int], Attendance]:
    """Per ``(member_id, network_id)``, the meetings attended during the stint: recorded
    where attendance was recorded, every meeting held otherwise (``assumed``)."""
    stints = list(stints)
    if not stints:
        return {}
    start = min(stint.first for stint in stints)
    end = max(stint.last for stint in stints)
    held: dict[int, list[tuple[date, int]]] = defaultdict(list)
    for row in aggregates.meetings_held(session, network_ids=network_ids, start=start, end=end):
        held[int(row.network_id)].append((row.held_on, int(row.id)))
    for meetings in held.values():
        meetings.sort()
    recorded: dict[tuple[int, int], dict[int, bool]] = defaultdict(dict)
    for row in aggregates.attendance_recorded(
        session, network_ids=network_ids, start=start, end=end
    ):
        attended = row.status in ATTENDED
        recorded[(int(row.member_id), int(row.network_id))][int(row.meeting_id)] = attended
    result: dict[tuple[int, int], Attendance] = {}
    for stint in stints:
        meetings = held.get(stint.network_id, [])
        first = bisect_left(meetings, (stint.first, 0))
        last = bisect_right(meetings, (stint.last, sys.maxsize))
        during = [meeting_id for _day, meeting_id in meetings[first:last]]
        theirs = recorded.get((stint.member_id, stint.network_id), {})
        count = sum(theirs.get(meeting_id, True) for meeting_id in during)
        assumed = any(meeting_id not in theirs for meeting_id in during)
        result[(stint.member_id, stint.network_id)] = Attendance(count, assumed=assumed)
    return result
