"""Four processes log at once into one ledger: every row lands and nobody sees a lock.

SQLite is one file with one writer at a time; WAL, a busy timeout and write transactions
that take the write lock up front must make the others wait their turn instead of failing
with "database is locked". PostgreSQL gets the same load, to prove the ledger functions
themselves hold no race.
"""

import multiprocessing
import traceback
from datetime import date, timedelta
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session

from reciprocity.ledger.exchanges import log_help, log_introduction, log_referral
from reciprocity.ledger.integrity import check_ledger
from reciprocity.ledger.members import add_member
from reciprocity.ledger.networks import add_network
from reciprocity.store.engine import make_engine

WORKERS = 4
EXCHANGES_EACH = 250
MEMBERS = 8


def _log_many(url: str, worker: int, start: Any, results: Any) -> None:
    """One process: 250 exchanges, one unit of work (and commit) each, as 250 CLI runs would."""
    errors: list[str] = []
    logged = 0
    try:
        engine = make_engine(url)
        start.wait(timeout=120)
        day = date.today() - timedelta(days=30)
        for n in range(EXCHANGES_EACH):
            giver = 1 + (worker + n) % MEMBERS
            receiver = 1 + (worker + n + 1) % MEMBERS
            other = 1 + (worker + n + 2) % MEMBERS
            try:
                with Session(engine) as session:
                    if n % 5 == 4:
                        log_introduction(
                            session=session,
                            introducer_id=giver,
                            member_id=receiver,
                            with_contact=f"Contact {worker}-{n}",
                            occurred_on=day,
                        )
                    elif n % 2:
                        log_help(
                            session=session,
                            giver_id=giver,
                            receiver_id=receiver,
                            occurred_on=day,
                            summary=f"help {worker}-{n}",
                        )
                    else:
                        log_referral(
                            session=session,
                            giver_id=giver,
                            receiver_id=other,
                            occurred_on=day,
                            hotness=1 + n % 5,
                            summary=f"referral {worker}-{n}",
                        )
                logged += 1
            except Exception:  # every failure counts: the test wants zero
                errors.append(traceback.format_exc())
        engine.dispose()
    except Exception:
        errors.append(traceback.format_exc())
    results.put((worker, logged, errors))


def _prepare(url: str) -> None:
    engine = make_engine(url)
    with Session(engine) as session:
        network = add_network(session=session, name="Club")
        assert network.id is not None
        for n in range(MEMBERS):
            add_member(session=session, name=f"Member {n + 1}", network_ids=[network.id])
    engine.dispose()


def test_four_processes_log_a_thousand_exchanges_at_once(db_url: str) -> None:
    _prepare(db_url)
    context = multiprocessing.get_context("spawn")
    start = context.Barrier(WORKERS)
    results = context.Queue()
    workers = [
        context.Process(target=_log_many, args=(db_url, worker, start, results))
        for worker in range(WORKERS)
    ]
    for process in workers:
        process.start()
    reports = [results.get(timeout=300) for _ in workers]
    for process in workers:
        process.join(timeout=60)
        assert process.exitcode == 0
    errors = [error for _, _, found in reports for error in found]
    assert errors == [], errors[0]
    assert sorted(logged for _, logged, _ in reports) == [EXCHANGES_EACH] * WORKERS

    engine = make_engine(db_url)
    with engine.connect() as connection:
        count = connection.execute(sa.text("SELECT count(*) FROM exchange")).scalar_one()
        distinct = connection.execute(
            sa.text("SELECT count(DISTINCT external_id) FROM exchange")
        ).scalar_one()
    with Session(engine) as session:
        problems = check_ledger(session=session)
    engine.dispose()
    assert (count, distinct) == (WORKERS * EXCHANGES_EACH, WORKERS * EXCHANGES_EACH)
    assert problems == []


def _open(url: str, start: Any, results: Any) -> None:
    try:
        start.wait(timeout=120)
        engine = make_engine(url)
        with engine.connect() as connection:
            tables = sa.inspect(connection).get_table_names()
        engine.dispose()
        results.put("exchange" in tables)
    except Exception:
        results.put(traceback.format_exc())


def test_four_first_runs_on_one_new_database_all_open_it(db_url: str) -> None:
    """Four commands started together on a database nobody has opened yet: one creates the
    tables, the others wait for it instead of failing with "table member already exists"."""
    context = multiprocessing.get_context("spawn")
    start = context.Barrier(WORKERS)
    results = context.Queue()
    workers = [context.Process(target=_open, args=(db_url, start, results)) for _ in range(WORKERS)]
    for process in workers:
        process.start()
    outcomes = [results.get(timeout=300) for _ in workers]
    for process in workers:
        process.join(timeout=60)
    assert outcomes == [True] * WORKERS, next(o for o in outcomes if o is not True)
