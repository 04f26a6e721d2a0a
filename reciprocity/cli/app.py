"""The Typer application: global options, the run's workspace, output and error handling.

Global options (``--db``, ``--as``, ``--owner``, ``--demo``, ``--lang``) come before the
subcommand and build one :class:`~reciprocity.ledger.workspace.Workspace` per run; the
engine is opened lazily, so ``--help`` never touches a database. Every user mistake ends
as one sentence on stderr and exit code 1: ledger errors, schema errors, unreachable
databases and Click's own usage errors alike.
"""

import json
import os
import sys
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from typing import Any

import typer
from rich.console import Console
from rich.table import Table
from rich.text import Text
from sqlalchemy.exc import OperationalError
from sqlmodel import SQLModel
from typer._click.exceptions import NoArgsIsHelpError, NoSuchOption, UsageError
from typer.core import TyperGroup
from typer.exceptions import Abort, TyperException

from reciprocity import __version__
from reciprocity.config import Settings, SettingsError, demo_database_url, load_settings
from reciprocity.console import choose_early
from reciprocity.i18n import N_, _, format_number
from reciprocity.ledger.errors import ImportRejected, LedgerError
from reciprocity.ledger.rules import MAX_ID
from reciprocity.ledger.workspace import ActingSource, Workspace
from reciprocity.store.engine import DatabaseUnavailable, SchemaError
from reciprocity.store.tables import stored_columns, table_of

GLOBAL_OPTIONS = frozenset({"--db", "--as", "--owner", "--demo", "--lang"})


class _Cli(TyperGroup):
    """Turns every user mistake into one sentence on stderr and exit code 1.

    A rejected import first lists its bad rows, one ``line N: …`` each, then the sentence.
    """

    def main(
        self,
        args: Sequence[str] | None = None,
        prog_name: str | None = None,
        complete_var: str | None = None,
        standalone_mode: bool = True,
        windows_expand_args: bool = True,
        **extra: Any,
    ) -> Any:
        # Click's own usage errors come before the global options are read: speak the
        # run's language from the start (the global callback sets it again, or reports it).
        choose_early(sys.argv[1:] if args is None else args)
        try:
            result = super().main(
                args, prog_name, complete_var, False, windows_expand_args, **extra
            )
        except NoArgsIsHelpError as error:
            typer.echo(error.format_message())
            result = 0
        except Abort:
            _fail(_("Aborted."))
        except TyperException as error:
            message = error.format_message().strip()
            if not message.endswith((".", "?")):
                message += "."
            if isinstance(error, NoSuchOption) and error.option_name in GLOBAL_OPTIONS:
                message = _(
                    "{option} is a global option; put it before the command, "
                    "as in: reciprocity {option} … exchanges."
                ).format(option=error.option_name)
            if isinstance(error, UsageError):
                message = _("{message} See --help.").format(message=message)
            _fail(message)
        except ImportRejected as rejected:
            for problem in rejected.problems:
                typer.echo(problem, err=True)
            _fail(rejected.summary)
        except (LedgerError, SchemaError, DatabaseUnavailable, SettingsError) as error:
            _fail(str(error))
        except OSError as error:
            # A file the user named (export target, backup, import source) is unusable.
            reason = error.strerror or str(error)
            _fail(
                _("The file {file} could not be used ({reason}).").format(
                    file=error.filename, reason=reason
                )
                if error.filename
                else _("The file could not be used ({reason}).").format(reason=reason)
            )
        except OperationalError as error:
            detail = str(error.orig).strip().splitlines()[0] if error.orig else str(error)
            _fail(
                _(
                    "The database could not be used ({detail}); check --db or RECIPROCITY_DB."
                ).format(detail=detail)
            )
        if not standalone_mode:
            return result
        sys.exit(result if isinstance(result, int) else 0)


def _fail(message: str) -> None:
    typer.echo(_("Error: {message}").format(message=message), err=True)
    sys.exit(1)


app = typer.Typer(
    cls=_Cli,
    help=_("Reciprocity: log referrals, help and introductions; see who gives and who takes."),
    no_args_is_help=False,
    invoke_without_command=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"]},
)


def state(ctx: typer.Context) -> Workspace:
    """The run's workspace (database and acting member), set by the global callback."""
    obj = ctx.find_root().obj
    assert isinstance(obj, Workspace)
    return obj


@app.callback()
def _global_options(
    ctx: typer.Context,
    db: str | None = typer.Option(
        None,
        "--db",
        help=_("Database URL (sqlite:///… or postgresql+psycopg://…); env RECIPROCITY_DB."),
    ),
    acting_as: str | None = typer.Option(
        None, "--as", help=_("Act as this member; env RECIPROCITY_AS.")
    ),
    owner: bool = typer.Option(
        False, "--owner", help=_("Act as the ledger's owner, even where a member is saved.")
    ),
    demo: bool = typer.Option(
        False,
        "--demo",
        help=_("Use the demo database (seeded on first use) as the referral club's organiser."),
    ),
    lang: str | None = typer.Option(
        None, "--lang", help=_("Language: en or nl; env RECIPROCITY_LANG.")
    ),
    version: bool = typer.Option(False, "--version", help=_("Print the version and exit.")),
) -> None:
    """Reciprocity: log referrals, help and introductions; see who gives and who takes."""
    if version:
        typer.echo(f"reciprocity {__version__}")
        raise typer.Exit()
    if acting_as is not None and not acting_as.strip():
        _fail(_("--as needs a member's name; to act as the ledger's owner, pass --owner."))
    if owner and acting_as is not None:
        _fail(_("Pass either --as NAME or --owner, not both."))
    if demo and db:
        # The demo never touches a configured database.
        _fail(_("--demo uses its own database; leave out --db."))
    overrides: dict[str, Any] = {"db": db} if db else {}
    settings = load_settings(**overrides)
    _choose_language(lang, settings.lang)
    ctx.obj = _workspace(settings, acting_as=acting_as, owner=owner, demo=demo)
    # The run's connections close with it, also when the CLI runs inside another process.
    ctx.call_on_close(ctx.obj.dispose)
    if ctx.invoked_subcommand is None:
        if not _has_terminal():
            # No terminal to draw on (a pipe, a script, a test): help and how to open the TUI.
            typer.echo(ctx.get_help())
            typer.echo("\n" + _("Run `reciprocity` in a terminal to open the interactive app."))
            raise typer.Exit()
        from reciprocity.tui import run_app

        run_app(ctx.obj)
        raise typer.Exit()


def _choose_language(explicit: str | None, setting: str | None) -> None:
    from reciprocity.i18n import LANGUAGES, choose_language, set_language

    try:
        set_language(choose_language(explicit, setting))
    except ValueError as error:
        _fail(
            _("The language '{code}' is not one of: {choices}.").format(
                code=error, choices=", ".join(LANGUAGES)
            )
        )


def _workspace(settings: Settings, *, acting_as: str | None, owner: bool, demo: bool) -> Workspace:
    """Who acts, by the order in :mod:`reciprocity.ledger.workspace`."""
    if demo:
        # The demo acts as its organiser unless --as says otherwise: settings from the
        # environment or file do not apply to it.
        source = ActingSource.OPTION if acting_as else ActingSource.DEMO
        return Workspace(
            url=demo_database_url(),
            acting_name=acting_as,
            source=ActingSource.OWNER if owner else source,
            demo=True,
            default_location=True,
        )
    url = settings.database_url()
    workspace = Workspace(url=url, default_location=settings.db is None)
    if owner:
        workspace.source = ActingSource.OWNER
    elif acting_as:
        workspace.acting_name, workspace.source = acting_as, ActingSource.OPTION
    elif os.environ.get("RECIPROCITY_AS"):
        workspace.acting_name = settings.acting_member
        workspace.source = ActingSource.ENVIRONMENT
    elif (saved := settings.saved_member(url)) is not None:
        workspace.acting_name, workspace.source = saved, ActingSource.SAVED
    elif settings.acting_member:
        workspace.acting_name, workspace.source = settings.acting_member, ActingSource.SETTING
    return workspace


def _has_terminal() -> bool:
    """Whether bare ``reciprocity`` can draw the TUI: both ends are a terminal."""
    return sys.stdin.isatty() and sys.stdout.isatty()


def _json_default(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    raise TypeError(f"{type(value).__name__} is not JSON serialisable")


def as_dict(record: SQLModel | dict[str, Any]) -> dict[str, Any]:
    """A row as a plain dict of its columns, in the table's column order (derived columns,
    such as a name's key, left out)."""
    if isinstance(record, dict):
        return record
    columns = stored_columns(table_of(type(record)))
    return {column.name: getattr(record, column.name) for column in columns}


def print_json(data: Any) -> None:
    """Machine-readable output with stable keys."""
    typer.echo(json.dumps(data, default=_json_default, ensure_ascii=False, indent=2))


def print_json_stream(rows: Iterable[dict[str, Any]]) -> None:
    """A JSON list written row by row, so a million rows never sit in memory at once."""
    out = sys.stdout
    out.write("[")
    for index, row in enumerate(rows):
        out.write(",\n" if index else "\n")
        out.write(json.dumps(row, default=_json_default, ensure_ascii=False))
    out.write("\n]\n")


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, float):
        return f"{value:,.2f}"
    if isinstance(value, dict):
        return ", ".join(f"{k} {v}" for k, v in value.items())
    return str(value)


_HEADERS = {
    "occurred_on": N_("date"),
    "held_on": N_("date"),
    "answered_by": N_("by exchange"),
    "created_at": N_("created at"),
    "member_a": N_("member a"),
    "member_b": N_("member b"),
    "sla_days": N_("sla days"),
    "network_id": N_("network id"),
    "member_id": N_("member id"),
    "visited_on": N_("visited on"),
    "invited_by": N_("invited by"),
    "earned_on": N_("earned on"),
    "id": N_("id"),
    "kind": N_("kind"),
    "giver": N_("giver"),
    "receiver": N_("receiver"),
    "network": N_("network"),
    "summary": N_("summary"),
    "status": N_("status"),
    "value": N_("value"),
    "business": N_("business"),
    "note": N_("note"),
    "name": N_("name"),
    "company": N_("company"),
    "category": N_("category"),
    "email": N_("email"),
    "phone": N_("phone"),
    "active": N_("active"),
    "weights": N_("weights"),
    "fee": N_("fee"),
    "currency": N_("currency"),
    "title": N_("title"),
    "member": N_("member"),
    "topic": N_("topic"),
    "credits": N_("credits"),
    "at": N_("at"),
    "event": N_("event"),
    "by": N_("by"),
}
"""A list's column headers, in the active language (``--json`` keeps the column names)."""
_WHOLE = frozenset({"id", "occurred_on", "held_on", "kind", "status", "created_at", "sla_days"})


def print_rows(
    rows: Sequence[SQLModel | dict[str, Any]],
    *,
    columns: Sequence[str],
    as_json: bool,
    title: str,
    empty: str,
    footer: str | None = None,
) -> None:
    """A list: JSON with every column under ``--json``, else a Rich table of ``columns``.

    Ids, dates and kinds stay on one line; names and free text wrap to fit the terminal.
    """
    dicts = [as_dict(row) for row in rows]
    if as_json:
        print_json(dicts)
        return
    if not dicts:
        typer.echo(empty)
        return
    table = Table(title=title, title_justify="left", caption=footer, caption_justify="left")
    for column in columns:
        header = _HEADERS.get(column, column.replace("_", " "))
        table.add_column(_(header), no_wrap=column in _WHOLE)
    for row in dicts:
        # Text, not str: user data such as "[voided]" or "[bold]" must not be read as markup.
        table.add_row(*(Text(_cell(row.get(column))) for column in columns))
    Console().print(table)


def print_created(ids: Sequence[int | None], *, as_json: bool, sentence: str) -> None:
    """What a ``log`` or ``add`` command made: ``{"id": N}`` / ``{"ids": [...]}`` or a sentence."""
    if as_json:
        print_json({"id": ids[0]} if len(ids) == 1 else {"ids": list(ids)})
    else:
        typer.echo(sentence)


JSON_OPTION = typer.Option(False, "--json", help=_("Print JSON instead of a table."))


def _valid_id(value: int | None) -> int | None:
    if value is not None and not 1 <= value <= MAX_ID:
        raise typer.BadParameter(
            _("{value} is not an id; ids run from 1 to {limit}").format(
                value=value, limit=format_number(MAX_ID)
            )
        )
    return value


def id_argument(help: str = _("The id, as the lists show it.")) -> Any:
    """A positional row id."""
    return typer.Argument(..., metavar="ID", help=help, callback=_valid_id)


def id_option(flag: str, help: str) -> Any:
    """An optional row id given as ``flag``."""
    return typer.Option(None, flag, metavar="ID", help=help, callback=_valid_id)


def main() -> None:
    """Console-script entry point."""
    app()
