"""The hand-worked oracle of the analytics commands: every number below was worked out on paper.

The chapter (built through the ledger, as a user would) spans September and October 2026:

- Club Delft: default weights (referral 3, introduction 2, help 1), ``sla_days`` 3.
  Members Anna (Accountant), Bob (Web designer), Carla (Notary), Dirk (Photographer).
- Open Coffee: help weighs 2 (referral 3, introduction 2 stay default), ``sla_days`` 5.
  Members Bob (in both networks), Eva (Bookkeeper), Frank (Printer).
- Frank has activity in September only and is deactivated afterwards; Dirk has no
  exchange at all (only one-to-ones). Two exchanges are voided and count nowhere.

The exchanges (C = Club Delft, O = Open Coffee; points in their network's weights)::

    e1   09-02 referral Anna→Bob    C 3  contacted 09-03, meeting 09-10, won 09-20 1500.00; rated 5
    e2   09-05 referral Anna→Carla  C 3  contacted 09-10, lost 09-25; rated 3
    e3   09-08 help     Carla→Anna  C 1
    e4   09-10 referral Eva→Frank   O 3  contacted 09-14, proposal 09-20, won 10-05 800.50; rated 4
    e5   09-12 help     Frank→Bob   O 2
    e6a  09-15 intro    Anna→Bob    C 2  (Anna introduces Bob and Carla: one group)
    e6b  09-15 intro    Anna→Carla  C 2
    e7   09-20 referral Carla→Anna  C    won 09-22 999.00, rated 1, then VOIDED
    e8   09-25 help     Bob→Frank   O 2
    e9   10-02 referral Bob→Carla   C 3  contacted 10-03, no_response 10-20; not rated
    e10  10-05 intro    Carla→Bob   C 2  (to the outside contact Marieke Kok)
    e11  10-08 referral Eva→Bob     O 3  contacted 10-16, meeting 10-20; rated 4
    e7b  10-10 referral Carla→Bob   C    VOIDED, no steps
    e12  10-12 help     Anna→Carla  C 1  answers Carla's ask a0
    e16  10-15 referral Bob→Carla   C 3  contacted 10-16, meeting 10-28; rated 4
    e13  10-20 referral Carla→Bob   C 3  no steps
    e14  10-22 help     Eva→Bob     O 2
    e21  10-24 referral Eva→Bob     O 3  no steps
    e15  10-26 referral Anna→Carla  C 3  contacted 10-28, won 10-29 2000.00; not rated
    e22  10-26 referral Eva→Bob     O 3  no steps
    e17  10-28 referral Carla→Anna  C 3  no steps

One-to-ones: Bob–Dirk 2026-04-01 (older than 180 days on 10-31), Anna–Dirk 2026-10-01.
"""

import csv
import io
import json
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date
from typing import Any

import pytest
from sqlmodel import Session

from reciprocity.analytics.keys import (
    BALANCE_KEYS,
    NUDGE_KEYS,
    PAIR_KEYS,
    QUALITY_KEYS,
    STATS_KEYS,
)
from reciprocity.ledger.exchanges import log_help, log_introduction, log_referral, void_exchange
from reciprocity.ledger.followups import give_feedback, record_followup
from reciprocity.ledger.members import add_member, deactivate_member
from reciprocity.ledger.networks import add_network
from reciprocity.ledger.one_to_ones import log_one_to_one
from reciprocity.ledger.requests import add_request, withdraw_request
from reciprocity.store.engine import make_engine
from reciprocity.store.models import Ask, Offer

Run = Callable[..., Any]

ANNA, BOB, CARLA, DIRK, EVA, FRANK = (
    "Anna de Vries",
    "Bob Jansen",
    "Carla Smit",
    "Dirk Bakker",
    "Eva Visser",
    "Frank Mulder",
)


@dataclass(frozen=True)
class Chapter:
    """Ids of everything the expectations name."""

    club: int
    coffee: int
    anna: int
    bob: int
    carla: int
    dirk: int
    eva: int
    frank: int
    e9: int
    e13: int
    e15: int
    e16: int
    e17: int
    e21: int
    a1: int
    a2: int
    a3: int
    a6: int
    a8: int

    def name_of(self, member_id: int) -> str:
        names = {
            self.anna: ANNA,
            self.bob: BOB,
            self.carla: CARLA,
            self.dirk: DIRK,
            self.eva: EVA,
            self.frank: FRANK,
        }
        return names[member_id]


def d(text: str) -> date:
    return date.fromisoformat(text)


def build(session: Session) -> Chapter:
    club = add_network(session=session, name="Club Delft", sla_days=3)
    coffee = add_network(
        session=session, name="Open Coffee", kind="open coffee", sla_days=5, weights={"help": 2}
    )
    assert club.id is not None and coffee.id is not None
    c, o = club.id, coffee.id

    def member(name: str, networks: list[int], category: str) -> int:
        made = add_member(
            session=session,
            name=name,
            network_ids=networks,
            category=category,
            joined_on=d("2026-01-01"),
        )
        assert made.id is not None
        return made.id

    anna = member(ANNA, [c], "Accountant")
    bob = member(BOB, [c, o], "Web designer")
    carla = member(CARLA, [c], "Notary")
    dirk = member(DIRK, [c], "Photographer")
    eva = member(EVA, [o], "Bookkeeper")
    frank = member(FRANK, [o], "Printer")

    def ask(who: int, network: int, topic: str, details: str | None = None) -> int:
        made = add_request(
            session=session,
            table=Ask,
            member_id=who,
            topic=topic,
            details=details,
            network_id=network,
        )
        assert made.id is not None
        return made.id

    # The board, oldest first ("newest first" is the reverse of this order).
    a0 = ask(carla, c, "LinkedIn banner from a web designer")  # answered by e12 below
    a1 = ask(carla, c, "Web designer wanted", "For the new office site.")
    a2 = ask(anna, c, "Printer for flyers")  # matches Bob through his offer o1
    a3 = ask(dirk, c, "Tips from web designers")  # the plural still names 'web designer'
    a4 = ask(dirk, c, "Need a web designer")  # withdrawn below
    ask(bob, c, "Web designer peer group")  # Bob's own ask
    a6 = ask(carla, c, "Notary stamp", "Anyone know a good WEB DESIGNER?")
    ask(eva, o, "Photographer for headshots")  # Dirk is not in Open Coffee
    a8 = ask(carla, c, "Event photographer needed")
    withdraw_request(session=session, table=Ask, request_id=a4)
    add_request(
        session=session,
        table=Offer,
        member_id=bob,
        topic="Website review",
        details="Free for any accountant.",
    )
    o2 = add_request(
        session=session, table=Offer, member_id=bob, topic="Notary website templates", network_id=c
    )
    assert o2.id is not None
    withdraw_request(session=session, table=Offer, request_id=o2.id)

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

    def help_(giver: int, receiver: int, network: int, day: str, answers: int | None = None) -> int:
        made = log_help(
            session=session,
            giver_id=giver,
            receiver_id=receiver,
            network_id=network,
            occurred_on=d(day),
            answers_ask_id=answers,
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

    def rate(exchange: int, rating: int) -> None:
        give_feedback(session=session, exchange_id=exchange, rating=rating)

    # September
    e1 = referral(anna, bob, c, "2026-09-02")
    step(e1, "contacted", "2026-09-03")
    step(e1, "meeting", "2026-09-10")
    step(e1, "won", "2026-09-20", 1500.00)
    rate(e1, 5)
    e2 = referral(anna, carla, c, "2026-09-05")
    step(e2, "contacted", "2026-09-10")
    step(e2, "lost", "2026-09-25")
    rate(e2, 3)
    help_(carla, anna, c, "2026-09-08")
    e4 = referral(eva, frank, o, "2026-09-10")
    step(e4, "contacted", "2026-09-14")
    step(e4, "proposal", "2026-09-20")
    step(e4, "won", "2026-10-05", 800.50)
    rate(e4, 4)
    help_(frank, bob, o, "2026-09-12")
    intro = log_introduction(
        session=session,
        introducer_id=anna,
        member_id=bob,
        with_member_id=carla,
        network_id=c,
        occurred_on=d("2026-09-15"),
    )
    assert len(intro) == 2 and intro[0].introduction_group == intro[1].introduction_group
    e7 = referral(carla, anna, c, "2026-09-20")
    step(e7, "won", "2026-09-22", 999.00)
    rate(e7, 1)
    void_exchange(session=session, exchange_id=e7, reason="Logged in the wrong club")
    help_(bob, frank, o, "2026-09-25")
    # October
    e9 = referral(bob, carla, c, "2026-10-02")
    step(e9, "contacted", "2026-10-03")
    step(e9, "no_response", "2026-10-20")
    log_introduction(
        session=session,
        introducer_id=carla,
        member_id=bob,
        with_contact="Marieke Kok",
        network_id=c,
        occurred_on=d("2026-10-05"),
    )
    e11 = referral(eva, bob, o, "2026-10-08")
    step(e11, "contacted", "2026-10-16")
    step(e11, "meeting", "2026-10-20")
    rate(e11, 4)
    e7b = referral(carla, bob, c, "2026-10-10")
    void_exchange(session=session, exchange_id=e7b, reason="Logged twice")
    help_(anna, carla, c, "2026-10-12", answers=a0)
    e16 = referral(bob, carla, c, "2026-10-15")
    step(e16, "contacted", "2026-10-16")
    step(e16, "meeting", "2026-10-28")
    rate(e16, 4)
    e13 = referral(carla, bob, c, "2026-10-20")
    help_(eva, bob, o, "2026-10-22")
    e21 = referral(eva, bob, o, "2026-10-24")
    e15 = referral(anna, carla, c, "2026-10-26")
    step(e15, "contacted", "2026-10-28")
    step(e15, "won", "2026-10-29", 2000.00)
    referral(eva, bob, o, "2026-10-26")  # e22
    e17 = referral(carla, anna, c, "2026-10-28")

    log_one_to_one(
        session=session, member_a_id=bob, member_b_id=dirk, network_id=c, held_on=d("2026-04-01")
    )
    log_one_to_one(
        session=session, member_a_id=anna, member_b_id=dirk, network_id=c, held_on=d("2026-10-01")
    )
    deactivate_member(session=session, member_id=frank)
    return Chapter(
        club=c,
        coffee=o,
        anna=anna,
        bob=bob,
        carla=carla,
        dirk=dirk,
        eva=eva,
        frank=frank,
        e9=e9,
        e13=e13,
        e15=e15,
        e16=e16,
        e17=e17,
        e21=e21,
        a1=a1,
        a2=a2,
        a3=a3,
        a6=a6,
        a8=a8,
    )


@pytest.fixture
def ch(db_url: str) -> Iterator[Chapter]:
    engine = make_engine(db_url)
    with Session(engine, expire_on_commit=False) as session:
        chapter = build(session)
    engine.dispose()
    yield chapter


def ok(run: Run, *args: str) -> Any:
    result = run(*args)
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout) if "--json" in args else result.stdout


def rows(data: Any, keys: tuple[str, ...]) -> list[tuple[Any, ...]]:
    """The rows as tuples, after checking each has exactly ``keys``, in order."""
    assert isinstance(data, list)
    for row in data:
        assert tuple(row) == keys
    return [tuple(row.values()) for row in data]


# --------------------------------------------------------------------------------------
# balance
# Columns: member_id, member, given ref/help/intro, received ref/help/intro,
#          given_points, received_points, balance, ratio, balance_index,
#          value_given, value_received
# --------------------------------------------------------------------------------------


def test_balance_all_time(run_cli: Run, ch: Chapter) -> None:
    got = rows(ok(run_cli, "balance", "--json"), BALANCE_KEYS)
    assert got == [
        # Eva gives e4, e11, e21, e22 (4 refs × 3 = 12) + e14 (help × 2 in Coffee) = 14;
        # receives nothing: ratio null, index 14/14 = 1; value_given: e4 won 800.50.
        (ch.eva, EVA, 4, 1, 0, 0, 0, 0, 14, 0, 14, None, 1.0, 800.5, 0),
        # Anna gives e1, e2, e15 (3 × 3 = 9) + e12 (1) + e6a, e6b (2 × 2 = 4) = 14;
        # receives e3 help (1) + e17 ref (3) = 4 (e7 is voided); 14/4 = 3.5;
        # index 10/18 = 0.5556; value_given e1 1500 + e15 2000 = 3500.
        (ch.anna, ANNA, 3, 1, 2, 1, 1, 0, 14, 4, 10, 3.5, 0.556, 3500.0, 0),
        # Dirk: no exchanges, listed with zeros.
        (ch.dirk, DIRK, 0, 0, 0, 0, 0, 0, 0, 0, 0, None, None, 0, 0),
        # Frank (inactive, but active in Sept) gives e5 help (2 in Coffee);
        # receives e4 ref 3 + e8 help 2 = 5; 2/5 = 0.4; -3/7 = -0.4286; e4 won 800.50.
        (ch.frank, FRANK, 0, 1, 0, 1, 1, 0, 2, 5, -3, 0.4, -0.429, 0, 800.5),
        # Carla gives e13, e17 (6) + e3 (1) + e10 (2) = 9 (e7, e7b voided);
        # receives e2, e9, e15, e16 (12) + e12 (1) + e6b (2) = 15; 9/15 = 0.6;
        # -6/24 = -0.25; value_received e15 2000.
        (ch.carla, CARLA, 2, 1, 1, 4, 1, 1, 9, 15, -6, 0.6, -0.25, 0, 2000.0),
        # Bob gives e9, e16 (6) + e8 help in Coffee (2) = 8;
        # receives e1, e11, e13, e21, e22 (15) + e5, e14 helps in Coffee (2 × 2 = 4)
        # + e6a, e10 (2 × 2 = 4) = 23; 8/23 = 0.3478; -15/31 = -0.4839; e1 won 1500.
        (ch.bob, BOB, 2, 1, 0, 5, 2, 2, 8, 23, -15, 0.348, -0.484, 0, 1500.0),
    ]
    # Check: Σ given 14+14+0+2+9+8 = 47 = Σ received 0+4+0+5+15+23.


def test_balance_of_one_network(run_cli: Run, ch: Chapter) -> None:
    got = rows(ok(run_cli, "balance", "--network", "Club Delft", "--json"), BALANCE_KEYS)
    assert got == [
        # All of Anna's exchanges are in the club: as all time.
        (ch.anna, ANNA, 3, 1, 2, 1, 1, 0, 14, 4, 10, 3.5, 0.556, 3500.0, 0),
        (ch.dirk, DIRK, 0, 0, 0, 0, 0, 0, 0, 0, 0, None, None, 0, 0),
        # Bob in the club gives e9, e16 = 6; receives e1, e13 (6) + e6a, e10 (4) = 10;
        # 6/10 = 0.6; -4/16 = -0.25; value_received e1 1500.
        (ch.bob, BOB, 2, 0, 0, 2, 0, 2, 6, 10, -4, 0.6, -0.25, 0, 1500.0),
        # Carla's exchanges are all in the club: as all time.
        (ch.carla, CARLA, 2, 1, 1, 4, 1, 1, 9, 15, -6, 0.6, -0.25, 0, 2000.0),
    ]
    # Eva and Frank are not club members and have no club exchange: not listed.
    got = rows(
        ok(run_cli, "balance", "--network", "Open Coffee", "--month", "2026-10", "--json"),
        BALANCE_KEYS,
    )
    assert got == [
        # Eva: e11, e21, e22 (3 × 3 = 9) + e14 (help weighs 2 here) = 11.
        (ch.eva, EVA, 3, 1, 0, 0, 0, 0, 11, 0, 11, None, 1.0, 0, 0),
        # Bob gives nothing in Coffee in October: 0/11 = 0.0, index -11/11 = -1.
        (ch.bob, BOB, 0, 0, 0, 3, 1, 0, 0, 11, -11, 0.0, -1.0, 0, 0),
    ]
    # Frank is inactive and had no October exchange: not listed.


def test_balance_of_a_month(run_cli: Run, ch: Chapter) -> None:
    got = rows(ok(run_cli, "balance", "--month", "2026-09", "--json"), BALANCE_KEYS)
    assert got == [
        # Anna gives e1, e2 (6) + e6a, e6b (4) = 10; receives e3 (1); 10/1 = 10;
        # 9/11 = 0.8182; e1 won 1500 (e2 lost).
        (ch.anna, ANNA, 2, 0, 2, 0, 1, 0, 10, 1, 9, 10.0, 0.818, 1500.0, 0),
        # Eva gives e4 (3); its won step is dated 10-05 but the referral's date decides.
        (ch.eva, EVA, 1, 0, 0, 0, 0, 0, 3, 0, 3, None, 1.0, 800.5, 0),
        (ch.dirk, DIRK, 0, 0, 0, 0, 0, 0, 0, 0, 0, None, None, 0, 0),
        # Frank gives e5 (2); receives e4 (3) + e8 (2) = 5; 0.4; -3/7.
        (ch.frank, FRANK, 0, 1, 0, 1, 1, 0, 2, 5, -3, 0.4, -0.429, 0, 800.5),
        # Carla gives e3 (1; e7 voided); receives e2 (3) + e6b (2) = 5; 1/5 = 0.2;
        # -4/6 = -0.6667; e2 was lost: no value.
        (ch.carla, CARLA, 0, 1, 0, 1, 0, 1, 1, 5, -4, 0.2, -0.667, 0, 0),
        # Bob gives e8 (2); receives e1 (3) + e5 (2) + e6a (2) = 7; 2/7 = 0.2857;
        # -5/9 = -0.5556.
        (ch.bob, BOB, 0, 1, 0, 1, 1, 1, 2, 7, -5, 0.286, -0.556, 0, 1500.0),
    ]
    # Check: Σ given 10+3+0+2+1+2 = 18 = Σ received 1+0+0+5+5+7.


def test_balance_of_a_date_range(run_cli: Run, ch: Chapter) -> None:
    args = ("balance", "--from", "2026-10-01", "--to", "2026-10-15", "--json")
    got = rows(ok(run_cli, *args), BALANCE_KEYS)
    # In range: e9 (10-02), e10 (10-05), e11 (10-08), e12 (10-12), e16 (10-15, the last day);
    # e7b (10-10) is voided. Frank is inactive and idle: not listed.
    assert got == [
        # Eva gives e11 (3).
        (ch.eva, EVA, 1, 0, 0, 0, 0, 0, 3, 0, 3, None, 1.0, 0, 0),
        # Bob and Anna both have balance 1; Bob first on given points 6 > 1.
        # Bob gives e9, e16 (6); receives e11 (3) + e10 (2) = 5; 6/5 = 1.2; 1/11 = 0.0909.
        (ch.bob, BOB, 2, 0, 0, 1, 0, 1, 6, 5, 1, 1.2, 0.091, 0, 0),
        # Anna gives e12 (1); receives nothing.
        (ch.anna, ANNA, 0, 1, 0, 0, 0, 0, 1, 0, 1, None, 1.0, 0, 0),
        (ch.dirk, DIRK, 0, 0, 0, 0, 0, 0, 0, 0, 0, None, None, 0, 0),
        # Carla gives e10 (2); receives e9, e16 (6) + e12 (1) = 7; 2/7 = 0.2857; -5/9.
        (ch.carla, CARLA, 0, 0, 1, 2, 1, 0, 2, 7, -5, 0.286, -0.556, 0, 0),
    ]


def test_balance_of_one_member(run_cli: Run, ch: Chapter) -> None:
    got = rows(ok(run_cli, "balance", "--member", BOB, "--json"), BALANCE_KEYS)
    assert got == [(ch.bob, BOB, 2, 1, 0, 5, 2, 2, 8, 23, -15, 0.348, -0.484, 0, 1500.0)]
    got = rows(ok(run_cli, "balance", "--member", DIRK, "--json"), BALANCE_KEYS)
    assert got == [(ch.dirk, DIRK, 0, 0, 0, 0, 0, 0, 0, 0, 0, None, None, 0, 0)]
    # A named member is listed even inactive and idle in the period.
    got = rows(
        ok(run_cli, "balance", "--member", FRANK, "--month", "2026-10", "--json"), BALANCE_KEYS
    )
    assert got == [(ch.frank, FRANK, 0, 0, 0, 0, 0, 0, 0, 0, 0, None, None, 0, 0)]


def test_balance_csv(run_cli: Run, ch: Chapter) -> None:
    text = ok(run_cli, "balance", "--csv")
    lines = text.splitlines()
    assert lines[0] == ",".join(BALANCE_KEYS)
    table = list(csv.reader(io.StringIO(text)))
    assert len(table) == 1 + 6
    assert [row[1] for row in table[1:]] == [EVA, ANNA, DIRK, FRANK, CARLA, BOB]
    carla = next(row for row in table[1:] if row[1] == CARLA)
    assert int(carla[0]) == ch.carla
    assert [float(cell) for cell in carla[2:]] == [2, 1, 1, 4, 1, 1, 9, 15, -6, 0.6, -0.25, 0, 2000]
    eva = next(row for row in table[1:] if row[1] == EVA)
    assert eva[BALANCE_KEYS.index("ratio")] == ""  # null: Eva received nothing
    assert float(eva[BALANCE_KEYS.index("balance_index")]) == 1.0
    assert float(eva[BALANCE_KEYS.index("value_given")]) == 800.5


# --------------------------------------------------------------------------------------
# quality
# Columns: member_id, member, received, contacted, contact_rate, median_days_to_contact,
#          within_sla_rate, won, lost, no_response, open, conversion_rate, avg_rating,
#          given, given_won, referral_yield
# --------------------------------------------------------------------------------------


def test_quality_all_time(run_cli: Run, ch: Chapter) -> None:
    got = rows(ok(run_cli, "quality", "--json"), QUALITY_KEYS)
    assert got == [
        # Anna receives e17 (no step; e7 is voided): 0/1 contacted, 0/1 within SLA, open 1.
        # Gives e1 (won), e2 (lost), e15 (won): yield 2/3 = 0.6667.
        (ch.anna, ANNA, 1, 0, 0.0, None, 0.0, 0, 0, 0, 1, 0.0, None, 3, 2, 0.667),
        # Bob receives e1 (1 day, club SLA 3: within), e11 (8 days, coffee SLA 5: late),
        # e13, e21, e22 (no steps; e7b voided): contacted 2/5 = 0.4; median of 1, 8 = 4.5;
        # within 1/5 = 0.2; won 1 (e1), open 5 - 1 = 4; conversion 1/5 = 0.2;
        # ratings e1 5, e11 4 → 4.5. Gives e9 (no_response), e16 (open): yield 0/2.
        (ch.bob, BOB, 5, 2, 0.4, 4.5, 0.2, 1, 0, 0, 4, 0.2, 4.5, 2, 0, 0.0),
        # Carla receives e2 (5 days: late), e9 (1), e15 (2), e16 (1): all contacted;
        # median of 1, 1, 2, 5 = (1 + 2) / 2 = 1.5; within 3/4 = 0.75;
        # won e15, lost e2, no_response e9, open e16 → 4 - 3 = 1; conversion 1/4 = 0.25;
        # ratings e2 3, e16 4 → 3.5. Gives e13, e17 (no steps): yield 0/2.
        (ch.carla, CARLA, 4, 4, 1.0, 1.5, 0.75, 1, 1, 1, 1, 0.25, 3.5, 2, 0, 0.0),
        # Dirk: nothing received or given, every rate null.
        (ch.dirk, DIRK, 0, 0, None, None, None, 0, 0, 0, 0, None, None, 0, 0, None),
        # Eva receives nothing; gives e4 (won), e11, e21, e22: yield 1/4 = 0.25.
        (ch.eva, EVA, 0, 0, None, None, None, 0, 0, 0, 0, None, None, 4, 1, 0.25),
        # Frank receives e4: contacted after 4 days (coffee SLA 5: within), won, rated 4.
        (ch.frank, FRANK, 1, 1, 1.0, 4.0, 1.0, 1, 0, 0, 0, 1.0, 4.0, 0, 0, None),
    ]


def test_quality_of_a_month(run_cli: Run, ch: Chapter) -> None:
    got = rows(ok(run_cli, "quality", "--month", "2026-09", "--json"), QUALITY_KEYS)
    # September's live referrals: e1, e2, e4 (e7 voided).
    assert got == [
        # Anna gives e1 (won), e2 (lost): yield 1/2.
        (ch.anna, ANNA, 0, 0, None, None, None, 0, 0, 0, 0, None, None, 2, 1, 0.5),
        # Bob receives e1: contacted after 1 day (within 3), won, rated 5.
        (ch.bob, BOB, 1, 1, 1.0, 1.0, 1.0, 1, 0, 0, 0, 1.0, 5.0, 0, 0, None),
        # Carla receives e2: contacted after 5 days (> 3: late), lost, rated 3.
        # Her e7 is voided: she gave no referral.
        (ch.carla, CARLA, 1, 1, 1.0, 5.0, 0.0, 0, 1, 0, 0, 0.0, 3.0, 0, 0, None),
        (ch.dirk, DIRK, 0, 0, None, None, None, 0, 0, 0, 0, None, None, 0, 0, None),
        # Eva gives e4, won on 10-05: the referral's date decides, so it counts: 1/1.
        (ch.eva, EVA, 0, 0, None, None, None, 0, 0, 0, 0, None, None, 1, 1, 1.0),
        (ch.frank, FRANK, 1, 1, 1.0, 4.0, 1.0, 1, 0, 0, 0, 1.0, 4.0, 0, 0, None),
    ]


def test_quality_of_a_network_and_of_a_member(run_cli: Run, ch: Chapter) -> None:
    got = rows(ok(run_cli, "quality", "--network", "Open Coffee", "--json"), QUALITY_KEYS)
    assert got == [
        # Bob receives e11 (8 days > 5: late), e21, e22 (no steps): 1/3 = 0.3333;
        # median 8; within 0/3; open 3; rated 4. He gave no coffee referral.
        (ch.bob, BOB, 3, 1, 0.333, 8.0, 0.0, 0, 0, 0, 3, 0.0, 4.0, 0, 0, None),
        (ch.eva, EVA, 0, 0, None, None, None, 0, 0, 0, 0, None, None, 4, 1, 0.25),
        (ch.frank, FRANK, 1, 1, 1.0, 4.0, 1.0, 1, 0, 0, 0, 1.0, 4.0, 0, 0, None),
    ]
    args = ("quality", "--member", BOB, "--from", "2026-10-01", "--to", "2026-10-15", "--json")
    got = rows(ok(run_cli, *args), QUALITY_KEYS)
    # Bob receives e11 (8 days, late, still open, rated 4); gives e9 and e16 (10-15), none won.
    assert got == [(ch.bob, BOB, 1, 1, 1.0, 8.0, 0.0, 0, 0, 0, 1, 0.0, 4.0, 2, 0, 0.0)]


# --------------------------------------------------------------------------------------
# pairs
# --------------------------------------------------------------------------------------


def test_pairs_all_time(run_cli: Run, ch: Chapter) -> None:
    # Points per direction: Anna→Bob e1 3 + e6a 2 = 5; Anna→Carla e2 3 + e6b 2 + e12 1 +
    # e15 3 = 9; Carla→Anna e3 1 + e17 3 = 4; Bob→Carla e9 3 + e16 3 = 6; Carla→Bob e10 2 +
    # e13 3 = 5; Eva→Bob e11 3 + e14 2 + e21 3 + e22 3 = 11; Eva→Frank e4 3;
    # Frank→Bob e5 2; Bob→Frank e8 2. Dirk has no pair.
    got = rows(ok(run_cli, "pairs", "--json"), PAIR_KEYS)
    assert got == [
        (ANNA, BOB, 5, 0, 5),
        (ANNA, CARLA, 9, 4, 5),  # tie on 5: by the other's name
        (BOB, EVA, 0, 11, -11),
        (BOB, ANNA, 0, 5, -5),
        (BOB, FRANK, 2, 2, 0),
        (BOB, CARLA, 6, 5, 1),
        (CARLA, ANNA, 4, 9, -5),
        (CARLA, BOB, 5, 6, -1),
        (EVA, FRANK, 3, 0, 3),
        (EVA, BOB, 11, 0, 11),
        (FRANK, EVA, 0, 3, -3),
        (FRANK, BOB, 2, 2, 0),
    ]


def test_pairs_of_one_member(run_cli: Run, ch: Chapter) -> None:
    got = rows(ok(run_cli, "pairs", "--member", BOB, "--json"), PAIR_KEYS)
    assert got == [
        (BOB, EVA, 0, 11, -11),
        (BOB, ANNA, 0, 5, -5),
        (BOB, FRANK, 2, 2, 0),
        (BOB, CARLA, 6, 5, 1),
    ]
    # October: Carla→Anna e17 3, Anna→Carla e12 1 + e15 3 = 4; Carla→Bob e10 2 + e13 3 = 5
    # (e7b voided), Bob→Carla e9 3 + e16 3 = 6. Both -1: by the other's name.
    got = rows(ok(run_cli, "pairs", "--member", CARLA, "--month", "2026-10", "--json"), PAIR_KEYS)
    assert got == [(CARLA, ANNA, 3, 4, -1), (CARLA, BOB, 5, 6, -1)]


def test_pairs_of_one_network(run_cli: Run, ch: Chapter) -> None:
    got = rows(ok(run_cli, "pairs", "--network", "Open Coffee", "--json"), PAIR_KEYS)
    assert got == [
        (BOB, EVA, 0, 11, -11),
        (BOB, FRANK, 2, 2, 0),
        (EVA, FRANK, 3, 0, 3),
        (EVA, BOB, 11, 0, 11),
        (FRANK, EVA, 0, 3, -3),
        (FRANK, BOB, 2, 2, 0),
    ]


# --------------------------------------------------------------------------------------
# stats
# --------------------------------------------------------------------------------------


def stats(run: Run, *args: str) -> dict[str, Any]:
    got = ok(run, "stats", *args, "--json")
    assert isinstance(got, dict)
    assert tuple(got) == STATS_KEYS
    return got


def test_stats_all_time(run_cli: Run, ch: Chapter) -> None:
    expected = {
        # Listed: the 5 active members + Frank (inactive, but he has exchanges).
        "members": 6,
        # Everyone but Dirk gave or received.
        "active_members": 5,
        # 21 exchanges logged, e7 and e7b voided: 8 in September + 11 in October.
        "exchanges": 19,
        # Σ given points: Anna 14 + Bob 8 + Carla 9 + Dirk 0 + Eva 14 + Frank 2.
        "given_points": 47,
        # Balances 10, -15, -6, 0, 14, -3: Anna, Dirk, Eva ≥ 0 → 3/6.
        "share_nonnegative": 0.5,
        # Edges A→B, A→C, C→A, B→C, C→B, B→F, F→B, E→F, E→B = 9; mutual 6 → 0.6667.
        "reciprocity": 0.667,
        # x = 0, 2, 8, 9, 14, 14: Σ_{i<j} |xi - xj| = 47 + 37 + 13 + 10 + 0 = 107,
        # Σi Σj = 214; 2 n² mean = 2 × 36 × 47/6 = 564; 214/564 = 0.3794.
        "gini": 0.379,
        # 90 days ending 10-31 cover everything; all who received also gave.
        "free_riders": [],
    }
    assert stats(run_cli, "--as-of", "2026-10-31") == expected
    # Without a period and --as-of, free riders are judged as of today.
    plain = stats(run_cli)
    today = stats(run_cli, "--as-of", date.today().isoformat())
    assert plain == {**expected, "free_riders": today["free_riders"]}


def test_stats_of_a_month(run_cli: Run, ch: Chapter) -> None:
    expected = {
        "members": 6,  # 5 active + Frank, active in September
        "active_members": 5,  # all but Dirk
        "exchanges": 8,  # e1, e2, e3, e4, e5, e6a, e6b, e8 (e7 voided)
        "given_points": 18,  # Anna 10 + Bob 2 + Carla 1 + Eva 3 + Frank 2
        # Balances Anna 9, Bob -5, Carla -4, Dirk 0, Eva 3, Frank -3 → 3/6.
        "share_nonnegative": 0.5,
        # Edges A→B, A→C, C→A, E→F, F→B, B→F = 6; mutual A↔C, B↔F = 4 → 4/6.
        "reciprocity": 0.667,
        # x = 0, 1, 2, 2, 3, 10 (mean 3): Σ_{i<j} = 18 + 13 + 9 + 9 + 7 = 56 → 112;
        # 2 × 36 × 3 = 216; 112/216 = 0.5185.
        "gini": 0.519,
        # as_of = 09-30: Bob gave e8, Carla e3, Frank e5, Anna plenty.
        "free_riders": [],
    }
    assert stats(run_cli, "--month", "2026-09") == expected
    # As of 09-10 the 90 days hold e1, e2, e3, e4 only: Bob (e1) and Frank (e4) received
    # and gave nothing yet. The period's numbers do not move.
    assert stats(run_cli, "--month", "2026-09", "--as-of", "2026-09-10") == {
        **expected,
        "free_riders": [BOB, FRANK],
    }


def test_stats_of_a_network_month_and_day(run_cli: Run, ch: Chapter) -> None:
    args = ("--network", "Club Delft", "--month", "2026-09", "--as-of", "2026-09-30")
    assert stats(run_cli, *args) == {
        "members": 4,  # Anna, Bob, Carla, Dirk
        "active_members": 3,  # not Dirk
        "exchanges": 5,  # e1, e2, e3, e6a, e6b
        "given_points": 11,  # 3 + 3 + 1 + 2 + 2
        # Anna 10 - 1 = 9, Bob 0 - 5, Carla 1 - 5, Dirk 0 → 2/4.
        "share_nonnegative": 0.5,
        # Edges A→B, A→C, C→A; mutual 2 → 2/3.
        "reciprocity": 0.667,
        # x = 10, 0, 1, 0 (mean 2.75): Σ_{i<j} = 11 + 11 + 9 = 31 → 62; 2 × 16 × 2.75 = 88;
        # 62/88 = 0.7045.
        "gini": 0.705,
        # In the club Bob received e1, e6a and gave nothing by 09-30 (e8 is in Coffee).
        "free_riders": [BOB],
    }
    args = ("--network", "Open Coffee", "--month", "2026-10", "--as-of", "2026-10-31")
    assert stats(run_cli, *args) == {
        "members": 2,  # Bob, Eva; Frank is inactive and idle in October
        "active_members": 2,
        "exchanges": 4,  # e11, e14, e21, e22
        "given_points": 11,  # 3 + 2 + 3 + 3
        "share_nonnegative": 0.5,  # Eva 11, Bob -11
        "reciprocity": 0.0,  # the one edge Eva→Bob is not returned
        "gini": 0.5,  # x = 0, 11: 22 / (2 × 4 × 5.5)
        # Coffee, 08-03 to 10-31: Bob gave e8, Frank gave e5.
        "free_riders": [],
    }


def test_stats_of_a_date_range(run_cli: Run, ch: Chapter) -> None:
    assert stats(run_cli, "--from", "2026-10-01", "--to", "2026-10-15") == {
        "members": 5,  # the active five; Frank is idle
        "active_members": 4,  # not Dirk
        "exchanges": 5,  # e9, e10, e11, e12, e16
        "given_points": 12,  # 3 + 2 + 3 + 1 + 3
        # Anna 1, Bob 1, Carla -5, Dirk 0, Eva 3 → 4/5.
        "share_nonnegative": 0.8,
        # Edges B→C, C→B, E→B, A→C = 4; mutual 2 → 0.5.
        "reciprocity": 0.5,
        # x = 0, 1, 2, 3, 6 (mean 2.4): Σ_{i<j} = 12 + 8 + 5 + 3 = 28 → 56;
        # 2 × 25 × 2.4 = 120; 56/120 = 0.4667.
        "gini": 0.467,
        # as_of 10-15: every receiver in 07-18..10-15 also gave.
        "free_riders": [],
    }


# --------------------------------------------------------------------------------------
# nudges
# --------------------------------------------------------------------------------------

ONE_SENTENCE = re.compile(r"[^\n]*[.?!]")


def nudges(run: Run, ch: Chapter, *args: str) -> list[tuple[Any, ...]]:
    """(type, member_id, exchange_id, ask_id) per item; each message one sentence naming the
    other member."""
    got = ok(run, *args, "--json")
    assert isinstance(got, list)
    items = []
    for item in got:
        assert tuple(item) == NUDGE_KEYS
        message = item["message"]
        assert ONE_SENTENCE.fullmatch(message), message
        assert not re.search(r"[.?!] [A-Z]", message), message
        assert ch.name_of(item["member_id"]) in message, message
        items.append((item["type"], item["member_id"], item["exchange_id"], item["ask_id"]))
    return items


def messages(run: Run, *args: str) -> list[str]:
    return [item["message"] for item in ok(run, *args, "--json")]


def asks_feedback(message: str) -> bool:
    return bool(re.search(r"feedback|\brate\b|rating", message, re.IGNORECASE))


def test_nudges_of_the_acting_member(run_cli: Run, ch: Chapter) -> None:
    args = ("--as", BOB, "nudges", "--as-of", "2026-10-31")
    updates = {
        item["exchange_id"]: item["message"]
        for item in ok(run_cli, *args, "--json")
        if item["type"] == "given_update"
    }
    assert not asks_feedback(updates[ch.e16])  # e16 is still open
    assert asks_feedback(updates[ch.e9])  # e9 ended (no_response) and Bob has not rated it
    assert nudges(run_cli, ch, *args) == [
        # Received, no step, more than sla_days old: e13 (club, 11 days > 3),
        # e21 (coffee, 7 days > 5); oldest first. e22 is exactly 5 days: not yet.
        # e7b is voided.
        ("followup_due", ch.carla, ch.e13, None),
        ("followup_due", ch.eva, ch.e21, None),
        # Gave to Bob and got nothing back: Eva 3 + 2 + 3 + 3 = 11, Anna 3 + 2 = 5.
        # (Bob gave to Carla and Frank.)
        ("reciprocate", ch.eva, None, None),
        ("reciprocate", ch.anna, None, None),
        # Open asks naming 'web designer' (a6 in its details, a3 in the plural, a1), or
        # Anna's (an accountant, named by Bob's open offer); newest first. Not: a0
        # (answered), a4 (withdrawn), Bob's own, a8 (only the withdrawn offer names
        # 'notary').
        ("answer_ask", ch.carla, None, ch.a6),
        ("answer_ask", ch.dirk, None, ch.a3),
        ("answer_ask", ch.anna, None, ch.a2),
        ("answer_ask", ch.carla, None, ch.a1),
        # Fellow members: Anna, Carla, Eva have exchanges with Bob; Frank is inactive;
        # Dirk's one-to-one with Bob (04-01) is older than 180 days.
        ("cold_pair", ch.dirk, None, None),
        # Steps in 10-18..10-31 on referrals Bob gave: e16 meeting 10-28, e9 no_response
        # 10-20; newest step first.
        ("given_update", ch.carla, ch.e16, None),
        ("given_update", ch.carla, ch.e9, None),
    ]


def test_nudges_within_one_network(run_cli: Run, ch: Chapter) -> None:
    args = ("nudges", "--member", BOB, "--network", "Open Coffee", "--as-of", "2026-10-31")
    assert nudges(run_cli, ch, *args) == [
        # Only coffee exchanges: e21 is overdue (e22 is not yet, e11 was contacted).
        ("followup_due", ch.eva, ch.e21, None),
        # Eva's 11 points are all coffee ones; Frank's e5 was returned by e8; Anna is club.
        ("reciprocate", ch.eva, None, None),
        # No coffee ask names a web designer or a bookkeeper/printer via Bob's offer;
        # Eva has exchanges with Bob and Frank is inactive; Bob gave no coffee referral.
    ]


def test_nudges_of_a_named_member(run_cli: Run, ch: Chapter) -> None:
    assert nudges(run_cli, ch, "nudges", "--member", DIRK, "--as-of", "2026-10-31") == [
        # 'Event photographer needed' in the club; Eva's coffee ask is outside his networks.
        ("answer_ask", ch.carla, None, ch.a8),
        # Anna met Dirk on 10-01. Given points in 05-05..10-31: Carla 1 + 2 + 3 + 3 = 9,
        # Bob 2 + 3 + 3 = 8 (6 in the club alone): Carla first, against the name order.
        ("cold_pair", ch.carla, None, None),
        ("cold_pair", ch.bob, None, None),
    ]
    # On 10-31 Anna's e17 (10-28) is 3 days old: not more than 3. On 11-01 it is due.
    # e15 was won on 10-29 and Anna has not rated it.
    assert nudges(run_cli, ch, "nudges", "--member", ANNA, "--as-of", "2026-10-31") == [
        ("given_update", ch.carla, ch.e15, None),
    ]
    args = ("nudges", "--member", ANNA, "--as-of", "2026-11-01")
    assert nudges(run_cli, ch, *args) == [
        ("followup_due", ch.carla, ch.e17, None),
        ("given_update", ch.carla, ch.e15, None),
    ]
    assert asks_feedback(messages(run_cli, *args)[1])


# --------------------------------------------------------------------------------------
# bad input
# --------------------------------------------------------------------------------------

BAD_FILTERS = [
    (["--month", "2026-13"], "is not a month"),
    (["--month", "2026-10", "--from", "2026-10-01"], "not both"),
    (["--from", "2026-10-15", "--to", "2026-10-01"], "before it starts"),
    (["--network", "Nowhere"], "No network is named 'Nowhere'"),
    (["--member", "Zed"], "No member is named 'Zed'"),
]


BAD_CASES = [
    pytest.param([command, *args], sentence, id=f"{command} {' '.join(args)}")
    for command in ("balance", "quality", "pairs", "stats")
    for args, sentence in BAD_FILTERS
    if not (command == "stats" and args[0] == "--member")  # stats has no --member
]


@pytest.mark.parametrize(("args", "sentence"), BAD_CASES)
def test_bad_filters_give_one_sentence(
    run_cli: Run, ch: Chapter, args: list[str], sentence: str
) -> None:
    result = run_cli(*args, "--json")
    assert result.exit_code == 1
    assert result.stdout == ""
    message = result.stderr.strip()
    assert message.startswith("Error: ")
    assert sentence in message
    assert "\n" not in message
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize(
    ("args", "sentence"),
    [
        (["nudges", "--member", "Zed"], "No member is named 'Zed'"),
        (["nudges", "--member", BOB, "--network", "Nowhere"], "No network is named 'Nowhere'"),
    ],
)
def test_bad_nudges_give_one_sentence(
    run_cli: Run, ch: Chapter, args: list[str], sentence: str
) -> None:
    result = run_cli(*args, "--as-of", "2026-10-31", "--json")
    assert result.exit_code == 1
    assert result.stdout == ""
    message = result.stderr.strip()
    assert message.startswith("Error: ")
    assert sentence in message
    assert "\n" not in message
