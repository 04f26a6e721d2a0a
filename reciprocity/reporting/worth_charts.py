"""Charts of what networks give and cost: pure functions, a frame in, a ``Figure`` out.

Beside :mod:`reciprocity.reporting.charts` (the monthly report's), in the same house style
and on the Agg canvas, never pyplot: a member's year of value received against cost per
network (the review's "My networks" page), and one measure of several networks side by
side (``report region``).
"""

from typing import TYPE_CHECKING

import pandas as pd
from matplotlib.ticker import FuncFormatter

from reciprocity.i18n import N_, Term, _, format_money, format_number, format_percent, ngettext
from reciprocity.reporting.charts import _canvas, _no_data
from reciprocity.reporting.style import CHART_SIZE, GIVER, NEUTRAL, TAKER, shorten, with_style

if TYPE_CHECKING:
    from matplotlib.figure import Figure, FigureBase

SIDE_BY_SIDE_LIMIT = 30
"""Up to this many networks each gets a bar; beyond, the 15 highest and lowest."""


@with_style
def value_cost_chart(trend: pd.DataFrame, *, into: "FigureBase | None" = None) -> "Figure":
    """Per network (``network``, ``month``, ``value_received``, ``cost``, ``currency``): the
    value received and the cost, each added up month by month, as two lines.

    Where the value line runs above the cost line, the network has paid for itself so far.
    A cost left unknown (no fee known) is not drawn.
    """
    networks = list(dict.fromkeys(trend["network"])) if len(trend) else []
    target, figure = _canvas(into, (CHART_SIZE[0], 1.2 + 2.2 * max(1, len(networks))))
    title = _("Value received against cost, month by month, added up")
    if not networks:
        _no_data(target.add_subplot(), title, _("No network to show."))
        return figure
    axes = target.subplots(len(networks), 1, squeeze=False, sharex=True)[:, 0]
    for ax, network in zip(axes, networks, strict=True):
        rows = trend[trend["network"] == network]
        months = [month[2:] for month in rows["month"]]
        currency = str(rows["currency"].iloc[0])
        positions = list(range(len(months)))
        value = rows["value_received"].astype(float).cumsum()
        ax.plot(
            positions,
            value,
            color=GIVER,
            linewidth=2,
            marker="o",
            markersize=3,
            label=_("Value received"),
        )
        if rows["cost"].notna().all():
            cost = rows["cost"].astype(float).cumsum()
            ax.plot(positions, cost, color=TAKER, linewidth=2, linestyle="--", label=_("Cost"))
            ax.fill_between(positions, value, cost, where=value >= cost, color=GIVER, alpha=0.12)
        ax.set_title(shorten(network, 60), loc="left", fontsize=10)
        ax.yaxis.set_major_formatter(
            FuncFormatter(lambda amount, _pos, c=currency: format_money(amount, c, cents=False))
        )
        ax.set_xticks(positions, labels=months)
        ax.grid(axis="x", visible=False)
        ax.legend(loc="upper left", fontsize=8)
    axes[-1].set_xlabel(_("Month (YY-MM)"))
    target.suptitle(title, fontsize=11)
    return figure


MEASURES: dict[str, Term] = {
    "members": N_("Members"),
    "active_givers": N_("Active givers"),
    "reciprocity": N_("Reciprocity: the share of giving that is mutual"),
    "gini": N_("Gini of points given: 0 even, near 1 one giver"),
    "contact_rate": N_("Contact rate of referrals received"),
    "conversion_rate": N_("Conversion (won / received)"),
    "value_won_per_member": N_("Value won per member"),
    "cost_per_member": N_("Cost per member"),
}
"""The measures of ``compare``, each drawn as its own chart, with its English title (the
titles are translated when drawn)."""


def _label(key: str, value: float, currency: str) -> str:
    if key in {"reciprocity", "contact_rate", "conversion_rate"}:
        return format_percent(value)
    if key == "gini":
        return format_number(value, 2)
    if key in {"value_won_per_member", "cost_per_member"}:
        return format_money(value, currency, cents=False)
    return format_number(value)


@with_style
def measure_chart(
    networks: pd.DataFrame, key: str, *, into: "FigureBase | None" = None
) -> "Figure":
    """One measure of ``compare`` (``network``, ``key``, ``currency``) per network,
    highest first; networks without a value are left out and counted in the title."""
    known = networks[networks[key].notna()].sort_values(key, ascending=False, kind="stable")
    hidden = 0
    if len(known) > SIDE_BY_SIDE_LIMIT:
        half = SIDE_BY_SIDE_LIMIT // 2
        hidden = len(known) - 2 * half
        known = pd.concat([known.head(half), known.tail(half)])
    target, figure = _canvas(into, (CHART_SIZE[0], min(9.0, max(2.6, 1.2 + 0.32 * len(known)))))
    ax = target.add_subplot()
    title = _(MEASURES[key])
    if known.empty:
        _no_data(ax, title, _("No network has this figure for the period."))
        return figure
    values = known[key].astype(float).tolist()
    names = [shorten(str(name), 34) for name in known["network"]]
    positions = list(range(len(values)))
    half = len(values) // 2
    if hidden:
        # A gap row between the highest and the lowest says how many networks it stands for.
        positions = positions[:half] + [p + 1 for p in positions[half:]]
    ax.barh(positions, values, color=GIVER if key != "cost_per_member" else TAKER, height=0.65)
    top = max(values) if max(values) > 0 else 1.0
    for position, value, currency in zip(positions, values, known["currency"], strict=True):
        ax.text(
            value + top * 0.01,
            position,
            " " + _label(key, value, str(currency)),
            va="center",
            fontsize=8,
        )
    ticks, labels = list(positions), list(names)
    if hidden:
        ticks.insert(half, half)
        labels.insert(
            half,
            ngettext(
                "… {count} network in between …", "… {count} networks in between …", hidden
            ).format(count=format_number(hidden)),
        )
    ax.set_yticks(ticks, labels=labels, fontsize=8)
    # Room for five bars at least, so two networks do not fill the chart with two slabs.
    ax.set_ylim(max(max(ticks) + 1, 5) - 0.5, -0.5)
    ax.set_xlim(0, top * 1.25)
    ax.grid(axis="y", visible=False)
    ax.axvline(0, color=NEUTRAL, linewidth=0.8)
    ax.xaxis.set_major_formatter(FuncFormatter(lambda _value, _pos: ""))
    missing = len(networks) - len(networks[networks[key].notna()])
    notes = []
    if missing:
        notes.append(
            ngettext(
                "{count} network has no value for this period.",
                "{count} networks have no value for this period.",
                missing,
            ).format(count=format_number(missing))
        )
    ax.set_title(title)
    if notes:
        ax.set_xlabel(" ".join(notes), fontsize=8, color="#555555")
    return figure
