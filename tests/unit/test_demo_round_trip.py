"""The demo ledger survives every transfer format: what the demo writes, imports accept."""

from datetime import date
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlmodel import Session

from reciprocity.ledger.demo import create_demo
from reciprocity.ledger.transfer import export_all, export_exchanges, import_all, import_exchanges
from reciprocity.ledger.transfer.exchanges_file import EXCHANGE_KEYS
from reciprocity.store.engine import make_engine
from reciprocity.store.models import Exchange
from reciprocity.store.tables import table_of
from tests.conftest import snapshot

UNTIL = date(2026, 10, 31)


def exchange_rows(engine: Engine) -> list[tuple[object, ...]]:
    """What the exchanges file carries, read through the typed columns of the table."""
    table = table_of(Exchange)
    query = sa.select(*(table.c[name] for name in EXCHANGE_KEYS)).order_by(table.c.external_id)
    with engine.connect() as connection:
        return [tuple(row) for row in connection.execute(query)]


def test_demo_round_trips_through_export_all_and_the_exchanges_file(
    engine: Engine, session: Session, tmp_path: Path
) -> None:
    create_demo(session=session, members=30, months=3, seed=11, until=UNTIL)
    export_all(session=session, directory=tmp_path / "dump")
    export_exchanges(session=session, path=tmp_path / "exchanges.csv")

    copy = make_engine(f"sqlite:///{tmp_path / 'copy.sqlite'}")
    with Session(copy) as copy_session:
        import_all(session=copy_session, directory=tmp_path / "dump")
    assert snapshot(copy) == snapshot(engine)

    # Members and networks stay; the exchanges go, then come back from the CSV file.
    with copy.begin() as connection:
        for statement in (
            "DELETE FROM feedback",
            "DELETE FROM followup",
            "UPDATE ask SET answered_by = NULL",
            "UPDATE offer SET answered_by = NULL",
            "DELETE FROM exchange",
        ):
            connection.execute(sa.text(statement))
    with Session(copy) as copy_session:
        result = import_exchanges(
            session=copy_session, path=tmp_path / "exchanges.csv", today=UNTIL
        )
    assert result.added == len(exchange_rows(engine)) > 0
    assert exchange_rows(copy) == exchange_rows(engine)
    copy.dispose()
