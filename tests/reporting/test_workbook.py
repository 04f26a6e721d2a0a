"""The workbook's cells, written with XlsxWriter and read back with openpyxl."""

from datetime import date, datetime
from pathlib import Path

from openpyxl import load_workbook

from reciprocity.reporting.tables import Book, write_sheet


def test_text_stays_text_and_numbers_stay_numbers(tmp_path: Path) -> None:
    workbook = Book(tmp_path / "book.xlsx")
    keys = ("member", "occurred_on", "value_given", "contact_rate", "given_points", "summary")
    rows = [
        ["#N/A", date(2026, 10, 3), 1200.5, 0.25, 7, "=SUM(A1:A9)"],
        ["Ann\x01 Plain", date(2026, 10, 4), float("nan"), None, -3, "@cmd"],
    ]
    write_sheet(workbook, "Sheet", keys, rows)
    workbook.close()

    sheet = load_workbook(tmp_path / "book.xlsx")["Sheet"]
    assert sheet.freeze_panes == "B2"
    assert sheet["A1"].font.b and sheet["A1"].value == "Member"
    # Excel shows a column's stored width less 5 px of padding at 7 px a character
    # (Calibri 11): 28.71 is shown as 28.
    assert round(sheet.column_dimensions["A"].width - 5 / 7, 1) == 28
    first = list(sheet[2])
    # An error code stays a string, a formula is guarded, a control character dropped.
    assert first[0].value == "#N/A" and first[0].data_type == "s"
    assert first[5].value == "'=SUM(A1:A9)" and first[5].data_type == "s"
    assert sheet["A3"].value == "Ann Plain"
    assert sheet["F3"].value == "'@cmd"
    # Numbers are numbers in their formats; dates are dates; NaN is left blank.
    assert first[1].value == datetime(2026, 10, 3) and first[1].number_format == "yyyy-mm-dd"
    assert first[2].value == 1200.5 and first[2].number_format == "#,##0.00"
    assert first[3].value == 0.25 and first[3].number_format == "0.0%"
    assert first[4].value == 7 and first[4].data_type == "n"
    assert sheet["C3"].value is None and sheet["D3"].value is None
    assert sheet["E3"].value == -3
