"""Edges of the calendar and of the numbers, and CSV that a spreadsheet would run.

Issue 19: "today" logged in Kiritimati was "in the future" to ``db check`` in UTC and its
export could not be restored; imports and ``db check`` took a ``voided_at`` of
9999-12-31 or one before the exchange; ``stats`` overflowed near year 1; amounts were
refused as "not inf" or "1e+09"; and ``balance``, ``quality`` and ``pairs --csv`` printed
``=cmd|' /C calc'!A0`` unguarded.
"""

import csv
import io
import json
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.engine import Engine

from tests.conftest import snapshot

Run = Callable[..., Any]
CLI = "import sys; sys.argv[0] = 'reciprocity'; from reciprocity.cli import main; main()"
EARLIEST_ZONE = "Etc/GMT-14"  # UTC+14, Kiritimati
LATEST_ZONE = "Etc/GMT+12"  # UTC-12: always one or two dates behind UTC+14


def ok(run: Run, *args: str) -> Any:
    result = run(*args)
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout) if "--json" in args else result.stdout


def in_zone(zone: str, url: str, *args: str) -> subprocess.CompletedProcess[str]:
    """The command line as a process whose clock is in ``zone``."""
    return subprocess.run(
        [sys.executable, "-c", CLI, "--db", url, *args],
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, "TZ": zone},
        timeout=120,
    )


@pytest.fixture
def club(run_cli: Run) -> Run:
    ok(run_cli, "network", "add", "Club Delft")
    for name in ("Anna de Vries", "Bob Jansen"):
        ok(run_cli, "member", "add", name, "--network", "Club Delft")
    return run_cli


def test_today_in_the_earliest_time_zone_is_not_the_future_anywhere(
    club: Run, db_url: str, tmp_path: Path
) -> None:
    logged = in_zone(EARLIEST_ZONE, db_url, "log", "referral", "Anna", "Bob", "--json")
    assert logged.returncode == 0, logged.stderr
    stepped = in_zone(EARLIEST_ZONE, db_url, "followup", "1", "contacted")
    assert stepped.returncode == 0, stepped.stderr
    # Twenty-six hours behind, the same ledger is sound and its export comes back whole.
    checked = in_zone(LATEST_ZONE, db_url, "db", "check")
    assert checked.returncode == 0, checked.stderr
    out = tmp_path / "out"
    assert in_zone(LATEST_ZONE, db_url, "export", "all", str(out)).returncode == 0
    copy = f"sqlite:///{tmp_path / 'copy.sqlite'}"
    restored = in_zone(LATEST_ZONE, copy, "import", "all", str(out))
    assert restored.returncode == 0, restored.stderr
    # A date no time zone has reached is still the future, in every zone.
    tomorrow_there = in_zone(
        EARLIEST_ZONE, db_url, "log", "help", "Anna", "Bob", "--date", "2999-01-01"
    )
    assert "The date 2999-01-01 is in the future" in tomorrow_there.stderr


VOIDS = [
    ("9999-12-31T00:00:00+00:00", "The voided_at 9999-12-31T00:00:00+00:00 is in the future"),
    (
        "2025-01-01T12:00:00+00:00",
        "The voided_at 2025-01-01T12:00:00+00:00 is before the exchange's date 2026-01-05",
    ),
]


@pytest.mark.parametrize(("voided_at", "sentence"), VOIDS, ids=["future", "before"])
def test_a_void_from_the_future_or_before_its_exchange_is_refused(
    club: Run, engine: Engine, db_url: str, tmp_path: Path, voided_at: str, sentence: str
) -> None:
    file = tmp_path / "voided.csv"
    file.write_text(
        "kind,giver,receiver,network,occurred_on,voided_at,void_reason\n"
        f"help,Anna de Vries,Bob Jansen,Club Delft,2026-01-05,{voided_at},Typo\n",
        encoding="utf-8",
    )
    before = snapshot(engine)
    result = club("import", "exchanges", str(file))
    assert result.exit_code == 1 and snapshot(engine) == before
    assert result.stderr.splitlines()[0].startswith(f"line 2: {sentence}")
    # import all applies the same rule, and db check finds a row written behind its back.
    ok(club, "log", "help", "Anna", "Bob", "--date", "2026-01-05")
    ok(club, "void", "1", "--reason", "Typo")
    with engine.begin() as connection:
        connection.exec_driver_sql(
            "UPDATE exchange SET voided_at = %s"
            if engine.dialect.name != "sqlite"
            else "UPDATE exchange SET voided_at = ?",
            (voided_at.replace("T", " ").replace("+00:00", ""),),
        )
    checked = club("db", "check")
    assert checked.exit_code == 1
    assert "Exchanges voided" in checked.stderr and "#1" in checked.stderr
    out = tmp_path / "out"
    ok(club, "export", "all", str(out))
    copy = tmp_path / "copy.sqlite"
    restored = in_zone("UTC", f"sqlite:///{copy}", "import", "all", str(out))
    assert restored.returncode == 1
    assert f"exchange.csv line 2: {sentence}" in restored.stderr


@pytest.mark.parametrize(
    "period",
    [["--month", "0001-01"], ["--to", "0001-01-01"], ["--as-of", "0001-01-01"]],
    ids=lambda args: " ".join(args),
)
def test_stats_near_year_one_is_an_answer_not_an_overflow(club: Run, period: list[str]) -> None:
    stats = ok(club, "stats", *period, "--json")
    assert stats["free_riders"] == []


HOSTILE = ["=cmd|' /C calc'!A0", "+1", "@SUM(1+1)", "Minus -2+3"]


def test_metric_csvs_guard_formulas_like_every_other_csv(run_cli: Run) -> None:
    ok(run_cli, "network", "add", "Club")
    for name in HOSTILE:
        ok(run_cli, "member", "add", name, "--network", "Club")
    ok(run_cli, "log", "help", HOSTILE[0], HOSTILE[1], "--date", "2026-01-05")
    for command in ("balance", "quality", "pairs"):
        rows = list(csv.DictReader(io.StringIO(ok(run_cli, command, "--csv"))))
        cells = [value for row in rows for value in row.values()]
        names = [value for value in cells if value.lstrip("'") in HOSTILE[:3]]
        assert names, command
        assert all(value.startswith("'") for value in names), (command, names)
        # Numbers stay numbers: a balance of -1 is not text to a spreadsheet.
        assert all(not value.startswith("'") for value in cells if value.lstrip("-").isdigit())
