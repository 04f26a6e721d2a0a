"""``membership cost``, ``worth`` and ``compare``: what networks cost and give, in figures.

A thin face. ``membership cost`` hands what was typed to
:func:`reciprocity.ledger.costs.set_membership_costs` (or reads the figures); ``worth``
and ``compare`` print :mod:`reciprocity.analytics.worth` and
:mod:`reciprocity.analytics.compare` unchanged: a Rich table, or under ``--json`` /
``--csv`` exactly the keys of :mod:`reciprocity.analytics.keys`. The analytics (and
pandas) load inside the commands, so ``--help`` stays fast.
"""

from typing import Any

import typer
from rich import box
from rich.console import Console
from rich.table import Table
from rich.text import Text

from reciprocity.analytics.keys import COMPARE_KEYS, WORTH_KEYS
from reciprocity.cli.app import JSON_OPTION, app, print_json, state
from reciprocity.cli.metrics import (
    CSV_OPTION,
    FROM_OPTION,
    MONTH_OPTION,
    TO_OPTION,
    print_csv,
)
from reciprocity.i18n import N_, Term, _, format_day, format_money, format_number, format_percent
from reciprocity.ledger.costs import CostFigures, set_membership_costs
from reciprocity.ledger.errors import LedgerError
from reciprocity.ledger.members import get_member, resolve_member
from reciprocity.ledger.networks import resolve_network
from reciprocity.ledger.rules import parse_date

membership_app = typer.Typer(
    help=_("A member's own figures in a network: yearly fee, hours per meeting, other costs."),
    no_args_is_help=True,
)
app.add_typer(membership_app, name="membership")


def _period(month: str | None, date_from: str | None, date_to: str | None) -> tuple[Any, Any]:
    """``--month`` or ``--from``/``--to`` as first and last day (``None`` where not given)."""
    from reciprocity.analytics.scope import make_scope

    scope = make_scope(month=month, date_from=date_from, date_to=date_to)
    return scope.start, scope.end


def _whose(run: Any, session: Any, member: str | None, *, error: LedgerError) -> int:
    """The member named, else the acting member; without either, ``error``."""
    if member:
        found = resolve_member(session=session, name=member).id
        assert found is not None
        return found
    acting = run.acting_member_id(session)
    if acting is None:
        raise error
    return int(acting)


def _money(value: float | None, currency: str | None, *, cents: bool = True) -> str:
    if value is None:
        return "–"
    if currency is None:
        return format_number(value, 2 if cents else 0)
    return format_money(value, currency, cents=cents)


def _print_figures(figures: CostFigures) -> None:
    console = Console()
    fee = _money(figures.fee, figures.currency)
    hours = "–" if figures.meeting_hours is None else format_number(figures.meeting_hours, 2)
    console.print(
        Text(
            _("{member} in {network}").format(member=figures.member, network=figures.network),
            style="bold",
        )
    )
    console.print(
        Text(
            (
                _("Yearly fee: {fee} (their own)")
                if figures.own_fee
                else _("Yearly fee: {fee} (the network's)")
            ).format(fee=fee)
        )
    )
    console.print(
        Text(
            (
                _("Hours per meeting: {hours} (their own)")
                if figures.own_meeting_hours
                else _("Hours per meeting: {hours} (the network's)")
            ).format(hours=hours)
        )
    )
    if not figures.other_costs:
        console.print(Text(_("Other costs: none recorded.")))
        return
    table = Table(title=_("Other costs"), title_justify="left")
    table.add_column(_("day"))
    table.add_column(_("amount"), justify="right")
    for day, amount in figures.other_costs:
        table.add_row(format_day(day, "short"), Text(format_money(amount, figures.currency)))
    console.print(table)


@membership_app.command("cost")
def cost(
    ctx: typer.Context,
    network: str = typer.Option(..., "--network", help=_("The network these costs belong to.")),
    member: str | None = typer.Option(
        None, "--member", help=_("Whose costs (default: the acting member, --as).")
    ),
    fee: float | None = typer.Option(
        None, "--fee", help=_("Their own yearly fee, in the network's currency.")
    ),
    meeting_hours: float | None = typer.Option(
        None,
        "--meeting-hours",
        help=_("Their own hours per meeting, travel included (at most 24)."),
    ),
    other_costs: float | None = typer.Option(
        None,
        "--other-costs",
        help=_("What they spent on the day --on besides the fee (replaces that day's amount)."),
    ),
    spent_on: str | None = typer.Option(
        None, "--on", metavar="DATE", help=_("The day of the other costs (default: today).")
    ),
    reset: bool = typer.Option(
        False, "--reset", help=_("Drop their own fee and hours: the network's apply again.")
    ),
    as_json: bool = JSON_OPTION,
) -> None:
    """Set a member's own fee, hours per meeting or a day's other costs; with none, show them."""
    run = state(ctx)
    with run.session() as session:
        member_id = _whose(
            run,
            session,
            member,
            error=LedgerError(
                "costs.no_member",
                "Whose costs? Pass --member NAME, or act as a member with --as.",
                field="member",
            ),
        )
        network_id = resolve_network(session=session, name=network).id
        assert network_id is not None
        figures = set_membership_costs(
            session=session,
            member_id=member_id,
            network_id=network_id,
            fee=fee,
            meeting_hours=meeting_hours,
            other_costs=other_costs,
            spent_on=parse_date(spent_on, field="cost date") if spent_on else None,
            reset=reset,
            acting_id=run.acting_member_id(session),
        )
    if as_json:
        print_json(figures.as_dict())
    else:
        _print_figures(figures)


WORTH_COLUMNS: tuple[tuple[str, Term], ...] = (
    ("network", N_("network")),
    ("given_points", N_("given")),
    ("received_points", N_("recv")),
    ("value_received", N_("value")),
    ("meetings_attended", N_("mtgs")),
    ("hours", N_("hours")),
    ("cost", N_("cost")),
    ("value_per_cost", N_("v/cost")),
    ("referral_yield", N_("yield")),
)


def _cell(key: str, row: dict[str, Any]) -> str:
    value = row[key]
    if key == "network":
        return value if value is not None else _("Total")
    if value is None:
        return "–"
    if key in {"value_received", "value_given", "cost", "value_won_per_member", "cost_per_member"}:
        return _money(value, row.get("currency"), cents=False)
    if key in {"referral_yield", "contact_rate", "conversion_rate", "reciprocity"}:
        return format_percent(value)
    if key in {"value_per_cost", "gini"}:
        return format_number(value, 2)
    if key == "hours":
        return format_number(value, 1)
    return format_number(value)


def _table(
    title: str,
    rows: list[dict[str, Any]],
    columns: tuple[tuple[str, Term], ...],
    *,
    total_last: bool = False,
) -> Table:
    # No inner rules: nine columns of figures fit 80 columns beside the network's name.
    table = Table(
        title=title, title_justify="left", box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False
    )
    for key, heading in columns:
        if key == "network":
            table.add_column(_(heading), ratio=1, min_width=11)
        else:
            table.add_column(_(heading), justify="right", no_wrap=True)
    for index, row in enumerate(rows):
        last = total_last and index == len(rows) - 1
        table.add_row(
            *(Text(_cell(key, row)) for key, _heading in columns),
            style="bold" if last else None,
            end_section=index == len(rows) - 2 and total_last,
        )
    return table


@app.command("worth")
def worth(
    ctx: typer.Context,
    member: str | None = typer.Option(
        None, "--member", help=_("Whose networks (default: the acting member, --as).")
    ),
    month: str | None = MONTH_OPTION,
    date_from: str | None = FROM_OPTION,
    date_to: str | None = TO_OPTION,
    as_json: bool = JSON_OPTION,
    as_csv: bool = CSV_OPTION,
) -> None:
    """Is it worth it? Each of a member's networks side by side: points, value, hours, cost.

    Without a period: the 365 days ending today. A period never reaches past today.
    """
    from reciprocity.analytics.worth import compute_worth, worth_period

    if as_json and as_csv:
        raise LedgerError("output.json_and_csv", "Choose one of --json and --csv.", field=None)
    run = state(ctx)
    start, end = _period(month, date_from, date_to)
    with run.session() as session:
        member_id = _whose(
            run,
            session,
            member,
            error=LedgerError(
                "worth.no_member",
                "Whose networks? Pass --member NAME, or act as a member with --as.",
                field="member",
            ),
        )
        rows = compute_worth(
            session=session,
            member_id=member_id,
            start=start,
            end=end,
            acting_id=run.acting_member_id(session),
        )
        first, last = worth_period(start=start, end=end)
        name = get_member(session=session, member_id=member_id).name
    if as_json:
        print_json(rows)
        return
    if as_csv:
        print_csv(rows, WORTH_KEYS)
        return
    console = Console()
    console.print(
        _table(
            _("What {member}'s networks gave and cost, {start} to {end}").format(
                member=name, start=first.isoformat(), end=last.isoformat()
            ),
            rows,
            WORTH_COLUMNS,
            total_last=True,
        )
    )
    if rows[-1]["attendance_assumed"]:
        console.print(
            Text(
                _(
                    "Meetings attended are assumed: every meeting held while a member counts, "
                    "as no attendance is recorded."
                )
            )
        )


COMPARE_COLUMNS: tuple[tuple[str, Term], ...] = (
    ("network", N_("network")),
    ("members", N_("mbrs")),
    ("active_givers", N_("givers")),
    ("reciprocity", N_("mutual")),
    ("gini", N_("Gini")),
    ("contact_rate", N_("cont.")),
    ("conversion_rate", N_("conv.")),
    ("value_won_per_member", N_("won/mbr")),
    ("cost_per_member", N_("cost/mbr")),
)


@app.command("compare")
def compare(
    ctx: typer.Context,
    network: list[str] = typer.Option(
        [],
        "--network",
        help=_("A network to compare (repeat it; default: every network you organise)."),
    ),
    month: str | None = MONTH_OPTION,
    date_from: str | None = FROM_OPTION,
    date_to: str | None = TO_OPTION,
    as_json: bool = JSON_OPTION,
    as_csv: bool = CSV_OPTION,
) -> None:
    """Networks side by side, for organisers of several: members, giving, follow-up, money.

    Without a period: the 365 days ending today.
    """
    from reciprocity.analytics.compare import compute_compare
    from reciprocity.analytics.worth import worth_period

    if as_json and as_csv:
        raise LedgerError("output.json_and_csv", "Choose one of --json and --csv.", field=None)
    run = state(ctx)
    start, end = _period(month, date_from, date_to)
    with run.session() as session:
        ids = [resolve_network(session=session, name=name).id for name in network]
        rows = compute_compare(
            session=session,
            network_ids=[int(i) for i in ids if i is not None] or None,
            start=start,
            end=end,
            acting_id=run.acting_member_id(session),
        )
        first, last = worth_period(start=start, end=end)
    if as_json:
        print_json(rows)
        return
    if as_csv:
        print_csv(rows, COMPARE_KEYS)
        return
    Console().print(
        _table(
            _("Networks side by side, {start} to {end}").format(
                start=first.isoformat(), end=last.isoformat()
            ),
            rows,
            COMPARE_COLUMNS,
        )
    )
