"""``init`` and ``db`` commands: create, upgrade, check and back up the database."""

import typer
from sqlalchemy.engine import make_url

from reciprocity.cli.app import JSON_OPTION, app, print_json, state
from reciprocity.i18n import _
from reciprocity.store.engine import current_revision, display_url

db_app = typer.Typer(help=_("Upgrade, check and back up the database."), no_args_is_help=True)
app.add_typer(db_app, name="db")


def _location(url: str) -> str:
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        return str(parsed.database)
    return display_url(url)


@app.command("init")
def init(ctx: typer.Context) -> None:
    """Create the database (or upgrade it) and print where it is."""
    run = state(ctx)
    engine = run.engine()
    typer.echo(f"Database ready at {_location(run.url)} (schema {current_revision(engine)}).")


@db_app.command("upgrade")
def upgrade(ctx: typer.Context) -> None:
    """Upgrade the schema to this version of Reciprocity (opening does it too)."""
    run = state(ctx)
    engine = run.engine()
    typer.echo(f"Schema is at {current_revision(engine)}: {_location(run.url)}.")


@db_app.command("check")
def check(ctx: typer.Context, as_json: bool = JSON_OPTION) -> None:
    """Check integrity, foreign keys and the ledger's rules; exit 1 on any breach."""
    from reciprocity.ledger.integrity import check_ledger

    run = state(ctx)
    with run.reading() as session:
        problems = check_ledger(session=session)
    if as_json:
        print_json({"ok": not problems, "problems": problems})
    elif problems:
        for problem in problems:
            typer.echo(problem, err=True)
    else:
        typer.echo("The database is sound: integrity, foreign keys and ledger rules all hold.")
    if problems:
        raise typer.Exit(1)


@db_app.command("backup")
def backup(ctx: typer.Context, path: str = typer.Argument(..., help=_("File to write."))) -> None:
    """Copy a SQLite database with the online backup API (safe while others write)."""
    from reciprocity.ledger.integrity import backup_sqlite

    run = state(ctx)
    written = backup_sqlite(engine=run.reader(), path=path)
    typer.echo(
        _("Backed up to {file}; SQLite's integrity check of the copy found no fault.").format(
            file=written
        )
    )
