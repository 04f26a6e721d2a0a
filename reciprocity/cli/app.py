"""The Typer application: global options, the run's workspace, output and error handling.

Global options (``--db``, ``--as``, ``--owner``, ``--demo``, ``--lang``) come before the
subcommand and build one :class:`~reciprocity.ledger.workspace.Workspace` per run; the
engine is opened lazily, so ``--help`` never touches a database. Every user mistake ends
as one sentence on stderr and exit code 1: ledger errors, schema errors, unreachable
databases and Click's own usage errors alike.

Commands are registered lazily: :data:`COMMANDS` names each top-level command, the
modules that define it and its one-line help, so ``reciprocity --help`` lists every
command without importing one, and ``reciprocity log …`` imports ``cli/exchanges.py``
alone. A command module registers its commands on :data:`app` as usual (``@app.command``,
``app.add_typer``); :class:`_Cli` turns them into Click commands when they are first
asked for. This module imports only Typer at load; the database, the ledger and Rich
come in where a function needs them (docs/performance.md, "Start-up").
"""

from __future__ import annotations

import importlib
import json
import os
import sys
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from difflib import get_close_matches
from typing import TYPE_CHECKING, Any

import typer
import typer.main
from typer._click import Command, Context, HelpFormatter
from typer._click.exceptions import NoArgsIsHelpError, NoSuchOption, UsageError
from typer._click.utils import make_default_short_help
from typer.core import TyperGroup
from typer.exceptions import Abort, TyperException

from reciprocity import __version__
from reciprocity.console import choose_early
from reciprocity.i18n import N_, _, format_number

if TYPE_CHECKING:
    from sqlmodel import SQLModel

    from reciprocity.config import Settings
    from reciprocity.ledger.workspace import Workspace

GLOBAL_OPTIONS = frozenset({"--db", "--as", "--owner", "--demo", "--lang"})

COMMANDS: tuple[tuple[str, tuple[str, ...], str], ...] = (
    (
        "attendance",
        ("bni",),
        N_("Record how a member attended a meeting (an organiser of its network)."),
    ),
    (
        "palms",
        ("bni",),
        N_(
            "PALMS per member from the ledger: P, A, L, M, S, referrals, visitors, 1-2-1s, "
            "TYFCB, CEU."
        ),
    ),
    (
        "traffic-lights",
        ("bni",),
        N_("Each member's Traffic Light over the scoring table's window (six months by default)."),
    ),
    (
        "cross-chapter",
        ("bni",),
        N_(
            "Which chapters a chapter gives referrals to and takes them from (all time by default)."
        ),
    ),
    ("init", ("database",), N_("Create the database (or upgrade it) and print where it is.")),
    (
        "demo",
        ("demo",),
        N_(
            "Fill an empty database with a realistic demo ledger; a database with members is "
            "refused."
        ),
    ),
    ("ack", ("exchanges",), N_("Acknowledge a referral you received.")),
    ("followup", ("exchanges",), N_("Move a referral you received one step forward.")),
    (
        "feedback",
        ("exchanges",),
        N_("Rate how the receiver treated a referral you gave (a new rating replaces the old)."),
    ),
    (
        "void",
        ("exchanges",),
        N_("Void a wrong entry; it stays for the audit trail and leaves every metric."),
    ),
    ("one-to-one", ("exchanges",), N_("Record a one-to-one between members A and B.")),
    (
        "exchanges",
        ("exchanges",),
        N_("List exchanges, newest first (voided ones included and marked)."),
    ),
    (
        "show",
        ("exchanges",),
        N_("Show one exchange with its whole story: acknowledgement, steps and feedback."),
    ),
    ("one-to-ones", ("exchanges",), N_("List one-to-ones, newest first.")),
    (
        "balance",
        ("metrics",),
        N_("Gives and takes per member: counts, points, balance, ratio and business value."),
    ),
    (
        "quality",
        ("metrics",),
        N_("Follow-up of the referrals each member received, and the yield of those they gave."),
    ),
    (
        "pairs",
        ("metrics",),
        N_("Who owes whom: points given and received between two members (balance < 0: you owe)."),
    ),
    (
        "stats",
        ("metrics",),
        N_("A network at a glance: members, activity, spread of giving, reciprocity, free riders."),
    ),
    (
        "nudges",
        ("metrics",),
        N_(
            "What a member should do next: follow-ups due, whom to give back to, asks, one-to-ones."
        ),
    ),
    (
        "sign-ins",
        ("signin",),
        N_("The sign-in log, newest first: sign-ins, failures, locks, invitations, sign-outs."),
    ),
    (
        "serve",
        ("signin",),
        N_("Serve the app to the group's browsers, with sign-in (invite members first)."),
    ),
    (
        "worth",
        ("worth",),
        N_("Is it worth it? Each of a member's networks side by side: points, value, hours, cost."),
    ),
    (
        "compare",
        ("worth",),
        N_("Networks side by side, for organisers of several: members, giving, follow-up, money."),
    ),
    (
        "import",
        ("transfer", "bni"),
        N_("Import exchanges, members or a whole ledger from CSV (all or nothing)."),
    ),
    ("export", ("transfer",), N_("Export exchanges, members or the whole ledger to CSV.")),
    ("visitor", ("bni",), N_("Record and list visitors members bring.")),
    ("ceu", ("bni",), N_("Record and list CEU credits.")),
    ("ask", ("board",), N_("Add, list and withdraw asks.")),
    ("offer", ("board",), N_("Add, list and withdraw offers.")),
    ("db", ("database",), N_("Upgrade, check and back up the database.")),
    ("log", ("exchanges",), N_("Log a referral, help or introduction.")),
    (
        "network",
        ("records",),
        N_("Add, edit, list and deactivate networks (the groups that meet)."),
    ),
    (
        "member",
        ("records", "signin"),
        N_("Add, edit, list, deactivate and forget members."),
    ),
    ("meeting", ("records",), N_("Add, edit and list meetings.")),
    (
        "report",
        ("report",),
        N_("Write the organiser's monthly report or a member's personal review."),
    ),
    (
        "membership",
        ("worth",),
        N_("A member's own figures in a network: yearly fee, hours per meeting, other costs."),
    ),
)
"""Every top-level command: its name, the ``reciprocity.cli`` modules that register it (a
group's subcommands may come from several), and its one-line help as ``--help`` lists it
(the first paragraph of the command's own help; a test keeps them equal)."""
_MODULES = {name: modules for name, modules, _help in COMMANDS}


class _Cli(TyperGroup):
    """Loads commands on demand, and turns every user mistake into one sentence on stderr
    and exit code 1.

    A rejected import first lists its bad rows, one ``line N: …`` each, then the sentence.
    """

    def list_commands(self, ctx: Context) -> list[str]:
        return [name for name, _modules, _help in COMMANDS]

    def get_command(self, ctx: Context, cmd_name: str) -> Command | None:
        # Typer builds what is registered when the app runs: a group whose other module
        # was not imported yet (``member`` with ``records`` but not ``signin``) is built
        # again once every one of its modules is in.
        modules = _MODULES.get(cmd_name, ())
        built = cmd_name in self.commands
        if modules and not (built and all(f"reciprocity.cli.{m}" in sys.modules for m in modules)):
            self.commands[cmd_name] = load_command(cmd_name)
        return self.commands.get(cmd_name)

    def resolve_command(
        self, ctx: Context, args: list[str]
    ) -> tuple[str | None, Command | None, list[str]]:
        """As Typer's, with "Did you mean …?" drawn from every command, loaded or not."""
        try:
            return super().resolve_command(ctx, args)
        except UsageError as error:
            matches = get_close_matches(args[0], list(_MODULES)) if args else []
            if matches:
                suggestions = ", ".join(f"{match!r}" for match in matches)
                error.message = f"{error.message.rstrip('.')}. Did you mean {suggestions}?"
            raise

    def format_commands(self, ctx: Context, formatter: HelpFormatter) -> None:
        """The command list from :data:`COMMANDS`, without importing any command."""
        limit = formatter.width - 6 - max(len(name) for name in _MODULES)
        rows = [
            (name, make_default_short_help(_(help_text), limit))
            for name, _modules, help_text in COMMANDS
        ]
        with formatter.section(_("Commands")):
            formatter.write_dl(rows)

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
        except Exception as error:
            _fail_for(error)
        if not standalone_mode:
            return result
        sys.exit(result if isinstance(result, int) else 0)


def _fail(message: str) -> None:
    typer.echo(_("Error: {message}").format(message=message), err=True)
    sys.exit(1)


def _fail_for(error: Exception) -> None:
    """One sentence for a user's mistake or an unusable database or file; anything else
    is a bug and is raised again. (The error types are imported here, when one arrives.)"""
    from sqlalchemy.exc import OperationalError

    from reciprocity.config import SettingsError
    from reciprocity.ledger.errors import ImportRejected, LedgerError
    from reciprocity.store.engine import DatabaseUnavailable, SchemaError

    if isinstance(error, ImportRejected):
        for problem in error.problems:
            typer.echo(problem, err=True)
        _fail(error.summary)
    elif isinstance(error, LedgerError | SchemaError | DatabaseUnavailable | SettingsError):
        _fail(str(error))
    elif isinstance(error, OSError):
        # A file the user named (export target, backup, import source) is unusable.
        reason = error.strerror or str(error)
        _fail(
            _("The file {file} could not be used ({reason}).").format(
                file=error.filename, reason=reason
            )
            if error.filename
            else _("The file could not be used ({reason}).").format(reason=reason)
        )
    elif isinstance(error, OperationalError):
        detail = str(error.orig).strip().splitlines()[0] if error.orig else str(error)
        _fail(
            _("The database could not be used ({detail}); check --db or RECIPROCITY_DB.").format(
                detail=detail
            )
        )
    raise error


def load_command(name: str) -> Command:
    """The Click command for a top-level command of :data:`COMMANDS`, its modules imported."""
    for module in _MODULES[name]:
        importlib.import_module(f"reciprocity.cli.{module}")
    short = app.pretty_exceptions_short
    for command_info in app.registered_commands:
        if command_info.name == name:
            return typer.main.get_command_from_info(
                command_info, pretty_exceptions_short=short, rich_markup_mode=None
            )
    for group_info in app.registered_groups:
        if group_info.name == name:
            return typer.main.get_group_from_info(
                group_info,
                pretty_exceptions_short=short,
                rich_markup_mode=None,
                suggest_commands=True,
            )
    raise LookupError(f"{name} is in COMMANDS but none of {_MODULES[name]} registers it")


app = typer.Typer(
    cls=_Cli,
    help=_("Reciprocity: log referrals, help and introductions; see who gives and who takes."),
    no_args_is_help=False,
    invoke_without_command=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"]},
    suggest_commands=False,  # _Cli suggests from every command, not only the loaded ones
)


def state(ctx: typer.Context) -> Workspace:
    """The run's workspace (database and acting member), set by the global callback."""
    from reciprocity.ledger.workspace import Workspace

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
    from reciprocity.config import load_settings

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
    from reciprocity.config import demo_database_url
    from reciprocity.ledger.workspace import ActingSource, Workspace

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
    from reciprocity.store.tables import stored_columns, table_of

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
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

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
    from reciprocity.ledger.rules import MAX_ID

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
