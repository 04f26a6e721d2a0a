"""``worth`` and ``compare`` agree with an independent computation from the tables.

The default demo (a referral club and an open coffee with fees, hours and dated other
costs, fifteen members in both) is filled once per database; every member of either
network is weighed over a year, a quarter and a month, and every network compared, on
SQLite and on PostgreSQL (the ``session`` fixture).
"""

from datetime import date

from sqlmodel import Session

from reciprocity.analytics.compare import compute_compare
from reciprocity.analytics.network import compute_stats
from reciprocity.analytics.quality import compute_quality, network_quality
from reciprocity.analytics.scope import Scope
from reciprocity.analytics.worth import compute_worth
from reciprocity.ledger.demo import create_demo
from tests.analytics import worth_oracle

UNTIL = date(2026, 11, 30)
PERIODS = {
    "year": (None, None),
    "quarter": (date(2026, 7, 1), date(2026, 9, 30)),
    "month": (date(2026, 2, 1), date(2026, 2, 28)),
}


def test_worth_agrees_with_the_oracle_for_every_member_of_the_demo(session: Session) -> None:
    create_demo(session=session, until=UNTIL)
    ledger = worth_oracle.load(session)
    both = worth_oracle.members_of_both(ledger)
    assert len(both) == 15
    members = sorted({ms["member_id"] for ms in ledger.base.memberships})
    problems: list[str] = []
    for member_id in members:
        for name, (start, end) in PERIODS.items():
            first = start or date(2025, 12, 1)
            last = end or UNTIL
            expected = worth_oracle.worth(ledger, member_id, first, last)
            actual = compute_worth(
                session=session, member_id=member_id, start=start, end=end, as_of=UNTIL
            )
            problems += worth_oracle.compare_worth(f"member {member_id} {name}", expected, actual)
    shown = "\n".join(problems[:40])
    assert not problems, f"{len(problems)} disagreements with the oracle:\n{shown}"
    year = [compute_worth(session=session, member_id=member_id, as_of=UNTIL) for member_id in both]
    assert all(len(rows) == 3 for rows in year), "a member of both has two rows and a total"
    assert all(rows[-1]["cost"] and rows[-1]["hours"] for rows in year)


def test_compare_agrees_with_stats_quality_and_the_oracle(session: Session) -> None:
    create_demo(session=session, until=UNTIL)
    ledger = worth_oracle.load(session)
    start, end = date(2026, 6, 1), date(2026, 11, 30)
    rows = compute_compare(session=session, start=start, end=end, as_of=UNTIL)
    assert [row["network"] for row in rows] == [
        "Open Coffee Utrecht",
        "Referral Club Utrecht Domstad",
    ]
    for row, network_id in zip(rows, (2, 1), strict=True):
        scope = Scope(network_id=network_id, start=start, end=end)
        stats = compute_stats(session=session, scope=scope)
        quality = network_quality(
            session=session, scope=scope, rows=compute_quality(session=session, scope=scope)
        )
        assert (row["members"], row["reciprocity"], row["gini"]) == (
            stats["members"],
            stats["reciprocity"],
            stats["gini"],
        )
        assert (row["contact_rate"], row["conversion_rate"]) == (
            quality["contact_rate"],
            quality["conversion_rate"],
        )
        assert row["value_won_per_member"] == round(quality["value_won"] / stats["members"], 2)
        expected = worth_oracle.cost_per_member(ledger, network_id, start, end)
        assert expected is not None
        assert abs(row["cost_per_member"] - float(expected)) <= 0.005
        givers = {
            e["giver_id"]
            for e in ledger.base.exchanges
            if e["voided_at"] is None
            and e["network_id"] == network_id
            and start <= e["occurred_on"] <= end
        }
        assert row["active_givers"] == len(givers)
