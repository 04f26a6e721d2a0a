"""BNI Connect files as BNI Connect writes them, built with the standard library's XML tools.

A SpreadsheetML 2003 workbook (``.xls``): the ``<?mso-application?>`` instruction, the
spreadsheet namespace as the default and as ``ss:``, one worksheet named ``Report``, CR
line ends, empty cells left out and the next cell placed with ``ss:Index`` (1-based), and
blank rows skipped with ``ss:Index`` on the next row. The same rows re-saved as ``.xlsx``
(openpyxl) and ``.csv`` are what people send after opening the report in Excel.
"""

import csv
import re
from collections.abc import Sequence
from pathlib import Path
from xml.dom import minidom

NS = "urn:schemas-microsoft-com:office:spreadsheet"
SLIP_HEADER = ["From", "To", "Slip Type", "Inside/Outside", "TYFCB Amount", "CEU Credits", "Detail"]
PALMS_HEADER = [
    "First Name",
    "Last Name",
    *("P", "A", "L", "M", "S", "RGI", "RGO", "RRI", "RRO", "V", "1-2-1", "TYFCB", "CEU"),
    "Custom",
]
CHAPTER = "BNI Alpha"
OTHER_CHAPTER = "BNI Energy, Deira Dubai, United Arab Emirates"
_NUMBER = re.compile(r"\d+")

Rows = Sequence[Sequence[str]]


def spreadsheetml(rows: Rows, *, numbers: frozenset[int] = frozenset()) -> bytes:
    """The rows as BNI Connect's XML Spreadsheet 2003. ``None`` rows are blank rows.

    Cells in the columns ``numbers`` (0-based) that hold whole numbers are typed Number,
    the rest String.
    """
    document = minidom.getDOMImplementation().createDocument(NS, "Workbook", None)
    document.insertBefore(
        document.createProcessingInstruction("mso-application", 'progid="Excel.Sheet"'),
        document.documentElement,
    )
    book = document.documentElement
    assert book is not None
    book.setAttribute("xmlns", NS)
    book.setAttribute("xmlns:ss", NS)
    book.setAttribute("xmlns:o", "urn:schemas-microsoft-com:office:office")
    sheet = document.createElementNS(NS, "Worksheet")
    sheet.setAttributeNS(NS, "ss:Name", "Report")
    book.appendChild(sheet)
    table = document.createElementNS(NS, "Table")
    sheet.appendChild(table)
    skipped_row = False
    for number, row in enumerate(rows, start=1):
        if not any(cell.strip() for cell in row):
            skipped_row = True
            continue
        element = document.createElementNS(NS, "Row")
        if skipped_row:
            element.setAttributeNS(NS, "ss:Index", str(number))
            skipped_row = False
        skipped_cell = False
        for column, value in enumerate(row, start=1):
            if value == "":
                skipped_cell = True
                continue
            cell = document.createElementNS(NS, "Cell")
            if skipped_cell:
                cell.setAttributeNS(NS, "ss:Index", str(column))
                skipped_cell = False
            data = document.createElementNS(NS, "Data")
            numeric = column - 1 in numbers and _NUMBER.fullmatch(value)
            data.setAttributeNS(NS, "ss:Type", "Number" if numeric else "String")
            data.appendChild(document.createTextNode(value))
            cell.appendChild(data)
            element.appendChild(cell)
        table.appendChild(element)
    text = document.toprettyxml(indent=" ", newl="\r", encoding="utf-8")
    return text.replace(b'<?xml version="1.0" encoding="utf-8"?>', b'<?xml version="1.0"?>')


def write_xls(path: Path, rows: Rows, *, numbers: frozenset[int] = frozenset()) -> Path:
    path.write_bytes(spreadsheetml(rows, numbers=numbers))
    return path


def write_xlsx(path: Path, rows: Rows) -> Path:
    """The rows re-saved from Excel: whole numbers as numbers, the rest as text."""
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "Report"
    for row in rows:
        sheet.append([int(cell) if _NUMBER.fullmatch(cell) else (cell or None) for cell in row])
    book.save(path)
    return path


def write_csv(path: Path, rows: Rows) -> Path:
    with path.open("w", newline="", encoding="utf-8-sig") as handle:
        csv.writer(handle).writerows(rows)
    return path


WEEK = "2025-08-18"
"""A Monday; the chapter meets on the Wednesday, 2025-08-20."""
MEETING_DAY = "2025-08-20"

HAND_WORKED: list[list[str]] = [
    SLIP_HEADER,
    ["Aarti  Lakhwani", "Bilal Khan", "Referral", "Tier 1 (inside)", "", "", ""],
    ["Aarti  Lakhwani", "Bilal Khan", "Referral", "Tier 1 (inside)", "", "", ""],
    ["Bilal Khan", "Chen Wei", "Referral", "Tier 2 (outside)", "", "", ""],
    ["Chen Wei", "Omar Haddad", "Referral", "Tier 2 (outside)", "", "", OTHER_CHAPTER],
    ["Omar  Haddad ", "Dana Cruz", "Referral", "Tier 1 (inside)", "", "", OTHER_CHAPTER],
    ["Dana Cruz", "Aarti Lakhwani", "One-to-One", "", "", "", ""],
    ["Chen Wei", "Omar Haddad", "One-to-One", "", "", "", OTHER_CHAPTER],
    ["", "Bilal Khan", "TYFCB", "", "850.00", "", ""],
    ["Chen Wei", "Bilal Khan", "TYFCB", "", "1,200.50", "", ""],
    ["Aarti Lakhwani", "", "CEU", "", "", "2", ""],
    ["Dana Cruz ", "", "CEU", "", "", "1", ""],
    ["Bilal Khan", "Vera Visitor", "Visitor", "", "", "", ""],
    ["Dana Cruz", "", "Visitor", "", "", "", ""],
]
"""A week of the chapter with every slip type, two chapters and a repeated row.

Counted by hand (docs/bni.md's mapping), with the other chapter included:

| person | RGI | RGO | RRI | RRO | V | 1-2-1 | TYFCB | CEU |
|---|---|---|---|---|---|---|---|---|
| Aarti Lakhwani | 2 | 0 | 0 | 0 | 0 | 1 | 0 | 2 |
| Bilal Khan | 0 | 1 | 2 | 0 | 1 | 0 | 2050.50 | 0 |
| Chen Wei | 0 | 1 | 0 | 1 | 0 | 1 | 0 | 0 |
| Dana Cruz | 0 | 0 | 1 | 0 | 1 | 1 | 0 | 1 |
| Omar Haddad (BNI Energy) | 1 | 0 | 0 | 1 | 0 | 1 | 0 | 0 |

The TYFCB from Chen to Bilal matches Bilal's referral to Chen of the same week.
"""
SLIP_NUMBERS = frozenset({5})
"""CEU Credits are numbers in BNI Connect's files; TYFCB amounts are text."""
