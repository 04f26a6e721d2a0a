"""The schema's history: Alembic builds exactly the models, keeps rows, refuses the future."""

from datetime import UTC, date, datetime
from typing import Any

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlmodel import SQLModel

from reciprocity.store.engine import (
    SCHEMA_HEAD,
    DatabaseUnavailable,
    SchemaError,
    current_revision,
    downgrade,
    head_revision,
    make_engine,
    upgrade_to_head,
)

FIRST_REVISION = "0001"


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.pg)])
def db_url(request: pytest.FixtureRequest, tmp_path: Any) -> str:
    """A database with nothing in it, not even a schema revision: these tests migrate."""
    from tests.conftest import PG_SKIP_REASON, PG_URL, reset_postgres

    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'ledger.sqlite'}"
    if not PG_URL:
        pytest.skip(PG_SKIP_REASON)
    reset_postgres(PG_URL)
    return PG_URL


def test_the_schema_head_constant_is_alembics_head() -> None:
    assert head_revision() == SCHEMA_HEAD


def test_upgrade_head_on_an_empty_database_matches_the_models(db_url: str) -> None:
    engine = make_engine(db_url)
    with engine.connect() as connection:
        differences = compare_metadata(
            MigrationContext.configure(connection, opts={"compare_type": True}),
            SQLModel.metadata,
        )
    engine.dispose()
    assert differences == []


def test_sqlite_connections_enforce_foreign_keys_with_wal(tmp_path: object) -> None:
    engine = make_engine(f"sqlite:///{tmp_path}/pragmas.sqlite")
    with engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert (connection.exec_driver_sql("PRAGMA busy_timeout").scalar() or 0) >= 5000


def _upgrade_to(engine: sa.engine.Engine, revision: str) -> None:
    from alembic import command

    from reciprocity.store.engine import _alembic_config

    with engine.begin() as connection:
        command.upgrade(_alembic_config(connection), revision)


@pytest.mark.skipif(
    SCHEMA_HEAD == FIRST_REVISION,
    reason="the first revision is still the newest: upgrading it changes nothing until 0002",
)
def test_a_database_made_at_the_first_revision_keeps_its_rows(db_url: str) -> None:
    engine = make_engine(db_url, migrate=False)
    _upgrade_to(engine, FIRST_REVISION)
    # Rows are written with the first revision's own tables, reflected from the database,
    # so this test keeps describing revision 0001 however the models change later.
    tables = sa.MetaData()
    tables.reflect(bind=engine)
    now = datetime(2026, 1, 5, 9, 30, tzinfo=UTC)
    rows: dict[str, Any] = {
        "network": {
            "id": 1,
            "name": "Club",
            "kind": "referral club",
            "sla_days": 2,
            "weights": {"referral": 3, "introduction": 2, "help": 1},
            "active": True,
            "created_at": now,
        },
        "member": [
            {"id": 1, "name": "Anna", "active": True, "created_at": now},
            {"id": 2, "name": "Bob", "active": True, "created_at": now},
        ],
        "membership": [
            {"id": 1, "member_id": 1, "network_id": 1, "role": "organiser"},
            {"id": 2, "member_id": 2, "network_id": 1, "role": "member"},
        ],
        "exchange": {
            "id": 1,
            "external_id": "e1",
            "kind": "referral",
            "giver_id": 1,
            "receiver_id": 2,
            "network_id": 1,
            "occurred_on": date(2026, 1, 5),
            "estimated_value": 1234.5,
            "hotness": 3,
            "referral_type": "outside",
            "created_at": now,
        },
        "followup": {
            "id": 1,
            "exchange_id": 1,
            "status": "won",
            "occurred_on": date(2026, 1, 9),
            "value": 999.99,
            "business": "new",
            "created_at": now,
        },
    }
    with engine.begin() as connection:
        for name, values in rows.items():
            connection.execute(sa.insert(tables.tables[name]), values)
    upgrade_to_head(engine)
    assert current_revision(engine) == head_revision()
    with engine.connect() as connection:
        exchange = connection.execute(sa.text("SELECT * FROM exchange")).mappings().one()
        won = connection.execute(sa.text("SELECT value FROM followup")).scalar_one()
        members = connection.execute(sa.text("SELECT name FROM member ORDER BY id")).scalars()
        assert list(members) == ["Anna", "Bob"]
    assert (exchange["external_id"], float(exchange["estimated_value"])) == ("e1", 1234.5)
    assert float(won) == 999.99
    engine.dispose()


def _rows_of_0003() -> dict[str, list[dict[str, Any]]]:
    """One or more rows in every table revision 0003 has, costs included."""
    now = datetime(2026, 3, 2, 8, 15, tzinfo=UTC)
    return {
        "network": [
            {
                "id": 1,
                "name": "Club",
                "kind": "referral club",
                "sla_days": 2,
                "weights": {"referral": 3, "introduction": 2, "help": 1},
                "active": True,
                "created_at": now,
                "fee": 1250.0,
                "currency": "EUR",
                "meeting_hours": 2.5,
            },
            {
                "id": 2,
                "name": "Coffee",
                "kind": "open coffee",
                "sla_days": 5,
                "weights": {"referral": 3, "introduction": 2, "help": 1},
                "active": True,
                "created_at": now,
                "fee": None,
                "currency": "GBP",
                "meeting_hours": None,
            },
        ],
        "member": [
            {"id": 1, "name": "Anna", "active": True, "created_at": now},
            {"id": 2, "name": "Bob", "active": False, "created_at": now},
        ],
        "membership": [
            {"id": 1, "member_id": 1, "network_id": 1, "role": "organiser"},
            {
                "id": 2,
                "member_id": 2,
                "network_id": 1,
                "role": "member",
                "joined_on": date(2026, 1, 5),
                "left_on": date(2026, 2, 20),
            },
            {"id": 3, "member_id": 1, "network_id": 2, "role": "member"},
        ],
        "meeting": [{"id": 1, "network_id": 1, "held_on": date(2026, 1, 8), "title": "Week 2"}],
        "exchange": [
            {
                "id": 1,
                "external_id": "e1",
                "kind": "referral",
                "giver_id": 1,
                "receiver_id": 2,
                "network_id": 1,
                "meeting_id": 1,
                "occurred_on": date(2026, 1, 8),
                "estimated_value": 400.0,
                "created_at": now,
            }
        ],
        "followup": [
            {
                "id": 1,
                "exchange_id": 1,
                "status": "won",
                "occurred_on": date(2026, 1, 9),
                "value": 380.5,
                "business": "new",
                "created_at": now,
            }
        ],
        "feedback": [{"id": 1, "exchange_id": 1, "rating": 5, "created_at": now}],
        "one_to_one": [
            {
                "id": 1,
                "member_a_id": 1,
                "member_b_id": 2,
                "network_id": 1,
                "held_on": date(2026, 1, 9),
            }
        ],
        "ask": [
            {"id": 1, "member_id": 2, "topic": "A printer", "status": "open", "created_at": now}
        ],
        "offer": [{"id": 1, "member_id": 1, "topic": "Tax", "status": "open", "created_at": now}],
    }


def test_a_database_at_revision_0003_keeps_every_row_and_gains_cost_figures(db_url: str) -> None:
    engine = make_engine(db_url, migrate=False)
    _upgrade_to(engine, "0003")
    tables = sa.MetaData()
    tables.reflect(bind=engine)
    written = _rows_of_0003()
    with engine.begin() as connection:
        for name, values in written.items():
            connection.execute(sa.insert(tables.tables[name]), values)

    def read(name: str) -> list[dict[str, Any]]:
        with engine.connect() as connection:
            query = sa.text(f"SELECT * FROM {name} ORDER BY id")
            return [dict(row) for row in connection.execute(query).mappings()]

    before = {name: read(name) for name in written}
    upgrade_to_head(engine)
    assert current_revision(engine) == head_revision()
    for name, rows in before.items():
        after = read(name)
        assert [{key: row[key] for key in rows[0]} for row in after] == rows, name
    memberships = read("membership")
    assert [(row["fee"], row["meeting_hours"]) for row in memberships] == [(None, None)] * 3
    assert read("other_cost") == []
    engine.dispose()


def test_the_newest_revision_downgrades_and_upgrades_again(db_url: str) -> None:
    engine = make_engine(db_url)
    downgrade(engine, "-1")
    assert current_revision(engine) != head_revision()
    upgrade_to_head(engine)
    assert current_revision(engine) == head_revision()
    engine.dispose()


def test_a_database_from_a_newer_version_is_refused(db_url: str) -> None:
    engine = make_engine(db_url)
    with engine.begin() as connection:
        connection.execute(sa.text("UPDATE alembic_version SET version_num = '9999_future'"))
    engine.dispose()
    with pytest.raises(SchemaError, match="written by a newer version of Reciprocity"):
        make_engine(db_url)


@pytest.mark.pg
def test_a_postgresql_database_that_is_not_utf8_is_refused() -> None:
    from tests.conftest import PG_SKIP_REASON, PG_URL, WORKER

    if not PG_URL:
        pytest.skip(PG_SKIP_REASON)
    name = f"reciprocity_ascii_test_{WORKER or 'main'}"
    admin = sa.create_engine(PG_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(sa.text(f"DROP DATABASE IF EXISTS {name}"))
        connection.execute(
            sa.text(
                f"CREATE DATABASE {name} TEMPLATE template0 "
                "ENCODING 'SQL_ASCII' LC_COLLATE 'C' LC_CTYPE 'C'"
            )
        )
    ascii_url = sa.make_url(PG_URL).set(database=name)
    try:
        with pytest.raises(DatabaseUnavailable, match="stores text as SQL_ASCII; Reciprocity"):
            make_engine(ascii_url.render_as_string(hide_password=False))
    finally:
        with admin.connect() as connection:
            connection.execute(sa.text(f"DROP DATABASE {name}"))
        admin.dispose()


def test_a_database_at_0003_keeps_every_row_through_the_bni_revision(db_url: str) -> None:
    """Revision 0005 only adds columns to tables others refer to: no row moves or changes."""
    engine = make_engine(db_url, migrate=False)
    _upgrade_to(engine, "0003")
    tables = sa.MetaData()
    tables.reflect(bind=engine)
    now = datetime(2026, 1, 5, 9, 30, tzinfo=UTC)
    rows: dict[str, Any] = {
        "network": {
            "id": 1,
            "name": "Club",
            "kind": "referral club",
            "sla_days": 2,
            "weights": {"referral": 3, "introduction": 2, "help": 1},
            "active": True,
            "created_at": now,
            "fee": 450.0,
            "currency": "EUR",
        },
        "member": [
            {"id": 1, "name": "Anna", "active": True, "created_at": now},
            {"id": 2, "name": "Bob", "active": True, "created_at": now},
        ],
        "membership": [
            {"id": 1, "member_id": 1, "network_id": 1, "role": "organiser"},
            {"id": 2, "member_id": 2, "network_id": 1, "role": "member"},
        ],
        "meeting": {"id": 1, "network_id": 1, "held_on": date(2026, 1, 5), "title": "Week 2"},
        "exchange": {
            "id": 1,
            "external_id": "e1",
            "kind": "referral",
            "giver_id": 1,
            "receiver_id": 2,
            "network_id": 1,
            "meeting_id": 1,
            "occurred_on": date(2026, 1, 5),
            "referral_type": "inside",
            "created_at": now,
        },
        "followup": {
            "id": 1,
            "exchange_id": 1,
            "status": "won",
            "occurred_on": date(2026, 1, 9),
            "value": 999.99,
            "business": "new",
            "created_at": now,
        },
        "one_to_one": {
            "id": 1,
            "member_a_id": 1,
            "member_b_id": 2,
            "network_id": 1,
            "held_on": date(2026, 1, 6),
            "note": "Coffee",
        },
    }
    with engine.begin() as connection:
        for name, values in rows.items():
            connection.execute(sa.insert(tables.tables[name]), values)
    before = {name: sorted(tuple(row) for row in connection_rows(engine, name)) for name in rows}
    _upgrade_to(engine, "0005")
    assert current_revision(engine) == "0005"
    for name in rows:
        after = connection_rows(engine, name)
        width = len(before[name][0])
        # New columns come last and are empty; every old value is unchanged.
        assert sorted(tuple(row)[:width] for row in after) == before[name]
        assert all(value is None for row in after for value in tuple(row)[width:])
    engine.dispose()


def connection_rows(engine: sa.engine.Engine, table: str) -> list[Any]:
    with engine.connect() as connection:
        return list(connection.execute(sa.text(f"SELECT * FROM {table} ORDER BY id")).all())


def test_names_that_collide_under_the_new_key_are_renamed_visibly_and_no_row_is_lost(
    db_url: str, tmp_path: Any
) -> None:
    """Revision 0008: names unique under their key. The older row of two that share a key
    keeps its name, the other gets its id appended; invisible characters leave names; a
    member named like a forgotten one is renamed, so that one can still be forgotten."""
    engine = make_engine(db_url, migrate=False)
    _upgrade_to(engine, "0003")
    tables = sa.MetaData()
    tables.reflect(bind=engine)
    now = datetime(2026, 1, 5, 9, 30, tzinfo=UTC)
    long_name = "L" * 118 + "ee"  # 120 characters: the suffix must still fit the limit
    members = [
        "Race Person",
        "RACE PERSON",
        "Bob",
        "Bob\u200b",
        "\u200b\u200d",
        "Former member #9",
        "Race  person",
        long_name,
        long_name.upper(),
        "Former member #10",
    ]
    with engine.begin() as connection:
        connection.execute(
            sa.insert(tables.tables["network"]),
            [
                {
                    "id": n,
                    "name": name,
                    "kind": "referral club",
                    "sla_days": 2,
                    "weights": {"referral": 3, "introduction": 2, "help": 1},
                    "active": True,
                    "created_at": now,
                }
                for n, name in ((1, "Club"), (2, "CLUB"))
            ],
        )
        connection.execute(
            sa.insert(tables.tables["member"]),
            [
                {"id": n, "name": name, "active": True, "created_at": now}
                for n, name in enumerate(members, start=1)
            ],
        )
        connection.execute(
            sa.insert(tables.tables["membership"]),
            [
                {"id": n, "member_id": n, "network_id": 1 + n % 2, "role": "member"}
                for n in range(1, len(members) + 1)
            ],
        )
        connection.execute(
            sa.insert(tables.tables["exchange"]),
            {
                "id": 1,
                "external_id": "e1",
                "kind": "help",
                "giver_id": 1,
                "receiver_id": 3,
                "network_id": 2,
                "occurred_on": date(2026, 1, 5),
                "created_at": now,
            },
        )
    before = {
        table: _count(engine, table) for table in ("network", "member", "membership", "exchange")
    }
    upgrade_to_head(engine)
    after = {table: _count(engine, table) for table in before}
    with engine.connect() as connection:
        names: dict[int, str] = dict(
            connection.execute(sa.text("SELECT id, name FROM member")).all()
        )
        networks: dict[int, str] = dict(
            connection.execute(sa.text("SELECT id, name FROM network")).all()
        )
        keys = connection.execute(sa.text("SELECT name_key FROM member")).scalars().all()
    engine.dispose()

    assert after == before
    assert networks == {1: "Club", 2: "CLUB (#2)"}
    assert names == {
        1: "Race Person",
        2: "RACE PERSON (#2)",
        3: "Bob",
        4: "Bob (#4)",
        5: "Member #5",
        6: "Former member #9 (#6)",
        7: "Race  person (#7)",
        8: long_name,
        9: long_name.upper()[:115] + " (#9)",
        10: "Former member #10",  # member #10's own: forgotten before the upgrade
    }
    assert len(names[9]) == 120 and len(set(keys)) == len(keys)
    # The renamed ledger is whole: sound, and its export imports back row for row.
    from tests.trust.racing import round_trip

    problems, exported, imported = round_trip(db_url, tmp_path)
    assert problems == [] and imported == exported


def _count(engine: sa.engine.Engine, table: str) -> int:
    with engine.connect() as connection:
        return int(connection.execute(sa.text(f"SELECT count(*) FROM {table}")).scalar_one())
