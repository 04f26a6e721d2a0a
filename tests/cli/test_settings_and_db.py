"""Where the database is, who is acting, and the ``init``/``db`` commands."""

import json
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from reciprocity.cli import app
from reciprocity.config import Settings, config_file, default_database_url


def invoke(*args: str, env: dict[str, str] | None = None) -> Result:
    return CliRunner().invoke(app, list(args), env=env, catch_exceptions=False)


def test_bare_command_prints_help_and_version_works() -> None:
    result = invoke()
    assert result.exit_code == 0
    assert "log" in result.stdout and "exchanges" in result.stdout
    version = invoke("--version")
    assert version.stdout.startswith("reciprocity ")


def test_python_dash_m_runs_the_command_line(tmp_path: Path) -> None:
    db = tmp_path / "m.sqlite"
    result = subprocess.run(
        [sys.executable, "-m", "reciprocity", "--db", f"sqlite:///{db}", "init"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert f"Database ready at {db}" in result.stdout


def test_default_database_lives_in_the_user_data_dir(tmp_path: Path) -> None:
    result = invoke("init")
    expected = tmp_path / "xdg-data" / "reciprocity" / "reciprocity.sqlite"
    assert default_database_url() == f"sqlite:///{expected}"
    assert f"Database ready at {expected}" in result.stdout
    assert expected.exists()


def test_environment_and_config_file_choose_the_database_and_the_member(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config_file().parent.mkdir(parents=True)
    config_file().write_text(
        f'db = "sqlite:///{tmp_path / "from-file.sqlite"}"\nacting_member = "Anna"\n'
    )
    settings = Settings()
    assert settings.database_url().endswith("from-file.sqlite")
    assert settings.acting_member == "Anna"
    monkeypatch.setenv("RECIPROCITY_DB", f"sqlite:///{tmp_path / 'from-env.sqlite'}")
    monkeypatch.setenv("RECIPROCITY_AS", "Bob")
    assert Settings().database_url().endswith("from-env.sqlite")
    assert Settings().acting_member == "Bob"
    assert Settings(db="sqlite:///cli.sqlite").database_url() == "sqlite:///cli.sqlite"
    result = invoke("init")
    assert "from-env.sqlite" in result.stdout


def test_acting_member_is_recorded_as_the_writer(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'as.sqlite'}"
    for args in (
        ["network", "add", "Club"],
        ["member", "add", "Anna", "--network", "Club"],
        ["member", "add", "Bob", "--network", "Club"],
    ):
        assert invoke("--db", url, *args).exit_code == 0
    invoke("--db", url, "--as", "bob", "log", "referral", "Anna", "Bob")
    invoke("--db", url, "log", "referral", "Bob", "Anna")
    listed = json.loads(invoke("--db", url, "exchanges", "--json").stdout)
    assert [(e["giver"], e["created_by"]) for e in listed] == [("Bob", None), ("Anna", 2)]
    for command in (["log", "referral", "Anna", "Bob"], ["void", "1", "--reason", "typo"]):
        unknown = invoke("--db", url, "--as", "Zed", *command)
        assert unknown.exit_code == 1
        assert "No member is named 'Zed'" in unknown.stderr
    assert [
        e["voided_at"] for e in json.loads(invoke("--db", url, "exchanges", "--json").stdout)
    ] == [
        None,
        None,
    ]


def test_db_check_and_backup(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'live.sqlite'}"
    invoke("--db", url, "network", "add", "Club")
    invoke("--db", url, "member", "add", "Anna", "--network", "Club")
    invoke("--db", url, "member", "add", "Bob", "--network", "Club")
    invoke("--db", url, "log", "referral", "Anna", "Bob")
    checked = invoke("--db", url, "db", "check", "--json")
    assert json.loads(checked.stdout) == {"ok": True, "problems": []}

    copy = tmp_path / "copy.sqlite"
    backed_up = invoke("--db", url, "db", "backup", str(copy))
    assert backed_up.exit_code == 0
    assert sqlite3.connect(copy).execute("SELECT count(*) FROM exchange").fetchone() == (1,)
    assert invoke("--db", f"sqlite:///{copy}", "db", "check").exit_code == 0
    nowhere = invoke("--db", url, "db", "backup", "/proc/backup.sqlite")
    assert nowhere.exit_code == 1
    assert "The backup /proc/backup.sqlite could not be written" in nowhere.stderr
    again = invoke("--db", url, "db", "backup", str(copy))
    assert again.exit_code == 1
    assert "already exists; choose a new file name" in again.stderr

    # A breach written behind the ledger's back is reported with its id.
    raw = sqlite3.connect(tmp_path / "live.sqlite")
    raw.execute("UPDATE exchange SET voided_at = '2026-01-01 00:00:00', void_reason = NULL")
    raw.commit()
    raw.close()
    broken = invoke("--db", url, "db", "check")
    assert broken.exit_code == 1
    assert "Voided exchanges without a reason: #1." in broken.stderr


@pytest.mark.parametrize(
    ("url", "sentence"),
    [
        ("postgresql+psycopg://nobody:x@127.0.0.1:1/none", "could not be opened (connection"),
        ("nonsense", "'nonsense' is not a database URL; use sqlite:///"),
        ("mysql://u:p@localhost/x", "in SQLite or PostgreSQL, not mysql"),
        ("sqlite:////etc/hostname", "/etc/hostname is not a SQLite database (file is not a"),
        ("sqlite:////no/such/folder/x.sqlite", "The folder /no/such/folder does not exist"),
    ],
)
def test_a_database_that_cannot_be_opened_is_one_sentence(url: str, sentence: str) -> None:
    result = invoke("--db", url, "member", "list")
    assert result.exit_code == 1
    assert result.stderr.startswith("Error: ")
    assert sentence in result.stderr
    assert result.stderr.count("\n") == 1
    assert not Path("/no/such/folder").exists()


@pytest.mark.parametrize(
    ("content", "sentence"),
    [
        ("db = [", "is not valid TOML"),
        ("db = 5", "The setting 'db' in"),
    ],
)
def test_a_broken_settings_file_is_one_sentence(content: str, sentence: str) -> None:
    config_file().parent.mkdir(parents=True)
    config_file().write_text(content + "\n")
    result = invoke("member", "list")
    assert result.exit_code == 1
    assert sentence in result.stderr
    assert result.stderr.count("\n") == 1


def test_demo_never_touches_the_configured_database(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    configured = tmp_path / "real.sqlite"
    monkeypatch.setenv("RECIPROCITY_DB", f"sqlite:///{configured}")
    monkeypatch.setenv("RECIPROCITY_AS", "Someone Real")
    result = invoke("--demo", "init")
    assert result.exit_code == 0, result.stderr
    assert "demo.sqlite" in result.stdout
    assert not configured.exists()
    both = invoke("--demo", "--db", f"sqlite:///{configured}", "init")
    assert both.exit_code == 1
    assert both.stderr == "Error: --demo uses its own database; leave out --db.\n"
    assert not configured.exists()
