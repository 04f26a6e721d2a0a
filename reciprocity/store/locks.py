"""The write lock a use case takes before it reads what it is about to check.

A rule such as "a referral moves forward only" or "an exchange is voided once" reads the
row, checks it and then writes. Two processes that both read before either writes would
both pass the check: eight ``followup 12 contacted`` at once gave one referral four
``contacted`` steps. :func:`lock_row` makes the read, the check and the write one
transaction that holds the lock from the start, so the second process reads only after the
first has committed, and its check sees the first one's step:

- SQLite has one writer at a time: ``BEGIN IMMEDIATE`` takes the database's write lock
  (waiting out the busy timeout) before anything is read;
- PostgreSQL locks the one row: ``SELECT … FOR UPDATE`` waits for another transaction
  holding it, and reads under ``READ COMMITTED`` then see what that one committed.

The lock ends with the session's commit or rollback. It must come before the use case's
first read of the row; rows read earlier in the session are read again
(``populate_existing``) by whoever loads them after the lock.
"""

from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session


def lock_row(session: Session, table: sa.Table, row_id: int) -> None:
    """Hold the write lock for ``table``'s row ``row_id`` until the session ends its
    transaction (the whole database on SQLite, the row on PostgreSQL)."""
    connection = session.connection()
    if connection.dialect.name == "sqlite":
        driver: Any = connection.connection.dbapi_connection
        # The driver opens a transaction only before a write, so reads so far took no
        # lock; once a write has opened one, it already holds the write lock.
        if not driver.in_transaction:
            connection.exec_driver_sql("BEGIN IMMEDIATE")
        return
    connection.execute(sa.select(table.c.id).where(table.c.id == row_id).with_for_update())
