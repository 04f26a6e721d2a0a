"""Damaged files, rows edited with SQL, read-only media and bad URLs: one sentence each.

Issue 19 found 80-line ``DatabaseError`` tracebacks for a file with random bytes in it,
readers crashing on ``weights='{bad'`` or ``occurred_on='2026-02-30'`` that ``db check``
called sound, read commands that created a ledger in a mistyped path or in another
application's SQLite file, every command failing on read-only media, and passwords and
``ValueError``\\s echoed for malformed URLs.
"""

import json
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from reciprocity.cli import app
from tests.trust.racing import cli

CLI = "import sys; sys.argv[0] = 'reciprocity'; from reciprocity.cli import main; main()"
READERS = [
    ["db", "check"],
    ["balance"],
    ["stats"],
    ["exchanges", "--json"],
    ["show", "7"],
    ["member", "list"],
    ["export", "all", "{out}"],
    ["report", "monthly", "--month", "{month}", "--out", "{out}"],
]


def invoke(*args: str) -> Any:
    """The command line in this process; an escaping exception fails the test."""
    return CliRunner().invoke(app, list(args), catch_exceptions=False)


def one_sentence_or_success(result: Any, args: list[str]) -> None:
    """What a user may see: success, or exit 1 with one ``Error:`` sentence at the end
    (``db check`` lists its findings instead, one sentence each)."""
    assert "Traceback" not in result.stderr
    assert result.exit_code in (0, 1), result.stderr
    if result.exit_code == 0 or args[:2] == ["db", "check"]:
        return
    errors = [line for line in result.stderr.splitlines() if line.startswith("Error: ")]
    assert len(errors) == 1 and result.stderr.strip().endswith(errors[0]), result.stderr


@pytest.fixture(scope="module")
def ledger_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("ledger")
    database = folder / "ledger.sqlite"
    cli(f"sqlite:///{database}", "demo", "--members", "40", "--exchanges", "6000")
    with sqlite3.connect(database) as connection:
        connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return database


def _month(database: Path) -> str:
    with sqlite3.connect(database) as connection:
        day = connection.execute("SELECT max(occurred_on) FROM exchange").fetchone()[0]
    return str(day)[:7]


@pytest.mark.parametrize("offset", [400_000, 1_000_000, 1_500_000])
def test_a_damaged_file_is_one_sentence_in_every_command(
    ledger_file: Path, tmp_path: Path, offset: int
) -> None:
    month = _month(ledger_file)
    for n, args in enumerate(READERS):
        database = tmp_path / f"damaged-{n}.sqlite"
        shutil.copyfile(ledger_file, database)
        with database.open("r+b") as handle:
            handle.seek(offset)
            handle.write(bytes(range(256)) * 2)
        out = str(tmp_path / f"out-{n}")
        filled = [arg.format(out=out, month=month) for arg in args]
        one_sentence_or_success(invoke("--db", f"sqlite:///{database}", *filled), filled)


EDITS = [
    ("UPDATE network SET weights = '{bad' WHERE id = 1", "Network #1 holds '{bad' in weights"),
    (
        "UPDATE exchange SET occurred_on = '2026-02-30' WHERE id = 7",
        "Exchange #7 holds '2026-02-30' in occurred_on, which is not a date",
    ),
    (
        "UPDATE exchange SET created_at = 'not a time' WHERE id = 7",
        "Exchange #7 holds 'not a time' in created_at, which is not a timestamp",
    ),
]


@pytest.mark.parametrize(("sql", "sentence"), EDITS, ids=["weights", "date", "timestamp"])
def test_a_row_edited_outside_the_app_is_found_by_db_check_and_named_by_every_reader(
    ledger_file: Path, tmp_path: Path, sql: str, sentence: str
) -> None:
    database = tmp_path / "edited.sqlite"
    shutil.copyfile(ledger_file, database)
    with sqlite3.connect(database) as connection:
        connection.execute(sql)
    url = f"sqlite:///{database}"
    checked = invoke("--db", url, "db", "check", "--json")
    assert checked.exit_code == 1
    problems = json.loads(checked.stdout)["problems"]
    assert any("#1" in p or "#7" in p for p in problems), problems
    out = str(tmp_path / "out")
    readers = [["balance"], ["show", "7"], ["exchanges", "--json"], ["export", "all", out]]
    named = 0
    for args in readers:
        result = invoke("--db", url, *args)
        one_sentence_or_success(result, args)
        if result.exit_code == 1:
            assert sentence in result.stderr
            named += 1
    assert named >= 2, "the edit is read by at least two of these commands"


def test_read_commands_never_create_or_change_a_database(tmp_path: Path) -> None:
    missing = tmp_path / "typo.sqlite"
    other = tmp_path / "notes.sqlite"
    with sqlite3.connect(other) as connection:
        connection.execute("CREATE TABLE note (body TEXT)")
        connection.execute("INSERT INTO note VALUES ('mine')")
    before = other.read_bytes()
    for args in (["member", "list"], ["balance"], ["exchanges", "--json"], ["db", "check"]):
        result = invoke("--db", f"sqlite:///{missing}", *args)
        assert result.exit_code == 1
        assert result.stderr.startswith(f"Error: There is no Reciprocity ledger at {missing};")
        assert not missing.exists()
        result = invoke("--db", f"sqlite:///{other}", *args)
        assert result.exit_code == 1
        assert result.stderr == (
            f"Error: {other} is not a Reciprocity ledger: it is a SQLite database of another "
            "application (tables: note); choose another file with --db.\n"
        )
    # Writers refuse another application's file too, before any pragma touches it.
    assert invoke("--db", f"sqlite:///{other}", "network", "add", "Club").exit_code == 1
    assert other.read_bytes() == before
    assert sorted(path.name for path in tmp_path.iterdir()) == ["notes.sqlite"]


def _on_read_only_media(source: Path, mount: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """Run the command with ``source``'s folder bind-mounted read-only at ``mount`` (a user
    and mount namespace: no privileges needed where unprivileged namespaces are allowed)."""
    command = " ".join(
        [
            f"mount --bind {source.parent} {mount} &&",
            f"mount -o remount,ro,bind {mount} &&",
            f'exec {sys.executable} -c "{CLI}" --db sqlite:///{mount / source.name}',
            *args,
        ]
    )
    return subprocess.run(
        ["unshare", "-rm", "sh", "-c", command],
        capture_output=True,
        text=True,
        cwd=mount.parent,
        check=False,
    )


def test_on_read_only_media_readers_work_and_writers_say_why_not(
    ledger_file: Path, tmp_path: Path
) -> None:
    if shutil.which("unshare") is None:
        pytest.skip("needs unshare(1) to mount a folder read-only")
    mount = tmp_path / "media"
    mount.mkdir()
    probe = subprocess.run(["unshare", "-rm", "true"], capture_output=True, check=False)
    if probe.returncode != 0:
        pytest.skip("this system allows no unprivileged mount namespace")
    listed = _on_read_only_media(ledger_file, mount, "member", "list", "--json")
    assert listed.returncode == 0, listed.stderr
    assert len(json.loads(listed.stdout)) == 40
    balance = _on_read_only_media(ledger_file, mount, "balance", "--csv")
    assert balance.returncode == 0, balance.stderr
    added = _on_read_only_media(ledger_file, mount, "member", "add", "Nina")
    assert added.returncode == 1
    assert added.stderr == (
        f"Error: Reciprocity cannot write to {mount / ledger_file.name}: the file or its folder "
        "is read-only (read-only media, or no permission); commands that only read, such as "
        "member list, balance and export, still work.\n"
    )


URLS = [
    ("postgresql+psycopg://rec@127.0.0.1:1/rec?password=Leak2", "Leak2"),
    ("postgresql+psycopg//rec:Secret77@127.0.0.1/rec", "Secret77"),
    ("postgresql+psycopg://u:Pw0rd99@127.0.0.1:notaport/rec", "Pw0rd99"),
    ("postgresql+psycopg://u:Pw0rd98@[::1:5499/rec", "Pw0rd98"),
]


@pytest.mark.parametrize(("url", "password"), URLS, ids=["query", "typo", "port", "ipv6"])
def test_a_bad_url_is_one_sentence_that_never_shows_its_password(url: str, password: str) -> None:
    result = subprocess.run(
        [sys.executable, "-c", CLI, "--db", url, "member", "list"],
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )
    assert result.returncode == 1
    assert result.stderr.startswith("Error: ") and result.stderr.count("\n") == 1
    assert password not in result.stderr
    assert "***" in result.stderr
