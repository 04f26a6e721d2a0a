"""Forgetting a member: their personal data goes, their anonymous history stays.

Both halves are proven on the same ledger. Gone: the member's name, company, category,
email and phone; the contact name and details of every exchange they gave or received;
the notes of their one-to-ones and the details of their asks and offers. Kept: every
exchange, step, rating and membership, every other member's rows, and the given and
received counts and points of every member, computed here with a plain SQL query.
"""

import json
from collections import Counter
from datetime import date
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlmodel import Session
from typer.testing import CliRunner

from reciprocity.cli import app
from reciprocity.ledger.exchanges import log_help, log_introduction, log_referral, void_exchange
from reciprocity.ledger.followups import give_feedback, record_followup
from reciprocity.ledger.members import FORGOTTEN_CONTACT, edit_member, forget_member
from reciprocity.ledger.networks import join_network
from reciprocity.ledger.one_to_ones import log_one_to_one
from reciprocity.ledger.requests import add_request
from reciprocity.store.engine import make_engine
from reciprocity.store.models import Ask, Offer
from tests.conftest import refuses, snapshot
from tests.unit.chapter import TODAY, Chapter, build_chapter

BOBS_DATA = (
    "Bob Jansen",
    "Jansen Web",
    "bob@jansen.example",
    "+31 6 5555",
    "Web designer",
    "Piet Kok",
    "06-piet",
    "Marieke",
    "marieke@gemeente.example",
    "Bob's daughter",
    "Bob's server costs",
)
"""Every piece of Bob's personal data the fixture stores; none may survive forgetting."""


@pytest.fixture
def chapter(session: Session) -> Chapter:
    chapter = build_chapter(session)
    edit_member(
        session=session,
        member_id=chapter.bob,
        company="Jansen Web",
        email="bob@jansen.example",
        phone="+31 6 5555",
    )
    day = date(2026, 11, 2)

    def referral(giver: int, receiver: int, contact: str, details: str) -> int:
        made = log_referral(
            session=session,
            giver_id=giver,
            receiver_id=receiver,
            network_id=chapter.club,
            occurred_on=day,
            summary="A web shop",
            contact_name=contact,
            contact_details=details,
            today=TODAY,
        )
        assert made.id is not None
        return made.id

    won = referral(chapter.anna, chapter.bob, "Piet Kok", "06-piet")
    record_followup(
        session=session, exchange_id=won, status="contacted", occurred_on=day, today=TODAY
    )
    record_followup(
        session=session,
        exchange_id=won,
        status="won",
        value=1200,
        business="new",
        note="Signed the same week",
        occurred_on=day,
        today=TODAY,
    )
    give_feedback(session=session, exchange_id=won, rating=5, comment="Called at once")
    referral(chapter.bob, chapter.carla, "Piet Kok", "06-piet")
    referral(chapter.carla, chapter.dirk, "Joke Smit", "joke@example.nl")  # without Bob
    wrong = referral(chapter.dirk, chapter.bob, "Someone", "06-wrong")
    void_exchange(session=session, exchange_id=wrong, reason="Logged twice")
    log_introduction(
        session=session,
        introducer_id=chapter.bob,
        member_id=chapter.eva,
        with_contact="Marieke",
        contact_details="marieke@gemeente.example",
        network_id=chapter.coffee,
        occurred_on=day,
        today=TODAY,
    )
    log_introduction(
        session=session,
        introducer_id=chapter.dirk,
        member_id=chapter.bob,
        with_member_id=chapter.carla,
        occurred_on=day,
        today=TODAY,
    )
    log_help(
        session=session,
        giver_id=chapter.eva,
        receiver_id=chapter.bob,
        network_id=chapter.coffee,
        occurred_on=day,
        today=TODAY,
    )
    log_one_to_one(
        session=session,
        member_a_id=chapter.bob,
        member_b_id=chapter.carla,
        note="Bob's daughter starts a shop",
        today=TODAY,
    )
    log_one_to_one(
        session=session,
        member_a_id=chapter.anna,
        member_b_id=chapter.carla,
        note="Talked about notary fees",
        today=TODAY,
    )
    add_request(
        session=session,
        table=Ask,
        member_id=chapter.bob,
        topic="Hosting",
        details="Bob's server costs are too high",
    )
    add_request(
        session=session, table=Offer, member_id=chapter.eva, topic="Bookkeeping", details="Free"
    )
    return chapter


def per_member_totals(engine: Engine) -> dict[int, tuple[int, int, int, int]]:
    """Given and received counts and points per member, over live exchanges, by plain SQL."""
    query = sa.text(
        "SELECT m.id, e.network_id, e.kind, "
        "SUM(CASE WHEN e.giver_id = m.id THEN 1 ELSE 0 END), "
        "SUM(CASE WHEN e.receiver_id = m.id THEN 1 ELSE 0 END) "
        "FROM member m JOIN exchange e ON m.id IN (e.giver_id, e.receiver_id) "
        "WHERE e.voided_at IS NULL GROUP BY m.id, e.network_id, e.kind"
    )
    totals: dict[int, list[int]] = {}
    with engine.connect() as connection:
        weights = {
            network_id: json.loads(value) if isinstance(value, str) else value
            for network_id, value in connection.execute(sa.text("SELECT id, weights FROM network"))
        }
        for member_id, network_id, kind, given, received in connection.execute(query):
            weight = weights[network_id][kind]
            row = totals.setdefault(member_id, [0, 0, 0, 0])
            row[0] += given
            row[1] += received
            row[2] += given * weight
            row[3] += received * weight
    return {member_id: (a, b, c, d) for member_id, (a, b, c, d) in totals.items()}


def _texts(rows: dict[str, list[tuple[Any, ...]]]) -> list[str]:
    return [
        value for table in rows.values() for row in table for value in row if isinstance(value, str)
    ]


def _involves(table: str, row: dict[str, Any], member_id: int) -> bool:
    columns = {
        "member": ("id",),
        "exchange": ("giver_id", "receiver_id"),
        "one_to_one": ("member_a_id", "member_b_id"),
        "ask": ("member_id",),
        "offer": ("member_id",),
    }
    return any(row[column] == member_id for column in columns.get(table, ()))


def _rows(engine: Engine) -> dict[str, list[dict[str, Any]]]:
    with engine.connect() as connection:
        return {
            name: [
                dict(row._mapping)
                for row in connection.execute(sa.text(f"SELECT * FROM {name} ORDER BY id"))
            ]
            for name in snapshot(engine)
        }


ERASED = {
    "member": {"name", "name_key", "company", "category", "email", "phone", "active"},
    "exchange": {"contact_name", "contact_details"},
    "one_to_one": {"note"},
    "ask": {"details"},
    "offer": {"details"},
}


def test_forgetting_erases_personal_data_and_keeps_every_balance(
    engine: Engine, session: Session, chapter: Chapter
) -> None:
    before, totals_before = _rows(engine), per_member_totals(engine)
    assert all(
        any(text in str(value) for value in _texts(snapshot(engine))) for text in BOBS_DATA
    ), "the fixture stores every piece of data the test looks for"

    forgotten = forget_member(session=session, member_id=chapter.bob)

    after = _rows(engine)
    # Gone, everywhere: no text of any table still holds a piece of Bob's data.
    leftovers = [
        (text, value) for value in _texts(snapshot(engine)) for text in BOBS_DATA if text in value
    ]
    assert leftovers == []
    assert (forgotten.name, forgotten.active) == (f"Former member #{chapter.bob}", False)
    assert (forgotten.company, forgotten.category, forgotten.email, forgotten.phone) == (None,) * 4
    bobs = [e for e in after["exchange"] if _involves("exchange", e, chapter.bob)]
    assert {(e["contact_name"], e["contact_details"]) for e in bobs} == {
        (None, None),
        (FORGOTTEN_CONTACT, None),  # an outside introduction still names someone
    }
    # Kept: the same rows in every table, equal except for the erased fields of Bob's rows.
    assert {name: len(rows) for name, rows in after.items()} == {
        name: len(rows) for name, rows in before.items()
    }
    for name, rows in before.items():
        for old, new in zip(rows, after[name], strict=True):
            if _involves(name, old, chapter.bob):
                changed = {column for column in old if old[column] != new[column]}
                assert changed <= ERASED[name], (name, changed)
            else:
                assert old == new, name
    assert per_member_totals(engine) == totals_before
    # Bob gave a referral (3) and an introduction (2); he received a referral (3), an
    # introduction (2) and help in Open Coffee, where help weighs 2; a voided one counts not.
    assert totals_before[chapter.bob] == (2, 3, 3 + 2, 3 + 2 + 2)
    # Steps, ratings and summaries are the other members' record of the business: unchanged.
    assert after["followup"] == before["followup"] and after["feedback"] == before["feedback"]


def test_who_may_forget(engine: Engine, session: Session, chapter: Chapter) -> None:
    refuses(
        engine,
        "Only Bob Jansen or an organiser of every network they were in (Club Delft, Open "
        "Coffee) may forget them.",
        lambda: forget_member(session=session, member_id=chapter.bob, acting_id=chapter.carla),
    )
    refuses(  # Anna organises Club Delft, but Bob is in Open Coffee too
        engine,
        "may forget them.",
        lambda: forget_member(session=session, member_id=chapter.bob, acting_id=chapter.anna),
    )
    forget_member(session=session, member_id=chapter.carla, acting_id=chapter.anna)
    forget_member(session=session, member_id=chapter.dirk, acting_id=chapter.dirk)
    join_network(
        session=session, member_id=chapter.anna, network_id=chapter.coffee, role="organiser"
    )
    forget_member(session=session, member_id=chapter.bob, acting_id=chapter.anna)
    refuses(
        engine,
        f"Member #{chapter.bob} is already forgotten.",
        lambda: forget_member(session=session, member_id=chapter.bob),
    )


def _invoke(url: str, *args: str, answer: str | None = None) -> Any:
    return CliRunner().invoke(app, ["--db", url, *args], input=answer, catch_exceptions=False)


def test_the_command_asks_first_and_then_forgets(
    engine: Engine, db_url: str, chapter: Chapter, tmp_path: Path
) -> None:
    before = snapshot(engine)
    for answer, sentence in (
        (None, "Error: Aborted."),
        ("n\n", "Error: Nothing was forgotten; Bob Jansen stays as they were."),
    ):
        declined = _invoke(db_url, "member", "forget", "Bob Jansen", answer=answer)
        assert declined.exit_code == 1
        assert "Forget Bob Jansen (#2)? Their name, company, category" in declined.stderr
        assert declined.stderr.strip().endswith(sentence)
        assert snapshot(engine) == before
    refused = _invoke(db_url, "--as", "Carla", "member", "forget", "Bob Jansen", "--yes")
    assert refused.exit_code == 1
    assert refused.stderr.startswith("Error: Only Bob Jansen or an organiser of every network")
    assert snapshot(engine) == before

    done = _invoke(db_url, "member", "forget", "Bob Jansen", answer="y\n")
    assert done.exit_code == 0, done.stderr
    assert done.stdout.splitlines()[-1] == (  # the runner echoes the typed answer first
        "Forgot member #2: they are now 'Former member #2', and their exchanges still count "
        "in everyone's balance."
    )
    listed = json.loads(
        _invoke(db_url, "exchanges", "--member", "Former member #2", "--json").stdout
    )
    assert Counter(e["giver"] == "Former member #2" for e in listed) == {True: 2, False: 4}
    again = _invoke(db_url, "member", "forget", "Former member #2", "--yes")
    assert again.stderr == "Error: Member #2 is already forgotten.\n"
    themselves = _invoke(
        db_url, "--as", "Dirk", "member", "forget", "Dirk Bakker", "--yes", "--json"
    )
    assert json.loads(themselves.stdout)["name"] == "Former member #4"
    reserved = _invoke(db_url, "member", "add", "former member #9")
    assert reserved.stderr == (
        "Error: Names like 'former member #9' are kept for forgotten members; "
        "choose another name.\n"
    )

    # The forgotten ledger still exports and loads into an empty database, row for row.
    folder = tmp_path / "backup"
    assert _invoke(db_url, "export", "all", str(folder)).exit_code == 0
    copy = f"sqlite:///{tmp_path / 'copy.sqlite'}"
    loaded = _invoke(copy, "import", "all", str(folder))
    assert loaded.exit_code == 0, loaded.stderr
    copied = make_engine(copy)
    assert snapshot(copied) == snapshot(engine)
    copied.dispose()
