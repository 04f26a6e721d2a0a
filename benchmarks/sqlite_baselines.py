"""Hand-written SQLite queries that return the same figures as a metric, for figure 1.

Figure 1 (``compute_balances`` for a month and a year, target ≤ 1.5×) used to be compared
with per-member counts: one ``GROUP BY`` without points, names, the listed members
without exchanges or the business value, which is not the same work. Here it is compared
with the statement a developer would write by hand for the same numbers, the SQLite form
of :data:`pg_baselines.BALANCES` (``json_extract`` for a network's weights, ``CAST`` for
the divisions), run through the bare ``sqlite3`` driver. The benchmark checks with
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

from pg_baselines import RATE_DIGITS

from reciprocity.analytics.keys import BALANCE_KEYS

COUNTED = "e.voided_at IS NULL AND e.occurred_on BETWEEN :start AND :end"

BALANCES = f"""
WITH weights AS (
  SELECT id AS network_id,
         coalesce(CAST(json_extract(weights, '$.referral') AS INTEGER), 3) AS w_referral,
         coalesce(CAST(json_extract(weights, '$.help') AS INTEGER), 1) AS w_help,
         coalesce(CAST(json_extract(weights, '$.introduction') AS INTEGER), 2)
           AS w_introduction
    FROM network
),
sides AS (
  SELECT e.giver_id AS member_id, 1 AS given, e.network_id, e.kind
    FROM exchange e WHERE {COUNTED}
  UNION ALL
  SELECT e.receiver_id, 0, e.network_id, e.kind FROM exchange e WHERE {COUNTED}
),
counts AS (
  SELECT s.member_id,
         count(*) FILTER (WHERE s.given AND s.kind = 'referral') AS given_referral,
         count(*) FILTER (WHERE s.given AND s.kind = 'help') AS given_help,
         count(*) FILTER (WHERE s.given AND s.kind = 'introduction') AS given_introduction,
         count(*) FILTER (WHERE NOT s.given AND s.kind = 'referral') AS received_referral,
         count(*) FILTER (WHERE NOT s.given AND s.kind = 'help') AS received_help,
         count(*) FILTER (WHERE NOT s.given AND s.kind = 'introduction')
           AS received_introduction,
         total(CASE s.kind WHEN 'referral' THEN w.w_referral WHEN 'help' THEN w.w_help
               ELSE w.w_introduction END) FILTER (WHERE s.given) AS given_points,
         total(CASE s.kind WHEN 'referral' THEN w.w_referral WHEN 'help' THEN w.w_help
               ELSE w.w_introduction END) FILTER (WHERE NOT s.given) AS received_points
    FROM sides s JOIN weights w USING (network_id)
   GROUP BY s.member_id
),
won AS (
  SELECT e.giver_id, e.receiver_id, f.value
    FROM followup f JOIN exchange e ON e.id = f.exchange_id
   WHERE f.status = 'won' AND {COUNTED}
),
value_given AS (SELECT giver_id AS member_id, total(value) AS value FROM won GROUP BY giver_id),
value_received AS (
  SELECT receiver_id AS member_id, total(value) AS value FROM won GROUP BY receiver_id
)
SELECT m.id, m.name,
       coalesce(c.given_referral, 0), coalesce(c.given_help, 0),
       coalesce(c.given_introduction, 0), coalesce(c.received_referral, 0),
       coalesce(c.received_help, 0), coalesce(c.received_introduction, 0),
       CAST(coalesce(c.given_points, 0) AS INTEGER),
       CAST(coalesce(c.received_points, 0) AS INTEGER),
       CAST(coalesce(c.given_points, 0) - coalesce(c.received_points, 0) AS INTEGER),
       round(c.given_points / nullif(c.received_points, 0), {RATE_DIGITS}),
       round((c.given_points - c.received_points)
             / nullif(c.given_points + c.received_points, 0), {RATE_DIGITS}),
       round(coalesce(g.value, 0), 2), round(coalesce(r.value, 0), 2)
  FROM member m
  LEFT JOIN counts c ON c.member_id = m.id
  LEFT JOIN value_given g ON g.member_id = m.id
  LEFT JOIN value_received r ON r.member_id = m.id
 WHERE m.active OR c.member_id IS NOT NULL
"""
"""``total()`` sums as a float, so the divisions need no cast; the counts of points are
whole numbers and are cast back for the integer columns."""


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
