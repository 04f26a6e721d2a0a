"""Hand-written PostgreSQL queries that return the same figures as each metric.

Figure 8 compares each analytics function on PostgreSQL with the query a developer would
write by hand for the same numbers (DESIGN.md, "Metrics"), run through the bare driver:
one statement per metric, every figure computed by the server. :func:`same` checks, in
the benchmark itself, that the two agree member for member, so the baseline is the same
work and not a cheaper question. Rates agree to their rounding (``RATE_DIGITS``), money
to the cent.

Names are compared by member id, not by their order: names sort in Python by
``name_key`` (the same on every database), which SQL collations cannot promise.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from reciprocity.analytics.keys import BALANCE_KEYS, PAIR_KEYS, QUALITY_KEYS, STATS_KEYS

RATE_DIGITS = 3

COUNTED = "e.voided_at IS NULL AND e.occurred_on BETWEEN %(start)s AND %(end)s"

WEIGHTS = """
weights AS (
  SELECT id AS network_id,
         coalesce((weights ->> 'referral')::int, 3) AS w_referral,
         coalesce((weights ->> 'help')::int, 1) AS w_help,
         coalesce((weights ->> 'introduction')::int, 2) AS w_introduction
    FROM network
)"""

POINTS = (
    "CASE s.kind WHEN 'referral' THEN w.w_referral WHEN 'help' THEN w.w_help "
    "ELSE w.w_introduction END"
)

BALANCES = f"""
WITH {WEIGHTS},
sides AS (
  SELECT e.giver_id AS member_id, true AS given, e.network_id, e.kind
    FROM exchange e WHERE {COUNTED}
  UNION ALL
  SELECT e.receiver_id, false, e.network_id, e.kind FROM exchange e WHERE {COUNTED}
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
         coalesce(sum({POINTS}) FILTER (WHERE s.given), 0) AS given_points,
         coalesce(sum({POINTS}) FILTER (WHERE NOT s.given), 0) AS received_points
    FROM sides s JOIN weights w USING (network_id)
   GROUP BY s.member_id
),
won AS (
  SELECT e.giver_id, e.receiver_id, f.value
    FROM followup f JOIN exchange e ON e.id = f.exchange_id
   WHERE f.status = 'won' AND {COUNTED}
),
value_given AS (SELECT giver_id AS member_id, sum(value) AS value FROM won GROUP BY giver_id),
value_received AS (
  SELECT receiver_id AS member_id, sum(value) AS value FROM won GROUP BY receiver_id
)
SELECT m.id, m.name,
       coalesce(c.given_referral, 0), coalesce(c.given_help, 0),
       coalesce(c.given_introduction, 0), coalesce(c.received_referral, 0),
       coalesce(c.received_help, 0), coalesce(c.received_introduction, 0),
       coalesce(c.given_points, 0), coalesce(c.received_points, 0),
       coalesce(c.given_points, 0) - coalesce(c.received_points, 0),
       round(c.given_points::numeric / nullif(c.received_points, 0), {RATE_DIGITS}),
       round((c.given_points - c.received_points)::numeric
             / nullif(c.given_points + c.received_points, 0), {RATE_DIGITS}),
       round(coalesce(g.value, 0)::numeric, 2), round(coalesce(r.value, 0)::numeric, 2)
  FROM member m
  LEFT JOIN counts c ON c.member_id = m.id
  LEFT JOIN value_given g ON g.member_id = m.id
  LEFT JOIN value_received r ON r.member_id = m.id
 WHERE m.active OR c.member_id IS NOT NULL
"""

QUALITY = f"""
WITH referral AS (
  SELECT e.id, e.giver_id, e.receiver_id, e.occurred_on, n.sla_days
    FROM exchange e JOIN network n ON n.id = e.network_id
   WHERE e.kind = 'referral' AND {COUNTED}
),
steps AS (
  SELECT r.giver_id, r.receiver_id,
         min(f.occurred_on) - r.occurred_on AS days,
         min(f.occurred_on) - r.occurred_on <= r.sla_days AS within_sla,
         bool_or(f.status = 'won') AS won, bool_or(f.status = 'lost') AS lost,
         bool_or(f.status = 'no_response') AS no_response,
         count(*) FILTER (WHERE f.status = 'won') AS won_steps
    FROM referral r JOIN followup f ON f.exchange_id = r.id
   GROUP BY r.id, r.giver_id, r.receiver_id, r.occurred_on, r.sla_days
),
received AS (
  SELECT receiver_id AS member_id, count(*) AS contacted,
         count(*) FILTER (WHERE within_sla) AS within_sla,
         count(*) FILTER (WHERE won) AS won, count(*) FILTER (WHERE lost) AS lost,
         count(*) FILTER (WHERE no_response) AS no_response,
         percentile_cont(0.5) WITHIN GROUP (ORDER BY days) AS median_days
    FROM steps GROUP BY receiver_id
),
given_won AS (SELECT giver_id AS member_id, sum(won_steps) AS won FROM steps GROUP BY giver_id),
referrals AS (
  SELECT member_id, count(*) FILTER (WHERE side = 'r') AS received,
         count(*) FILTER (WHERE side = 'g') AS given
    FROM (SELECT receiver_id AS member_id, 'r' AS side FROM referral
          UNION ALL SELECT giver_id, 'g' FROM referral) sides
   GROUP BY member_id
),
ratings AS (
  SELECT r.receiver_id AS member_id, sum(b.rating) AS rating_sum, count(*) AS ratings
    FROM feedback b JOIN referral r ON r.id = b.exchange_id GROUP BY r.receiver_id
),
active AS (
  SELECT e.giver_id AS member_id FROM exchange e WHERE {COUNTED}
  UNION SELECT e.receiver_id FROM exchange e WHERE {COUNTED}
)
SELECT m.id, m.name, coalesce(q.received, 0) AS received, coalesce(s.contacted, 0) AS contacted,
       round(coalesce(s.contacted, 0)::numeric / nullif(q.received, 0), {RATE_DIGITS}),
       round(s.median_days::numeric, {RATE_DIGITS}),
       round(coalesce(s.within_sla, 0)::numeric / nullif(q.received, 0), {RATE_DIGITS}),
       coalesce(s.won, 0), coalesce(s.lost, 0), coalesce(s.no_response, 0),
       coalesce(q.received, 0) - coalesce(s.won, 0) - coalesce(s.lost, 0)
         - coalesce(s.no_response, 0),
       round(coalesce(s.won, 0)::numeric / nullif(q.received, 0), {RATE_DIGITS}),
       round(t.rating_sum::numeric / nullif(t.ratings, 0), {RATE_DIGITS}),
       coalesce(q.given, 0), coalesce(g.won, 0),
       round(coalesce(g.won, 0)::numeric / nullif(q.given, 0), {RATE_DIGITS})
  FROM member m
  LEFT JOIN referrals q ON q.member_id = m.id
  LEFT JOIN received s ON s.member_id = m.id
  LEFT JOIN given_won g ON g.member_id = m.id
  LEFT JOIN ratings t ON t.member_id = m.id
 WHERE m.active OR m.id IN (SELECT member_id FROM active)
"""

STATS = f"""
WITH {WEIGHTS},
given AS (
  SELECT e.giver_id AS member_id, count(*) AS n,
         sum(CASE e.kind WHEN 'referral' THEN w.w_referral WHEN 'help' THEN w.w_help
             ELSE w.w_introduction END) AS points
    FROM exchange e JOIN weights w USING (network_id) WHERE {COUNTED} GROUP BY e.giver_id
),
received AS (
  SELECT e.receiver_id AS member_id, count(*) AS n,
         sum(CASE e.kind WHEN 'referral' THEN w.w_referral WHEN 'help' THEN w.w_help
             ELSE w.w_introduction END) AS points
    FROM exchange e JOIN weights w USING (network_id) WHERE {COUNTED} GROUP BY e.receiver_id
),
listed AS (
  SELECT m.id, coalesce(g.n, 0) AS given_n, coalesce(r.n, 0) AS received_n,
         coalesce(g.points, 0) AS given_points, coalesce(r.points, 0) AS received_points
    FROM member m
    LEFT JOIN given g ON g.member_id = m.id
    LEFT JOIN received r ON r.member_id = m.id
   WHERE m.active OR g.member_id IS NOT NULL OR r.member_id IS NOT NULL
),
ranked AS (
  SELECT given_points, row_number() OVER (ORDER BY given_points) AS rank FROM listed
),
edges AS (
  SELECT DISTINCT e.giver_id, e.receiver_id FROM exchange e WHERE {COUNTED}
),
graph AS (
  SELECT count(*) AS edges, count(r.giver_id) AS mutual
    FROM edges d LEFT JOIN edges r ON r.giver_id = d.receiver_id AND r.receiver_id = d.giver_id
)
SELECT (SELECT count(*) FROM listed),
       (SELECT count(*) FILTER (WHERE given_n + received_n > 0) FROM listed),
       (SELECT coalesce(sum(given_n), 0) FROM listed),
       (SELECT coalesce(sum(given_points), 0) FROM listed),
       (SELECT round(count(*) FILTER (WHERE given_points >= received_points)::numeric
                     / nullif(count(*), 0), {RATE_DIGITS}) FROM listed),
       (SELECT round(mutual::numeric / nullif(edges, 0), {RATE_DIGITS}) FROM graph),
       (SELECT CASE WHEN count(*) = 0 THEN NULL WHEN sum(given_points) = 0 THEN 0
                    ELSE round((2.0 * sum(rank * given_points) / (count(*) * sum(given_points))
                                - (count(*) + 1.0) / count(*))::numeric, {RATE_DIGITS}) END
          FROM ranked),
       ARRAY(SELECT m.name FROM member m WHERE m.id IN (
               SELECT e.receiver_id FROM exchange e
                WHERE e.voided_at IS NULL AND e.occurred_on BETWEEN %(window)s AND %(end)s
               EXCEPT
               SELECT e.giver_id FROM exchange e
                WHERE e.voided_at IS NULL AND e.occurred_on BETWEEN %(window)s AND %(end)s))
"""

PAIRS = f"""
WITH {WEIGHTS},
flows AS (
  SELECT e.giver_id, e.receiver_id,
         sum(CASE e.kind WHEN 'referral' THEN w.w_referral WHEN 'help' THEN w.w_help
             ELSE w.w_introduction END) AS points
    FROM exchange e JOIN weights w USING (network_id)
   WHERE {COUNTED} AND (e.giver_id = %(member)s OR e.receiver_id = %(member)s)
   GROUP BY e.giver_id, e.receiver_id
),
sides AS (
  SELECT receiver_id AS other_id, points AS given, 0 AS received
    FROM flows WHERE giver_id = %(member)s
  UNION ALL
  SELECT giver_id, 0, points FROM flows WHERE receiver_id = %(member)s
)
SELECT me.name, o.name, sum(s.given), sum(s.received), sum(s.given) - sum(s.received)
  FROM sides s JOIN member o ON o.id = s.other_id JOIN member me ON me.id = %(member)s
 GROUP BY s.other_id, o.name, me.name
"""


def _rows(connection: Any, sql: str, **parameters: Any) -> list[tuple[Any, ...]]:
    return connection.execute(sql, parameters).fetchall()  # type: ignore[no-any-return]


def balances(connection: Any, start: str, end: str, member: int) -> list[dict[str, Any]]:
    rows = _rows(connection, BALANCES, start=start, end=end)
    return [dict(zip(BALANCE_KEYS, row, strict=True)) for row in rows]


def quality(connection: Any, start: str, end: str, member: int) -> list[dict[str, Any]]:
    rows = _rows(connection, QUALITY, start=start, end=end)
    return [dict(zip(QUALITY_KEYS, row, strict=True)) for row in rows]


def stats(connection: Any, start: str, end: str, member: int) -> dict[str, Any]:
    from datetime import date, timedelta

    window = (date.fromisoformat(end) - timedelta(days=89)).isoformat()  # FREE_RIDER_DAYS
    row = _rows(connection, STATS, start=start, end=end, window=window)[0]
    return dict(zip(STATS_KEYS, row, strict=True))


def pairs(connection: Any, start: str, end: str, member: int) -> list[dict[str, Any]]:
    rows = _rows(connection, PAIRS, start=start, end=end, member=member)
    return [dict(zip(PAIR_KEYS, row, strict=True)) for row in rows]


BASELINES: dict[str, Callable[[Any, str, str, int], Any]] = {
    "compute_balances": balances,
    "compute_quality": quality,
    "compute_stats": stats,
    "compute_pairs": pairs,
}
"""The hand-written query of each metric a figure 8 row times, by function name."""


def _close(ours: Any, theirs: Any, key: str) -> bool:
    if ours is None or theirs is None:
        return ours is None and theirs is None
    if isinstance(ours, list) or isinstance(theirs, list):
        return sorted(ours) == sorted(theirs)
    if isinstance(ours, str) or isinstance(theirs, str):
        return bool(ours == theirs)
    tolerance = 10**-RATE_DIGITS if key not in ("value_given", "value_received") else 0.005
    return abs(float(ours) - float(theirs)) <= tolerance * 1.0001


def same(name: str, ours: Any, theirs: Any) -> str | None:
    """``None`` when the metric and its baseline give the same figures, else the first
    difference in a sentence."""
    if isinstance(ours, dict):
        ours, theirs = [ours], [theirs]
    key_of = "other" if name == "compute_pairs" else "member_id"
    if name == "compute_stats":
        key_of = "members"
    mine = {row[key_of]: row for row in ours}
    other = {row[key_of]: row for row in theirs}
    if mine.keys() != other.keys():
        missing = sorted(mine.keys() ^ other.keys(), key=str)[:5]
        return f"{name}: the rows differ (for example {missing})"
    for key, row in mine.items():
        for column, value in other[key].items():
            if not _close(row[column], value, column):
                return f"{name}: {column} of {key} is {row[column]!r}, the query says {value!r}"
    return None
