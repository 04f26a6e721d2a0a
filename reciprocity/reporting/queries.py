"""The one aggregate the analytics package does not have yet: the referral funnel.

A ``GROUP``-less count over referrals in the scope, in SQL, with the same "counted"
filter as every metric (:func:`reciprocity.store.aggregates.counted`). It belongs in
``store/aggregates.py`` next to its siblings; it lives here until that module is free.
"""

from datetime import date

import sqlalchemy as sa
from sqlmodel import Session

from reciprocity.store.aggregates import EXCHANGE, FOLLOWUP, counted
from reciprocity.store.models import ExchangeKind, FollowupStatus

_MEETING_OR_LATER = (FollowupStatus.MEETING, FollowupStatus.PROPOSAL, FollowupStatus.WON)
_PROPOSAL_OR_LATER = (FollowupStatus.PROPOSAL, FollowupStatus.WON)


def funnel_counts(
    session: Session, *, network_id: int | None, start: date | None, end: date | None
) -> dict[str, int]:
    """Referrals received in the scope and how many reached each step or a later one.

    ``contacted`` is "has any step", as in the quality metrics; ``meeting`` counts a step
    of meeting, proposal or won; ``proposal`` a step of proposal or won.
    """

    def reached(statuses: tuple[str, ...]) -> sa.ColumnElement[int]:
        return sa.func.max(sa.case((FOLLOWUP.c.status.in_(statuses), 1), else_=0))

    where = [
        *counted(network_id=network_id, start=start, end=end),
        EXCHANGE.c.kind == ExchangeKind.REFERRAL,
    ]
    steps = (
        sa.select(
            FOLLOWUP.c.exchange_id,
            reached(_MEETING_OR_LATER).label("meeting"),
            reached(_PROPOSAL_OR_LATER).label("proposal"),
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
