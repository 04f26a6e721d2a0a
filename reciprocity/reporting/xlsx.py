"""A streaming XLSX writer: plain SpreadsheetML in a zip, row by row, at national size.

openpyxl (which the tests use to read the workbook back) writes about 100,000 cells a
second without lxml; a national month holds a few million cells, so writing it with
openpyxl alone would take a minute. This writer streams each sheet's XML straight into
the zip: a bold frozen header, column widths, a few number formats, numbers as numbers,
dates as dates, and text as inline strings (XML-escaped, control characters dropped).
It writes nothing else (no shared strings, no formulas), so a cell can never run.
"""

import math
import re
import zipfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape, quoteattr

_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PACKAGE_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
_HEAD = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
_EPOCH = date(1899, 12, 30)
_BATCH = 2_000
"""Rows joined into one write."""

# Cell styles (index into cellXfs below).
PLAIN, BOLD, PERCENT, MONEY, DECIMAL, DAY, WHOLE = range(7)
STYLE_OF_FORMAT: dict[str | None, int] = {
    None: PLAIN,
    "0.0%": PERCENT,
    "#,##0.00": MONEY,
    "0.000": DECIMAL,
    "yyyy-mm-dd": DAY,
    "#,##0": WHOLE,
}
_STYLES = f"""{_HEAD}<styleSheet xmlns="{_MAIN}">
<numFmts count="4"><numFmt numFmtId="164" formatCode="0.0%"/>\
<numFmt numFmtId="165" formatCode="#,##0.00"/><numFmt numFmtId="166" formatCode="0.000"/>\
<numFmt numFmtId="167" formatCode="yyyy-mm-dd"/></numFmts>
<fonts count="2"><font><sz val="11"/><name val="Calibri"/></font>\
<font><b/><sz val="11"/><name val="Calibri"/></font></fonts>
<fills count="2"><fill><patternFill patternType="none"/></fill>\
<fill><patternFill patternType="gray125"/></fill></fills>
<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>
<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>
<cellXfs count="7"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>\
<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/>\
<xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>\
<xf numFmtId="165" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>\
<xf numFmtId="166" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>\
<xf numFmtId="167" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>\
<xf numFmtId="3" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/></cellXfs>
<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>
</styleSheet>"""

_UNSAFE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_MARKUP = re.compile(r"[&<>\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


@dataclass(frozen=True)
class Styled:
    """A value with its own style, for sheets whose rows differ (the summary)."""

    value: Any
    style: int


def column_letter(index: int) -> str:
    """``0`` → ``A``, ``26`` → ``AA``."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _text(value: str) -> str:
    if _MARKUP.search(value):
        value = escape(_UNSAFE.sub("", value))
    return f'<is><t xml:space="preserve">{value}</t></is>'


_ATTRS = tuple(f' s="{style}"' if style else "" for style in range(WHOLE + 1))


def _cell(ref: str, value: Any, style: int) -> str:
    """One ``<c>`` element; empty for a blank. Text and whole numbers, the bulk of a
    sheet, are tested first."""
    kind = type(value)
    if kind is str:
        return f'<c r="{ref}" t="inlineStr"{_ATTRS[style]}>{_text(value)}</c>'
    if kind is int:
        return f'<c r="{ref}"{_ATTRS[style]}><v>{value}</v></c>'
    if value is None:
        return ""
    if isinstance(value, Styled):
        return _cell(ref, value.value, value.style)
    if isinstance(value, bool):
        return f'<c r="{ref}" t="b"{_ATTRS[style]}><v>{int(value)}</v></c>'
    if isinstance(value, int):
        return f'<c r="{ref}"{_ATTRS[style]}><v>{value}</v></c>'
    if isinstance(value, float):
        return f'<c r="{ref}"{_ATTRS[style]}><v>{value!r}</v></c>' if math.isfinite(value) else ""
    if isinstance(value, datetime):
        value = value.date()
    if isinstance(value, date):
        return f'<c r="{ref}" s="{DAY}"><v>{(value - _EPOCH).days}</v></c>'
    return f'<c r="{ref}" t="inlineStr"{_ATTRS[style]}>{_text(str(value))}</c>'


class XlsxWriter:
    """Sheets streamed into one ``.xlsx`` file; call :meth:`close` to finish it."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.zip = zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1)
        self.titles: list[str] = []

    def sheet(
        self,
        title: str,
        headings: Sequence[str],
        rows: Sequence[Sequence[Any]],
        *,
        styles: Sequence[int],
        widths: Sequence[float],
        freeze_columns: int = 0,
    ) -> None:
        """One sheet: a bold header row, frozen with ``freeze_columns`` columns, then rows."""
        self.titles.append(title)
        letters = [column_letter(i) for i in range(max(len(headings), len(styles)))]
        top_left = f"{column_letter(freeze_columns)}2"
        split = f' xSplit="{freeze_columns}"' if freeze_columns else ""
        pane = "bottomRight" if freeze_columns else "bottomLeft"
        cols = "".join(
            f'<col min="{i}" max="{i}" width="{width:g}" customWidth="1"/>'
            for i, width in enumerate(widths, start=1)
        )
        width = max([len(headings), *(len(row) for row in rows)])
        dimension = f"A1:{column_letter(max(width, 1) - 1)}{len(rows) + 1}"
        name = f"xl/worksheets/sheet{len(self.titles)}.xml"
        with self.zip.open(name, "w", force_zip64=True) as handle:
            write: Callable[[str], int] = lambda text: handle.write(text.encode("utf-8"))  # noqa: E731
            write(
                f'{_HEAD}<worksheet xmlns="{_MAIN}"><dimension ref="{dimension}"/>'
                '<sheetViews><sheetView workbookViewId="0">'
                f'<pane{split} ySplit="1" topLeftCell="{top_left}" activePane="{pane}" '
                f'state="frozen"/></sheetView></sheetViews><sheetFormatPr defaultRowHeight="15"/>'
                f"<cols>{cols}</cols><sheetData>"
            )
            header = "".join(
                _cell(f"{letters[i]}1", heading, BOLD) for i, heading in enumerate(headings)
            )
            write(f'<row r="1">{header}</row>')
            batch: list[str] = []
            for number, row in enumerate(rows, start=2):
                cells = "".join(
                    _cell(f"{letters[i]}{number}", value, styles[i])
                    for i, value in enumerate(row)
                    if value is not None
                )
                batch.append(f'<row r="{number}">{cells}</row>')
                if len(batch) == _BATCH:
                    write("".join(batch))
                    batch.clear()
            write("".join(batch))
            write("</sheetData></worksheet>")

    def close(self) -> None:
        """Write the workbook's parts that list the sheets, and close the zip."""
        count = len(self.titles)
        sheets = "".join(
            f'<sheet name={quoteattr(title[:31])} sheetId="{i}" r:id="rId{i}"/>'
            for i, title in enumerate(self.titles, start=1)
        )
        workbook = (
            f'<workbook xmlns="{_MAIN}" xmlns:r="{_REL}"><sheets>{sheets}</sheets></workbook>'
        )
        self.zip.writestr("xl/workbook.xml", _HEAD + workbook)
        relations = "".join(
            f'<Relationship Id="rId{i}" Type="{_REL}/worksheet" Target="worksheets/sheet{i}.xml"/>'
            for i in range(1, count + 1)
        )
        relations += f'<Relationship Id="rId{count + 1}" Type="{_REL}/styles" Target="styles.xml"/>'
        self.zip.writestr(
            "xl/_rels/workbook.xml.rels",
            f'{_HEAD}<Relationships xmlns="{_PACKAGE_REL}">{relations}</Relationships>',
        )
        self.zip.writestr("xl/styles.xml", _STYLES)
        overrides = "".join(
            f'<Override PartName="/xl/worksheets/sheet{i}.xml" ContentType="application/'
            'vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
            for i in range(1, count + 1)
        )
        self.zip.writestr(
            "[Content_Types].xml",
            f'{_HEAD}<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" '
            'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/xl/workbook.xml" ContentType="application/'
            'vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
            '<Override PartName="/xl/styles.xml" ContentType="application/'
            'vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
            f"{overrides}</Types>",
        )
        self.zip.writestr(
            "_rels/.rels",
            f'{_HEAD}<Relationships xmlns="{_PACKAGE_REL}"><Relationship Id="rId1" '
            f'Type="{_REL}/officeDocument" Target="xl/workbook.xml"/></Relationships>',
        )
        self.zip.close()
