"""Files a person gets appear whole or not at all, and nothing is written through a link.

Issue 19: a ``db backup`` killed after a few seconds left a file that opened as an empty
ledger, and a retry was refused; a failed ``export all`` left four of ten files and the
rerun was refused; a planted ``x.csv.part → victim`` received an export; a full disk was
reported without naming the file; ``import exchanges /dev/zero`` ran out of memory. The
commands run here as real processes, killed with SIGKILL where the issue did.
"""

import resource
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from reciprocity.store.models import TABLES_IN_DEPENDENCY_ORDER
from reciprocity.store.tables import table_of
from tests.trust.racing import cli

CLI = "import sys; sys.argv[0] = 'reciprocity'; from reciprocity.cli import main; main()"
TABLE_FILES = {f"{table_of(model).name}.csv" for model in TABLES_IN_DEPENDENCY_ORDER}
"""One file per ledger table, as ``export all`` writes them."""


def reciprocity(
    database: Path, *args: str, setup: Callable[[], None] | None = None
) -> subprocess.Popen[str]:
    """``reciprocity --db sqlite:///DATABASE ARGS`` as its own process."""
    return subprocess.Popen(
        [sys.executable, "-c", CLI, "--db", f"sqlite:///{database}", *args],
        cwd=database.parent,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        preexec_fn=setup,
    )


def finished(process: subprocess.Popen[str]) -> tuple[int, str, str]:
    out, err = process.communicate(timeout=300)
    return process.returncode, out, err


@pytest.fixture(scope="module")
def ledger_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A chapter's year of history (40 members, 6,000 exchanges), settled into one file."""
    folder = tmp_path_factory.mktemp("ledger")
    database = folder / "ledger.sqlite"
    cli(f"sqlite:///{database}", "demo", "--members", "40", "--exchanges", "6000")
    with sqlite3.connect(database) as connection:
        connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return database


@pytest.fixture
def ledger(ledger_file: Path, tmp_path: Path) -> Path:
    copy = tmp_path / "ledger.sqlite"
    shutil.copyfile(ledger_file, copy)
    return copy


def _kill_when_something_appears(
    process: subprocess.Popen[str], folder: Path, delay: float
) -> None:
    """SIGKILL the process ``delay`` seconds after its first file shows up in ``folder``."""
    while process.poll() is None and not any(folder.iterdir()):
        time.sleep(0.0005)
    time.sleep(delay)
    process.kill()
    process.wait()


def _exchanges_in(database: Path) -> int:
    with sqlite3.connect(f"file:{database}?mode=ro", uri=True) as connection:
        assert connection.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        return int(connection.execute("SELECT count(*) FROM exchange").fetchone()[0])


@pytest.mark.parametrize("delay", [0.0, 0.002, 0.01])
def test_a_backup_killed_half_way_leaves_no_file_and_the_retry_works(
    ledger: Path, tmp_path: Path, delay: float
) -> None:
    backups = tmp_path / "backups"
    backups.mkdir()
    target = backups / "monday.sqlite"
    _kill_when_something_appears(reciprocity(ledger, "db", "backup", str(target)), backups, delay)
    # Either nothing answers to the name, or a whole copy does: never an empty "ledger".
    if target.exists():
        assert _exchanges_in(target) == 6000
        target.unlink()
    code, out, err = finished(reciprocity(ledger, "db", "backup", str(target)))
    assert (code, err) == (0, "")
    assert "integrity check of the copy found no fault" in out
    assert _exchanges_in(target) == 6000


def _damage_table(database: Path, table: str) -> None:
    """Overwrite the root page of ``table``'s b-tree: every read of the table fails."""
    with sqlite3.connect(database) as connection:
        page_size = connection.execute("PRAGMA page_size").fetchone()[0]
        (root,) = connection.execute(
            "SELECT rootpage FROM sqlite_master WHERE type = 'table' AND name = ?", (table,)
        ).fetchone()
    with database.open("r+b") as handle:
        handle.seek((root - 1) * page_size)
        handle.write(bytes(range(256)) * (page_size // 256))


def test_a_damaged_database_is_not_backed_up_as_if_it_were_sound(
    ledger: Path, tmp_path: Path
) -> None:
    _damage_table(ledger, "followup")
    target = tmp_path / "copy.sqlite"
    code, out, err = finished(reciprocity(ledger, "db", "backup", str(target)))
    assert (code, out) == (1, "")
    assert err.startswith("Error: The database is damaged (") and err.count("\n") == 1
    assert "no backup was written" in err
    assert not target.exists()


def test_a_failed_export_all_leaves_nothing_and_can_simply_run_again(
    ledger: Path, ledger_file: Path, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    _damage_table(ledger, "exchange")  # the fifth table: four files are written before it
    code, _, err = finished(reciprocity(ledger, "export", "all", str(out)))
    assert code == 1
    assert err.startswith(f"Error: The database {ledger} is damaged (") and err.count("\n") == 1
    assert not out.exists()
    assert list(tmp_path.glob(".out.*")) == []
    shutil.copyfile(ledger_file, ledger)  # restored from a backup
    code, _, err = finished(reciprocity(ledger, "export", "all", str(out)))
    assert (code, err) == (0, "")
    assert {file.name for file in out.iterdir()} == TABLE_FILES


@pytest.mark.parametrize("delay", [0.0, 0.005, 0.02, 0.05])
def test_an_export_all_killed_half_way_leaves_no_half_folder(
    ledger: Path, tmp_path: Path, delay: float
) -> None:
    exports = tmp_path / "exports"
    exports.mkdir()
    out = exports / "all"
    _kill_when_something_appears(reciprocity(ledger, "export", "all", str(out)), exports, delay)
    if out.exists():  # killed after the rename: it is whole
        assert {file.name for file in out.iterdir()} == TABLE_FILES
        shutil.rmtree(out)
    code, _, err = finished(reciprocity(ledger, "export", "all", str(out)))
    assert (code, err) == (0, "")
    copy = tmp_path / "copy.sqlite"
    code, _, err = finished(reciprocity(copy, "import", "all", str(out)))
    assert (code, err) == (0, "")
    assert _exchanges_in(copy) == 6000


def test_an_export_never_writes_through_a_planted_link(ledger: Path, tmp_path: Path) -> None:
    victim = tmp_path / "victim.txt"
    victim.write_text("precious", encoding="utf-8")
    target = tmp_path / "x.csv"
    (tmp_path / "x.csv.part").symlink_to(victim)  # where an export used to write first
    code, _, err = finished(reciprocity(ledger, "export", "exchanges", str(target)))
    assert (code, err) == (0, "")
    assert victim.read_text(encoding="utf-8") == "precious"
    # A link at the name itself is replaced with --force, and its target left alone.
    target.unlink()
    target.symlink_to(victim)
    code, _, err = finished(reciprocity(ledger, "export", "exchanges", str(target)))
    assert code == 1 and "already exists" in err
    code, _, err = finished(reciprocity(ledger, "export", "exchanges", str(target), "--force"))
    assert (code, err) == (0, "")
    assert victim.read_text(encoding="utf-8") == "precious" and not target.is_symlink()
    linked = tmp_path / "linked"
    linked.symlink_to(tmp_path / "elsewhere", target_is_directory=True)
    code, _, err = finished(reciprocity(ledger, "export", "all", str(linked)))
    assert code == 1 and "is a link" in err


def _small_files() -> None:
    """What a full disk looks like to a process: writes beyond 64 KiB fail (EFBIG)."""
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    resource.setrlimit(resource.RLIMIT_FSIZE, (64 * 1024, 64 * 1024))


def test_a_full_disk_is_one_sentence_that_names_the_file(ledger: Path, tmp_path: Path) -> None:
    target = tmp_path / "all-exchanges.csv"
    process = reciprocity(ledger, "export", "exchanges", str(target), setup=_small_files)
    code, out, err = finished(process)
    assert (code, out) == (1, "")
    assert err == (
        f"Error: The file {target} could not be written (File too large); nothing was written "
        "to it.\n"
    )
    assert [path.name for path in tmp_path.iterdir() if "exchanges" in path.name] == []


def _two_gigabytes() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (2 * 1024**3, 2 * 1024**3))


def test_an_endless_or_binary_file_is_refused_in_one_sentence(ledger: Path, tmp_path: Path) -> None:
    process = reciprocity(ledger, "import", "exchanges", "/dev/zero", setup=_two_gigabytes)
    assert finished(process) == (
        1,
        "",
        "Error: zero is not a text file (line 1 holds a NUL character); import a CSV file.\n",
    )
    binary = tmp_path / "photo.csv"
    binary.write_bytes(b"name,email\nJPEG\0\x10\x02\x7f,x\n")
    code, _, err = finished(reciprocity(ledger, "import", "members", str(binary)))
    assert code == 1 and "photo.csv is not a text file (line 2 holds a NUL character)" in err


def test_a_question_mark_in_a_sqlite_path_is_refused_and_creates_nothing(tmp_path: Path) -> None:
    folder = tmp_path / "empty"
    folder.mkdir()
    process = subprocess.run(
        [
            sys.executable,
            "-c",
            CLI,
            "--db",
            f"sqlite:///{folder}/ledger?x.sqlite",
            "network",
            "add",
            "X",
        ],
        capture_output=True,
        text=True,
        cwd=folder,
        check=False,
    )
    assert process.returncode == 1
    assert "has a '?' in it; a SQLite URL names a file" in process.stderr
    assert list(folder.iterdir()) == []


def test_a_line_without_end_is_refused_after_a_bounded_read(tmp_path: Path) -> None:
    """A 20 MB file without a line break: the import reads 4 MiB of it and stops."""
    file = tmp_path / "one-line.csv"
    file.write_text("kind,giver," + "x" * 20_000_000, encoding="utf-8")
    database = tmp_path / "ledger.sqlite"
    cli(f"sqlite:///{database}", "init")
    code, _, err = finished(reciprocity(database, "import", "exchanges", str(file)))
    assert code == 1
    assert err == (
        "Error: one-line.csv has a line of more than 4,194,304 characters at line 1; it is not "
        "a CSV file of rows, so nothing was imported.\n"
    )
