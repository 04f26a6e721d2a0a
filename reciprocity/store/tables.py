"""Core-level access to the ledger's tables, for bulk reads and writes.

SQLModel classes are for single records; aggregate queries and executemany batches work
on the SQLAlchemy ``Table`` behind each class. Rows written with explicit ids (the demo,
``import all``) leave PostgreSQL's id sequences behind; :func:`advance_id_sequences`
moves them past the largest id so the next ordinary insert does not collide.
"""

from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session
from sqlmodel import SQLModel

from reciprocity.store.models import DERIVED, TABLES_IN_DEPENDENCY_ORDER
from reciprocity.store.types import StoredValueError, stored_kind


def table_of(model: type[SQLModel]) -> sa.Table:
    """The Core table behind a SQLModel table class."""
    table = model.__table__  # type: ignore[attr-defined]
    assert isinstance(table, sa.Table)
    return table


def stored_columns(table: sa.Table) -> list[sa.Column[Any]]:
    """A table's columns that hold data of their own, in table order: not the derived
    ones (a name's key), which files and JSON leave out and an insert computes again."""
    return [column for column in table.columns if not column.info.get(DERIVED)]


def guarded_columns(kind: str | None = None) -> list[tuple[sa.Table, sa.Column[Any]]]:
    """Every ledger column whose stored values are checked as they are read (of ``kind``)."""
    return [
        (table, column)
        for table in (table_of(model) for model in TABLES_IN_DEPENDENCY_ORDER)
        for column in table.columns
        if stored_kind(column) is not None and kind in (None, stored_kind(column))
    ]


def locate_stored_value(
    connection: Connection, error: StoredValueError
) -> tuple[str, str, int] | None:
    """Which row holds the value ``error`` could not read: ``(table, column, id)``.

    Only the columns of the error's kind are searched, by the value as stored, so this
    costs a few indexed or short scans, and only when a reader has already failed.
    """
    for table, column in guarded_columns(error.kind):
        found = connection.execute(
            sa.select(table.c.id).where(sa.cast(column, sa.Text) == str(error.raw)).limit(1)
        ).first()
        if found is not None:
            return table.name, column.name, int(found[0])
    return None


def advance_id_sequences(connection: Connection | Session) -> None:
    """On PostgreSQL, move every ledger table's id sequence past its largest id."""
    bind = connection.get_bind() if isinstance(connection, Session) else connection
    if bind.dialect.name != "postgresql":
        return
    for model in TABLES_IN_DEPENDENCY_ORDER:
        name = table_of(model).name
        connection.execute(
            sa.text(
                f"SELECT setval(pg_get_serial_sequence('{name}', 'id'), "
                f"COALESCE(MAX(id), 1), MAX(id) IS NOT NULL) FROM {name}"
            )
        )
