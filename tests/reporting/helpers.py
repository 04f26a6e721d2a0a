"""What the report tests share: reading the files back as a user's tools would."""

import csv
from pathlib import Path
from typing import Any

from openpyxl import load_workbook
from pypdf import PdfReader

EXPECTED_FILES = {
    "report.pdf",
    "report.html",
    "report.xlsx",
    "balances.csv",
    "quality.csv",
    "pairs.csv",
    "exchanges.csv",
    "balance_per_member.png",
    "given_vs_received.png",
    "exchanges_per_month.png",
    "referral_funnel.png",
    "days_to_contact.png",
    "giver_receiver_heatmap.png",
}
"""The chapter's report (the default audience)."""
LEADERSHIP_FILES = {name.replace("report.", "report-leadership.") for name in EXPECTED_FILES}
"""The leadership team's: its PDF, HTML and XLSX say who it is for in their names."""


def pdf_pages(path: Path) -> list[str]:
    """The text of every page, as a PDF reader extracts it."""
    return [page.extract_text() for page in PdfReader(path).pages]


def csv_rows(path: Path) -> tuple[list[str], list[list[str]]]:
    """Header and data rows."""
    with path.open(newline="", encoding="utf-8") as handle:
        header, *rows = list(csv.reader(handle))
    return header, rows


def sheet_values(path: Path, title: str) -> list[list[Any]]:
    """Every row of one sheet as cell values (the header first)."""
    workbook = load_workbook(path, read_only=True)
    try:
        sheet = workbook[title]
        # Every row is read as wide as the header, so a row ending in blanks keeps its
        # width.
        header = next(sheet.iter_rows(max_row=1, values_only=True), ())
        return [list(row) for row in sheet.iter_rows(max_col=len(header), values_only=True)]
    finally:
        workbook.close()


def all_sheet_text(path: Path) -> str:
    """Every text cell of every sheet, joined: for "does X appear anywhere" checks."""
    workbook = load_workbook(path, read_only=True)
    try:
        return "\n".join(
            str(value)
            for sheet in workbook.worksheets
            for row in sheet.iter_rows(values_only=True)
            for value in row
            if isinstance(value, str)
        )
    finally:
        workbook.close()


def csv_value(text: str, like: Any) -> Any:
    """A CSV cell read back as the type of the analytics value it should equal."""
    if text == "":
        return None
    if isinstance(like, bool):
        return text == "True"
    if isinstance(like, int):
        return int(text)
    if isinstance(like, float):
        return float(text)
    return text
