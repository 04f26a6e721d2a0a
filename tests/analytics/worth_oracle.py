"""An independent recomputation of ``worth`` and the money side of ``compare``, straight
from DESIGN.md "Costs and worth" and docs/analytics.md ("Worth").

In the style of :mod:`tests.analytics.oracle`: every table is read whole (``SELECT *``)
and the figures come from plain loops over the rows, with no aggregate SQL and no pandas.
Money is :class:`~decimal.Decimal`; a prorated fee and every ratio are
:class:`~fractions.Fraction`. Only ``reciprocity.analytics.scope`` and
``reciprocity.analytics.keys`` are imported from the package under test.
"""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_EVEN, Decimal
from fractions import Fraction
from typing import Any

from sqlalchemy.orm import Session

from reciprocity.analytics.keys import MONEY_DIGITS, RATE_DIGITS, WORTH_KEYS
from reciprocity.analytics.scope import Scope
from tests.analytics import oracle

Row = dict[str, Any]
CENT = Decimal(1).scaleb(-MONEY_DIGITS)


@dataclass(frozen=True)
class CostLedger:
    """The rows costs are made of, beside :class:`tests.analytics.oracle.Ledger`."""

    base: oracle.Ledger
    other_costs: list[Row]
    meetings: list[Row]
    one_to_ones: list[Row]


def _number(value: Any) -> Decimal | None:
    return None if value is None else Decimal(str(value))


def load(session: Session) -> CostLedger:
    """The metric tables of :func:`oracle.load`, plus other costs, meetings, one-to-ones."""
    base = oracle.load(session)
    other_costs = oracle._select_all(session, "other_cost")
    for row in other_costs:
        row["spent_on"] = oracle._as_date(row["spent_on"])
    meetings = oracle._select_all(session, "meeting")
    for row in meetings:
        row["held_on"] = oracle._as_date(row["held_on"])
    one_to_ones = oracle._select_all(session, "one_to_one")
    for row in one_to_ones:
        row["held_on"] = oracle._as_date(row["held_on"])
    return CostLedger(base, other_costs, meetings, one_to_ones)


def cents(value: Fraction | Decimal) -> Decimal:
    """An exact amount to the cent, as the faces show money."""
    exact = value if isinstance(value, Decimal) else Decimal(value.numerator) / value.denominator
    return exact.quantize(CENT, rounding=ROUND_HALF_EVEN)


def membership_cost(
    ledger: CostLedger, membership: Row | None, network: Row, member_id: int, start: date, end: date
) -> Row:
    """Days, meetings, hours and cost of one member in one network over the period."""
    first = last = None
    days = 0
    if membership is not None:
        first = max(start, membership["joined_on"] or start)
        last = min(end, membership["left_on"] or end)
        days = max(0, (last - first).days + 1)
    own = membership or {}
    fee = _number(own.get("fee"))
    fee = fee if fee is not None else _number(network["fee"])
    per_meeting = _number(own.get("meeting_hours"))
    per_meeting = per_meeting if per_meeting is not None else _number(network["meeting_hours"])
    other = sum(
        (
            Decimal(str(c["amount"]))
            for c in ledger.other_costs
            if c["member_id"] == member_id
            and c["network_id"] == network["id"]
            and start <= c["spent_on"] <= end
        ),
        Decimal(0),
    )
    meetings = 0
    if days:
        assert first is not None and last is not None
        meetings = sum(
            1
            for m in ledger.meetings
            if m["network_id"] == network["id"] and first <= m["held_on"] <= last
        )
    if days == 0:
        cost: Decimal | None = cents(other)
    elif fee is None:
        cost = None
    else:
        cost = cents(Fraction(fee) * days / 365 + Fraction(other))
    hours = None if per_meeting is None else per_meeting * meetings
    return {"days": days, "meetings": meetings, "hours": hours, "cost": cost}


def _ratio(numerator: Decimal | int | None, denominator: Decimal | int | None) -> Fraction | None:
    if numerator is None or denominator is None or denominator == 0:
        return None
    return Fraction(numerator) / Fraction(denominator)


def worth(ledger: CostLedger, member_id: int, start: date, end: date) -> list[Row]:
    """``worth`` rows of one member (by network name, then the total), exact values."""
    base = ledger.base
    scope = Scope(start=start, end=end)
    live = oracle.counted(base, scope)
    memberships = {
        ms["network_id"]: ms
        for ms in base.memberships
        if ms["member_id"] == member_id
        and (ms["joined_on"] is None or ms["joined_on"] <= end)
        and (ms["left_on"] is None or ms["left_on"] >= start)
    }
    networks = set(memberships)
    networks |= {
        c["network_id"]
        for c in ledger.other_costs
        if c["member_id"] == member_id and start <= c["spent_on"] <= end
    }
    networks |= {e["network_id"] for e in live if member_id in (e["giver_id"], e["receiver_id"])}
    rows: list[Row] = []
    for network_id in networks:
        network = base.networks[network_id]
        costs = membership_cost(ledger, memberships.get(network_id), network, member_id, start, end)
        mine = [e for e in live if e["network_id"] == network_id]
        gives = [e for e in mine if e["giver_id"] == member_id]
        takes = [e for e in mine if e["receiver_id"] == member_id]
        given_referrals = [e for e in gives if e["kind"] == "referral"]
        value_received = sum(
            (oracle._won_value(base, e) for e in takes if e["kind"] == "referral"), Decimal(0)
        )
        row: Row = {
            "network": network["name"],
            "given_points": sum(oracle.weight(base, e) for e in gives),
            "received_points": sum(oracle.weight(base, e) for e in takes),
            "given_referral": len(given_referrals),
            "received_referral": sum(1 for e in takes if e["kind"] == "referral"),
            "value_given": sum((oracle._won_value(base, e) for e in given_referrals), Decimal(0)),
            "value_received": value_received,
            "one_to_ones": sum(
                1
                for o in ledger.one_to_ones
                if o["network_id"] == network_id
                and member_id in (o["member_a_id"], o["member_b_id"])
                and start <= o["held_on"] <= end
            ),
            "meetings_attended": costs["meetings"],
            "attendance_assumed": True,
            "hours": costs["hours"],
            "cost": costs["cost"],
            "currency": network["currency"],
            "given_won": sum(1 for e in given_referrals if oracle._has_status(base, e, "won")),
            "given_contacted": sum(1 for e in given_referrals if base.steps.get(e["id"])),
        }
        row["balance"] = row["given_points"] - row["received_points"]
        finish(row, len(given_referrals))
        rows.append(row)
    rows.sort(key=lambda r: oracle.by_name(r["network"]))
    return [*rows, total(rows)]


def finish(row: Row, given_referrals: int) -> None:
    """The ratios of a row: of the figures as shown (cost and hours as reported)."""
    row["value_per_cost"] = _ratio(row["value_received"], row["cost"])
    row["value_per_hour"] = _ratio(row["value_received"], row["hours"])
    row["referral_yield"] = _ratio(row["given_won"], given_referrals)
    row["contact_rate"] = _ratio(row["given_contacted"], given_referrals)
    row["given_referrals"] = given_referrals


def total(rows: list[Row]) -> Row:
    """The total row: sums of the rows; money and cost only in one currency."""
    currencies = {r["currency"] for r in rows}
    one = len(currencies) <= 1
    row: Row = {"network": None, "attendance_assumed": True}
    for key in (
        "given_points",
        "received_points",
        "balance",
        "given_referral",
        "received_referral",
        "one_to_ones",
        "meetings_attended",
        "given_won",
        "given_contacted",
    ):
        row[key] = sum(r[key] for r in rows)
    for key in ("value_given", "value_received"):
        row[key] = sum((r[key] for r in rows), Decimal(0)) if one else None
    hours = [r["hours"] for r in rows]
    row["hours"] = None if None in hours else sum(hours, Decimal(0))
    costs = [r["cost"] for r in rows]
    row["cost"] = None if None in costs or not one else sum(costs, Decimal(0))
    row["currency"] = currencies.pop() if len(currencies) == 1 else None
    finish(row, sum(r["given_referrals"] for r in rows))
    return row


def compare_worth(what: str, expected: list[Row], actual: list[Row]) -> list[str]:
    """Every disagreement between oracle rows and ``compute_worth`` rows."""
    problems: list[str] = []
    if [r["network"] for r in expected] != [r["network"] for r in actual]:
        problems.append(
            f"{what}: networks {[r['network'] for r in actual]}, "
            f"expected {[r['network'] for r in expected]}"
        )
        return problems
    for want, got in zip(expected, actual, strict=True):
        if tuple(got) != WORTH_KEYS:
            problems.append(f"{what}: keys {tuple(got)}")
        for key in WORTH_KEYS:
            if not same(key, want[key], got[key]):
                problems.append(
                    f"{what} {want['network']} {key}: expected {want[key]!r}, got {got[key]!r}"
                )
    return problems


MONEY = frozenset({"value_given", "value_received", "cost", "value_per_hour", "hours"})
RATES = frozenset({"value_per_cost", "referral_yield", "contact_rate"})


def same(key: str, expected: Any, actual: Any) -> bool:
    """Money and hours to the cent (hours and value per hour as shown: 2 decimals), rates
    to the third decimal, everything else exactly."""
    if expected is None or actual is None:
        return expected is None and actual is None
    if key in MONEY:
        if isinstance(actual, bool) or not isinstance(actual, int | float):
            return False
        if round(actual, MONEY_DIGITS) != actual:
            return False
        return bool(abs(Fraction(str(actual)) - Fraction(expected)) <= Fraction(1, 200))
    if key in RATES:
        if isinstance(actual, bool) or not isinstance(actual, int | float):
            return False
        if round(actual, RATE_DIGITS) != actual:
            return False
        return bool(abs(Fraction(actual) - expected) <= Fraction(1, 2000) + Fraction(1, 10**9))
    if isinstance(expected, bool) or isinstance(actual, bool):
        return expected is actual
    if isinstance(expected, int):
        return type(actual) is int and actual == expected
    return bool(actual == expected)


def cost_per_member(ledger: CostLedger, network_id: int, start: date, end: date) -> Decimal | None:
    """``compare``'s cost per member: the mean cost of the memberships that overlap the
    period, ``None`` when one is unknown or none overlaps."""
    network = ledger.base.networks[network_id]
    costs: list[Decimal | None] = []
    for ms in ledger.base.memberships:
        if ms["network_id"] != network_id:
            continue
        figures = membership_cost(ledger, ms, network, ms["member_id"], start, end)
        if figures["days"]:
            costs.append(figures["cost"])
    if not costs or None in costs:
        return None
    return sum((c for c in costs if c is not None), Decimal(0)) / len(costs)


def members_of_both(ledger: CostLedger) -> list[int]:
    """Members with a membership in more than one network."""
    seen: dict[int, int] = defaultdict(int)
    for ms in ledger.base.memberships:
        seen[ms["member_id"]] += 1
    return sorted(member for member, count in seen.items() if count > 1)
