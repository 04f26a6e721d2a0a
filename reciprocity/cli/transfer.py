"""``import`` and ``export`` commands: CSV files into and out of the ledger.

A thin face over :mod:`reciprocity.ledger.transfer`. It reads no CSV and checks no row
itself. It prints one summary line (or ``--json``); for a rejected file the application
prints every bad row on stderr before the closing sentence and exit code 1.
"""

from collections.abc import Mapping, Sequence
from pathlib import Path

import typer
from sqlmodel import Session

from reciprocity.cli.app import app, print_json, state
from reciprocity.i18n import N_, _, format_number, ngettext
from reciprocity.ledger import transfer
from reciprocity.ledger.networks import resolve_network
from reciprocity.ledger.roles import require_organiser
from reciprocity.ledger.rules import parse_date

import_app = typer.Typer(
    help=_("Import exchanges, members or a whole ledger from CSV (all or nothing)."),
    no_args_is_help=True,
)
export_app = typer.Typer(
    help=_("Export exchanges, members or the whole ledger to CSV."), no_args_is_help=True
)
app.add_typer(import_app, name="import")
app.add_typer(export_app, name="export")

FILE_ARGUMENT = typer.Argument(..., metavar="FILE.csv", help=_("The CSV file."))
DIR_ARGUMENT = typer.Argument(..., metavar="DIR", help=_("The folder of one CSV file per table."))
DRY_RUN_OPTION = typer.Option(
    False, "--dry-run", help=_("Check every row and say what would change; write nothing.")
)
FORCE_OPTION = typer.Option(False, "--force", help=_("Overwrite FILE if it exists."))
JSON_OPTION = typer.Option(False, "--json", help=_("Print the summary as JSON."))
SHARING_OPTION = typer.Option(
    False,
    "--for-sharing",
    help=_("Leave outside contacts' names and details (contact_name, contact_details) empty."),
)
_NAMES_SHOWN = 5


def _require_contacts(session: Session, acting_id: int | None, network_id: int | None) -> None:
    """Outside contacts' details leave the ledger only with an organiser of their networks."""
    require_organiser(
        session=session,
        acting_id=acting_id,
        network_id=network_id,
        doing=N_("export its outside contacts' details; add --for-sharing to leave them out"),
        doing_all=N_(
            "export outside contacts' details of all networks; add --for-sharing to leave them out"
        ),
    )


def _count(number: int, noun: str) -> str:
    return f"{number:,} {noun}{'' if number == 1 else 's'}"


def _names(names: Sequence[str]) -> str:
    shown = ", ".join(names[:_NAMES_SHOWN])
    more = len(names) - _NAMES_SHOWN
    return shown + (f" and {more:,} more" if more > 0 else "")


def _identical(pairs: Sequence[tuple[int, int]]) -> str:
    """The rows a dry run names because they repeat an earlier row cell for cell."""
    listed = "; ".join(
        _("lines {first} and {line}").format(first=first, line=line)
        for first, line in pairs[:_NAMES_SHOWN]
    )
    more = len(pairs) - _NAMES_SHOWN
    if more > 0:
        return _(
            "Identical rows, each added as its own exchange: {pairs} and {count} more."
        ).format(pairs=listed, count=format_number(more))
    return ngettext(
        "Identical rows, both added as their own exchange: {pairs}.",
        "Identical rows, each added as its own exchange: {pairs}.",
        len(pairs),
    ).format(pairs=listed)


def _tables(counts: Mapping[str, int]) -> str:
    return ", ".join(f"{table} {count:,}" for table, count in counts.items())


@import_app.command("exchanges")
def import_exchanges(
    ctx: typer.Context,
    path: str = FILE_ARGUMENT,
    create_members: bool = typer.Option(
        False,
        "--create-members",
        help=_("Add members the file names but the ledger lacks, in that row's network."),
    ),
    allow_similar: bool = typer.Option(
        False,
        "--allow-similar",
        help=_(
            "With --create-members: also add a name that starts or nearly matches a member's name."
        ),
    ),
    dry_run: bool = DRY_RUN_OPTION,
    as_json: bool = JSON_OPTION,
) -> None:
    """Import exchanges; rows whose external_id the ledger has are skipped."""
    run = state(ctx)
    with run.session() as session:
        result = transfer.import_exchanges(
            session=session,
            path=path,
            create_members=create_members,
            allow_similar=allow_similar,
            dry_run=dry_run,
            created_by=run.acting_member_id(session),
        )
    if as_json:
        print_json(result.as_dict())
        return
    new_members = result.members_added
    if result.rows == 0:
        typer.echo(f"{Path(path).name} has a header but no rows; nothing to import.")
    elif dry_run:
        members = (
            f" and {_count(len(new_members), 'new member')} ({_names(new_members)})"
            if new_members
            else ""
        )
        typer.echo(
            f"Checked {_count(result.rows, 'row')}: {_count(result.added, 'exchange')}{members} "
            f"would be added, {result.already_present:,} already present; nothing was written."
        )
        if result.identical_rows:
            typer.echo(_identical(result.identical_rows))
    else:
        members = (
            f" Added {_count(len(new_members), 'new member')}: {_names(new_members)}."
            if new_members
            else ""
        )
        typer.echo(
            f"Imported {_count(result.added, 'exchange')} "
            f"({result.already_present:,} already present).{members}"
        )


@export_app.command("exchanges")
def export_exchanges(
    ctx: typer.Context,
    path: str = FILE_ARGUMENT,
    network: str | None = typer.Option(None, "--network", help=_("Only this network.")),
    date_from: str | None = typer.Option(None, "--from", help=_("First day, YYYY-MM-DD.")),
    date_to: str | None = typer.Option(None, "--to", help=_("Last day, YYYY-MM-DD.")),
    force: bool = FORCE_OPTION,
    for_sharing: bool = SHARING_OPTION,
    as_json: bool = JSON_OPTION,
) -> None:
    """Export exchanges (voided ones too), members and networks by name.

    With --as, outside contacts' details go only to an organiser of the networks exported;
    anyone may export with --for-sharing.
    """
    run = state(ctx)
    with run.reading() as session:
        network_id = resolve_network(session=session, name=network).id if network else None
        if not for_sharing:
            _require_contacts(session, run.acting_member_id(session), network_id)
        count = transfer.export_exchanges(
            session=session,
            path=path,
            network_id=network_id,
            date_from=parse_date(date_from, field="start date") if date_from else None,
            date_to=parse_date(date_to, field="end date") if date_to else None,
            overwrite=force,
            for_sharing=for_sharing,
        )
    if as_json:
        print_json({"file": path, "exchanges": count})
    else:
        typer.echo(f"Exported {_count(count, 'exchange')} to {typer.format_filename(path)}.")


@import_app.command("members")
def import_members(
    ctx: typer.Context,
    path: str = FILE_ARGUMENT,
    dry_run: bool = DRY_RUN_OPTION,
    as_json: bool = JSON_OPTION,
) -> None:
    """Import members: known names are updated and join listed networks, never duplicated.

    With --as, each row may change only what you could change with member add, edit, join
    and deactivate.
    """
    run = state(ctx)
    with run.session() as session:
        result = transfer.import_members(
            session=session,
            path=path,
            dry_run=dry_run,
            acting_id=run.acting_member_id(session),
        )
    if as_json:
        print_json(result.as_dict())
        return
    changes = (
        f"{result.added:,} added, {result.updated:,} updated, {result.unchanged:,} unchanged, "
        f"{_count(result.memberships_added, 'new membership')}"
    )
    if result.rows == 0:
        typer.echo(f"{Path(path).name} has a header but no rows; nothing to import.")
    elif dry_run:
        typer.echo(
            f"Checked {_count(result.rows, 'member')}: {changes} if imported; nothing was written."
        )
    else:
        typer.echo(f"Imported {_count(result.rows, 'member')}: {changes}.")


@export_app.command("members")
def export_members(
    ctx: typer.Context,
    path: str = FILE_ARGUMENT,
    force: bool = FORCE_OPTION,
    as_json: bool = JSON_OPTION,
) -> None:
    """Export every member with the networks they are in now (with --as: an organiser of all)."""
    run = state(ctx)
    with run.reading() as session:
        require_organiser(
            session=session,
            acting_id=run.acting_member_id(session),
            network_id=None,
            doing_all="export every member's details",
        )
        count = transfer.export_members(session=session, path=path, overwrite=force)
    if as_json:
        print_json({"file": path, "members": count})
    else:
        typer.echo(f"Exported {_count(count, 'member')} to {typer.format_filename(path)}.")


@import_app.command("all")
def import_all(
    ctx: typer.Context,
    directory: str = DIR_ARGUMENT,
    dry_run: bool = DRY_RUN_OPTION,
    as_json: bool = JSON_OPTION,
) -> None:
    """Load a whole ledger written by 'export all' into an empty database, ids and all."""
    with state(ctx).session() as session:
        result = transfer.import_all(session=session, directory=directory, dry_run=dry_run)
    if as_json:
        print_json(result.as_dict())
    elif dry_run:
        typer.echo(
            f"Checked {_count(result.rows, 'row')} ({_tables(result.tables)}); all would load. "
            "Nothing was written."
        )
    else:
        typer.echo(f"Imported {_count(result.rows, 'row')}: {_tables(result.tables)}.")


@export_app.command("all")
def export_all(
    ctx: typer.Context,
    directory: str = DIR_ARGUMENT,
    for_sharing: bool = SHARING_OPTION,
    as_json: bool = JSON_OPTION,
) -> None:
    """Write every table, ids and all, to one CSV file each in a new or empty folder.

    With --as, only an organiser of every network exports the whole ledger.
    """
    run = state(ctx)
    with run.reading() as session:
        require_organiser(
            session=session,
            acting_id=run.acting_member_id(session),
            network_id=None,
            doing_all="export the whole ledger",
        )
        result = transfer.export_all(session=session, directory=directory, for_sharing=for_sharing)
    if as_json:
        print_json(result.as_dict())
    else:
        typer.echo(
            f"Exported {_count(result.rows, 'row')} to {typer.format_filename(directory)}: "
            f"{_tables(result.tables)}."
        )
