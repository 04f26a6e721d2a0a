"""What the PDF and the HTML report both show, decided once: the key-figure rows, the member
table's columns and which members it lists at national size."""

from dataclasses import dataclass
from typing import Any

from reciprocity.reporting.charts import EXTREMES, NAMED_LIMIT
from reciprocity.reporting.data import FIGURE_KEYS, FIGURE_LABELS, MonthlyData
from reciprocity.reporting.tables import show, show_change

MEMBER_COLUMNS: tuple[tuple[str, str, float], ...] = (
    ("member", "Member", 2.3),
    ("given_points", "Given", 0.85),
    ("received_points", "Received", 1.1),
    ("balance", "Balance", 0.9),
    ("ratio", "Ratio", 0.8),
    ("value_given", "Value given", 1.25),
    ("received", "Refs recv.", 0.9),
    ("contact_rate", "Contacted", 1.15),
    ("median_days_to_contact", "Median days", 0.85),
    ("within_sla_rate", "Within SLA", 0.9),
    ("conversion_rate", "Won", 0.9),
    ("avg_rating", "Rating", 0.8),
    ("referral_yield", "Yield", 0.85),
    ("light", "Light", 0.8),
)
"""Balance columns then quality columns, as (key, heading, relative width on paper)."""
TABLE_LEGEND = (
    "Given, Received, Balance: points. Refs recv.: referrals received. Contacted, Within SLA "
    "and Won: shares of referrals received. Median days to first contact. Rating: givers' "
    "1-5. Yield: share of referrals given that were won. Light: the member's Traffic Light at "
    "the month's end (six months; see docs/bni.md)."
)


@dataclass(frozen=True)
class FigureRow:
    """One key figure: its label, this month, the month before and the change, as text."""

    key: str
    label: str
    now: str
    before: str
    change: str


def figure_rows(data: MonthlyData) -> list[FigureRow]:
    """The cover's key figures with their change against the previous month."""
    return [
        FigureRow(
            key,
            FIGURE_LABELS[key],
            show(key, data.figures[key]),
            show(key, data.previous[key]),
            show_change(key, data.figures[key], data.previous[key]),
        )
        for key in FIGURE_KEYS
    ]


@dataclass(frozen=True)
class MemberTable:
    """The member table as the PDF and HTML show it: cells as text, highest balance first.

    At national size only the top and bottom :data:`EXTREMES` are listed and ``hidden``
    says how many members lie between them (the CSV and XLSX files hold every row).
    """

    headings: list[str]
    widths: list[float]
    top: list[list[str]]
    bottom: list[list[str]]
    hidden: int
    total: int


def member_table(data: MonthlyData) -> MemberTable:
    """Balance and quality columns per member, sorted by balance (only the rows shown
    are formatted: at national size, the top and bottom :data:`EXTREMES`)."""
    quality = {row["member_id"]: row for row in data.quality}

    def cells(balance: dict[str, Any]) -> list[str]:
        merged: dict[str, Any] = {
            **quality.get(balance["member_id"], {}),
            **balance,
            "light": data.lights.get(balance["member_id"]),
        }
        return [show(key, merged.get(key)) for key, _, _ in MEMBER_COLUMNS]

    balances = data.balances
    total = len(balances)
    headings = [heading for _, heading, _ in MEMBER_COLUMNS]
    widths = [width for _, _, width in MEMBER_COLUMNS]
    if total <= NAMED_LIMIT:
        return MemberTable(headings, widths, [cells(row) for row in balances], [], 0, total)
    return MemberTable(
        headings,
        widths,
        [cells(row) for row in balances[:EXTREMES]],
        [cells(row) for row in balances[-EXTREMES:]],
        total - 2 * EXTREMES,
        total,
    )
