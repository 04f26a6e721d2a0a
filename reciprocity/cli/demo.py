"""``demo`` command: fill a database with a realistic, deterministic demo ledger."""

import typer
from rich.console import Console
from rich.table import Table

from reciprocity.cli.app import JSON_OPTION, app, print_json, state
from reciprocity.i18n import _
from reciprocity.ledger.demo import DEFAULT_MONTHS, DEFAULT_SEED, create_demo
from reciprocity.ledger.rules import parse_date


@app.command("demo")
def demo(
    ctx: typer.Context,
    members: int | None = typer.Option(
        None,
        "--members",
        help=_(
            "How many members (default 85: a referral club of 35 and an open coffee of 65, "
            "fifteen in both). Over 120 are spread over referral-club chapters of 25-50."
        ),
    ),
    months: int = typer.Option(DEFAULT_MONTHS, "--months", help=_("How many months of history.")),
    seed: int = typer.Option(
        DEFAULT_SEED, "--seed", help=_("The same seed and end date give the same ledger.")
    ),
    exchanges: int | None = typer.Option(
        None, "--exchanges", help=_("How many exchanges (default: grows with members and months).")
    ),
    until: str = typer.Option(
        "today", "--until", help=_("Last day of the history: YYYY-MM-DD or today.")
    ),
    as_json: bool = JSON_OPTION,
) -> None:
    """Fill an empty database with a realistic demo ledger; a database with members is refused."""
    end = parse_date(until, field="end date")
    with state(ctx).session() as session:
        summary = create_demo(
            session=session,
            members=members,
            months=months,
            seed=seed,
            exchanges=exchanges,
            until=end,
        )
    if as_json:
        print_json(summary.as_dict())
        return
    table = Table(title="Demo ledger", title_justify="left")
    table.add_column("table")
    table.add_column("rows", justify="right")
    for name, count in summary.rows.items():
        table.add_row(name, f"{count:,}")
    Console().print(table)
    typer.echo(
        f"History from {summary.start} to {summary.until} (seed {summary.seed}); "
        f'act as the organiser with --as "{summary.organiser}".'
    )
