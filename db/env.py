"""Alembic environment for Reciprocity.

Run by :func:`reciprocity.store.engine.make_engine` with an open connection in
``config.attributes["connection"]``; ``alembic -x url=...`` works too for manual use.
SQLite needs batch mode to alter tables, hence ``render_as_batch``.
"""

import sqlalchemy as sa
from alembic import context
from sqlmodel import SQLModel

import reciprocity.store.models  # noqa: F401  (registers the tables)

target_metadata = SQLModel.metadata


def _configure(connection: sa.engine.Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    connection = context.config.attributes.get("connection")
    if connection is not None:
        _configure(connection)
        return
    url = context.get_x_argument(as_dictionary=True).get("url")
    if not url:
        raise SystemExit("Pass the database with: alembic -x url=sqlite:///path.sqlite ...")
    engine = sa.create_engine(url)
    with engine.begin() as conn:
        _configure(conn)


if context.is_offline_mode():
    raise SystemExit("Offline (SQL script) migrations are not supported; run them online.")
run_migrations_online()
