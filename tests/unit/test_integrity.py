"""``db check``: a sound ledger passes; each breach written behind the ledger's back is named."""

from datetime import date

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlmodel import Session

from reciprocity.ledger.exchanges import log_introduction, log_referral
from reciprocity.ledger.followups import record_followup
from reciprocity.ledger.integrity import check_ledger
from reciprocity.ledger.networks import add_meeting
from tests.unit.chapter import TODAY, build_chapter


@pytest.fixture
def ledger(session: Session) -> dict[str, int]:
    """A sound ledger: a referral with three steps, an introduction pair, a meeting."""
    chapter = build_chapter(session)
    referral = log_referral(
        session=session,
        giver_id=chapter.anna,
        receiver_id=chapter.bob,
        occurred_on=date(2026, 11, 2),
    )
    assert referral.id is not None
    for status, day, extra in (
        ("contacted", 3, {}),
        ("meeting", 5, {}),
        ("won", 9, {"value": 100.0, "business": "new"}),
    ):
        record_followup(
            session=session,
            exchange_id=referral.id,
            status=status,
            occurred_on=date(2026, 11, day),
            today=TODAY,
            **extra,  # type: ignore[arg-type]
        )
    pair = log_introduction(
        session=session,
        introducer_id=chapter.carla,
        member_id=chapter.anna,
        with_member_id=chapter.dirk,
        occurred_on=date(2026, 11, 3),
        today=TODAY,
    )
    meeting = add_meeting(session=session, network_id=chapter.coffee, held_on=date(2026, 11, 4))
    assert meeting.id is not None and pair[0].id is not None
    return {
        "referral": referral.id,
        "intro": pair[0].id,
        "intro_pair": pair[0].id + 1,
        "coffee_meeting": meeting.id,
        "eva": chapter.eva,
    }


def test_a_sound_ledger_passes(session: Session, ledger: dict[str, int]) -> None:
    assert check_ledger(session=session, today=TODAY) == []


@pytest.mark.parametrize(
    ("tamper", "expected"),
    [
        (
            "UPDATE followup SET status = 'contacted' WHERE status = 'meeting'",
            "Referrals whose steps go backwards or follow an ending: #{referral}.",
        ),
        (
            "UPDATE followup SET occurred_on = '2026-11-10' WHERE status = 'meeting'",
            "Referrals whose steps go backwards or follow an ending: #{referral}.",
        ),
        ("UPDATE followup SET value = NULL WHERE status = 'won'", "do not match a won step"),
        (
            "UPDATE followup SET occurred_on = '2026-10-01' WHERE status = 'contacted'",
            "Follow-up steps dated before their referral",
        ),
        (
            "UPDATE exchange SET occurred_on = '2099-01-01' WHERE id = {intro}",
            "Exchanges dated in the future: #{intro}.",
        ),
        (
            "UPDATE exchange SET receiver_id = {eva} WHERE id = {intro}",
            "were not both members of the network that day: #{intro}.",
        ),
        (
            "UPDATE exchange SET introduction_group = 'lonely' WHERE id = {intro}",
            "Introduction groups that do not hold exactly two exchanges",
        ),
        (
            "UPDATE exchange SET meeting_id = {coffee_meeting} WHERE id = {referral}",
            "Exchanges linked to a meeting of another network: #{referral}.",
        ),
        (
            "UPDATE membership SET joined_on = '2026-11-05' WHERE member_id = "
            "(SELECT giver_id FROM exchange WHERE id = {intro})",
            "were not both members of the network that day: #{intro}, #{intro_pair}.",
        ),
    ],
)
def test_each_breach_is_named_with_its_ids(
    engine: Engine, session: Session, ledger: dict[str, int], tamper: str, expected: str
) -> None:
    with engine.begin() as connection:
        connection.execute(sa.text(tamper.format(**ledger)))
    problems = check_ledger(session=session, today=TODAY)
    assert len(problems) == 1
    assert expected.format(**ledger) in problems[0]
