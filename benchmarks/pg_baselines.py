"""Hand-written PostgreSQL queries that return the same figures as each metric.

Figure 8 compares each analytics function on PostgreSQL with the query a developer would
write by hand for the same numbers (DESIGN.md, "Metrics"), run through the bare driver:
one statement per metric, every figure computed by the server. :func:`same` checks, in
the benchmark itself, that the two agree member for member, so the baseline is the same
work and not a cheaper question. Rates agree to their rounding (``RATE_DIGITS``), money
to the cent.

Names are compared by member id, not by their order: names sort in Python by
``name_key`` (the same on every database), which SQL collations cannot promise.

Nudges are sentences: their query returns, per nudge, its type and ids and the figures
its sentence carries (names, dates, days, points, status, topic); they agree when both
list the same nudges in the same order of types, and each of our sentences names every
figure of the query's nudge. The one place a name order decides a figure, which five
cold pairs are suggested among equally generous members, uses ``name_key`` written in
SQL (:data:`NAME_KEY`).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date
from typing import Any

from reciprocity.analytics.keys import BALANCE_KEYS, PAIR_KEYS, QUALITY_KEYS, STATS_KEYS
from reciprocity.analytics.nudges import (
    COLD_PAIR_DAYS,
    COLD_PAIR_LIMIT,
    GIVEN_UPDATE_DAYS,
    RECIPROCITY_DAYS,
)
from reciprocity.analytics.scope import trailing_days

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


def balances_sql(weights: str, counted: str, number: Callable[[str], str]) -> str:
    """The hand-written balances query in a dialect: its ``weights`` CTE, its ``counted``
    clause and how it makes an expression a decimal number (``number``) for a division
    or a rounding. :data:`BALANCES` is PostgreSQL's; ``sqlite_baselines`` makes SQLite's."""
    return f"""
WITH {weights},
sides AS (
  SELECT e.giver_id AS member_id, true AS given, e.network_id, e.kind
    FROM exchange e WHERE {counted}
  UNION ALL
  SELECT e.receiver_id, false, e.network_id, e.kind FROM exchange e WHERE {counted}
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
   WHERE f.status = 'won' AND {counted}
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
       round({number("c.given_points")} / nullif(c.received_points, 0), {RATE_DIGITS}),
       round({number("c.given_points - c.received_points")}
             / nullif(c.given_points + c.received_points, 0), {RATE_DIGITS}),
       round({number("coalesce(g.value, 0)")}, 2), round({number("coalesce(r.value, 0)")}, 2)
  FROM member m
  LEFT JOIN counts c ON c.member_id = m.id
  LEFT JOIN value_given g ON g.member_id = m.id
  LEFT JOIN value_received r ON r.member_id = m.id
 WHERE m.active OR c.member_id IS NOT NULL
"""


BALANCES = balances_sql(WEIGHTS, COUNTED, lambda expression: f"({expression})::numeric")

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


NAME_KEY = (
    "replace(lower(regexp_replace(normalize({name}, NFKD), '[\\u0300-\\u036f]', '', 'g')), "
    "'ß', 'ss') COLLATE \"C\""
)
"""``frames.name_key`` in SQL (NFKD without accents, lower case, ß as ss), compared by code
point: the order of the cold pairs' cut among equally generous members."""


def _mentions(text: str, phrase: str) -> str:
    """``nudges.mentions`` in SQL: ``phrase`` as whole words (``\\y``), in any case, singular
    or plural, its words escaped and joined by any whitespace."""
    words = (
        rf"regexp_replace(regexp_replace({phrase}, '^\s+|\s+$', '', 'g'), "
        r"'([^[:alnum:][:space:]_])', '\\\1', 'g')"
    )
    pattern = rf"'\y' || regexp_replace({words}, '\s+', '\\s+', 'g') || '(s|es)?\y'"
    return rf"({phrase} ~ '\S' AND ({text}) ~* ({pattern}))"


NUDGE_COLUMNS = ("type", "member_id", "exchange_id", "ask_id", "figures", "ask_rating")
RATING_CLAUSE = "rate how they handled it"
"""The words of a given update's sentence that ask for a rating (the benchmark runs in
English)."""

BOARD_TEXT = "concat_ws(' ', nullif({post}.topic, ''), nullif({post}.details, ''))"

NUDGES = f"""
WITH {WEIGHTS},
me AS (SELECT id, category FROM member WHERE id = %(member)s),
mine AS (
  SELECT network_id FROM membership
   WHERE member_id = %(member)s AND coalesce(joined_on <= %(as_of)s, true)
     AND coalesce(left_on >= %(as_of)s, true)
),
due AS (
  SELECT e.id, e.giver_id, g.name, e.occurred_on, e.summary, %(as_of)s - e.occurred_on AS age
    FROM exchange e JOIN member g ON g.id = e.giver_id JOIN network n ON n.id = e.network_id
   WHERE e.receiver_id = %(member)s AND e.kind = 'referral' AND e.voided_at IS NULL
     AND e.occurred_on <= %(as_of)s AND %(as_of)s - e.occurred_on > n.sla_days
     AND NOT EXISTS (SELECT FROM followup f WHERE f.exchange_id = e.id
                                             AND f.occurred_on <= %(as_of)s)
),
partners AS (
  SELECT CASE WHEN e.giver_id = %(member)s THEN e.receiver_id ELSE e.giver_id END AS other_id,
         count(*) FILTER (WHERE e.giver_id = %(member)s) AS given,
         count(*) FILTER (WHERE e.receiver_id = %(member)s) AS received,
         sum(CASE e.kind WHEN 'referral' THEN w.w_referral WHEN 'help' THEN w.w_help
             ELSE w.w_introduction END) FILTER (WHERE e.receiver_id = %(member)s)
           AS received_points
    FROM exchange e JOIN weights w USING (network_id)
   WHERE e.voided_at IS NULL AND e.occurred_on BETWEEN %(window)s AND %(as_of)s
     AND (e.giver_id = %(member)s OR e.receiver_id = %(member)s)
   GROUP BY 1
),
owed AS (
  SELECT p.other_id, o.name, p.received_points
    FROM partners p JOIN member o ON o.id = p.other_id
   WHERE p.given = 0 AND p.received > 0
),
asks AS (
  SELECT k.id, k.member_id, u.name, k.topic, n.name AS network, k.created_at,
         CASE WHEN {_mentions(BOARD_TEXT.format(post="k"), "me.category")} THEN me.category
              WHEN EXISTS (SELECT FROM offer o
                            WHERE o.member_id = %(member)s AND o.status = 'open'
                              AND {_mentions(BOARD_TEXT.format(post="o"), "u.category")})
              THEN u.category END AS category
    FROM ask k JOIN member u ON u.id = k.member_id JOIN network n ON n.id = k.network_id, me
   WHERE k.status = 'open' AND k.member_id <> %(member)s
     AND k.network_id IN (SELECT network_id FROM mine)
),
fellows AS (
  SELECT DISTINCT u.id, u.name
    FROM membership m JOIN membership t ON t.network_id = m.network_id
    JOIN network n ON n.id = m.network_id JOIN member u ON u.id = t.member_id
   WHERE m.member_id = %(member)s AND t.member_id <> %(member)s AND u.active AND n.active
     AND coalesce(m.joined_on <= %(as_of)s, true) AND coalesce(m.left_on >= %(as_of)s, true)
     AND coalesce(t.joined_on <= %(as_of)s, true) AND coalesce(t.left_on >= %(as_of)s, true)
),
cold AS (
  SELECT f.id, f.name FROM fellows f
   WHERE f.id NOT IN (SELECT other_id FROM partners)
     AND f.id NOT IN (
       SELECT CASE WHEN o.member_a_id = %(member)s THEN o.member_b_id ELSE o.member_a_id END
         FROM one_to_one o
        WHERE (o.member_a_id = %(member)s OR o.member_b_id = %(member)s)
          AND o.held_on BETWEEN %(window)s AND %(as_of)s)
),
suggested AS (
  SELECT c.id, c.name,
         coalesce(sum(CASE e.kind WHEN 'referral' THEN w.w_referral WHEN 'help' THEN w.w_help
                      ELSE w.w_introduction END), 0) AS generosity
    FROM cold c
    LEFT JOIN (exchange e JOIN weights w USING (network_id))
      ON e.giver_id = c.id AND e.voided_at IS NULL
     AND e.occurred_on BETWEEN %(window)s AND %(as_of)s
   GROUP BY c.id, c.name
   ORDER BY generosity DESC, {NAME_KEY.format(name="c.name")}, c.id
   LIMIT %(cold_limit)s
),
updates AS (
  SELECT DISTINCT ON (e.id) e.id, e.receiver_id, r.name, e.summary, f.status,
         f.occurred_on, f.id AS step_id,
         f.status IN ('won', 'lost', 'no_response')
           AND NOT EXISTS (SELECT FROM feedback b WHERE b.exchange_id = e.id) AS ask_rating
    FROM followup f JOIN exchange e ON e.id = f.exchange_id JOIN member r ON r.id = e.receiver_id
   WHERE e.giver_id = %(member)s AND e.kind = 'referral' AND e.voided_at IS NULL
     AND f.occurred_on BETWEEN %(updates_from)s AND %(as_of)s
   ORDER BY e.id, f.occurred_on DESC, f.id DESC
)
SELECT type, member_id, exchange_id, ask_id, figures, ask_rating FROM (
  SELECT 1 AS rank, 'followup_due' AS type, giver_id AS member_id, id AS exchange_id,
         NULL::int AS ask_id, ARRAY[name, occurred_on::text, summary, age::text] AS figures,
         NULL::bool AS ask_rating, (occurred_on - %(as_of)s)::float AS k1, ''::text AS k2,
         id AS k3
    FROM due
  UNION ALL
  SELECT 2, 'reciprocate', other_id, NULL, NULL, ARRAY[name, received_points::text], NULL,
         -received_points, {NAME_KEY.format(name="name")}, other_id
    FROM owed
  UNION ALL
  SELECT 3, 'answer_ask', member_id, NULL, id, ARRAY[name, topic, network, category], NULL,
         -extract(epoch FROM created_at), '', -id
    FROM asks WHERE category IS NOT NULL
  UNION ALL
  SELECT 4, 'cold_pair', id, NULL, NULL, ARRAY[name], NULL, -generosity,
         {NAME_KEY.format(name="name")}, id
    FROM suggested
  UNION ALL
  SELECT 5, 'given_update', receiver_id, id, NULL,
         ARRAY[name, id::text, summary, replace(status, '_', ' '), occurred_on::text],
         ask_rating, (%(as_of)s - occurred_on)::float, '', -step_id
    FROM updates
) nudges
ORDER BY rank, k1, k2, k3
"""
"""One member's nudges in all networks (docs/analytics.md, "Nudges"), one statement: a CTE
per type, their rows in one list with the figures each sentence names, in type order and
then each type's own order."""


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


def nudges(connection: Any, start: str, end: str, member: int) -> list[dict[str, Any]]:
    """The member's nudges as of ``end``: each with its type and ids, the ``figures`` its
    sentence must name, and for a given update whether it asks for a rating."""
    if COLD_PAIR_DAYS != RECIPROCITY_DAYS:
        raise SystemExit("The nudges query reads one window for reciprocity and cold pairs.")
    as_of = date.fromisoformat(end)
    rows = _rows(
        connection,
        NUDGES,
        member=member,
        as_of=as_of,
        window=trailing_days(as_of, RECIPROCITY_DAYS)[0],
        updates_from=trailing_days(as_of, GIVEN_UPDATE_DAYS)[0],
        cold_limit=COLD_PAIR_LIMIT,
    )
    return [dict(zip(NUDGE_COLUMNS, row, strict=True)) for row in rows]


BASELINES: dict[str, Callable[[Any, str, str, int], Any]] = {
    "compute_balances": balances,
    "compute_quality": quality,
    "compute_stats": stats,
    "compute_pairs": pairs,
    "compute_nudges": nudges,
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


def _names(figure: str, message: str) -> bool:
    """``message`` names ``figure`` on its own: "1" is not found in "180 days"."""
    return re.search(rf"(?<!\w){re.escape(figure)}(?!\w)", message) is not None


def _same_nudges(ours: list[dict[str, Any]], theirs: list[dict[str, Any]]) -> str | None:
    """Nudges agree when they are the same (type, other member, exchange, ask), in the
    same order of types, and each of our sentences names every figure of the query's."""

    def key(nudge: dict[str, Any]) -> tuple[Any, ...]:
        return (nudge["type"], nudge["member_id"], nudge["exchange_id"], nudge["ask_id"])

    mine = {key(nudge): nudge for nudge in ours}
    other = {key(nudge): nudge for nudge in theirs}
    if mine.keys() != other.keys() or len(ours) != len(theirs):
        missing = sorted(mine.keys() ^ other.keys(), key=str)[:5]
        return f"compute_nudges: the nudges differ (for example {missing})"
    if [nudge["type"] for nudge in ours] != [nudge["type"] for nudge in theirs]:
        return "compute_nudges: the types come in another order"
    for item, row in other.items():
        message = mine[item]["message"]
        for figure in filter(None, row["figures"]):
            if not _names(figure, message):
                return f"compute_nudges: {message!r} does not name {figure!r} ({item})"
        if row["ask_rating"] is not None and (RATING_CLAUSE in message) != row["ask_rating"]:
            return f"compute_nudges: {message!r} should ask for a rating: {row['ask_rating']}"
    return None


def same(name: str, ours: Any, theirs: Any) -> str | None:
    """``None`` when the metric and its baseline give the same figures, else the first
    difference in a sentence."""
    if name == "compute_nudges":
        return _same_nudges(ours, theirs)
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
