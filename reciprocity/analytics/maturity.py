"""Months still maturing: how long referrals take to be won, and a month's outcomes as they
stood at a given age.

Won business counts against the referral's date, so the newest month always looks poor:
its referrals have not had time to close. The report therefore measures how long won
referrals in the network took (the median days from referral to won step, over the 12
months ending with the month), calls a month *still maturing* while it ended fewer days
ago than that, and compares its conversion and value won with the month before *at the
same age*: that month's won steps up to as many days after its first day as the month
has had so far. The numbers come from two aggregate queries; no referral is read singly.
"""

from dataclasses import dataclass
from datetime import date, timedelta

from sqlmodel import Session

from reciprocity.analytics.keys import MONEY_DIGITS, RATE_DIGITS
from reciprocity.analytics.scope import Scope
from reciprocity.analytics.trend import trend_months
from reciprocity.store import aggregates

CLOSE_WINDOW_MONTHS = 12
"""The months of referrals the time to close is measured over."""


def median_from_counts(counts: dict[int, int]) -> float | None:
    """The median of values given as ``{value: how many}``: the middle value, or the mean
    of the two middle values when the count is even."""
    total = sum(counts.values())
    if total == 0:
        return None
    middle = ((total - 1) // 2, total // 2)
    found: list[float] = []
    seen = 0
    for value in sorted(counts):
        seen += counts[value]
        while len(found) < 2 and seen > middle[len(found)]:
            found.append(float(value))
    return (found[0] + found[1]) / 2


def median_days_to_close(*, session: Session, network_id: int | None, end: date) -> float | None:
    """Median days from referral to won, over the won referrals dated in the
    :data:`CLOSE_WINDOW_MONTHS` calendar months ending with ``end``'s month (``None``:
    none was won)."""
    start = trend_months(end, CLOSE_WINDOW_MONTHS)[0]
    rows = aggregates.close_days(session, network_id=network_id, start=start, end=end)
    median = median_from_counts({int(row.days): int(row.referrals) for row in rows})
    return None if median is None else round(median, RATE_DIGITS)


@dataclass(frozen=True)
class Maturity:
    """How far a month's referrals have had time to close, seen on ``as_of``."""

    median_days_to_close: float | None
    """Over the 12 months ending with the month; ``None`` when nothing was won."""
    days_since_end: int
    """Days from the month's last day to ``as_of`` (0 while it is still running)."""
    maturing: bool
    """It ended fewer days ago than the median time to close."""
    previous_as_of: date
    """The day the month before was as old as this month is on ``as_of``."""
    previous_won: int
    previous_value_won: float
    """The month before's referrals won, and their value, up to ``previous_as_of``."""
    previous_conversion_rate: float | None
    """``previous_won`` over the month before's referrals received."""


def month_maturity(
    *,
    session: Session,
    scope: Scope,
    previous: Scope,
    previous_received: int,
    as_of: date,
) -> Maturity:
    """The month of ``scope`` seen on ``as_of``, and ``previous`` (the month before, which
    had ``previous_received`` referrals) at the same age."""
    assert scope.start is not None and scope.end is not None
    assert previous.start is not None and previous.end is not None
    median = median_days_to_close(session=session, network_id=scope.network_id, end=scope.end)
    since_end = max(0, (as_of - scope.end).days)
    age = max(0, (as_of - scope.start).days)
    previous_as_of = min(previous.start + timedelta(days=age), as_of)
    won, value = aggregates.won_until(
        session,
        network_id=previous.network_id,
        start=previous.start,
        end=previous.end,
        until=previous_as_of,
    )
    return Maturity(
        median_days_to_close=median,
        days_since_end=since_end,
        maturing=median is not None and since_end < median,
        previous_as_of=previous_as_of,
        previous_won=won,
        previous_value_won=round(value, MONEY_DIGITS),
        previous_conversion_rate=(
            round(won / previous_received, RATE_DIGITS) if previous_received else None
        ),
    )
