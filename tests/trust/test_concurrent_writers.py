"""A property: whatever eight writers do at the same moment, the ledger stays whole.

Hypothesis draws what each of eight processes does (logging, stepping, rating, voiding,
acknowledging, adding members and networks under several spellings, joining a network,
answering asks) and
the processes run it against one database at once through the real command line
(:mod:`tests.trust.racing`), so the interleaving is whatever the machine makes of it.
Afterwards no command may have shown a traceback, ``db check`` must call the ledger
sound, and ``export all`` → ``import all`` must give back every row.
"""

import itertools
import uuid
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import PG_URL, reset_postgres
from tests.trust.racing import WORKERS, cli, race, round_trip

DAY = "2026-01-05"
LATER = "2026-01-08"
MEMBERS = ["Anna de Vries", "Bob Jansen", "Carla Smit", "Dirk Bakker"]
REFERRALS = [1, 2, 3, 4]
"""Referrals logged before the race (Anna → Bob, Bob → Carla, Carla → Dirk, Dirk → Anna)."""
SPELLINGS = ["Eva Visser", "EVA VISSER", "eva  visser", "Ｅva Visser"]

member = st.sampled_from(MEMBERS)
referral = st.sampled_from(REFERRALS).map(str)
pair = st.tuples(member, member).filter(lambda names: names[0] != names[1])
command = st.one_of(
    st.tuples(st.just("followup"), referral, st.sampled_from(["contacted", "meeting", "lost"])).map(
        lambda c: [*c, "--date", LATER]
    ),
    st.tuples(st.just("followup"), referral).map(
        lambda c: [*c, "won", "--date", LATER, "--value", "500", "--business", "repeat"]
    ),
    st.tuples(st.just("feedback"), referral, st.integers(1, 5).map(str)).map(list),
    st.tuples(st.just("void"), st.sampled_from(["1", "2", "5", "6"])).map(
        lambda c: [*c, "--reason", "Logged twice"]
    ),
    st.tuples(st.just("ack"), referral).map(list),
    pair.map(lambda p: ["log", "referral", p[0], p[1], "--date", DAY]),
    pair.map(lambda p: ["log", "help", p[0], p[1], "--date", DAY, "--answers", "1"]),
    pair.map(lambda p: ["one-to-one", p[0], p[1], "--date", DAY]),
    st.sampled_from(SPELLINGS).map(lambda name: ["member", "add", name, "--network", "Club"]),
    st.sampled_from(SPELLINGS).map(lambda name: ["network", "add", f"{name} Club"]),
    st.tuples(member, st.sampled_from(["member", "organiser"])).map(
        lambda c: ["member", "join", c[0], "Coffee", "--role", c[1]]
    ),
)
batches = st.lists(st.lists(command, min_size=1, max_size=5), min_size=WORKERS, max_size=WORKERS)

_fresh = itertools.count()


def _fresh_database(db_url: str, tmp_path: Path) -> str:
    if db_url.startswith("sqlite"):
        return f"sqlite:///{tmp_path / f'writers-{next(_fresh)}.sqlite'}"
    assert PG_URL is not None
    reset_postgres(PG_URL)
    return PG_URL


def _club(url: str) -> None:
    cli(url, "network", "add", "Club")
    cli(url, "network", "add", "Coffee")
    for n, name in enumerate(MEMBERS):
        role = ["--role", "organiser"] if n == 0 else []
        cli(url, "member", "add", name, "--network", "Club", "--joined", "2025-01-01", *role)
    for giver, receiver in zip(MEMBERS, [*MEMBERS[1:], MEMBERS[0]], strict=True):
        cli(url, "log", "referral", giver, receiver, "--date", DAY)
    cli(url, "log", "help", "Anna de Vries", "Bob Jansen", "--date", DAY)
    cli(url, "log", "help", "Bob Jansen", "Carla Smit", "--date", DAY)
    cli(url, "ask", "add", "Bob Jansen", "A logo", "--network", "Club")


@settings(
    max_examples=4,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(work=batches)
def test_any_interleaving_of_writers_leaves_a_sound_ledger_that_round_trips(
    db_url: str, tmp_path: Path, work: list[list[list[str]]]
) -> None:
    url = _fresh_database(db_url, tmp_path)
    _club(url)
    outcomes = race(url, [[batch] for batch in work])
    escaped = [o for o in outcomes if o.escaped]
    assert escaped == [], escaped[0].stderr
    folder = tmp_path / uuid.uuid4().hex
    folder.mkdir()
    problems, before, after = round_trip(url, folder)
    assert problems == []
    assert after == before
