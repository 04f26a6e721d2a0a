"""Roles: who may log, void, follow up, acknowledge, rate and post, on every face.

The ledger enforces them, so these tests call the ledger directly and then the command
line with ``--as``. A plain member acts on what they take part in; an organiser may do
anything in the networks they organise; no acting member (``None``, the command line
without ``--as``) is the ledger's local owner, who may do anything. A refusal is one
sentence and leaves the database as it was.
"""

import json
from collections.abc import Callable
from functools import partial
from typing import Any

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session

from reciprocity.ledger.exchanges import log_help, log_introduction, log_referral, void_exchange
from reciprocity.ledger.followups import acknowledge, give_feedback, record_followup
from reciprocity.ledger.members import deactivate_member
from reciprocity.ledger.networks import leave_network
from reciprocity.ledger.one_to_ones import log_one_to_one
from reciprocity.ledger.requests import add_request, withdraw_request
from reciprocity.store.engine import make_engine
from reciprocity.store.models import Ask, Exchange, Feedback, Offer, OneToOne
from tests.conftest import refuses, snapshot
from tests.unit.chapter import TODAY, Chapter, build_chapter

Run = Callable[..., Any]


@pytest.fixture
def chapter(session: Session) -> Chapter:
    return build_chapter(session)


def _referral(session: Session, chapter: Chapter, **extra: Any) -> int:
    """Bob gives Carla a referral in Club Delft (logged by the local owner)."""
    made = log_referral(
        session=session, giver_id=chapter.bob, receiver_id=chapter.carla, today=TODAY, **extra
    )
    assert made.id is not None
    return made.id


# --- logging ------------------------------------------------------------------------------


def test_a_member_logs_what_they_give_or_receive(session: Session, chapter: Chapter) -> None:
    for writer in (chapter.bob, chapter.carla, chapter.anna, None):
        made = log_referral(
            session=session,
            giver_id=chapter.bob,
            receiver_id=chapter.carla,
            created_by=writer,
            today=TODAY,
        )
        stored = session.get(Exchange, made.id)
        assert stored is not None and stored.created_by == writer
    helped = log_help(
        session=session,
        giver_id=chapter.eva,
        receiver_id=chapter.frank,
        created_by=chapter.frank,
        today=TODAY,
    )
    assert helped.created_by == chapter.frank
    pair = log_introduction(
        session=session,
        introducer_id=chapter.dirk,
        member_id=chapter.bob,
        with_member_id=chapter.carla,
        created_by=chapter.carla,
        today=TODAY,
    )
    assert [half.created_by for half in pair] == [chapter.carla, chapter.carla]


def test_a_member_may_not_log_between_two_others(
    engine: Engine, session: Session, chapter: Chapter
) -> None:
    refuses(
        engine,
        "Only Bob Jansen, Carla Smit or an organiser of Club Delft may log this referral: "
        "members log what they give or receive.",
        lambda: log_referral(
            session=session,
            giver_id=chapter.bob,
            receiver_id=chapter.carla,
            created_by=chapter.dirk,
            today=TODAY,
        ),
    )
    refuses(
        engine,
        "Only Eva Visser, Frank Mulder or an organiser of Open Coffee may log this help",
        lambda: log_help(
            session=session,
            giver_id=chapter.eva,
            receiver_id=chapter.frank,
            created_by=chapter.bob,
            today=TODAY,
        ),
    )
    refuses(
        engine,
        "Only Anna de Vries, Bob Jansen, Carla Smit or an organiser of Club Delft may log this "
        "introduction",
        lambda: log_introduction(
            session=session,
            introducer_id=chapter.anna,
            member_id=chapter.bob,
            with_member_id=chapter.carla,
            created_by=chapter.dirk,
            today=TODAY,
        ),
    )


def test_an_organiser_logs_only_in_the_networks_they_organise(
    engine: Engine, session: Session, chapter: Chapter
) -> None:
    refuses(
        engine,
        "Only Eva Visser, Frank Mulder or an organiser of Open Coffee may log this referral",
        lambda: log_referral(
            session=session,
            giver_id=chapter.eva,
            receiver_id=chapter.frank,
            created_by=chapter.anna,
            today=TODAY,
        ),
    )
    refuses(
        engine,
        "There is no member #999.",
        lambda: log_referral(
            session=session,
            giver_id=chapter.bob,
            receiver_id=chapter.carla,
            created_by=999,
            today=TODAY,
        ),
    )


# --- voiding ------------------------------------------------------------------------------


def test_only_the_giver_or_an_organiser_voids(
    engine: Engine, session: Session, chapter: Chapter
) -> None:
    first, second, third = (_referral(session, chapter) for _ in range(3))
    for other in (chapter.carla, chapter.dirk, chapter.eva):
        refuses(
            engine,
            "Only its giver, Bob Jansen, or an organiser of Club Delft may void "
            f"referral #{first}.",
            partial(
                void_exchange, session=session, exchange_id=first, reason="wrong", acting_id=other
            ),
        )
    void_exchange(session=session, exchange_id=first, reason="typo", acting_id=chapter.bob)
    void_exchange(session=session, exchange_id=second, reason="typo", acting_id=chapter.anna)
    void_exchange(session=session, exchange_id=third, reason="typo", acting_id=None)
    for exchange_id in (first, second, third):
        stored = session.get(Exchange, exchange_id)
        assert stored is not None and stored.voided_at is not None


def test_an_organiser_who_left_or_was_deactivated_is_a_plain_member_again(
    engine: Engine, session: Session, chapter: Chapter
) -> None:
    referral = _referral(session, chapter)
    deactivate_member(session=session, member_id=chapter.anna)
    refuses(
        engine,
        f"may void referral #{referral}.",
        lambda: void_exchange(
            session=session, exchange_id=referral, reason="x", acting_id=chapter.anna
        ),
    )
    leave_network(session=session, member_id=chapter.anna, network_id=chapter.club, left_on=TODAY)
    refuses(
        engine,
        f"may void referral #{referral}.",
        lambda: void_exchange(
            session=session, exchange_id=referral, reason="x", acting_id=chapter.anna
        ),
    )


# --- the referral's life --------------------------------------------------------------------


def test_only_the_receiver_or_an_organiser_acknowledges_and_follows_up(
    engine: Engine, session: Session, chapter: Chapter
) -> None:
    referral = _referral(session, chapter)
    for other in (chapter.bob, chapter.dirk):
        refuses(
            engine,
            f"Only its receiver, Carla Smit, or an organiser of Club Delft may acknowledge "
            f"referral #{referral}.",
            partial(acknowledge, session=session, exchange_id=referral, acting_id=other),
        )
        refuses(
            engine,
            f"Only its receiver, Carla Smit, or an organiser of Club Delft may follow up "
            f"referral #{referral}.",
            partial(
                record_followup,
                session=session,
                exchange_id=referral,
                status="contacted",
                acting_id=other,
                today=TODAY,
            ),
        )
    acknowledge(session=session, exchange_id=referral, acting_id=chapter.carla)
    record_followup(
        session=session,
        exchange_id=referral,
        status="contacted",
        acting_id=chapter.carla,
        today=TODAY,
    )
    record_followup(
        session=session, exchange_id=referral, status="meeting", acting_id=chapter.anna, today=TODAY
    )
    other = _referral(session, chapter)
    acknowledge(session=session, exchange_id=other, acting_id=chapter.anna)
    record_followup(session=session, exchange_id=other, status="lost", today=TODAY)
    assert len(snapshot(engine)["followup"]) == 3


def test_only_the_giver_or_an_organiser_rates(
    engine: Engine, session: Session, chapter: Chapter
) -> None:
    referral = _referral(session, chapter)
    for other in (chapter.carla, chapter.dirk):
        refuses(
            engine,
            f"Only its giver, Bob Jansen, or an organiser of Club Delft may rate "
            f"referral #{referral}.",
            partial(
                give_feedback, session=session, exchange_id=referral, rating=1, acting_id=other
            ),
        )
    give_feedback(session=session, exchange_id=referral, rating=4, acting_id=chapter.bob)
    give_feedback(session=session, exchange_id=referral, rating=5, acting_id=chapter.anna)
    stored = session.get(Feedback, 1)
    assert stored is not None and stored.rating == 5


# --- the board and one-to-ones ----------------------------------------------------------------


def test_members_post_and_withdraw_only_their_own_asks_and_offers(
    engine: Engine, session: Session, chapter: Chapter
) -> None:
    refuses(
        engine,
        "Only Carla Smit or an organiser of Club Delft may post an ask for them.",
        lambda: add_request(
            session=session, table=Ask, member_id=chapter.carla, topic="A", acting_id=chapter.bob
        ),
    )
    refuses(
        engine,
        "Only Eva Visser or an organiser of Open Coffee may post an offer for them.",
        lambda: add_request(
            session=session, table=Offer, member_id=chapter.eva, topic="A", acting_id=chapter.anna
        ),
    )
    own = add_request(
        session=session, table=Ask, member_id=chapter.carla, topic="Own", acting_id=chapter.carla
    )
    organised = add_request(
        session=session,
        table=Ask,
        member_id=chapter.carla,
        topic="For her",
        network_id=chapter.club,
        acting_id=chapter.anna,
    )
    assert own.id is not None and organised.id is not None
    refuses(
        engine,
        f"Only Carla Smit or an organiser of Club Delft may withdraw ask #{own.id}.",
        lambda: withdraw_request(
            session=session, table=Ask, request_id=own.id or 0, acting_id=chapter.dirk
        ),
    )
    withdraw_request(session=session, table=Ask, request_id=own.id, acting_id=chapter.carla)
    withdraw_request(session=session, table=Ask, request_id=organised.id, acting_id=chapter.anna)


def test_members_record_only_their_own_one_to_ones(
    engine: Engine, session: Session, chapter: Chapter
) -> None:
    refuses(
        engine,
        "Only Bob Jansen, Carla Smit or an organiser of Club Delft may record their one-to-one.",
        lambda: log_one_to_one(
            session=session,
            member_a_id=chapter.bob,
            member_b_id=chapter.carla,
            acting_id=chapter.dirk,
            today=TODAY,
        ),
    )
    for writer in (chapter.bob, chapter.carla, chapter.anna, None):
        log_one_to_one(
            session=session,
            member_a_id=chapter.bob,
            member_b_id=chapter.carla,
            acting_id=writer,
            today=TODAY,
        )
    assert len(snapshot(engine)["one_to_one"]) == 4
    assert session.get(OneToOne, 4) is not None


# --- the command line -----------------------------------------------------------------------


def ok(run: Run, *args: str, env: dict[str, str] | None = None) -> Any:
    result = run(*args, env=env)
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout) if "--json" in args else result.stdout


@pytest.fixture
def club(run_cli: Run) -> None:
    """Club Delft: Anna organises, Bob, Carla and Dirk are members. #1 is Bob → Carla."""
    ok(run_cli, "network", "add", "Club Delft")
    ok(run_cli, "member", "add", "Anna de Vries", "--network", "Club", "--role", "organiser")
    for name in ("Bob Jansen", "Carla Smit", "Dirk Bakker"):
        ok(run_cli, "member", "add", name, "--network", "Club")
    ok(run_cli, "--as", "Bob", "log", "referral", "Bob", "Carla")


CLI_REFUSALS = [
    (
        ["--as", "Dirk", "log", "referral", "Bob", "Carla"],
        "Only Bob Jansen, Carla Smit or an organiser of Club Delft may log this referral",
    ),
    (
        ["--as", "Carla", "void", "1", "--reason", "wrong"],
        "Only its giver, Bob Jansen, or an organiser of Club Delft may void referral #1.",
    ),
    (
        ["--as", "Bob", "ack", "1"],
        "Only its receiver, Carla Smit, or an organiser of Club Delft may acknowledge",
    ),
    (
        ["--as", "Bob", "followup", "1", "contacted"],
        "Only its receiver, Carla Smit, or an organiser of Club Delft may follow up",
    ),
    (
        ["--as", "Carla", "feedback", "1", "2"],
        "Only its giver, Bob Jansen, or an organiser of Club Delft may rate referral #1.",
    ),
    (["--as", "Bob", "ask", "add", "Carla", "Help"], "Only Carla Smit or an organiser"),
    (["--as", "Dirk", "one-to-one", "Bob", "Carla"], "may record their one-to-one."),
]


@pytest.mark.parametrize(("args", "sentence"), CLI_REFUSALS, ids=lambda v: " ".join(v)[:40])
def test_the_command_line_refuses_what_the_acting_member_may_not_do(
    run_cli: Run, db_url: str, club: None, args: list[str], sentence: str
) -> None:
    engine = make_engine(db_url)
    before = snapshot(engine)
    result = run_cli(*args)
    after = snapshot(engine)
    engine.dispose()
    assert result.exit_code == 1
    assert result.stdout == ""
    message = result.stderr.strip()
    assert message.startswith("Error: ") and sentence in message
    assert "\n" not in message
    assert after == before


def test_the_command_line_allows_parties_organisers_and_the_owner(run_cli: Run, club: None) -> None:
    ok(run_cli, "--as", "Carla", "ack", "1")
    ok(run_cli, "--as", "Carla", "followup", "1", "contacted")
    ok(run_cli, "--as", "Anna", "followup", "1", "meeting")
    ok(run_cli, "--as", "Bob", "feedback", "1", "4")
    ok(run_cli, "--as", "Anna", "log", "help", "Bob", "Carla")  # an organiser logs for others
    ok(run_cli, "--as", "Carla", "log", "referral", "Dirk", "Carla")  # a receiver logs
    ok(run_cli, "log", "referral", "Dirk", "Bob")  # no --as: the local owner
    ok(run_cli, "--as", "Bob", "void", "1", "--reason", "Logged twice")
    ok(run_cli, "--as", "Anna", "void", "3", "--reason", "Logged twice")
    ok(run_cli, "void", "4", "--reason", "Logged twice")
    listed = {e["id"]: e for e in ok(run_cli, "exchanges", "--json")}
    assert [(listed[i]["created_by"], listed[i]["voided_at"] is None) for i in (1, 2, 3, 4)] == [
        (2, False),
        (1, True),
        (3, False),
        (None, False),
    ]
    story = ok(run_cli, "show", "1", "--json")
    assert [step["status"] for step in story["steps"]] == ["contacted", "meeting"]
    assert story["feedback"]["rating"] == 4


def test_the_acting_member_from_the_environment_has_the_same_rights(
    run_cli: Run, club: None
) -> None:
    refused = run_cli("void", "1", "--reason", "wrong", env={"RECIPROCITY_AS": "Carla"})
    assert refused.exit_code == 1
    assert "Only its giver, Bob Jansen," in refused.stderr
    ok(run_cli, "void", "1", "--reason", "Logged twice", env={"RECIPROCITY_AS": "Bob"})
