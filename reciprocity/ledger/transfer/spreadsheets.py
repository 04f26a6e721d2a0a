"""Rows of a spreadsheet as BNI Connect exports it, or as a person re-saved it.

BNI Connect's ``.xls`` reports are XML Spreadsheet 2003 (SpreadsheetML), not binary Excel:
one worksheet, rows and cells that may skip ahead with ``ss:Index`` (1-based), empty cells
left out, CR line ends. People re-save them from Excel as ``.xlsx`` or ``.csv``. All three
give the same rows here: ``(line, cells)`` where ``line`` is the spreadsheet's row number
(the CSV's physical line), and every cell is text as the sheet shows it.

The file's content decides how it is read, not its name. A binary BIFF ``.xls`` from old
Excel is refused with a sentence saying to re-save it as ``.xlsx``.

XML is read with the standard library's ``xml.etree`` (expat). Expat 2.4.1 and later
limit entity expansion (no "billion laughs"), ElementTree never fetches external
entities, and a file that declares a DTD is refused before parsing: SpreadsheetML never
has one.
"""

import xml.etree.ElementTree as ElementTree
from collections.abc import Iterator
from datetime import date, datetime
from pathlib import Path
from typing import Any

from reciprocity.ledger.errors import LedgerError
from reciprocity.ledger.transfer.csvfiles import read_records

SPREADSHEET_NS = "urn:schemas-microsoft-com:office:spreadsheet"
_SS = f"{{{SPREADSHEET_NS}}}"
BIFF_MAGIC = b"\xd0\xcf\x11\xe0"
"""The first bytes of an OLE2 compound file: a binary Excel 97–2003 workbook."""
ZIP_MAGIC = b"PK\x03\x04"
SNIFF_BYTES = 4096

Rows = Iterator[tuple[int, list[str]]]


def spreadsheet_rows(path: Path) -> Rows:
    """The non-blank rows of the file's first worksheet, whatever form it was saved in."""
    try:
        with path.open("rb") as handle:
            start = handle.read(SNIFF_BYTES)
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
    if not start.strip():
        raise LedgerError(
            "import.empty", "{file} is empty; nothing to import.", field="file", file=path.name
        )
    if start.startswith(BIFF_MAGIC):
        raise LedgerError(
            "import.binary_xls",
            "{file} is a binary Excel 97-2003 workbook, which Reciprocity does not read; open "
            "it in Excel or LibreOffice and save it as .xlsx (or CSV UTF-8), then import that.",
            field="file",
            file=path.name,
        )
    if start.startswith(ZIP_MAGIC):
        return _xlsx_rows(path)
    text = start.lstrip(b"\xef\xbb\xbf").lstrip()
    if text.startswith(b"<"):
        return _spreadsheetml_rows(path, start)
    return _csv_rows(path)


def _not_a_report(path: Path, detail: str) -> LedgerError:
    return LedgerError(
        "import.not_spreadsheet",
        "{file} is not a spreadsheet Reciprocity can read ({detail}); export the report from "
        "BNI Connect again, or save it as .xlsx or CSV UTF-8.",
        field="file",
        file=path.name,
        detail=detail,
    )


def _spreadsheetml_rows(path: Path, start: bytes) -> Rows:
    if b"<!DOCTYPE" in start or b"<!ENTITY" in start:
        raise _not_a_report(path, "it declares a DTD, which SpreadsheetML never does")
    try:
        root = ElementTree.parse(path).getroot()
    except ElementTree.ParseError as error:
        raise _not_a_report(path, f"XML error: {error}") from None
    if root.tag != f"{_SS}Workbook":
        raise _not_a_report(path, "XML, but not an XML Spreadsheet 2003 workbook")
    sheet = root.find(f"{_SS}Worksheet")
    table = sheet.find(f"{_SS}Table") if sheet is not None else None
    if table is None:
        return iter(())
    return _table_rows(table)


def _index(element: ElementTree.Element, following: int) -> int:
    """The 1-based position ``ss:Index`` gives, else the one after the last."""
    given = element.get(f"{_SS}Index")
    if given is None:
        return following
    try:
        return max(int(given), following)
    except ValueError:
        return following


def _table_rows(table: ElementTree.Element) -> Rows:
    line = 0
    for row in table.iter(f"{_SS}Row"):
        line = _index(row, line + 1)
        cells: list[str] = []
        for cell in row.iter(f"{_SS}Cell"):
            column = _index(cell, len(cells) + 1)
            cells.extend([""] * (column - 1 - len(cells)))
            data = cell.find(f"{_SS}Data")
            cells.append("".join(data.itertext()) if data is not None else "")
            merged = cell.get(f"{_SS}MergeAcross")
            if merged and merged.isdigit():
                cells.extend([""] * int(merged))
        if any(value.strip() for value in cells):
            yield line, cells


def _xlsx_rows(path: Path) -> Rows:
    import zipfile

    from openpyxl import load_workbook

    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as error:
        raise _not_a_report(path, f"a damaged .xlsx: {error}") from None
    try:
        sheet = workbook.worksheets[0]
        for line, values in enumerate(sheet.iter_rows(values_only=True), start=1):
            cells = [_xlsx_text(value) for value in values]
            if any(value.strip() for value in cells):
                yield line, cells
    finally:
        workbook.close()


def _xlsx_text(value: Any) -> str:
    """A cell as the sheet shows it: whole numbers without ``.0``."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime | date):
        return value.isoformat()
    return str(value)


def _csv_rows(path: Path) -> Rows:
    yield from read_records(path)


HEADER_SEARCH_ROWS = 10
"""Rows a report may carry above its header (a title, the chapter's name)."""


def _header_key(cell: str) -> str:
    return " ".join(cell.split()).casefold()


def rows_under_header(
    path: Path, header: tuple[str, ...], *, optional: int = 0, report: str
) -> tuple[int, Rows]:
    """The header's line and the rows below it, each padded to the header's width.

    The header is the first row whose cells are ``header`` (any case and spacing); the
    last ``optional`` columns may be missing. Rows above it, such as a title, are skipped.
    A file without it is refused with a sentence naming the header expected.
    """
    rows = spreadsheet_rows(path)
    wanted = [_header_key(cell) for cell in header]
    first: list[str] | None = None
    for searched, (line, cells) in enumerate(rows):
        found = [_header_key(cell) for cell in cells]
        while found and not found[-1]:
            found.pop()
        if first is None:
            first = cells
        width = len(found)
        if len(wanted) - optional <= width <= len(wanted) and found == wanted[:width]:
            return line, _padded(rows, len(header))
        if searched + 1 >= HEADER_SEARCH_ROWS:
            break
    if first is None:
        raise LedgerError(
            "import.empty", "{file} is empty; nothing to import.", field="file", file=path.name
        )
    raise LedgerError(
        "import.bni_header",
        "{file} is not a {report}: its header should be {expected}, but its first row is {found}.",
        field="file",
        file=path.name,
        report=report,
        expected=", ".join(header),
        found=", ".join(cell.strip() for cell in first if cell.strip()),
    )


def _padded(rows: Rows, width: int) -> Rows:
    for line, cells in rows:
        if len(cells) < width:
            cells = cells + [""] * (width - len(cells))
        yield line, cells
