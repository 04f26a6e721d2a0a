"""Shared fixtures: isolated user folders, real databases, and a snapshot of every row.

Every test that takes ``engine`` or ``session`` runs twice: on a fresh SQLite file and on
a real PostgreSQL server (``RECIPROCITY_TEST_PG_URL``, which ``.ci/run`` sets). Without
that variable the PostgreSQL half skips and says why.
"""

import os
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlmodel import Session, SQLModel
from typer.testing import CliRunner

from reciprocity.i18n import DEFAULT_LANGUAGE, set_language
from reciprocity.store.engine import SCHEMA_HEAD, make_engine
from reciprocity.store.models import TABLES_IN_DEPENDENCY_ORDER
from reciprocity.store.tables import table_of

PG_BASE_URL = os.environ.get("RECIPROCITY_TEST_PG_URL")
PG_SKIP_REASON = (
    "PostgreSQL tests need RECIPROCITY_TEST_PG_URL (.ci/run starts a server and sets it)"
)
WORKER = os.environ.get("PYTEST_XDIST_WORKER")
"""pytest-xdist's worker name (``gw0`` …), or ``None`` in a plain run."""


def worker_database(url: str, name: str | None = WORKER) -> str:
    """The database a worker tests on: ``<db>_<worker>`` beside the configured one, so
    workers running at once never drop each other's schema."""
    if name is None:
        return url
    parsed = sa.make_url(url)
    return parsed.set(database=f"{parsed.database}_{name}").render_as_string(hide_password=False)


PG_URL = worker_database(PG_BASE_URL) if PG_BASE_URL else None
"""The PostgreSQL database this test process may empty and fill (its worker's own)."""


@pytest.fixture(scope="session", autouse=True)
def worker_postgres_database() -> None:
    """Create this worker's PostgreSQL database (UTF-8 whatever the cluster's locale)."""
    if PG_BASE_URL is None or PG_URL is None or PG_URL == PG_BASE_URL:
        return
    database = sa.make_url(PG_URL).database
    admin = sa.create_engine(PG_BASE_URL, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            exists = connection.execute(
                sa.text("SELECT 1 FROM pg_database WHERE datname = :name"), {"name": database}
            ).scalar()
            if not exists:
                connection.execute(
                    sa.text(
                        f"CREATE DATABASE \"{database}\" TEMPLATE template0 ENCODING 'UTF8' "
                        "LC_COLLATE 'C.UTF-8' LC_CTYPE 'C.UTF-8'"
                    )
                )
    finally:
        admin.dispose()


@pytest.fixture(autouse=True)
def isolated_user_dirs(tmp_path: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    """No test reads or writes the real user's config or data folders."""
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg-data"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg-config"))
    for name in ("RECIPROCITY_DB", "RECIPROCITY_AS", "RECIPROCITY_LANG"):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture(autouse=True)
def english_afterwards() -> Iterator[None]:
    """A test that speaks Dutch (``--lang nl``, ``set_language``) leaves the process in
    English for the next one."""
    yield
    set_language(DEFAULT_LANGUAGE)


def reset_postgres(url: str) -> None:
    """Give a test an empty PostgreSQL database: no table, no schema revision."""
    engine = sa.create_engine(url)
    with engine.begin() as connection:
        connection.execute(sa.text("DROP SCHEMA public CASCADE"))
        connection.execute(sa.text("CREATE SCHEMA public"))
    engine.dispose()


LEDGER_TABLES = [table_of(model).name for model in TABLES_IN_DEPENDENCY_ORDER]


def empty_postgres_ledger(url: str) -> None:
    """Give a test an empty ledger: when the database holds exactly the ledger's tables at
    the head revision (what the test before left), empty them (``TRUNCATE … RESTART
    IDENTITY``, ids from 1 again); otherwise drop everything and migrate from nothing.

    Migrating from nothing takes about a second on PostgreSQL and emptying the tables a
    few milliseconds, for the same database: the upgrade itself is tested on an empty
    database in ``tests/unit/test_migrations.py``, whose ``db_url`` drops everything.
    """
    engine = sa.create_engine(url)
    try:
        with engine.begin() as connection:
            tables = set(sa.inspect(connection).get_table_names())
            revision = (
                connection.execute(sa.text("SELECT version_num FROM alembic_version")).scalar()
                if "alembic_version" in tables
                else None
            )
            if revision == SCHEMA_HEAD and tables == {*LEDGER_TABLES, "alembic_version"}:
                connection.execute(
                    sa.text(f"TRUNCATE {', '.join(LEDGER_TABLES)} RESTART IDENTITY CASCADE")
                )
                return
    finally:
        engine.dispose()
    reset_postgres(url)
    make_engine(url).dispose()


@pytest.fixture(scope="session")
def sqlite_ledger_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An empty SQLite ledger at the head revision, migrated once per test process; each
    test that needs a ledger gets a copy (migrating takes about 0.3 s, copying 1 ms)."""
    path = tmp_path_factory.mktemp("ledger-template") / "ledger.sqlite"
    engine = make_engine(f"sqlite:///{path}")
    with engine.connect() as connection:
        connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    engine.dispose()
    return path


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.pg)])
def db_url(request: pytest.FixtureRequest, tmp_path: Any) -> str:
    """The URL of a database without ledger rows: a SQLite file that does not exist yet,
    or the test PostgreSQL server's database with the ledger's tables empty."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'ledger.sqlite'}"
    if not PG_URL:
        pytest.skip(PG_SKIP_REASON)
    empty_postgres_ledger(PG_URL)
    return PG_URL


@pytest.fixture
def engine(db_url: str, sqlite_ledger_template: Path) -> Iterator[Engine]:
    """A migrated engine on an empty ledger."""
    file = sa.make_url(db_url).database
    if db_url.startswith("sqlite") and file and not Path(file).exists():
        shutil.copyfile(sqlite_ledger_template, file)
    engine = make_engine(db_url)
    yield engine
    engine.dispose()


@pytest.fixture
def session(engine: Engine) -> Iterator[Session]:
    """A session on the migrated database."""
    with Session(engine, expire_on_commit=False) as session:
        yield session


def snapshot(engine: Engine) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every ledger table, ordered by id: 'unchanged' means equal snapshots."""
    tables: list[type[SQLModel]] = list(TABLES_IN_DEPENDENCY_ORDER)
    result: dict[str, list[tuple[Any, ...]]] = {}
    with engine.connect() as connection:
        for model in tables:
            table = table_of(model)
            rows = connection.execute(sa.select(table).order_by(table.c.id)).all()
            result[table.name] = [tuple(row) for row in rows]
    return result


def refuses(engine: Engine, message: str, action: Callable[[], Any]) -> None:
    """The action raises the ledger's one-sentence error and the database is unchanged."""
    from reciprocity.ledger.errors import LedgerError

    before = snapshot(engine)
    with pytest.raises(LedgerError) as error:
        action()
    assert message in str(error.value)
    assert str(error.value).endswith(".")
    assert "\n" not in str(error.value)
    assert snapshot(engine) == before


@pytest.fixture
def run_cli(db_url: str) -> Callable[..., Any]:
    """Run ``reciprocity --db URL ARGS...`` in-process; returns Click's result (stdout, stderr)."""
    from reciprocity.cli import app

    runner = CliRunner()

    def run(*args: str, env: dict[str, str] | None = None) -> Any:
        return runner.invoke(app, ["--db", db_url, *args], env=env, catch_exceptions=False)

    return run
