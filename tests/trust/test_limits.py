"""Text limits: every text field has one, the ledger enforces it, every face says so alike.

A text at its limit is stored; one character more is refused in one sentence that names
the field and the limit, and nothing is written. A file import reports it per line.
"""

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session

from reciprocity.ledger.errors import LedgerError
from reciprocity.ledger.exchanges import log_introduction, log_referral, void_exchange
from reciprocity.ledger.followups import give_feedback, record_followup
from reciprocity.ledger.members import add_member, edit_member
from reciprocity.ledger.networks import add_meeting, add_network
from reciprocity.ledger.one_to_ones import log_one_to_one
from reciprocity.ledger.requests import add_request
from reciprocity.ledger.rules import TEXT_LIMITS, clean_text
from reciprocity.store.engine import make_engine
from reciprocity.store.models import Ask, Offer
from tests.conftest import refuses, snapshot
from tests.unit.chapter import TODAY, Chapter, build_chapter

Run = Callable[..., Any]

DOCUMENTED = {
    "member name": 120,
    "network name": 120,
    "contact name": 120,
    "company": 120,
    "category": 80,
    "email": 254,
    "phone": 40,
    "network kind": 80,
    "meeting title": 200,
    "topic": 200,
    "contact details": 200,
    "void reason": 200,
    "summary": 500,
    "details": 2000,
    "note": 2000,
    "comment": 2000,
}
"""The limits docs/DESIGN-notes.md promises."""


def test_the_limits_are_the_documented_ones() -> None:
    assert {field: TEXT_LIMITS[field] for field in DOCUMENTED} == DOCUMENTED


def test_a_network_kind_is_one_of_the_known_kinds(session: Session) -> None:
    # Typed kinds come from a list (the text limit is for kinds in older ledgers' imports).
    with pytest.raises(LedgerError) as refused:
        add_network(session=session, name="Stable", kind="stable")
    assert refused.value.key == "network.kind_unknown"
    assert refused.value.field == "kind"
    assert str(refused.value) == (
        "'stable' is not a kind of network; choose one of: referral club, open coffee, "
        "chamber, entrepreneur circle, other."
    )
    assert add_network(session=session, name="Kring", kind="Entrepreneur Circle").kind == (
        "entrepreneur circle"
    )


def test_a_listed_field_gets_its_limit_whatever_the_caller_asks() -> None:
    assert clean_text("x" * 40, field="phone", limit=200) == "x" * 40
    with pytest.raises(Exception, match="The phone is 41 characters long; the limit is 40."):
        clean_text("x" * 41, field="phone", limit=200)


@pytest.fixture
def chapter(session: Session) -> Chapter:
    """The test chapter, with referral #1 from Anna to Bob to void, follow up and rate."""
    chapter = build_chapter(session)
    assert _referral(session, chapter) == 1
    return chapter


Write = Callable[[Session, Chapter, str], Any]


def _referral(session: Session, chapter: Chapter, **fields: Any) -> int:
    made = log_referral(
        session=session, giver_id=chapter.anna, receiver_id=chapter.bob, today=TODAY, **fields
    )
    assert made.id is not None
    return made.id


WRITES: list[tuple[str, Write]] = [
    ("member name", lambda s, c, text: add_member(session=s, name=text)),
    ("company", lambda s, c, text: edit_member(session=s, member_id=c.bob, company=text)),
    ("category", lambda s, c, text: edit_member(session=s, member_id=c.bob, category=text)),
    (
        "email",
        lambda s, c, text: edit_member(session=s, member_id=c.bob, email=text[:-8] + "@x.nl.nl"),
    ),
    ("phone", lambda s, c, text: add_member(session=s, name="New", phone=text)),
    ("network name", lambda s, c, text: add_network(session=s, name=text)),
    (
        "meeting title",
        lambda s, c, text: add_meeting(session=s, network_id=c.club, held_on=TODAY, title=text),
    ),
    ("summary", lambda s, c, text: _referral(s, c, summary=text)),
    ("contact name", lambda s, c, text: _referral(s, c, contact_name=text)),
    ("contact details", lambda s, c, text: _referral(s, c, contact_details=text)),
    (
        "contact name",
        lambda s, c, text: log_introduction(
            session=s, introducer_id=c.anna, member_id=c.bob, with_contact=text, today=TODAY
        ),
    ),
    (
        "void reason",
        lambda s, c, text: void_exchange(session=s, exchange_id=1, reason=text),
    ),
    (
        "note",
        lambda s, c, text: record_followup(
            session=s, exchange_id=1, status="contacted", note=text, today=TODAY
        ),
    ),
    (
        "comment",
        lambda s, c, text: give_feedback(session=s, exchange_id=1, rating=4, comment=text),
    ),
    (
        "note",
        lambda s, c, text: log_one_to_one(
            session=s, member_a_id=c.anna, member_b_id=c.bob, note=text, today=TODAY
        ),
    ),
    ("topic", lambda s, c, text: add_request(session=s, table=Ask, member_id=c.bob, topic=text)),
    (
        "details",
        lambda s, c, text: add_request(
            session=s, table=Offer, member_id=c.bob, topic="Help", details=text
        ),
    ),
]


@pytest.mark.parametrize(("field", "write"), WRITES, ids=[f for f, _ in WRITES])
def test_each_text_field_takes_its_limit_and_refuses_one_more(
    engine: Engine, session: Session, chapter: Chapter, field: str, write: Write
) -> None:
    limit = TEXT_LIMITS[field]
    verb = "are" if field.endswith("details") else "is"
    refuses(
        engine,
        f"The {field} {verb} {limit + 1} characters long; the limit is {limit}.",
        lambda: write(session, chapter, "x" * (limit + 1)),
    )
    write(session, chapter, "x" * limit)


def ok(run: Run, *args: str) -> Any:
    result = run(*args)
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout) if "--json" in args else result.stdout


@pytest.fixture
def club(run_cli: Run) -> None:
    ok(run_cli, "network", "add", "Club Delft")
    for name in ("Anna de Vries", "Bob Jansen"):
        ok(run_cli, "member", "add", name, "--network", "Club")


@pytest.mark.parametrize(
    ("args", "sentence"),
    [
        (
            ["log", "referral", "Anna", "Bob", "--summary", "x" * 501],
            "Error: The summary is 501 characters long; the limit is 500.",
        ),
        (
            ["log", "referral", "Anna", "Bob", "--contact-details", "x" * 201],
            "Error: The contact details are 201 characters long; the limit is 200.",
        ),
        (
            ["member", "add", "Carla", "--phone", "0" * 41],
            "Error: The phone is 41 characters long; the limit is 40.",
        ),
        (
            ["ask", "add", "Bob", "t" * 201],
            "Error: The topic is 201 characters long; the limit is 200.",
        ),
    ],
    ids=["summary", "contact details", "phone", "topic"],
)
def test_the_command_line_says_which_field_and_which_limit(
    run_cli: Run, db_url: str, club: None, args: list[str], sentence: str
) -> None:
    engine = make_engine(db_url)
    before = snapshot(engine)
    result = run_cli(*args)
    assert (result.exit_code, result.stdout, result.stderr) == (1, "", sentence + "\n")
    assert snapshot(engine) == before
    engine.dispose()


HEADER = (
    "external_id,kind,giver,receiver,network,occurred_on,summary,contact_name,contact_details,"
    "referral_type,hotness,estimated_value,introduction_group,voided_at,void_reason"
)


def test_an_import_reports_a_text_over_its_limit_by_line_and_writes_nothing(
    run_cli: Run, db_url: str, club: None, tmp_path: Path
) -> None:
    rows = [
        ",referral,Anna de Vries,Bob Jansen,Club Delft,2026-11-02,Fine,,,,,,,,",
        f",referral,Anna de Vries,Bob Jansen,Club Delft,2026-11-02,{'x' * 501},,,,,,,,",
        f",referral,Bob Jansen,Anna de Vries,Club Delft,2026-11-02,,Piet,{'0' * 201},,,,,,",
        f",referral,Bob Jansen,Anna de Vries,Club Delft,2026-11-02,,{'P' * 121},,,,,,,",
    ]
    file = tmp_path / "long.csv"
    file.write_text("\n".join([HEADER, *rows]) + "\n", encoding="utf-8")
    engine = make_engine(db_url)
    before = snapshot(engine)
    result = run_cli("import", "exchanges", str(file))
    assert result.exit_code == 1
    assert result.stderr.splitlines()[:3] == [
        "line 3: The summary is 501 characters long; the limit is 500.",
        "line 4: The contact details are 201 characters long; the limit is 200.",
        "line 5: The contact name is 121 characters long; the limit is 120.",
    ]
    assert "nothing was imported" in result.stderr
    assert snapshot(engine) == before
    engine.dispose()
