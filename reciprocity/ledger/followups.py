"""A referral's life after it was given: acknowledgement, follow-up steps, feedback.

Steps form a state machine that only moves forward (``contacted → meeting → proposal →
won | lost | no_response``); steps may be skipped, nothing follows an ending, and dates
never go backwards. The giver reads every step: that is how Reciprocity tells a giver
what happened to their referral.

Only the receiver acknowledges and follows up a referral, and only the giver rates it;
an organiser of the referral's network may do all three. ``acting_id`` names the acting
member; ``None`` is the ledger's local owner, who may do anything.

Each of them locks the referral before it reads its steps (``for_update``), so the check
"forward only, nothing after an ending, one rating" and the write are one transaction:
eight processes stepping one referral at once take turns, and the database never holds
two ``contacted`` steps or two endings (:mod:`reciprocity.store.locks`).
"""

from datetime import date
from typing import Any

from sqlmodel import Session, col, select

from reciprocity.i18n import N_
from reciprocity.ledger.errors import LedgerError
from reciprocity.ledger.exchanges import (
    get_exchange,
    get_live_referral,
    iter_exchanges,
    require_giver,
    require_receiver,
)
from reciprocity.ledger.rules import (
    STEP_RANK,
    check_amount,
    check_choice,
    check_next_step,
    check_scale,
    clean_text,
)
from reciprocity.store.models import Business, Exchange, Feedback, Followup, FollowupStatus
from reciprocity.store.types import utcnow


def last_step(*, session: Session, exchange_id: int) -> Followup | None:
    """The furthest step a referral has reached, if any."""
    steps = session.exec(select(Followup).where(Followup.exchange_id == exchange_id)).all()
    return max(steps, key=lambda s: (STEP_RANK[s.status], s.occurred_on, s.id or 0), default=None)


def acknowledge(*, session: Session, exchange_id: int, acting_id: int | None = None) -> Exchange:
    """The receiver confirms they got the referral (the first thing the giver sees)."""
    exchange = get_live_referral(session=session, exchange_id=exchange_id, for_update=True)
    require_receiver(
        session=session, exchange=exchange, acting_id=acting_id, doing=N_("acknowledge")
    )
    if exchange.acknowledged_at is not None:
        raise LedgerError(
            "referral.already_acknowledged",
            "Referral #{id} was already acknowledged on {day}.",
            field="exchange",
            id=exchange_id,
            day=exchange.acknowledged_at.date().isoformat(),
        )
    step = last_step(session=session, exchange_id=exchange_id)
    if step is not None:
        raise LedgerError(
            "referral.acknowledge_after_step",
            "Referral #{id} is already at '{status}'; acknowledging comes first.",
            field="exchange",
            id=exchange_id,
            status=step.status,
        )
    exchange.acknowledged_at = utcnow()
    session.add(exchange)
    session.commit()
    session.refresh(exchange)
    return exchange


def record_followup(
    *,
    session: Session,
    exchange_id: int,
    status: str,
    occurred_on: date | None = None,
    value: float | None = None,
    business: str | None = None,
    note: str | None = None,
    acting_id: int | None = None,
    today: date | None = None,
) -> Followup:
    """Move a referral one or more steps forward."""
    clean_status = check_choice(status, field="status", choices=FollowupStatus)
    clean_business = (
        check_choice(business, field="business", choices=Business) if business else None
    )
    clean_value = check_amount(value, field="value")
    clean_note = clean_text(note, field="note")
    referral = get_live_referral(session=session, exchange_id=exchange_id, for_update=True)
    require_receiver(session=session, exchange=referral, acting_id=acting_id, doing=N_("follow up"))
    previous = last_step(session=session, exchange_id=exchange_id)
    when = occurred_on or today or date.today()
    check_next_step(
        exchange_id=exchange_id,
        last_status=previous.status if previous else None,
        last_date=previous.occurred_on if previous else None,
        referral_date=referral.occurred_on,
        status=clean_status,
        occurred_on=when,
        value=clean_value,
        business=clean_business,
        today=today,
    )
    step = Followup(
        exchange_id=exchange_id,
        status=clean_status,
        occurred_on=when,
        value=clean_value,
        business=clean_business,
        note=clean_note,
    )
    session.add(step)
    session.commit()
    session.refresh(step)
    return step


def list_followups(*, session: Session, exchange_id: int) -> list[Followup]:
    """A referral's steps in the order they happened."""
    get_exchange(session=session, exchange_id=exchange_id)
    return list(
        session.exec(
            select(Followup)
            .where(Followup.exchange_id == exchange_id)
            .order_by(col(Followup.occurred_on), col(Followup.id))
        ).all()
    )


def give_feedback(
    *,
    session: Session,
    exchange_id: int,
    rating: int,
    comment: str | None = None,
    acting_id: int | None = None,
) -> Feedback:
    """The giver rates how the receiver treated the referral; a second rating replaces the first."""
    clean_rating = check_scale(rating, field="rating")
    assert clean_rating is not None
    clean_comment = clean_text(comment, field="comment")
    referral = get_live_referral(session=session, exchange_id=exchange_id, for_update=True)
    require_giver(session=session, exchange=referral, acting_id=acting_id, doing=N_("rate"))
    feedback = session.exec(select(Feedback).where(Feedback.exchange_id == exchange_id)).first()
    if feedback is None:
        feedback = Feedback(exchange_id=exchange_id, rating=clean_rating, comment=clean_comment)
    else:
        feedback.rating = clean_rating
        feedback.comment = clean_comment
    session.add(feedback)
    session.commit()
    session.refresh(feedback)
    return feedback


def exchange_story(*, session: Session, exchange_id: int) -> dict[str, Any]:
    """One exchange as its giver follows it: the row (with names), its steps and feedback."""
    get_exchange(session=session, exchange_id=exchange_id)
    (exchange,) = iter_exchanges(session=session, exchange_id=exchange_id)
    feedback = session.exec(select(Feedback).where(Feedback.exchange_id == exchange_id)).first()
    return {
        "exchange": exchange,
        "steps": [
            step.model_dump() for step in list_followups(session=session, exchange_id=exchange_id)
        ],
        "feedback": None if feedback is None else feedback.model_dump(),
    }
