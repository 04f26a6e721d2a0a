"""``reciprocity demo`` and ``reciprocity --demo``: a filled ledger in one command."""

import json
from collections.abc import Callable
from typing import Any

from sqlmodel import Session, col, select
from typer.testing import CliRunner, Result

from reciprocity.cli import app
from reciprocity.config import demo_database_url
from reciprocity.ledger.demo import demo_organiser
from reciprocity.store.engine import make_engine
from reciprocity.store.models import Member, Membership
from tests.conftest import snapshot

RunCli = Callable[..., Any]


def test_demo_json_prints_the_rows_it_wrote(run_cli: RunCli) -> None:
    result = run_cli("demo", "--until", "2025-06-30", "--seed", "3", "--json")
    assert result.exit_code == 0, result.stderr
    summary = json.loads(result.stdout)
    assert (summary["seed"], summary["from"], summary["until"]) == (3, "2024-07-01", "2025-06-30")
    rows = summary["rows"]
    assert (rows["network"], rows["member"]) == (2, 85)
    assert 2500 <= rows["exchange"] <= 3000
    assert rows["followup"] > 1000 and rows["feedback"] > 200 and rows["meeting"] > 70
    listed = json.loads(run_cli("exchanges", "--json").stdout)
    assert len(listed) == rows["exchange"]
    members = json.loads(run_cli("member", "list", "--json").stdout)
    assert summary["organiser"] in {m["name"] for m in members}


def test_demo_prints_a_table_and_who_to_act_as(run_cli: RunCli) -> None:
    result = run_cli("demo", "--until", "2025-06-30", "--members", "20", "--exchanges", "50")
    assert result.exit_code == 0, result.stderr
    assert "exchange" in result.stdout and "50" in result.stdout
    assert "History from 2024-07-01 to 2025-06-30 (seed 7)" in result.stdout
    assert '--as "' in result.stdout


def test_a_second_demo_on_the_same_database_fails_and_changes_nothing(
    run_cli: RunCli, db_url: str
) -> None:
    assert run_cli("demo", "--until", "2025-06-30", "--members", "30").exit_code == 0
    engine = make_engine(db_url)
    before = snapshot(engine)
    again = run_cli("demo")
    assert again.exit_code == 1
    assert again.stderr == (
        "Error: The database already holds 30 members; the demo fills an empty database "
        "(use --db with a new file, or --demo).\n"
    )
    assert snapshot(engine) == before
    engine.dispose()


def test_bad_options_are_one_sentence_on_stderr(run_cli: RunCli) -> None:
    for args, message in (
        (("--members", "1"), "The demo needs at least 2 members, not 1."),
        (("--months", "0"), "The demo covers 1 to 120 months, not 0."),
        (("--exchanges", "-1"), "The number of exchanges must be zero or more, not -1."),
        (
            ("--until", "30-06-2025"),
            "The end date '30-06-2025' is not a date; use YYYY-MM-DD or 'today'.",
        ),
    ):
        result = run_cli("demo", *args)
        assert result.exit_code == 1
        assert result.stderr == f"Error: {message}\n"
    assert json.loads(run_cli("member", "list", "--json").stdout) == []


def invoke_demo(*args: str) -> Result:
    return CliRunner().invoke(app, ["--demo", *args], catch_exceptions=False)


def test_the_demo_flag_seeds_its_own_database_once_and_acts_as_the_organiser() -> None:
    first = invoke_demo("exchanges", "--json", "--limit", "5")
    assert first.exit_code == 0, first.stderr
    assert len(json.loads(first.stdout)) == 5
    engine = make_engine(demo_database_url())
    with Session(engine) as session:
        organiser = demo_organiser(session=session)
    assert organiser is not None
    seeded = snapshot(engine)
    assert len(seeded["member"]) == 85
    members = json.loads(invoke_demo("member", "list", "--json").stdout)
    assert len(members) == 85
    assert snapshot(engine) == seeded
    with Session(engine) as session:
        stayer = session.exec(
            select(Member)
            .join(Membership, col(Membership.member_id) == col(Member.id))
            .where(Membership.network_id == 1, col(Membership.left_on).is_(None))
            .where(Member.id != organiser.id)
        ).first()
    assert stayer is not None
    club = "Referral Club Utrecht Domstad"
    logged = invoke_demo("log", "help", organiser.name, stayer.name, "--network", club, "--json")
    assert logged.exit_code == 0, logged.stderr
    exchange_id = json.loads(logged.stdout)["id"]
    newest = json.loads(invoke_demo("exchanges", "--json", "--limit", "1").stdout)[0]
    assert (newest["id"], newest["created_by"]) == (exchange_id, organiser.id)
    engine.dispose()
