"""One member's cards and balance from the SQL aggregates alone: no pandas.

The app's home screen paints four cards as soon as it opens: points given and received,
balance and ratio, business value given and received, and the contact rate of the
referrals received (:func:`member_cards`). Those are the one-member rows of
:func:`~reciprocity.analytics.balances.compute_balances` and
:func:`~reciprocity.analytics.quality.compute_quality` (DESIGN.md, "Gives and takes",
"Business value" and "Follow-up quality"), and one member's aggregates are a handful of
rows, so they are finished here in plain Python; ``compute_balances`` hands a one-member
scope to :func:`member_balances` likewise (``reciprocity balance --member``). That keeps
pandas (about half a second to import) out of the path to the first painted screen and
out of one member's balance; the trend and the nudges load it afterwards. The same
queries, the same weights and the same rounding as the frames make the same numbers
(``tests/analytics/test_cards.py`` compares every member of a demo with the frames, on
SQLite and PostgreSQL).
"""

from datetime import date
from typing import Any

from sqlalchemy.orm import Session

from reciprocity.analytics.keys import BALANCE_KEYS, MONEY_DIGITS, RATE_DIGITS
from reciprocity.analytics.scope import Scope
from reciprocity.store import aggregates
from reciprocity.store.models import DEFAULT_WEIGHTS, ExchangeKind

KINDS = (ExchangeKind.REFERRAL, ExchangeKind.HELP, ExchangeKind.INTRODUCTION)
SIDES = ("given", "received")
CARD_KEYS: tuple[str, ...] = (
    "given_points",
    "received_points",
    "balance",
    "ratio",
    "value_given",
    "value_received",
    "received",
    "contacted",
    "contact_rate",
)
"""The keys of :func:`member_cards`: the balance and quality keys the cards show."""


def member_cards(
    *,
    session: Session,
    member_id: int,
    start: date | None,
    end: date | None,
    network_id: int | None = None,
) -> dict[str, Any]:
    """One member's card figures (:data:`CARD_KEYS`) for a period and a network (or all).

    Each equals the same key of that member's ``compute_balances`` or ``compute_quality``
    row for the same scope.
    """
    filters = _filters(member_id, start, end, network_id)
    totals = _Totals(session, filters)
    contacted = 0
    for row in aggregates.referral_outcomes(session, **filters):
        if row.side == "received":
            contacted += int(row.n)
    given, received = totals.points["given"], totals.points["received"]
    return {
        "given_points": given,
        "received_points": received,
        "balance": given - received,
        "ratio": _rate(given, received),
        "value_given": totals.values["given"],
        "value_received": totals.values["received"],
        "received": totals.counts["received"][ExchangeKind.REFERRAL],
        "contacted": contacted,
        "contact_rate": _rate(contacted, totals.counts["received"][ExchangeKind.REFERRAL]),
    }


def member_balances(*, session: Session, scope: Scope) -> list[dict[str, Any]]:
    """``compute_balances`` for a scope of one member (``scope.member_id`` set): that
    member's row with exactly :data:`BALANCE_KEYS`, or no row for an unknown id."""
    assert scope.member_id is not None, "member_balances is for one member's scope"
    listed = aggregates.listed_members(
        session, network_id=None, member_id=scope.member_id, start=None, end=None
    )
    if not listed:
        return []
    filters = _filters(scope.member_id, scope.start, scope.end, scope.network_id)
    totals = _Totals(session, filters)
    given, received = totals.points["given"], totals.points["received"]
    row: dict[str, Any] = {"member_id": listed[0].member_id, "member": listed[0].name}
    for side in SIDES:
        for kind in KINDS:
            row[f"{side}_{kind}"] = totals.counts[side][kind]
    row.update(
        given_points=given,
        received_points=received,
        balance=given - received,
        ratio=_rate(given, received),
        balance_index=_rate(given - received, given + received),
        value_given=totals.values["given"],
        value_received=totals.values["received"],
    )
    return [{key: row[key] for key in BALANCE_KEYS}]


def _filters(
    member_id: int, start: date | None, end: date | None, network_id: int | None
) -> dict[str, Any]:
    return {"network_id": network_id, "member_id": member_id, "start": start, "end": end}


class _Totals:
    """One member's counts by side and kind, points (each exchange weighed by its own
    network) and won business value by side, from two aggregate queries."""

    def __init__(self, session: Session, filters: dict[str, Any]) -> None:
        weights = {
            network: {kind: int((own or {}).get(kind, DEFAULT_WEIGHTS[kind])) for kind in KINDS}
            for network, own, _sla in aggregates.network_settings(session)
        }
        self.counts = {side: dict.fromkeys(KINDS, 0) for side in SIDES}
        self.points = dict.fromkeys(SIDES, 0)
        for row in aggregates.member_totals(session, **filters):
            _member, network, side, *counts = row
            for kind, count in zip(KINDS, counts, strict=True):
                self.counts[side][kind] += int(count)
                self.points[side] += int(count) * weights[network][kind]
        values = dict.fromkeys(SIDES, 0.0)
        for _member, side, value in aggregates.won_values(session, **filters):
            values[side] += float(value)
        self.values = {side: _rounded(value, MONEY_DIGITS) for side, value in values.items()}


def _rate(numerator: int, denominator: int) -> float | None:
    """As :func:`reciprocity.analytics.frames.rate`: none when the denominator is 0."""
    return _rounded(numerator / denominator, RATE_DIGITS) if denominator else None


def _rounded(value: float, digits: int) -> float:
    """Rounded as pandas and numpy round: scale, round half to even, scale back (which
    differs from Python's ``round(value, digits)`` for a few values)."""
    scale = 10.0**digits
    return round(value * scale) / scale
