"""``balance``, ``quality``, ``pairs``, ``stats`` and ``nudges``: the numbers, on the command line.

Each prints a Rich table by default, and under ``--json`` (or ``--csv``) exactly the keys
of :mod:`reciprocity.analytics.keys`, so scripts and reports can rely on them. The
numbers come from :mod:`reciprocity.analytics` unchanged; this module only formats.
The analytics modules (and pandas) load inside each command, so ``--help`` stays fast.
"""

import csv
import sys
from collections.abc import Callable, Sequence
from datetime import date
from typing import Any

import typer
from sqlmodel import Session

from reciprocity.analytics.keys import (
    BALANCE_KEYS,
    NUDGE_KEYS,
    PAIR_KEYS,
    QUALITY_KEYS,
    STATS_KEYS,
)
from reciprocity.analytics.scope import Scope, make_scope
from reciprocity.cli.app import JSON_OPTION, app, print_json, state
from reciprocity.i18n import _, format_number, format_percent
from reciprocity.ledger.errors import LedgerError
from reciprocity.ledger.members import get_member, resolve_member
from reciprocity.ledger.networks import resolve_network
from reciprocity.ledger.rules import parse_date

NETWORK_OPTION = typer.Option(None, "--network", help=_("Only this network (default: all)."))
MEMBER_OPTION = typer.Option(None, "--member", help=_("Only this member."))
MONTH_OPTION = typer.Option(None, "--month", metavar="YYYY-MM", help=_("One calendar month."))
FROM_OPTION = typer.Option(None, "--from", metavar="DATE", help=_("First day, inclusive."))
TO_OPTION = typer.Option(None, "--to", metavar="DATE", help=_("Last day, inclusive."))
CSV_OPTION = typer.Option(False, "--csv", help=_("Print CSV (header = the JSON keys)."))
AS_OF_OPTION = typer.Option(
    None, "--as-of", metavar="DATE", help=_("Judge as of this day (default: today).")
)

PERCENT_KEYS = frozenset(
    {"contact_rate", "within_sla_rate", "conversion_rate", "referral_yield", "share_nonnegative"}
)
"""Shown as percentages in tables; JSON and CSV keep the fraction."""
ONE_DECIMAL_KEYS = frozenset({"median_days_to_contact", "avg_rating"})
RATE_KEYS = frozenset({"ratio", "balance_index", "reciprocity", "gini"})
MONEY_KEYS = frozenset({"value_given", "value_received"})
TABLE_LIMIT = 100
"""Rows a table shows unless ``--limit`` says otherwise; ``--json`` and ``--csv`` list all."""
LIMIT_OPTION = typer.Option(
    TABLE_LIMIT, "--limit", min=1, help=_("Rows the table shows (--json and --csv list all).")
)


def _scope(
    session: Session,
    *,
    network: str | None,
    member: str | None,
    month: str | None,
    date_from: str | None,
    date_to: str | None,
) -> tuple[Scope, str]:
    """The scope the filters name, and the network's name (or "all networks") for titles."""
    found = resolve_network(session=session, name=network) if network else None
    scope = make_scope(
        network_id=found.id if found else None,
        member_id=resolve_member(session=session, name=member).id if member else None,
        month=month,
        date_from=date_from,
        date_to=date_to,
    )
    return scope, found.name if found else "all networks"


def _format(key: str, value: Any) -> str:
    """A table cell in the language's number format (Babel): ``1,234.50`` or ``1.234,50``."""
    if value is None:
        return "–"
    if key in MONEY_KEYS:
        return format_number(value, 2)
    if key in PERCENT_KEYS:
        return format_percent(value)
    if key in ONE_DECIMAL_KEYS:
        return format_number(value, 1)
    if key in RATE_KEYS:
        return format_number(value, 3)
    if isinstance(value, list):
        return ", ".join(str(item) for item in value) or _("none")
    return format_number(value) if isinstance(value, int) else str(value)


def print_csv(rows: Sequence[dict[str, Any]], keys: Sequence[str]) -> None:
    """The rows as CSV, text guarded against spreadsheet formulas like every CSV we write."""
    from reciprocity.ledger.transfer.csvfiles import guard_row  # the import code: only here

    writer = csv.DictWriter(sys.stdout, fieldnames=list(keys), lineterminator="\n")
    writer.writeheader()
    writer.writerows(guard_row(row) for row in rows)


def _output(
    rows: Sequence[dict[str, Any]],
    *,
    keys: Sequence[str],
    columns: Sequence[tuple[str, str]],
    as_json: bool,
    as_csv: bool,
    title: str,
    empty: str,
    limit: int | None = None,
) -> None:
    """JSON or CSV with every key, else a Rich table of ``columns`` (key, heading)."""
    if as_json and as_csv:
        raise LedgerError("output.json_and_csv", "Choose one of --json and --csv.", field=None)
    if as_json:
        print_json(list(rows))
        return
    if as_csv:
        print_csv(rows, keys)
        return
    if not rows:
        typer.echo(empty)
        return
    # Rich only where a table is drawn: --json and --csv start without it.
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    shown = rows if limit is None else rows[:limit]
    caption = (
        _("The first {shown} of {total}; --limit N shows more, --json or --csv all.").format(
            shown=format_number(len(shown)), total=format_number(len(rows))
        )
        if len(shown) < len(rows)
        else None
    )
    table = Table(title=title, title_justify="left", caption=caption, caption_justify="left")
    for key, heading in columns:
        numeric = key not in {"member", "other", "type", "message"}
        table.add_column(
            heading,
            justify="right" if numeric else "left",
            no_wrap=numeric,
            min_width=14 if key in {"member", "other"} else None,
        )
    for row in shown:
        table.add_row(*(Text(_format(key, row[key])) for key, _ in columns))
    Console().print(table)


def _member_table(
    ctx: typer.Context,
    compute: Callable[..., list[dict[str, Any]]],
    *,
    filters: dict[str, str | None],
    keys: Sequence[str],
    columns: Sequence[tuple[str, str]],
    as_json: bool,
    as_csv: bool,
    heading: str,
    empty: str,
    limit: int,
) -> None:
    """Compute a per-member (or per-pair) metric for the filters and print it."""
    with state(ctx).reading() as session:
        scope, where = _scope(session, **filters)
        rows = compute(session=session, scope=scope)
    _output(
        rows,
        keys=keys,
        columns=columns,
        as_json=as_json,
        as_csv=as_csv,
        title=f"{heading}, {where}, {scope.label}",
        empty=empty,
        limit=limit,
    )


@app.command("balance")
def balance(
    ctx: typer.Context,
    network: str | None = NETWORK_OPTION,
    member: str | None = MEMBER_OPTION,
    month: str | None = MONTH_OPTION,
    date_from: str | None = FROM_OPTION,
    date_to: str | None = TO_OPTION,
    as_json: bool = JSON_OPTION,
    as_csv: bool = CSV_OPTION,
    limit: int = LIMIT_OPTION,
) -> None:
    """Gives and takes per member: counts, points, balance, ratio and business value."""
    from reciprocity.analytics.balances import compute_balances

    _member_table(
        ctx,
        compute_balances,
        filters={
            "network": network,
            "member": member,
            "month": month,
            "date_from": date_from,
            "date_to": date_to,
        },
        keys=BALANCE_KEYS,
        columns=(
            ("member", "member"),
            ("given_points", "given"),
            ("received_points", "recv"),
            ("balance", "balance"),
            ("ratio", "ratio"),
            ("value_given", "value given"),
            ("value_received", "value recv"),
        ),
        as_json=as_json,
        as_csv=as_csv,
        heading="Balance in points",
        empty="No members to list.",
        limit=limit,
    )


@app.command("quality")
def quality(
    ctx: typer.Context,
    network: str | None = NETWORK_OPTION,
    member: str | None = MEMBER_OPTION,
    month: str | None = MONTH_OPTION,
    date_from: str | None = FROM_OPTION,
    date_to: str | None = TO_OPTION,
    as_json: bool = JSON_OPTION,
    as_csv: bool = CSV_OPTION,
    limit: int = LIMIT_OPTION,
) -> None:
    """Follow-up of the referrals each member received, and the yield of those they gave."""
    from reciprocity.analytics.quality import compute_quality

    _member_table(
        ctx,
        compute_quality,
        filters={
            "network": network,
            "member": member,
            "month": month,
            "date_from": date_from,
            "date_to": date_to,
        },
        keys=QUALITY_KEYS,
        columns=(
            ("member", "member"),
            ("received", "recv"),
            ("contact_rate", "contact"),
            ("median_days_to_contact", "days"),
            ("within_sla_rate", "SLA"),
            ("won", "won"),
            ("open", "open"),
            ("avg_rating", "rating"),
            ("referral_yield", "yield"),
        ),
        as_json=as_json,
        as_csv=as_csv,
        heading="Referral follow-up",
        empty="No members to list.",
        limit=limit,
    )


@app.command("pairs")
def pairs(
    ctx: typer.Context,
    member: str | None = typer.Option(
        None, "--member", help=_("Only this member's pairs, whom they owe first.")
    ),
    network: str | None = NETWORK_OPTION,
    month: str | None = MONTH_OPTION,
    date_from: str | None = FROM_OPTION,
    date_to: str | None = TO_OPTION,
    as_json: bool = JSON_OPTION,
    as_csv: bool = CSV_OPTION,
    limit: int = LIMIT_OPTION,
) -> None:
    """Who owes whom: points given and received between two members (balance < 0: you owe)."""
    from reciprocity.analytics.pairs import compute_pairs

    _member_table(
        ctx,
        compute_pairs,
        filters={
            "network": network,
            "member": member,
            "month": month,
            "date_from": date_from,
            "date_to": date_to,
        },
        keys=PAIR_KEYS,
        columns=tuple((key, key.replace("_points", "")) for key in PAIR_KEYS),
        as_json=as_json,
        as_csv=as_csv,
        heading="Pairs",
        empty="No exchanges between members in this period.",
        limit=limit,
    )


@app.command("stats")
def stats(
    ctx: typer.Context,
    network: str | None = NETWORK_OPTION,
    month: str | None = MONTH_OPTION,
    date_from: str | None = FROM_OPTION,
    date_to: str | None = TO_OPTION,
    as_of: str | None = typer.Option(
        None,
        "--as-of",
        metavar="DATE",
        help=_("Free riders over the 90 days ending here (default: the period's end, or today)."),
    ),
    as_json: bool = JSON_OPTION,
) -> None:
    """A network at a glance: members, activity, spread of giving, reciprocity, free riders."""
    from reciprocity.analytics.network import compute_stats

    with state(ctx).reading() as session:
        scope, where = _scope(
            session,
            network=network,
            member=None,
            month=month,
            date_from=date_from,
            date_to=date_to,
        )
        day = parse_date(as_of, field="--as-of date") if as_of else None
        result = compute_stats(session=session, scope=scope, as_of=day)
    if as_json:
        print_json(result)
        return
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    table = Table(title=f"{where[0].upper()}{where[1:]}, {scope.label}", title_justify="left")
    table.add_column("figure")
    table.add_column("value")
    for key in STATS_KEYS:
        table.add_row(key.replace("_", " "), Text(_format(key, result[key])))
    Console().print(table)


@app.command("nudges")
def nudges(
    ctx: typer.Context,
    member: str | None = typer.Option(
        None, "--member", help=_("Whose nudges (default: the acting member, --as).")
    ),
    network: str | None = NETWORK_OPTION,
    as_of: str | None = AS_OF_OPTION,
    as_json: bool = JSON_OPTION,
) -> None:
    """What a member should do next: follow-ups due, whom to give back to, asks, one-to-ones."""
    from reciprocity.analytics.nudges import compute_nudges

    run = state(ctx)
    with run.reading() as session:
        member_id = (
            resolve_member(session=session, name=member).id
            if member
            else run.acting_member_id(session)
        )
        if member_id is None:
            raise LedgerError(
                "nudges.no_member",
                "Whose nudges? Pass --member NAME, or act as a member with --as.",
                field="member",
            )
        network_id = resolve_network(session=session, name=network).id if network else None
        day = parse_date(as_of, field="--as-of date") if as_of else date.today()
        rows = compute_nudges(
            session=session, member_id=member_id, network_id=network_id, as_of=day
        )
        whose = get_member(session=session, member_id=member_id).name
    _output(
        rows,
        keys=NUDGE_KEYS,
        columns=(("type", "what"), ("message", "")),
        as_json=as_json,
        as_csv=False,
        title=f"Next steps for {whose}, as of {day.isoformat()}",
        empty="Nothing to do: no follow-ups due, nobody to give back to, no asks, no cold pairs.",
    )
