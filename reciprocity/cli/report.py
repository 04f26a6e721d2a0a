"""``report monthly``, ``report member`` and ``report region``: the organiser's month, a
member's review and an organiser's networks side by side.

A thin face over :mod:`reciprocity.reporting`: it resolves names, parses the options,
hands the acting member to the report (which checks the role itself: an organiser of the
network, or the member themself for a review) and prints the files written. matplotlib,
openpyxl, Jinja2 and pandas load inside the commands, so ``reciprocity --help`` stays
fast. While a report is written, ``SIGTERM`` ends it as an interruption does: the
temporary folder and the workers go, and the folder named by ``--out`` is as it was.
"""

import contextlib
import signal
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from types import FrameType

import typer

from reciprocity.cli.app import app, print_json, state
from reciprocity.i18n import _
from reciprocity.ledger.errors import LedgerError
from reciprocity.ledger.members import resolve_member
from reciprocity.ledger.networks import resolve_network
from reciprocity.ledger.rules import parse_date

report_app = typer.Typer(
    help=_("Write the organiser's monthly report or a member's personal review."),
    no_args_is_help=True,
)
app.add_typer(report_app, name="report")

OUT_OPTION = typer.Option(
    ...,
    "--out",
    metavar="DIR",
    help=_("The folder to write into: new or empty (with --force, one holding a report)."),
)
FORCE_OPTION = typer.Option(
    False, "--force", help=_("Replace the report already in the --out folder.")
)
JSON_OPTION = typer.Option(False, "--json", help=_("Print the files written as JSON."))
QUIET_OPTION = typer.Option(False, "--quiet", "-q", help=_("Do not print each step."))


def _done(paths: list[Path], *, as_json: bool) -> None:
    if as_json:
        print_json([str(path) for path in paths])
        return
    for path in paths:
        typer.echo(str(path))


def _progress(quiet: bool, as_json: bool) -> Callable[[str], None] | None:
    if quiet or as_json:
        return None
    return lambda step: typer.echo(f"… {step}", err=True)


@contextlib.contextmanager
def _terminated_as_interrupt() -> Iterator[None]:
    """``SIGTERM`` raises ``KeyboardInterrupt`` here, so the report cleans up as for ctrl+c."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def interrupt(_signal: int, _frame: FrameType | None) -> None:
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGTERM, interrupt)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


@report_app.command("monthly")
def monthly(
    ctx: typer.Context,
    network: str | None = typer.Option(
        None, "--network", help=_("The network (default: every network, the national view).")
    ),
    month: str = typer.Option(..., "--month", metavar="YYYY-MM", help=_("The calendar month.")),
    audience: str = typer.Option(
        "chapter",
        "--audience",
        metavar="WHO",
        help=_(
            "chapter (the whole group, safe to forward) or leadership (adds the notes for "
            "a private word; every page says so)."
        ),
    ),
    out: str = OUT_OPTION,
    force: bool = FORCE_OPTION,
    formats: str = typer.Option(
        "pdf,html,xlsx,csv,png",
        "--format",
        metavar="LIST",
        help=_("Comma-separated: pdf, html, xlsx, csv, png (default: all)."),
    ),
    as_json: bool = JSON_OPTION,
    quiet: bool = QUIET_OPTION,
) -> None:
    """The monthly report: PDF, HTML, XLSX, CSV tables and PNG charts in one folder."""
    from reciprocity.reporting.monthly import write_monthly_report

    run = state(ctx)
    with run.session() as session, _terminated_as_interrupt():
        network_id = resolve_network(session=session, name=network).id if network else None
        paths = write_monthly_report(
            session=session,
            network_id=network_id,
            month=month,
            out_dir=out,
            acting_id=run.acting_member_id(session),
            audience=audience,
            formats=[formats],
            force=force,
            progress=_progress(quiet, as_json),
        )
    _done(paths, as_json=as_json)


@report_app.command("member")
def member(
    ctx: typer.Context,
    name: str = typer.Argument(..., metavar="NAME", help=_("The member, by name.")),
    network: str | None = typer.Option(None, "--network", help=_("Only this network.")),
    date_from: str | None = typer.Option(
        None,
        "--from",
        metavar="DATE",
        help=_("First day (default: the 1st of the 12 calendar months ending with --to)."),
    ),
    date_to: str | None = typer.Option(
        None, "--to", metavar="DATE", help=_("Last day (default: today).")
    ),
    out: str = OUT_OPTION,
    force: bool = FORCE_OPTION,
    as_json: bool = JSON_OPTION,
    quiet: bool = QUIET_OPTION,
) -> None:
    """A member's personal review (PDF and HTML): balance, debts, follow-up, nudges."""
    from reciprocity.reporting.member import write_member_review

    run = state(ctx)
    with run.session() as session, _terminated_as_interrupt():
        member_id = resolve_member(session=session, name=name).id
        if member_id is None:
            raise LedgerError(
                "member.not_found_name", "There is no member '{name}'.", field="member", name=name
            )
        network_id = resolve_network(session=session, name=network).id if network else None
        paths = write_member_review(
            session=session,
            member_id=member_id,
            network_id=network_id,
            start=parse_date(date_from, field="--from date") if date_from else None,
            end=parse_date(date_to, field="--to date") if date_to else None,
            out_dir=out,
            acting_id=run.acting_member_id(session),
            force=force,
            progress=_progress(quiet, as_json),
        )
    _done(paths, as_json=as_json)


@report_app.command("region")
def region(
    ctx: typer.Context,
    network: list[str] = typer.Option(
        [],
        "--network",
        help=_("A network to include (repeat it; default: every network you organise)."),
    ),
    month: str | None = typer.Option(None, "--month", metavar="YYYY-MM", help=_("One month.")),
    date_from: str | None = typer.Option(
        None, "--from", metavar="DATE", help=_("First day (default: 12 months to --to).")
    ),
    date_to: str | None = typer.Option(
        None, "--to", metavar="DATE", help=_("Last day (default: today).")
    ),
    out: Path = OUT_OPTION,
    as_json: bool = JSON_OPTION,
    quiet: bool = QUIET_OPTION,
) -> None:
    """Networks side by side (PDF and HTML), for organisers of several: one chart per measure."""
    from reciprocity.analytics.scope import make_scope
    from reciprocity.reporting.region import write_region_report

    run = state(ctx)
    scope = make_scope(month=month, date_from=date_from, date_to=date_to)
    with run.session() as session:
        ids = [resolve_network(session=session, name=name).id for name in network]
        paths = write_region_report(
            session=session,
            network_ids=[int(i) for i in ids if i is not None] or None,
            start=scope.start,
            end=scope.end,
            out_dir=out,
            acting_id=run.acting_member_id(session),
            progress=_progress(quiet, as_json),
        )
    _done(paths, as_json=as_json)
