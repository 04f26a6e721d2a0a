"""``membership cost``, ``worth`` and ``compare`` on the command line, and their bad input."""

import csv
import io
import json
from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

import pytest
from sqlalchemy.engine import Engine
from typer.testing import CliRunner

from reciprocity.analytics.keys import COMPARE_KEYS, WORTH_KEYS
from reciprocity.store.engine import make_engine
from tests.conftest import snapshot

Run = Callable[..., Any]
TODAY = date.today()
YESTERDAY = str(TODAY - timedelta(days=1))
A_YEAR = ("--from", str(TODAY - timedelta(days=364)), "--to", str(TODAY))
"""The 365 days to today: a whole year's membership costs the yearly fee."""


def ok(run: Run, *args: str) -> Any:
    result = run(*args)
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout) if "--json" in args else result.stdout


@pytest.fixture
def chapter(run_cli: Run) -> None:
    """Anna in a club (€1,200 a year, 2 hours a meeting) and a free coffee; Carla only in
    the club; Lone Wolf in no network."""
    ok(run_cli, "network", "add", "Club Delft", "--fee", "1200", "--meeting-hours", "2")
    ok(run_cli, "network", "add", "Open Coffee", "--kind", "open coffee", "--fee", "0")
    ok(run_cli, "member", "add", "Anna de Vries", "--network", "Club", "--network", "Open")
    ok(run_cli, "member", "add", "Carla Smit", "--network", "Club")
    ok(run_cli, "member", "add", "Lone Wolf")
    ok(run_cli, "meeting", "add", "Club", "--date", YESTERDAY)
    ok(run_cli, "log", "referral", "Anna", "Carla", "--date", YESTERDAY)
    ok(run_cli, "followup", "1", "won", "--value", "600", "--business", "new", "--date", YESTERDAY)
    ok(run_cli, "log", "referral", "Carla", "Anna", "--date", YESTERDAY)
    ok(run_cli, "followup", "2", "won", "--value", "900", "--business", "new", "--date", YESTERDAY)


def test_a_member_sets_and_reads_their_own_figures(run_cli: Run, chapter: None) -> None:
    shown = ok(run_cli, "--as", "Anna", "membership", "cost", "--network", "Club", "--json")
    assert shown == {
        "member": "Anna de Vries",
        "network": "Club Delft",
        "currency": "EUR",
        "fee": 1200.0,
        "own_fee": False,
        "meeting_hours": 2.0,
        "own_meeting_hours": False,
        "other_costs": [],
    }
    figures = ok(
        run_cli,
        "--as",
        "Anna",
        "membership",
        "cost",
        "--network",
        "Open",
        "--other-costs",
        "3.50",
        "--on",
        YESTERDAY,
        "--meeting-hours",
        "1.5",
        "--json",
    )
    assert figures["other_costs"] == [{"spent_on": YESTERDAY, "amount": 3.5}]
    assert (figures["meeting_hours"], figures["own_meeting_hours"]) == (1.5, True)
    text = ok(run_cli, "membership", "cost", "--network", "Club", "--member", "Anna")
    assert "Yearly fee: €1,200.00 (the network's)" in text
    assert "Other costs: none recorded." in text


def test_worth_prints_each_network_and_a_total(run_cli: Run, chapter: None) -> None:
    rows = ok(run_cli, "worth", "--member", "Anna", *A_YEAR, "--json")
    assert [row["network"] for row in rows] == ["Club Delft", "Open Coffee", None]
    assert all(tuple(row) == WORTH_KEYS for row in rows)
    club, coffee, total = rows
    # A year's membership (no joining date): the whole fee; one meeting of two hours.
    assert (club["cost"], club["meetings_attended"], club["hours"]) == (1200.0, 1, 2.0)
    assert (club["value_received"], club["value_per_cost"]) == (900.0, 0.75)
    assert (coffee["cost"], coffee["hours"], coffee["value_per_cost"]) == (0.0, None, None)
    assert (total["cost"], total["hours"], total["attendance_assumed"]) == (1200.0, None, True)
    table = io.StringIO(ok(run_cli, "worth", "--member", "Anna", "--csv"))
    assert next(csv.reader(table)) == list(WORTH_KEYS)
    text = run_cli("--as", "Anna", "worth", env={"COLUMNS": "120"}).stdout
    assert "Total" in text and "Open Coffee" in text
    assert "Meetings attended are assumed" in " ".join(text.split())


def test_compare_lists_the_networks_side_by_side(run_cli: Run, chapter: None) -> None:
    rows = ok(run_cli, "compare", *A_YEAR, "--json")
    assert [row["network"] for row in rows] == ["Club Delft", "Open Coffee"]
    assert all(tuple(row) == COMPARE_KEYS for row in rows)
    assert (rows[0]["members"], rows[0]["active_givers"], rows[0]["reciprocity"]) == (2, 2, 1.0)
    assert rows[0]["cost_per_member"] == 1200.0
    only = ok(run_cli, "compare", "--network", "Open", "--month", f"{TODAY:%Y-%m}", "--json")
    assert [row["network"] for row in only] == ["Open Coffee"]


BAD_INPUTS: list[tuple[list[str], str]] = [
    (["network", "add", "Dear Club", "--fee", "-5"], "The fee must be zero or more, not -5."),
    (
        ["network", "edit", "Club", "--meeting-hours", "25"],
        "A meeting takes more than 0 and at most 24 hours, not 25.",
    ),
    (
        ["membership", "cost", "--network", "Club", "--member", "Anna", "--fee", "-1"],
        "The fee must be zero or more, not -1.",
    ),
    (
        ["membership", "cost", "--network", "Club", "--member", "Anna", "--meeting-hours", "30"],
        "A meeting takes more than 0 and at most 24 hours, not 30.",
    ),
    (
        ["membership", "cost", "--network", "Open", "--member", "Carla", "--other-costs", "4"],
        "Carla Smit has never been a member of Open Coffee, so they have no costs there.",
    ),
    (
        ["network", "add", "Pound Club", "--currency", "XYZ"],
        "'XYZ' is not a currency code; use ISO 4217 codes such as EUR, GBP or USD.",
    ),
    (
        ["network", "edit", "Club", "--currency", "euro"],
        "'euro' is not a currency code; use ISO 4217 codes such as EUR, GBP or USD.",
    ),
    (
        ["worth", "--member", "Lone Wolf"],
        "Lone Wolf is a member of no network, so there is nothing to weigh up; add them to a "
        "network first.",
    ),
    (["worth"], "Whose networks? Pass --member NAME, or act as a member with --as."),
    (
        ["--as", "Carla", "worth", "--member", "Anna"],
        "Only Anna de Vries or an organiser of Club Delft or Open Coffee may see what their "
        "networks are worth to them.",
    ),
    (
        ["--as", "Carla", "compare"],
        "Comparing networks is for their organisers, and you organise none",
    ),
    (
        ["--as", "Carla", "compare", "--network", "Club"],
        "Only an organiser of Club Delft may compare it with other networks.",
    ),
    (
        ["membership", "cost", "--network", "Club", "--member", "Anna", "--on", YESTERDAY],
        "A date goes with other costs",
    ),
    (["worth", "--member", "Anna", "--from", "2999-01-01"], "costs and worth count what has"),
]


@pytest.mark.parametrize(("args", "sentence"), BAD_INPUTS, ids=lambda v: " ".join(v)[:40])
def test_bad_input_prints_one_sentence_and_changes_nothing(
    run_cli: Run, db_url: str, chapter: None, args: list[str], sentence: str
) -> None:
    engine: Engine = make_engine(db_url)
    before = snapshot(engine)
    result = run_cli(*args)
    after = snapshot(engine)
    engine.dispose()
    assert result.exit_code == 1
    assert result.stdout == ""
    message = result.stderr.strip()
    assert message.startswith("Error: ")
    assert sentence in message
    assert "\n" not in message
    assert after == before


def test_the_demo_weighs_up_a_member_of_both_networks() -> None:
    from reciprocity.cli import app

    runner = CliRunner()

    def run(*args: str) -> Any:
        result = runner.invoke(app, ["--demo", *args], catch_exceptions=False)
        assert result.exit_code == 0, result.stderr
        return json.loads(result.stdout)

    both = []
    for member in run("--owner", "member", "list", "--json"):
        found = run("--owner", "worth", "--member", member["name"], "--json")
        if len(found) == 3:
            both.append((member["name"], found))
    assert len(both) == 15
    for _name, (coffee, club, total) in both:
        assert (coffee["network"], club["network"], total["network"]) == (
            "Open Coffee Utrecht",
            "Referral Club Utrecht Domstad",
            None,
        )
        assert total["cost"] == round(club["cost"] + coffee["cost"], 2)
        assert total["value_received"] == round(
            club["value_received"] + coffee["value_received"], 2
        )
    # As the issue shows it: the demo acts as the club's organiser, who sees a member of both.
    name, rows = both[0]
    assert run("worth", "--member", name, "--json") == rows
