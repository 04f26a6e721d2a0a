"""Meetings attended: how many of a network's meetings a member was at, and whether we know.

DESIGN.md: "``meetings_attended``: from attendance where recorded; otherwise every
meeting held while a member (and the output says so)". The ledger has no attendance
records yet, so today every meeting of the network held while the member belonged to it,
within the period and up to ``as_of``, counts, and :attr:`Attendance.assumed` is true.

:func:`meetings_attended` is the one place attendance is decided; ``worth``, ``compare``
and the reports only read its answer. The place where recorded attendance plugs in is
marked below.
"""

from bisect import bisect_left, bisect_right
from collections import defaultdict
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from datetime import date

from sqlmodel import Session

from reciprocity.store import aggregates


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
    """Per ``(member_id, network_id)``, the meetings attended during the stint.

    Today: every meeting of the network held from the stint's first to its last day,
    counted from the meetings held, so ``assumed`` is always true.
    """
    stints = list(stints)
    if not stints:
        return {}
    start = min(stint.first for stint in stints)
    end = max(stint.last for stint in stints)
    held: dict[int, list[date]] = defaultdict(list)
    for row in aggregates.meetings_held(session, network_ids=network_ids, start=start, end=end):
        held[int(row.network_id)].append(row.held_on)
    for days in held.values():
        days.sort()
    # ---- Recorded attendance plugs in here -------------------------------------------
    # When the ``attendance`` table (meeting_id, member_id, status) exists, read the
    # stints' records in one query grouped by (member_id, network_id): for a meeting with
    # a record, count it when the status is present or late (the member spent the
    # evening) and not when absent, medical or a substitute went; a meeting without a
    # record keeps being counted as below, and only then is ``assumed`` true.
    # ------------------------------------------------------------------------------------
    result: dict[tuple[int, int], Attendance] = {}
    for stint in stints:
        days = held.get(stint.network_id, [])
        count = bisect_right(days, stint.last) - bisect_left(days, stint.first)
        result[(stint.member_id, stint.network_id)] = Attendance(count, assumed=True)
    return result
