"""Month by month: exchanges by kind and points given and received, for trend charts.

The trend covers ``months`` whole calendar months ending with the month of the scope's
end (today's month when the scope is open-ended); the scope's start is not used. Months
without exchanges are listed with zeros, so a chart always has ``months`` points.
For a network (no member in the scope), ``given_*`` counts the network's exchanges and
``given_points`` equals ``received_points``; for a member they are that member's.
"""

from datetime import date
from typing import Any

import pandas as pd
from sqlmodel import Session

from reciprocity.analytics import frames
from reciprocity.analytics.keys import TREND_KEYS
from reciprocity.analytics.scope import Scope, month_end
from reciprocity.store import aggregates


def trend_months(last: date, months: int) -> list[date]:
    """The first days of the ``months`` calendar months ending with ``last``'s month."""
    first = last.replace(day=1)
    index = first.year * 12 + first.month - 1
    return [date(i // 12, i % 12 + 1, 1) for i in range(index - months + 1, index + 1)]


def trend_frame(session: Session, scope: Scope, *, months: int = 12) -> pd.DataFrame:
    """One row per month (oldest first) with :data:`TREND_KEYS`."""
    if months < 1:
        raise ValueError("a trend needs at least one month")
    firsts = trend_months(scope.end or date.today(), months)
    flows = frames.frame(
        aggregates.monthly_flows(
            session,
            network_id=scope.network_id,
            member_id=scope.member_id,
            start=firsts[0],
            end=month_end(firsts[-1]),
        ),
        ("month", "network_id", "kind", "side", "n"),
    )
    flows = frames.with_points(flows, frames.weights(session))
    labels = [f"{first:%Y-%m}" for first in firsts]
    table = pd.DataFrame(index=pd.Index(labels, name="month"))
    flows["column"] = flows["side"] + "_" + flows["kind"]
    counts = flows.pivot_table(
        index="month", columns="column", values="n", aggfunc="sum", fill_value=0
    )
    points = flows.pivot_table(
        index="month", columns="side", values="points", aggfunc="sum", fill_value=0
    )
    for kind in frames.KINDS:
        table[f"given_{kind}"] = _aligned(counts, f"given_{kind}", table.index)
        table[f"received_{kind}"] = _aligned(counts, f"received_{kind}", table.index)
    for side in ("given", "received"):
        table[f"{side}_points"] = _aligned(points, side, table.index)
    return table.reset_index()


def _aligned(pivot: pd.DataFrame, column: str, index: pd.Index) -> pd.Series:
    if column not in pivot.columns:
        return pd.Series(0, index=index, dtype=int)
    return pivot[column].reindex(index, fill_value=0).astype(int)


def compute_trend(*, session: Session, scope: Scope, months: int = 12) -> list[dict[str, Any]]:
    """One row per month, oldest first, with exactly :data:`TREND_KEYS`."""
    return frames.records(trend_frame(session, scope, months=months), TREND_KEYS)
