"""Follow-up quality: what a member does with the referrals they receive, and the yield of
the referrals they give.

See DESIGN.md "Follow-up quality" and "Referral yield", and docs/analytics.md. SQL counts
referrals per receiver and giver, and reads every received referral's steps once,
grouped by receiver and days to first contact: all the median needs.
"""

import statistics
from collections.abc import Sequence
from typing import Any

import pandas as pd
from sqlmodel import Session

from reciprocity.analytics import frames
from reciprocity.analytics.keys import MONEY_DIGITS, QUALITY_KEYS, RATE_DIGITS
from reciprocity.analytics.scope import Scope
from reciprocity.store import aggregates
from reciprocity.store.models import ExchangeKind

OUTCOME_COLUMNS = ("side", "member_id", "days", "within_sla", "n", "won", "lost", "no_response")
"""The columns of :func:`reciprocity.store.aggregates.referral_outcomes`."""


def quality_frame(session: Session, scope: Scope) -> pd.DataFrame:
    """Every listed member's quality columns (see :data:`QUALITY_KEYS`), sorted by name."""
    filters = frames.filters(scope)
    totals = frames.member_totals(session, scope)
    outcomes = frames.frame(aggregates.referral_outcomes(session, **filters), OUTCOME_COLUMNS)
    received = outcomes[outcomes["side"] == "received"]
    given_won = outcomes[outcomes["side"] == "given"].set_index("member_id")["won"]
    ratings = frames.frame(
        aggregates.ratings_received(session, **filters), ("member_id", "rating_sum", "ratings")
    ).set_index("member_id")
    # Anyone with any counted exchange is listed, not only those with referrals.
    table = frames.listed(session, scope, totals["member_id"].unique().tolist())
    referrals = {
        side: frames.side_of(totals, side)[ExchangeKind.REFERRAL] for side in ("given", "received")
    }
    received = received.astype({"days": int, "within_sla": int, "n": int})
    steps = received.groupby("member_id")[["n", "won", "lost", "no_response"]].sum()
    steps["within_sla"] = (
        (received["within_sla"] * received["n"]).groupby(received["member_id"]).sum()
    )

    table["received"] = _aligned(referrals["received"], table.index)
    table["contacted"] = _aligned(steps["n"], table.index)
    for column in ("within_sla", "won", "lost", "no_response"):
        table[column] = _aligned(steps[column], table.index)
    table["given"] = _aligned(referrals["given"], table.index)
    table["given_won"] = _aligned(given_won, table.index)
    rating_sum = ratings["rating_sum"].reindex(table.index, fill_value=0)
    rating_count = ratings["ratings"].reindex(table.index, fill_value=0)

    table["contact_rate"] = frames.rate(table["contacted"], table["received"])
    table["median_days_to_contact"] = (
        _weighted_median(received).reindex(table.index).round(RATE_DIGITS)
    )
    table["within_sla_rate"] = frames.rate(table["within_sla"], table["received"])
    table["open"] = table["received"] - table["won"] - table["lost"] - table["no_response"]
    table["conversion_rate"] = frames.rate(table["won"], table["received"])
    table["avg_rating"] = frames.rate(rating_sum, rating_count)
    table["referral_yield"] = frames.rate(table["given_won"], table["given"])
    table = table.reset_index()
    return table.sort_values(["member", "member_id"], key=_by_name, kind="stable").reset_index(
        drop=True
    )


def _aligned(values: pd.Series, index: pd.Index) -> pd.Series:
    return values.reindex(index, fill_value=0).astype(int)


def _weighted_median(received: pd.DataFrame) -> pd.Series:
    """Per member, the median of the days to first contact, from ``(days, n)`` counts.

    The same number as the median of one value per contacted referral: the middle value,
    or the mean of the two middle values when the count is even.
    """
    counts = (
        received.groupby(["member_id", "days"])["n"]
        .sum()
        .reset_index()
        .sort_values(["member_id", "days"], kind="stable")
    )
    if counts.empty:
        return pd.Series(dtype=float)
    by_member = counts.groupby("member_id")["n"]
    total = by_member.transform("sum")
    reached = by_member.cumsum()

    def value_at(position: pd.Series) -> pd.Series:
        # The first days (in order) whose running count passes the 0-based position.
        return counts[reached > position].groupby("member_id")["days"].first()

    low = value_at((total - 1) // 2)
    high = value_at(total // 2)
    return (low.astype(float) + high.astype(float)) / 2


def _by_name(column: pd.Series) -> pd.Series:
    return frames.name_order(column) if column.name == "member" else column


def compute_quality(*, session: Session, scope: Scope) -> list[dict[str, Any]]:
    """One row per listed member with exactly :data:`QUALITY_KEYS`, by name."""
    return frames.records(quality_frame(session, scope), QUALITY_KEYS)


def network_quality(
    *, session: Session, scope: Scope, rows: Sequence[dict[str, Any]]
) -> dict[str, Any]:
    """Follow-up quality of the whole scope, from its ``compute_quality`` ``rows``.

    ``referrals_received``, ``contacted`` and ``won`` are the members' sums, and the rates
    divide those sums (not a mean of member rates). The median runs over every contacted
    referral in the scope, whose days to first contact are also listed in
    ``contact_days`` (sorted) for a distribution; ``value_won`` sums the won steps on the
    scope's referrals. The scope's member, if any, is ignored.
    """
    filters = {**frames.filters(scope), "member_id": None}
    received = sum(int(row["received"]) for row in rows)
    contacted = sum(int(row["contacted"]) for row in rows)
    won = sum(int(row["won"]) for row in rows)
    days = sorted(float(row.days) for row in aggregates.contact_days(session, **filters))
    value = sum(
        float(row.value) for row in aggregates.won_values(session, **filters) if row.side == "given"
    )
    return {
        "referrals_received": received,
        "contacted": contacted,
        "won": won,
        "contact_rate": round(contacted / received, RATE_DIGITS) if received else None,
        "median_days_to_contact": round(statistics.median(days), RATE_DIGITS) if days else None,
        "conversion_rate": round(won / received, RATE_DIGITS) if received else None,
        "value_won": round(value, MONEY_DIGITS),
        "contact_days": days,
    }
