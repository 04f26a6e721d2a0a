"""``reciprocity import`` and ``export``: what a user sees on stdout, stderr and in the files."""

import csv
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.engine import Engine
from typer.testing import CliRunner

from reciprocity.cli import app
from reciprocity.store.engine import make_engine
from tests.conftest import PG_URL, reset_postgres, snapshot

Run = Callable[..., Any]
HEADER = (
    "external_id,kind,giver,receiver,network,occurred_on,summary,contact_name,contact_details,"
    "referral_type,hotness,estimated_value,introduction_group,voided_at,void_reason"
)


def ok(run: Run, *args: str) -> Any:
    result = run(*args)
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout) if "--json" in args else result.stdout.strip()


def failed(run: Run, *args: str) -> list[str]:
    """The stderr lines of a command that must fail with exit code 1."""
    result = run(*args)
    assert result.exit_code == 1, result.stdout
    assert result.stdout == ""
    lines: list[str] = result.stderr.strip().splitlines()
    return lines


@pytest.fixture
def ledger(run_cli: Run, engine: Engine) -> Run:
    """A club of three with a referral, a help and a voided help."""
    ok(run_cli, "network", "add", "BNI Zuid", "--weight", "referral=5")
    ok(run_cli, "network", "add", "Open Coffee")
    for name in ("Anna de Vries", "Bert Jansen", "Carla Smit"):
        ok(run_cli, "member", "add", name, "--network", "BNI Zuid", "--category", "Roofer")
    ok(run_cli, "member", "join", "Anna", "Open Coffee", "--role", "organiser")
    ok(run_cli, "log", "referral", "Anna", "Bert", "--date", "2025-03-04", "--summary", "Roof, 2x")
    ok(run_cli, "log", "help", "Bert", "Carla", "--date", "2025-04-01")
    ok(run_cli, "log", "help", "Carla", "Anna", "--date", "2025-05-01", "--network", "BNI")
    ok(run_cli, "void", "3", "--reason", "Logged twice")
    return run_cli


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def test_export_and_reimport_exchanges_adds_nothing(ledger: Run, tmp_path: Path) -> None:
    file = tmp_path / "exchanges.csv"
    assert ok(ledger, "export", "exchanges", str(file)) == f"Exported 3 exchanges to {file}."
    with file.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert [(r["kind"], r["giver"], r["receiver"], r["void_reason"]) for r in rows] == [
        ("referral", "Anna de Vries", "Bert Jansen", ""),
        ("help", "Bert Jansen", "Carla Smit", ""),
        ("help", "Carla Smit", "Anna de Vries", "Logged twice"),
    ]
    assert (
        ok(ledger, "import", "exchanges", str(file)) == "Imported 0 exchanges (3 already present)."
    )
    assert ok(ledger, "import", "exchanges", str(file), "--json") == {
        "file": str(file),
        "rows": 3,
        "added": 0,
        "already_present": 3,
        "members_added": [],
        "dry_run": False,
        "identical_rows": [],
    }


def test_export_filters_by_network_and_period_and_never_overwrites_silently(
    ledger: Run, tmp_path: Path
) -> None:
    file = tmp_path / "x.csv"
    args = ("export", "exchanges", str(file), "--network", "BNI", "--from", "2025-04-01")
    assert ok(ledger, *args, "--to", "2025-04-30", "--json") == {"file": str(file), "exchanges": 1}
    assert failed(ledger, *args) == [
        f"Error: {file} already exists; choose a new file name or pass --force."
    ]
    assert ok(ledger, *args, "--force") == f"Exported 2 exchanges to {file}."
    assert failed(ledger, "export", "exchanges", str(tmp_path / "no" / "x.csv")) == [
        f"Error: The folder {tmp_path / 'no'} does not exist."
    ]


def test_bad_rows_are_listed_by_line_and_the_database_is_unchanged(
    ledger: Run, engine: Engine, tmp_path: Path
) -> None:
    file = write(
        tmp_path / "bad.csv",
        f"{HEADER}\n"
        ",help,Anna de Vries,Bert Jansen,BNI Zuid,2025-01-02,,,,,,,,,\n"
        ',referral,Anna de Vries,Anna de Vries,BNI Zuid,2025-01-02,"a\nlong\nnote",,,,,,,,\n'
        ",help,Anna de Vries,Zed,BNI Zuid,2025-01-02,,,,,,,,,\n"
        ",help,Anna de Vries,Bert Jansen,BNI Zuid,2999-01-01,,,,,,,,,\n",
    )
    before = snapshot(engine)
    for extra in ([], ["--dry-run"]):
        assert failed(ledger, "import", "exchanges", str(file), *extra) == [
            "line 3: Anna de Vries cannot give to themselves; giver and receiver must differ.",
            "line 6: No member is named 'Zed'; rerun with --create-members or add them first.",
            "line 7: The date 2999-01-01 is in the future; log it on or after that day.",
            "Error: bad.csv has 3 bad rows; nothing was imported. Fix and import again.",
        ]
    assert snapshot(engine) == before


def test_dry_run_and_create_members(ledger: Run, engine: Engine, tmp_path: Path) -> None:
    file = write(
        tmp_path / "new.csv",
        f"{HEADER}\n"
        ",help,Anna de Vries,Zed Nieuw,Open Coffee,2025-01-02,,,,,,,,,\n"
        ",referral,Zed Nieuw,Bert Jansen,BNI Zuid,2025-01-03,,,,,,,,,\n",
    )
    before = snapshot(engine)
    assert ok(ledger, "import", "exchanges", str(file), "--create-members", "--dry-run") == (
        "Checked 2 rows: 2 exchanges and 1 new member (Zed Nieuw) would be added, "
        "0 already present; nothing was written."
    )
    assert snapshot(engine) == before
    # Adding members to a network is an organiser's, through a file as by hand.
    for network in ("BNI Zuid", "Open Coffee"):
        ok(ledger, "member", "join", "Bert Jansen", network, "--role", "organiser")
    assert ok(ledger, "--as", "Bert", "import", "exchanges", str(file), "--create-members") == (
        "Imported 2 exchanges (0 already present). Added 1 new member: Zed Nieuw."
    )
    imported = ok(ledger, "exchanges", "--member", "Zed Nieuw", "--json")
    assert {(e["giver"], e["receiver"], e["created_by"]) for e in imported} == {
        ("Anna de Vries", "Zed Nieuw", 2),
        ("Zed Nieuw", "Bert Jansen", 2),
    }
    listed = ok(ledger, "member", "list", "--network", "Open Coffee", "--json")
    assert [m["name"] for m in listed] == ["Anna de Vries", "Bert Jansen", "Zed Nieuw"]
    assert ok(ledger, "import", "exchanges", str(file), "--create-members") == (
        "Imported 2 exchanges (0 already present)."
    ), "rows without external_id are new every time"


@pytest.mark.parametrize(
    ("content", "error"),
    [
        (b"", "x.csv is empty; nothing to import."),
        (
            b"kind,giver\xff\n",
            "x.csv is not UTF-8 text; save it as 'CSV UTF-8' and import it again.",
        ),
    ],
    ids=["empty", "not-utf8"],
)
def test_unreadable_files_get_one_sentence(
    ledger: Run, tmp_path: Path, content: bytes, error: str
) -> None:
    (tmp_path / "x.csv").write_bytes(content)
    assert failed(ledger, "import", "exchanges", str(tmp_path / "x.csv")) == [f"Error: {error}"]


def test_header_only_and_bom_files(ledger: Run, tmp_path: Path) -> None:
    header_only = write(tmp_path / "h.csv", "\ufeff" + HEADER + "\n")
    bom = write(
        tmp_path / "bom.csv",
        "\ufeffkind,giver,receiver,network,occurred_on\nhelp,Anna de Vries,Carla Smit,BNI Zuid,"
        "2025-06-01\n",
    )
    assert ok(ledger, "import", "exchanges", str(header_only)) == (
        "h.csv has a header but no rows; nothing to import."
    )
    assert ok(ledger, "import", "exchanges", str(bom)) == "Imported 1 exchange (0 already present)."
    assert failed(ledger, "import", "exchanges", str(tmp_path / "missing.csv")) == [
        f"Error: There is no file {tmp_path / 'missing.csv'}."
    ]


def test_members_round_trip_is_idempotent(ledger: Run, engine: Engine, tmp_path: Path) -> None:
    file = tmp_path / "members.csv"
    assert ok(ledger, "export", "members", str(file)) == f"Exported 3 members to {file}."
    assert file.read_text(encoding="utf-8").splitlines() == [
        "name,company,category,email,phone,active,networks,organiser_of",
        "Anna de Vries,,Roofer,,,true,BNI Zuid; Open Coffee,Open Coffee",
        "Bert Jansen,,Roofer,,,true,BNI Zuid,",
        "Carla Smit,,Roofer,,,true,BNI Zuid,",
    ]
    before = snapshot(engine)
    assert ok(ledger, "import", "members", str(file)) == (
        "Imported 3 members: 0 added, 0 updated, 3 unchanged, 0 new memberships."
    )
    assert snapshot(engine) == before
    edited = write(
        tmp_path / "edited.csv",
        "name,email,networks\nbert jansen,bert@example.nl,Open Coffee\nDirk Bakker,,\n",
    )
    assert ok(ledger, "import", "members", str(edited), "--dry-run") == (
        "Checked 2 members: 1 added, 1 updated, 0 unchanged, 1 new membership if imported; "
        "nothing was written."
    )
    assert snapshot(engine) == before
    assert ok(ledger, "import", "members", str(edited), "--json") == {
        "file": str(edited),
        "rows": 2,
        "added": 1,
        "updated": 1,
        "unchanged": 0,
        "memberships_added": 1,
        "dry_run": False,
    }
    bert = next(m for m in ok(ledger, "member", "list", "--json") if m["name"] == "Bert Jansen")
    assert (bert["email"], bert["category"]) == ("bert@example.nl", "Roofer")
    assert failed(
        ledger, "import", "members", str(write(tmp_path / "b.csv", "name,email\nEva,x\n"))
    ) == [
        "line 2: The email 'x' is not an email address.",
        "Error: b.csv has 1 bad row; nothing was imported. Fix and import again.",
    ]


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


def test_export_all_then_import_all_reproduces_the_database_and_logging_goes_on(
    ledger: Run, engine: Engine, tmp_path: Path, fresh_url: Callable[[Engine], str]
) -> None:
    dump = tmp_path / "dump"
    summary = ok(ledger, "export", "all", str(dump))
    assert summary.startswith(f"Exported 12 rows to {dump}: network 2, member 3, membership 4,")
    assert failed(ledger, "import", "all", str(dump)) == [
        "Error: The database already holds data (network is not empty); import all loads a "
        "whole ledger into an empty database only, so point --db at a new one."
    ]
    assert failed(ledger, "export", "all", str(dump)) == [
        f"Error: {dump} is not an empty folder; export into a new or empty one."
    ]
    before = snapshot(engine)

    url = fresh_url(engine)
    runner = CliRunner()

    def run(*args: str) -> Any:
        return runner.invoke(app, ["--db", url, *args], catch_exceptions=False)

    assert ok(run, "import", "all", str(dump), "--dry-run", "--json")["rows"] == 12
    assert ok(run, "import", "all", str(dump)).startswith("Imported 12 rows: network 2, member 3,")
    target = make_engine(url)
    assert snapshot(target) == before
    logged = ok(run, "log", "help", "Anna", "Carla", "--date", "2025-07-01")
    assert logged == "Help #4 logged: Anna de Vries → Carla Smit (BNI Zuid)."
    target.dispose()
