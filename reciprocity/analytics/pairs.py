"""Who owes whom: points given and received between two members.

See DESIGN.md "Pairs" and docs/analytics.md. SQL counts per ordered pair, network and
kind; each pair with any exchange becomes two rows here, one from each side.
"""

from typing import Any

import pandas as pd
from sqlmodel import Session

from reciprocity.analytics import frames
from reciprocity.analytics.keys import PAIR_KEYS
from reciprocity.analytics.scope import Scope
from reciprocity.store import aggregates


def pair_frame(session: Session, scope: Scope) -> pd.DataFrame:
    """One row per ordered pair with any exchange either way: ``member_id``, ``other_id``,
    names and points, sorted as :func:`compute_pairs` describes."""
    flows = frames.frame(
        aggregates.pair_flows(
            session,
            network_id=scope.network_id,
            member_id=scope.member_id,
            start=scope.start,
            end=scope.end,
        ),
        frames.PAIR_FLOW_COLUMNS,
    )
    flows = frames.with_points(flows, frames.weights(session))
    edges = flows.groupby(["giver_id", "receiver_id"], as_index=False).agg(points=("points", "sum"))
    given = edges.rename(
        columns={"giver_id": "member_id", "receiver_id": "other_id", "points": "given_points"}
    )
    received = edges.rename(
        columns={"receiver_id": "member_id", "giver_id": "other_id", "points": "received_points"}
    )
    table = given.merge(received, on=["member_id", "other_id"], how="outer").fillna(0)
    if scope.member_id is not None:
        table = table[table["member_id"] == scope.member_id]
    table = table.astype(
        {"member_id": int, "other_id": int, "given_points": int, "received_points": int}
    )
    table["balance"] = table["given_points"] - table["received_points"]
    ids = set(table["member_id"]) | set(table["other_id"])
    names = dict(tuple(row) for row in aggregates.member_names(session, ids))
    table["member"] = table["member_id"].map(names)
    table["other"] = table["other_id"].map(names)
    table["member_key"] = frames.name_order(table["member"])
    table["other_key"] = frames.name_order(table["other"])
    order = ["balance", "other_key", "other_id"]
    if scope.member_id is None:
        order = ["member_key", "member_id", *order]
    ordered: pd.DataFrame = (
        table.sort_values(order, kind="stable")
        .drop(columns=["member_key", "other_key"])
        .reset_index(drop=True)
    )
    return ordered


def compute_pairs(*, session: Session, scope: Scope) -> list[dict[str, Any]]:
    """One row per ordered pair with exactly :data:`PAIR_KEYS`.

    With a member, only their pairs, whom they owe most first (balance ascending); else by
    member name, then balance ascending.
    """
    if scope.member_id is not None:
        return _member_pairs(session, scope, scope.member_id)
    return frames.records(pair_frame(session, scope), PAIR_KEYS)


def _member_pairs(session: Session, scope: Scope, member_id: int) -> list[dict[str, Any]]:
    """One member's pairs, the rows :func:`pair_frame` gives, from one statement that
    weighs, sums and names them in SQL (:func:`aggregates.member_pairs`): a member has a
    few dozen partners, so only the order by name is left to Python."""
    rows = [
        (row.other_id, row.member, row.other, int(row.given_points), int(row.received_points))
        for row in aggregates.member_pairs(
            session,
            member_id=member_id,
            network_id=scope.network_id,
            start=scope.start,
            end=scope.end,
        )
    ]
    rows.sort(key=lambda row: (row[3] - row[4], frames.name_key(row[2]), row[0]))
    return [
        dict(zip(PAIR_KEYS, (member, other, given, received, given - received), strict=True))
        for _other_id, member, other, given, received in rows
    ]
