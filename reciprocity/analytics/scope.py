"""What a metric is computed over: a network (or all), a member (or all) and a period.

The period is inclusive and taken on ``exchange.occurred_on``; no period means all time.
Faces build a :class:`Scope` with :func:`make_scope` from what the user typed, so a bad
month or date is refused with the ledger's one sentence before any metric is computed.
"""

import calendar
from dataclasses import dataclass
from datetime import date

from reciprocity.ledger.errors import LedgerError
from reciprocity.ledger.rules import parse_date


@dataclass(frozen=True)
class Scope:
    """The common filters of every metric; ``None`` means "all"."""

    network_id: int | None = None
    member_id: int | None = None
    start: date | None = None
    end: date | None = None

    @property
    def label(self) -> str:
        """The period in words: ``2026-11``, ``2026-01-01 to 2026-03-31`` or ``all time``."""
        if self.start is None and self.end is None:
            return "all time"
        if (
            self.start is not None
            and self.end is not None
            and self.start.day == 1
            and self.end == month_end(self.start)
        ):
            return f"{self.start.year:04d}-{self.start.month:02d}"
        if self.end is None:
            return f"from {self.start}"
        if self.start is None:
            return f"until {self.end}"
        return f"{self.start} to {self.end}"


def month_end(day: date) -> date:
    """The last day of ``day``'s month."""
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


def parse_month(text: str) -> tuple[date, date]:
    """``YYYY-MM`` as its first and last day."""
    raw = text.strip()
    try:
        if len(raw) != 7 or raw[4] != "-":
            raise ValueError(raw)
        first = date(int(raw[:4]), int(raw[5:]), 1)
    except ValueError:
        raise LedgerError(
            "month.invalid",
            "The month '{text}' is not a month; use YYYY-MM.",
            field="month",
            text=text,
        ) from None
    return first, month_end(first)


def make_scope(
    *,
    network_id: int | None = None,
    member_id: int | None = None,
    month: str | None = None,
    date_from: str | date | None = None,
    date_to: str | date | None = None,
) -> Scope:
    """A scope from a face's filters: ``month`` or ``date_from``/``date_to``, not both."""
    if month is not None and (date_from is not None or date_to is not None):
        raise LedgerError(
            "period.month_and_range",
            "Give either --month or --from/--to, not both.",
            field="month",
        )
    start: date | None
    end: date | None
    if month is not None:
        start, end = parse_month(month)
    else:
        start = parse_date(date_from, field="start date") if date_from is not None else None
        end = parse_date(date_to, field="end date") if date_to is not None else None
        if start is not None and end is not None and end < start:
            raise LedgerError(
                "period.ends_before_start",
                "The period ends ({end}) before it starts ({start}).",
                field="period",
                end=end.isoformat(),
                start=start.isoformat(),
            )
    return Scope(network_id=network_id, member_id=member_id, start=start, end=end)


def trailing_days(as_of: date, days: int) -> tuple[date, date]:
    """The ``days`` days ending at ``as_of``, inclusive; near the first day of year 1 the
    window starts there (the calendar has no earlier day)."""
    return date.fromordinal(max(1, as_of.toordinal() - (days - 1))), as_of
