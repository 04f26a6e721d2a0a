"""One member's cards and balance, computed without pandas, are the frames' figures.

Every member of a demo, for a month, a quarter, a year and all time, across all networks
and in the reweighed one, on SQLite and PostgreSQL (the ``session`` fixture); one network
weighs its kinds differently, so points follow each exchange's own network.
"""

from datetime import date

from sqlmodel import Session

from reciprocity.analytics import frames
from reciprocity.analytics.balances import balance_frame, compute_balances
from reciprocity.analytics.cards import CARD_KEYS, member_balances, member_cards
from reciprocity.analytics.keys import BALANCE_KEYS
from reciprocity.analytics.quality import compute_quality
from reciprocity.analytics.scope import Scope
from reciprocity.ledger.demo import create_demo
from reciprocity.ledger.networks import edit_network
from tests.analytics import oracle

UNTIL = date(2025, 6, 30)
PERIODS = (
    (date(2025, 6, 1), UNTIL),
    (date(2025, 4, 1), UNTIL),
    (date(2024, 7, 1), UNTIL),
    (None, None),
)


def test_cards_and_balance_equal_the_frames_rows(session: Session) -> None:
    create_demo(session=session, seed=11, members=12, months=8, until=UNTIL)
    ledger = oracle.load(session)
    edit_network(session=session, network_id=max(ledger.networks), weights={"help": 2})
    compared = 0
    networks = (None, max(ledger.networks))
    for member_id in sorted(ledger.members):
        for network_id in networks:
            for start, end in PERIODS:
                scope = Scope(network_id=network_id, member_id=member_id, start=start, end=end)
                # The frame, as compute_balances computes every other scope.
                (balance,) = frames.records(balance_frame(session, scope), BALANCE_KEYS)
                assert member_balances(session=session, scope=scope) == [balance]
                assert compute_balances(session=session, scope=scope) == [balance]
                (quality,) = compute_quality(session=session, scope=scope)
                expected = {**quality, **balance}
                cards = member_cards(
                    session=session,
                    member_id=member_id,
                    start=start,
                    end=end,
                    network_id=network_id,
                )
                assert list(cards) == list(CARD_KEYS)
                assert cards == {key: expected[key] for key in CARD_KEYS}, (
                    f"member {member_id}, network {network_id}, {start}..{end}"
                )
                compared += 1
    # The demo gives the comparison something to compare: values, ratios and rates.
    assert compared == len(ledger.members) * len(networks) * len(PERIODS)
    whole = {
        member_id: member_cards(session=session, member_id=member_id, start=None, end=None)
        for member_id in ledger.members
    }
    assert any(card["value_received"] > 0 for card in whole.values())
    assert any(card["contact_rate"] not in (None, 0, 1) for card in whole.values())
    assert any(card["ratio"] not in (None, 1.0) for card in whole.values())


def test_an_unknown_member_has_no_balance_row(session: Session) -> None:
    create_demo(session=session, seed=3, members=8, months=2, until=UNTIL)
    scope = Scope(member_id=10_000, start=date(2025, 6, 1), end=UNTIL)
    assert frames.records(balance_frame(session, scope), BALANCE_KEYS) == []
    assert compute_balances(session=session, scope=scope) == []
