"""The report's charts: pure functions, a frame in, a ``matplotlib.figure.Figure`` out.

No pyplot: each function builds its own ``Figure`` on the Agg canvas (or draws into a
sub-figure it is given, so the PDF can put two charts on one A4 page) and touches no
global state. Titles say what to see; axes carry units. At national size a chart shows
a distribution or the top and bottom :data:`EXTREMES` members instead of every member,
so a figure's size does not grow with the network. A chart with nothing to show says so
in words and draws no axis at all (never an empty one running below zero). Every word
goes through :mod:`reciprocity.i18n`; ``period`` arrives in words ("November 2026").
"""

from collections.abc import Sequence
from typing import TYPE_CHECKING

import pandas as pd
from matplotlib.ticker import FuncFormatter, MaxNLocator, NullFormatter

from reciprocity.i18n import N_, _, format_day, format_number, format_percent, ngettext
from reciprocity.reporting.style import (
    CHART_SIZE,
    GIVER,
    HEATMAP_CMAP,
    KIND_COLOURS,
    NEUTRAL,
    OKABE_ITO,
    TAKER,
    shorten,
    with_style,
)

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure, FigureBase

NAMED_LIMIT = 100
"""Up to this many members every member gets a bar (chapter size); beyond, the extremes."""
EXTREMES = 20
"""Members shown at each end of a ranking when a network is larger than :data:`NAMED_LIMIT`."""
HEATMAP_NAMED = NAMED_LIMIT
"""Up to this many active members the heatmap names every giver and receiver."""
HEATMAP_GROUPS = 10
"""Beyond :data:`HEATMAP_NAMED`, givers and receivers are grouped into this many ranks."""
SCATTER_NAMED = 40
"""Up to this many members every point of the given-versus-received scatter is named."""
OUTLIER_LABELS = 12
"""Above :data:`SCATTER_NAMED`, the members named on the scatter: the largest imbalances."""
DENSE_LABELS = 6
"""Above :data:`NAMED_LIMIT` (a density, not points), the members named in a column."""
DAYS_CAP = 30
"""Days to first contact beyond this fall into one last bar."""
FUNNEL_STAGES = ("received", "contacted", "meeting", "proposal", "won")
STAGE_WORDS = {
    "received": N_("received"),
    "contacted": N_("followed up"),
    "meeting": N_("meeting"),
    "proposal": N_("proposal"),
    "won": N_("won"),
}
KIND_WORDS = {"referral": N_("referrals"), "help": N_("help"), "introduction": N_("introductions")}


def short_month(key: str) -> str:
    """``2026-11`` as a tick label: "Nov 26"."""
    from datetime import date

    return format_day(date(int(key[:4]), int(key[5:7]), 1), "LLL yy")


def _canvas(into: "FigureBase | None", size: tuple[float, float]) -> "tuple[FigureBase, Figure]":
    """Where to draw: the given sub-figure, or a new Agg-backed figure of ``size`` inches."""
    if into is not None:
        return into, into.get_figure(root=True)
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    figure = Figure(figsize=size, layout="constrained")
    FigureCanvasAgg(figure)
    return figure, figure


def _no_data(ax: "Axes", title: str, message: str) -> None:
    """A chart with nothing to draw: its title and a sentence saying why, no axis."""
    ax.set_title(title)
    ax.text(0.5, 0.5, message, ha="center", va="center", fontsize=11, color="#555555")
    ax.set_axis_off()


def _ranked(balances: pd.DataFrame) -> tuple[pd.DataFrame, int]:
    """Every member (highest balance first) or the top and bottom :data:`EXTREMES`; and how
    many members the gap in the middle stands for."""
    if len(balances) <= NAMED_LIMIT:
        return balances, 0
    top = balances.head(EXTREMES)
    bottom = balances.tail(EXTREMES)
    return pd.concat([top, bottom]), len(balances) - 2 * EXTREMES


@with_style
def balance_chart(
    balances: pd.DataFrame, *, period: str, into: "FigureBase | None" = None
) -> "Figure":
    """Diverging bars of each member's balance (``member``, ``balance``), highest first.

    Givers (balance above 0) and takers (below 0) get the two contrasting colours.
    """
    from matplotlib.patches import Patch

    shown, hidden = _ranked(balances)
    rows = len(shown) + (1 if hidden else 0)
    target, figure = _canvas(into, (CHART_SIZE[0], min(11.0, max(3.5, 1.6 + 0.17 * rows))))
    ax = target.add_subplot()
    title = _("Balance per member, {period}").format(period=period)
    if shown.empty:
        _no_data(ax, title, _("No members are listed for this period."))
        return figure
    if not (shown["given_points"].astype(float) + shown["received_points"].astype(float)).any():
        _no_data(
            ax, title, _("Nobody gave or received anything in {period}.").format(period=period)
        )
        return figure
    values = shown["balance"].astype(float).tolist()
    names = [shorten(str(name), 32) for name in shown["member"]]
    positions = list(range(len(values)))
    if hidden:
        positions = positions[:EXTREMES] + [p + 1 for p in positions[EXTREMES:]]
    colours = [GIVER if v > 0 else TAKER if v < 0 else NEUTRAL for v in values]
    ax.barh(positions, values, color=colours, height=0.75)
    labels = list(names)
    ticks = list(positions)
    if hidden:
        ticks.insert(EXTREMES, EXTREMES)
        labels.insert(
            EXTREMES,
            ngettext(
                "… {count} member in between …", "… {count} members in between …", hidden
            ).format(count=format_number(hidden)),
        )
    ax.set_yticks(ticks, labels=labels, fontsize=9 if rows <= 40 else 7 if rows <= 70 else 5.5)
    ax.invert_yaxis()
    ax.set_ylim(max(ticks) + 0.7, -0.7)
    ax.axvline(0, color=OKABE_ITO["black"], linewidth=0.8)
    ax.grid(axis="y", visible=False)
    ax.set_xlabel(_("Balance (points given − points received)"))
    if hidden:
        title = _(
            "Balance per member, {period}\nthe {count} biggest givers and receivers of {total}"
        ).format(period=period, count=EXTREMES, total=format_number(len(balances)))
    ax.set_title(title)
    ax.legend(
        handles=[
            Patch(color=GIVER, label=_("Gave more than received")),
            Patch(color=TAKER, label=_("Received more than gave")),
        ],
        loc="lower right",
    )
    return figure


@with_style
def given_received_chart(
    balances: pd.DataFrame, *, period: str, into: "FigureBase | None" = None
) -> "Figure":
    """Given against received points per member, with the diagonal of perfect balance.

    Members above the diagonal took more than they gave. The largest imbalances are named.
    A large network is drawn as a density (hexagons), so the file stays small.
    """
    target, figure = _canvas(into, CHART_SIZE)
    ax = target.add_subplot()
    title = _("Points given and received, {period}").format(period=period)
    given = balances["given_points"].astype(float) if len(balances) else pd.Series(dtype=float)
    received = (
        balances["received_points"].astype(float) if len(balances) else pd.Series(dtype=float)
    )
    top = float(max(given.max(), received.max())) if len(balances) else 0.0
    if top <= 0:
        _no_data(
            ax, title, _("Nobody gave or received anything in {period}.").format(period=period)
        )
        return figure
    if len(balances) <= NAMED_LIMIT:
        ax.scatter(given, received, s=36, color=GIVER, alpha=0.75, edgecolor="white", zorder=3)
    else:
        cells = ax.hexbin(given, received, gridsize=35, mincnt=1, cmap=HEATMAP_CMAP, bins="log")
        bar = figure.colorbar(cells, ax=ax)
        # Plain numbers: the style turns mathtext off, so the default 10^n labels would
        # show their markup.
        bar.ax.yaxis.set_major_formatter(FuncFormatter(lambda value, _: format_number(value)))
        bar.ax.yaxis.set_minor_formatter(NullFormatter())
        bar.set_label(_("Members per hexagon (log scale)"))
    # Each axis to its own largest value, so a group where nobody received much still
    # spreads out; the dashed line is "gave as much as received".
    most_given, most_received = max(float(given.max()), 1.0), max(float(received.max()), 1.0)
    corner = min(most_given, most_received)
    ax.plot([0, corner], [0, corner], color=OKABE_ITO["black"], linestyle="--", linewidth=1)
    ax.text(
        corner, corner, _("gave as much as received") + " ", va="bottom", ha="right", fontsize=8
    )
    ax.set_xlim(-0.04 * most_given, most_given * 1.1)
    ax.set_ylim(-0.05 * most_received, most_received * 1.12)
    ax.set_xlabel(_("Given (points); below the dashed line: gave more than received"))
    ax.set_ylabel(_("Received (points)"))
    ax.set_title(title)
    if len(balances) > NAMED_LIMIT:
        outliers = balances.assign(gap=balances["balance"].abs()).nlargest(DENSE_LABELS, "gap")
        # Dense: the names stand in a column at the top left, each with a leader line.
        for index, (_index, row) in enumerate(outliers[outliers["gap"] > 0].iterrows()):
            ax.annotate(
                shorten(str(row["member"]), 24),
                (float(row["given_points"]), float(row["received_points"])),
                xytext=(0.03, 0.95 - 0.065 * index),
                textcoords="axes fraction",
                va="top",
                fontsize=8,
                bbox={"boxstyle": "round,pad=0.15", "facecolor": "white", "edgecolor": "none"},
                arrowprops={"arrowstyle": "-", "color": "#555555", "linewidth": 0.6},
            )
        return figure
    named = balances
    if len(balances) > SCATTER_NAMED:
        named = balances.assign(gap=balances["balance"].abs()).nlargest(OUTLIER_LABELS, "gap")
    from reciprocity.reporting.labels import place_labels

    place_labels(
        ax,
        [
            (float(row["given_points"]), float(row["received_points"]), str(row["member"]))
            for _index, row in named.iterrows()
        ],
        avoid=list(zip(given.tolist(), received.tolist(), strict=True)),
    )
    return figure


@with_style
def trend_chart(trend: pd.DataFrame, *, into: "FigureBase | None" = None) -> "Figure":
    """Exchanges per month by kind (``month``, ``given_<kind>``), stacked, oldest first."""
    target, figure = _canvas(into, CHART_SIZE)
    ax = target.add_subplot()
    months = trend["month"].tolist()
    title = _("Exchanges per month, by kind")
    if not months:
        _no_data(ax, title, _("No months to show."))
        return figure
    title = _("Exchanges per month, by kind: {first} to {last}").format(
        first=short_month(months[0]), last=short_month(months[-1])
    )
    totals = trend[[f"given_{kind}" for kind in KIND_COLOURS]].astype(float).sum(axis=1)
    if float(totals.max()) == 0:
        _no_data(ax, title, _("No exchanges were logged in these months."))
        return figure
    bottom = pd.Series(0.0, index=trend.index)
    positions = list(range(len(months)))
    for kind, colour in KIND_COLOURS.items():
        counts = trend[f"given_{kind}"].astype(float)
        ax.bar(
            positions, counts, bottom=bottom, color=colour, label=_(KIND_WORDS[kind]), width=0.75
        )
        bottom = bottom + counts
    ax.set_xticks(positions, labels=[short_month(m) for m in months], rotation=45, ha="right")
    ax.grid(axis="x", visible=False)
    ax.yaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_ylabel(_("Exchanges (count)"))
    ax.legend(loc="upper left", ncols=3)
    ax.set_ylim(0, float(bottom.max()) * 1.25)  # room for the legend above the bars
    ax.set_title(title)
    return figure


@with_style
def funnel_chart(
    funnel: dict[str, int], *, period: str, into: "FigureBase | None" = None
) -> "Figure":
    """Referrals received in the period and how far they got: one bar per stage."""
    target, figure = _canvas(into, CHART_SIZE)
    ax = target.add_subplot()
    title = _("How far the referrals of {period} got").format(period=period)
    received = funnel.get("received", 0)
    if received == 0:
        _no_data(ax, title, _("No referrals in {period}.").format(period=period))
        return figure
    counts = [funnel.get(stage, 0) for stage in FUNNEL_STAGES]
    positions = list(range(len(counts)))
    ax.barh(positions, counts, color=GIVER, height=0.7)
    for position, count in zip(positions, counts, strict=True):
        share = format_percent(count / received)
        ax.text(count, position, f"  {format_number(count)} ({share})", va="center", fontsize=9)
    ax.set_yticks(positions, labels=[_(STAGE_WORDS[stage]) for stage in FUNNEL_STAGES])
    ax.invert_yaxis()
    ax.set_xlim(0, received * 1.25)
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.grid(axis="y", visible=False)
    ax.set_xlabel(_("Referrals (each step counts those that reached it or a later one)"))
    ax.set_title(title)
    return figure


@with_style
def contact_days_chart(
    days: Sequence[float], *, sla_days: Sequence[int], period: str, into: "FigureBase | None" = None
) -> "Figure":
    """How many days referrals waited for their first follow-up, with the agreed days marked."""
    target, figure = _canvas(into, CHART_SIZE)
    ax = target.add_subplot()
    title = _("Days to first contact, {period}").format(period=period)
    if not len(days):
        _no_data(ax, title, _("No referral of {period} was followed up yet.").format(period=period))
        return figure
    capped = pd.Series(days, dtype=float).clip(lower=0, upper=DAYS_CAP)
    counts = capped.round().astype(int).value_counts().reindex(range(DAYS_CAP + 1), fill_value=0)
    last = max(int(capped.max()), max(sla_days, default=0) + 1, 7)
    counts = counts.loc[:last]
    colours = [
        GIVER if day <= max(sla_days, default=DAYS_CAP) else OKABE_ITO["orange"]
        for day in counts.index
    ]
    ax.bar(counts.index, counts.to_numpy(), color=colours, width=0.8)
    for step, sla in enumerate(sorted(set(sla_days))):
        ax.axvline(sla + 0.5, color=TAKER, linestyle="--", linewidth=1.5)
        ax.text(
            sla + 0.6,
            0.97 - 0.07 * step,
            ngettext("agreed: {count} day", "agreed: {count} days", sla).format(count=sla),
            transform=ax.get_xaxis_transform(),
            color=TAKER,
            fontsize=9,
            va="top",
        )
    ticks = list(range(0, last + 1, 1 if last <= 14 else 5))
    labels = [f"{t}+" if t == DAYS_CAP else str(t) for t in ticks]
    ax.set_xticks(ticks, labels=labels)
    ax.grid(axis="x", visible=False)
    ax.yaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_xlabel(
        _("Days from referral to first follow-up; right of the dashed line: longer than agreed")
    )
    ax.set_ylabel(_("Referrals (count)"))
    ax.set_title(title)
    return figure


def _tenths(totals: pd.Series, *, givers: bool) -> pd.Series:
    """Each member's group by rank: "Top 10% by points given", … "Bottom 10% …"."""
    ranks = totals.rank(method="first", ascending=False)
    groups = pd.qcut(ranks, HEATMAP_GROUPS, labels=False)
    step = 100 // HEATMAP_GROUPS
    names = {
        group: (_("Top {share}% of givers") if givers else _("Top {share}% of receivers")).format(
            share=step
        )
        if group == 0
        else (
            _("Bottom {share}% of givers") if givers else _("Bottom {share}% of receivers")
        ).format(share=step)
        if group == HEATMAP_GROUPS - 1
        else (_("{low}–{high}% of givers") if givers else _("{low}–{high}% of receivers")).format(
            low=group * step, high=(group + 1) * step
        )
        for group in range(HEATMAP_GROUPS)
    }
    return groups.map(names)


def heatmap_matrix(pairs: pd.DataFrame) -> pd.DataFrame:
    """Points given, giver rows × receiver columns, from pair rows (``member`` gave
    ``given_points`` to ``other``). Up to :data:`HEATMAP_NAMED` members everyone is named;
    a larger network groups givers into tenths by points given and receivers into tenths by
    points received, so the matrix keeps its size and still shows who gives to whom."""
    flows = pairs.loc[pairs["given_points"] > 0, ["member", "other", "given_points"]]
    if flows.empty:
        return pd.DataFrame()
    givers = flows.groupby("member")["given_points"].sum()
    receivers = flows.groupby("other")["given_points"].sum()
    people = set(givers.index) | set(receivers.index)
    if len(people) <= HEATMAP_NAMED:
        from reciprocity.analytics.frames import name_key

        order = sorted(people, key=name_key)
        matrix = flows.pivot_table(
            index="member", columns="other", values="given_points", aggfunc="sum", fill_value=0
        )
        return matrix.reindex(index=order, columns=order, fill_value=0)
    giver_group = _tenths(givers, givers=True)
    receiver_group = _tenths(receivers, givers=False)
    flows = flows.assign(
        member=flows["member"].map(giver_group), other=flows["other"].map(receiver_group)
    )
    matrix = flows.pivot_table(
        index="member", columns="other", values="given_points", aggfunc="sum", fill_value=0
    )
    rows = list(dict.fromkeys(_tenths(pd.Series(range(HEATMAP_GROUPS * 2, 0, -1)), givers=True)))
    columns = list(
        dict.fromkeys(_tenths(pd.Series(range(HEATMAP_GROUPS * 2, 0, -1)), givers=False))
    )
    grouped = matrix.reindex(index=rows, columns=columns, fill_value=0)
    grouped.attrs["grouped"] = True
    return grouped


@with_style
def heatmap_chart(
    pairs: pd.DataFrame, *, period: str, into: "FigureBase | None" = None
) -> "Figure":
    """Who gives to whom: points from each giver (rows) to each receiver (columns)."""
    import numpy as np

    matrix = heatmap_matrix(pairs)
    target, figure = _canvas(into, (CHART_SIZE[0], CHART_SIZE[0]))
    ax = target.add_subplot()
    title = _("Who gives to whom, {period} (points)").format(period=period)
    if matrix.empty:
        _no_data(ax, title, _("No exchanges between members in {period}.").format(period=period))
        return figure
    grouped = bool(matrix.attrs.get("grouped", False))
    if grouped:
        title = _("Who gives to whom, {period}\nmembers grouped by rank (points)").format(
            period=period
        )
    values = matrix.to_numpy(dtype=float)
    masked = np.ma.masked_equal(values, 0)
    image = ax.imshow(masked, cmap=HEATMAP_CMAP, aspect="auto", interpolation="nearest", vmin=0)
    bar = figure.colorbar(image, ax=ax, shrink=0.8)
    bar.set_label(_("Points given"))
    size = 8 if len(matrix) <= 15 else 6.5 if len(matrix) <= 25 else 5 if len(matrix) <= 60 else 4
    ax.set_xticks(
        range(len(matrix.columns)),
        labels=[shorten(str(c), 24) for c in matrix.columns],
        rotation=90,
        fontsize=size,
    )
    ax.set_yticks(
        range(len(matrix.index)), labels=[shorten(str(i), 24) for i in matrix.index], fontsize=size
    )
    ax.grid(visible=False)
    ax.spines[:].set_visible(False)
    if len(matrix) <= 15:
        peak = float(values.max())
        for (row, column), value in np.ndenumerate(values):
            if value:
                dark = value > peak * 0.5
                ax.text(
                    column,
                    row,
                    format_number(value),
                    ha="center",
                    va="center",
                    fontsize=7,
                    color="white" if dark else "black",
                )
    ax.set_xlabel(_("Receivers, ranked by points received") if grouped else _("Receiver"))
    ax.set_ylabel(_("Givers, ranked by points given") if grouped else _("Giver"))
    ax.set_title(title)
    return figure


@with_style
def member_trend_chart(
    trend: pd.DataFrame, *, member: str, into: "FigureBase | None" = None
) -> "Figure":
    """One member's points given and received per month (``month``, ``*_points``)."""
    target, figure = _canvas(into, (CHART_SIZE[0], 3.6))
    ax = target.add_subplot()
    months = trend["month"].tolist()
    title = _("{member}: points given and received per month").format(member=shorten(member, 40))
    if not months:
        _no_data(ax, title, _("No months to show."))
        return figure
    peak = float(max(trend["given_points"].max(), trend["received_points"].max()))
    if peak == 0:
        _no_data(ax, title, _("Nothing given or received in these months."))
        return figure
    positions = list(range(len(months)))
    width = 0.4
    ax.bar(
        [p - width / 2 for p in positions],
        trend["given_points"].astype(float),
        width=width,
        color=GIVER,
        label=_("Given"),
    )
    ax.bar(
        [p + width / 2 for p in positions],
        trend["received_points"].astype(float),
        width=width,
        color=TAKER,
        label=_("Received"),
    )
    ax.set_xticks(positions, labels=[short_month(m) for m in months], rotation=45, ha="right")
    ax.grid(axis="x", visible=False)
    ax.set_ylabel(_("Points"))
    # The legend stands above the plot, so it can never cover a bar.
    ax.legend(loc="lower left", bbox_to_anchor=(0, 1.0), ncols=2, borderaxespad=0.2)
    ax.set_ylim(0, peak * 1.1)
    ax.set_title(title, pad=24)
    return figure


def png_bytes(figure: "Figure", *, dpi: int) -> bytes:
    """A chart rendered as PNG in the house style."""
    import io

    from reciprocity.reporting.style import styled

    buffer = io.BytesIO()
    with styled():
        figure.savefig(buffer, format="png", dpi=dpi)
    return buffer.getvalue()
