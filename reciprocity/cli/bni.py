"""BNI on the command line: import BNI Connect's reports, record attendance, visitors and
CEUs, and give PALMS, Traffic Lights and the cross-chapter view back.

A thin face: the ledger imports and checks (:mod:`reciprocity.ledger.transfer`,
:mod:`reciprocity.ledger.attendance` …), the analytics compute; this module resolves
names, reads the options and prints. docs/bni.md describes the mapping and the scoring.
"""

import sys
from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import Any

import typer
from rich import box
from rich.console import Console
from rich.table import Table
from rich.text import Text

from reciprocity.cli.app import JSON_OPTION, app, print_created, print_json, print_rows, state
from reciprocity.cli.transfer import DRY_RUN_OPTION, import_app
from reciprocity.i18n import N_, _, format_day, format_money, format_number, ngettext
from reciprocity.ledger.errors import LedgerError
from reciprocity.ledger.members import resolve_member
from reciprocity.ledger.networks import resolve_network
from reciprocity.ledger.rules import parse_date
from reciprocity.ledger.slips import choose_period

NETWORK_REQUIRED = typer.Option(..., "--network", help=_("The chapter (network)."))
WEEK_OPTION = typer.Option(
    None, "--week-of", metavar="DATE", help=_("The week (Monday to Sunday) holding DATE.")
)
FROM_OPTION = typer.Option(None, "--from", metavar="DATE", help=_("First day, inclusive."))
TO_OPTION = typer.Option(None, "--to", metavar="DATE", help=_("Last day, inclusive."))
MONTH_OPTION = typer.Option(None, "--month", metavar="YYYY-MM", help=_("One calendar month."))
CREATE_OPTION = typer.Option(
    False,
    "--create-members",
    help=_("Add people the report names but the ledger lacks (and other chapters' networks)."),
)

WORDS = {
    "present": N_("present"),
    "absent": N_("absent"),
    "late": N_("late"),
    "medical": N_("medical"),
    "substitute": N_("substitute"),
    "green": N_("green"),
    "yellow": N_("yellow"),
    "red": N_("red"),
    "grey": N_("grey"),
}
"""Attendance statuses and lights as people read them (JSON keeps the English values)."""

visitor_app = typer.Typer(help=_("Record and list visitors members bring."), no_args_is_help=True)
ceu_app = typer.Typer(help=_("Record and list CEU credits."), no_args_is_help=True)
app.add_typer(visitor_app, name="visitor")
app.add_typer(ceu_app, name="ceu")


def _day(text: str | None, field: str) -> date | None:
    return parse_date(text, field=field) if text is not None else None


def _period(
    week: str | None, start: str | None, end: str | None, month: str | None = None
) -> tuple[date, date] | None:
    """The period the options name; ``None`` when none is given."""
    if month is not None:
        from reciprocity.analytics.scope import make_scope

        scope = make_scope(month=month, date_from=start, date_to=end)
        assert scope.start is not None and scope.end is not None
        if week is not None:
            raise LedgerError(
                "period.week_and_month",
                "Give either --week-of or --month, not both.",
                field="period",
            )
        return scope.start, scope.end
    if week is None and start is None and end is None:
        return None
    return choose_period(
        week=_day(week, "week"), start=_day(start, "start date"), end=_day(end, "end date")
    )


def _names(names: Sequence[str]) -> str:
    shown = ", ".join(names[:5])
    more = len(names) - 5
    return shown if more <= 0 else _("{names} and {count} more").format(names=shown, count=more)


# --- imports ----------------------------------------------------------------------------


@import_app.command("bni-slips")
def import_bni_slips(
    ctx: typer.Context,
    paths: list[Path] = typer.Argument(
        ..., metavar="FILE…", help=_("Slips Audit Reports (.xls from BNI Connect, .xlsx or .csv).")
    ),
    network: str = NETWORK_REQUIRED,
    week: str | None = WEEK_OPTION,
    date_from: str | None = FROM_OPTION,
    date_to: str | None = TO_OPTION,
    create_members: bool = CREATE_OPTION,
    dry_run: bool = DRY_RUN_OPTION,
    as_json: bool = JSON_OPTION,
) -> None:
    """Import BNI Connect Slips Audit Reports of a chapter for a week or a period.

    All or nothing; importing a report again adds nothing. Rows are dated with the
    chapter's meeting in the period, else its first day.
    """
    from reciprocity.ledger.transfer.bni_slips import SLIP_TYPES
    from reciprocity.ledger.transfer.bni_slips import import_bni_slips as run_import

    period = choose_period(
        week=_day(week, "week"), start=_day(date_from, "start date"), end=_day(date_to, "end date")
    )
    run = state(ctx)
    with run.session() as session:
        found = resolve_network(session=session, name=network)
        assert found.id is not None
        result = run_import(
            session=session,
            paths=paths,
            network_id=found.id,
            start=period[0],
            end=period[1],
            create_members=create_members,
            dry_run=dry_run,
            acting_id=run.acting_member_id(session),
        )
    if as_json:
        print_json(result.as_dict())
        return
    lines = [
        (
            _(
                "Checked {count} slips for {network}, dated {day}: {added} would be added, "
                "{present} already present; nothing was written."
            )
            if dry_run
            else _(
                "Imported {added} of {count} slips into {network}, dated {day} "
                "({present} already present)."
            )
        ).format(
            count=format_number(result.rows),
            added=format_number(result.added),
            present=format_number(result.already_present),
            network=result.network,
            day=format_day(result.dated_on),
        )
    ]
    for kind in SLIP_TYPES:
        counts = result.slips[kind]
        if counts["rows"]:
            lines.append(
                (
                    _("  {kind}: {added} would be added, {present} already present")
                    if dry_run
                    else _("  {kind}: {added} added, {present} already present")
                ).format(
                    kind=kind,
                    added=format_number(counts["added"]),
                    present=format_number(counts["already_present"]),
                )
            )
    if result.cross_chapter:
        lines.append(
            ngettext(
                "{count} slip names a person of another chapter.",
                "{count} slips name people of other chapters.",
                result.cross_chapter,
            ).format(count=format_number(result.cross_chapter))
        )
    if result.tyfcb_matched:
        lines.append(
            ngettext(
                "{count} TYFCB closed the referral it thanks for (a won step).",
                "{count} TYFCBs closed the referrals they thank for (won steps).",
                result.tyfcb_matched,
            ).format(count=format_number(result.tyfcb_matched))
        )
    if result.members_added:
        lines.append(_("New members: {names}.").format(names=_names(result.members_added)))
    if result.networks_added:
        lines.append(
            _("New networks for other chapters: {names}.").format(
                names=_names(result.networks_added)
            )
        )
    if result.rows == 0:
        lines = [_("The report has a header but no slips; nothing to import.")]
    typer.echo("\n".join(lines))


@import_app.command("bni-palms")
def import_bni_palms(
    ctx: typer.Context,
    path: Path = typer.Argument(
        ..., metavar="FILE", help=_("A PALMS summary (.xls, .xlsx, .csv).")
    ),
    network: str = NETWORK_REQUIRED,
    week: str | None = WEEK_OPTION,
    date_from: str | None = FROM_OPTION,
    date_to: str | None = TO_OPTION,
    create_members: bool = CREATE_OPTION,
    dry_run: bool = DRY_RUN_OPTION,
    as_json: bool = JSON_OPTION,
) -> None:
    """Keep BNI Connect's PALMS summary as a baseline for the period it covers."""
    from reciprocity.ledger.transfer.bni_palms import import_bni_palms as run_import

    period = choose_period(
        week=_day(week, "week"), start=_day(date_from, "start date"), end=_day(date_to, "end date")
    )
    run = state(ctx)
    with run.session() as session:
        found = resolve_network(session=session, name=network)
        assert found.id is not None
        result = run_import(
            session=session,
            path=path,
            network_id=found.id,
            start=period[0],
            end=period[1],
            create_members=create_members,
            dry_run=dry_run,
            acting_id=run.acting_member_id(session),
        )
    if as_json:
        print_json(result.as_dict())
        return
    sentence = (
        _("Checked BNI's PALMS of {count} members for {start} to {end}; nothing was written.")
        if dry_run
        else _("Kept BNI's PALMS of {count} members for {start} to {end} ({replaced} replaced).")
    )
    typer.echo(
        sentence.format(
            count=format_number(result.rows),
            start=format_day(result.period_start),
            end=format_day(result.period_end),
            replaced=format_number(result.replaced),
        )
    )
    if result.members_added:
        typer.echo(_("New members: {names}.").format(names=_names(result.members_added)))


# --- attendance, visitors, CEUs ---------------------------------------------------------


@app.command("attendance")
def attendance(
    ctx: typer.Context,
    meeting: int = typer.Argument(..., metavar="MEETING", help=_("The meeting's id.")),
    name: str = typer.Argument(..., help=_("The member.")),
    status: str = typer.Argument(
        ..., metavar="STATUS", help=_("present, absent, late, medical or substitute.")
    ),
    as_json: bool = JSON_OPTION,
) -> None:
    """Record how a member attended a meeting (an organiser of its network)."""
    from reciprocity.ledger.attendance import record_attendance_by_name

    run = state(ctx)
    with run.session() as session:
        member, clean = record_attendance_by_name(
            session=session,
            meeting_id=meeting,
            name=name,
            status=status,
            acting_id=run.acting_member_id(session),
        )
    if as_json:
        print_json({"meeting": meeting, "member": member, "status": clean})
    else:
        typer.echo(
            _("Recorded {member} as {status} at meeting #{meeting}.").format(
                member=member, status=_(WORDS[clean]), meeting=meeting
            )
        )


@visitor_app.command("add")
def visitor_add(
    ctx: typer.Context,
    name: str = typer.Argument(..., help=_("The visitor's name.")),
    meeting: int = typer.Option(..., "--meeting", metavar="ID", help=_("The meeting's id.")),
    invited_by: str = typer.Option(..., "--invited-by", help=_("The member who brought them.")),
    company: str | None = typer.Option(None, "--company", help=_("The visitor's company.")),
    as_json: bool = JSON_OPTION,
) -> None:
    """Record a visitor a member brought to a meeting."""
    from reciprocity.ledger.visitors import add_visitor

    run = state(ctx)
    with run.session() as session:
        host = resolve_member(session=session, name=invited_by, field="invited_by")
        assert host.id is not None
        visitor = add_visitor(
            session=session,
            name=name,
            meeting_id=meeting,
            invited_by=host.id,
            company=company,
            acting_id=run.acting_member_id(session),
        )
    print_created(
        [visitor.id],
        as_json=as_json,
        sentence=_("Visitor #{id}: {name}, brought by {host}.").format(
            id=visitor.id, name=visitor.name, host=host.name
        ),
    )


@visitor_app.command("list")
def visitor_list(
    ctx: typer.Context,
    network: str | None = typer.Option(None, "--network", help=_("Only this network.")),
    as_json: bool = JSON_OPTION,
) -> None:
    """List visits, newest first."""
    from reciprocity.ledger.visitors import list_visitors

    with state(ctx).session() as session:
        network_id = resolve_network(session=session, name=network).id if network else None
        rows = list_visitors(session=session, network_id=network_id)
    print_rows(
        rows,
        columns=("id", "visited_on", "name", "company", "invited_by", "network_id"),
        as_json=as_json,
        title=_("Visitors"),
        empty=_("No visitors yet."),
    )


@ceu_app.command("add")
def ceu_add(
    ctx: typer.Context,
    name: str = typer.Argument(..., help=_("The member.")),
    credits: float = typer.Option(..., "--credits", help=_("Credits earned, e.g. 1.")),
    day: str | None = typer.Option(None, "--date", metavar="DATE", help=_("When (default today).")),
    network: str | None = typer.Option(
        None, "--network", help=_("The network they count in (default: the member's one).")
    ),
    as_json: bool = JSON_OPTION,
) -> None:
    """Record CEU credits a member earned (the member or an organiser)."""
    from reciprocity.ledger.ceus import add_ceu

    run = state(ctx)
    with run.session() as session:
        member = resolve_member(session=session, name=name)
        assert member.id is not None
        network_id = resolve_network(session=session, name=network).id if network else None
        made = add_ceu(
            session=session,
            member_id=member.id,
            credits=credits,
            network_id=network_id,
            earned_on=_day(day, "date"),
            acting_id=run.acting_member_id(session),
        )
    print_created(
        [made.id],
        as_json=as_json,
        sentence=ngettext(
            "CEU #{id}: {credits} credit for {name} on {day}.",
            "CEU #{id}: {credits} credits for {name} on {day}.",
            1 if made.credits == 1 else 2,
        ).format(
            id=made.id,
            credits=format_number(made.credits, 2 if made.credits % 1 else 0),
            name=member.name,
            day=format_day(made.earned_on),
        ),
    )


@ceu_app.command("list")
def ceu_list(
    ctx: typer.Context,
    member: str | None = typer.Option(None, "--member", help=_("Only this member.")),
    as_json: bool = JSON_OPTION,
) -> None:
    """List CEU records, newest first."""
    from reciprocity.ledger.ceus import list_ceus

    with state(ctx).session() as session:
        member_id = resolve_member(session=session, name=member).id if member else None
        rows = list_ceus(session=session, member_id=member_id)
    print_rows(
        rows,
        columns=("id", "earned_on", "member_id", "network_id", "credits"),
        as_json=as_json,
        title=_("CEUs"),
        empty=_("No CEUs yet."),
    )


# --- PALMS, Traffic Lights, other chapters ----------------------------------------------


LIGHT_STYLES = {"green": "green", "yellow": "yellow", "red": "red", "grey": "bright_black"}


def _table(
    title: str,
    headings: Sequence[str],
    rows: Sequence[Sequence[Any]],
    *,
    styles: Sequence[str] = (),
) -> None:
    """A Rich table: names on the left (wrapping), figures on the right."""
    table = Table(title=title, title_justify="left", box=box.SIMPLE_HEAD, padding=(0, 1, 0, 0))
    for index, heading in enumerate(headings):
        table.add_column(
            heading, justify="left" if index == 0 else "right", min_width=14 if index == 0 else None
        )
    for number, row in enumerate(rows):
        style = styles[number] if number < len(styles) else ""
        table.add_row(
            *(Text(str(cell), style=style if index == 1 else "") for index, cell in enumerate(row))
        )
    Console().print(table)


ALL_TIME = (date(1, 1, 1), date(9999, 12, 31))


@app.command("palms")
def palms(
    ctx: typer.Context,
    network: str = NETWORK_REQUIRED,
    month: str | None = MONTH_OPTION,
    week: str | None = WEEK_OPTION,
    date_from: str | None = FROM_OPTION,
    date_to: str | None = TO_OPTION,
    others: bool = typer.Option(
        False,
        "--include-other-chapters",
        help=_("Also list people of other chapters who appear in the chapter's slips."),
    ),
    baseline: bool = typer.Option(
        False, "--baseline", help=_("BNI Connect's own PALMS as imported (import bni-palms).")
    ),
    as_json: bool = JSON_OPTION,
    as_csv: bool = typer.Option(False, "--csv", help=_("Print CSV with BNI's own headers.")),
    xlsx: Path | None = typer.Option(
        None, "--xlsx", metavar="FILE", help=_("Write a workbook with BNI's own headers.")
    ),
    force: bool = typer.Option(False, "--force", help=_("Overwrite the --xlsx FILE if it exists.")),
) -> None:
    """PALMS per member from the ledger: P, A, L, M, S, referrals, visitors, 1-2-1s, TYFCB, CEU.

    Without a period: all time.
    """
    from reciprocity.analytics.palms import bni_row, compute_baseline, compute_palms

    if sum((as_json, as_csv, xlsx is not None)) > 1:
        raise LedgerError(
            "output.one_format", "Choose one of --json, --csv and --xlsx.", field=None
        )
    start, end = _period(week, date_from, date_to, month) or ALL_TIME
    run = state(ctx)
    with run.session() as session:
        found = resolve_network(session=session, name=network)
        assert found.id is not None
        acting = run.acting_member_id(session)
        if baseline:
            rows = compute_baseline(
                session=session, network_id=found.id, start=start, end=end, acting_id=acting
            )
        else:
            rows = compute_palms(
                session=session,
                network_id=found.id,
                start=start,
                end=end,
                include_other_chapters=others,
                acting_id=acting,
            )
        currency = found.currency
    if as_json:
        print_json(rows)
        return
    from reciprocity.analytics.keys import PALMS_HEADERS

    if as_csv:
        from reciprocity.reporting.palms import palms_csv

        sys.stdout.write(palms_csv(rows))
        return
    if xlsx is not None:
        from reciprocity.reporting.palms import write_palms_xlsx

        written = write_palms_xlsx(xlsx, rows, overwrite=force)
        typer.echo(
            ngettext(
                "Wrote PALMS of {count} member to {path}.",
                "Wrote PALMS of {count} members to {path}.",
                len(rows),
            ).format(count=format_number(len(rows)), path=written)
        )
        return
    if not rows:
        typer.echo(_("No members to list."))
        return
    shown = []
    for row in rows:
        first, last, *figures = bni_row(row)
        *counts, tyfcb, ceu = figures
        shown.append(
            [
                f"{first} {last}".strip(),
                *(format_number(value) for value in counts),
                format_money(tyfcb, currency, cents=False),
                format_number(ceu, 0 if float(ceu).is_integer() else 2),
            ]
        )
    if (start, end) == ALL_TIME:
        title = (
            _("BNI Connect's PALMS, {network}, all time")
            if baseline
            else _("PALMS, {network}, all time")
        ).format(network=found.name)
    else:
        title = (
            _("BNI Connect's PALMS, {network}, {start} to {end}")
            if baseline
            else _("PALMS, {network}, {start} to {end}")
        ).format(network=found.name, start=format_day(start), end=format_day(end))
    _table(title, [_("Member"), *PALMS_HEADERS[2:]], shown)


@app.command("traffic-lights")
def traffic_lights(
    ctx: typer.Context,
    network: str = NETWORK_REQUIRED,
    as_of: str | None = typer.Option(
        None, "--as-of", metavar="DATE", help=_("The last day of the window (default today).")
    ),
    scoring: Path | None = typer.Option(
        None, "--scoring", metavar="FILE", help=_("A scoring table (TOML) for this run.")
    ),
    print_scoring: bool = typer.Option(
        False, "--print-scoring", help=_("Print the scoring table in force (to copy) and stop.")
    ),
    as_json: bool = JSON_OPTION,
) -> None:
    """Each member's Traffic Light over the scoring table's window (six months by default)."""
    from reciprocity.analytics.traffic_lights import compute_traffic_lights, scoring_text
    from reciprocity.ledger.scoring import read_scoring_file

    table = read_scoring_file(scoring) if scoring is not None else None
    day = _day(as_of, "--as-of date") or date.today()
    run = state(ctx)
    with run.session() as session:
        found = resolve_network(session=session, name=network)
        assert found.id is not None
        if print_scoring:
            typer.echo(scoring_text(session, network_id=found.id, override=table), nl=False)
            return
        rows = compute_traffic_lights(
            session=session,
            network_id=found.id,
            as_of=day,
            scoring=table,
            acting_id=run.acting_member_id(session),
        )
    if as_json:
        print_json(rows)
        return
    if not rows:
        typer.echo(_("No members to list."))
        return
    _table(
        _("Traffic Lights, {network}, as of {day} (scores out of {most})").format(
            network=found.name, day=format_day(day), most=rows[0]["max_score"]
        ),
        [
            _("Member"),
            _("Light"),
            _("Score"),
            "A",
            "L",
            _("Ref/wk"),
            _("V/wk"),
            _("121/wk"),
            _("CEU/wk"),
            "TYFCB",
        ],
        [
            [
                row["member"],
                _(WORDS[row["light"]]),
                format_number(row["score"]),
                format_number(row["absences"]),
                format_number(row["lates"]),
                format_number(row["referrals_per_week"], 2),
                format_number(row["visitors_per_week"], 2),
                format_number(row["one_to_ones_per_week"], 2),
                format_number(row["ceu_per_week"], 2),
                format_money(row["tyfcb"], found.currency, cents=False),
            ]
            for row in rows
        ],
        styles=[LIGHT_STYLES[row["light"]] for row in rows],
    )


@app.command("cross-chapter")
def cross_chapter(
    ctx: typer.Context,
    network: str = NETWORK_REQUIRED,
    month: str | None = MONTH_OPTION,
    week: str | None = WEEK_OPTION,
    date_from: str | None = FROM_OPTION,
    date_to: str | None = TO_OPTION,
    as_json: bool = JSON_OPTION,
) -> None:
    """Which chapters a chapter gives referrals to and takes them from (all time by default)."""
    from reciprocity.analytics.cross_chapter import compute_cross_chapter

    start, end = _period(week, date_from, date_to, month) or ALL_TIME
    run = state(ctx)
    with run.session() as session:
        found = resolve_network(session=session, name=network)
        assert found.id is not None
        rows = compute_cross_chapter(
            session=session,
            network_id=found.id,
            start=start,
            end=end,
            acting_id=run.acting_member_id(session),
        )
    if as_json:
        print_json(rows)
        return
    if not rows:
        typer.echo(_("No slips with people of other chapters in this period."))
        return
    _table(
        _("Other chapters, {network} (out: given by {network}, in: received)").format(
            network=found.name
        ),
        [
            _("Chapter"),
            _("People"),
            _("Refs out"),
            _("Refs in"),
            "1-2-1",
            _("TYFCB out"),
            _("TYFCB in"),
        ],
        [
            [
                row["chapter"],
                format_number(row["people"]),
                format_number(row["referrals_given"]),
                format_number(row["referrals_received"]),
                format_number(row["one_to_ones"]),
                format_money(row["tyfcb_given"], found.currency, cents=False),
                format_money(row["tyfcb_received"], found.currency, cents=False),
            ]
            for row in rows
        ],
    )
