"""An independent recomputation of the metrics, straight from docs/analytics.md.

Every table the metrics need is read whole (``SELECT *``) and the numbers are computed with
plain loops over the rows: no aggregate SQL, no pandas. Values that must be exact stay
exact: money is :class:`~decimal.Decimal`, ratios, rates, means, medians and the Gini are
:class:`~fractions.Fraction`. :func:`to_output` rounds them the way the spec says
(3 decimals, cents) for a JSON-like view; the tests compare the exact values instead, so a
tie in the rounding mode cannot cause a false alarm.

Only ``reciprocity.analytics.scope`` and ``reciprocity.analytics.keys`` are imported from
the package under test.
"""

import json
import unicodedata
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_EVEN, Decimal
from fractions import Fraction
from statistics import median
from typing import Any

import networkx as nx  # type: ignore[import-untyped]
import sqlalchemy as sa
from sqlalchemy.orm import Session

from reciprocity.analytics.keys import (
    MONEY_DIGITS,
    RATE_DIGITS,
    STATS_KEYS,
)
from reciprocity.analytics.scope import Scope

KINDS = ("referral", "help", "introduction")
DEFAULT_WEIGHT = {"referral": 3, "introduction": 2, "help": 1}
FREE_RIDER_DAYS = 90

Row = dict[str, Any]

MONEY_KEYS = frozenset({"value_given", "value_received"})
RATE_KEYS = frozenset(
    {
        "ratio",
        "balance_index",
        "contact_rate",
        "median_days_to_contact",
        "within_sla_rate",
        "conversion_rate",
        "avg_rating",
        "referral_yield",
        "share_nonnegative",
        "reciprocity",
        "gini",
    }
)


def by_name(name: str) -> str:
    """The spec's name order: letters only, ignoring case and accents (ties: by id)."""
    return "".join(
        char
        for char in unicodedata.normalize("NFD", name.lower())
        if unicodedata.category(char) != "Mn"
    ).casefold()


@dataclass(frozen=True)
class Ledger:
    """The raw rows the metrics are made of, indexed for the loops below."""

    members: dict[int, Row]
    networks: dict[int, Row]
    memberships: list[Row]
    exchanges: list[Row]
    steps: dict[int, list[Row]]
    """Follow-up steps by exchange id."""
    ratings: dict[int, int]
    """Feedback rating by exchange id."""


def _select_all(session: Session, name: str) -> list[Row]:
    table = sa.table(name)
    rows = session.execute(sa.select(sa.text("*")).select_from(table)).mappings()
    return [dict(row) for row in rows]


def _as_date(value: Any) -> date:
    if isinstance(value, date):
        return value
    return date.fromisoformat(str(value)[:10])


def _as_money(value: Any) -> Decimal:
    return Decimal(0) if value is None else Decimal(str(value))


def load(session: Session) -> Ledger:
    """Read member, membership, network, exchange, followup and feedback whole."""
    members = {row["id"]: row for row in _select_all(session, "member")}
    for member in members.values():
        member["active"] = bool(member["active"])
    networks = {row["id"]: row for row in _select_all(session, "network")}
    for network in networks.values():
        weights = network["weights"]
        if isinstance(weights, str):
            weights = json.loads(weights)
        network["weights"] = dict(weights or {})
    memberships = _select_all(session, "membership")
    for membership in memberships:
        for field in ("joined_on", "left_on"):
            if membership[field] is not None:
                membership[field] = _as_date(membership[field])
    exchanges = _select_all(session, "exchange")
    for exchange in exchanges:
        exchange["occurred_on"] = _as_date(exchange["occurred_on"])
    steps: dict[int, list[Row]] = defaultdict(list)
    for step in _select_all(session, "followup"):
        step["occurred_on"] = _as_date(step["occurred_on"])
        steps[step["exchange_id"]].append(step)
    ratings = {row["exchange_id"]: int(row["rating"]) for row in _select_all(session, "feedback")}
    return Ledger(members, networks, memberships, exchanges, dict(steps), ratings)


# --- building blocks ------------------------------------------------------------------


def in_period(day: date, scope: Scope) -> bool:
    """The period is inclusive; a missing bound is open."""
    return (scope.start is None or day >= scope.start) and (scope.end is None or day <= scope.end)


def counted(ledger: Ledger, scope: Scope) -> list[Row]:
    """Non-voided exchanges in the scope's network (or any) and period; member is ignored."""
    return [
        e
        for e in ledger.exchanges
        if e["voided_at"] is None
        and (scope.network_id is None or e["network_id"] == scope.network_id)
        and in_period(e["occurred_on"], scope)
    ]


def weight(ledger: Ledger, exchange: Row) -> int:
    """The exchange's own network's weight of its kind, else the default."""
    weights = ledger.networks[exchange["network_id"]]["weights"]
    kind = exchange["kind"]
    return int(weights.get(kind, DEFAULT_WEIGHT[kind]))


def _membership_overlaps(membership: Row, scope: Scope) -> bool:
    joined, left = membership["joined_on"], membership["left_on"]
    if scope.end is not None and joined is not None and joined > scope.end:
        return False
    return not (scope.start is not None and left is not None and left < scope.start)


def listed(ledger: Ledger, scope: Scope) -> list[int]:
    """Member ids listed in balance, quality and stats tables (unordered semantics)."""
    if scope.member_id is not None:
        return [scope.member_id]
    ids: set[int] = set()
    if scope.network_id is None:
        ids |= {m["id"] for m in ledger.members.values() if m["active"]}
    else:
        ids |= {
            ms["member_id"]
            for ms in ledger.memberships
            if ms["network_id"] == scope.network_id
            and ledger.members[ms["member_id"]]["active"]
            and _membership_overlaps(ms, scope)
        }
    for e in counted(ledger, scope):
        ids.add(e["giver_id"])
        ids.add(e["receiver_id"])
    return sorted(ids)


def ratio(numerator: int, denominator: int) -> Fraction | None:
    """A ratio, or ``None`` when the denominator is 0."""
    return None if denominator == 0 else Fraction(numerator, denominator)


def gini(values: list[int]) -> Fraction | None:
    """Σᵢ Σⱼ |xᵢ − xⱼ| / (2 n² mean), computed naively; 0 when all are 0."""
    n = len(values)
    if n == 0:
        return None
    total = sum(values)
    if total == 0:
        return Fraction(0)
    mean = Fraction(total, n)
    spread = sum(abs(a - b) for a in values for b in values)
    return Fraction(spread) / (2 * n * n * mean)


def reciprocity(edges: list[tuple[int, int]]) -> Fraction | None:
    """networkx ``overall_reciprocity`` of the giver → receiver digraph; ``None`` without edges."""
    graph = nx.DiGraph()
    graph.add_edges_from(edges)
    if graph.number_of_edges() == 0:
        return None
    value = nx.overall_reciprocity(graph)
    # overall_reciprocity is (mutual edges) / (all edges): recover the exact fraction.
    exact = Fraction(value).limit_denominator(graph.number_of_edges())
    return exact


def _first_step(ledger: Ledger, exchange: Row) -> date | None:
    steps = ledger.steps.get(exchange["id"], [])
    return min((s["occurred_on"] for s in steps), default=None)


def _has_status(ledger: Ledger, exchange: Row, status: str) -> bool:
    return any(s["status"] == status for s in ledger.steps.get(exchange["id"], []))


def _won_value(ledger: Ledger, exchange: Row) -> Decimal:
    return sum(
        (
            _as_money(s["value"])
            for s in ledger.steps.get(exchange["id"], [])
            if s["status"] == "won"
        ),
        Decimal(0),
    )


# --- the four metrics ------------------------------------------------------------------


def balances(ledger: Ledger, scope: Scope) -> list[Row]:
    """One row per listed member, exact values; sorted as the spec says."""
    exchanges = counted(ledger, scope)
    rows: list[Row] = []
    for member_id in listed(ledger, scope):
        gives = [e for e in exchanges if e["giver_id"] == member_id]
        takes = [e for e in exchanges if e["receiver_id"] == member_id]
        row: Row = {"member_id": member_id, "member": ledger.members[member_id]["name"]}
        for kind in KINDS:
            row[f"given_{kind}"] = sum(1 for e in gives if e["kind"] == kind)
        for kind in KINDS:
            row[f"received_{kind}"] = sum(1 for e in takes if e["kind"] == kind)
        given = sum(weight(ledger, e) for e in gives)
        received = sum(weight(ledger, e) for e in takes)
        row["given_points"] = given
        row["received_points"] = received
        row["balance"] = given - received
        row["ratio"] = ratio(given, received)
        row["balance_index"] = ratio(given - received, given + received)
        row["value_given"] = sum(
            (_won_value(ledger, e) for e in gives if e["kind"] == "referral"), Decimal(0)
        )
        row["value_received"] = sum(
            (_won_value(ledger, e) for e in takes if e["kind"] == "referral"), Decimal(0)
        )
        rows.append(row)
    rows.sort(
        key=lambda r: (-r["balance"], -r["given_points"], by_name(r["member"]), r["member_id"])
    )
    return rows


def quality(ledger: Ledger, scope: Scope) -> list[Row]:
    """One follow-up quality row per listed member, exact values, sorted by name."""
    referrals = [e for e in counted(ledger, scope) if e["kind"] == "referral"]
    rows: list[Row] = []
    for member_id in listed(ledger, scope):
        received = [e for e in referrals if e["receiver_id"] == member_id]
        given = [e for e in referrals if e["giver_id"] == member_id]
        days: list[int] = []
        within = 0
        for e in received:
            first = _first_step(ledger, e)
            if first is None:
                continue
            delay = (first - e["occurred_on"]).days
            days.append(delay)
            if delay <= ledger.networks[e["network_id"]]["sla_days"]:
                within += 1
        won = sum(1 for e in received if _has_status(ledger, e, "won"))
        lost = sum(1 for e in received if _has_status(ledger, e, "lost"))
        no_response = sum(1 for e in received if _has_status(ledger, e, "no_response"))
        ratings = [ledger.ratings[e["id"]] for e in received if e["id"] in ledger.ratings]
        given_won = sum(1 for e in given if _has_status(ledger, e, "won"))
        n = len(received)
        rows.append(
            {
                "member_id": member_id,
                "member": ledger.members[member_id]["name"],
                "received": n,
                "contacted": len(days),
                "contact_rate": ratio(len(days), n),
                "median_days_to_contact": Fraction(median(days)) if days else None,
                "within_sla_rate": ratio(within, n),
                "won": won,
                "lost": lost,
                "no_response": no_response,
                "open": n - won - lost - no_response,
                "conversion_rate": ratio(won, n),
                "avg_rating": ratio(sum(ratings), len(ratings)),
                "given": len(given),
                "given_won": given_won,
                "referral_yield": ratio(given_won, len(given)),
            }
        )
    rows.sort(key=lambda r: (by_name(r["member"]), r["member_id"]))
    return rows


def pairs(ledger: Ledger, scope: Scope) -> list[Row]:
    """One row per ordered pair with an exchange either way in the scope."""
    points: dict[tuple[int, int], int] = defaultdict(int)
    for e in counted(ledger, scope):
        points[(e["giver_id"], e["receiver_id"])] += weight(ledger, e)
    touching = set(points) | {(b, a) for a, b in points}
    rows: list[Row] = []
    for a, b in touching:
        if scope.member_id is not None and a != scope.member_id:
            continue
        given, received = points.get((a, b), 0), points.get((b, a), 0)
        rows.append(
            {
                "member": ledger.members[a]["name"],
                "other": ledger.members[b]["name"],
                "given_points": given,
                "received_points": received,
                "balance": given - received,
            }
        )
    if scope.member_id is not None:
        rows.sort(key=lambda r: (r["balance"], by_name(r["other"])))
    else:
        rows.sort(key=lambda r: (by_name(r["member"]), r["balance"], by_name(r["other"])))
    return rows


def default_as_of(scope: Scope, today: date | None = None) -> date:
    """``as_of`` defaults to the period's last day, or today without one."""
    if scope.end is not None:
        return scope.end
    return today or date.today()


def free_riders(ledger: Ledger, scope: Scope, as_of: date) -> list[str]:
    """Received at least one and gave none in the 90 days ending at ``as_of`` (the network's)."""
    first = as_of - timedelta(days=FREE_RIDER_DAYS - 1)
    window = Scope(network_id=scope.network_id, start=first, end=as_of)
    exchanges = counted(ledger, window)
    takers = {e["receiver_id"] for e in exchanges}
    givers = {e["giver_id"] for e in exchanges}
    return sorted((ledger.members[m]["name"] for m in takers - givers), key=by_name)


def stats(ledger: Ledger, scope: Scope, as_of: date | None = None) -> Row:
    """The network stats of the scope, exact values."""
    exchanges = counted(ledger, scope)
    rows = balances(ledger, scope)
    participants = {e["giver_id"] for e in exchanges} | {e["receiver_id"] for e in exchanges}
    n = len(rows)
    return {
        "members": n,
        "active_members": sum(1 for r in rows if r["member_id"] in participants),
        "exchanges": len(exchanges),
        "given_points": sum(weight(ledger, e) for e in exchanges),
        "share_nonnegative": ratio(sum(1 for r in rows if r["balance"] >= 0), n),
        "reciprocity": reciprocity([(e["giver_id"], e["receiver_id"]) for e in exchanges]),
        "gini": gini([r["given_points"] for r in rows]),
        "free_riders": free_riders(ledger, scope, as_of or default_as_of(scope)),
    }


# --- the same signatures as reciprocity.analytics ----------------------------------------


def compute_balances(*, session: Session, scope: Scope) -> list[Row]:
    """Exact balance rows; :func:`to_output` rounds them."""
    return balances(load(session), scope)


def compute_quality(*, session: Session, scope: Scope) -> list[Row]:
    """Exact quality rows; :func:`to_output` rounds them."""
    return quality(load(session), scope)


def compute_pairs(*, session: Session, scope: Scope) -> list[Row]:
    """Pair rows (all integers)."""
    return pairs(load(session), scope)


def compute_stats(*, session: Session, scope: Scope, as_of: date | None = None) -> Row:
    """Exact network stats; :func:`to_output` rounds them."""
    return stats(load(session), scope, as_of)


# --- rounding and comparing ----------------------------------------------------------------

RATE_STEP = Decimal(1).scaleb(-RATE_DIGITS)
MONEY_STEP = Decimal(1).scaleb(-MONEY_DIGITS)


def round_rate(value: Fraction | None) -> float | None:
    """A ratio, rate, mean or median as the faces show it."""
    if value is None:
        return None
    exact = Decimal(value.numerator) / Decimal(value.denominator)
    return float(exact.quantize(RATE_STEP, rounding=ROUND_HALF_EVEN))


def round_money(value: Decimal) -> float:
    """A sum of money, to the cent."""
    return float(value.quantize(MONEY_STEP, rounding=ROUND_HALF_EVEN))


def to_output(row: Row) -> Row:
    """The row with rates and money rounded as the spec says (plain JSON values)."""
    out: Row = {}
    for key, value in row.items():
        if key in MONEY_KEYS:
            out[key] = round_money(value)
        elif key in RATE_KEYS:
            out[key] = round_rate(value)
        else:
            out[key] = value
    return out


def same_value(key: str, expected: Any, actual: Any) -> bool:
    """``actual`` agrees with the exact ``expected``: to the cent, to the third decimal, or equal.

    A rate must be rounded to 3 decimals and lie within half a unit of the third decimal
    of the exact value, so either rounding mode of an exact tie is accepted.
    """
    if key in MONEY_KEYS:
        if isinstance(actual, bool) or not isinstance(actual, int | float):
            return False
        return bool(abs(Decimal(str(actual)) - expected) < Decimal("0.005"))
    if key in RATE_KEYS:
        if expected is None or actual is None:
            return expected is None and actual is None
        if isinstance(actual, bool) or not isinstance(actual, int | float):
            return False
        if round(actual, RATE_DIGITS) != actual:
            return False
        tolerance = Fraction(1, 2 * 10**RATE_DIGITS) + Fraction(1, 10**9)
        return bool(abs(Fraction(actual) - expected) <= tolerance)
    if isinstance(expected, int) and not isinstance(expected, bool):
        return type(actual) is int and actual == expected
    return bool(actual == expected)


def compare_rows(
    what: str,
    keys: tuple[str, ...],
    expected: list[Row],
    actual: list[Row],
    identity: Callable[[Row], str],
) -> list[str]:
    """Every disagreement between two row lists, in order, key by key."""
    problems: list[str] = []
    if len(expected) != len(actual):
        want = {identity(r) for r in expected}
        got = {identity(r) for r in actual}
        problems.append(
            f"{what}: {len(actual)} rows, expected {len(expected)}; "
            f"missing {sorted(want - got)[:10]}, extra {sorted(got - want)[:10]}"
        )
    for index, (want_row, got_row) in enumerate(zip(expected, actual, strict=False)):
        if tuple(got_row) != keys:
            problems.append(f"{what} row {index}: keys {tuple(got_row)} != {keys}")
        if identity(got_row) != identity(want_row):
            problems.append(
                f"{what} row {index}: expected {identity(want_row)}, got {identity(got_row)}"
            )
        label = f"{what} row {index} ({identity(want_row)})"
        for key in keys:
            if key not in got_row:
                continue
            if not same_value(key, want_row[key], got_row[key]):
                want = to_output({key: want_row[key]})[key]
                problems.append(f"{label} {key}: expected {want!r}, got {got_row[key]!r}")
    return problems


def compare_stats(what: str, expected: Row, actual: Row) -> list[str]:
    """Every disagreement between two stats dicts."""
    problems: list[str] = []
    if tuple(actual) != STATS_KEYS:
        problems.append(f"{what}: keys {tuple(actual)} != {STATS_KEYS}")
    for key in STATS_KEYS:
        if key in actual and not same_value(key, expected[key], actual[key]):
            want = to_output({key: expected[key]})[key]
            problems.append(f"{what} {key}: expected {want!r}, got {actual[key]!r}")
    return problems
