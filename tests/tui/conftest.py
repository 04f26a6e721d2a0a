"""A fixed chapter with a year of history, a frozen day, and helpers to drive the app.

The database is built once per session through the ledger (as a user would) and copied
for every test, so each test gets its own real SQLite file in a few milliseconds.
"""

import asyncio
import shutil
import unicodedata
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from sqlmodel import Session
from textual import events
from textual.keys import REPLACED_KEYS, _character_to_key, _get_unicode_name_from_key
from textual.pilot import Pilot
from textual.worker import WorkerCancelled

from reciprocity.ledger.exchanges import log_help, log_introduction, log_referral
from reciprocity.ledger.followups import give_feedback, record_followup
from reciprocity.ledger.members import add_member
from reciprocity.ledger.networks import add_meeting
from reciprocity.ledger.one_to_ones import log_one_to_one
from reciprocity.ledger.requests import add_request
from reciprocity.ledger.workspace import ActingSource, Workspace
from reciprocity.store.engine import make_engine
from reciprocity.store.models import Ask, Offer
from reciprocity.tui.app import ReciprocityApp
from tests.unit.chapter import TODAY, Chapter, build_chapter

SIZE = (80, 24)


@dataclass(frozen=True)
class Fixture:
    """The chapter's ids and the referral ids the tests act on."""

    chapter: Chapter
    overdue: int
    """Bob → Anna, 10 days old, no step: overdue for Anna."""
    contacted: int
    """Carla → Anna, contacted: Anna may move it on."""
    given_won: int
    """Anna → Dirk, won: Anna may rate it."""
    ask: int
    """Carla's open ask."""
    meeting: int
    """Club Delft's meeting a week ago."""


def build_fixture(session: Session) -> Fixture:
    """The fixed chapter and its history, written through the ledger."""
    c = build_chapter(session)
    add_member(
        session=session,
        name="Gijs de Boer",
        network_ids=[c.club],
        joined_on=date(2026, 1, 1),
        category="Bookkeeper",
    )
    day = TODAY - timedelta(days=330)
    pairs = [(c.anna, c.bob), (c.bob, c.anna), (c.carla, c.anna), (c.dirk, c.carla)]
    for month in range(11):
        for index, (giver, receiver) in enumerate(pairs):
            if (month + index) % 3 == 0:
                continue
            when = day + timedelta(days=30 * month + index)
            if index % 2:
                log_help(
                    session=session,
                    giver_id=giver,
                    receiver_id=receiver,
                    occurred_on=when,
                    summary=f"Help {month}-{index}",
                    today=TODAY,
                )
            else:
                made = log_referral(
                    session=session,
                    giver_id=giver,
                    receiver_id=receiver,
                    occurred_on=when,
                    summary=f"Lead {month}-{index}",
                    hotness=3,
                    today=TODAY,
                )
                assert made.id is not None
                record_followup(
                    session=session,
                    exchange_id=made.id,
                    status="contacted",
                    occurred_on=when + timedelta(days=1),
                    today=TODAY,
                )
    log_introduction(
        session=session,
        introducer_id=c.anna,
        member_id=c.bob,
        with_member_id=c.carla,
        occurred_on=TODAY - timedelta(days=20),
        today=TODAY,
    )
    overdue = log_referral(
        session=session,
        giver_id=c.bob,
        receiver_id=c.anna,
        occurred_on=TODAY - timedelta(days=10),
        summary="Bakery wants a site",
        today=TODAY,
    )
    contacted = log_referral(
        session=session,
        giver_id=c.carla,
        receiver_id=c.anna,
        occurred_on=TODAY - timedelta(days=6),
        summary="Tax return for a shop",
        today=TODAY,
    )
    assert contacted.id is not None and overdue.id is not None
    record_followup(
        session=session,
        exchange_id=contacted.id,
        status="contacted",
        occurred_on=TODAY - timedelta(days=5),
        today=TODAY,
    )
    won = log_referral(
        session=session,
        giver_id=c.anna,
        receiver_id=c.dirk,
        occurred_on=TODAY - timedelta(days=15),
        summary="Wedding photos",
        today=TODAY,
    )
    assert won.id is not None
    record_followup(
        session=session,
        exchange_id=won.id,
        status="won",
        value=1200,
        business="new",
        occurred_on=TODAY - timedelta(days=3),
        today=TODAY,
    )
    give_feedback(session=session, exchange_id=won.id, rating=4)
    log_one_to_one(
        session=session,
        member_a_id=c.anna,
        member_b_id=c.bob,
        held_on=TODAY - timedelta(days=40),
        today=TODAY,
    )
    ask = add_request(
        session=session,
        table=Ask,
        member_id=c.carla,
        topic="A bookkeeping check",
        network_id=c.club,
    )
    add_request(
        session=session, table=Offer, member_id=c.dirk, topic="Free headshots", network_id=c.club
    )
    meeting = add_meeting(
        session=session, network_id=c.club, held_on=TODAY - timedelta(days=7), title="Week 47"
    )
    assert ask.id is not None and meeting.id is not None
    return Fixture(c, overdue.id, contacted.id, won.id, ask.id, meeting.id)


@pytest.fixture(scope="session")
def template(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Fixture]:
    """The fixed chapter, built once."""
    path = tmp_path_factory.mktemp("tui-template") / "chapter.sqlite"
    engine = make_engine(f"sqlite:///{path}")
    with Session(engine, expire_on_commit=False) as session:
        fixture = build_fixture(session)
    engine.dispose()
    return path, fixture


@pytest.fixture
def db(template: tuple[Path, Fixture], tmp_path: Path) -> tuple[str, Fixture]:
    """A fresh copy of the chapter for one test: its URL and ids."""
    path = tmp_path / "ledger.sqlite"
    shutil.copy(template[0], path)
    return f"sqlite:///{path}", template[1]


def make_app(url: str, acting: str | None = "Anna de Vries", **extra: Any) -> ReciprocityApp:
    """The app on ``url`` as ``acting``, on the frozen day."""
    source = ActingSource.SETTING if acting else ActingSource.NONE
    return ReciprocityApp(Workspace(url, acting_name=acting, source=source, **extra), today=TODAY)


def type_fast(pilot: Pilot[Any], *keys: str) -> None:
    """Type ``keys`` at full speed: each key goes to the app as the terminal would send it,
    with no pause and no waiting for the app between keys (unlike ``pilot.press``).
    A key is a character (``"a"``, ``" "``) or a key name (``"enter"``, ``"ctrl+s"``)."""
    app = pilot.app
    driver = app._driver
    assert driver is not None
    for key in keys:
        name = _character_to_key(key) if len(key) == 1 and not key.isalnum() else key
        try:
            char: str | None = unicodedata.lookup(
                _get_unicode_name_from_key(REPLACED_KEYS.get(name, name))
            )
        except KeyError:
            char = name if len(name) == 1 else None
        event = events.Key(name, char)
        event.set_sender(app)
        driver.send_message(event)


def text(words: str) -> tuple[str, ...]:
    """The keys that type ``words``."""
    return tuple(words)


async def settle(pilot: Pilot[Any]) -> None:
    """Wait until every worker finished and its result reached the screen."""
    app = pilot.app
    for _ in range(3):
        try:
            await app.workers.wait_for_complete()
        except WorkerCancelled:
            # A newer load of the same kind replaced it (exclusive workers): wait for that.
            continue
        await pilot.pause()


async def ready(pilot: Pilot[Any], timeout: float = 20.0) -> None:
    """Wait for the dashboard's readiness signal, then for the other parts."""
    app = pilot.app
    assert isinstance(app, ReciprocityApp)
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not app.dashboard_ready:
        assert loop.time() < deadline, "the dashboard never filled"
        await pilot.pause(0.02)
    await settle(pilot)


def drive(
    app: ReciprocityApp,
    scenario: Callable[[Pilot[Any]], Awaitable[None]],
    size: tuple[int, int] = SIZE,
) -> None:
    """Run ``scenario`` against the app headless."""

    async def main() -> None:
        async with app.run_test(size=size) as pilot:
            await ready(pilot)
            await scenario(pilot)

    asyncio.run(main())


def count(url: str, sql: str, **params: Any) -> Any:
    """One value from the database (tests only: the app itself holds no SQL)."""
    engine = sa.create_engine(url)
    try:
        with engine.connect() as connection:
            return connection.execute(sa.text(sql), params).scalar()
    finally:
        engine.dispose()


def rows(url: str, sql: str, **params: Any) -> list[Any]:
    """Rows from the database (tests only)."""
    engine = sa.create_engine(url)
    try:
        with engine.connect() as connection:
            return list(connection.execute(sa.text(sql), params).all())
    finally:
        engine.dispose()
