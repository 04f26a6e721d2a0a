"""The report's closing notes: thanks for the whole group, coaching for the leadership team.

The chapter's version (:func:`thanks_sections`) only thanks: the members whose giving
stood out, by name, and nothing about anyone's shortfall, so it can be forwarded to
everyone. The leadership team's version (:func:`coaching_sections`) adds whom to have a
private word with, whom to help with follow-ups and who is slow to make first contact,
worded as coaching, not as a list of shame: each note names one member and suggests one
thing to do. Built only from the month's analytics rows (:class:`MonthlyData`); long
lists stop at :data:`NOTE_LIMIT` and point to the full tables.
"""

from dataclasses import dataclass
from typing import Any

from reciprocity.i18n import _, format_number, ngettext
from reciprocity.reporting.data import MonthlyData
from reciprocity.reporting.layout import sla_words
from reciprocity.reporting.tables import days, money, points

NOTE_LIMIT = 15
"""Notes per section; the XLSX and CSV tables hold the rest."""
THANK_LIMIT = 3


@dataclass(frozen=True)
class Section:
    """One heading of the closing page and its notes."""

    heading: str
    intro: str
    notes: list[str]


def _capped(notes: list[str], where: str) -> list[str]:
    if len(notes) <= NOTE_LIMIT:
        return notes
    more = len(notes) - NOTE_LIMIT
    return [
        *notes[:NOTE_LIMIT],
        ngettext(
            "… and {count} more; see {where}.", "… and {count} more; see {where}.", more
        ).format(count=format_number(more), where=where),
    ]


def _givers(data: MonthlyData) -> list[dict[str, Any]]:
    return [row for row in data.balances if row["balance"] > 0][:THANK_LIMIT]


def _gave_note(row: dict[str, Any]) -> str:
    return _("{member} gave {given} and received {received}.").format(
        member=row["member"],
        given=points(row["given_points"]),
        received=points(row["received_points"]),
    )


def group_sentences(data: MonthlyData) -> list[str]:
    """What the group did together this month, for the thank-you page: whole sentences."""
    referrals = int(data.figures["exchanges_referral"])
    exchanges = int(data.figures["exchanges"])
    return [
        ngettext(
            "In {month} the group logged {count} exchange.",
            "In {month} the group logged {count} exchanges.",
            exchanges,
        ).format(month=data.month_words, count=format_number(exchanges)),
        ngettext(
            "{count} was a referral; business won from the month's referrals so far: {value}.",
            "{count} were referrals; business won from the month's referrals so far: {value}.",
            referrals,
        ).format(
            count=format_number(referrals), value=money(data.figures["value_won"], data.currency)
        ),
    ]


def thanks_sections(data: MonthlyData) -> list[Section]:
    """The chapter's closing page: thanks, by name, and nothing about a shortfall."""
    sections: list[Section] = []
    givers = _givers(data)
    if givers:
        sections.append(
            Section(
                _("Thank you for giving"),
                _("The members who gave the most beyond what they received this month."),
                [_gave_note(row) for row in givers],
            )
        )
    creators = sorted(
        (row for row in data.balances if row["value_given"] > 0),
        key=lambda row: (-float(row["value_given"]), row["member"]),
    )[:THANK_LIMIT]
    if creators:
        sections.append(
            Section(
                _("Thank you for business passed on"),
                _("Referrals given this month that others have already won business from."),
                [
                    _("{member}'s referrals brought others {value}.").format(
                        member=row["member"], value=money(row["value_given"], data.currency)
                    )
                    for row in creators
                ],
            )
        )
    return sections


def coaching_sections(data: MonthlyData) -> list[Section]:
    """The leadership team's notes for the month, most encouraging first."""
    sections: list[Section] = []
    givers = _givers(data)
    if givers:
        sections.append(
            Section(
                _("Thank them at the next meeting"),
                _("The members who gave the most beyond what they received."),
                [
                    _("{note} A public thank-you keeps the giving going.").format(
                        note=_gave_note(row)
                    )
                    for row in givers
                ],
            )
        )
    riders = list(data.stats["free_riders"])
    if riders:
        sections.append(
            Section(
                _("A private word, not a public one"),
                _(
                    "Received at least once in the 90 days to the month's end and gave nothing. "
                    "Ask what is in the way and which referral they could look out for."
                ),
                _capped(
                    [
                        _("{member}: ask how the group can help them find a first give.").format(
                            member=name
                        )
                        for name in riders
                    ],
                    _("the Summary sheet of the workbook"),
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
                _("Offer help with follow-ups"),
                _(
                    "Referrals received this month with no follow-up step yet: every one is a "
                    "giver's client relationship waiting."
                ),
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
                _("Share what works for fast first contact"),
                _("Members whose typical first contact took longer than the {sla} agreed.").format(
                    sla=sla_words(data)
                ),
                _capped(
                    [
                        _(
                            "{member} took a typical {days} days; pair them with a quick "
                            "responder for a month."
                        ).format(member=row["member"], days=days(row["median_days_to_contact"]))
                        for row in slow
                    ],
                    "quality.csv",
                ),
            )
        )
    return sections


def _waiting_note(row: dict[str, Any]) -> str:
    waiting = int(row["received"] - row["contacted"])
    received = int(row["received"])
    if waiting == received:
        return ngettext(
            "{member}: the referral they received has no follow-up yet; a friendly nudge "
            "or a hand with the first call.",
            "{member}: none of the {received} referrals they received has a follow-up yet; "
            "a friendly nudge or a hand with the first call.",
            received,
        ).format(member=row["member"], received=format_number(received))
    return ngettext(
        "{member}: {waiting} of the {received} referrals they received has no follow-up "
        "yet; a friendly nudge or a hand with the first call.",
        "{member}: {waiting} of the {received} referrals they received have no follow-up "
        "yet; a friendly nudge or a hand with the first call.",
        waiting,
    ).format(member=row["member"], waiting=format_number(waiting), received=format_number(received))
