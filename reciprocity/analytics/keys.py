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

WORTH_KEYS: tuple[str, ...] = (
    "network",
    "given_points",
    "received_points",
    "balance",
    "given_referral",
    "received_referral",
    "value_given",
    "value_received",
    "one_to_ones",
    "meetings_attended",
    "attendance_assumed",
    "hours",
    "cost",
    "currency",
    "value_per_cost",
    "value_per_hour",
    "referral_yield",
    "contact_rate",
)
"""One network of a member in :mod:`reciprocity.analytics.worth`; the total row has
``network`` ``None``. The names of ``balance`` where the figure is the same."""

WORTH_TREND_KEYS: tuple[str, ...] = ("month", "network", "value_received", "cost", "currency")
"""One calendar month of one network in :func:`reciprocity.analytics.worth.compute_worth_trend`."""

COMPARE_KEYS: tuple[str, ...] = (
    "network",
    "members",
    "active_givers",
    "reciprocity",
    "gini",
    "contact_rate",
    "conversion_rate",
    "value_won_per_member",
    "cost_per_member",
    "currency",
)
"""One network of :mod:`reciprocity.analytics.compare`."""

RATE_DIGITS = 3
"""Ratios, rates, indexes, means and medians are rounded to this many decimals."""
MONEY_DIGITS = 2
"""Sums of money are rounded to cents."""

PALMS_KEYS: tuple[str, ...] = (
    "member",
    "present",
    "absent",
    "late",
    "medical",
    "substitute",
    "referrals_given_inside",
    "referrals_given_outside",
    "referrals_received_inside",
    "referrals_received_outside",
    "visitors",
    "one_to_ones",
    "tyfcb",
    "ceu",
)
"""One member's PALMS (:mod:`reciprocity.analytics.palms`), fixed by the BNI issue."""

PALMS_HEADERS: tuple[str, ...] = (
    "First Name",
    "Last Name",
    "P",
    "A",
    "L",
    "M",
    "S",
    "RGI",
    "RGO",
    "RRI",
    "RRO",
    "V",
    "1-2-1",
    "TYFCB",
    "CEU",
)
"""BNI Connect's own PALMS headers, in its order: the CSV and XLSX of ``palms``."""

TRAFFIC_LIGHT_KEYS: tuple[str, ...] = (
    "member_id",
    "member",
    "weeks",
    "absences",
    "absences_points",
    "lates",
    "lates_points",
    "referrals_per_week",
    "referrals_per_week_points",
    "visitors_per_week",
    "visitors_per_week_points",
    "one_to_ones_per_week",
    "one_to_ones_per_week_points",
    "ceu_per_week",
    "ceu_per_week_points",
    "tyfcb",
    "tyfcb_points",
    "score",
    "max_score",
    "light",
)
"""One member's Traffic Light (:mod:`reciprocity.analytics.traffic_lights`)."""

CROSS_CHAPTER_KEYS: tuple[str, ...] = (
    "chapter",
    "people",
    "referrals_given",
    "referrals_received",
    "one_to_ones",
    "tyfcb_given",
    "tyfcb_received",
)
"""One other chapter a chapter gives to and takes from
(:mod:`reciprocity.analytics.cross_chapter`)."""
