"""Is it worth it? A member's networks side by side: what each one gives them and costs them.

DESIGN.md "Costs and worth" defines the figures; docs/analytics.md ("Worth") fixes the
details. Per network of the member: points, referrals and business value as ``balance``
counts them, one-to-ones, meetings attended and hours, the cost of the period (the yearly
fee prorated by days of membership, plus other costs dated in the period), value per cost
and per hour, and how the referrals they gave were treated. A total row follows.

The figures a cost is made of (fee, hours per meeting, other costs) come from the ledger
(:mod:`reciprocity.ledger.costs`); meetings attended from
:func:`reciprocity.analytics.attendance.meetings_attended`, the one place attendance is
decided. SQL sums per network; nothing here reads one row per exchange.
"""

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlmodel import Session

from reciprocity.analytics.attendance import Stint, meetings_attended
from reciprocity.analytics.frames import name_key
from reciprocity.analytics.keys import MONEY_DIGITS, RATE_DIGITS, WORTH_KEYS, WORTH_TREND_KEYS
from reciprocity.analytics.scope import month_end
from reciprocity.analytics.trend import trend_months
from reciprocity.i18n import N_
from reciprocity.ledger.errors import LedgerError
from reciprocity.ledger.roles import require_self_or_organiser
from reciprocity.store import aggregates
from reciprocity.store.models import DEFAULT_WEIGHTS, ExchangeKind

DAYS_PER_YEAR = 365
"""A yearly fee is spread over 365 days, leap years too (DESIGN.md)."""
HOURS_DIGITS = 2


def worth_period(
    *, start: date | None, end: date | None, as_of: date | None = None
) -> tuple[date, date]:
    """The period a cost is counted over: it never reaches past ``as_of`` (default today).

    Without an end it ends at ``as_of``; without a start it begins on the first day of the
    12 calendar months ending with its end's month, as the member review's period does, so
    a month-by-month chart of the same year adds up to it. A period that starts after
    ``as_of`` has not happened yet and is refused.
    """
    today = as_of or date.today()
    last = min(end, today) if end is not None else today
    first = start if start is not None else trend_months(last, 12)[0]
    if first > last:
        raise LedgerError(
            "worth.period_not_begun",
            "The period starts on {start}, after {today}; costs and worth count what has happened.",
            field="period",
            start=first.isoformat(),
            today=today.isoformat(),
        )
    return first, last


@dataclass(frozen=True)
class MembershipCost:
    """What one membership cost in a period, with the parts it is made of."""

    member_id: int
    network_id: int
    network: str
    currency: str
    days: int
    """Days of the period the member belonged to the network."""
    fee: float | None
    """The yearly fee in force (the member's own, else the network's); ``None``: unknown."""
    other_costs: float
    meetings: int
    attendance_assumed: bool
    hours_per_meeting: float | None
    hours: float | None
    cost: float | None
    """Prorated fee plus other costs, to the cent; ``None`` when the fee is unknown."""


def membership_costs(
    session: Session,
    *,
    start: date,
    end: date,
    member_id: int | None = None,
    network_ids: set[int] | None = None,
) -> list[MembershipCost]:
    """The cost of every membership that overlaps the period (of one member, or within
    some networks), plus any network where the member has other costs dated in it."""
    memberships = aggregates.memberships_in_period(
        session, member_id=member_id, network_ids=network_ids, start=start, end=end
    )
    others = {
        (int(row.member_id), int(row.network_id)): float(row.amount)
        for row in aggregates.other_costs(
            session, member_id=member_id, network_ids=network_ids, start=start, end=end
        )
    }
    own: dict[tuple[int, int], tuple[Any, Any]] = {}
    stints: list[Stint] = []
    for row in memberships:
        key = (int(row.member_id), int(row.network_id))
        own[key] = (row.fee, row.meeting_hours)
        first = max(start, row.joined_on or start)
        last = min(end, row.left_on or end)
        stints.append(Stint(key[0], key[1], first, last))
    for key in others.keys() - own.keys():
        # Other costs dated in the period of a membership that does not overlap it (a
        # leaver's farewell dinner): no day of membership, so no fee and no meeting.
        own[key] = (None, None)
    ids = {network_id for _member, network_id in own}
    networks = {int(row.network_id): row for row in aggregates.network_cost_settings(session, ids)}
    attended = meetings_attended(session, stints, network_ids=ids)
    spans = {(stint.member_id, stint.network_id): stint for stint in stints}
    result = []
    for key, (own_fee, own_hours) in own.items():
        network = networks[key[1]]
        stint = spans.get(key)
        days = (stint.last - stint.first).days + 1 if stint is not None else 0
        fee = float(own_fee) if own_fee is not None else _float(network.fee)
        per_meeting = float(own_hours) if own_hours is not None else _float(network.meeting_hours)
        attendance = attended.get(key)
        meetings = attendance.meetings if attendance is not None else 0
        other = others.get(key, 0.0)
        if days == 0:
            prorated: float | None = 0.0
        else:
            prorated = None if fee is None else fee * days / DAYS_PER_YEAR
        result.append(
            MembershipCost(
                member_id=key[0],
                network_id=key[1],
                network=str(network.name),
                currency=str(network.currency),
                days=days,
                fee=fee,
                other_costs=round(other, MONEY_DIGITS),
                meetings=meetings,
                attendance_assumed=attendance.assumed if attendance is not None else True,
                hours_per_meeting=per_meeting,
                hours=None if per_meeting is None else round(meetings * per_meeting, HOURS_DIGITS),
                cost=None if prorated is None else round(prorated + other, MONEY_DIGITS),
            )
        )
    return result


def _float(value: Any) -> float | None:
    return None if value is None else float(value)


def _ratio(numerator: float | None, denominator: float | None, digits: int) -> float | None:
    if numerator is None or not denominator:
        return None
    return round(numerator / denominator, digits)


def _worth_rows(session: Session, member_id: int, start: date, end: date) -> list[dict[str, Any]]:
    """One row per network of the member in the period (unsorted, without the total),
    with every key of :data:`WORTH_KEYS` and the counts the total row is made of."""
    costs = {
        cost.network_id: cost
        for cost in membership_costs(session, start=start, end=end, member_id=member_id)
    }
    counts: dict[tuple[int, str], dict[str, int]] = {}
    for row in aggregates.member_totals(
        session, network_id=None, member_id=member_id, start=start, end=end
    ):
        counts[(int(row.network_id), str(row.side))] = {
            kind: int(getattr(row, kind)) for kind in DEFAULT_WEIGHTS
        }
    values: dict[tuple[int, str], float] = {
        (int(row.network_id), str(row.side)): float(row.value)
        for row in aggregates.member_values_by_network(
            session, member_id=member_id, start=start, end=end
        )
    }
    given = {
        int(row.network_id): (int(row.given), int(row.contacted), int(row.won))
        for row in aggregates.given_referrals_by_network(
            session, member_id=member_id, start=start, end=end
        )
    }
    one_to_ones = {
        int(row.network_id): int(row.n)
        for row in aggregates.one_to_ones_by_network(
            session, member_id=member_id, start=start, end=end
        )
        if row.network_id is not None
    }
    ids = set(costs) | {network_id for network_id, _side in counts}
    missing = ids - set(costs)
    settings = {
        int(row.network_id): row for row in aggregates.network_cost_settings(session, missing)
    }
    weights = {
        int(network_id): {**DEFAULT_WEIGHTS, **(own or {})}
        for network_id, own, _sla in aggregates.network_settings(session)
    }
    rows = []
    for network_id in ids:
        cost = costs.get(network_id)
        points = {}
        for side in ("given", "received"):
            side_counts = counts.get((network_id, side), {})
            points[side] = sum(
                n * int(weights[network_id][kind]) for kind, n in side_counts.items()
            )
        referrals, contacted, won = given.get(network_id, (0, 0, 0))
        value_received = round(values.get((network_id, "received"), 0.0), MONEY_DIGITS)
        if cost is not None:
            network, currency, spent, hours = cost.network, cost.currency, cost.cost, cost.hours
        else:
            # Exchanges in a network whose membership does not overlap the period (an
            # imported history): no day of membership, so no fee and no meeting.
            found = settings[network_id]
            network, currency, spent = str(found.name), str(found.currency), 0.0
            hours = None if found.meeting_hours is None else 0.0
        rows.append(
            {
                "network": network,
                "given_points": points["given"],
                "received_points": points["received"],
                "balance": points["given"] - points["received"],
                "given_referral": counts.get((network_id, "given"), {}).get(
                    ExchangeKind.REFERRAL, 0
                ),
                "received_referral": counts.get((network_id, "received"), {}).get(
                    ExchangeKind.REFERRAL, 0
                ),
                "value_given": round(values.get((network_id, "given"), 0.0), MONEY_DIGITS),
                "value_received": value_received,
                "one_to_ones": one_to_ones.get(network_id, 0),
                "meetings_attended": cost.meetings if cost is not None else 0,
                "attendance_assumed": cost.attendance_assumed if cost is not None else True,
                "hours": hours,
                "cost": spent,
                "currency": currency,
                "value_per_cost": _ratio(value_received, spent, RATE_DIGITS),
                "value_per_hour": _ratio(value_received, hours, MONEY_DIGITS),
                "referral_yield": _ratio(won, referrals, RATE_DIGITS),
                "contact_rate": _ratio(contacted, referrals, RATE_DIGITS),
                "network_id": network_id,
                "given_referrals": referrals,
                "given_contacted": contacted,
                "given_won": won,
            }
        )
    return rows


MONEY_SUMS = ("value_given", "value_received")
COUNT_SUMS = (
    "given_points",
    "received_points",
    "balance",
    "given_referral",
    "received_referral",
    "one_to_ones",
    "meetings_attended",
)


def _total(rows: list[dict[str, Any]]) -> dict[str, Any]:
    """The total row: sums of the network rows, and ratios of those sums.

    Money in several currencies does not add up: the money figures are then ``None``, as
    are a cost or hours that any network leaves unknown.
    """
    currencies = {row["currency"] for row in rows}
    currency = currencies.pop() if len(currencies) == 1 else None
    one_currency = currency is not None or not rows
    total: dict[str, Any] = {"network": None}
    for key in COUNT_SUMS:
        total[key] = sum(int(row[key]) for row in rows)
    for key in MONEY_SUMS:
        total[key] = (
            round(sum(float(row[key]) for row in rows), MONEY_DIGITS) if one_currency else None
        )
    total["attendance_assumed"] = any(row["attendance_assumed"] for row in rows) or not rows
    hours = [row["hours"] for row in rows]
    total["hours"] = None if None in hours else round(sum(float(h) for h in hours), HOURS_DIGITS)
    costs = [row["cost"] for row in rows]
    total["cost"] = (
        None
        if None in costs or not one_currency
        else round(sum(float(c) for c in costs), MONEY_DIGITS)
    )
    total["currency"] = currency
    total["value_per_cost"] = _ratio(total["value_received"], total["cost"], RATE_DIGITS)
    total["value_per_hour"] = _ratio(total["value_received"], total["hours"], MONEY_DIGITS)
    referrals = sum(int(row["given_referrals"]) for row in rows)
    total["referral_yield"] = _ratio(
        sum(int(row["given_won"]) for row in rows), referrals, RATE_DIGITS
    )
    total["contact_rate"] = _ratio(
        sum(int(row["given_contacted"]) for row in rows), referrals, RATE_DIGITS
    )
    return {key: total[key] for key in WORTH_KEYS}


def compute_worth(
    *,
    session: Session,
    member_id: int,
    start: date | None = None,
    end: date | None = None,
    as_of: date | None = None,
    acting_id: int | None = None,
) -> list[dict[str, Any]]:
    """One row per network of the member in the period, by name, then the total row
    (``network`` ``None``), each with exactly :data:`WORTH_KEYS`.

    The period is :func:`worth_period`'s. Only the member, an organiser of a network they
    are in now, or the ledger's owner (``acting_id`` ``None``) may see it; a member of no
    network is refused in one sentence.
    """
    require_self_or_organiser(
        session=session,
        acting_id=acting_id,
        member_id=member_id,
        doing=N_("see what their networks are worth to them"),
    )
    if not aggregates.member_network_ids(session, member_id=member_id):
        (name,) = (row.name for row in aggregates.member_names(session, [member_id]))
        raise LedgerError(
            "worth.no_network",
            "{member} is a member of no network, so there is nothing to weigh up; add them "
            "to a network first.",
            field="member",
            member=name,
        )
    first, last = worth_period(start=start, end=end, as_of=as_of)
    rows = sorted(
        _worth_rows(session, member_id, first, last), key=lambda r: name_key(r["network"])
    )
    return [*({key: row[key] for key in WORTH_KEYS} for row in rows), _total(rows)]


def compute_worth_trend(
    *,
    session: Session,
    member_id: int,
    months: int = 12,
    as_of: date | None = None,
) -> list[dict[str, Any]]:
    """Per calendar month (the ``months`` ending with ``as_of``'s) and network of the
    member: value received and cost, with exactly :data:`WORTH_TREND_KEYS`.

    Each month is :func:`compute_worth`'s period for that month, so a month's figures are
    the ones ``worth --month`` prints; the running month ends at ``as_of``. Networks are
    listed every month (zeros where nothing happened), oldest month first, by name.
    """
    today = as_of or date.today()
    by_month: list[tuple[str, list[dict[str, Any]]]] = []
    names: dict[str, str] = {}
    for first in trend_months(today, months):
        rows = _worth_rows(session, member_id, first, min(month_end(first), today))
        by_month.append((f"{first:%Y-%m}", rows))
        for row in rows:
            names[row["network"]] = row["currency"]
    result = []
    for month, rows in by_month:
        found = {row["network"]: row for row in rows}
        for network in sorted(names, key=name_key):
            mine = found.get(network)
            result.append(
                {
                    "month": month,
                    "network": network,
                    "value_received": mine["value_received"] if mine is not None else 0.0,
                    "cost": mine["cost"] if mine is not None else 0.0,
                    "currency": names[network],
                }
            )
    return [{key: row[key] for key in WORTH_TREND_KEYS} for row in result]
