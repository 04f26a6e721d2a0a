"""The one engine factory. Nothing here runs at import time.

:func:`make_engine` returns an engine whose schema is at the newest Alembic revision:
an empty database is created, an older one is upgraded in place, and one written by a
newer version of Reciprocity is refused with a sentence rather than touched.
SQLite connections get ``foreign_keys=ON``, WAL and a busy timeout so that two TUIs and
a CLI import can write to one file at once.
"""

import os
import re
import sqlite3
from pathlib import Path
from typing import Any
from urllib.parse import quote

import sqlalchemy as sa
from sqlalchemy.engine import URL, Connection, Engine
from sqlalchemy.engine.url import make_url

from reciprocity.paths import resource_dir

SQLITE_BUSY_TIMEOUT_MS = 30_000

PG_WORK_MEM = "64MB"
"""``work_mem`` of every PostgreSQL session Reciprocity opens, unless
``RECIPROCITY_PG_WORK_MEM`` says otherwise (``server`` keeps the server's own setting).

The metrics group a year of a national ledger by member in hash tables: at the server's
default 4 MB, the follow-up quality's per-referral aggregate (~100 MB for 400k referrals)
spills to temporary files in batches; at 64 MB (which PostgreSQL may double for hashing,
``hash_mem_multiplier``) it stays in memory. It is a per-operation ceiling, reached only by
the large aggregates, so a session of small queries uses no more memory. See
docs/performance.md, "PostgreSQL"."""
WORK_MEM_VARIABLE = "RECIPROCITY_PG_WORK_MEM"
_MEMORY_SIZE = re.compile(r"\d{1,7}\s*(kB|MB|GB)?")

SCHEMA_HEAD = "0008"
"""The newest revision in ``db/versions``. Kept here so that opening an up-to-date
database never loads Alembic; a test keeps it equal to Alembic's own head."""


class SchemaError(Exception):
    """The database cannot be used by this version of Reciprocity."""


class DatabaseUnavailable(Exception):
    """The database cannot be opened; ``str()`` is one sentence that says what to fix."""


SUPPORTED_BACKENDS = ("sqlite", "postgresql")
URL_EXAMPLES = "sqlite:///path/to/file.sqlite or postgresql+psycopg://user:password@host/dbname"

HIDDEN = "***"
"""What a password becomes wherever a URL is shown, as SQLAlchemy's ``hide_password``."""
_PASSWORD_IN_TEXT = re.compile(r"(?P<user>[^/@:\s]*):(?!//)(?P<secret>[^@\s]*)@")
_PASSWORD_PARAMETER = re.compile(r"(?P<name>password=)(?P<secret>[^&\s]*)", re.IGNORECASE)


def display_url(url: str) -> str:
    """``url`` as any message may show it: every password replaced by ``***``.

    The one place a database URL becomes text for a person. A URL SQLAlchemy can read is
    rendered with ``render_as_string(hide_password=True)``; one it cannot read (a mistyped
    ``postgresql+psycopg//user:secret@host``), and a SQLite URL (whose rendering would drop
    what follows a ``?``), is masked by its shape, ``user:…@``. A ``password=`` query
    parameter, which psycopg also takes, is masked in both, so no sentence ever echoes a
    password.
    """
    try:
        parsed = make_url(url)
    except (sa.exc.ArgumentError, ValueError):
        parsed = None
    if parsed is None or parsed.get_backend_name() == "sqlite":
        text = _PASSWORD_IN_TEXT.sub(lambda m: f"{m['user']}:{HIDDEN}@", url)
    else:
        text = parsed.render_as_string(hide_password=True)
    return _PASSWORD_PARAMETER.sub(lambda m: f"{m['name']}{HIDDEN}", text)


def _without_secrets(text: str, parsed: URL) -> str:
    """A driver's message with the URL's passwords taken out, should it quote them."""
    secrets = [parsed.password, *(v for k, v in parsed.query.items() if k.lower() == "password")]
    for secret in secrets:
        if isinstance(secret, str) and secret:
            text = text.replace(secret, HIDDEN)
    return text


def _set_sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def _set_reader_pragmas(dbapi_connection: Any, _record: Any) -> None:
    # A reader sets nothing that writes: the journal mode is the writers' to choose.
    cursor = dbapi_connection.cursor()
    cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
    cursor.close()


def damaged_sentence(where: str, detail: str) -> str:
    """What to say about a database file SQLite finds damaged (or that is no database)."""
    if "not a database" in detail:
        return f"{where} is not a SQLite database ({detail}); check --db or RECIPROCITY_DB."
    return (
        f"The database {where} is damaged ({detail}); restore it from a backup "
        "(reciprocity db backup makes one)."
    )


def database_error_sentence(where: str, error: sa.exc.DBAPIError) -> str:
    """One sentence for a database that failed while in use: damaged, full, unreachable.

    ``where`` is the database as a person may read it (a path, a URL without password).
    """
    detail = str(error.orig).strip().splitlines()[0] if error.orig else str(error)
    if type(error.orig).__name__ == "DatabaseError" or "malformed" in detail:
        return damaged_sentence(where, detail)
    return f"The database {where} could not be used ({detail})."


def _sqlite_uri(file: Path, options: str) -> str:
    return f"file:{quote(str(file))}?{options}"


def _open_read_only(file: Path) -> tuple[sqlite3.Connection, str]:
    """A connection that cannot write to ``file``, and the URI options it took.

    ``mode=ro`` first; a WAL database on read-only media (or in a folder we may not write)
    cannot make its ``-shm`` file, and is then read as ``immutable``: nobody can write
    where we cannot, so nothing changes under the reader.
    """
    timeout = SQLITE_BUSY_TIMEOUT_MS / 1000
    for options in ("mode=ro", "immutable=1"):
        connection = sqlite3.connect(_sqlite_uri(file, options), uri=True, timeout=timeout)
        try:
            connection.execute("SELECT count(*) FROM sqlite_master").fetchone()
        except sqlite3.OperationalError as error:
            connection.close()
            if "unable to open" in str(error) and options == "mode=ro":
                continue
            raise
        return connection, options
    raise AssertionError("immutable opening never reports 'unable to open'")


def _sqlite_state(file: Path) -> tuple[str, str]:
    """Whether ``file`` is ``missing``, ``empty`` (no tables yet) or a ``ledger``, and the
    URI options that read it; anything else is refused with one sentence, untouched."""
    if not file.exists():
        return "missing", ""
    if file.is_file() and file.stat().st_size == 0:
        return "empty", ""
    try:
        connection, options = _open_read_only(file)
        try:
            tables = [
                str(row[0])
                for row in connection.execute(
                    "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name"
                )
            ]
        finally:
            connection.close()
    except sqlite3.DatabaseError as error:
        raise DatabaseUnavailable(damaged_sentence(str(file), str(error))) from None
    if not tables:
        return "empty", options
    if "alembic_version" not in tables:
        shown = ", ".join(tables[:5]) + (" …" if len(tables) > 5 else "")
        raise DatabaseUnavailable(
            f"{file} is not a Reciprocity ledger: it is a SQLite database of another "
            f"application (tables: {shown}); choose another file with --db."
        )
    return "ledger", options


def _writable(file: Path) -> bool:
    """Whether this process may write ``file`` and the WAL files beside it."""
    folder_ok = os.access(file.parent, os.W_OK)
    return folder_ok and (not file.exists() or os.access(file, os.W_OK))


def _no_ledger(where: str, command: str) -> DatabaseUnavailable:
    return DatabaseUnavailable(
        f"There is no Reciprocity ledger at {where}; check --db, or create one with: {command}."
    )


def make_engine(
    url: str,
    *,
    migrate: bool = True,
    create_folder: bool = False,
    read_only: bool = False,
    init_command: str = "reciprocity init",
) -> Engine:
    """Create an engine for ``url`` and bring its schema to the newest revision.

    A SQLite file's folder must exist unless ``create_folder`` is set (the default data
    folder is created; a mistyped ``--db`` path is not). ``migrate=False`` skips the
    schema check; it is for tools that manage the schema themselves (the Alembic tests).

    ``read_only`` is for commands that only read. Such an engine never writes: SQLite is
    opened ``mode=ro`` (``immutable`` on read-only media), PostgreSQL transactions are read
    only. It never creates a ledger: a missing file, an empty database or another
    application's SQLite file is refused (``init_command`` is how the sentence says to
    create one). An older schema is first upgraded through a writing engine, where the
    database can be written.

    A SQLite file that is another application's, or damaged, is refused before any
    connection sets a pragma on it. Raises :class:`DatabaseUnavailable` or
    :class:`SchemaError` with one sentence.
    """
    try:
        parsed = make_url(url)
    except (sa.exc.ArgumentError, ValueError):
        # ValueError: a port that is not a number, an IPv6 address without its bracket.
        raise DatabaseUnavailable(
            f"'{display_url(url)}' is not a database URL; use {URL_EXAMPLES}."
        ) from None
    backend = parsed.get_backend_name()
    if backend not in SUPPORTED_BACKENDS:
        raise DatabaseUnavailable(
            f"Reciprocity keeps its ledger in SQLite or PostgreSQL, not {backend}; "
            f"use {URL_EXAMPLES}."
        )
    kwargs: dict[str, Any] = {}
    reader_options = ""
    writable = True
    if backend == "sqlite":
        if "?" in url:
            # SQLAlchemy would read what follows as options and open the file before it.
            raise DatabaseUnavailable(
                f"'{display_url(url)}' has a '?' in it; a SQLite URL names a file, and "
                "Reciprocity takes no options after it (rename a file whose name holds '?')."
            )
        if parsed.database and parsed.database != ":memory:":
            file = Path(parsed.database).expanduser()
            parsed = parsed.set(database=str(file))
            folder = file.parent
            if create_folder and not read_only:
                folder.mkdir(parents=True, exist_ok=True)
            elif not folder.is_dir():
                raise DatabaseUnavailable(
                    f"The folder {folder} does not exist; create it or choose another path."
                )
            state, reader_options = _sqlite_state(file)
            writable = _writable(file)
            if read_only and state != "ledger":
                raise _no_ledger(str(file), init_command)
            if not read_only and not writable:
                raise DatabaseUnavailable(
                    f"Reciprocity cannot write to {file}: the file or its folder is read-only "
                    "(read-only media, or no permission); commands that only read, such as "
                    "member list, balance and export, still work."
                )
            if read_only:
                parsed = parsed.set(
                    database=f"file:{quote(str(file))}",
                    query=dict(part.split("=") for part in [reader_options, "uri=true"]),
                )
        kwargs["connect_args"] = {"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000}
    else:
        # Ask for text as UTF-8 whatever the server stores, so a SQL_ASCII database can be
        # named in a sentence instead of failing inside the driver with bytes.
        kwargs["connect_args"] = {"client_encoding": "UTF8"}
        options = _postgresql_options(parsed, read_only=read_only)
        if options:
            kwargs["connect_args"]["options"] = options
    try:
        engine = sa.create_engine(parsed, **kwargs)
    except (sa.exc.ArgumentError, sa.exc.NoSuchModuleError, ImportError) as error:
        raise DatabaseUnavailable(
            f"The database URL '{display_url(url)}' cannot be used "
            f"({_without_secrets(str(error), parsed)}); use {URL_EXAMPLES}."
        ) from None
    if backend == "sqlite":
        sa.event.listen(
            engine, "connect", _set_reader_pragmas if read_only else _set_sqlite_pragmas
        )
    else:
        _require_utf8(engine, display_url(url), parsed)
    try:
        if read_only:
            _require_ledger_at_head(engine, url, writable=writable, init_command=init_command)
        elif migrate:
            upgrade_to_head(engine)
    except sa.exc.DBAPIError as error:
        engine.dispose()
        detail = _detail(error, parsed)
        if type(error.orig).__name__ == "DatabaseError":
            raise DatabaseUnavailable(damaged_sentence(display_url(url), detail)) from None
        raise DatabaseUnavailable(
            f"The database at {display_url(url)} could not be opened ({detail})."
        ) from None
    except (SchemaError, DatabaseUnavailable):
        engine.dispose()
        raise
    return engine


def _postgresql_options(parsed: URL, *, read_only: bool) -> str:
    """The ``options`` of a PostgreSQL connection: the URL's own, then read-only
    transactions for a reader and :data:`PG_WORK_MEM` unless the URL sets ``work_mem``."""
    given = parsed.query.get("options")
    options = [given] if isinstance(given, str) and given else []
    if read_only:
        options.append("-c default_transaction_read_only=on")
    work_mem = os.environ.get(WORK_MEM_VARIABLE, PG_WORK_MEM).strip()
    if work_mem.lower() == "server" or "work_mem" in " ".join(options):
        return " ".join(options)
    if not _MEMORY_SIZE.fullmatch(work_mem):
        raise DatabaseUnavailable(
            f"{WORK_MEM_VARIABLE} is '{work_mem}', not a size such as 64MB (kB, MB or GB), "
            "or 'server' for the server's own setting."
        )
    options.append(f"-c work_mem={work_mem.replace(' ', '')}")
    return " ".join(options)


def _require_ledger_at_head(reader: Engine, url: str, *, writable: bool, init_command: str) -> None:
    """A reader opens a ledger at the newest schema: an older one is upgraded first by a
    writing engine (opening a database upgrades it, whatever the command), if it may be."""
    revision = current_revision(reader)
    if revision is None:
        raise _no_ledger(display_url(url), init_command)
    if revision == SCHEMA_HEAD:
        return
    if not writable:
        raise DatabaseUnavailable(
            f"The ledger at {display_url(url)} has schema {revision}, older than this "
            f"version's {SCHEMA_HEAD}, and is read-only here, so it cannot be upgraded; "
            "open it once where it can be written, or use the Reciprocity that wrote it."
        )
    make_engine(url).dispose()


def _detail(error: sa.exc.DBAPIError, parsed: URL) -> str:
    """The first line of the driver's message, without any password it quotes."""
    detail = str(error.orig).strip().splitlines()[0] if error.orig else str(error)
    return _without_secrets(detail, parsed)


def _require_utf8(engine: Engine, where: str, parsed: URL) -> None:
    """A PostgreSQL database must store text as UTF-8; SQL_ASCII hands back raw bytes."""
    try:
        with engine.connect() as connection:
            encoding = connection.execute(sa.text("SHOW server_encoding")).scalar_one()
    except sa.exc.DBAPIError as error:
        engine.dispose()
        raise DatabaseUnavailable(
            f"The database at {where} could not be opened ({_detail(error, parsed)})."
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
