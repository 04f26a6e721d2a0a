"""Properties of the metrics on random small ledgers, each in a fresh SQLite database.

Ledgers are written with SQLAlchemy Core (any rows the schema accepts, including
exchanges between non-members, partial weight overrides and voided rows) or through the
ledger functions where a property is about what they write (voiding, introductions).
"""

import tempfile
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from fractions import Fraction
from typing import Any

import networkx as nx  # type: ignore[import-untyped]
import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlmodel import Session

from reciprocity.analytics.balances import compute_balances
from reciprocity.analytics.keys import BALANCE_KEYS, PAIR_KEYS, QUALITY_KEYS
from reciprocity.analytics.network import compute_stats
from reciprocity.analytics.pairs import compute_pairs
from reciprocity.analytics.quality import compute_quality
from reciprocity.analytics.scope import Scope
from reciprocity.ledger.exchanges import log_help, log_introduction, log_referral, void_exchange
from reciprocity.ledger.members import add_member
from reciprocity.ledger.networks import add_network
from reciprocity.store.engine import make_engine
from reciprocity.store.models import TABLES_IN_DEPENDENCY_ORDER
from reciprocity.store.tables import table_of
from tests.analytics import oracle

BASE = date(2025, 1, 1)
SPAN = 120
TODAY = BASE + timedelta(days=SPAN + 30)
KINDS = ("referral", "help", "introduction")
PROGRESS = ("contacted", "meeting", "proposal")
ENDINGS = ("won", "lost", "no_response")
STAMP = datetime(2025, 1, 1, 12, tzinfo=UTC)

SETTINGS = settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


@contextmanager
def fresh_session() -> Iterator[Session]:
    """A session on a new, migrated SQLite file that disappears afterwards."""
    with tempfile.TemporaryDirectory() as folder:
        engine = make_engine(f"sqlite:///{folder}/ledger.sqlite")
        try:
            with Session(engine, expire_on_commit=False) as session:
                yield session
        finally:
            engine.dispose()


# --- random ledgers ------------------------------------------------------------------


@dataclass(frozen=True)
class Give:
    """One exchange to write, with the referral's steps and feedback."""

    kind: str
    giver: int
    receiver: int
    network: int
    day: int
    voided: bool = False
    steps: tuple[tuple[str, int, int | None], ...] = ()
    """(status, day, value in cents)."""
    rating: int | None = None


@dataclass(frozen=True)
class Spec:
    """A small ledger: members (name, active), networks (weights, sla), memberships, gives."""

    members: list[tuple[str, bool]]
    networks: list[tuple[dict[str, int], int]]
    memberships: list[tuple[int, int, int | None, int | None]]
    gives: list[Give] = field(default_factory=list)


NAMES = ("Anna", "bob", "Carla", "Dirk", "Émile", "Frank", "Greet", "Hans", "Ilse")


@st.composite
def steps_of(draw: st.DrawFn, day: int) -> tuple[tuple[str, int, int | None], ...]:
    """A referral's forward-only steps, dated in order from the referral's day."""
    chosen = [s for s in PROGRESS if draw(st.booleans())]
    ending = draw(st.sampled_from((None, *ENDINGS)))
    if ending is not None:
        chosen.append(ending)
    steps: list[tuple[str, int, int | None]] = []
    when = day
    for status in chosen:
        when += draw(st.integers(0, 6))
        value = draw(st.none() | st.integers(0, 2_000_000)) if status == "won" else None
        steps.append((status, when, value))
    return tuple(steps)


@st.composite
def ledgers(
    draw: st.DrawFn, *, min_members: int = 2, max_members: int = 6, all_active: bool = False
) -> Spec:
    """A random ledger of a few members, one or two networks and up to 20 exchanges."""
    n = draw(st.integers(min_members, max_members))
    names = draw(st.permutations(NAMES))[:n]
    members = [(name, all_active or draw(st.booleans() | st.just(True))) for name in names]
    networks: list[tuple[dict[str, int], int]] = []
    for _ in range(draw(st.integers(1, 2))):
        overrides = draw(st.dictionaries(st.sampled_from(KINDS), st.integers(1, 5), max_size=3))
        networks.append((overrides, draw(st.integers(0, 5))))
    memberships: list[tuple[int, int, int | None, int | None]] = []
    for member in range(n):
        for network in range(len(networks)):
            if draw(st.booleans()):
                joined = draw(st.none() | st.integers(0, SPAN))
                left = draw(st.none() | st.integers(joined or 0, SPAN))
                memberships.append((member, network, joined, left))
    gives: list[Give] = []
    if n >= 2:
        for _ in range(draw(st.integers(0, 20))):
            giver = draw(st.integers(0, n - 1))
            receiver = draw(st.integers(0, n - 2))
            receiver += receiver >= giver
            kind = draw(st.sampled_from(KINDS))
            day = draw(st.integers(0, SPAN))
            referral = kind == "referral"
            gives.append(
                Give(
                    kind=kind,
                    giver=giver,
                    receiver=receiver,
                    network=draw(st.integers(0, len(networks) - 1)),
                    day=day,
                    voided=draw(st.integers(0, 9)) == 0,
                    steps=draw(steps_of(day)) if referral else (),
                    rating=draw(st.none() | st.integers(1, 5)) if referral else None,
                )
            )
    return Spec(members, networks, memberships, gives)


@dataclass(frozen=True)
class Written:
    """The ids the database gave a spec's members, networks and exchanges."""

    members: list[int]
    networks: list[int]
    exchanges: list[int]


_TABLES = {table_of(model).name: table_of(model) for model in TABLES_IN_DEPENDENCY_ORDER}


def insert(session: Session, name: str, row: dict[str, Any]) -> int:
    result = session.connection().execute(sa.insert(_TABLES[name]).values(**row))
    key = result.inserted_primary_key
    assert key is not None
    return int(key[0])


def write(session: Session, spec: Spec) -> Written:
    """Insert a spec's rows with SQLAlchemy Core."""
    networks = [
        insert(
            session,
            "network",
            {
                "name": f"Network {i}",
                "kind": "referral club",
                "weights": weights,
                "sla_days": sla,
                "active": True,
                "created_at": STAMP,
            },
        )
        for i, (weights, sla) in enumerate(spec.networks)
    ]
    members = [
        insert(session, "member", {"name": name, "active": active, "created_at": STAMP})
        for name, active in spec.members
    ]
    for member, network, joined, left in spec.memberships:
        insert(
            session,
            "membership",
            {
                "member_id": members[member],
                "network_id": networks[network],
                "role": "member",
                "joined_on": None if joined is None else BASE + timedelta(days=joined),
                "left_on": None if left is None else BASE + timedelta(days=left),
            },
        )
    exchanges: list[int] = []
    for give in spec.gives:
        exchange = insert(
            session,
            "exchange",
            {
                "external_id": uuid.uuid4().hex,
                "kind": give.kind,
                "giver_id": members[give.giver],
                "receiver_id": members[give.receiver],
                "network_id": networks[give.network],
                "occurred_on": BASE + timedelta(days=give.day),
                "referral_type": "outside" if give.kind == "referral" else None,
                "created_at": STAMP,
                "voided_at": STAMP if give.voided else None,
                "void_reason": "wrong" if give.voided else None,
            },
        )
        exchanges.append(exchange)
        for status, day, cents in give.steps:
            insert(
                session,
                "followup",
                {
                    "exchange_id": exchange,
                    "status": status,
                    "occurred_on": BASE + timedelta(days=day),
                    "value": None if cents is None else Decimal(cents) / 100,
                    "created_at": STAMP,
                },
            )
        if give.rating is not None:
            insert(
                session,
                "feedback",
                {"exchange_id": exchange, "rating": give.rating, "created_at": STAMP},
            )
    session.commit()
    return Written(members, networks, exchanges)


@st.composite
def periods(draw: st.DrawFn) -> tuple[date | None, date | None]:
    """All time, a closed period, or an open-ended one, inside or around the ledger's days."""
    start = draw(st.none() | st.integers(-5, SPAN + 5))
    end = draw(st.none() | st.integers(start if start is not None else -5, SPAN + 10))
    return (
        None if start is None else BASE + timedelta(days=start),
        None if end is None else BASE + timedelta(days=end),
    )


def by_member(rows: list[dict[str, Any]]) -> dict[int, dict[str, Any]]:
    return {row["member_id"]: row for row in rows}


def weight_of(spec: Spec, give: Give) -> int:
    return spec.networks[give.network][0].get(give.kind, oracle.DEFAULT_WEIGHT[give.kind])


# --- the properties ------------------------------------------------------------------


@SETTINGS
@given(spec=ledgers(), period=periods(), which=st.integers(0, 2))
def test_points_given_equal_points_received(
    spec: Spec, period: tuple[date | None, date | None], which: int
) -> None:
    with fresh_session() as session:
        written = write(session, spec)
        network_id = ([None, *written.networks])[min(which, len(written.networks))]
        start, end = period
        for scope in (Scope(network_id=network_id), Scope(network_id, None, start, end)):
            rows = compute_balances(session=session, scope=scope)
            assert sum(r["given_points"] for r in rows) == sum(r["received_points"] for r in rows)
            assert sum(r["balance"] for r in rows) == 0


@SETTINGS
@given(spec=ledgers(), pick=st.integers(0, 100), in_network=st.booleans())
def test_voiding_an_exchange_changes_only_its_two_members(
    spec: Spec, pick: int, in_network: bool
) -> None:
    live = [i for i, give in enumerate(spec.gives) if not give.voided]
    if not live:
        return
    index = live[pick % len(live)]
    give = spec.gives[index]
    with fresh_session() as session:
        written = write(session, spec)
        scope = Scope(network_id=written.networks[give.network] if in_network else None)
        before = by_member(compute_balances(session=session, scope=scope))
        void_exchange(session=session, exchange_id=written.exchanges[index], reason="typo")
        after = by_member(compute_balances(session=session, scope=scope))
    giver, receiver = written.members[give.giver], written.members[give.receiver]
    for member_id in set(before) | set(after):
        if member_id not in (giver, receiver):
            assert before.get(member_id) == after.get(member_id), member_id
    w = weight_of(spec, give)
    for member_id, side, sign in ((giver, "given", 1), (receiver, "received", -1)):
        old = before[member_id]
        new = after.get(member_id)
        assert new != old
        if new is None:  # an inactive non-member's last exchange: no longer listed
            continue
        assert new[f"{side}_{give.kind}"] == old[f"{side}_{give.kind}"] - 1
        assert new[f"{side}_points"] == old[f"{side}_points"] - w
        assert new["balance"] == old["balance"] - sign * w


@SETTINGS
@given(
    size=st.integers(3, 6),
    intro_weight=st.none() | st.integers(1, 6),
    before=st.lists(st.tuples(st.integers(0, 5), st.integers(0, 5), st.booleans()), max_size=6),
    trio=st.permutations(range(6)),
    day=st.integers(0, SPAN),
)
def test_an_introduction_credits_the_introducer_twice(
    size: int,
    intro_weight: int | None,
    before: list[tuple[int, int, bool]],
    trio: list[int],
    day: int,
) -> None:
    introducer, first, second = [i for i in trio if i < size][:3]
    with fresh_session() as session:
        weights = {} if intro_weight is None else {"introduction": intro_weight}
        network = add_network(session=session, name="Club", weights=weights)
        assert network.id is not None
        ids: list[int] = []
        for i in range(size):
            made = add_member(
                session=session, name=NAMES[i], network_ids=[network.id], joined_on=BASE
            )
            assert made.id is not None
            ids.append(made.id)
        for giver, receiver, referral in before:
            if giver % size == receiver % size:
                continue
            log = log_referral if referral else log_help
            log(
                session=session,
                giver_id=ids[giver % size],
                receiver_id=ids[receiver % size],
                network_id=network.id,
                occurred_on=BASE + timedelta(days=day),
                today=TODAY,
            )
        scope = Scope(network_id=network.id)
        old = by_member(compute_balances(session=session, scope=scope))
        made_pair = log_introduction(
            session=session,
            introducer_id=ids[introducer],
            member_id=ids[first],
            with_member_id=ids[second],
            network_id=network.id,
            occurred_on=BASE + timedelta(days=day),
            today=TODAY,
        )
        assert len(made_pair) == 2
        new = by_member(compute_balances(session=session, scope=scope))
    w = 2 if intro_weight is None else intro_weight
    a, b, c = ids[introducer], ids[first], ids[second]
    assert new[a]["given_introduction"] == 2
    assert new[a]["given_points"] == old[a]["given_points"] + 2 * w
    for party in (b, c):
        assert new[party]["received_introduction"] == 1
        assert new[party]["received_points"] == old[party]["received_points"] + w
    for member_id in set(ids) - {a, b, c}:
        assert new[member_id] == old[member_id]


@SETTINGS
@given(spec=ledgers(), period=periods(), which=st.integers(0, 2))
def test_quality_counts_are_consistent(
    spec: Spec, period: tuple[date | None, date | None], which: int
) -> None:
    with fresh_session() as session:
        written = write(session, spec)
        network_id = ([None, *written.networks])[min(which, len(written.networks))]
        rows = compute_quality(session=session, scope=Scope(network_id, None, *period))
    for row in rows:
        assert 0 <= row["contacted"] <= row["received"]
        assert row["won"] + row["lost"] + row["no_response"] <= row["contacted"]
        assert row["open"] >= 0
        assert row["open"] == row["received"] - row["won"] - row["lost"] - row["no_response"]
        assert 0 <= row["given_won"] <= row["given"]


@st.composite
def digraphs(draw: st.DrawFn) -> tuple[int, list[tuple[int, int, bool]]]:
    """Members and giver → receiver exchanges (repeats allowed), each maybe voided."""
    n = draw(st.integers(2, 7))
    edges = draw(
        st.lists(
            st.tuples(st.integers(0, n - 1), st.integers(0, n - 1), st.integers(0, 7)).filter(
                lambda e: e[0] != e[1]
            ),
            max_size=25,
        )
    )
    return n, [(giver, receiver, voided == 0) for giver, receiver, voided in edges]


@SETTINGS
@given(graph=digraphs())
def test_reciprocity_is_networkx_overall_reciprocity(
    graph: tuple[int, list[tuple[int, int, bool]]],
) -> None:
    n, edges = graph
    spec = Spec(
        members=[(NAMES[i], True) for i in range(n)],
        networks=[({}, 2)],
        memberships=[(i, 0, None, None) for i in range(n)],
        gives=[
            Give(kind="help", giver=g, receiver=r, network=0, day=i % SPAN, voided=v)
            for i, (g, r, v) in enumerate(edges)
        ],
    )
    with fresh_session() as session:
        write(session, spec)
        stats = compute_stats(session=session, scope=Scope())
    digraph = nx.DiGraph()
    digraph.add_nodes_from(range(n))
    digraph.add_edges_from((g, r) for g, r, voided in edges if not voided)
    if digraph.number_of_edges() == 0:
        assert stats["reciprocity"] is None
        return
    expected = nx.overall_reciprocity(digraph)
    assert stats["reciprocity"] is not None
    assert abs(stats["reciprocity"] - expected) <= 0.0005 + 1e-9
    assert round(stats["reciprocity"], 3) == stats["reciprocity"]


@SETTINGS
@given(
    gives=st.lists(st.lists(st.sampled_from(KINDS), max_size=5), max_size=7),
    overrides=st.dictionaries(st.sampled_from(KINDS), st.integers(1, 5), max_size=3),
    targets=st.randoms(use_true_random=False),
)
def test_gini_is_the_naive_formula(
    gives: list[list[str]], overrides: dict[str, int], targets: Any
) -> None:
    n = len(gives)
    spec_gives: list[Give] = []
    if n >= 2:
        for giver, kinds in enumerate(gives):
            for day, kind in enumerate(kinds):
                receiver = targets.choice([m for m in range(n) if m != giver])
                spec_gives.append(Give(kind, giver, receiver, 0, day))
    spec = Spec(
        members=[(NAMES[i], True) for i in range(n)],
        networks=[(overrides, 2)],
        memberships=[(i, 0, None, None) for i in range(n)],
        gives=spec_gives,
    )
    points = [0] * n
    for give in spec_gives:
        points[give.giver] += weight_of(spec, give)
    with fresh_session() as session:
        write(session, spec)
        stats = compute_stats(session=session, scope=Scope())
    assert stats["members"] == n
    if n == 0:
        assert stats["gini"] is None
        assert stats["share_nonnegative"] is None
        return
    mean = Fraction(sum(points), n)
    if mean == 0:
        assert stats["gini"] == 0
        return
    naive = Fraction(sum(abs(x - y) for x in points for y in points)) / (2 * n * n * mean)
    assert abs(Fraction(stats["gini"]) - naive) <= Fraction(1, 2000) + Fraction(1, 10**9)


@SETTINGS
@given(spec=ledgers(), period=periods(), which=st.integers(0, 2), who=st.integers(0, 12))
def test_random_ledgers_agree_with_the_oracle(
    spec: Spec, period: tuple[date | None, date | None], which: int, who: int
) -> None:
    with fresh_session() as session:
        written = write(session, spec)
        ledger = oracle.load(session)
        network_id = ([None, *written.networks])[min(which, len(written.networks))]
        member_id = written.members[who] if who < len(written.members) else None
        scope = Scope(network_id, member_id, *period)
        problems = oracle.compare_rows(
            "balances",
            BALANCE_KEYS,
            oracle.balances(ledger, scope),
            compute_balances(session=session, scope=scope),
            lambda r: str(r.get("member")),
        )
        problems += oracle.compare_rows(
            "quality",
            QUALITY_KEYS,
            oracle.quality(ledger, scope),
            compute_quality(session=session, scope=scope),
            lambda r: str(r.get("member")),
        )
        problems += oracle.compare_rows(
            "pairs",
            PAIR_KEYS,
            oracle.pairs(ledger, scope),
            compute_pairs(session=session, scope=scope),
            lambda r: f"{r.get('member')} -> {r.get('other')}",
        )
        if member_id is None:
            as_of = BASE + timedelta(days=SPAN // 2)
            problems += oracle.compare_stats(
                "stats",
                oracle.stats(ledger, scope, as_of),
                compute_stats(session=session, scope=scope, as_of=as_of),
            )
    assert not problems, "\n".join(problems)
