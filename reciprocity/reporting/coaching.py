"""Notes for the leadership team: whom to thank, whom to help, whom to have a quiet word with.

Worded as coaching, not as a list of shame: each note names one member and suggests one
thing to do. Built only from the month's analytics rows (:class:`MonthlyData`); long
lists stop at :data:`NOTE_LIMIT` and point to the full tables.
"""

from dataclasses import dataclass
from typing import Any

from reciprocity.reporting.data import MonthlyData
from reciprocity.reporting.tables import points

NOTE_LIMIT = 15
"""Notes per section; the XLSX and CSV tables hold the rest."""
THANK_LIMIT = 3


@dataclass(frozen=True)
class Section:
    """One heading of the coaching page and its notes."""

    heading: str
    intro: str
    notes: list[str]


def _plural(count: int, noun: str) -> str:
    return f"{count:,} {noun}{'' if count == 1 else 's'}"


def _capped(notes: list[str], where: str) -> list[str]:
    if len(notes) <= NOTE_LIMIT:
        return notes
    more = len(notes) - NOTE_LIMIT
    return [*notes[:NOTE_LIMIT], f"… and {more:,} more; see {where}."]


def coaching_sections(data: MonthlyData) -> list[Section]:
    """The coaching notes for the month, most encouraging first."""
    sections: list[Section] = []
    givers = [row for row in data.balances if row["balance"] > 0][:THANK_LIMIT]
    if givers:
        sections.append(
            Section(
                "Thank them at the next meeting",
                "The members who gave the most beyond what they received.",
                [
                    f"{row['member']} gave {points(row['given_points'])} and received "
                    f"{row['received_points']:,}: a public thank-you keeps the giving going."
                    for row in givers
                ],
            )
        )
    riders = list(data.stats["free_riders"])
    if riders:
        sections.append(
            Section(
                "A private word, not a public one",
                "Received at least once in the 90 days to the month's end and gave nothing. "
                "Ask what is in the way and which referral they could look out for.",
                _capped(
                    [
                        f"{name}: ask how the group can help them find a first give."
                        for name in riders
                    ],
                    "the Summary sheet of report.xlsx",
                ),
            )
        )
    waiting = sorted(
        (row for row in data.quality if row["received"] > row["contacted"]),
        key=lambda row: (-(row["received"] - row["contacted"]), row["member"]),
    )
    if waiting:
        sections.append(
            Section(
                "Offer help with follow-ups",
                "Referrals received this month with no follow-up step yet: every one is a "
                "giver's client relationship waiting.",
                _capped([_waiting_note(row) for row in waiting], "quality.csv"),
            )
        )
    sla = max(data.sla_days, default=0)
    slow = sorted(
        (
            row
            for row in data.quality
            if row["median_days_to_contact"] is not None and row["median_days_to_contact"] > sla
        ),
        key=lambda row: (-row["median_days_to_contact"], row["member"]),
    )
    if slow and data.sla_days:
        sections.append(
            Section(
                "Share what works for fast first contact",
                f"Members whose median first contact took longer than the "
                f"{_plural(sla, 'day')} agreed.",
                _capped(
                    [
                        f"{row['member']} took a median of {row['median_days_to_contact']:g} "
                        "days; pair them with a quick responder for a month."
                        for row in slow
                    ],
                    "quality.csv",
                ),
            )
        )
    return sections


def _waiting_note(row: dict[str, Any]) -> str:
    waiting = row["received"] - row["contacted"]
    return (
        f"{row['member']}: {waiting:,} of {_plural(row['received'], 'referral')} received "
        "have no follow-up yet; a friendly nudge or a hand with the first call."
    )
