"""The keys of every metric row: the JSON keys, the CSV headers and the report columns.

They are a contract (DESIGN.md, "Faces"): extend them, never rename them. This module
imports nothing heavy, so a face can name the columns without loading pandas.
"""

BALANCE_KEYS: tuple[str, ...] = (
    "member_id",
    "member",
    "given_referral",
    "given_help",
    "given_introduction",
    "received_referral",
    "received_help",
    "received_introduction",
    "given_points",
    "received_points",
    "balance",
    "ratio",
    "balance_index",
    "value_given",
    "value_received",
)

QUALITY_KEYS: tuple[str, ...] = (
    "member_id",
    "member",
    "received",
    "contacted",
    "contact_rate",
    "median_days_to_contact",
    "within_sla_rate",
    "won",
    "lost",
    "no_response",
    "open",
    "conversion_rate",
    "avg_rating",
    "given",
    "given_won",
    "referral_yield",
)

PAIR_KEYS: tuple[str, ...] = ("member", "other", "given_points", "received_points", "balance")

STATS_KEYS: tuple[str, ...] = (
    "members",
    "active_members",
    "exchanges",
    "given_points",
    "share_nonnegative",
    "reciprocity",
    "gini",
    "free_riders",
)

TREND_KEYS: tuple[str, ...] = (
    "month",
    "given_referral",
    "given_help",
    "given_introduction",
    "received_referral",
    "received_help",
    "received_introduction",
    "given_points",
    "received_points",
)
"""One calendar month (``YYYY-MM``) of :mod:`reciprocity.analytics.trend`."""

NUDGE_KEYS: tuple[str, ...] = ("type", "message", "member_id", "exchange_id", "ask_id")

NUDGE_TYPES: tuple[str, ...] = (
    "followup_due",
    "reciprocate",
    "answer_ask",
    "cold_pair",
    "given_update",
)
"""In the order a member sees them: what is overdue first."""

RATE_DIGITS = 3
"""Ratios, rates, indexes, means and medians are rounded to this many decimals."""
MONEY_DIGITS = 2
"""Sums of money are rounded to cents."""
