"""The report's tables: their columns in words, how each value is shown, and the CSV and
XLSX files that carry them in full.

CSV headers are exactly the analytics keys (:mod:`reciprocity.analytics.keys`) and the
ledger's exchange export columns, so scripts can rely on them; XLSX headers name the
same fields in words. Every text cell of both goes through the ledger's
:func:`~reciprocity.ledger.transfer.csvfiles.guard_formula`, so a member named
``=HYPERLINK(…)`` stays text in a spreadsheet; numbers stay numbers.
"""

import csv
import math
import os
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from reciprocity.analytics.keys import BALANCE_KEYS, PAIR_KEYS, QUALITY_KEYS
from reciprocity.i18n import N_, _, format_money, format_number, format_percent, ngettext
from reciprocity.ledger.transfer.csvfiles import guard_formula
from reciprocity.ledger.transfer.exchanges_file import EXCHANGE_COLUMNS, export_exchanges

if TYPE_CHECKING:
    from xlsxwriter.worksheet import Worksheet

PERCENT_KEYS = frozenset(
    {
        "contact_rate",
        "within_sla_rate",
        "conversion_rate",
        "referral_yield",
        "share_nonnegative",
        "reciprocity",
    }
)
TWO_DECIMAL_KEYS = frozenset({"ratio", "balance_index", "gini"})
"""Ratios and indexes: always two decimals."""
ONE_DECIMAL_KEYS = frozenset({"avg_rating"})
DAYS_KEYS = frozenset({"median_days_to_contact", "median_days_to_close"})
"""Medians of whole days: a whole number, or a half when the middle falls between two."""
MONEY_KEYS = frozenset({"value_given", "value_received", "value_won", "estimated_value"})
TEXT_KEYS = frozenset({"member", "other"})
LOWER_IS_BETTER = frozenset({"gini", "median_days_to_contact"})
"""Key figures where a fall is good news (every other one but ``members`` rises for it)."""

WORDS: dict[str, str] = {
    "member_id": N_("Member id"),
    "member": N_("Member"),
    "other": N_("Other member"),
    "given_referral": N_("Referrals given"),
    "given_help": N_("Help given"),
    "given_introduction": N_("Introductions given"),
    "received_referral": N_("Referrals received"),
    "received_help": N_("Help received"),
    "received_introduction": N_("Introductions received"),
    "given_points": N_("Points given"),
    "received_points": N_("Points received"),
    "balance": N_("Balance"),
    "ratio": N_("Ratio given to received"),
    "balance_index": N_("Balance index (-1 to 1)"),
    "value_given": N_("Business won by others from their referrals"),
    "value_received": N_("Business won from referrals received"),
    "received": N_("Referrals received"),
    "contacted": N_("Followed up"),
    "contact_rate": N_("Share followed up"),
    "median_days_to_contact": N_("Typical days to first contact"),
    "within_sla_rate": N_("Share contacted in the agreed days"),
    "won": N_("Won"),
    "lost": N_("Lost"),
    "no_response": N_("No response"),
    "open": N_("Still open"),
    "conversion_rate": N_("Share won"),
    "avg_rating": N_("Average rating (1-5)"),
    "given": N_("Referrals given"),
    "given_won": N_("Referrals given and won"),
    "referral_yield": N_("Share of referrals given that were won"),
    "external_id": N_("External id"),
    "kind": N_("Kind"),
    "giver": N_("Giver"),
    "receiver": N_("Receiver"),
    "network": N_("Network"),
    "occurred_on": N_("Date"),
    "summary": N_("Summary"),
    "contact_name": N_("Contact name"),
    "contact_details": N_("Contact details"),
    "referral_type": N_("Referral type"),
    "hotness": N_("Hotness (1-5)"),
    "estimated_value": N_("Estimated value"),
    "introduction_group": N_("Introduction group"),
    "voided_at": N_("Voided at"),
    "void_reason": N_("Void reason"),
}
"""Every column of the report's tables in words (the CSV files keep the keys)."""


def in_words(key: str, currency: str | None = None) -> str:
    """A key as a spreadsheet heading: ``given_points`` → "Points given"; an amount
    names its currency: "Estimated value (EUR)"."""
    words = _(WORDS[key])
    if key in MONEY_KEYS and currency:
        return _("{heading} ({currency})").format(heading=words, currency=currency)
    return words


def points(count: Any) -> str:
    """``1 point``, ``1,200 points``: a count of points in words."""
    number = int(count)
    return ngettext("{count} point", "{count} points", number).format(count=format_number(number))


def money(value: float, currency: str | None) -> str:
    """An amount in the network's currency (``€1,234.56``); a plain number with cents
    where networks of several currencies are added up (``currency`` ``None``)."""
    if currency is None:
        return format_number(value, 2)
    return format_money(value, currency)


def days(value: float) -> str:
    """A median of days: ``4`` or ``2.5``."""
    return format_number(value, 0 if float(value).is_integer() else 1)


def show(key: str, value: Any, *, currency: str | None = None) -> str:
    """A value as the PDF and HTML show it, in the active locale: percentages with one
    decimal, ratios with two, money in ``currency``."""
    if value is None:
        return "–"
    if isinstance(value, list):
        return ", ".join(str(item) for item in value) or _("none")
    if key in MONEY_KEYS:
        return money(float(value), currency)
    if key in PERCENT_KEYS:
        return format_percent(float(value), 1)
    if key in TWO_DECIMAL_KEYS:
        return format_number(float(value), 2)
    if key in ONE_DECIMAL_KEYS:
        return format_number(float(value), 1)
    if key in DAYS_KEYS:
        return days(float(value))
    if isinstance(value, int):
        return format_number(value)
    return str(value)


def _signed(text: str, delta: float) -> str:
    return ("+" + text) if delta > 0 else text


def show_change(key: str, now: Any, before: Any, *, currency: str | None = None) -> str:
    """The change from the month before, signed, in the value's own unit ("no change"
    when it rounds to nothing)."""
    if now is None or before is None or isinstance(now, list):
        return "–"
    delta = float(now - before)
    if key in PERCENT_KEYS:
        points_ = round(delta * 100, 1)
        text = _("{value} percentage points").format(value=format_number(points_, 1))
        delta = points_
    elif key in MONEY_KEYS:
        delta = round(delta, 2)
        text = money(delta, currency)
    elif key in TWO_DECIMAL_KEYS:
        delta = round(delta, 2)
        text = format_number(delta, 2)
    elif key in DAYS_KEYS:
        delta = round(delta, 1)
        text = days(delta)
    else:
        delta = round(delta)
        text = format_number(int(delta))
    return _("no change") if delta == 0 else _signed(text, delta)


def tone(key: str, now: Any, before: Any) -> str:
    """``better``, ``worse`` or ``same``: how a change reads for the group."""
    if now is None or before is None or key == "members" or now == before:
        return "same"
    rose = now > before
    return "better" if rose != (key in LOWER_IS_BETTER) else "worse"


def number_format(key: str) -> str | None:
    """The spreadsheet number format of a numeric column, if not General."""
    if key in PERCENT_KEYS:
        return "0.0%"
    if key in MONEY_KEYS:
        return "#,##0.00"
    if key in TWO_DECIMAL_KEYS:
        return "0.00"
    if key in ONE_DECIMAL_KEYS | DAYS_KEYS:
        return "0.0"
    if key == "occurred_on":
        return "yyyy-mm-dd"
    return None


# --- CSV ---------------------------------------------------------------------------------


def _cell(value: Any) -> Any:
    """A CSV cell: empty for None, guarded text, numbers as they are."""
    if value is None:
        return ""
    if isinstance(value, str):
        return guard_formula(value)
    return value


def write_table_csv(path: Path, keys: Sequence[str], rows: Iterable[dict[str, Any]]) -> Path:
    """Rows of an analytics function with exactly its keys as the header."""
    partial = path.with_name(path.name + ".part")
    try:
        with partial.open("w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle, lineterminator="\n")
            writer.writerow(keys)
            for row in rows:
                writer.writerow([_cell(row[key]) for key in keys])
        os.replace(partial, path)
    finally:
        partial.unlink(missing_ok=True)
    return path


TABLES: dict[str, tuple[str, ...]] = {
    "balances": BALANCE_KEYS,
    "quality": QUALITY_KEYS,
    "pairs": PAIR_KEYS,
}
"""The analytics tables the report carries in full, by file stem."""


def write_exchanges_csv(
    *, session: Any, path: Path, network_id: int | None, start: date, end: date
) -> Path:
    """The month's counted exchanges in the ledger's export format, for sharing.

    The ledger's own export writes the file (outside contacts left empty, text guarded)
    without the voided exchanges, which count in no metric, so the rows are exactly the
    ``exchanges`` figure of the report. :func:`read_exchanges` reads it back typed.
    """
    export_exchanges(
        session=session,
        path=path,
        network_id=network_id,
        date_from=start,
        date_to=end,
        overwrite=True,
        for_sharing=True,
        voided=False,
    )
    return path


def read_exchanges(path: Path) -> list[list[Any]]:
    """The rows of :func:`write_exchanges_csv`'s file for the spreadsheet: dates as dates,
    hotness and value as numbers, blanks as ``None`` and text exactly as the CSV holds it
    (already guarded)."""
    with path.open(newline="", encoding="utf-8") as source:
        reader = csv.reader(source)
        next(reader)
        return [_typed(cells) for cells in reader]


_DAY = EXCHANGE_COLUMNS.index("occurred_on")
_HOTNESS = EXCHANGE_COLUMNS.index("hotness")
_VALUE = EXCHANGE_COLUMNS.index("estimated_value")


def _typed(cells: list[str]) -> list[Any]:
    row: list[Any] = [cell or None for cell in cells]
    row[_DAY] = date.fromisoformat(cells[_DAY])
    if cells[_HOTNESS]:
        row[_HOTNESS] = int(cells[_HOTNESS])
    if cells[_VALUE]:
        row[_VALUE] = float(cells[_VALUE])
    return row


# --- XLSX --------------------------------------------------------------------------------

_WIDE = {"member": 28, "other": 28, "summary": 40, "giver": 24, "receiver": 24, "network": 24}
_UNSAFE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
"""Characters an XML worksheet cannot hold; dropped from text cells."""
_DATE_FORMAT = "yyyy-mm-dd"


def _width(key: str) -> float:
    return float(_WIDE.get(key, max(10, min(30, len(in_words(key)) + 2))))


@dataclass(frozen=True)
class Styled:
    """A cell with its own look: a bold label, or a number in a format."""

    value: Any
    number_format: str | None = None
    bold: bool = False


class Sheet:
    """One worksheet, filled top to bottom a row at a time (:meth:`append`)."""

    def __init__(self, book: "Book", worksheet: "Worksheet") -> None:
        self._book = book
        self._worksheet = worksheet
        self._row = 0

    def append(self, cells: Sequence[Any]) -> None:
        """The next row: ``None`` is a blank, text always stays text (made safe as in
        :func:`text_value`), a date is a date, a :class:`Styled` cell keeps its look."""
        write = self._worksheet
        for column, value in enumerate(cells):
            look = None
            if isinstance(value, Styled):
                look = self._book.look(value.number_format, bold=value.bold)
                value = value.value
            if value is None:
                continue
            if isinstance(value, str):
                write.write_string(self._row, column, text_value(value), look)
            elif isinstance(value, date):
                write.write_datetime(self._row, column, value, look or self._book.dates)
            elif isinstance(value, float) and not math.isfinite(value):
                continue
            else:
                write.write_number(self._row, column, value, look)
        self._row += 1

    def append_rows(
        self,
        rows: Iterable[Sequence[Any]],
        *,
        formats: Sequence[str | None],
        guarded: bool = False,
    ) -> None:
        """Rows of plain values, each column in its number format (``None``: General).

        Text goes through :func:`text_value` (``guarded``: already guarded against
        formulas); numbers, dates and blanks go in as they are, so they stay numbers; a
        float that is not finite is left blank. This is the path of every big table, so
        it calls the writer directly.
        """
        looks = [self._book.look(number) for number in formats]
        dates = self._book.dates
        write_string = self._worksheet.write_string
        write_number = self._worksheet.write_number
        write_datetime = self._worksheet.write_datetime
        row_number = self._row
        for row in rows:
            for column, value in enumerate(row):
                kind = type(value)
                if kind is str:
                    write_string(row_number, column, text_value(value, guarded=guarded))
                elif value is None:
                    continue
                elif kind is date:
                    write_datetime(row_number, column, value, dates)
                elif kind is float and not math.isfinite(value):
                    continue
                else:
                    write_number(row_number, column, value, looks[column])
            row_number += 1
        self._row = row_number


class Book:
    """An XLSX workbook written with XlsxWriter in constant-memory mode: each sheet streams
    to disk as its rows are written, so a national month never sits in memory as cells.
    XlsxWriter writes about three times as many cells a second as openpyxl's write-only
    mode (docs/performance.md). The file appears at ``path`` on :meth:`close`."""

    def __init__(self, path: Path) -> None:
        from xlsxwriter import Workbook

        self._workbook = Workbook(
            str(path),
            {
                "constant_memory": True,
                # Text is written as text, never read as a formula, number or link.
                "strings_to_formulas": False,
                "strings_to_numbers": False,
                "strings_to_urls": False,
            },
        )
        self._looks: dict[tuple[str | None, bool], Any] = {(None, False): None}
        self.dates = self.look(_DATE_FORMAT)

    def look(self, number_format: str | None, *, bold: bool = False) -> Any:
        """The cell format for a number format and weight, made once per workbook."""
        key = (number_format, bold)
        if key not in self._looks:
            properties: dict[str, Any] = {"bold": bold} if bold else {}
            if number_format is not None:
                properties["num_format"] = number_format
            self._looks[key] = self._workbook.add_format(properties)
        return self._looks[key]

    def add_sheet(
        self,
        title: str,
        headings: Sequence[str],
        *,
        widths: Sequence[float],
        freeze_columns: int = 0,
        banner: str | None = None,
    ) -> Sheet:
        """A sheet with its bold header row, frozen with ``freeze_columns`` columns, and
        its column widths; append the rows next. ``banner`` is printed at the top of every
        page of the sheet."""
        worksheet = self._workbook.add_worksheet(title[:31])
        if banner:
            # "&" starts a header code; "&&" is a plain ampersand.
            worksheet.set_header("&C" + banner.replace("&", "&&"))
        worksheet.freeze_panes(1, freeze_columns)
        for index, width in enumerate(widths):
            worksheet.set_column(index, index, width)
        sheet = Sheet(self, worksheet)
        sheet.append([Styled(heading, bold=True) for heading in headings])
        return sheet

    def close(self) -> None:
        """Write the file."""
        self._workbook.close()


def text_value(text: str, *, guarded: bool = False) -> str:
    """A text cell's value: guarded against formulas (unless it already is) and
    characters XML cannot hold dropped. It is always written as text, so ``#N/A`` stays
    text rather than an error."""
    text = text if guarded else guard_formula(text)
    return _UNSAFE.sub("", text) if _UNSAFE.search(text) else text


def write_sheet(
    book: Book,
    title: str,
    keys: Sequence[str],
    rows: Iterable[Sequence[Any]],
    *,
    guarded: bool = False,
    currency: str | None = None,
    banner: str | None = None,
) -> None:
    """One sheet of a table: headings in words, widths and number formats by key, frozen
    at the header row and up to the member's name.

    Text cells are guarded against formulas (``guarded``: they already are, as in the
    ledger's CSV export); numbers, dates and blanks go in as they are.
    """
    sheet = book.add_sheet(
        title,
        [in_words(key, currency) for key in keys],
        widths=[_width(key) for key in keys],
        freeze_columns=keys.index("member") + 1 if "member" in keys else 0,
        banner=banner,
    )
    sheet.append_rows(rows, formats=[number_format(key) for key in keys], guarded=guarded)
