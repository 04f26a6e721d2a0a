"""Gives and takes per member: counts by kind, points, balance, ratio and business value.

See DESIGN.md "Gives and takes" and "Business value", and docs/analytics.md for the
details. SQL counts per (member, network, kind, side); the weights of each exchange's own
network turn counts into points here.
"""

from typing import Any

import pandas as pd
from sqlmodel import Session

from reciprocity.analytics import frames
from reciprocity.analytics.keys import BALANCE_KEYS
from reciprocity.analytics.scope import Scope
from reciprocity.store import aggregates

COUNT_COLUMNS = tuple(f"{side}_{kind}" for side in ("given", "received") for kind in frames.KINDS)


def balance_frame(session: Session, scope: Scope, *, values: bool = True) -> pd.DataFrame:
    """Every listed member's balance columns (see :data:`BALANCE_KEYS`), sorted.

    ``values=False`` skips the business value (its columns are then zero), for callers
    that only need points.
    """
    filters = frames.filters(scope)
    flows = frames.frame(aggregates.member_flows(session, **filters), frames.FLOW_COLUMNS)
    flows = frames.with_points(flows, frames.weights(session))
    table = frames.listed(session, scope, flows["member_id"].unique().tolist())

    flows["column"] = flows["side"] + "_" + flows["kind"]
    counts = flows.pivot_table(
        index="member_id", columns="column", values="n", aggfunc="sum", fill_value=0
    )
    points = flows.pivot_table(
        index="member_id", columns="side", values="points", aggfunc="sum", fill_value=0
    )
    won = frames.frame(
        aggregates.won_values(session, **filters) if values else [], ("member_id", "side", "value")
    ).pivot_table(index="member_id", columns="side", values="value", aggfunc="sum", fill_value=0)

    for column in COUNT_COLUMNS:
        table[column] = _column(counts, column, table.index).astype(int)
    for side in ("given", "received"):
        table[f"{side}_points"] = _column(points, side, table.index).astype(int)
        table[f"value_{side}"] = frames.money(_column(won, side, table.index))
    table["balance"] = table["given_points"] - table["received_points"]
    table["ratio"] = frames.rate(table["given_points"], table["received_points"])
    table["balance_index"] = frames.rate(
        table["balance"], table["given_points"] + table["received_points"]
    )
    table = table.reset_index()
    table["name_key"] = frames.name_order(table["member"])
    return (
        table.sort_values(
            ["balance", "given_points", "name_key", "member_id"],
            ascending=[False, False, True, True],
            kind="stable",
        )
        .drop(columns="name_key")
        .reset_index(drop=True)
    )


def _column(pivot: pd.DataFrame, column: str, index: pd.Index) -> pd.Series:
    """One pivoted column aligned to the listed members; 0 where a member has none."""
    if column not in pivot.columns:
        return pd.Series(0, index=index)
    return pivot[column].reindex(index, fill_value=0)


def compute_balances(*, session: Session, scope: Scope) -> list[dict[str, Any]]:
    """One row per listed member with exactly :data:`BALANCE_KEYS`, highest balance first."""
    return frames.records(balance_frame(session, scope), BALANCE_KEYS)
