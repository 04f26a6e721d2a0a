"""Gives and takes per member: counts by kind, points, balance, ratio and business value.

See DESIGN.md "Gives and takes" and "Business value", and docs/analytics.md for the
details. SQL counts per member, network and side, one column per kind; the weights of
each exchange's own network turn counts into points here. One member's balance needs no
frame: :func:`compute_balances` hands that scope to
:func:`reciprocity.analytics.cards.member_balances`, and pandas is imported only for a
table of members (so ``reciprocity balance --member`` starts without it).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sqlmodel import Session

from reciprocity.analytics.cards import KINDS, SIDES, member_balances
from reciprocity.analytics.keys import BALANCE_KEYS
from reciprocity.analytics.scope import Scope
from reciprocity.store import aggregates

if TYPE_CHECKING:
    import pandas as pd

WON_BY = {"given": "giver_id", "received": "receiver_id"}
"""Who a won step counts for, per side."""
COUNT_COLUMNS = tuple(f"{side}_{kind}" for side in SIDES for kind in KINDS)


def balance_frame(session: Session, scope: Scope, *, values: bool = True) -> pd.DataFrame:
    """Every listed member's balance columns (see :data:`BALANCE_KEYS`), sorted.

    ``values=False`` skips the business value (its columns are then zero), for callers
    that only need points.
    """
    import pandas as pd

    from reciprocity.analytics import frames

    filters = frames.filters(scope)
    totals = frames.member_totals(session, scope)
    table = frames.listed(session, scope, totals["member_id"].unique().tolist())
    sides = {side: frames.side_of(totals, side) for side in SIDES}
    won = _won_by_side(session, filters) if values else {}

    for side in SIDES:
        for kind in frames.KINDS:
            table[f"{side}_{kind}"] = _aligned(sides[side][kind], table.index).astype(int)
    for side in SIDES:
        table[f"{side}_points"] = _aligned(sides[side]["points"], table.index).astype(int)
        value = won.get(side, pd.Series(0.0, index=table.index))
        table[f"value_{side}"] = frames.money(_aligned(value, table.index))
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


def _won_by_side(session: Session, filters: dict[str, Any]) -> dict[str, pd.Series]:
    """The value of won steps per member, for each side.

    Over all members, SQLite reads the won steps once and pandas sums them per side (one
    pass over the steps instead of two); a server sums them per side itself, which sends
    far fewer rows. For one member or network, each side's SQL sum starts from that
    member's or network's own exchanges instead of from every won step.
    """
    from reciprocity.analytics import frames

    everyone = filters["member_id"] is None and filters["network_id"] is None
    if everyone and session.get_bind().dialect.name == "sqlite":
        steps = frames.frame(
            aggregates.won_steps(session, **filters), ("giver_id", "receiver_id", "value")
        )
        return {side: steps.groupby(WON_BY[side])["value"].sum() for side in SIDES}
    sums = frames.frame(aggregates.won_values(session, **filters), ("member_id", "side", "value"))
    return {side: sums[sums["side"] == side].groupby("member_id")["value"].sum() for side in SIDES}


def _aligned(values: pd.Series, index: pd.Index) -> pd.Series:
    """Values per member aligned to the listed members; 0 where a member has none."""
    return values.reindex(index, fill_value=0)


def compute_balances(*, session: Session, scope: Scope) -> list[dict[str, Any]]:
    """One row per listed member with exactly :data:`BALANCE_KEYS`, highest balance first."""
    if scope.member_id is not None:
        return member_balances(session=session, scope=scope)
    from reciprocity.analytics import frames

    return frames.records(balance_frame(session, scope), BALANCE_KEYS)
