"""Checks shared by BNI's records beside the exchanges: attendance, visitors, CEUs, closed
business and PALMS figures, typed one at a time or imported from BNI Connect.

Nothing here touches the database. Like :mod:`reciprocity.ledger.rules`, each check
returns the clean value or raises one :class:`LedgerError` sentence, so a command, the TUI
and an import refuse the same mistake with the same words.
"""

import math
import re
import unicodedata
from datetime import date, timedelta

from reciprocity.i18n import Term
from reciprocity.ledger.errors import LedgerError
from reciprocity.ledger.rules import field_key

PALMS_COUNTS: tuple[str, ...] = (
    "present",
    "absent",
    "late",
    "medical",
    "substitute",
    "referrals_given_inside",
    "referrals_given_outside",
    "referrals_received_inside",
    "referrals_received_outside",
    "visitors",
    "one_to_ones",
)
"""The whole-number PALMS figures, in BNI's column order (TYFCB and CEU follow)."""

MAX_CREDITS = 100
"""CEU credits on one record: BNI gives one per training or podcast, so more is a typo."""
MAX_COUNT = 10_000
"""A PALMS count beyond any chapter's period."""

_SPACES = re.compile(r"\s+")


def tidy_name(name: str) -> str:
    """A name as the ledger stores one made from BNI Connect: single spaces, trimmed."""
    return _SPACES.sub(" ", unicodedata.normalize("NFC", name)).strip()


def check_credits(credits: float) -> float:
    """CEU credits: more than 0 and at most :data:`MAX_CREDITS`, kept to two decimals."""
    if not math.isfinite(credits) or not 0 < credits <= MAX_CREDITS:
        raise LedgerError(
            "ceu.credits_range",
            "CEU credits run from more than 0 to {limit}, not {credits:g}.",
            field="credits",
            limit=MAX_CREDITS,
            credits=credits,
        )
    return round(credits, 2)


def check_count(value: int, *, field: str) -> int:
    """A PALMS count: a whole number from 0 to :data:`MAX_COUNT`."""
    if not 0 <= value <= MAX_COUNT:
        raise LedgerError(
            "palms.count_range",
            "The {label} must be from 0 to {limit:,}, not {value}.",
            field=field_key(field),
            label=Term(field),
            limit=MAX_COUNT,
            value=value,
        )
    return value


def check_period(start: date, end: date) -> tuple[date, date]:
    """A period that ends on or after the day it starts."""
    if end < start:
        raise LedgerError(
            "period.ends_before_start",
            "The period ends ({end}) before it starts ({start}).",
            field="period",
            end=end.isoformat(),
            start=start.isoformat(),
        )
    return start, end


def week_of(day: date) -> tuple[date, date]:
    """The week (Monday to Sunday) that holds ``day``: the period of a weekly report."""
    monday = day - timedelta(days=day.weekday())
    return monday, monday + timedelta(days=6)


def choose_period(*, week: date | None, start: date | None, end: date | None) -> tuple[date, date]:
    """``--week-of DATE`` or ``--from D --to D``: exactly one of them, whole."""
    if week is not None and (start is not None or end is not None):
        raise LedgerError(
            "period.week_and_range",
            "Give either --week-of or --from/--to, not both.",
            field="period",
        )
    if week is not None:
        return week_of(week)
    if start is None or end is None:
        raise LedgerError(
            "period.needed",
            "A BNI Connect report carries no dates; say which period it covers with "
            "--week-of DATE or --from DATE --to DATE.",
            field="period",
        )
    return check_period(start, end)
