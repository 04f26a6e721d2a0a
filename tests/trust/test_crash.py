"""Crash safety: an import killed at any moment leaves none or all of it, never half.

A 100,000-row ``reciprocity import exchanges`` runs as a real process and is killed with
SIGKILL (no cleanup, no rollback by Python) several times: at seeded random moments and
once in the middle of its write. After every kill the database holds exactly what it held
before or the whole file, SQLite's own integrity check passes, and running the import
again adds exactly the rows that are missing. A backup taken while another process
writes opens and passes ``db check``.
"""

import csv
import json
import random
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlmodel import Session

from reciprocity.ledger.integrity import check_ledger
from reciprocity.ledger.members import add_member
from reciprocity.ledger.networks import add_network
from reciprocity.ledger.transfer import import_exchanges
from reciprocity.store.engine import make_engine

ROWS = 100_000
ALREADY = 10_000
"""Rows imported before the kills, so the last run must add exactly the other 90,000."""
MEMBERS = 40
SEED = 20_261_126
RANDOM_KILLS = 3
START = date(2020, 1, 1)


def _name(n: int) -> str:
    return f"Member {n:02}"


@dataclass(frozen=True)
class Files:
    full: Path
    prefix: Path


@pytest.fixture(scope="session")
def import_files(tmp_path_factory: pytest.TempPathFactory) -> Files:
    """A 100,000-row exchanges file (and its first 10,000 rows), written once per session."""
    folder = tmp_path_factory.mktemp("crash-import")
    files = Files(full=folder / "exchanges.csv", prefix=folder / "first.csv")
    with files.full.open("w", newline="") as full, files.prefix.open("w", newline="") as prefix:
        writers = [csv.writer(full), csv.writer(prefix)]
        header = ["external_id", "kind", "giver", "receiver", "network", "occurred_on", "hotness"]
        for writer in writers:
            writer.writerow(header)
        for n in range(ROWS):
            giver, receiver = n % MEMBERS, (n * 7 + 1) % MEMBERS
            if giver == receiver:
                receiver = (giver + 1) % MEMBERS
            referral = n % 3 == 0
            row = [
                f"crash-{n:06}",
                "referral" if referral else "help",
                _name(giver),
                _name(receiver),
                "Club",
                (START + timedelta(days=n % 2000)).isoformat(),
                str(1 + n % 5) if referral else "",
            ]
            for writer in writers[: 2 if n < ALREADY else 1]:
                writer.writerow(row)
    return files


def _club(url: str, files: Files) -> None:
    """A network of 40 members that already holds the file's first 10,000 rows."""
    engine = make_engine(url)
    with Session(engine) as session:
        network = add_network(session=session, name="Club")
        assert network.id is not None
        for n in range(MEMBERS):
            add_member(session=session, name=_name(n), network_ids=[network.id])
        assert import_exchanges(session=session, path=files.prefix).added == ALREADY
    engine.dispose()


def _import(url: str, file: Path, *extra: str) -> "subprocess.Popen[str]":
    return subprocess.Popen(
        [sys.executable, "-m", "reciprocity", "--db", url, "import", "exchanges", str(file)]
        + list(extra),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _kill(process: "subprocess.Popen[str]") -> bool:
    """SIGKILL the import; False when it had already finished."""
    finished = process.poll() is not None
    if not finished:
        process.send_signal(signal.SIGKILL)
    process.communicate(timeout=60)
    return not finished and process.returncode == -signal.SIGKILL


def _wait_until(condition: Callable[[], bool], process: "subprocess.Popen[str]") -> bool:
    """Poll ``condition`` while the import runs; False if the import ended first."""
    deadline = time.monotonic() + 120
    while process.poll() is None and time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.001)
    return False


def _state(url: str) -> tuple[int, list[str]]:
    """Exchanges held, and every breach ``db check`` finds (SQLite's integrity check too)."""
    engine = make_engine(url)
    try:
        with engine.connect() as connection:
            count = connection.execute(sa.text("SELECT count(*) FROM exchange")).scalar_one()
            problems: list[str] = []
            if connection.dialect.name == "sqlite":
                rows = connection.execute(sa.text("PRAGMA integrity_check")).scalars().all()
                if rows != ["ok"]:
                    problems.append(f"integrity_check: {rows}")
        with Session(engine) as session:
            problems += check_ledger(session=session)
    finally:
        engine.dispose()
    return int(count), problems


def _in_the_write(url: str) -> Callable[[], bool]:
    """True once the import has started writing rows (not just reading the file)."""
    if url.startswith("sqlite"):
        # WAL frames reach the file while the transaction's pages are being written out;
        # the file is gone or empty before (the last connection to close checkpoints it).
        wal = Path(f"{sa.make_url(url).database}-wal")
        return lambda: wal.exists() and wal.stat().st_size > 0
    watcher = sa.create_engine(url, poolclass=sa.pool.NullPool)
    query = sa.text(
        "SELECT count(*) FROM pg_stat_activity WHERE state = 'active' "
        "AND query ILIKE 'INSERT INTO exchange%'"
    )

    def inserting() -> bool:
        with watcher.connect() as connection:
            return bool(connection.execute(query).scalar_one())

    return inserting


@pytest.fixture
def club_url(db_url: str, import_files: Files) -> Iterator[str]:
    _club(db_url, import_files)
    yield db_url


def test_an_import_killed_at_any_moment_leaves_none_or_all_of_it(
    club_url: str, import_files: Files
) -> None:
    url = club_url
    rng = random.Random(SEED)
    # The import takes ~4-6 s on SQLite and ~13 s on PostgreSQL here. Random kills land
    # from interpreter start-up through reading and checking, early enough that the last
    # run still has rows to add; the write itself got the targeted kill above.
    longest = 2.5 if url.startswith("sqlite") else 5.0
    outcomes: list[tuple[str, bool, int]] = []
    # First one kill placed in the write itself, where a half-written import would show
    # (first, because a later random kill may let an import finish).
    for _attempt in range(3):
        process = _import(url, import_files.full)
        writing = _wait_until(_in_the_write(url), process)
        killed = _kill(process)
        count, problems = _state(url)
        outcomes.append(("while writing" if writing else "(finished first)", killed, count))
        assert count in (ALREADY, ROWS), outcomes
        assert problems == []
        if count == ROWS or (writing and killed):
            break
    assert any(label == "while writing" and killed for label, killed, _ in outcomes), outcomes

    for delay in [rng.uniform(0.3, longest) for _ in range(RANDOM_KILLS)]:
        process = _import(url, import_files.full)
        time.sleep(delay)
        killed = _kill(process)
        count, problems = _state(url)
        outcomes.append((f"after {delay:.2f} s", killed, count))
        assert count in (ALREADY, ROWS), outcomes
        assert problems == []

    held, _ = _state(url)
    process = _import(url, import_files.full, "--json")
    out, err = process.communicate(timeout=300)
    assert process.returncode == 0, err
    summary = json.loads(out)
    assert (summary["added"], summary["already_present"]) == (ROWS - held, held)
    count, problems = _state(url)
    assert (count, problems) == (ROWS, [])
    print(f"{url.split(':')[0]}: {outcomes}; final run added {summary['added']:,}")


WRITER = """
import sys, time
from datetime import date
from pathlib import Path
from sqlmodel import Session
from reciprocity.ledger.exchanges import log_help
from reciprocity.store.engine import make_engine

engine = make_engine(sys.argv[1])
stop = Path(sys.argv[2])
n = 0
while not stop.exists() and n < 20_000:
    with Session(engine) as session:
        log_help(session=session, giver_id=1 + n % 40, receiver_id=1 + (n + 1) % 40,
                 occurred_on=date(2024, 1, 1), summary=f"written during a backup {n}")
    n += 1
    if n == 20:
        Path(sys.argv[2] + ".started").touch()
print(n)
"""


def _reciprocity(url: str, *args: str) -> "subprocess.CompletedProcess[str]":
    return subprocess.run(
        [sys.executable, "-m", "reciprocity", "--db", url, *args],
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_a_backup_taken_while_another_process_writes_is_sound(
    tmp_path: Path, import_files: Files
) -> None:
    url = f"sqlite:///{tmp_path / 'live.sqlite'}"
    _club(url, import_files)
    stop = tmp_path / "stop"
    writer = subprocess.Popen(
        [sys.executable, "-c", WRITER, url, str(stop)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        deadline = time.monotonic() + 60
        while not Path(f"{stop}.started").exists():
            assert writer.poll() is None, writer.communicate()
            assert time.monotonic() < deadline
            time.sleep(0.05)
        backups = []
        for n in range(3):
            target = tmp_path / f"backup-{n}.sqlite"
            made = _reciprocity(url, "db", "backup", str(target))
            assert made.returncode == 0, made.stderr
            assert made.stdout.strip() == (
                f"Backed up to {target}; SQLite's integrity check of the copy found no fault."
            )
            backups.append(target)
    finally:
        stop.touch()
        out, err = writer.communicate(timeout=120)
    assert writer.returncode == 0, err
    written = int(out)
    counts = []
    for target in backups:
        checked = _reciprocity(f"sqlite:///{target}", "db", "check", "--json")
        assert checked.returncode == 0, checked.stdout + checked.stderr
        assert json.loads(checked.stdout) == {"ok": True, "problems": []}
        count, problems = _state(f"sqlite:///{target}")
        assert problems == []
        counts.append(count)
    # Each backup is one moment of the live ledger: later backups hold no fewer rows.
    assert counts == sorted(counts)
    assert counts[0] > ALREADY and counts[-1] <= ALREADY + written
    assert _state(url) == (ALREADY + written, [])
