"""One network's year at a glance: value received against cost, month by month.

Both are added up from the first month, so the bars show whether the value a member got
from a network has caught up with what it cost them: two bars a month on one scale, in
the report's colours (blue for value, vermillion for cost), four rows high in eighths.
"""

from dataclasses import dataclass

from rich.console import RenderableType
from rich.text import Text
from textual.widget import Widget

from reciprocity.i18n import _, format_money

VALUE = "#0072B2"
COST = "#D55E00"
ROWS = 4
EIGHTHS = " ▁▂▃▄▅▆▇█"


@dataclass(frozen=True)
class NetworkYear:
    """What the chart draws: a network, its currency, and per month (``YYYY-MM``) the
    value received and the cost (``None`` where the fee is unknown)."""

    network: str
    currency: str
    months: list[tuple[str, float, float | None]]


def running_totals(
    months: list[tuple[str, float, float | None]],
) -> list[tuple[float, float | None]]:
    """Value and cost added up month by month; cost stays unknown from an unknown month on."""
    value, cost = 0.0, 0.0
    known = True
    totals: list[tuple[float, float | None]] = []
    for _month, month_value, month_cost in months:
        value += month_value
        if month_cost is None:
            known = False
        else:
            cost += month_cost
        totals.append((value, cost if known else None))
    return totals


def bar_cell(height: float, row: int) -> str:
    """The character of a bar ``height`` (in eighths of the whole chart) on ``row`` (0 on
    top)."""
    level = round(height * ROWS * 8) - (ROWS - 1 - row) * 8
    return EIGHTHS[max(0, min(8, level))]


class ValueCostChart(Widget):
    """A title line with the year's totals, four rows of bars, and the months' initials."""

    DEFAULT_CSS = """
    ValueCostChart {
        height: 6;
        width: 1fr;
        padding: 0 1;
    }
    """

    def __init__(self, year: NetworkYear, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.year = year

    def render(self) -> RenderableType:
        year = self.year
        totals = running_totals(year.months)
        value, cost = totals[-1] if totals else (0.0, 0.0)
        top = max([v for v, _c in totals] + [c for _v, c in totals if c is not None] + [1.0])
        text = Text(no_wrap=True, overflow="ellipsis")
        text.append(year.network, style="bold")
        text.append("  ")
        text.append("█ ", style=VALUE)
        text.append(
            _("value {amount}").format(amount=format_money(value, year.currency, cents=False))
        )
        text.append("  ")
        text.append("█ ", style=COST)
        text.append(
            _("cost {amount}").format(amount=format_money(cost, year.currency, cents=False))
            if cost is not None
            else _("cost unknown")
        )
        text.append("\n")
        for row in range(ROWS):
            for month_value, month_cost in totals:
                text.append(bar_cell(month_value / top, row), style=VALUE)
                cell = " " if month_cost is None else bar_cell(month_cost / top, row)
                text.append(cell, style=COST)
                text.append(" ")
            text.append("\n")
        for month, _value, _cost in year.months:
            text.append(f"{month[5:]} ", style="dim")
        return text
