"""PostgreSQL sessions get the ``work_mem`` the metrics need, and a deployment can change it."""

import pytest
import sqlalchemy as sa

from reciprocity.store.engine import PG_WORK_MEM, DatabaseUnavailable, make_engine
from tests.conftest import PG_SKIP_REASON, PG_URL, reset_postgres


def work_mem(url: str, *, read_only: bool = False) -> tuple[str, str]:
    engine = make_engine(url, read_only=read_only)
    with engine.connect() as connection:
        found = connection.execute(sa.text("SHOW work_mem")).scalar_one()
        reading = connection.execute(sa.text("SHOW default_transaction_read_only")).scalar_one()
    engine.dispose()
    return str(found), str(reading)


def server_work_mem(url: str) -> str:
    engine = sa.create_engine(url)
    with engine.connect() as connection:
        found = connection.execute(sa.text("SHOW work_mem")).scalar_one()
    engine.dispose()
    return str(found)


@pytest.fixture
def pg_url() -> str:
    if not PG_URL:
        pytest.skip(PG_SKIP_REASON)
    reset_postgres(PG_URL)
    return PG_URL


@pytest.mark.pg
def test_every_session_runs_with_the_work_mem_of_the_metrics_and_readers_stay_read_only(
    pg_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("RECIPROCITY_PG_WORK_MEM", raising=False)

    assert work_mem(pg_url) == (PG_WORK_MEM, "off")
    assert work_mem(pg_url, read_only=True) == (PG_WORK_MEM, "on")


@pytest.mark.pg
def test_a_deployment_sets_its_own_work_mem_or_keeps_the_servers(
    pg_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("RECIPROCITY_PG_WORK_MEM", "16MB")
    assert work_mem(pg_url)[0] == "16MB"
    assert work_mem(f"{pg_url}?options=-c%20work_mem%3D8MB")[0] == "8MB"

    monkeypatch.setenv("RECIPROCITY_PG_WORK_MEM", "server")
    assert work_mem(pg_url)[0] == server_work_mem(pg_url)


def test_a_work_mem_that_is_no_size_is_refused_in_one_sentence(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("RECIPROCITY_PG_WORK_MEM", "64MB -c statement_timeout=1")

    with pytest.raises(DatabaseUnavailable) as refused:
        make_engine("postgresql+psycopg://someone:secret@127.0.0.1:1/ledger")

    assert str(refused.value) == (
        "RECIPROCITY_PG_WORK_MEM is '64MB -c statement_timeout=1', not a size such as 64MB "
        "(kB, MB or GB), or 'server' for the server's own setting."
    )
