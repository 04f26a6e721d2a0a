"""Follow-up quality: what a member does with the referrals they receive, and the yield of
the referrals they give.

See DESIGN.md "Follow-up quality" and "Referral yield", and docs/analytics.md. SQL counts
per receiver and giver; the median days to first contact reads one row per contacted
referral, the only per-exchange read of a whole scope.
"""

from typing import Any

import pandas as pd
from sqlmodel import Session

from reciprocity.analytics import frames
from reciprocity.analytics.keys import QUALITY_KEYS, RATE_DIGITS
from reciprocity.analytics.scope import Scope
from reciprocity.store import aggregates

RECEIVED_COLUMNS = ("received", "contacted", "within_sla", "won", "lost", "no_response")


def quality_frame(session: Session, scope: Scope) -> pd.DataFrame:
    """Every listed member's quality columns (see :data:`QUALITY_KEYS`), sorted by name."""
    filters = frames.filters(scope)
    received = frames.frame(
        aggregates.referrals_received(session, **filters), ("member_id", *RECEIVED_COLUMNS)
    ).set_index("member_id")
    given = frames.frame(
        aggregates.referrals_given(session, **filters), ("member_id", "given", "given_won")
    ).set_index("member_id")
    ratings = frames.frame(
        aggregates.ratings_received(session, **filters), ("member_id", "rating_sum", "ratings")
    ).set_index("member_id")
    days = frames.frame(aggregates.contact_days(session, **filters), ("member_id", "days"))
    # Anyone with any counted exchange is listed, not only those with referrals.
    table = frames.listed(session, scope, aggregates.active_member_ids(session, **filters))

    for column in RECEIVED_COLUMNS:
        table[column] = received[column].reindex(table.index, fill_value=0).astype(int)
    for column in ("given", "given_won"):
        table[column] = given[column].reindex(table.index, fill_value=0).astype(int)
    rating_sum = ratings["rating_sum"].reindex(table.index, fill_value=0)
    rating_count = ratings["ratings"].reindex(table.index, fill_value=0)

    table["contact_rate"] = frames.rate(table["contacted"], table["received"])
    table["median_days_to_contact"] = (
        days.groupby("member_id")["days"].median().reindex(table.index).round(RATE_DIGITS)
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


def _by_name(column: pd.Series) -> pd.Series:
    return frames.name_order(column) if column.name == "member" else column


def compute_quality(*, session: Session, scope: Scope) -> list[dict[str, Any]]:
    """One row per listed member with exactly :data:`QUALITY_KEYS`, by name."""
    return frames.records(quality_frame(session, scope), QUALITY_KEYS)
