"""CSV that cannot hurt: exports never hand a spreadsheet a formula to run, and still read
back to the very same rows; ``--for-sharing`` keeps outside people's details at home.

OWASP's CSV-injection rule: a text cell that starts with ``=``, ``+``, ``-``, ``@``, tab or
carriage return gets a leading ``'``. Numbers are never touched.
"""

import csv
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine
from typer.testing import CliRunner

from reciprocity.cli import app
from reciprocity.ledger.transfer.csvfiles import (
    cell_formatters,
    guard_formula,
    unguard_formula,
)
from reciprocity.store.engine import make_engine
from tests.conftest import PG_URL, reset_postgres, snapshot

Run = Callable[..., Any]

FORMULA = '=HYPERLINK("http://x","y")'
HTML = "<img src=x onerror=alert(1)>"
DAY = "2025-03-04"


def ok(run: Run, *args: str) -> Any:
    result = run(*args)
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout) if "--json" in args else result.stdout.strip()


def read(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


@pytest.fixture
def hostile(run_cli: Run, engine: Engine) -> Run:
    """A ledger whose text invites a spreadsheet to run it."""
    ok(run_cli, "network", "add", "Club")
    ok(run_cli, "member", "add", FORMULA, "--network", "Club", "--phone", "+31 6 1234 5678")
    ok(run_cli, "member", "add", HTML, "--network", "Club", "--company", "@home")
    # '--' ends the options, so a name that starts with '-' is a name.
    ok(run_cli, "member", "add", "--network", "Club", "--category", "'=already", "--", "-Minus")
    ok(
        run_cli,
        "log",
        "referral",
        "=HYPER",
        "<img",
        "--date",
        DAY,
        "--summary",
        "=1+1",
        "--contact",
        "+Piet Kok",
        "--contact-details",
        "-06 123",
        "--hotness",
        "3",
        "--value",
        "2500",
    )
    ok(run_cli, "log", "intro", "--with-contact", "@Marieke", "--date", DAY, "--", "<img", "-Min")
    ok(run_cli, "log", "help", "--date", DAY, "--summary", "@channel call", "--", "-Min", "=HYPER")
    return run_cli


def test_guard_and_unguard_are_exact_inverses() -> None:
    for text in ("=1", "+1", "-1", "@a", "\tx", "\rx", "'=x", "''-x", "plain", "", "'", "'a"):
        assert unguard_formula(guard_formula(text)) == text
    assert [guard_formula(t) for t in ("=1", "'=x", "a=1", "'plain")] == [
        "'=1",
        "''=x",
        "a=1",
        "'plain",
    ]


def test_numbers_stay_numbers_and_only_text_is_guarded() -> None:
    query: sa.Select[Any] = sa.select(  # type: ignore[assignment]
        sa.literal(-5, sa.Integer),
        sa.literal(-2.5, sa.Numeric(14, 2)),
        sa.literal("-5", sa.String),
        sa.literal(None, sa.String),
    )
    formats = cell_formatters(query)
    assert [write(v) for write, v in zip(formats, (-5, -2.5, "-5", None), strict=True)] == [
        "-5",
        "-2.50",
        "'-5",
        "",
    ]


def test_exported_exchanges_and_members_run_no_formula(hostile: Run, tmp_path: Path) -> None:
    exchanges = tmp_path / "exchanges.csv"
    members = tmp_path / "members.csv"
    ok(hostile, "export", "exchanges", str(exchanges))
    ok(hostile, "export", "members", str(members))

    referral, intro, helped = read(exchanges)
    assert (referral["giver"], referral["receiver"]) == ("'" + FORMULA, HTML)
    assert (referral["summary"], referral["contact_name"]) == ("'=1+1", "'+Piet Kok")
    assert referral["contact_details"] == "'-06 123"
    assert (referral["hotness"], referral["estimated_value"]) == ("3", "2500.00")
    assert (intro["receiver"], intro["contact_name"]) == ("'-Minus", "'@Marieke")
    assert helped["summary"] == "'@channel call"
    assert referral["occurred_on"] == DAY
    # Every text cell a spreadsheet would evaluate starts with the guard.
    for row in read(exchanges) + read(members):
        for value in row.values():
            assert value[:1] not in ("=", "+", "-", "@", "\t", "\r"), row

    by_name = {row["name"]: row for row in read(members)}
    assert set(by_name) == {"'" + FORMULA, HTML, "'-Minus"}
    assert by_name["'" + FORMULA]["phone"] == "'+31 6 1234 5678"
    assert by_name[HTML]["company"] == "'@home"
    assert by_name["'-Minus"]["category"] == "''=already"
    assert by_name[HTML]["active"] == "true"


def test_the_guarded_files_import_back_to_the_same_rows(
    hostile: Run, engine: Engine, tmp_path: Path
) -> None:
    exchanges = tmp_path / "exchanges.csv"
    members = tmp_path / "members.csv"
    ok(hostile, "export", "exchanges", str(exchanges))
    ok(hostile, "export", "members", str(members))
    before = snapshot(engine)
    # Every exchange is known by its external_id and every member matches by name, with
    # the same details: nothing changes, so the guard was stripped exactly once.
    assert ok(hostile, "import", "exchanges", str(exchanges), "--json")["already_present"] == 3
    summary = ok(hostile, "import", "members", str(members), "--json")
    assert (summary["added"], summary["updated"], summary["unchanged"]) == (0, 0, 3)
    assert snapshot(engine) == before
    # A copy under new ids reads the names and details back unguarded.
    rows = read(exchanges)
    for row in rows:
        row["external_id"] = "copy-" + row["external_id"]
    copy = tmp_path / "copy.csv"
    with copy.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    assert ok(hostile, "import", "exchanges", str(copy), "--json")["added"] == 3
    listed = sorted(ok(hostile, "exchanges", "--json"), key=lambda e: e["id"])
    originals, copies = listed[:3], listed[3:]
    for field in ("giver", "receiver", "summary", "contact_name", "contact_details", "hotness"):
        assert [e[field] for e in copies] == [e[field] for e in originals]
    assert listed[0]["giver"] == FORMULA and listed[0]["receiver"] == HTML
    assert listed[0]["summary"] == "=1+1"


@pytest.fixture
def fresh_url(db_url: str, tmp_path: Path) -> Callable[[Engine], str]:
    """An empty database of the same kind as ``db_url``, once the old engine is let go."""

    def make(old: Engine) -> str:
        old.dispose()
        if db_url.startswith("sqlite"):
            return f"sqlite:///{tmp_path / 'fresh.sqlite'}"
        assert PG_URL is not None
        reset_postgres(PG_URL)
        return PG_URL

    return make


def test_export_all_then_import_all_round_trips_hostile_text(
    hostile: Run, engine: Engine, tmp_path: Path, fresh_url: Callable[[Engine], str]
) -> None:
    dump = tmp_path / "dump"
    ok(hostile, "export", "all", str(dump))
    member_rows = read(dump / "member.csv")
    assert [row["name"] for row in member_rows] == ["'" + FORMULA, HTML, "'-Minus"]
    assert read(dump / "network.csv")[0]["weights"].startswith("{")
    before = snapshot(engine)
    url = fresh_url(engine)

    def run(*args: str) -> Any:
        return CliRunner().invoke(app, ["--db", url, *args], catch_exceptions=False)

    ok(run, "import", "all", str(dump))
    target = make_engine(url)
    assert snapshot(target) == before
    target.dispose()


def test_for_sharing_leaves_outside_contacts_empty(hostile: Run, tmp_path: Path) -> None:
    shared = tmp_path / "shared.csv"
    ok(hostile, "export", "exchanges", str(shared), "--for-sharing")
    rows = read(shared)
    assert [(row["contact_name"], row["contact_details"]) for row in rows] == [("", "")] * 3
    assert rows[0]["summary"] == "'=1+1" and rows[0]["hotness"] == "3"

    dump = tmp_path / "dump"
    ok(hostile, "export", "all", str(dump), "--for-sharing")
    exchange_rows = read(dump / "exchange.csv")
    assert {(row["contact_name"], row["contact_details"]) for row in exchange_rows} == {("", "")}
    assert [row["giver_id"] for row in exchange_rows] == ["1", "2", "3"]
    # The full export still has them: sharing is a choice made per file.
    full = tmp_path / "full.csv"
    ok(hostile, "export", "exchanges", str(full))
    assert read(full)[0]["contact_name"] == "'+Piet Kok"
