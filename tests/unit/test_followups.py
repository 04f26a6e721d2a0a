"""A referral's life: steps move forward only, in date order; feedback; one-to-ones."""

from datetime import date, timedelta
from typing import Any

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from reciprocity.ledger.exchanges import log_help, log_referral, void_exchange
from reciprocity.ledger.followups import give_feedback, list_followups, record_followup
from reciprocity.ledger.one_to_ones import list_one_to_ones, log_one_to_one
from reciprocity.store.models import Feedback
from tests.conftest import refuses
from tests.unit.chapter import TODAY, Chapter, build_chapter

REFERRAL_DAY = date(2026, 11, 2)


@pytest.fixture
def chapter(session: Session) -> Chapter:
    return build_chapter(session)


@pytest.fixture
def referral_id(session: Session, chapter: Chapter) -> int:
    made = log_referral(
        session=session, giver_id=chapter.anna, receiver_id=chapter.bob, occurred_on=REFERRAL_DAY
    )
    assert made.id is not None
    return made.id


def step(session: Session, referral_id: int, status: str, day: int, **extra: Any) -> Any:
    return record_followup(
        session=session,
        exchange_id=referral_id,
        status=status,
        occurred_on=date(2026, 11, day),
        today=TODAY,
        **extra,
    )


def test_a_referral_walks_forward_to_won(session: Session, referral_id: int) -> None:
    step(session, referral_id, "contacted", 3)
    step(session, referral_id, "proposal", 10, note="Quote sent")  # meeting skipped
    won = step(session, referral_id, "won", 20, value=4800.0, business="new")
    assert (won.status, won.value, won.business) == ("won", 4800.0, "new")
    steps = list_followups(session=session, exchange_id=referral_id)
    assert [(s.status, s.occurred_on.day) for s in steps] == [
        ("contacted", 3),
        ("proposal", 10),
        ("won", 20),
    ]


def test_a_step_may_fall_on_the_referral_day_and_endings_may_come_first(
    session: Session, referral_id: int
) -> None:
    ended = step(session, referral_id, "no_response", 2)
    assert ended.status == "no_response"


@pytest.mark.parametrize(
    ("history", "status", "day", "extra", "message"),
    [
        (
            [("meeting", 5)],
            "contacted",
            6,
            {},
            "is already at 'meeting'; steps move forward only",
        ),
        ([("proposal", 5)], "proposal", 6, {}, "is already at 'proposal'"),
        ([("lost", 5)], "won", 6, {"value": 1.0, "business": "new"}, "already ended as lost"),
        ([("won", 5, 10.0, "repeat")], "contacted", 6, {}, "already ended as won"),
        ([], "contacted", 1, {}, "step date 2026-11-01 is before the referral's date 2026-11-02"),
        ([("contacted", 8)], "meeting", 7, {}, "is before the previous step's date 2026-11-08"),
        ([], "won", 5, {}, "A won step needs its business value"),
        ([], "won", 5, {"value": 10.0}, "A won step needs its business value"),
        ([], "won", 5, {"value": -1.0, "business": "new"}, "value must be zero or more, not -1"),
        ([], "contacted", 5, {"value": 10.0}, "Only a won step carries a value"),
        ([], "won", 5, {"value": 1.0, "business": "old"}, "'old' is not one of: new, repeat"),
        ([], "replied", 5, {}, "The status 'replied' is not one of: contacted, meeting"),
    ],
)
def test_bad_step_changes_nothing(
    engine: Engine,
    session: Session,
    referral_id: int,
    history: list[tuple[Any, ...]],
    status: str,
    day: int,
    extra: dict[str, Any],
    message: str,
) -> None:
    for past in history:
        won_extra = {"value": past[2], "business": past[3]} if len(past) > 2 else {}
        step(session, referral_id, past[0], past[1], **won_extra)
    refuses(engine, message, lambda: step(session, referral_id, status, day, **extra))


def test_a_step_cannot_be_in_the_future(engine: Engine, session: Session, referral_id: int) -> None:
    tomorrow = TODAY + timedelta(days=1)
    refuses(
        engine,
        "The step date 2026-11-27 is in the future",
        lambda: record_followup(
            session=session,
            exchange_id=referral_id,
            status="contacted",
            occurred_on=tomorrow,
            today=TODAY,
        ),
    )


def test_only_live_referrals_take_steps_and_feedback(
    engine: Engine, session: Session, chapter: Chapter, referral_id: int
) -> None:
    helped = log_help(session=session, giver_id=chapter.anna, receiver_id=chapter.bob)
    refuses(
        engine,
        f"Exchange #{helped.id} is a help, not a referral.",
        lambda: step(session, helped.id, "contacted", 5),  # type: ignore[arg-type]
    )
    refuses(
        engine,
        f"Exchange #{helped.id} is a help, not a referral.",
        lambda: give_feedback(session=session, exchange_id=helped.id, rating=4),  # type: ignore[arg-type]
    )
    void_exchange(session=session, exchange_id=referral_id, reason="Wrong member")
    refuses(
        engine,
        f"Referral #{referral_id} is voided; it takes no further steps.",
        lambda: step(session, referral_id, "contacted", 5),
    )
    refuses(engine, "There is no exchange #999.", lambda: step(session, 999, "contacted", 5))


def test_feedback_is_one_per_referral_and_a_second_replaces_the_first(
    engine: Engine, session: Session, referral_id: int
) -> None:
    give_feedback(session=session, exchange_id=referral_id, rating=2, comment="Slow to call")
    give_feedback(session=session, exchange_id=referral_id, rating=5, comment="Made up for it")
    rows = session.exec(select(Feedback).where(Feedback.exchange_id == referral_id)).all()
    assert [(r.rating, r.comment) for r in rows] == [(5, "Made up for it")]
    for rating in (0, 6):
        refuses(
            engine,
            f"The rating must be from 1 to 5, not {rating}.",
            lambda rating=rating: give_feedback(  # type: ignore[misc]
                session=session, exchange_id=referral_id, rating=rating
            ),
        )


def test_one_to_one_between_two_different_members(
    engine: Engine, session: Session, chapter: Chapter
) -> None:
    made = log_one_to_one(
        session=session,
        member_a_id=chapter.anna,
        member_b_id=chapter.carla,
        held_on=date(2026, 11, 10),
        note="Coffee at the station",
    )
    assert made.network_id == chapter.club
    across = log_one_to_one(session=session, member_a_id=chapter.anna, member_b_id=chapter.eva)
    assert across.network_id is None
    (listed,) = list_one_to_ones(session=session, member_id=chapter.carla)
    assert (listed["id"], listed["member_a"], listed["member_b"], listed["network"]) == (
        made.id,
        "Anna de Vries",
        "Carla Smit",
        "Club Delft",
    )
    from reciprocity.ledger.members import deactivate_member

    deactivate_member(session=session, member_id=chapter.frank)
    refuses(
        engine,
        "Frank Mulder is deactivated and takes part in no new meetings.",
        lambda: log_one_to_one(session=session, member_a_id=chapter.eva, member_b_id=chapter.frank),
    )
    refuses(
        engine,
        "Anna de Vries cannot have a one-to-one with themselves.",
        lambda: log_one_to_one(session=session, member_a_id=chapter.anna, member_b_id=chapter.anna),
    )
    refuses(
        engine,
        "is in the future",
        lambda: log_one_to_one(
            session=session,
            member_a_id=chapter.anna,
            member_b_id=chapter.bob,
            held_on=TODAY + timedelta(days=3),
            today=TODAY,
        ),
    )
    refuses(
        engine,
        "Eva Visser is not a member of Club Delft on",
        lambda: log_one_to_one(
            session=session,
            member_a_id=chapter.anna,
            member_b_id=chapter.eva,
            network_id=chapter.club,
        ),
    )
