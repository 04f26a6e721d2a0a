"""The demo ledger: deterministic by seed, realistic, and keeping every rule of the ledger."""

from collections import Counter, defaultdict
from datetime import date, timedelta
from pathlib import Path
from statistics import median
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlmodel import Session, SQLModel

from reciprocity.ledger.demo import create_demo, demo_organiser, ensure_demo_data
from reciprocity.ledger.errors import LedgerError
from reciprocity.ledger.exchanges import log_help
from reciprocity.ledger.integrity import check_ledger
from reciprocity.ledger.members import add_member
from reciprocity.ledger.rules import STEP_RANK
from reciprocity.store.engine import make_engine
from reciprocity.store.models import TABLES_IN_DEPENDENCY_ORDER
from reciprocity.store.tables import table_of
from reciprocity.store.types import utcnow
from tests.conftest import snapshot

UNTIL = date(2025, 6, 30)
START = date(2024, 7, 1)

Rows = dict[str, list[dict[str, Any]]]


def read_ledger(engine: Engine, *, with_created_at: bool = True) -> Rows:
    """Every table's rows by id, typed by the store's columns on SQLite and PostgreSQL alike."""
    tables: list[type[SQLModel]] = list(TABLES_IN_DEPENDENCY_ORDER)
    result: Rows = {}
    with engine.connect() as connection:
        for model in tables:
            table = table_of(model)
            columns = [c for c in table.c if with_created_at or c.name != "created_at"]
            rows = connection.execute(sa.select(*columns).order_by(table.c.id)).mappings()
            result[table.name] = [dict(row) for row in rows]
    return result


def demo_in_new_file(path: Path, **options: Any) -> Engine:
    engine = make_engine(f"sqlite:///{path}")
    with Session(engine) as session:
        create_demo(session=session, until=UNTIL, **options)
    return engine


@pytest.fixture
def ledger(engine: Engine, session: Session) -> Rows:
    """The default demo ending on UNTIL, read back."""
    create_demo(session=session, until=UNTIL)
    return read_ledger(engine)


def gives_and_takes(ledger: Rows) -> tuple[Counter[int], Counter[int]]:
    live = [e for e in ledger["exchange"] if e["voided_at"] is None]
    return Counter(e["giver_id"] for e in live), Counter(e["receiver_id"] for e in live)


def test_the_same_seed_and_end_date_give_the_same_ledger(
    engine: Engine, session: Session, tmp_path: Path
) -> None:
    create_demo(session=session, seed=11, until=UNTIL)
    again = demo_in_new_file(tmp_path / "again.sqlite", seed=11)
    other = demo_in_new_file(tmp_path / "other.sqlite", seed=12)
    first = read_ledger(engine, with_created_at=False)
    assert first == read_ledger(again, with_created_at=False)
    different = read_ledger(other, with_created_at=False)
    for table in ("member", "exchange", "followup"):
        assert first[table] != different[table]
    names = {m["name"] for m in first["member"]}
    assert len(names & {m["name"] for m in different["member"]}) < 10
    again.dispose()
    other.dispose()


def test_the_default_demo_is_a_referral_club_and_an_open_coffee(
    session: Session, ledger: Rows
) -> None:
    club, coffee = ledger["network"]
    assert (club["kind"], coffee["kind"]) == ("referral club", "open coffee")
    seats = defaultdict(list)
    for membership in ledger["membership"]:
        seats[membership["network_id"]].append(membership)
    assert (len(seats[club["id"]]), len(seats[coffee["id"]])) == (35, 65)
    in_both = {m["member_id"] for m in seats[club["id"]]} & {
        m["member_id"] for m in seats[coffee["id"]]
    }
    assert len(in_both) == 15
    assert len(ledger["member"]) == 100 - len(in_both)
    organiser = demo_organiser(session=session)
    assert organiser is not None
    assert [m["member_id"] for m in seats[club["id"]] if m["role"] == "organiser"] == [organiser.id]
    club_days = sorted(m["held_on"] for m in ledger["meeting"] if m["network_id"] == club["id"])
    gaps = Counter((b - a).days for a, b in zip(club_days, club_days[1:], strict=False))
    assert set(gaps) <= {7, 14} and gaps[7] >= 47
    assert club_days[0] - START < timedelta(7) and UNTIL - club_days[-1] < timedelta(7)
    kinds = Counter(e["kind"] for e in ledger["exchange"])
    assert set(kinds) == {"referral", "help", "introduction"} and min(kinds.values()) > 300
    assert 2500 <= kinds.total() <= 3000


def test_the_club_charges_a_fee_and_the_coffee_costs_a_coffee(ledger: Rows) -> None:
    club, coffee = ledger["network"]
    assert 1000 <= club["fee"] <= 1500 and club["meeting_hours"] == 1.5
    assert (coffee["fee"], coffee["currency"], club["currency"]) == (0, "EUR", "EUR")
    seats = {(m["member_id"], m["network_id"]): m for m in ledger["membership"]}
    own = [m for m in ledger["membership"] if m["fee"] is not None]
    assert own and all(m["network_id"] == club["id"] and m["fee"] < club["fee"] for m in own)
    assert any(m["meeting_hours"] is not None for m in ledger["membership"])
    meetings = {(m["network_id"], m["held_on"]) for m in ledger["meeting"]}
    coffees = [c for c in ledger["other_cost"] if c["network_id"] == coffee["id"]]
    assert len(coffees) > 1000 and all(3 <= c["amount"] <= 5 for c in coffees)
    for cost in ledger["other_cost"]:
        seat = seats[(cost["member_id"], cost["network_id"])]
        assert (cost["network_id"], cost["spent_on"]) in meetings
        assert START <= cost["spent_on"] <= UNTIL
        assert seat["joined_on"] <= cost["spent_on"]
        assert seat["left_on"] is None or cost["spent_on"] <= seat["left_on"]
    dinners = [c for c in ledger["other_cost"] if c["amount"] == 45]
    assert dinners and all(c["spent_on"].month == 12 for c in dinners)


def test_every_chapter_of_a_national_demo_charges_its_own_fee(tmp_path: Path) -> None:
    engine = demo_in_new_file(tmp_path / "national.sqlite", members=130, exchanges=400)
    rows = read_ledger(engine, with_created_at=False)
    engine.dispose()
    fees = [n["fee"] for n in rows["network"]]
    assert len(fees) > 2 and all(1000 <= fee <= 1500 for fee in fees)
    assert all(n["meeting_hours"] == 1.5 for n in rows["network"])
    assert {c["amount"] for c in rows["other_cost"]} <= {45.0, 95.0}


def test_introductions_come_in_pairs_or_name_an_outside_contact(ledger: Rows) -> None:
    pairs = defaultdict(list)
    outside = 0
    for exchange in ledger["exchange"]:
        if exchange["kind"] != "introduction":
            continue
        if exchange["introduction_group"] is None:
            assert exchange["contact_name"]
            outside += 1
        else:
            assert exchange["contact_name"] is None
            pairs[exchange["introduction_group"]].append(exchange)
    assert outside > 20 and len(pairs) > 100
    for first, *others in pairs.values():
        assert len(others) == 1
        second = others[0]
        for same in ("giver_id", "occurred_on", "meeting_id", "network_id", "voided_at"):
            assert first[same] == second[same]
        assert len({first["giver_id"], first["receiver_id"], second["receiver_id"]}) == 3


def test_members_give_unequally_and_some_only_take(ledger: Rows) -> None:
    given, received = gives_and_takes(ledger)
    members = [m["id"] for m in ledger["member"]]
    free_riders = [m for m in members if given[m] == 0 and received[m] > 0]
    assert 3 <= len(free_riders) <= 10
    gives = [given[m] for m in members]
    assert max(gives) >= 3 * median(gives)
    assert sum(1 for m in members if given[m] > 0 and received[m] > 0) > 60


def test_referrals_live_like_real_ones(ledger: Rows) -> None:
    referrals = {e["id"]: e for e in ledger["exchange"] if e["kind"] == "referral"}
    steps = defaultdict(list)
    for step in ledger["followup"]:
        steps[step["exchange_id"]].append(step)
    for exchange_id, life in steps.items():
        referral = referrals[exchange_id]
        assert referral["voided_at"] is None
        ranks = [STEP_RANK[step["status"]] for step in life]
        days = [step["occurred_on"] for step in life]
        assert ranks == sorted(set(ranks))
        assert days == sorted(days) and referral["occurred_on"] <= days[0] and days[-1] <= UNTIL
        if referral["acknowledged_at"] is not None:
            assert referral["occurred_on"] <= referral["acknowledged_at"].date() <= days[0]
        for step in life:
            if step["status"] == "won":
                assert step["value"] >= 0 and step["business"] in {"new", "repeat"}
            else:
                assert step["value"] is None and step["business"] is None
    live = [r for r in referrals.values() if r["voided_at"] is None]
    won = [life for life in steps.values() if life[-1]["status"] == "won"]
    assert 0.32 <= len(won) / len(steps) <= 0.48
    assert 0.6 <= len(steps) / len(live) <= 0.95
    days_to_first = [
        (life[0]["occurred_on"] - referrals[i]["occurred_on"]).days for i, life in steps.items()
    ]
    assert median(days_to_first) <= 3 and max(days_to_first) > 20
    assert sum(r["acknowledged_at"] is not None for r in live) > 100
    voided = [r for r in referrals.values() if r["voided_at"] is not None]
    assert voided and all(r["void_reason"] for r in voided)
    assert {r["referral_type"] for r in live} == {"inside", "outside"}
    assert {r["hotness"] for r in live} == {1, 2, 3, 4, 5}


def test_the_demo_keeps_every_rule_of_the_ledger(session: Session, ledger: Rows) -> None:
    assert check_ledger(session=session) == []
    seats = {(m["member_id"], m["network_id"]): m for m in ledger["membership"]}
    meetings = {m["id"]: m for m in ledger["meeting"]}

    def seated(member_id: int, network_id: int, day: date) -> bool:
        seat = seats.get((member_id, network_id))
        return seat is not None and seat["joined_on"] <= day <= (seat["left_on"] or day)

    for exchange in ledger["exchange"]:
        day, network = exchange["occurred_on"], exchange["network_id"]
        assert exchange["giver_id"] != exchange["receiver_id"]
        assert seated(exchange["giver_id"], network, day)
        assert seated(exchange["receiver_id"], network, day)
        if exchange["meeting_id"] is not None:
            meeting = meetings[exchange["meeting_id"]]
            assert (meeting["network_id"], meeting["held_on"]) == (network, day)
        is_referral = exchange["kind"] == "referral"
        assert (exchange["referral_type"] is not None) == is_referral
        assert (exchange["hotness"] is not None) == is_referral
    assert sum(e["meeting_id"] is not None for e in ledger["exchange"]) > 1000
    assert len({e["external_id"] for e in ledger["exchange"]}) == len(ledger["exchange"])
    exchanges = {e["id"]: e for e in ledger["exchange"]}
    answered = [a for a in ledger["ask"] if a["answered_by"] is not None]
    assert len(answered) > 50
    assert {a["status"] for a in answered} == {"answered"}
    assert {a["status"] for a in ledger["ask"]} == {"answered", "open", "withdrawn"}
    for ask in answered:
        help_given = exchanges[ask["answered_by"]]
        assert help_given["kind"] == "help" and help_given["voided_at"] is None
        assert (help_given["receiver_id"], help_given["network_id"]) == (
            ask["member_id"],
            ask["network_id"],
        )
    taken_up = [o for o in ledger["offer"] if o["answered_by"] is not None]
    assert taken_up
    assert all(exchanges[o["answered_by"]]["giver_id"] == o["member_id"] for o in taken_up)
    ratings = Counter(f["rating"] for f in ledger["feedback"])
    assert set(ratings) == {1, 2, 3, 4, 5} and ratings.total() > 200
    assert {exchanges[f["exchange_id"]]["kind"] for f in ledger["feedback"]} == {"referral"}
    assert all(
        o["member_a_id"] != o["member_b_id"]
        and seated(o["member_a_id"], o["network_id"], o["held_on"])
        and seated(o["member_b_id"], o["network_id"], o["held_on"])
        for o in ledger["one_to_one"]
    )


def test_nothing_is_dated_after_the_end_date(ledger: Rows) -> None:
    for table, column in (
        ("exchange", "occurred_on"),
        ("followup", "occurred_on"),
        ("meeting", "held_on"),
        ("one_to_one", "held_on"),
        ("membership", "joined_on"),
        ("membership", "left_on"),
    ):
        assert all(row[column] is None or row[column] <= UNTIL for row in ledger[table])
    for column in ("acknowledged_at", "voided_at"):
        moments = [e[column] for e in ledger["exchange"] if e[column] is not None]
        assert moments and max(moments).date() < UNTIL
    now = utcnow()
    for table in ("network", "member", "exchange", "followup", "feedback", "ask", "offer"):
        assert max(row["created_at"] for row in ledger[table]) <= now


def test_a_national_network_is_split_into_chapters(engine: Engine, session: Session) -> None:
    summary = create_demo(session=session, members=400, exchanges=20_000, until=UNTIL)
    assert summary.rows["member"] == 400 and summary.rows["exchange"] == 20_000
    ledger = read_ledger(engine)
    category = {m["id"]: m["category"] for m in ledger["member"]}
    chapters = defaultdict(list)
    for membership in ledger["membership"]:
        chapters[membership["network_id"]].append(membership)
    assert len(chapters) >= 8
    assert {n["kind"] for n in ledger["network"]} == {"referral club"}
    for seats in chapters.values():
        assert 25 <= len(seats) <= 50
        assert len({category[s["member_id"]] for s in seats}) == len(seats)
        assert sum(s["role"] == "organiser" for s in seats) == 1
    chapter_of = {m["member_id"]: m["network_id"] for m in ledger["membership"]}
    assert len(chapter_of) == 400
    for exchange in ledger["exchange"]:
        network = exchange["network_id"]
        assert chapter_of[exchange["giver_id"]] == chapter_of[exchange["receiver_id"]] == network
    assert len(ledger["followup"]) > 10_000 and len(ledger["feedback"]) > 2_000
    assert check_ledger(session=session) == []


def test_small_and_empty_demos_still_keep_the_rules(session: Session, tmp_path: Path) -> None:
    summary = create_demo(session=session, members=2, months=1, exchanges=7, until=UNTIL)
    assert summary.rows["member"] == 2 and summary.rows["exchange"] == 7
    assert check_ledger(session=session) == []
    empty = demo_in_new_file(tmp_path / "empty.sqlite", members=40, exchanges=0)
    rows = read_ledger(empty)
    assert (len(rows["member"]), len(rows["exchange"]), len(rows["ask"])) == (40, 0, 0)
    empty.dispose()


def test_members_without_exchanges_scale_the_exchanges(tmp_path: Path) -> None:
    half_year = demo_in_new_file(tmp_path / "small.sqlite", members=40, months=6)
    exchanges = len(read_ledger(half_year)["exchange"])
    half_year.dispose()
    assert 500 <= exchanges <= 800


def test_a_database_with_members_is_refused_and_left_alone(
    engine: Engine, session: Session
) -> None:
    add_member(session=session, name="Anna de Wit")
    before = snapshot(engine)
    with pytest.raises(LedgerError) as refused:
        create_demo(session=session, until=UNTIL)
    assert str(refused.value) == (
        "The database already holds 1 member; the demo fills an empty database "
        "(use --db with a new file, or --demo)."
    )
    ensure_demo_data(session=session)
    assert snapshot(engine) == before


def test_the_ledger_takes_new_rows_after_the_demo(engine: Engine, session: Session) -> None:
    summary = create_demo(session=session, members=12, exchanges=40, until=UNTIL)
    newcomer = add_member(session=session, name="Zoë Nieuwkomer", network_ids=[1])
    stayer = next(
        m for m in read_ledger(engine)["membership"] if m["network_id"] == 1 and not m["left_on"]
    )
    given = log_help(session=session, giver_id=newcomer.id or 0, receiver_id=stayer["member_id"])
    assert newcomer.id == summary.rows["member"] + 1
    assert given.id == summary.rows["exchange"] + 1


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"members": 1}, "The demo needs at least 2 members, not 1."),
        ({"months": 0}, "The demo covers 1 to 120 months, not 0."),
        ({"exchanges": -5}, "The number of exchanges must be zero or more, not -5."),
        (
            {"until": date.today() + timedelta(1)},
            "in the future; the demo ends today at the latest.",
        ),
    ],
)
def test_bad_options_are_one_sentence(
    engine: Engine, session: Session, options: dict[str, Any], message: str
) -> None:
    with pytest.raises(LedgerError) as refused:
        create_demo(session=session, **({"until": UNTIL} | options))
    assert str(refused.value).endswith(message)
    assert all(rows == [] for rows in snapshot(engine).values())


def test_first_use_of_demo_data_seeds_once(engine: Engine, session: Session) -> None:
    assert demo_organiser(session=session) is None
    ensure_demo_data(session=session)
    seeded = snapshot(engine)
    ensure_demo_data(session=session)
    assert snapshot(engine) == seeded
    assert len(seeded["exchange"]) > 2000
    assert demo_organiser(session=session) is not None
    last_day = max(e["occurred_on"] for e in read_ledger(engine)["exchange"])
    assert date.today() - timedelta(7) <= last_day <= date.today()
