"""Hostile files: whatever bytes arrive as a CSV, an import adds all of it or nothing.

Hypothesis writes exchanges files and whole-ledger folders with random columns, values,
encodings (UTF-8 with and without BOM, UTF-16, latin-1), delimiters, quoting, duplicate
external ids, stray bytes, very long lines and empty files. Every import must either
succeed completely or leave every table exactly as it was, and it may only fail with the
ledger's own error: rows named by line, never a traceback.
"""

import csv
import io
import re
import shutil
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from sqlalchemy.engine import Engine
from sqlmodel import Session

from reciprocity.ledger.errors import ImportRejected, LedgerError
from reciprocity.ledger.members import add_member
from reciprocity.ledger.networks import add_network
from reciprocity.ledger.transfer import EXCHANGE_COLUMNS, export_all, import_all, import_exchanges
from reciprocity.store.engine import make_engine
from reciprocity.store.models import TABLES_IN_DEPENDENCY_ORDER
from reciprocity.store.tables import table_of
from tests.conftest import snapshot
from tests.unit.test_transfer import build_rich_ledger

TODAY = date(2026, 1, 15)
FUZZ = settings(
    max_examples=50,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
MEMBERS = ("Anna de Vries", "Bob Jansen", "Élodie Müller")
LINE = re.compile(r"^(?:[\w.-]+\.csv )?line (\d+): \S")

ENCODINGS = ("utf-8", "utf-8-sig", "utf-16", "latin-1", "cp1252")
TEXT = st.text(max_size=30)
HOSTILE_TEXT = st.sampled_from(
    [
        "",
        " ",
        "'=1+1",
        "=cmd|' /C calc'!A0",
        "\x00",
        "\x1b[31m",
        "a\r\nb",
        '"',
        "x" * 2001,
        "y" * 150_000,
        "\ufeff",
        "nan",
        "-inf",
        "1e400",
        "99999999999999999999",
        "2999-01-01",
        "9999-12-31T23:59:59-14:00",
        "0001-01-01T00:00:00+14:00",
        "[1, 2]",
        "null",
        '{"referral": "x"}',
        '{"referral": 1e400}',
    ]
)
CELLS: dict[str, st.SearchStrategy[str]] = {
    # Mostly right, sometimes a near miss: enough files import to test the writes too.
    "external_id": st.sampled_from(["", "", "a", "b", "dup", "dup", "ü"]),
    "kind": st.sampled_from(["referral", "help", "help", "REFERRAL", "introduction", "gift"]),
    "giver": st.sampled_from([*MEMBERS, *MEMBERS, "anna de vries", "Zed"]),
    "receiver": st.sampled_from([*MEMBERS, *MEMBERS, "Zoë"]),
    "network": st.sampled_from(["Club", "Club", "club", "Nowhere"]),
    "occurred_on": st.sampled_from(["2025-01-02", "2025-01-02", "today", "2999-01-01", "x"]),
    "summary": TEXT,
    "contact_name": st.sampled_from(["", "", "", "Piet", "'=Piet"]),
    "contact_details": st.sampled_from(["", "", "", "06-1", "'+31"]),
    "referral_type": st.sampled_from(["", "", "inside", "outside", "both"]),
    "hotness": st.sampled_from(["", "", "", "1", "5", "7", "x"]),
    "estimated_value": st.sampled_from(["", "", "", "100", "-5", "1e12", "nan", "inf"]),
    "introduction_group": st.sampled_from(["", "", "", "", "g1", "g2"]),
    "voided_at": st.sampled_from(["", "", "", "", "2025-01-01T00:00:00", "yesterday"]),
    "void_reason": st.sampled_from(["", "", "", "", "dup"]),
}


def cell(column: str) -> st.SearchStrategy[str]:
    return st.one_of(CELLS.get(column, TEXT), TEXT, HOSTILE_TEXT)


@st.composite
def exchanges_files(draw: st.DrawFn) -> bytes:
    """The bytes of an exchanges file, from nearly right to plainly hostile."""
    if draw(st.integers(0, 30)) == 0:
        return b""
    required = ["kind", "giver", "receiver", "network", "occurred_on"]
    optional = draw(st.lists(st.sampled_from(EXCHANGE_COLUMNS), unique=True, max_size=6))
    columns = draw(st.permutations(list(dict.fromkeys([*required, *optional]))))
    if draw(st.integers(0, 6)) == 0:
        columns = columns[: draw(st.integers(0, len(columns)))]  # a required column missing
    header = [draw(st.sampled_from([c, c, c.upper(), f" {c} "])) for c in columns]
    if draw(st.integers(0, 8)) == 0:
        header.append(draw(st.sampled_from(["extra", columns[0] if columns else "", ""])))
    hostile = draw(st.integers(0, 3)) == 0
    rows = [
        [draw(cell(column.strip().lower()) if hostile else fitting(column)) for column in header]
        for _ in range(draw(st.integers(0, 6)))
    ]
    if rows and draw(st.integers(0, 5)) == 0:
        rows[-1] = rows[-1][: draw(st.integers(0, len(header)))]  # a short row
    buffer = io.StringIO()
    writer = csv.writer(
        buffer,
        delimiter=draw(st.sampled_from([",", ",", ";", "\t"])),
        quoting=draw(st.sampled_from([csv.QUOTE_MINIMAL, csv.QUOTE_ALL])),
        lineterminator=draw(st.sampled_from(["\r\n", "\n", "\r"])),
    )
    writer.writerow(header)
    writer.writerows(rows)
    return damaged(draw, buffer.getvalue())


def fitting(column: str) -> st.SearchStrategy[str]:
    """A value this column could hold (or a near miss)."""
    return CELLS.get(column.strip().lower(), st.just(""))


def damaged(draw: Callable[[st.SearchStrategy[Any]], Any], text: str) -> bytes:
    """Encode ``text`` (usually as UTF-8), then perhaps break it."""
    encoding = draw(st.sampled_from(["utf-8"] * 4 + list(ENCODINGS)))
    data = text.encode(encoding, errors="replace")
    if draw(st.integers(0, 8)) == 0:
        data = draw(st.sampled_from([b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff"])) + data
    if data and draw(st.integers(0, 8)) == 0:
        at = draw(st.integers(0, len(data)))
        data = data[:at] + draw(st.binary(min_size=1, max_size=8)) + data[at:]
    if data and draw(st.integers(0, 10)) == 0:
        data = data[: draw(st.integers(0, len(data)))]
    return data


def check_refusal(error: LedgerError) -> None:
    """The ledger's error: bad rows each named by line, then one closing sentence."""
    message = str(error)
    event(f"refused: {message.splitlines()[0][:60]}")  # --hypothesis-show-statistics
    assert "Traceback" not in message
    if isinstance(error, ImportRejected):
        assert error.problems
        for problem in error.problems:
            found = LINE.match(problem)
            assert found and int(found.group(1)) >= 1, problem
        assert error.summary.endswith("Fix and import again.")
    else:
        assert "\n" not in message and message.endswith("."), message


@pytest.fixture
def club(session: Session) -> Session:
    network = add_network(session=session, name="Club")
    assert network.id is not None
    for name in MEMBERS:
        add_member(session=session, name=name, network_ids=[network.id])
    return session


@FUZZ
@given(data=exchanges_files(), create_members=st.booleans())
def test_any_exchanges_file_imports_fully_or_changes_nothing(
    club: Session, engine: Engine, tmp_path: Path, data: bytes, create_members: bool
) -> None:
    file = tmp_path / "fuzz.csv"
    file.write_bytes(data)
    before = snapshot(engine)
    try:
        result = import_exchanges(
            session=club, path=file, create_members=create_members, today=TODAY
        )
    except LedgerError as error:
        club.rollback()
        check_refusal(error)
        assert snapshot(engine) == before
        return
    event("imported")
    after = snapshot(engine)
    assert len(after["exchange"]) == len(before["exchange"]) + result.added
    assert after["exchange"][: len(before["exchange"])] == before["exchange"]
    assert len(after["member"]) == len(before["member"]) + len(result.members_added)
    assert result.rows == result.added + result.already_present


# --- The whole ledger ---------------------------------------------------------------------


@pytest.fixture(scope="module")
def dump(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """A rich ledger exported with ``export all``, the folder every example starts from."""
    folder = tmp_path_factory.mktemp("fuzz-dump")
    engine = make_engine(f"sqlite:///{folder / 'source.sqlite'}")
    with Session(engine) as session:
        build_rich_ledger(session)
        export_all(session=session, directory=folder / "dump")
    engine.dispose()
    yield folder / "dump"


def _read_table(path: Path) -> list[list[str]]:
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.reader(handle))


EDITS = ["cell", "cell", "cell", "header", "drop column", "repeat row", "drop row", "gone"]


def _apply(folder: Path, edits: list[tuple[str, str, int, str]]) -> None:
    """Edit exported files: (file, what, where, new value)."""
    for name, what, index, value in edits:
        path = folder / name
        if not path.exists():
            continue
        if what == "gone":
            path.unlink()
            continue
        try:
            rows = _read_table(path)
        except csv.Error:
            continue  # an earlier edit made it unreadable, which is damage enough
        header, body = rows[0], rows[1:]
        if what == "cell" and body:
            row = body[index % len(body)]
            row[(index * 7) % len(row)] = value
        elif what == "header":
            header[index % len(header)] = value
        elif what == "drop column":
            at = index % len(header)
            rows = [r[:at] + r[at + 1 :] for r in rows]
        elif what == "repeat row" and body:
            rows.append(body[index % len(body)])
        elif what == "drop row" and body:
            del rows[1 + index % len(body)]
        with path.open("w", newline="", encoding="utf-8") as handle:
            csv.writer(handle).writerows(rows)


def _empty(engine: Engine) -> None:
    with engine.begin() as connection:
        for model in reversed(TABLES_IN_DEPENDENCY_ORDER):
            connection.execute(sa.delete(table_of(model)))


@FUZZ
@given(data=st.data())
def test_any_damaged_dump_loads_fully_or_changes_nothing(
    engine: Engine, dump: Path, tmp_path: Path, data: st.DataObject
) -> None:
    names = sorted(path.name for path in dump.iterdir())
    edit = st.tuples(
        st.sampled_from(names), st.sampled_from(EDITS), st.integers(0, 50), cell("any")
    )
    folder = tmp_path / "edited"
    shutil.rmtree(folder, ignore_errors=True)
    shutil.copytree(dump, folder)
    _apply(folder, data.draw(st.lists(edit, max_size=3)))
    broken = data.draw(st.sampled_from([None, *names]))
    if broken is not None and (folder / broken).exists():
        text = (folder / broken).read_text(encoding="utf-8")
        (folder / broken).write_bytes(damaged(data.draw, text))
    before = snapshot(engine)
    with Session(engine) as session:
        try:
            result = import_all(session=session, directory=folder)
        except LedgerError as error:
            session.rollback()
            check_refusal(error)
            assert snapshot(engine) == before
            return
    event("imported")
    after = snapshot(engine)
    assert {name: len(rows) for name, rows in after.items()} == result.tables
    _empty(engine)
