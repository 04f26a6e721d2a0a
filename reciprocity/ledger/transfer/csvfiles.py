"""Reading and writing the CSV files of every transfer format, and parsing their cells.

Shared by the exchanges, members and whole-ledger formats: physical line numbers for
errors, BOM and delimiter handling, type parsers with one-sentence errors, and the
one-transaction bulk write. Nothing here knows a ledger rule.
"""

import csv
import gc
import json
import os
import re
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import UTC, date, datetime
from itertools import chain
from operator import itemgetter
from pathlib import Path
from typing import Any, TextIO

import sqlalchemy as sa
from sqlmodel import Session

from reciprocity.i18n import Term, format_number
from reciprocity.ledger import files
from reciprocity.ledger.errors import ImportRejected, LedgerError
from reciprocity.ledger.rules import field_key, line_problem, parse_date
from reciprocity.store.models import (
    Exchange,
    Member,
    Membership,
    Network,
)
from reciprocity.store.tables import table_of

BATCH_ROWS = 10_000
"""Rows per ``executemany``: large enough to amortise the round trip, small enough for memory."""


MEMBER_TABLE = table_of(Member)
NETWORK_TABLE = table_of(Network)
MEMBERSHIP_TABLE = table_of(Membership)
EXCHANGE_TABLE = table_of(Exchange)


THIRD_PARTY_COLUMNS: tuple[str, ...] = ("contact_name", "contact_details")
"""Columns about people outside the ledger: ``--for-sharing`` leaves them empty."""

_FORMULA = re.compile(r"'*[=+\-@\t\r]")
"""A cell a spreadsheet would run as a formula (OWASP CSV injection), or one that already
carries the guard's ``'`` before such a character."""


def guard_formula(text: str) -> str:
    """Put ``'`` before a text cell a spreadsheet would otherwise run as a formula.

    ``=1+1`` is written ``'=1+1``. A value that already starts with quotes before such a
    character (``'=x``) gets one more, so :func:`unguard_formula` gives back exactly it.
    """
    return "'" + text if _FORMULA.match(text) else text


def guard_row(row: Mapping[str, Any]) -> dict[str, Any]:
    """A row for a CSV writer with its text cells guarded (:func:`guard_formula`); numbers,
    dates and empty cells stay as they are, so a spreadsheet still counts with them."""
    return {
        key: guard_formula(value) if isinstance(value, str) else value for key, value in row.items()
    }


def unguard_formula(cell: str) -> str:
    """Undo :func:`guard_formula`: drop one ``'`` before ``=``, ``+``, ``-``, ``@``, tab or CR."""
    return cell[1:] if cell[:1] == "'" and _FORMULA.match(cell, 1) else cell


def rejected(
    source: str, problems: Sequence[str], *, rows: bool = True, field: str = "file"
) -> ImportRejected:
    """The summary closing a list of ``line N: …`` problems; ``field`` is the input read
    (``file``, or ``folder`` for a whole-ledger import)."""
    count = len(problems)
    if rows:
        return (
            ImportRejected(
                problems,
                "import.rejected_rows_one",
                "{file} has {count} bad row; nothing was imported. Fix and import again.",
                field=field,
                file=source,
                count=count,
            )
            if count == 1
            else ImportRejected(
                problems,
                "import.rejected_rows",
                "{file} has {count} bad rows; nothing was imported. Fix and import again.",
                field=field,
                file=source,
                count=count,
            )
        )
    return (
        ImportRejected(
            problems,
            "import.rejected_problems_one",
            "{file} has {count} problem; nothing was imported. Fix and import again.",
            field=field,
            file=source,
            count=count,
        )
        if count == 1
        else ImportRejected(
            problems,
            "import.rejected_problems",
            "{file} has {count} problems; nothing was imported. Fix and import again.",
            field=field,
            file=source,
            count=count,
        )
    )


# --- Reading and writing CSV -------------------------------------------------------------


LINE_LIMIT = 4 * 1024 * 1024
"""The longest physical line an import reads, in characters: more than a row of the widest
file with every cell at the cell limit. A longer line (``/dev/zero``, a 300 MB file
without a line break) is no CSV file, and reading on would only fill memory."""


def _bounded_lines(handle: TextIO, path: Path) -> Iterator[str]:
    """The file's lines, each read with a bound; a line that is too long, or holds a NUL
    character (a binary file), is refused before the next one is read."""
    number = 0
    while text := handle.readline(LINE_LIMIT + 1):
        number += 1
        if "\0" in text:
            raise LedgerError(
                "import.not_text",
                "{file} is not a text file (line {line} holds a NUL character); import a CSV file.",
                field="file",
                file=path.name,
                line=number,
            )
        if len(text) > LINE_LIMIT:
            raise LedgerError(
                "import.line_too_long",
                "{file} has a line of more than {limit} characters at line {line}; it is not "
                "a CSV file of rows, so nothing was imported.",
                field="file",
                file=path.name,
                limit=format_number(LINE_LIMIT),
                line=number,
            )
        yield text


def read_records(path: Path) -> Iterator[tuple[int, list[str]]]:
    """Yield ``(line, cells)`` for every record that is not blank, the header included.

    ``line`` is the physical line the record starts on (header = 1), so a quoted summary
    that spans lines does not shift the numbers a user looks up in an editor.
    """
    try:
        handle = path.open(newline="", encoding="utf-8-sig")
    except FileNotFoundError:
        raise LedgerError(
            "import.no_file", "There is no file {path}.", field="file", path=str(path)
        ) from None
    except OSError as error:
        raise LedgerError(
            "import.unreadable",
            "{path} cannot be read ({reason}).",
            field="file",
            path=str(path),
            reason=error.strerror,
        ) from None
    with handle:
        line = 1
        try:
            lines = _bounded_lines(handle, path)
            # Excel writes ';' between cells where ',' is the decimal comma (NL, DE, FR).
            header = next(lines, "")
            delimiter = ";" if header.count(";") > header.count(",") else ","
            reader = csv.reader(chain([header], lines), delimiter=delimiter, strict=True)
            for cells in reader:
                if "".join(cells).strip():  # not blank: some cell holds more than spaces
                    yield line, cells
                line = reader.line_num + 1
        except UnicodeDecodeError:
            raise LedgerError(
                "import.not_utf8",
                "{file} is not UTF-8 text; save it as 'CSV UTF-8' and import it again.",
                field="file",
                file=path.name,
            ) from None
        except csv.Error as error:
            if "field larger than field limit" in str(error):
                raise LedgerError(
                    "import.cell_too_long",
                    "{file} has a cell of more than {limit:,} characters at line {line}; no "
                    "field of the ledger is that long, so check that line.",
                    field="file",
                    file=path.name,
                    limit=csv.field_size_limit(),
                    line=line,
                ) from None
            raise LedgerError(
                "import.not_csv",
                "{file} is not valid CSV at line {line} ({detail}); check the quotes on that line.",
                field="file",
                file=path.name,
                line=line,
                detail=str(error),
            ) from None


def _positions(
    source: str,
    line: int,
    header: list[str],
    *,
    known: Sequence[str],
    required: Iterable[str],
) -> list[int]:
    """Where each ``known`` column sits in a row; a missing optional column points past the end.

    Rows get one empty cell appended, so a column the file leaves out reads as empty.
    """
    names = [cell.strip().lower() for cell in header]
    problems: list[str] = []
    for index, name in enumerate(names):
        if name not in known:
            unknown = LedgerError(
                "import.unknown_column",
                "Unknown column '{column}'. The columns are: {columns}.",
                field="file",
                column=header[index].strip(),
                columns=", ".join(known),
            )
            problems.append(line_problem(line, unknown))
        elif names.index(name) != index:
            twice = LedgerError(
                "import.column_twice",
                "The column '{column}' appears twice.",
                field="file",
                column=name,
            )
            problems.append(line_problem(line, twice))
    problems.extend(
        line_problem(
            line,
            LedgerError(
                "import.column_missing",
                "The required column '{column}' is missing.",
                field="file",
                column=name,
            ),
        )
        for name in required
        if name not in names
    )
    if problems:
        raise rejected(source, problems, rows=False)
    return [names.index(name) if name in names else len(names) for name in known]


def read_data_rows(
    path: Path, *, known: Sequence[str], required: Iterable[str]
) -> tuple[int, Iterator[tuple[int, tuple[str, ...]]]]:
    """The header's width and the data rows, each as its ``known`` cells in that order."""
    records = read_records(path)
    first = next(records, None)
    if first is None:
        raise LedgerError(
            "import.empty", "{file} is empty; nothing to import.", field="file", file=path.name
        )
    header_line, header = first
    positions = _positions(path.name, header_line, header, known=known, required=required)
    pick = itemgetter(*positions)
    width = len(header)

    def rows() -> Iterator[tuple[int, tuple[str, ...]]]:
        for line, cells in records:
            if len(cells) != width:
                yield line, ()
                continue
            cells.append("")
            picked: tuple[str, ...] = pick(cells)
            # One C-level search first: most rows hold no quote at all.
            if "'" in "".join(picked) and any(cell[:1] == "'" for cell in picked):
                picked = tuple(unguard_formula(cell) for cell in picked)
            yield line, picked

    return width, rows()


def wrong_width(width: int) -> LedgerError:
    return LedgerError(
        "import.wrong_width",
        "The row does not have the header's {width} fields; check its commas and quotes.",
        width=width,
    )


def _format(value: Any) -> str:
    """One cell: empty for NULL, ISO dates and timestamps, JSON for JSON columns."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


def format_text(value: Any) -> str:
    """A text cell, guarded against running as a spreadsheet formula."""
    if type(value) is str:  # nearly every cell: no formatting to do
        return "'" + value if _FORMULA.match(value) else value
    return guard_formula(_format(value))


def _format_money(value: Any) -> str:
    # SQLite hands back a whole amount as an int, PostgreSQL as a float: write both to
    # the cent so the same ledger exports the same file from either database.
    return "" if value is None else f"{float(value):.2f}"


def cell_formatters(query: sa.Select[Any]) -> list[Callable[[Any], str]]:
    """How to write each column the query selects."""
    return [_formatter(column.type) for column in query.selected_columns]


def _formatter(kind: Any) -> Callable[[Any], str]:
    # Only text is guarded: a number, date or JSON object never starts a formula, and a
    # negative amount must stay a number in the spreadsheet.
    if isinstance(kind, sa.types.TypeDecorator):
        kind = kind.impl_instance
    if isinstance(kind, sa.Numeric):
        return _format_money
    if isinstance(kind, sa.String):
        return format_text
    return _format


def write_csv(
    path: Path,
    header: Sequence[str],
    rows: Iterable[Sequence[Any]],
    *,
    formats: Sequence[Callable[[Any], str]],
    overwrite: bool,
    shown_as: Path | None = None,
) -> int:
    """Write rows under a new hidden name beside the target, then give the complete file
    its name (:mod:`reciprocity.ledger.files`): never half a file, never through a link.

    ``shown_as`` is the name an error gives the file (``export all`` writes into a hidden
    folder that becomes the one the user named)."""
    if path.is_dir():
        raise LedgerError(
            "export.is_folder",
            "{path} is a folder; name a file, such as {example}.",
            field="file",
            path=str(path),
            example=str(path / "exchanges.csv"),
        )
    if os.path.lexists(path) and not overwrite:
        raise files.exists_error(path)
    if not path.parent.is_dir():
        raise LedgerError(
            "export.no_folder",
            "The folder {folder} does not exist.",
            field="file",
            folder=str(path.parent),
        )
    partial = files.sibling(path)
    count = 0
    try:
        with open(files.create(partial), "w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle)
            writer.writerow(header)
            for row in rows:
                writer.writerow([write(value) for write, value in zip(formats, row, strict=True)])
                count += 1
        files.place(partial, path, overwrite=overwrite)
    except OSError as error:
        raise files.write_failed(shown_as or path, error) from None
    finally:
        partial.unlink(missing_ok=True)
    return count


def stream_rows(connection: sa.Connection, query: sa.Select[Any]) -> Iterator[Sequence[Any]]:
    """Rows of a query in chunks, so exporting a large ledger never holds it in memory."""
    yield from connection.execute(query.execution_options(yield_per=BATCH_ROWS))


_SQLITE_CACHE_KIB = 64 * 1024
"""SQLite's page cache during a bulk write. With the default 2 MB, the five exchange indexes
miss the cache on almost every insert; 64 MB makes a million-row import about 25% faster
for about 70 MB more memory at most (the cache only grows as far as the write needs)."""


@contextmanager
def _large_page_cache(session: Session) -> Iterator[None]:
    connection = session.connection()
    if connection.dialect.name != "sqlite":
        yield
        return
    previous = connection.exec_driver_sql("PRAGMA cache_size").scalar()
    connection.exec_driver_sql(f"PRAGMA cache_size=-{_SQLITE_CACHE_KIB}")
    try:
        yield
    finally:
        connection.exec_driver_sql(f"PRAGMA cache_size={int(previous or 0)}")


@contextmanager
def cycles_not_collected() -> Iterator[None]:
    """Pause Python's cycle collector while a large import reads, checks and writes.

    An import builds millions of tuples, strings and dates that never form a cycle (they
    are freed by reference counting alone), yet every few hundred allocations the
    collector walks the young ones, and every so often all the million rows held for the
    write. Measured on a 1,000,000-row exchanges file: 42 s of CPU with the collector,
    29 s without, at the same peak memory. It runs again, if it ran before, as soon as
    the import ends, whether it succeeded or not.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


REBUILD_INDEXES_FROM = 50_000
"""Rows from which a SQLite import drops a table's secondary indexes and builds them again
after its inserts, in the same transaction. A million random inserts into seven b-trees
take about four times as long as sorting each index once at the end."""


@contextmanager
def secondary_indexes_rebuilt(
    connection: sa.Connection, table: str, *, rebuild: bool
) -> Iterator[None]:
    """On SQLite with ``rebuild``, drop ``table``'s own indexes, run the body, recreate them.

    It all happens in the import's transaction, so a crash or an error rolls the indexes
    back with the rows: the database never stays without them. The unique constraints'
    automatic indexes stay, so duplicates are still refused as each row goes in. Only when
    the body succeeds are the indexes rebuilt (an error leaves the rollback to the caller).
    """
    if not rebuild or connection.dialect.name != "sqlite":
        yield
        return
    if not connection.connection.dbapi_connection.in_transaction:  # type: ignore[union-attr]
        # The driver opens a transaction only before a DML statement; DROP INDEX before
        # one would commit on its own, so open it here (taking the write lock up front).
        connection.exec_driver_sql("BEGIN IMMEDIATE")
    indexes = connection.exec_driver_sql(
        "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = ? "
        "AND sql IS NOT NULL ORDER BY name",
        (table,),
    ).all()
    for name, _sql in indexes:
        connection.exec_driver_sql(f'DROP INDEX "{name}"')
    yield
    for _name, sql in indexes:
        connection.exec_driver_sql(sql)


def write_in_one_transaction(session: Session, write: Callable[[], None]) -> None:
    """Run ``write`` and commit, or roll all of it back: an import is all or nothing."""
    try:
        with _large_page_cache(session):
            write()
        session.commit()
    except sa.exc.IntegrityError:
        # Only a writer racing the import can break a constraint the checks just passed.
        session.rollback()
        raise LedgerError(
            "import.concurrent_write",
            "Someone else wrote to the ledger during the import, so nothing was imported; "
            "run the import again.",
        ) from None
    except sa.exc.DBAPIError as error:
        session.rollback()
        detail = str(error.orig).strip().splitlines()[0] if error.orig else str(error)
        raise LedgerError(
            "import.database_refused",
            "The database refused the import ({detail}); nothing was imported.",
            detail=detail,
        ) from None
    except BaseException:
        session.rollback()
        raise


# --- Cell parsers (shared by every format) -------------------------------------------------


def parse_int(text: str, *, field: str) -> int:
    try:
        return int(text.strip())
    except ValueError:
        raise LedgerError(
            "number.not_whole",
            "The {label} '{text}' is not a whole number.",
            field=field_key(field),
            label=Term(field),
            text=text,
        ) from None


def parse_number(text: str, *, field: str) -> float:
    try:
        return float(text.strip())
    except ValueError:
        raise LedgerError(
            "number.invalid",
            "The {label} '{text}' is not a number; write it like 1500.00.",
            field=field_key(field),
            label=Term(field),
            text=text,
        ) from None


def parse_moment(text: str, *, field: str) -> datetime:
    """An ISO 8601 timestamp; one without an offset is read as UTC."""
    try:
        moment = datetime.fromisoformat(text.strip())
        # Year 9999 at -14:00 is past the last moment Python can hold in UTC.
        return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)
    except (ValueError, OverflowError):
        raise LedgerError(
            "timestamp.invalid",
            "The {label} '{text}' is not a timestamp; write it like 2026-01-31T09:30:00+00:00.",
            field=field_key(field),
            label=Term(field),
            text=text,
        ) from None


_TRUE = frozenset({"true", "yes", "1"})
_FALSE = frozenset({"false", "no", "0"})


def parse_bool(text: str, *, field: str) -> bool:
    lowered = text.strip().lower()
    if lowered in _TRUE:
        return True
    if lowered in _FALSE:
        return False
    raise LedgerError(
        "boolean.invalid",
        "The {label} '{text}' is not true or false.",
        field=field_key(field),
        label=Term(field),
        text=text,
    )


def parse_json(text: str, *, field: str) -> Any:
    try:
        return json.loads(text)
    except ValueError:
        raise LedgerError(
            "json.invalid",
            "The {label} '{text}' is not valid JSON.",
            field=field_key(field),
            label=Term(field),
            text=text,
        ) from None


def parse_day(text: str, *, field: str) -> date:
    return parse_date(text, field=field)
