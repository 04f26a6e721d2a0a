"""One way in: the command line and the quick log hand the same typing to the same entry
use case, so they make the same row and refuse with the same sentence on the same input.
Who you are belongs to a database."""

import asyncio
import shutil
from pathlib import Path
from typing import Any

import pytest
from sqlmodel import Session
from textual.pilot import Pilot
from textual.widgets import Label
from typer.testing import CliRunner

from reciprocity.cli import app as cli
from reciprocity.config import load_settings
from reciprocity.ledger.entry import Entry, log_exchange
from reciprocity.ledger.errors import LedgerError
from reciprocity.store.engine import make_engine
from reciprocity.tui.screens.quick_log import WIDGET_FOR_INPUT, QuickLogScreen
from tests.tui.conftest import Fixture, drive, make_app, rows, settle, text, type_fast
from tests.tui.test_quick_log_typing import typed

DB = tuple[str, Fixture]
ROW = (
    "SELECT kind, giver_id, receiver_id, network_id, occurred_on, summary, contact_name, "
    "contact_details, referral_type, hotness, estimated_value, created_by "
    "FROM exchange ORDER BY id DESC LIMIT 1"
)


def _cli(url: str, *args: str) -> Any:
    return CliRunner().invoke(cli, ["--db", url, "--as", "Anna de Vries", *args])


def _copy(url: str, tmp_path: Path, name: str) -> str:
    target = tmp_path / name
    shutil.copy(url.removeprefix("sqlite:///"), target)
    return f"sqlite:///{target}"


def test_the_cli_and_the_quick_log_make_the_same_row(db: DB, tmp_path: Path) -> None:
    url, _ = db
    other = _copy(url, tmp_path, "cli.sqlite")
    result = _cli(
        other,
        "log",
        "referral",
        "Anna de Vries",
        "car",
        "--summary",
        "Lunch",
        "--contact",
        "Piet Kok",
        "--contact-details",
        "06 1234",
        "--hotness",
        "4",
        "--value",
        "1500",
        "--type",
        "inside",
        "--date",
        "2026-11-20",
    )
    assert result.exit_code == 0, result.output

    async def scenario(pilot: Pilot[Any]) -> None:
        type_fast(pilot, "l", *"car", "enter", *"Lunch", "tab", *text("Piet Kok"), "tab")
        type_fast(pilot, *"06 1234", "tab", "4", "tab", *"1500", "tab", "i", "tab")
        type_fast(pilot, *["backspace"] * 10, *"2026-11-20", "ctrl+s")
        await typed(pilot)
        screen = pilot.app.screen
        assert isinstance(screen, QuickLogScreen) and len(screen.saved_ids) == 1

    drive(make_app(url), scenario)
    assert rows(url, ROW) == rows(other, ROW)


@pytest.mark.parametrize(
    ("cli_args", "keys", "field"),
    [
        (["--hotness", "9"], ["tab", "tab", "tab", "9"], "hotness"),
        (["--value", "-5"], ["tab", "tab", "tab", "tab", "-", "5"], "value"),
        (["--date", "2031-01-01"], ["tab"] * 6 + ["backspace"] * 10 + list("2031-01-01"), "date"),
    ],
)
def test_the_cli_and_the_quick_log_refuse_alike(
    db: DB, cli_args: list[str], keys: list[str], field: str
) -> None:
    url, _ = db
    before = rows(url, "SELECT count(*) FROM exchange")
    result = _cli(url, "log", "referral", "Anna de Vries", "bob", *cli_args)
    assert result.exit_code == 1
    sentence = result.stderr.strip().removeprefix("Error: ")
    # The ledger names the input; the quick log shows the sentence next to that field.
    engine = make_engine(url)
    with Session(engine) as session, pytest.raises(LedgerError) as refused:
        options = dict(zip(cli_args[::2], cli_args[1::2], strict=True))
        log_exchange(
            session=session,
            entry=Entry(
                giver="Anna de Vries",
                receiver="bob",
                hotness=options.get("--hotness"),
                value=options.get("--value"),
                date=options.get("--date"),
            ),
            acting_id=None,
        )
    engine.dispose()
    assert refused.value.field == field
    assert str(refused.value) == sentence

    async def scenario(pilot: Pilot[Any]) -> None:
        type_fast(pilot, "l", *"bob", "enter", *keys, "ctrl+s")
        await typed(pilot)
        screen = pilot.app.screen
        assert isinstance(screen, QuickLogScreen)
        widget = WIDGET_FOR_INPUT[field]
        assert str(screen.query_one(f"#{widget}-error", Label).content) == sentence
        assert screen.focused is screen.query_one(f"#{widget}")
        assert screen.saved_ids == []

    drive(make_app(url), scenario)
    assert rows(url, "SELECT count(*) FROM exchange") == before


def test_who_you_are_is_saved_for_one_database_only(db: DB, tmp_path: Path) -> None:
    url, fx = db
    other = _copy(url, tmp_path, "other.sqlite")
    elsewhere = f"sqlite:///{tmp_path / 'elsewhere.sqlite'}"
    runner = CliRunner()
    assert runner.invoke(cli, ["--db", elsewhere, "network", "add", "Kring"]).exit_code == 0

    async def scenario(pilot: Pilot[Any]) -> None:
        await settle(pilot)
        assert type(pilot.app.screen).__name__ == "MemberPicker"
        await pilot.press("c", "a", "r", "enter")
        await settle(pilot)

    drive(make_app(url, acting=None), scenario)
    assert load_settings().saved_member(url) == "Carla Smit"
    # On this database, commands act as Carla ...
    made = runner.invoke(cli, ["--db", url, "log", "help", "Carla Smit", "Anna", "--json"])
    assert made.exit_code == 0, made.output
    assert rows(url, "SELECT created_by FROM exchange ORDER BY id DESC LIMIT 1") == [
        (fx.chapter.carla,)
    ]
    # ... and Carla, who is not in another ledger, stops nothing there.
    listed = runner.invoke(cli, ["--db", elsewhere, "network", "list", "--json"])
    assert listed.exit_code == 0, listed.output
    assert runner.invoke(cli, ["--db", elsewhere, "network", "add", "Club"]).exit_code == 0
    # The same ledger under another path has its own choice (none yet: the owner acts).
    assert runner.invoke(cli, ["--db", other, "network", "add", "Third"]).exit_code == 0


def test_owner_acts_as_the_owner_while_a_member_is_saved(db: DB) -> None:
    url, _ = db

    async def scenario(pilot: Pilot[Any]) -> None:
        await settle(pilot)
        await pilot.press("b", "o", "b", "enter")
        await settle(pilot)

    drive(make_app(url, acting=None), scenario)
    runner = CliRunner()
    refused = runner.invoke(cli, ["--db", url, "network", "add", "New club"])
    assert refused.exit_code == 1
    assert "Only the ledger's owner may add a network" in refused.stderr
    added = runner.invoke(cli, ["--db", url, "--owner", "network", "add", "New club"])
    assert added.exit_code == 0, added.output
    both = runner.invoke(cli, ["--db", url, "--owner", "--as", "Bob", "network", "list"])
    assert both.exit_code == 1
    assert both.stderr == "Error: Pass either --as NAME or --owner, not both.\n"
    empty = runner.invoke(cli, ["--db", url, "--as", "", "network", "list"])
    assert empty.stderr == (
        "Error: --as needs a member's name; to act as the ledger's owner, pass --owner.\n"
    )


def test_the_empty_ledger_hint_names_the_database_in_use(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'empty.sqlite'}"

    async def scenario(pilot: Pilot[Any]) -> None:
        await settle(pilot)
        hint = str(pilot.app.screen.query_one("#picker-hint", Label).content)
        assert f'reciprocity --db {url} network add "Club Delft"' in hint
        assert f"reciprocity --db {url} member add" in hint

    app = make_app(url, acting=None)

    async def main() -> None:
        async with app.run_test(size=(80, 24)) as pilot:
            await scenario(pilot)

    asyncio.run(main())
