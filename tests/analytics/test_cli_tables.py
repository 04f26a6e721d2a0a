"""What a person sees from the metric commands without ``--json``: readable tables.

The numbers themselves are pinned in test_handworked.py; here the tables name the right
members with the right figures, fit 80 columns, and refuse mixed output flags.
"""

import json
from collections.abc import Callable
from datetime import date
from typing import Any

import pytest
from sqlmodel import Session

from reciprocity.ledger.exchanges import log_help, log_referral
from reciprocity.ledger.followups import record_followup
from reciprocity.store.engine import make_engine
from tests.unit.chapter import build_chapter

Run = Callable[..., Any]
NAMES_BY_BALANCE = ("Anna de Vries", "Dirk Bakker", "Carla Smit", "Bob Jansen")


@pytest.fixture
def small_ledger(db_url: str) -> None:
    """Anna refers Bob twice (one contacted the next day); Bob helps Carla."""
    engine = make_engine(db_url)
    with Session(engine, expire_on_commit=False) as session:
        chapter = build_chapter(session)
        first = log_referral(
            session=session,
            giver_id=chapter.anna,
            receiver_id=chapter.bob,
            network_id=chapter.club,
            occurred_on=date(2026, 10, 5),
            summary="Web shop",
        )
        assert first.id is not None
        record_followup(
            session=session, exchange_id=first.id, status="contacted", occurred_on=date(2026, 10, 6)
        )
        log_referral(
            session=session,
            giver_id=chapter.anna,
            receiver_id=chapter.bob,
            network_id=chapter.club,
            occurred_on=date(2026, 10, 20),
        )
        log_help(
            session=session,
            giver_id=chapter.bob,
            receiver_id=chapter.carla,
            network_id=chapter.club,
            occurred_on=date(2026, 10, 21),
        )
    engine.dispose()


def lines_of(result: Any) -> list[str]:
    assert result.exit_code == 0, result.stderr
    lines: list[str] = result.stdout.splitlines()
    assert all(len(line) <= 80 for line in lines), "the table must fit 80 columns"
    return lines


def row_of(lines: list[str], name: str) -> list[str]:
    (line,) = [line for line in lines if name in line]
    return [cell.strip() for cell in line.strip("│ ").split("│")]


def test_balance_table_lists_givers_first_with_points(run_cli: Run, small_ledger: None) -> None:
    lines = lines_of(run_cli("balance", "--network", "Club Delft", "--month", "2026-10"))
    assert lines[0].startswith("Balance in points, Club Delft, 2026-10")
    # Anna +6, Dirk 0, Carla −1 (received help), Bob −5: highest balance first.
    order = [next(i for i, ln in enumerate(lines) if name in ln) for name in NAMES_BY_BALANCE]
    assert order == sorted(order)
    # member, given, recv, balance, ratio, value given, value recv
    assert row_of(lines, "Anna de Vries") == ["Anna de Vries", "6", "0", "6", "–", "0.00", "0.00"]
    assert row_of(lines, "Bob Jansen") == ["Bob Jansen", "1", "6", "-5", "0.167", "0.00", "0.00"]


def test_quality_table_shows_rates_as_percentages(run_cli: Run, small_ledger: None) -> None:
    lines = lines_of(run_cli("quality", "--member", "Bob"))
    # member, recv, contact, days, SLA, won, open, rating, yield
    assert row_of(lines, "Bob Jansen") == [
        "Bob Jansen",
        "2",
        "50%",
        "1.0",
        "50%",
        "0",
        "2",
        "–",
        "–",
    ]


def test_stats_and_pairs_tables(run_cli: Run, small_ledger: None) -> None:
    stats = lines_of(run_cli("stats", "--network", "Club Delft", "--as-of", "2026-10-31"))
    assert stats[0].startswith("Club Delft, all time")
    assert row_of(stats, "exchanges") == ["exchanges", "3"]
    assert row_of(stats, "free riders") == ["free riders", "Carla Smit"]
    pairs = lines_of(run_cli("pairs", "--member", "Bob"))
    assert row_of(pairs, "Anna de Vries") == ["Bob Jansen", "Anna de Vries", "0", "6", "-6"]


def test_nudges_need_a_member(run_cli: Run, small_ledger: None) -> None:
    result = run_cli("nudges")
    assert result.exit_code == 1
    assert result.stderr == (
        "Error: Whose nudges? Pass --member NAME, or act as a member with --as.\n"
    )
    lines = lines_of(run_cli("--as", "Bob", "nudges", "--as-of", "2026-10-31"))
    assert lines[0].rstrip() == "Next steps for Bob Jansen, as of 2026-10-31"
    assert any("Contact the referral Anna de Vries gave you on 2026-10-20" in ln for ln in lines)


def test_json_and_csv_together_are_refused(run_cli: Run, small_ledger: None) -> None:
    result = run_cli("balance", "--json", "--csv")
    assert result.exit_code == 1
    assert result.stderr == "Error: Choose one of --json and --csv.\n"


def test_names_sort_by_letters_on_every_database(run_cli: Run, small_ledger: None) -> None:
    """Case and accents do not decide the order, whatever the database's collation."""
    for name in ("zed Zwart", "Édith Ernst", "alice Arends"):
        assert run_cli("member", "add", name, "--network", "Club Delft").exit_code == 0
        log = run_cli("log", "help", "Dirk", name, "--date", "2026-10-22", "--network", "Club")
        assert log.exit_code == 0, log.stderr
    quality = json.loads(run_cli("quality", "--month", "2026-10", "--json").stdout)
    assert [row["member"] for row in quality] == [
        "alice Arends",
        "Anna de Vries",
        "Bob Jansen",
        "Carla Smit",
        "Dirk Bakker",
        "Édith Ernst",
        "Eva Visser",
        "Frank Mulder",
        "zed Zwart",
    ]
    stats = json.loads(run_cli("stats", "--as-of", "2026-10-31", "--json").stdout)
    assert stats["free_riders"] == ["alice Arends", "Carla Smit", "Édith Ernst", "zed Zwart"]


def test_a_long_table_is_cut_and_says_so(run_cli: Run, small_ledger: None) -> None:
    lines = lines_of(run_cli("balance", "--limit", "2"))
    assert "Anna de Vries" in lines[3] or "Anna de Vries" in lines[4]
    assert lines[-1].rstrip() == ("The first 2 of 6; --limit N shows more, --json or --csv all.")
