"""PALMS as BNI Connect lays it out: ``First Name, Last Name, P, A, L, M, S, RGI, RGO, RRI,
RRO, V, 1-2-1, TYFCB, CEU``, as CSV text or an ``.xlsx`` workbook.

The rows are :func:`reciprocity.analytics.palms.compute_palms`'s, unchanged. Names are
guarded against running as spreadsheet formulas. The workbook appears whole or not at
all: it is written beside the target and renamed into place.
"""

import csv
import io
import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from reciprocity.analytics.keys import PALMS_HEADERS
from reciprocity.analytics.palms import bni_row
from reciprocity.ledger.errors import LedgerError
from reciprocity.ledger.transfer.csvfiles import guard_formula


def _cells(row: dict[str, Any]) -> list[Any]:
    """BNI's cells: TYFCB to the cent as BNI Connect writes it, whole CEU credits whole."""
    first, last, *counts, tyfcb, ceu = bni_row(row)
    credits = int(ceu) if float(ceu).is_integer() else ceu
    return [guard_formula(first), guard_formula(last), *counts, f"{tyfcb:.2f}", credits]


def palms_csv(rows: Sequence[dict[str, Any]]) -> str:
    """The rows as CSV text with BNI's headers."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(PALMS_HEADERS)
    writer.writerows(_cells(row) for row in rows)
    return out.getvalue()


def write_palms_xlsx(path: Path, rows: Sequence[dict[str, Any]], *, overwrite: bool) -> Path:
    """One sheet, ``PALMS``, with BNI's headers; refuses an existing file unless
    ``overwrite``."""
    from openpyxl import Workbook

    target = path.expanduser()
    if target.is_dir():
        raise LedgerError(
            "export.is_folder",
            "{path} is a folder; name a file, such as {example}.",
            field="file",
            path=str(target),
            example=str(target / "palms.xlsx"),
        )
    if target.exists() and not overwrite:
        raise LedgerError(
            "export.exists",
            "{path} already exists; choose a new file name or pass --force.",
            field="file",
            path=str(target),
        )
    if not target.parent.is_dir():
        raise LedgerError(
            "export.no_folder",
            "The folder {folder} does not exist.",
            field="file",
            folder=str(target.parent),
        )
    book = Workbook(write_only=True)
    sheet = book.create_sheet("PALMS")
    sheet.append(list(PALMS_HEADERS))
    for row in rows:
        sheet.append(_cells(row))
    partial = target.with_name(target.name + ".part")
    try:
        book.save(partial)
        os.replace(partial, target)
    finally:
        partial.unlink(missing_ok=True)
    return target
