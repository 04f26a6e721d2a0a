"""``worth``: a member's networks side by side, every number worked out on paper.

The case, built through the ledger as a user would; the period is the first quarter of
2026 (90 days: 31 + 28 + 31), judged on 2026-06-30:

- Club Delft: a referral club, yearly fee €1,200.00, 2 hours per meeting, default weights
  (referral 3, introduction 2, help 1). Meetings on 2025-12-18 (before the period),
  01-08, 01-22, 02-05, 02-19, 03-05, 03-19 (six in the period) and 04-02 (after).
- Open Coffee: free (fee €0.00), 1.5 hours per meeting, help weighs 2. Meetings on 01-15,
  02-12 and 03-12.
- Anna is in both: in the club since 2025-06-01 with her own 2.5 hours per meeting (she
  travels far), and joined the coffee on 2026-02-01, mid-period. Her other costs: the
  club's dinner on 02-19 (€45.00) and a coffee on 02-12 and 03-12 (€3.50 each).
- Carla joined the club on 2026-02-16, mid-period, at her own first-year fee of €960.00.
- Bob is in both from the start; Dirk in the coffee.

Exchanges (C = Club Delft, O = Open Coffee)::

    x6  2025-12-18 referral Bob→Anna   C  won 2026-01-05 500.00   (before the period)
    x1  2026-01-08 referral Anna→Bob   C  contacted 01-09, won 01-20 2,000.00
    x2  2026-01-22 referral Bob→Anna   C  contacted 01-23, won 02-10 3,000.00
    y4  2026-01-15 help     Bob→Dirk   O  (Anna takes no part)
    x3  2026-02-05 help     Bob→Anna   C
    y1  2026-02-12 referral Dirk→Anna  O  contacted 02-13, won 02-28 1,200.00
    x4  2026-02-19 referral Anna→Carla C  contacted 02-20
    x5  2026-03-05 referral Carla→Anna C  no steps
    y2  2026-03-12 help     Anna→Bob   O
    y3  2026-03-12 referral Anna→Dirk  O  no steps

One-to-ones: Anna–Bob in the club (01-15), Anna–Dirk in the coffee (02-20), and Anna with
Lone Wolf, who is in no network (03-01: a one-to-one of no network, counted in no row).

Anna, Club Delft: given x1 + x4 = 3 + 3 = 6 points, received x2 + x3 + x5 = 3 + 1 + 3 =
7, balance −1; value given 2,000.00 (x1), received 3,000.00 (x2). Six meetings × 2.5 h =
15.00 hours. Cost: 1,200.00 × 90 / 365 = 295.89 + 45.00 = 340.89 (exactly 340.890…).
Value per cost 3,000.00 / 340.89 = 8.800; per hour 3,000.00 / 15 = 200.00. Yield: 1 of 2
referrals given was won (0.5); contact rate 2 of 2 (1.0).

Anna, Open Coffee (from 02-01): given y2 + y3 = 2 + 3 = 5, received y1 = 3, balance +2;
value given 0.00, received 1,200.00. Meetings while a member: 02-12 and 03-12 (not
01-15): 2 × 1.5 = 3.00 hours. Cost: 0.00 × 59 / 365 + 3.50 + 3.50 = 7.00. Value per cost
1,200.00 / 7.00 = 171.429, per hour 400.00. Yield 0 of 1, contact rate 0 of 1.

Anna, total: 11 / 10 points, balance +1, 3 referrals each way, value 2,000.00 / 4,200.00,
2 one-to-ones, 8 meetings, 18.00 hours, cost 347.89, value per cost 4,200.00 / 347.89 =
12.073, per hour 233.33, yield 1/3 = 0.333, contact rate 2/3 = 0.667.

Carla (club from 02-16, 44 days): given x5 = 3, received x4 = 3, no value. Meetings
02-19, 03-05, 03-19: 3 × 2 h (the network's) = 6.00 hours. Cost 960.00 × 44 / 365 =
115.73 (115.726…). Value per cost 0.000, per hour 0.00, yield 0 of 1, contact rate 0 of 1.
"""

from dataclasses import dataclass
from datetime import date
from typing import Any

import pytest
from sqlmodel import Session, select

from reciprocity.analytics.keys import WORTH_KEYS, WORTH_TREND_KEYS
from reciprocity.analytics.worth import compute_worth, compute_worth_trend, worth_period
from reciprocity.ledger.attendance import record_attendance
from reciprocity.ledger.costs import set_membership_costs
from reciprocity.ledger.errors import LedgerError
from reciprocity.ledger.exchanges import log_help, log_referral
from reciprocity.ledger.followups import record_followup
from reciprocity.ledger.members import add_member
from reciprocity.ledger.networks import add_meeting, add_network, join_network
from reciprocity.ledger.one_to_ones import log_one_to_one
from reciprocity.store.models import Meeting

START, END, AS_OF = date(2026, 1, 1), date(2026, 3, 31), date(2026, 6, 30)


def d(text: str) -> date:
    return date.fromisoformat(text)


@dataclass(frozen=True)
class Case:
    club: int
    coffee: int
    anna: int
    bob: int
    carla: int
    dirk: int
    loner: int


def build(session: Session) -> Case:
    club = add_network(session=session, name="Club Delft", fee=1200, meeting_hours=2)
    coffee = add_network(
        session=session,
        name="Open Coffee",
        kind="open coffee",
        weights={"help": 2},
        fee=0,
        meeting_hours=1.5,
    )
    assert club.id is not None and coffee.id is not None
    c, o = club.id, coffee.id
    for day in ("2025-12-18", "2026-01-08", "2026-01-22", "2026-02-05", "2026-02-19"):
        add_meeting(session=session, network_id=c, held_on=d(day))
    for day in ("2026-03-05", "2026-03-19", "2026-04-02"):
        add_meeting(session=session, network_id=c, held_on=d(day))
    for day in ("2026-01-15", "2026-02-12", "2026-03-12"):
        add_meeting(session=session, network_id=o, held_on=d(day))

    def member(name: str, networks: list[int], joined: str | None = None) -> int:
        made = add_member(
            session=session,
            name=name,
            network_ids=networks,
            joined_on=d(joined) if joined else None,
        )
        assert made.id is not None
        return made.id

    anna = member("Anna de Vries", [c], "2025-06-01")
    join_network(session=session, member_id=anna, network_id=o, joined_on=d("2026-02-01"))
    bob = member("Bob Jansen", [c, o])
    carla = member("Carla Smit", [c], "2026-02-16")
    dirk = member("Dirk Bakker", [o])
    loner = member("Lone Wolf", [])

    def referral(giver: int, receiver: int, network: int, day: str) -> int:
        made = log_referral(
            session=session,
            giver_id=giver,
            receiver_id=receiver,
            network_id=network,
            occurred_on=d(day),
        )
        assert made.id is not None
        return made.id

    def step(exchange: int, status: str, day: str, value: float | None = None) -> None:
        record_followup(
            session=session,
            exchange_id=exchange,
            status=status,
            occurred_on=d(day),
            value=value,
            business="new" if value is not None else None,
        )

    def help_(giver: int, receiver: int, network: int, day: str) -> None:
        log_help(
            session=session,
            giver_id=giver,
            receiver_id=receiver,
            network_id=network,
            occurred_on=d(day),
        )

    x6 = referral(bob, anna, c, "2025-12-18")
    step(x6, "won", "2026-01-05", 500)
    x1 = referral(anna, bob, c, "2026-01-08")
    step(x1, "contacted", "2026-01-09")
    step(x1, "won", "2026-01-20", 2000)
    x2 = referral(bob, anna, c, "2026-01-22")
    step(x2, "contacted", "2026-01-23")
    step(x2, "won", "2026-02-10", 3000)
    help_(bob, dirk, o, "2026-01-15")
    help_(bob, anna, c, "2026-02-05")
    y1 = referral(dirk, anna, o, "2026-02-12")
    step(y1, "contacted", "2026-02-13")
    step(y1, "won", "2026-02-28", 1200)
    x4 = referral(anna, carla, c, "2026-02-19")
    step(x4, "contacted", "2026-02-20")
    referral(carla, anna, c, "2026-03-05")
    help_(anna, bob, o, "2026-03-12")
    referral(anna, dirk, o, "2026-03-12")

    log_one_to_one(
        session=session, member_a_id=anna, member_b_id=bob, network_id=c, held_on=d("2026-01-15")
    )
    log_one_to_one(
        session=session, member_a_id=dirk, member_b_id=anna, network_id=o, held_on=d("2026-02-20")
    )
    log_one_to_one(session=session, member_a_id=anna, member_b_id=loner, held_on=d("2026-03-01"))

    set_membership_costs(session=session, member_id=anna, network_id=c, meeting_hours=2.5)
    set_membership_costs(
        session=session, member_id=anna, network_id=c, other_costs=45, spent_on=d("2026-02-19")
    )
    for day in ("2026-02-12", "2026-03-12"):
        set_membership_costs(
            session=session, member_id=anna, network_id=o, other_costs=3.5, spent_on=d(day)
        )
    set_membership_costs(session=session, member_id=carla, network_id=c, fee=960)
    return Case(c, o, anna, bob, carla, dirk, loner)


@pytest.fixture
def case(session: Session) -> Case:
    return build(session)


def row(**values: Any) -> dict[str, Any]:
    assert tuple(values) == WORTH_KEYS
    return values


ANNA = [
    row(
        network="Club Delft",
        given_points=6,
        received_points=7,
        balance=-1,
        given_referral=2,
        received_referral=2,
        value_given=2000.0,
        value_received=3000.0,
        one_to_ones=1,
        meetings_attended=6,
        attendance_assumed=True,
        hours=15.0,
        cost=340.89,
        currency="EUR",
        value_per_cost=8.8,
        value_per_hour=200.0,
        referral_yield=0.5,
        contact_rate=1.0,
    ),
    row(
        network="Open Coffee",
        given_points=5,
        received_points=3,
        balance=2,
        given_referral=1,
        received_referral=1,
        value_given=0.0,
        value_received=1200.0,
        one_to_ones=1,
        meetings_attended=2,
        attendance_assumed=True,
        hours=3.0,
        cost=7.0,
        currency="EUR",
        value_per_cost=171.429,
        value_per_hour=400.0,
        referral_yield=0.0,
        contact_rate=0.0,
    ),
    row(
        network=None,
        given_points=11,
        received_points=10,
        balance=1,
        given_referral=3,
        received_referral=3,
        value_given=2000.0,
        value_received=4200.0,
        one_to_ones=2,
        meetings_attended=8,
        attendance_assumed=True,
        hours=18.0,
        cost=347.89,
        currency="EUR",
        value_per_cost=12.073,
        value_per_hour=233.33,
        referral_yield=0.333,
        contact_rate=0.667,
    ),
]

CARLA_CLUB = row(
    network="Club Delft",
    given_points=3,
    received_points=3,
    balance=0,
    given_referral=1,
    received_referral=1,
    value_given=0.0,
    value_received=0.0,
    one_to_ones=0,
    meetings_attended=3,
    attendance_assumed=True,
    hours=6.0,
    cost=115.73,
    currency="EUR",
    value_per_cost=0.0,
    value_per_hour=0.0,
    referral_yield=0.0,
    contact_rate=0.0,
)


def test_a_member_of_two_networks_sees_both_side_by_side_and_a_total(
    session: Session, case: Case
) -> None:
    rows = compute_worth(session=session, member_id=case.anna, start=START, end=END, as_of=AS_OF)
    assert rows == ANNA


def test_a_member_who_joined_mid_period_pays_for_the_days_they_belonged(
    session: Session, case: Case
) -> None:
    rows = compute_worth(session=session, member_id=case.carla, start=START, end=END, as_of=AS_OF)
    assert rows == [CARLA_CLUB, {**CARLA_CLUB, "network": None}]


def test_each_month_of_the_trend_is_that_month_of_worth(session: Session, case: Case) -> None:
    # January and March: the club's fee for 31 days, 1,200.00 × 31 / 365 = 101.92.
    # February: 28 days, 92.05, plus the dinner (45.00) = 137.05; the free coffee costs
    # its cup of 02-12 (3.50). Anna was not in the coffee in January: zeros. Value goes to
    # the referral's month: x2 (won in February) in January, y1 in February.
    trend = compute_worth_trend(session=session, member_id=case.anna, months=3, as_of=END)
    assert all(tuple(r) == WORTH_TREND_KEYS for r in trend)
    assert trend == [
        {
            "month": "2026-01",
            "network": "Club Delft",
            "value_received": 3000.0,
            "cost": 101.92,
            "currency": "EUR",
        },
        {
            "month": "2026-01",
            "network": "Open Coffee",
            "value_received": 0.0,
            "cost": 0.0,
            "currency": "EUR",
        },
        {
            "month": "2026-02",
            "network": "Club Delft",
            "value_received": 0.0,
            "cost": 137.05,
            "currency": "EUR",
        },
        {
            "month": "2026-02",
            "network": "Open Coffee",
            "value_received": 1200.0,
            "cost": 3.5,
            "currency": "EUR",
        },
        {
            "month": "2026-03",
            "network": "Club Delft",
            "value_received": 0.0,
            "cost": 101.92,
            "currency": "EUR",
        },
        {
            "month": "2026-03",
            "network": "Open Coffee",
            "value_received": 0.0,
            "cost": 3.5,
            "currency": "EUR",
        },
    ]
    february = compute_worth(
        session=session, member_id=case.anna, start=d("2026-02-01"), end=d("2026-02-28")
    )
    assert [(r["value_received"], r["cost"]) for r in february[:2]] == [
        (0.0, 137.05),
        (1200.0, 3.5),
    ]


def test_without_a_period_worth_covers_twelve_months_to_today_and_never_past_it() -> None:
    assert worth_period(start=None, end=None, as_of=d("2026-06-12")) == (
        d("2025-07-01"),
        d("2026-06-12"),
    )
    assert worth_period(start=None, end=d("2026-03-31"), as_of=d("2026-06-12")) == (
        d("2025-04-01"),
        d("2026-03-31"),
    )
    assert worth_period(start=d("2026-06-01"), end=d("2026-06-30"), as_of=d("2026-06-12")) == (
        d("2026-06-01"),
        d("2026-06-12"),
    )
    with pytest.raises(LedgerError) as refused:
        worth_period(start=d("2026-07-01"), end=None, as_of=d("2026-06-12"))
    assert refused.value.key == "worth.period_not_begun"


def test_a_whole_year_of_membership_costs_the_yearly_fee(session: Session, case: Case) -> None:
    rows = compute_worth(
        session=session, member_id=case.bob, start=d("2025-04-01"), end=d("2026-03-31")
    )
    club = rows[0]
    assert (club["network"], club["cost"], club["meetings_attended"], club["hours"]) == (
        "Club Delft",
        1200.0,
        7,
        14.0,
    )


def test_a_network_without_a_known_fee_or_hours_leaves_cost_and_hours_unknown(
    session: Session, case: Case
) -> None:
    chamber = add_network(session=session, name="Chamber", kind="chamber")
    assert chamber.id is not None
    join_network(session=session, member_id=case.dirk, network_id=chamber.id)
    add_meeting(session=session, network_id=chamber.id, held_on=d("2026-02-02"))
    rows = compute_worth(session=session, member_id=case.dirk, start=START, end=END)
    by_network = {r["network"]: r for r in rows}
    assert [by_network["Chamber"][k] for k in ("meetings_attended", "hours", "cost")] == [
        1,
        None,
        None,
    ]
    assert by_network["Chamber"]["value_per_cost"] is None
    assert [by_network[None][k] for k in ("meetings_attended", "hours", "cost")] == [4, None, None]


def test_a_total_over_two_currencies_leaves_money_out(session: Session, case: Case) -> None:
    london = add_network(session=session, name="London Circle", currency="GBP", fee=365)
    assert london.id is not None
    join_network(session=session, member_id=case.dirk, network_id=london.id)
    rows = compute_worth(session=session, member_id=case.dirk, start=START, end=END)
    total = rows[-1]
    assert rows[0]["currency"] == "GBP" and rows[0]["cost"] == 90.0
    assert (total["currency"], total["cost"], total["value_received"]) == (None, None, None)
    assert total["value_per_cost"] is None and total["given_points"] == 3


def test_worth_for_a_member_of_no_network_is_one_sentence(session: Session, case: Case) -> None:
    with pytest.raises(LedgerError) as refused:
        compute_worth(session=session, member_id=case.loner)
    assert refused.value.key == "worth.no_network"
    assert refused.value.field == "member"
    assert str(refused.value) == (
        "Lone Wolf is a member of no network, so there is nothing to weigh up; add them to a "
        "network first."
    )


def test_only_the_member_or_their_organiser_sees_their_worth(session: Session, case: Case) -> None:
    with pytest.raises(LedgerError) as refused:
        compute_worth(session=session, member_id=case.anna, acting_id=case.bob)
    assert refused.value.key == "role.self_or_organiser"
    assert compute_worth(session=session, member_id=case.anna, acting_id=case.anna, as_of=AS_OF)


def test_recorded_attendance_counts_where_it_exists(session: Session, case: Case) -> None:
    # Bob's club meetings in Q1 2026: 01-08, 01-22, 02-05, 02-19, 03-05, 03-19 (six).
    meetings = {
        row.held_on.isoformat(): row.id or 0
        for row in session.exec(select(Meeting).where(Meeting.network_id == case.club))
    }
    for day, status in (
        ("2026-01-08", "present"),
        ("2026-01-22", "late"),
        ("2026-02-05", "absent"),
        ("2026-02-19", "medical"),
        ("2026-03-05", "substitute"),
    ):
        record_attendance(
            session=session, meeting_id=meetings[day], member_id=case.bob, status=status
        )
    start, end = d("2026-01-01"), d("2026-03-31")
    club = compute_worth(session=session, member_id=case.bob, start=start, end=end)[0]
    # Present and late count, the other three do not, 03-19 has no record and counts.
    assert (club["meetings_attended"], club["attendance_assumed"], club["hours"]) == (
        3,
        True,
        6.0,
    )
    record_attendance(
        session=session, meeting_id=meetings["2026-03-19"], member_id=case.bob, status="absent"
    )
    club = compute_worth(session=session, member_id=case.bob, start=start, end=end)[0]
    assert (club["meetings_attended"], club["attendance_assumed"]) == (2, False)
