"""What the PDF and the HTML report both show, decided once and worded for people: the
key-figure rows, the "how to read this report" notes, the member table's columns and
which members it lists at national size.

Every word goes through :mod:`reciprocity.i18n` when the report is written (constants
are marked with ``N_`` and translated at use), and every number through its Babel
formats, in the network's currency.
"""

from dataclasses import dataclass
from typing import Any

from reciprocity.i18n import N_, _, format_day, format_month, format_number, ngettext
from reciprocity.reporting.audience import Audience
from reciprocity.reporting.charts import EXTREMES, NAMED_LIMIT
from reciprocity.reporting.data import FIGURE_KEYS, MonthlyData
from reciprocity.reporting.tables import days, money, show, show_change, tone


def previous_words(data: MonthlyData) -> str:
    """The month before in words: "October 2026"."""
    from datetime import timedelta

    return format_month(data.start - timedelta(days=1))


FIGURE_WORDS: dict[str, tuple[str, str]] = {
    "members": (N_("Members"), ""),
    "active_members": (N_("Members who gave or received"), ""),
    "exchanges": (N_("Exchanges logged"), N_("referrals, help and introductions")),
    "exchanges_referral": (N_("Referrals"), ""),
    "exchanges_help": (N_("Help"), ""),
    "exchanges_introduction": (N_("Introductions"), ""),
    "given_points": (N_("Points given"), ""),
    "reciprocity": (N_("Giving that went both ways"), N_("share of giving pairs")),
    "gini": (
        N_("How evenly giving is spread"),
        N_("0 = everyone gives the same, 1 = one member gives everything"),
    ),
    "share_nonnegative": (N_("Members who gave at least as much as they received"), ""),
    "referrals_received": (N_("Referrals received"), ""),
    "contact_rate": (N_("Referrals followed up"), ""),
    "median_days_to_contact": (N_("Typical days to first contact"), N_("median")),
    "conversion_rate": (N_("Referrals won"), N_("share of referrals received")),
    "value_won": (N_("Business won from referrals"), ""),
}
"""Each key figure's label and a short hint under it (empty: none needed)."""
MATURING_KEYS = frozenset({"conversion_rate", "value_won"})
"""The figures that grow for weeks after the month: won business counts against the
referral's date."""


@dataclass(frozen=True)
class FigureRow:
    """One key figure as text: label, hint, this month, the month before, the change, and
    how the change reads (``better``, ``worse``, ``same``; ``maturing``: not judged)."""

    key: str
    label: str
    hint: str
    now: str
    before: str
    change: str
    tone: str


def maturing_mark(data: MonthlyData) -> str:
    """ "still maturing: 62 referrals open", for the figures of a young month."""
    count = data.open_referrals
    return ngettext(
        "still maturing: {count} referral open", "still maturing: {count} referrals open", count
    ).format(count=format_number(count))


def figure_rows(data: MonthlyData) -> list[FigureRow]:
    """The cover's key figures with their change against the previous month. While the
    month is still maturing its conversion and value won carry the mark, are compared
    with the month before at the same age, and are never shown as a drop."""
    currency = data.currency
    maturing = data.maturity.maturing
    rows = []
    for key in FIGURE_KEYS:
        label, hint = FIGURE_WORDS[key]
        now, before = data.figures[key], data.previous[key]
        compared = before
        if maturing and key in MATURING_KEYS:
            compared = (
                data.maturity.previous_conversion_rate
                if key == "conversion_rate"
                else data.maturity.previous_value_won
            )
        rows.append(
            FigureRow(
                key,
                _(label),
                maturing_mark(data)
                if maturing and key in MATURING_KEYS
                else _(hint)
                if hint
                else "",
                show(key, now, currency=currency),
                show(key, before, currency=currency),
                show_change(key, now, compared, currency=currency),
                "maturing" if maturing and key in MATURING_KEYS else tone(key, now, compared),
            )
        )
    return rows


def maturity_note(data: MonthlyData) -> str:
    """Why two figures of a young month are marked, and what they are compared with
    (empty when the month is not maturing)."""
    maturity = data.maturity
    if not maturity.maturing or maturity.median_days_to_close is None:
        return ""
    return _(
        "Won business counts against the referral's date, and referrals here take a median "
        "of {close} days from referral to won (over the last 12 months); {month} ended "
        "{since} days ago. So its conversion and value won are still growing: their changes "
        "compare with {previous} as it stood on {day}, as old as {month} is now "
        "({conversion} won, {value})."
    ).format(
        close=days(maturity.median_days_to_close),
        month=data.month_words,
        since=format_number(maturity.days_since_end),
        previous=previous_words(data),
        day=format_day(maturity.previous_as_of),
        conversion=show("conversion_rate", maturity.previous_conversion_rate),
        value=money(maturity.previous_value_won, data.currency),
    )


def currency_note(data: MonthlyData) -> str:
    """Said when amounts of networks with different currencies are added up."""
    if data.currency is not None:
        return ""
    return _("Amounts are added up across networks that keep different currencies.")


def sla_words(data: MonthlyData) -> str:
    """ "2 days" (the network's agreed time to first contact); "the agreed days" when
    networks agree on different ones."""
    if len(data.sla_days) == 1:
        count = data.sla_days[0]
        return ngettext("{count} day", "{count} days", count).format(count=count)
    return _("the agreed days")


def how_to_read(data: MonthlyData) -> list[tuple[str, str]]:
    """The few measures that need a word of explanation: (term, meaning)."""
    if data.weights:
        weighting = _(
            "A referral counts {referral} points, an introduction {introduction} and help "
            "{help}. Balance is points given minus points received."
        ).format(
            **{kind: data.weights.get(kind, 0) for kind in ("referral", "introduction", "help")}
        )
    else:
        weighting = _(
            "Each network weighs referrals, introductions and help in points. Balance is "
            "points given minus points received."
        )
    return [
        (_("Points and balance"), weighting),
        (
            _("Ratio"),
            _("Points given divided by points received: 2.00 means twice as much given."),
        ),
        (
            _("Giving that went both ways"),
            _(
                "Of all pairs where one member gave to another, the share where the other "
                "gave something back."
            ),
        ),
        (
            _("How evenly giving is spread"),
            _("0 when everyone gives the same, nearing 1 when a few members do all the giving."),
        ),
        (
            _("Followed up, typical days"),
            _(
                "A referral is followed up once its receiver records any step. The typical "
                "(median) days: half were contacted sooner, half later."
            ),
        ),
    ]


def contents(audience: Audience) -> list[str]:
    """The cover's list of what follows."""
    lines = [
        _("Members: everyone's giving and follow-up, highest balance first"),
        _(
            "Charts: balances, given and received, the last 12 months, how far referrals got, "
            "days to first contact, who gives to whom"
        ),
    ]
    if audience is Audience.CHAPTER:
        lines.append(_("Thank you: the members whose giving stood out this month"))
    else:
        lines.append(_("For the leadership team: thanks, private words, follow-ups to help with"))
    return lines


MEMBER_COLUMNS: tuple[tuple[str, str, float], ...] = (
    ("member", N_("Member"), 2.4),
    ("given_points", N_("Points given"), 1.0),
    ("received_points", N_("Points received"), 1.0),
    ("balance", N_("Balance"), 1.0),
    ("ratio", N_("Ratio"), 1.0),
    ("value_given", N_("Business their referrals won"), 1.4),
    ("received", N_("Referrals received"), 1.0),
    ("contact_rate", N_("Followed up"), 1.0),
    ("median_days_to_contact", N_("Days to first contact"), 1.0),
    ("within_sla_rate", "", 1.1),
    ("conversion_rate", N_("Won"), 0.9),
    ("avg_rating", N_("Rating (1-5)"), 0.9),
    ("referral_yield", N_("Their referrals won"), 1.0),
    ("light", N_("Traffic Light"), 1.0),
)
"""Balance columns then quality columns, as (key, heading, relative width on paper); the
``within_sla_rate`` heading names the network's agreed days; ``light`` is the member's
Traffic Light at the month's end (one network's report only, docs/bni.md)."""
GIVING_COLUMNS = (0, 1, 2, 3, 4, 5)
FOLLOW_UP_COLUMNS = (0, 6, 7, 8, 9, 10, 11, 12)
LIGHT_COLUMN = 13
LIGHT_WORDS = {"green": N_("green"), "yellow": N_("yellow"), "red": N_("red"), "grey": N_("grey")}


def table_parts(data: MonthlyData) -> list[tuple[str, tuple[int, ...]]]:
    """The member table on paper: giving, then follow-up, each with the member's name; a
    network's own report adds each member's Traffic Light to the giving table."""
    month = data.month_words
    giving = (*GIVING_COLUMNS, LIGHT_COLUMN) if data.lights else GIVING_COLUMNS
    return [
        (_("Giving, {month}").format(month=month), giving),
        (_("Follow-up of the referrals received, {month}").format(month=month), FOLLOW_UP_COLUMNS),
    ]


def member_legend(data: MonthlyData) -> str:
    """What the member table's columns mean, in one short paragraph."""
    legend: str = _(
        "Points given and received, balance and ratio: see How to read this report. Business "
        "their referrals won: the value others won from the member's referrals. Followed up, "
        "contacted within {sla} and won: shares of the referrals they received. Rating: the "
        "givers' average, 1 to 5. Their referrals won: share of the referrals they gave that "
        "were won."
    ).format(sla=sla_words(data))
    if data.lights:
        legend += " " + _(
            "Traffic Light: the member's BNI-style score over the six months to the month's "
            "end (green, yellow, red; grey when too new to score)."
        )
    return legend


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

    def note(self) -> str:
        """Which members the table lists."""
        if self.hidden:
            return _("The {shown} highest and lowest balances of {total} members.").format(
                shown=len(self.top), total=format_number(self.total)
            )
        return ngettext(
            "The one member listed.",
            "All {total} members, highest balance first.",
            self.total,
        ).format(total=format_number(self.total))

    def gap(self) -> str:
        """The line standing for the members between the top and the bottom."""
        return ngettext(
            "… {count} member in between; every row is in balances.csv, quality.csv and "
            "the workbook …",
            "… {count} members in between; every row is in balances.csv, quality.csv and "
            "the workbook …",
            self.hidden,
        ).format(count=format_number(self.hidden))


def member_table(data: MonthlyData) -> MemberTable:
    """Balance and quality columns per member, sorted by balance (only the rows shown
    are formatted: at national size, the top and bottom :data:`EXTREMES`)."""
    quality = {row["member_id"]: row for row in data.quality}
    columns = MEMBER_COLUMNS if data.lights else MEMBER_COLUMNS[:LIGHT_COLUMN]

    def cells(balance: dict[str, Any]) -> list[str]:
        merged: dict[str, Any] = {**quality.get(balance["member_id"], {}), **balance}
        shown = [
            show(key, merged.get(key), currency=data.currency)
            for key, _heading, _width in columns[:LIGHT_COLUMN]
        ]
        if data.lights:
            light = data.lights.get(balance["member_id"])
            shown.append(_(LIGHT_WORDS[light]) if light in LIGHT_WORDS else "–")
        return shown

    balances = data.balances
    total = len(balances)
    headings = [
        _(heading)
        if key != "within_sla_rate"
        else _("Contacted within {sla}").format(sla=sla_words(data))
        for key, heading, _width in columns
    ]
    widths = [width for _key, _heading, width in columns]
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
