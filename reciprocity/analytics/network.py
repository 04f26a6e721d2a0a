"""A network at a glance: size, activity, the spread of giving, reciprocity, free riders.

See DESIGN.md "Network" and docs/analytics.md. The listed members and their points come
from :func:`reciprocity.analytics.balances.balance_frame`, so ``stats`` and ``balance``
can never disagree; reciprocity is counted in SQL as mutual edges over all edges.
"""

from dataclasses import replace
from datetime import date
from typing import Any

import pandas as pd
from sqlmodel import Session

from reciprocity.analytics.balances import balance_frame
from reciprocity.analytics.frames import name_key, plain
from reciprocity.analytics.keys import RATE_DIGITS, STATS_KEYS
from reciprocity.analytics.scope import Scope, trailing_days
from reciprocity.store import aggregates

FREE_RIDER_DAYS = 90


def gini(values: pd.Series) -> float | None:
    """Σᵢ Σⱼ |xᵢ − xⱼ| / (2 n² mean), computed on the sorted values in O(n log n)."""
    count = len(values)
    if count == 0:
        return None
    total = float(values.sum())
    if total == 0:
        return 0.0
    ordered = values.astype(float).sort_values().to_numpy()
    ranks = pd.RangeIndex(1, count + 1).to_numpy()
    return float((2 * (ranks * ordered).sum()) / (count * total) - (count + 1) / count)


def compute_stats(*, session: Session, scope: Scope, as_of: date | None = None) -> dict[str, Any]:
    """One object with exactly :data:`STATS_KEYS` for the scope's network and period.

    A member filter does not apply: the statistics describe the whole network. Free
    riders are judged over the 90 days ending at ``as_of`` (default: the period's last
    day, else today).
    """
    scope = replace(scope, member_id=None)
    table = balance_frame(session, scope, values=False)
    given_counts = table[["given_referral", "given_help", "given_introduction"]].sum(axis=1)
    received_counts = table[["received_referral", "received_help", "received_introduction"]].sum(
        axis=1
    )
    edges, mutual = aggregates.edge_counts(
        session, network_id=scope.network_id, start=scope.start, end=scope.end
    )
    if as_of is None:
        # The period's last day; without one, today (or the first day of a future period).
        as_of = scope.end or max(date.today(), scope.start or date.min)
    window_start, window_end = trailing_days(as_of, FREE_RIDER_DAYS)
    members = len(table)
    stats = {
        "members": members,
        "active_members": int(((given_counts + received_counts) > 0).sum()),
        "exchanges": int(given_counts.sum()),
        "given_points": int(table["given_points"].sum()),
        "share_nonnegative": (
            round(float((table["balance"] >= 0).sum()) / members, RATE_DIGITS) if members else None
        ),
        "reciprocity": round(mutual / edges, RATE_DIGITS) if edges else None,
        "gini": _rounded(gini(table["given_points"])),
        "free_riders": sorted(
            aggregates.takers_without_giving(
                session, network_id=scope.network_id, start=window_start, end=window_end
            ),
            key=name_key,
        ),
    }
    return {key: plain(stats[key]) if key != "free_riders" else stats[key] for key in STATS_KEYS}


def _rounded(value: float | None) -> float | None:
    return None if value is None else round(value, RATE_DIGITS)
