"""Logging referrals, help and introductions: every rule, and nothing written on a breach."""

from datetime import date, timedelta
from typing import Any

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from reciprocity.ledger.errors import LedgerError
from reciprocity.ledger.exchanges import (
    iter_exchanges,
    log_help,
    log_introduction,
    log_referral,
    void_exchange,
)
from reciprocity.ledger.followups import acknowledge
from reciprocity.ledger.members import deactivate_member
from reciprocity.ledger.networks import add_meeting
from reciprocity.ledger.requests import add_request, withdraw_request
from reciprocity.store.models import Ask, Exchange, Offer
from tests.conftest import refuses
from tests.unit.chapter import TODAY, Chapter, build_chapter


@pytest.fixture
def chapter(session: Session) -> Chapter:
    return build_chapter(session)


def test_referral_is_logged_with_every_field(session: Session, chapter: Chapter) -> None:
    made = log_referral(
        session=session,
        giver_id=chapter.anna,
        receiver_id=chapter.carla,
        occurred_on=date(2026, 11, 20),
        summary="  Needs a notary for a house sale ",
        contact_name="Jeroen de Boer",
        contact_details="06-12345678",
        referral_type="INSIDE",
        hotness=4,
        estimated_value=1250.456,
        created_by=chapter.anna,
        today=TODAY,
    )
    stored = session.get(Exchange, made.id)
    assert stored is not None
    assert (stored.kind, stored.giver_id, stored.receiver_id) == (
        "referral",
        chapter.anna,
        chapter.carla,
    )
    assert stored.network_id == chapter.club  # the only network Anna and Carla share
    assert stored.summary == "Needs a notary for a house sale"
    assert (stored.contact_name, stored.contact_details) == ("Jeroen de Boer", "06-12345678")
    assert (stored.referral_type, stored.hotness, stored.estimated_value) == ("inside", 4, 1250.46)
    assert stored.created_by == chapter.anna
    assert stored.created_at.tzinfo is not None
    assert len(stored.external_id) == 32


def test_shared_network_must_be_unique_or_named(
    engine: Engine, session: Session, chapter: Chapter
) -> None:
    refuses(
        engine,
        "Anna de Vries and Eva Visser share no network on 2026-11-26; add them to one or name "
        "the network.",
        lambda: log_referral(
            session=session, giver_id=chapter.anna, receiver_id=chapter.eva, today=TODAY
        ),
    )
    refuses(
        engine,
        "Eva Visser is not a member of Club Delft on 2026-11-20.",
        lambda: log_referral(
            session=session,
            giver_id=chapter.anna,
            receiver_id=chapter.eva,
            network_id=chapter.club,
            occurred_on=date(2026, 11, 20),
        ),
    )


def test_members_in_two_shared_networks_must_name_one(
    engine: Engine, session: Session, chapter: Chapter
) -> None:
    from reciprocity.ledger.networks import join_network

    join_network(session=session, member_id=chapter.eva, network_id=chapter.club)
    refuses(
        engine,
        "Bob Jansen and Eva Visser share several networks on 2026-11-26 (Club Delft, Open "
        "Coffee); name the network.",
        lambda: log_help(
            session=session, giver_id=chapter.bob, receiver_id=chapter.eva, today=TODAY
        ),
    )
    made = log_help(
        session=session, giver_id=chapter.bob, receiver_id=chapter.eva, network_id=chapter.coffee
    )
    assert made.network_id == chapter.coffee


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"receiver_id": "giver"}, "Anna de Vries cannot give to themselves"),
        ({"hotness": 6}, "The hotness must be from 1 to 5, not 6."),
        ({"hotness": 0}, "The hotness must be from 1 to 5, not 0."),
        ({"estimated_value": -5.0}, "The estimated value must be zero or more, not -5."),
        ({"estimated_value": float("nan")}, "The estimated value must be an amount from 0 to"),
        ({"referral_type": "sideways"}, "The referral type 'sideways' is not one of: inside"),
        ({"occurred_on": TODAY + timedelta(days=1)}, "The date 2026-11-27 is in the future"),
        ({"summary": "x" * 2001}, "The summary is 2001 characters long; the limit is 500."),
        ({"receiver_id": 999}, "There is no member #999."),
        ({"network_id": 999}, "There is no network #999."),
        ({"meeting_id": 999}, "There is no meeting #999."),
    ],
)
def test_bad_referral_changes_nothing(
    engine: Engine,
    session: Session,
    chapter: Chapter,
    overrides: dict[str, Any],
    message: str,
) -> None:
    arguments: dict[str, Any] = {
        "session": session,
        "giver_id": chapter.anna,
        "receiver_id": chapter.bob,
        "network_id": chapter.club,
        "today": TODAY,
    }
    arguments.update(overrides)
    if arguments["receiver_id"] == "giver":
        arguments["receiver_id"] = chapter.anna
    refuses(engine, message, lambda: log_referral(**arguments))


def test_deactivated_member_takes_part_in_nothing_new(
    engine: Engine, session: Session, chapter: Chapter
) -> None:
    deactivate_member(session=session, member_id=chapter.frank)
    refuses(
        engine,
        "Frank Mulder is deactivated and takes part in no new exchanges.",
        lambda: log_help(session=session, giver_id=chapter.eva, receiver_id=chapter.frank),
    )


def test_meeting_sets_the_network_and_the_default_date(
    engine: Engine, session: Session, chapter: Chapter
) -> None:
    meeting = add_meeting(session=session, network_id=chapter.club, held_on=date(2026, 11, 19))
    made = log_referral(
        session=session, giver_id=chapter.bob, receiver_id=chapter.dirk, meeting_id=meeting.id
    )
    assert (made.network_id, made.occurred_on, made.meeting_id) == (
        chapter.club,
        date(2026, 11, 19),
        meeting.id,
    )
    coffee_meeting = add_meeting(session=session, network_id=chapter.coffee, held_on=TODAY)
    refuses(
        engine,
        "belongs to another network than Club Delft",
        lambda: log_referral(
            session=session,
            giver_id=chapter.bob,
            receiver_id=chapter.dirk,
            network_id=chapter.club,
            meeting_id=coffee_meeting.id,
        ),
    )


def test_introduction_of_two_members_is_two_exchanges_in_one_group(
    session: Session, chapter: Chapter
) -> None:
    pair = log_introduction(
        session=session,
        introducer_id=chapter.anna,
        member_id=chapter.bob,
        with_member_id=chapter.carla,
        occurred_on=date(2026, 11, 2),
        summary="Both work with start-ups",
    )
    assert [(e.giver_id, e.receiver_id) for e in pair] == [
        (chapter.anna, chapter.bob),
        (chapter.anna, chapter.carla),
    ]
    assert {e.kind for e in pair} == {"introduction"}
    assert pair[0].introduction_group is not None
    assert pair[0].introduction_group == pair[1].introduction_group
    assert pair[0].external_id != pair[1].external_id


def test_introduction_to_an_outside_contact_is_one_exchange(
    session: Session, chapter: Chapter
) -> None:
    made = log_introduction(
        session=session,
        introducer_id=chapter.eva,
        member_id=chapter.bob,
        with_contact="Marieke (Gemeente Delft)",
    )
    assert len(made) == 1
    assert made[0].contact_name == "Marieke (Gemeente Delft)"
    assert made[0].introduction_group is None


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"with_member_id": "member"}, "Bob Jansen cannot be introduced to themselves."),
        ({"with_member_id": "introducer"}, "Anna de Vries cannot give to themselves"),
        ({"with_member_id": None}, "exactly one of: another member, or an outside contact"),
        ({"with_contact": "Someone"}, "exactly one of: another member, or an outside contact"),
        ({"with_member_id": "eva"}, "Eva Visser is not a member of Club Delft on"),
    ],
)
def test_bad_introduction_changes_nothing(
    engine: Engine,
    session: Session,
    chapter: Chapter,
    overrides: dict[str, Any],
    message: str,
) -> None:
    names = {"member": chapter.bob, "introducer": chapter.anna, "eva": chapter.eva}
    arguments: dict[str, Any] = {
        "session": session,
        "introducer_id": chapter.anna,
        "member_id": chapter.bob,
        "with_member_id": chapter.carla,
    }
    arguments.update(overrides)
    if isinstance(arguments["with_member_id"], str):
        arguments["with_member_id"] = names[arguments["with_member_id"]]
    refuses(engine, message, lambda: log_introduction(**arguments))


def test_help_answers_an_ask_and_voiding_reopens_it(
    engine: Engine, session: Session, chapter: Chapter
) -> None:
    ask = add_request(
        session=session,
        table=Ask,
        member_id=chapter.bob,
        topic="VAT return",
        network_id=chapter.club,
    )
    refuses(
        engine,
        f"Ask #{ask.id} is Bob Jansen's; the help that answers it goes to them.",
        lambda: log_help(
            session=session, giver_id=chapter.anna, receiver_id=chapter.carla, answers_ask_id=ask.id
        ),
    )
    made = log_help(
        session=session, giver_id=chapter.anna, receiver_id=chapter.bob, answers_ask_id=ask.id
    )
    answered = session.get(Ask, ask.id)
    assert answered is not None
    assert (answered.status, answered.answered_by) == ("answered", made.id)
    assert made.network_id == chapter.club
    refuses(
        engine,
        f"Ask #{ask.id} is already answered; it cannot be answered now.",
        lambda: log_help(
            session=session, giver_id=chapter.carla, receiver_id=chapter.bob, answers_ask_id=ask.id
        ),
    )
    void_exchange(session=session, exchange_id=made.id, reason="Logged against the wrong ask")  # type: ignore[arg-type]
    reopened = session.get(Ask, ask.id)
    assert reopened is not None
    session.refresh(reopened)
    assert (reopened.status, reopened.answered_by) == ("open", None)


def test_withdrawn_ask_cannot_be_answered(
    engine: Engine, session: Session, chapter: Chapter
) -> None:
    ask = add_request(session=session, table=Ask, member_id=chapter.bob, topic="Logo")
    withdraw_request(session=session, table=Ask, request_id=ask.id)  # type: ignore[arg-type]
    refuses(
        engine,
        f"Ask #{ask.id} is already withdrawn; it cannot be answered now.",
        lambda: log_help(
            session=session, giver_id=chapter.anna, receiver_id=chapter.bob, answers_ask_id=ask.id
        ),
    )
    refuses(
        engine,
        f"Ask #{ask.id} is already withdrawn; only an open one can be withdrawn.",
        lambda: withdraw_request(session=session, table=Ask, request_id=ask.id),  # type: ignore[arg-type]
    )


def test_help_takes_up_an_offer_from_the_offerer_only(
    engine: Engine, session: Session, chapter: Chapter
) -> None:
    offer = add_request(session=session, table=Offer, member_id=chapter.eva, topic="Bookkeeping")
    refuses(
        engine,
        f"Offer #{offer.id} is Eva Visser's; only they can give that help.",
        lambda: log_help(
            session=session, giver_id=chapter.bob, receiver_id=chapter.eva, takes_offer_id=offer.id
        ),
    )
    made = log_help(
        session=session, giver_id=chapter.eva, receiver_id=chapter.frank, takes_offer_id=offer.id
    )
    taken = session.get(Offer, offer.id)
    assert taken is not None
    assert (taken.status, taken.answered_by) == ("answered", made.id)


def test_void_needs_a_reason_keeps_the_row_and_refuses_twice(
    engine: Engine, session: Session, chapter: Chapter
) -> None:
    made = log_referral(session=session, giver_id=chapter.anna, receiver_id=chapter.bob)
    assert made.id is not None
    refuses(
        engine,
        "Voiding needs a reason, for the audit trail.",
        lambda: void_exchange(session=session, exchange_id=made.id, reason="  "),  # type: ignore[arg-type]
    )
    void_exchange(session=session, exchange_id=made.id, reason="Duplicate of #2")
    stored = session.exec(select(Exchange).where(Exchange.id == made.id)).one()
    assert stored.voided_at is not None
    assert stored.void_reason == "Duplicate of #2"
    refuses(
        engine,
        f"Exchange #{made.id} was already voided on",
        lambda: void_exchange(session=session, exchange_id=made.id, reason="again"),  # type: ignore[arg-type]
    )
    listed = list(iter_exchanges(session=session, include_voided=False))
    assert listed == []
    assert [row["void_reason"] for row in list(iter_exchanges(session=session))] == [
        "Duplicate of #2"
    ]


def test_acknowledge_once_before_any_step(
    engine: Engine, session: Session, chapter: Chapter
) -> None:
    from reciprocity.ledger.followups import record_followup

    first = log_referral(session=session, giver_id=chapter.anna, receiver_id=chapter.bob)
    assert first.id is not None
    acknowledged = acknowledge(session=session, exchange_id=first.id)
    assert acknowledged.acknowledged_at is not None
    refuses(
        engine,
        f"Referral #{first.id} was already acknowledged on",
        lambda: acknowledge(session=session, exchange_id=first.id),  # type: ignore[arg-type]
    )
    second = log_referral(session=session, giver_id=chapter.anna, receiver_id=chapter.bob)
    assert second.id is not None
    record_followup(session=session, exchange_id=second.id, status="contacted")
    refuses(
        engine,
        f"Referral #{second.id} is already at 'contacted'; acknowledging comes first.",
        lambda: acknowledge(session=session, exchange_id=second.id),  # type: ignore[arg-type]
    )
    help_given = log_help(session=session, giver_id=chapter.anna, receiver_id=chapter.bob)
    refuses(
        engine,
        f"Exchange #{help_given.id} is a help, not a referral.",
        lambda: acknowledge(session=session, exchange_id=help_given.id),  # type: ignore[arg-type]
    )


def test_list_exchanges_filters(session: Session, chapter: Chapter) -> None:
    log_referral(
        session=session,
        giver_id=chapter.anna,
        receiver_id=chapter.bob,
        occurred_on=date(2026, 10, 1),
    )
    log_help(
        session=session,
        giver_id=chapter.bob,
        receiver_id=chapter.eva,
        occurred_on=date(2026, 11, 1),
    )
    log_introduction(
        session=session,
        introducer_id=chapter.carla,
        member_id=chapter.dirk,
        with_contact="Outside Person",
        occurred_on=date(2026, 11, 15),
    )
    everything = list(iter_exchanges(session=session))
    assert [row["kind"] for row in everything] == ["introduction", "help", "referral"]
    assert everything[1]["giver"] == "Bob Jansen"
    assert everything[1]["network"] == "Open Coffee"
    bobs = list(iter_exchanges(session=session, member_id=chapter.bob))
    assert {row["kind"] for row in bobs} == {"referral", "help"}
    november = list(
        iter_exchanges(session=session, date_from=date(2026, 11, 1), date_to=date(2026, 11, 30))
    )
    assert len(november) == 2
    assert [r["kind"] for r in list(iter_exchanges(session=session, kind="Help"))] == ["help"]
    assert len(list(iter_exchanges(session=session, network_id=chapter.club))) == 2
    with pytest.raises(LedgerError, match="The kind 'gift' is not one of"):
        list(iter_exchanges(session=session, kind="gift"))
    with pytest.raises(LedgerError, match="starts 2026-11-30 after it ends 2026-11-01"):
        list(
            iter_exchanges(session=session, date_from=date(2026, 11, 30), date_to=date(2026, 11, 1))
        )


def test_introduction_to_an_outside_contact_keeps_their_details(
    engine: Engine, session: Session, chapter: Chapter
) -> None:
    made = log_introduction(
        session=session,
        introducer_id=chapter.anna,
        member_id=chapter.bob,
        with_contact="Marieke de Groot",
        contact_details="marieke@gemeente.nl",
    )
    assert (made[0].contact_name, made[0].contact_details) == (
        "Marieke de Groot",
        "marieke@gemeente.nl",
    )
    refuses(
        engine,
        "Contact details go with an outside contact, not with a member.",
        lambda: log_introduction(
            session=session,
            introducer_id=chapter.anna,
            member_id=chapter.bob,
            with_member_id=chapter.carla,
            contact_details="x@y.nl",
        ),
    )


def test_membership_counts_on_the_day_of_the_exchange(
    engine: Engine, session: Session, chapter: Chapter
) -> None:
    from reciprocity.ledger.networks import join_network, leave_network

    leave_network(
        session=session, member_id=chapter.dirk, network_id=chapter.club, left_on=date(2026, 11, 22)
    )
    before_leaving = log_referral(
        session=session,
        giver_id=chapter.dirk,
        receiver_id=chapter.anna,
        occurred_on=date(2026, 11, 21),
        today=TODAY,
    )
    assert before_leaving.network_id == chapter.club
    refuses(
        engine,
        "Dirk Bakker and Anna de Vries share no network on 2026-11-23",
        lambda: log_referral(
            session=session,
            giver_id=chapter.dirk,
            receiver_id=chapter.anna,
            occurred_on=date(2026, 11, 23),
            today=TODAY,
        ),
    )
    join_network(
        session=session,
        member_id=chapter.eva,
        network_id=chapter.club,
        joined_on=date(2026, 11, 10),
    )
    refuses(
        engine,
        "Eva Visser is not a member of Club Delft on 2026-11-09.",
        lambda: log_help(
            session=session,
            giver_id=chapter.anna,
            receiver_id=chapter.eva,
            network_id=chapter.club,
            occurred_on=date(2026, 11, 9),
        ),
    )


def test_help_for_an_ask_stays_in_the_asks_network(
    engine: Engine, session: Session, chapter: Chapter
) -> None:
    ask = add_request(
        session=session, table=Ask, member_id=chapter.bob, topic="Printing", network_id=chapter.club
    )
    refuses(
        engine,
        f"Ask #{ask.id} was posted in another network; log the help there",
        lambda: log_help(
            session=session,
            giver_id=chapter.eva,
            receiver_id=chapter.bob,
            network_id=chapter.coffee,
            answers_ask_id=ask.id,
        ),
    )
