"""What the metric modules share: aggregated rows into frames, points, rates, records.

pandas enters here and nowhere below this package. Everything a metric function returns
goes through :func:`records`, so every face receives plain Python values with ``None``
for a metric whose denominator is zero.
"""

import math
import unicodedata
from collections.abc import Iterable, Sequence
from typing import Any

import numpy as np
import pandas as pd
from sqlmodel import Session

from reciprocity.analytics.keys import MONEY_DIGITS, RATE_DIGITS
from reciprocity.analytics.scope import Scope
from reciprocity.store import aggregates
from reciprocity.store.models import DEFAULT_WEIGHTS, ExchangeKind

KINDS: tuple[str, ...] = (ExchangeKind.REFERRAL, ExchangeKind.HELP, ExchangeKind.INTRODUCTION)
TOTAL_COLUMNS = ("member_id", "network_id", "side", *KINDS)
"""The columns of :func:`reciprocity.store.aggregates.member_totals`."""
PAIR_FLOW_COLUMNS = ("giver_id", "receiver_id", "network_id", "kind", "n")
"""The columns of :func:`reciprocity.store.aggregates.pair_flows`."""


def name_key(name: str) -> str:
    """How names sort everywhere: by their letters, ignoring case and accents.

    "alice", "Bob", "Édith" and "de Vries" sort as a person expects, and the same on
    every database (SQL collations differ, so no metric sorts names in SQL).
    """
    if name.isascii():
        return name.lower()  # nothing to decompose, and casefold is lower for ASCII
    decomposed = unicodedata.normalize("NFKD", name.casefold())
    return "".join(char for char in decomposed if not unicodedata.combining(char))


def name_order(names: pd.Series) -> pd.Series:
    """:func:`name_key` for a column, as a ``sort_values`` key."""
    return names.map(name_key)


def filters(scope: Scope) -> dict[str, Any]:
    """The scope as the keyword arguments of the aggregate queries."""
    return {
        "network_id": scope.network_id,
        "member_id": scope.member_id,
        "start": scope.start,
        "end": scope.end,
    }


def frame(rows: Iterable[Any], columns: Sequence[str]) -> pd.DataFrame:
    """Rows of a query as a frame with the given column names (empty rows keep them)."""
    return pd.DataFrame.from_records([tuple(row) for row in rows], columns=list(columns))


def weights(session: Session) -> pd.DataFrame:
    """``network_id, kind, weight`` for every network and kind: its own or the default."""
    rows = [
        (network_id, kind, int((own or {}).get(kind, DEFAULT_WEIGHTS[kind])))
        for network_id, own, _sla in aggregates.network_settings(session)
        for kind in KINDS
    ]
    return frame(rows, ("network_id", "kind", "weight"))


def with_points(flows: pd.DataFrame, weight_table: pd.DataFrame) -> pd.DataFrame:
    """Counts per network and kind, plus ``points`` = count × that network's weight."""
    merged = flows.merge(weight_table, on=["network_id", "kind"], how="left", validate="m:1")
    merged["points"] = merged["n"] * merged["weight"]
    return merged


def member_totals(session: Session, scope: Scope) -> pd.DataFrame:
    """Per member and side: ``member_id, side``, the counts by kind and ``points``.

    Points weigh each count by its own network's weight for the kind, as
    :func:`with_points` does for the counts of a pair or a month.
    """
    rows = frame(aggregates.member_totals(session, **filters(scope)), TOTAL_COLUMNS)
    weight = (
        weights(session)
        .pivot(index="network_id", columns="kind", values="weight")
        .reindex(columns=list(KINDS))  # every kind, even in a ledger with no network yet
    )
    rows["points"] = 0
    for kind in KINDS:
        rows[kind] = rows[kind].astype(int)
        rows["points"] += rows[kind] * rows["network_id"].map(weight[kind]).astype(int)
    return rows.groupby(["side", "member_id"], as_index=False)[[*KINDS, "points"]].sum()


def side_of(totals: pd.DataFrame, side: str) -> pd.DataFrame:
    """One side (``given`` or ``received``) of :func:`member_totals`, indexed by member."""
    return totals[totals["side"] == side].set_index("member_id")


def listed(session: Session, scope: Scope, active_ids: Iterable[int]) -> pd.DataFrame:
    """The members a metric table lists, indexed by ``member_id``, with their ``member`` name.

    See docs/analytics.md, "Who is listed". ``active_ids`` are the members with a counted
    exchange in the scope.
    """
    base = aggregates.listed_members(
        session,
        network_id=scope.network_id,
        member_id=scope.member_id,
        start=scope.start,
        end=scope.end,
    )
    names = dict(tuple(row) for row in base)
    if scope.member_id is None:
        missing = set(active_ids) - names.keys()
        names.update(tuple(row) for row in aggregates.member_names(session, missing))
    result = pd.DataFrame({"member": pd.Series(names, dtype=object)})
    result.index.name = "member_id"
    return result


def rate(numerator: pd.Series, denominator: pd.Series) -> pd.Series:
    """``numerator / denominator`` rounded to the rate digits; missing where it is 0."""
    numerator = numerator.astype(float)
    denominator = denominator.astype(float)
    return (numerator / denominator.where(denominator != 0)).round(RATE_DIGITS)


def money(values: pd.Series) -> pd.Series:
    """Amounts rounded to cents."""
    return values.astype(float).round(MONEY_DIGITS)


def plain(value: Any) -> Any:
    """A pandas/numpy scalar as a plain Python value; NaN and NA become ``None``."""
    if value is None or value is pd.NA:
        return None
    if hasattr(value, "item"):
        value = value.item()
    if isinstance(value, float) and math.isnan(value):
        return None
    return value


def records(table: pd.DataFrame, keys: Sequence[str]) -> list[dict[str, Any]]:
    """The frame's rows as dicts with exactly ``keys``, in that order, as plain values."""
    columns = [_plain_column(table[key]) for key in keys]
    return [dict(zip(keys, row, strict=True)) for row in zip(*columns, strict=True)]


def _plain_column(column: pd.Series) -> list[Any]:
    """A column as plain Python values, converting per value only where a type needs it."""
    values = column.tolist()
    numpy_dtype = isinstance(column.dtype, np.dtype)  # nullable pandas dtypes hold pd.NA
    if numpy_dtype and column.dtype.kind in "iub":
        return values  # tolist already gives Python ints and bools, never missing
    if numpy_dtype and column.dtype.kind == "f":
        return [None if value != value else value for value in values]  # NaN is missing
    return [plain(value) for value in values]
