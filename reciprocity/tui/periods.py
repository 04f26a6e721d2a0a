"""The dashboard's period switch: this month, quarter or year, up to today."""

from datetime import date

PERIODS: tuple[str, ...] = ("month", "quarter", "year")


def period_bounds(kind: str, today: date) -> tuple[date, date, str]:
    """``(start, end, label)`` of the calendar ``kind`` holding ``today``, ending today."""
    if kind == "month":
        return today.replace(day=1), today, f"{today:%B %Y}"
    if kind == "quarter":
        first_month = 3 * ((today.month - 1) // 3) + 1
        quarter = (today.month - 1) // 3 + 1
        return today.replace(month=first_month, day=1), today, f"Q{quarter} {today.year}"
    if kind == "year":
        return today.replace(month=1, day=1), today, str(today.year)
    raise ValueError(f"unknown period {kind!r}")


def next_period(kind: str) -> str:
    """The period after ``kind`` in the switch's cycle."""
    return PERIODS[(PERIODS.index(kind) + 1) % len(PERIODS)]
