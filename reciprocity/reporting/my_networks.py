"""The personal review's "My networks" page: is each of my networks worth it?

The same table as ``reciprocity worth`` for the review's period (one row per network and a
total), and a year of value received against cost per network, for the PDF and the HTML
review alike. Its own module beside :mod:`reciprocity.reporting.member`, which only adds
the page: every number comes from :mod:`reciprocity.analytics.worth` unchanged.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

from sqlmodel import Session

from reciprocity.analytics.worth import compute_worth, compute_worth_trend, worth_period
from reciprocity.i18n import N_, Term, _, format_money, format_number, format_percent
from reciprocity.ledger.members import get_member
from reciprocity.ledger.views import member_networks
from reciprocity.reporting.style import shorten

if TYPE_CHECKING:
    from matplotlib.figure import FigureBase

    from reciprocity.reporting.html import EmbeddedChart
    from reciprocity.reporting.pdf import Page

COLUMNS: tuple[tuple[str, Term, float], ...] = (
    ("network", N_("Network"), 2.4),
    ("given_points", N_("Points given"), 0.9),
    ("received_points", N_("Points received"), 1.0),
    ("value_received", N_("Value received"), 1.2),
    ("one_to_ones", N_("One-to-ones"), 1.3),
    ("meetings_attended", N_("Meetings"), 1.1),
    ("hours", N_("Hours"), 0.8),
    ("cost", N_("Cost"), 1.0),
    ("value_per_cost", N_("Value per cost"), 0.9),
    ("referral_yield", N_("Yield"), 0.8),
)
"""The table's columns: key, heading and relative width on paper."""


@dataclass(frozen=True)
class MyNetworks:
    """What the page shows: ``worth``'s rows and a year of its trend, or why there are none."""

    member: str
    start: date
    end: date
    rows: list[dict[str, Any]]
    trend: list[dict[str, Any]]
    empty: str | None
    """The sentence shown instead of the table when the member is in no network."""


def gather_my_networks(
    *, session: Session, member_id: int, start: date | None, end: date | None
) -> MyNetworks:
    """The page's numbers for the review's period (``worth``'s period rules apply)."""
    name = get_member(session=session, member_id=member_id).name
    first, last = worth_period(start=start, end=end)
    if not member_networks(session=session, member_id=member_id):
        return MyNetworks(
            name,
            first,
            last,
            [],
            [],
            _("{member} belongs to no network, so there is nothing to weigh up.").format(
                member=name
            ),
        )
    rows = compute_worth(session=session, member_id=member_id, start=first, end=last)
    trend = compute_worth_trend(session=session, member_id=member_id, as_of=last)
    return MyNetworks(name, first, last, rows, trend, None)


def cell(key: str, row: dict[str, Any]) -> str:
    """A figure of a ``worth`` row as the page shows it: money in the network's currency to
    the unit, as ``worth`` prints it (the JSON and CSV keep the cents)."""
    value = row[key]
    if key == "network":
        return str(value) if value is not None else _("Total")
    if value is None:
        return "–"
    if key in {"value_received", "value_given", "cost"}:
        currency = row["currency"]
        return format_money(value, currency, cents=False) if currency else format_number(value)
    if key in {"referral_yield", "contact_rate"}:
        return format_percent(value)
    if key == "value_per_cost":
        return format_number(value, 2)
    if key == "hours":
        return format_number(value, 1)
    return format_number(value)


def table(page: MyNetworks) -> tuple[list[str], list[list[str]]]:
    """The table's headings and rows as text."""
    headings = [_(heading) for _key, heading, _width in COLUMNS]
    return headings, [[cell(key, row) for key, _h, _w in COLUMNS] for row in page.rows]


def notes(page: MyNetworks) -> list[str]:
    """What the reader must know to read the figures right."""
    if page.empty is not None:
        return [page.empty]
    lines = [
        _(
            "Cost is the yearly fee for the days you belonged to a network in the period, "
            "plus other costs dated in it; value is the business you won from referrals "
            "received in the period."
        )
    ]
    if page.rows and page.rows[-1]["attendance_assumed"]:
        lines.append(
            _(
                "Meetings attended are assumed: every meeting held while you were a member "
                "counts, as no attendance is recorded."
            )
        )
    return lines


def _table_into(page: MyNetworks) -> Callable[["FigureBase"], None]:
    """Draw the headings, the table and its notes into a sub-figure."""
    import textwrap

    def draw(into: "FigureBase") -> None:
        left, right = 0.07, 0.95
        into.text(left, 0.95, _("My networks"), fontsize=13, fontweight="bold", va="top")
        into.text(
            left,
            0.87,
            _("What each of your networks gave you and cost you, {start} to {end}.").format(
                start=page.start.isoformat(), end=page.end.isoformat()
            ),
            fontsize=9.5,
            va="top",
        )
        y = 0.78
        if page.rows:
            headings, rows = table(page)
            widths = [width for _k, _h, width in COLUMNS]
            unit = (right - left) / sum(widths)
            edges = [left + unit * sum(widths[: i + 1]) for i in range(len(widths))]
            xs = [left, *edges[1:]]
            for x, heading in zip(xs, headings, strict=True):
                into.text(
                    x,
                    y,
                    heading.replace(" ", "\n") if x != left else heading,
                    fontsize=7.5,
                    fontweight="bold",
                    ha="left" if x == left else "right",
                    va="top",
                    linespacing=1.0,
                )
            y -= 0.1
            for number, cells in enumerate(rows):
                total = number == len(rows) - 1
                for index, (x, text) in enumerate(zip(xs, cells, strict=True)):
                    into.text(
                        x,
                        y,
                        shorten(text, 26) if index == 0 else text,
                        fontsize=8.5,
                        fontweight="bold" if total else "normal",
                        ha="left" if index == 0 else "right",
                        va="top",
                    )
                y -= 0.065
        for line in notes(page):
            for part in textwrap.wrap(line, 110):
                into.text(left, y, part, fontsize=8, color="#444444", va="top")
                y -= 0.05

    return draw


def pdf_pages(title: str, page: MyNetworks) -> list["Page"]:
    """The review's "My networks" page: the table over the chart."""
    import pandas as pd

    from reciprocity.reporting import pdf
    from reciprocity.reporting.worth_charts import value_cost_chart

    if not page.rows:
        return [pdf.chart_page(title, [_table_into(page)])]
    trend = pd.DataFrame.from_records(page.trend)
    return [
        pdf.chart_page(title, [_table_into(page), lambda into: value_cost_chart(trend, into=into)])
    ]


def html_context(page: MyNetworks) -> dict[str, Any]:
    """What ``my_networks.html.j2`` shows: headings, rows, notes and the chart."""
    headings, rows = table(page)
    chart: EmbeddedChart | None = None
    if page.rows:
        import pandas as pd

        from reciprocity.reporting.charts import png_bytes
        from reciprocity.reporting.html import embed
        from reciprocity.reporting.style import PNG_DPI
        from reciprocity.reporting.worth_charts import value_cost_chart

        figure = value_cost_chart(pd.DataFrame.from_records(page.trend))
        chart = embed(
            png_bytes(figure, dpi=PNG_DPI),
            _("Value received against cost, month by month, added up"),
        )
    return {
        "period": _("{start} to {end}").format(
            start=page.start.isoformat(), end=page.end.isoformat()
        ),
        "headings": headings,
        "rows": rows,
        "notes": notes(page),
        "chart": chart,
    }
