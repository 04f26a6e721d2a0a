"""The one engine factory. Nothing here runs at import time.

:func:`make_engine` returns an engine whose schema is at the newest Alembic revision:
an empty database is created, an older one is upgraded in place, and one written by a
newer version of Reciprocity is refused with a sentence rather than touched.
SQLite connections get ``foreign_keys=ON``, WAL and a busy timeout so that two TUIs and
a CLI import can write to one file at once.
"""

from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.engine.url import make_url

from reciprocity.paths import resource_dir

SQLITE_BUSY_TIMEOUT_MS = 30_000

SCHEMA_HEAD = "0006"
"""The newest revision in ``db/versions``. Kept here so that opening an up-to-date
database never loads Alembic; a test keeps it equal to Alembic's own head."""


class SchemaError(Exception):
    """The database cannot be used by this version of Reciprocity."""


class DatabaseUnavailable(Exception):
    """The database cannot be opened; ``str()`` is one sentence that says what to fix."""


SUPPORTED_BACKENDS = ("sqlite", "postgresql")
URL_EXAMPLES = "sqlite:///path/to/file.sqlite or postgresql+psycopg://user:password@host/dbname"


def _set_sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def make_engine(url: str, *, migrate: bool = True, create_folder: bool = False) -> Engine:
    """Create an engine for ``url`` and bring its schema to the newest revision.

    A SQLite file's folder must exist unless ``create_folder`` is set (the default data
    folder is created; a mistyped ``--db`` path is not). ``migrate=False`` skips the
    schema check; it is for tools that manage the schema themselves (the Alembic tests).
    Raises :class:`DatabaseUnavailable` or :class:`SchemaError` with one sentence.
    """
    try:
        parsed = make_url(url)
    except sa.exc.ArgumentError:
        raise DatabaseUnavailable(f"'{url}' is not a database URL; use {URL_EXAMPLES}.") from None
    backend = parsed.get_backend_name()
    if backend not in SUPPORTED_BACKENDS:
        raise DatabaseUnavailable(
            f"Reciprocity keeps its ledger in SQLite or PostgreSQL, not {backend}; "
            f"use {URL_EXAMPLES}."
        )
    kwargs: dict[str, Any] = {}
    if backend == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            file = Path(parsed.database).expanduser()
            parsed = parsed.set(database=str(file))
            folder = file.parent
            if create_folder:
                folder.mkdir(parents=True, exist_ok=True)
            elif not folder.is_dir():
                raise DatabaseUnavailable(
                    f"The folder {folder} does not exist; create it or choose another path."
                )
        kwargs["connect_args"] = {"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000}
    else:
        # Ask for text as UTF-8 whatever the server stores, so a SQL_ASCII database can be
        # named in a sentence instead of failing inside the driver with bytes.
        kwargs["connect_args"] = {"client_encoding": "UTF8"}
    try:
        engine = sa.create_engine(parsed, **kwargs)
    except (sa.exc.ArgumentError, sa.exc.NoSuchModuleError, ImportError) as error:
        raise DatabaseUnavailable(
            f"The database URL '{parsed.render_as_string()}' cannot be used ({error}); "
            f"use {URL_EXAMPLES}."
        ) from None
    if backend == "sqlite":
        sa.event.listen(engine, "connect", _set_sqlite_pragmas)
    else:
        _require_utf8(engine, parsed.render_as_string())
    if migrate:
        try:
            upgrade_to_head(engine)
        except sa.exc.DBAPIError as error:
            engine.dispose()
            detail = str(error.orig).strip().splitlines()[0] if error.orig else str(error)
            raise DatabaseUnavailable(
                f"The database at {parsed.render_as_string()} could not be opened ({detail})."
            ) from None
    return engine


def _require_utf8(engine: Engine, where: str) -> None:
    """A PostgreSQL database must store text as UTF-8; SQL_ASCII hands back raw bytes."""
    try:
        with engine.connect() as connection:
            encoding = connection.execute(sa.text("SHOW server_encoding")).scalar_one()
    except sa.exc.DBAPIError as error:
        engine.dispose()
        detail = str(error.orig).strip().splitlines()[0] if error.orig else str(error)
        raise DatabaseUnavailable(
            f"The database at {where} could not be opened ({detail})."
        ) from None
    if encoding != "UTF8":
        engine.dispose()
        raise DatabaseUnavailable(
            f"The database at {where} stores text as {encoding}; Reciprocity needs UTF8 "
            "(CREATE DATABASE … TEMPLATE template0 ENCODING 'UTF8')."
        )


def _alembic_config(connection: Connection | None = None) -> Any:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(resource_dir("db")))
    if connection is not None:
        config.attributes["connection"] = connection
    return config


def head_revision() -> str:
    """The newest revision in ``db/versions``, as Alembic reads it."""
    from alembic.script import ScriptDirectory

    head = ScriptDirectory.from_config(_alembic_config()).get_current_head()
    assert head is not None, "db/versions holds no revision"
    return head


def current_revision(engine: Engine) -> str | None:
    """The revision the database is at, or ``None`` for an empty database."""
    with engine.connect() as connection:
        return _revision(connection)


def _revision(connection: Connection) -> str | None:
    if not sa.inspect(connection).has_table("alembic_version"):
        return None
    row = connection.execute(sa.text("SELECT version_num FROM alembic_version")).first()
    return None if row is None else str(row[0])


MIGRATION_LOCK_KEY = 0x52435052  # "RCPR": PostgreSQL advisory lock held while migrating


def _lock_for_migration(connection: Connection) -> None:
    """Make processes that open one new database at once migrate it one after another.

    Without this, two first runs both see an empty database and both create the tables;
    the second fails with "table member already exists". SQLite's ``BEGIN IMMEDIATE``
    takes the write lock up front (waiting out the busy timeout), PostgreSQL's advisory
    lock is released with the transaction.
    """
    if connection.dialect.name == "sqlite":
        connection.exec_driver_sql("BEGIN IMMEDIATE")
    else:
        connection.execute(
            sa.text("SELECT pg_advisory_xact_lock(:key)"), {"key": MIGRATION_LOCK_KEY}
        )


def upgrade_to_head(engine: Engine) -> None:
    """Create or upgrade the schema to the newest revision; refuse a newer database."""
    current = current_revision(engine)
    if current == SCHEMA_HEAD:
        return  # the usual case: no Alembic import (~0.15 s) on the way to a command
    from alembic import command
    from alembic.script import ScriptDirectory

    script = ScriptDirectory.from_config(_alembic_config())
    if current == script.get_current_head():
        return
    if current is not None and current not in {rev.revision for rev in script.walk_revisions()}:
        raise SchemaError(
            f"This database was written by a newer version of Reciprocity (schema {current}); "
            "upgrade Reciprocity to open it."
        )
    with engine.begin() as connection:
        _lock_for_migration(connection)
        # Another process may have migrated while this one waited for the lock.
        if _revision(connection) != script.get_current_head():
            command.upgrade(_alembic_config(connection), "head")


def downgrade(engine: Engine, revision: str) -> None:
    """Move the schema back to ``revision`` (for tests and emergency rollbacks)."""
    from alembic import command

    with engine.begin() as connection:
        command.downgrade(_alembic_config(connection), revision)
