"""The organiser's side of signing in, from the command line: invite, unlock, the log,
and what `serve` refuses before it starts."""

import json
from collections.abc import Callable
from typing import Any

import pytest
from sqlmodel import Session

from reciprocity.ledger.errors import LedgerError
from reciprocity.ledger.signin import sign_in
from reciprocity.store.engine import make_engine
from tests.unit.chapter import build_chapter

Run = Callable[..., Any]


def _chapter(db_url: str) -> None:
    engine = make_engine(db_url)
    with Session(engine) as session:
        build_chapter(session)
    engine.dispose()


def test_invite_prints_a_code_once_and_json_for_scripts(run_cli: Run, db_url: str) -> None:
    _chapter(db_url)
    made = run_cli("--as", "Anna de Vries", "member", "invite", "Bob Jansen", "--json")
    assert made.exit_code == 0, made.output
    invited = json.loads(made.stdout)
    assert set(invited) == {"member", "code", "expires_on"}
    assert invited["member"] == "Bob Jansen"
    engine = make_engine(db_url)
    with Session(engine) as session:
        assert sign_in(session=session, name="Bob Jansen", secret=invited["code"]).needs_password
    engine.dispose()
    said = run_cli("member", "invite", "Bob Jansen")
    assert said.stdout.startswith("Code for Bob Jansen: ")
    revoked = run_cli("member", "invite", "Bob Jansen", "--revoke")
    assert revoked.stdout == "The invitation of Bob Jansen is withdrawn.\n"


def test_a_plain_member_may_not_invite_nor_read_the_log(run_cli: Run, db_url: str) -> None:
    _chapter(db_url)
    refused = run_cli("--as", "Carla Smit", "member", "invite", "Dirk Bakker")
    assert refused.exit_code == 1
    assert refused.stderr == (
        "Error: Only an organiser of Club Delft or the ledger's owner may invite or unlock "
        "Dirk Bakker.\n"
    )
    log = run_cli("--as", "Carla Smit", "sign-ins")
    assert log.exit_code == 1
    assert "Only an organiser may see the sign-in log" in log.stderr


def test_unlock_and_the_sign_in_log(run_cli: Run, db_url: str) -> None:
    _chapter(db_url)
    invited = json.loads(run_cli("member", "invite", "Bob Jansen", "--json").stdout)
    engine = make_engine(db_url)
    with Session(engine) as session:
        for _ in range(5):
            with pytest.raises(LedgerError):
                sign_in(session=session, name="Bob Jansen", secret="wrong guess")
    engine.dispose()
    unlocked = run_cli("--as", "Anna de Vries", "member", "unlock", "Bob Jansen")
    assert unlocked.stdout == "Bob Jansen may sign in again.\n"
    log = json.loads(run_cli("sign-ins", "--network", "Club Delft", "--json").stdout)
    assert [row["event"] for row in log] == [
        "unlocked",
        "locked",
        "failed",
        "failed",
        "failed",
        "failed",
        "invited",
    ]
    assert log[0]["by"] == "Anna de Vries" and log[0]["member"] == "Bob Jansen"
    assert invited["code"] not in json.dumps(log)


def test_serve_needs_a_public_url_on_a_wildcard_host(run_cli: Run, db_url: str) -> None:
    _chapter(db_url)
    refused = run_cli("serve", "--host", "0.0.0.0", "--port", "8123")
    assert refused.exit_code == 1
    assert refused.stderr == (
        "Error: With --host 0.0.0.0, browsers cannot know the address: pass --public-url, "
        "e.g. --public-url http://192.168.1.20:8123.\n"
    )
