"""The report's tables: their columns in words, how each value is shown, and the CSV and
XLSX files that carry them in full.

CSV headers are exactly the analytics keys (:mod:`reciprocity.analytics.keys`) and the
ledger's exchange export columns, so scripts can rely on them; XLSX headers name the
same fields in words. Every text cell of both goes through the ledger's
:func:`~reciprocity.ledger.transfer.csvfiles.guard_formula`, so a member named
``=HYPERLINK(…)`` stays text in a spreadsheet; numbers stay numbers.
"""

import csv
import os
from collections.abc import Iterable, Sequence
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from reciprocity.analytics.keys import BALANCE_KEYS, PAIR_KEYS, QUALITY_KEYS
from reciprocity.ledger.transfer.csvfiles import guard_formula
from reciprocity.ledger.transfer.exchanges_file import EXCHANGE_COLUMNS, export_exchanges

if TYPE_CHECKING:
    from reciprocity.reporting.xlsx import XlsxWriter

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
DECIMAL_KEYS = frozenset({"ratio", "balance_index", "gini", "median_days_to_contact", "avg_rating"})
MONEY_KEYS = frozenset({"value_given", "value_received", "value_won", "estimated_value"})
TEXT_KEYS = frozenset({"member", "other"})

WORDS: dict[str, str] = {
    "member_id": "Member id",
    "avg_rating": "Average rating",
    "within_sla_rate": "Within SLA rate",
    "given_won": "Given and won",
    "no_response": "No response",
    "open": "Open",
    "external_id": "External id",
    "occurred_on": "Date",
    "referral_type": "Referral type",
    "estimated_value": "Estimated value",
    "introduction_group": "Introduction group",
    "voided_at": "Voided at",
    "void_reason": "Void reason",
    "contact_name": "Contact name",
    "contact_details": "Contact details",
    "other": "Other member",
}


def in_words(key: str) -> str:
    """A key as a spreadsheet heading: ``given_points`` → "Given points"."""
    return WORDS.get(key) or key.replace("_", " ").capitalize()


def _decimal(value: float) -> str:
    text = f"{value:,.3f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def show(key: str, value: Any) -> str:
    """A value as the PDF and HTML tables show it; the same digits the JSON holds."""
    if value is None:
        return "–"
    if isinstance(value, list):
        return ", ".join(str(item) for item in value) or "none"
    if key in MONEY_KEYS:
        return f"{value:,.2f}"
    if key in PERCENT_KEYS:
        return f"{value * 100:.1f}%"
    if key in DECIMAL_KEYS:
        return _decimal(float(value))
    if isinstance(value, int):
        return f"{value:,}"
    return str(value)


def show_change(key: str, now: Any, before: Any) -> str:
    """The change from the month before, signed, in the value's own unit."""
    if now is None or before is None or isinstance(now, list):
        return "–"
    delta = now - before
    if key in PERCENT_KEYS:
        text = f"{delta * 100:+.1f} pp"
    elif key in MONEY_KEYS:
        text = f"{delta:+,.2f}"
    elif key in DECIMAL_KEYS:
        text = ("+" if delta >= 0 else "-") + _decimal(abs(float(delta)))
    else:
        text = f"{int(delta):+,}"
    return "±0" if text.lstrip("+-").rstrip(" p%").replace("0", "").strip(".,") == "" else text


def number_format(key: str) -> str | None:
    """The spreadsheet number format of a numeric column, if not General."""
    if key in PERCENT_KEYS:
        return "0.0%"
    if key in MONEY_KEYS:
        return "#,##0.00"
    if key in DECIMAL_KEYS:
        return "0.000"
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
) -> list[list[Any]]:
    """The month's counted exchanges in the ledger's export format, for sharing.

    The ledger's own export writes the file (outside contacts left empty, text guarded);
    voided exchanges, which count in no metric, are then dropped, so the rows are exactly
    the ``exchanges`` figure of the report. Returns the rows for the spreadsheet, read in
    the same pass: dates as dates, hotness and value as numbers, blanks as ``None`` and
    text exactly as the CSV holds it (already guarded).
    """
    raw = path.with_name(path.name + ".all")
    partial = path.with_name(path.name + ".part")
    voided = EXCHANGE_COLUMNS.index("voided_at")
    typed: list[list[Any]] = []
    try:
        export_exchanges(
            session=session,
            path=raw,
            network_id=network_id,
            date_from=start,
            date_to=end,
            overwrite=True,
            for_sharing=True,
        )
        with (
            raw.open(newline="", encoding="utf-8") as source,
            partial.open("w", newline="", encoding="utf-8") as target,
        ):
            reader = csv.reader(source)
            writer = csv.writer(target)
            writer.writerow(next(reader))
            for cells in reader:
                if not cells[voided]:
                    writer.writerow(cells)
                    typed.append(_typed(cells))
        os.replace(partial, path)
    finally:
        raw.unlink(missing_ok=True)
        partial.unlink(missing_ok=True)
    return typed


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


def _width(key: str) -> float:
    return float(_WIDE.get(key, max(10, min(24, len(in_words(key)) + 2))))


def write_sheet(
    writer: "XlsxWriter",
    title: str,
    keys: Sequence[str],
    rows: Iterable[Sequence[Any]],
    *,
    guarded: bool = False,
) -> None:
    """One sheet: a bold frozen header in words, widths and number formats by key.

    Text cells are guarded against formulas (``guarded``: they already are, as in the
    ledger's CSV export); numbers, dates and blanks go in as they are.
    """
    from reciprocity.reporting.xlsx import STYLE_OF_FORMAT

    writer.sheet(
        title,
        [in_words(key) for key in keys],
        rows
        if guarded and isinstance(rows, list)
        else [[guard_formula(v) if isinstance(v, str) else v for v in row] for row in rows],
        styles=[STYLE_OF_FORMAT[number_format(key)] for key in keys],
        widths=[_width(key) for key in keys],
        freeze_columns=keys.index("member") + 1 if "member" in keys else 0,
    )
