"""The month-by-month trend agrees with the oracle, and with ``balance`` month by month.

Runs on SQLite and on PostgreSQL (the ``session`` fixture), because the month of a date
is the one dialect-specific expression of the trend query.
"""

from collections import Counter
from datetime import date

import pytest
from sqlmodel import Session

from reciprocity.analytics.balances import compute_balances
from reciprocity.analytics.keys import TREND_KEYS
from reciprocity.analytics.scope import Scope, month_end
from reciprocity.analytics.trend import compute_trend, trend_months
from reciprocity.ledger.demo import create_demo
from tests.analytics import oracle

UNTIL = date(2025, 6, 30)


def expected_trend(ledger: oracle.Ledger, scope: Scope, months: int) -> list[dict[str, object]]:
    """Plain loops over every counted exchange of each month."""
    rows = []
    for first in trend_months(scope.end or date.today(), months):
        month = Scope(network_id=scope.network_id, start=first, end=month_end(first))
        row: dict[str, object] = {"month": f"{first:%Y-%m}"}
        counts: Counter[str] = Counter()
        points: Counter[str] = Counter()
        for exchange in oracle.counted(ledger, month):
            for side, column in (("given", "giver_id"), ("received", "receiver_id")):
                if scope.member_id is not None and exchange[column] != scope.member_id:
                    continue
                counts[f"{side}_{exchange['kind']}"] += 1
                points[side] += oracle.weight(ledger, exchange)
        for key in TREND_KEYS[1:7]:
            row[key] = counts[key]
        row["given_points"] = points["given"]
        row["received_points"] = points["received"]
        rows.append(row)
    return rows


def test_trend_months_cross_a_new_year() -> None:
    assert [f"{d:%Y-%m}" for d in trend_months(date(2026, 2, 14), 4)] == [
        "2025-11",
        "2025-12",
        "2026-01",
        "2026-02",
    ]
    with pytest.raises(ValueError):
        compute_trend(session=None, scope=Scope(end=UNTIL), months=0)  # type: ignore[arg-type]


def test_trend_agrees_with_the_oracle_for_networks_and_members(session: Session) -> None:
    create_demo(session=session, seed=5, members=24, months=6, until=UNTIL)
    ledger = oracle.load(session)
    live = [e for e in ledger.exchanges if e["voided_at"] is None]
    busiest = Counter(e["giver_id"] for e in live).most_common(1)[0][0]
    scopes = [Scope(end=UNTIL), Scope(end=date(2025, 3, 10), member_id=busiest)]
    scopes += [Scope(network_id=n, end=UNTIL) for n in sorted(ledger.networks)]
    for scope in scopes:
        actual = compute_trend(session=session, scope=scope, months=9)
        assert [list(row) for row in actual] == [list(TREND_KEYS)] * 9
        assert actual == expected_trend(ledger, scope, 9), scope
    whole = compute_trend(session=session, scope=Scope(end=UNTIL), months=9)
    assert sum(r["given_referral"] for r in whole) > 0, "the demo months hold exchanges"
    assert whole[0]["given_points"] == 0, "months before the demo are listed with zeros"


def test_a_members_trend_is_their_balance_month_by_month(session: Session) -> None:
    create_demo(session=session, seed=8, members=16, months=4, until=UNTIL)
    member_id = compute_balances(session=session, scope=Scope())[0]["member_id"]
    trend = compute_trend(session=session, scope=Scope(member_id=member_id, end=UNTIL), months=4)
    for row in trend:
        first = date.fromisoformat(f"{row['month']}-01")
        scope = Scope(member_id=member_id, start=first, end=month_end(first))
        (balance,) = compute_balances(session=session, scope=scope)
        assert (row["given_points"], row["received_points"]) == (
            balance["given_points"],
            balance["received_points"],
        )
