"""The analytics functions agree with the oracle, row by row and key by key.

Each test fills one database with a demo ledger, then compares every metric over many
scopes: all networks and each network; all time, a month, a quarter and open-ended
periods; and single members. Money must agree to the cent and rates to the third decimal.
Every test runs on SQLite and on PostgreSQL (the ``session`` fixture).
"""

from collections import Counter
from datetime import date, timedelta
from typing import Any

import pytest
from sqlmodel import Session

from reciprocity.analytics.balances import compute_balances
from reciprocity.analytics.keys import BALANCE_KEYS, PAIR_KEYS, QUALITY_KEYS
from reciprocity.analytics.network import compute_stats
from reciprocity.analytics.pairs import compute_pairs
from reciprocity.analytics.quality import compute_quality
from reciprocity.analytics.scope import Scope, month_end
from reciprocity.ledger.demo import DemoSummary, create_demo
from reciprocity.ledger.members import deactivate_member
from reciprocity.ledger.networks import edit_network
from tests.analytics import oracle
from tests.analytics.test_properties import Give, Spec, write

MAX_REPORTED = 40


def member_key(row: dict[str, Any]) -> str:
    return f"{row.get('member_id')} {row.get('member')}"


def pair_key(row: dict[str, Any]) -> str:
    return f"{row.get('member')} -> {row.get('other')}"


def periods_of(until: date) -> dict[str, tuple[date | None, date | None]]:
    """All time, the last full month, a calendar quarter, and two open-ended periods."""
    last_month_end = until.replace(day=1) - timedelta(days=1)
    month_start = last_month_end.replace(day=1)
    back = until - timedelta(days=120)
    quarter_first_month = 3 * ((back.month - 1) // 3) + 1
    quarter_start = date(back.year, quarter_first_month, 1)
    quarter_end = month_end(date(back.year, quarter_first_month + 2, 1))
    return {
        "all time": (None, None),
        f"month {month_start:%Y-%m}": (month_start, last_month_end),
        f"quarter {quarter_start}..{quarter_end}": (quarter_start, quarter_end),
        "from": (until - timedelta(days=45), None),
        "to": (None, until - timedelta(days=200)),
    }


def interesting_members(ledger: oracle.Ledger) -> list[int]:
    """The busiest giver, a taker, an inactive member, a leaver and a member who did nothing."""
    live = [e for e in ledger.exchanges if e["voided_at"] is None]
    gives = Counter(e["giver_id"] for e in live)
    takes = Counter(e["receiver_id"] for e in live)
    chosen: list[int] = [gives.most_common(1)[0][0]]
    takers = sorted(ledger.members, key=lambda m: (gives[m] - takes[m], m))
    chosen.append(takers[0])
    inactive = [m for m in sorted(ledger.members) if not ledger.members[m]["active"]]
    chosen.extend(inactive[:1])
    leavers = sorted(ms["member_id"] for ms in ledger.memberships if ms["left_on"] is not None)
    chosen.extend(leavers[:1])
    idle = [m for m in sorted(ledger.members) if not gives[m] and not takes[m]]
    chosen.extend(idle[:1])
    return list(dict.fromkeys(chosen))


def compare_scope(session: Session, ledger: oracle.Ledger, scope: Scope, label: str) -> list[str]:
    """Balances, quality and pairs of one scope against the oracle."""
    problems = oracle.compare_rows(
        f"[{label}] balances",
        BALANCE_KEYS,
        oracle.balances(ledger, scope),
        compute_balances(session=session, scope=scope),
        member_key,
    )
    problems += oracle.compare_rows(
        f"[{label}] quality",
        QUALITY_KEYS,
        oracle.quality(ledger, scope),
        compute_quality(session=session, scope=scope),
        member_key,
    )
    problems += oracle.compare_rows(
        f"[{label}] pairs",
        PAIR_KEYS,
        oracle.pairs(ledger, scope),
        compute_pairs(session=session, scope=scope),
        pair_key,
    )
    return problems


def compare_stats(
    session: Session, ledger: oracle.Ledger, scope: Scope, label: str, as_of: date | None
) -> list[str]:
    """Network stats of one scope against the oracle."""
    expected = oracle.stats(ledger, scope, as_of)
    actual = compute_stats(session=session, scope=scope, as_of=as_of)
    return oracle.compare_stats(f"[{label}] stats as_of={as_of}", expected, actual)


def compare_ledger(session: Session, summary: DemoSummary) -> None:
    """Every scope of the demo in ``session`` agrees with the oracle."""
    ledger = oracle.load(session)
    assert ledger.exchanges, "the demo wrote no exchanges"
    networks: list[int | None] = [None, *sorted(ledger.networks)]
    periods = periods_of(summary.until)
    problems: list[str] = []
    for network_id in networks:
        for name, (start, end) in periods.items():
            scope = Scope(network_id=network_id, start=start, end=end)
            label = f"network={network_id} {name}"
            problems += compare_scope(session, ledger, scope, label)
            problems += compare_stats(session, ledger, scope, label, None)
        whole = Scope(network_id=network_id)
        for as_of in (summary.until, summary.until - timedelta(days=40)):
            problems += compare_stats(session, ledger, whole, f"network={network_id}", as_of)
    month = next(p for name, p in periods.items() if name.startswith("month"))
    for member_id in interesting_members(ledger):
        for network_id in networks[:2]:
            for start, end in ((None, None), month):
                scope = Scope(network_id=network_id, member_id=member_id, start=start, end=end)
                label = f"member={member_id} network={network_id} {start}..{end}"
                problems += compare_scope(session, ledger, scope, label)
    shown = "\n".join(problems[:MAX_REPORTED])
    assert not problems, f"{len(problems)} disagreements with the oracle:\n{shown}"


def test_the_default_demo_agrees_with_the_oracle(session: Session) -> None:
    summary = create_demo(session=session)
    compare_ledger(session, summary)


def adjust(session: Session) -> None:
    """What an organiser does later: reweigh a network and deactivate a few members.

    The last network counts help 2 and referrals 4 and allows 3 days to follow up; the
    first member, the sixth and the first leaver are deactivated (they keep their history).
    """
    ledger = oracle.load(session)
    edit_network(
        session=session,
        network_id=max(ledger.networks),
        weights={"help": 2, "referral": 4},
        sla_days=3,
    )
    leavers = sorted(ms["member_id"] for ms in ledger.memberships if ms["left_on"] is not None)
    ids = sorted(ledger.members)
    for member_id in sorted({ids[0], ids[5], *leavers[:1]}):
        deactivate_member(session=session, member_id=member_id)


@pytest.mark.parametrize(
    ("options", "adjusted"),
    [
        pytest.param({"seed": 3, "members": 20, "months": 3}, False, id="small-club"),
        pytest.param({"seed": 11, "members": 40, "months": 6}, True, id="half-year-adjusted"),
        pytest.param(
            {"seed": 5, "members": 150, "months": 2, "exchanges": 600}, True, id="chapters-adjusted"
        ),
        pytest.param(
            {"seed": 23, "members": 12, "months": 14, "exchanges": 300}, False, id="long-thin"
        ),
    ],
)
def test_other_demos_agree_with_the_oracle(
    session: Session, options: dict[str, Any], adjusted: bool
) -> None:
    summary = create_demo(session=session, until=date(2025, 6, 30), **options)
    if adjusted:
        adjust(session)
    compare_ledger(session, summary)


def test_the_oracle_reads_the_demo_consistently(session: Session) -> None:
    """A sanity check of the oracle itself: points balance and every exchange is counted."""
    create_demo(session=session, seed=3, members=20, months=3, until=date(2025, 6, 30))
    ledger = oracle.load(session)
    rows = oracle.balances(ledger, Scope())
    assert sum(r["given_points"] for r in rows) == sum(r["received_points"] for r in rows)
    live = [e for e in ledger.exchanges if e["voided_at"] is None]
    assert sum(r["given_referral"] + r["given_help"] + r["given_introduction"] for r in rows) == (
        len(live)
    )
    quality = oracle.quality(ledger, Scope())
    assert all(r["won"] + r["lost"] + r["no_response"] <= r["contacted"] for r in quality)


HAND_BUILT = Spec(
    members=[
        ("bob", True),
        ("Carla", True),
        ("Émile", True),
        ("Anna", False),
        ("Zoë", True),
        ("anna-lena", True),
        ("Ünal", True),
    ],
    networks=[({"help": 2}, 1), ({}, 4)],
    memberships=[
        (0, 0, None, None),
        (1, 0, 10, None),
        (2, 0, None, 40),
        (3, 0, 0, 60),
        (4, 1, 30, None),
        (5, 1, None, None),
        (0, 1, 0, None),
    ],
    gives=[
        Give("referral", 0, 1, 0, 12, steps=(("contacted", 13, None), ("won", 20, 123456))),
        Give("referral", 1, 0, 0, 15, steps=(("won", 18, 99),), rating=4),
        Give("help", 2, 0, 0, 16),
        Give("help", 0, 2, 0, 16, voided=True),
        Give("introduction", 3, 4, 0, 41),
        Give("introduction", 3, 5, 0, 41),
        Give("referral", 5, 4, 1, 45, steps=(("contacted", 50, None), ("lost", 60, None))),
        Give("referral", 5, 6, 1, 70, rating=2),
        Give("referral", 6, 2, 1, 70, steps=(("no_response", 71, None),), rating=1),
        Give("help", 6, 4, 1, 90),
        Give("referral", 2, 1, 0, 100, steps=(("meeting", 104, None), ("won", 110, 5))),
        Give("referral", 1, 2, 0, 100, steps=(("contacted", 101, None),), rating=5),
    ],
)
"""Case and accents in names, partial weights, a non-member and an inactive member giving,
leavers, a free rider (Zoë), and referrals in every state: the cases most likely to differ
between backends."""


def test_a_hand_built_ledger_agrees_with_the_oracle(session: Session) -> None:
    written = write(session, HAND_BUILT)
    ledger = oracle.load(session)
    problems: list[str] = []
    for network_id in (None, *written.networks):
        for start, end in (
            (None, None),
            (date(2025, 1, 13), date(2025, 2, 28)),
            (date(2025, 2, 11), None),
            (None, date(2025, 2, 10)),
        ):
            scope = Scope(network_id=network_id, start=start, end=end)
            label = f"network={network_id} {start}..{end}"
            problems += compare_scope(session, ledger, scope, label)
            for as_of in (None, date(2025, 3, 15), date(2025, 4, 20)):
                problems += compare_stats(session, ledger, scope, label, as_of)
            if end is not None and start is None:
                continue
            for member_id in written.members:
                scope = Scope(network_id, member_id, start, end)
                problems += compare_scope(session, ledger, scope, f"member={member_id} {label}")
    shown = "\n".join(problems[:MAX_REPORTED])
    assert not problems, f"{len(problems)} disagreements with the oracle:\n{shown}"
