"""The dashboard's period switch: this month, quarter or year, up to today."""

from datetime import date

from reciprocity.i18n import _, format_month

PERIODS: tuple[str, ...] = ("month", "quarter", "year")


def period_bounds(kind: str, today: date) -> tuple[date, date, str]:
    """``(start, end, label)`` of the calendar ``kind`` holding ``today``, ending today."""
    if kind == "month":
        return today.replace(day=1), today, format_month(today)
    if kind == "quarter":
        first_month = 3 * ((today.month - 1) // 3) + 1
        quarter = (today.month - 1) // 3 + 1
        label = _("Q{quarter} {year}").format(quarter=quarter, year=today.year)
        return today.replace(month=first_month, day=1), today, label
    if kind == "year":
        return today.replace(month=1, day=1), today, str(today.year)
    raise ValueError(f"unknown period {kind!r}")


def next_period(kind: str) -> str:
    """The period after ``kind`` in the switch's cycle."""
    return PERIODS[(PERIODS.index(kind) + 1) % len(PERIODS)]


def shifted_day(kind: str, today: date, back: int) -> date:
    """The last day of the ``kind`` ``back`` periods before the one holding ``today``
    (``today`` itself when ``back`` is 0): ``period_bounds`` of it is that whole period."""
    from datetime import timedelta

    day = today
    for _step in range(back):
        start, _end, _label = period_bounds(kind, day)
        day = start - timedelta(days=1)
    return day


def last_complete_month(today: date) -> str:
    """``YYYY-MM`` of the last whole month before ``today``'s."""
    return f"{shifted_day('month', today, 1):%Y-%m}"
