"""Hand-written SQLite queries that return the same figures as a metric, for figure 1.

Figure 1 (``compute_balances`` for a month and a year, target ≤ 1.5×) used to be compared
with per-member counts: one ``GROUP BY`` without points, names, the listed members
without exchanges or the business value, which is not the same work. Here it is compared
with the statement a developer would write by hand for the same numbers: the query of
:func:`pg_baselines.balances_sql` with SQLite's weights (``json_extract``) and ``CAST``
for the divisions, run through the bare ``sqlite3`` driver. The benchmark checks with
:func:`pg_baselines.same` that both give the same figures, member for member, before it
times them.

The other in-process figures (4: quality, pairs, stats, nudges; target ≤ 3×) keep the
per-member counts on SQLite: SQLite has no ``percentile_cont`` for the quality's median
days, and those targets were set against the counts.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from functools import partial
from typing import Any

from pg_baselines import balances_sql

from reciprocity.analytics.keys import BALANCE_KEYS

COUNTED = "e.voided_at IS NULL AND e.occurred_on BETWEEN :start AND :end"

WEIGHTS = """
weights AS (
  SELECT id AS network_id,
         coalesce(CAST(json_extract(weights, '$.referral') AS INTEGER), 3) AS w_referral,
         coalesce(CAST(json_extract(weights, '$.help') AS INTEGER), 1) AS w_help,
         coalesce(CAST(json_extract(weights, '$.introduction') AS INTEGER), 2)
           AS w_introduction
    FROM network
)"""

BALANCES = balances_sql(WEIGHTS, COUNTED, lambda expression: f"CAST({expression} AS REAL)")
"""Divisions and roundings on ``REAL``: SQLite divides two integers as integers."""


def balances(
    connection: sqlite3.Connection, start: str, end: str, member: int
) -> list[dict[str, Any]]:
    rows = connection.execute(BALANCES, {"start": start, "end": end}).fetchall()
    return [dict(zip(BALANCE_KEYS, row, strict=True)) for row in rows]


BASELINES: dict[str, Callable[..., Any]] = {"compute_balances": balances}


def runners(path: str) -> dict[str, Callable[[str, str, int], Any]]:
    """Each hand-written query on its own connection to the database file."""
    connection = sqlite3.connect(path)
    return {name: partial(query, connection) for name, query in BASELINES.items()}
