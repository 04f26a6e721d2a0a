"""The Typer application: global options, the run's state, output and error handling.

Global options (``--db``, ``--as``, ``--demo``) come before the subcommand and build one
:class:`State` per run; the engine is opened lazily, so ``--help`` never touches a
database. Every user mistake ends as one sentence on stderr and exit code 1: ledger
errors, schema errors, unreachable databases and Click's own usage errors alike.
"""

import json
import sys
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

import typer
from rich.console import Console
from rich.table import Table
from rich.text import Text
from sqlalchemy.engine import Engine
from sqlalchemy.exc import OperationalError
from sqlmodel import Session, SQLModel
from typer._click.exceptions import NoArgsIsHelpError, NoSuchOption, UsageError
from typer.core import TyperGroup
from typer.exceptions import Abort, TyperException

from reciprocity import __version__
from reciprocity.config import SettingsError, config_file, demo_database_url, load_settings
from reciprocity.ledger.errors import ImportRejected, LedgerError
from reciprocity.ledger.rules import MAX_ID
from reciprocity.store.engine import DatabaseUnavailable, SchemaError, make_engine
from reciprocity.store.tables import table_of

GLOBAL_OPTIONS = frozenset({"--db", "--as", "--demo"})


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
        try:
            result = super().main(
                args, prog_name, complete_var, False, windows_expand_args, **extra
            )
        except NoArgsIsHelpError as error:
            typer.echo(error.format_message())
            result = 0
        except Abort:
            _fail("Aborted.")
        except TyperException as error:
            message = error.format_message().strip()
            if not message.endswith((".", "?")):
                message += "."
            if isinstance(error, NoSuchOption) and error.option_name in GLOBAL_OPTIONS:
                message = (
                    f"{error.option_name} is a global option; put it before the command, "
                    f"as in: reciprocity {error.option_name} … exchanges."
                )
            hint = " See --help." if isinstance(error, UsageError) else ""
            _fail(message + hint)
        except ImportRejected as rejected:
            for problem in rejected.problems:
                typer.echo(problem, err=True)
            _fail(rejected.summary)
        except (LedgerError, SchemaError, DatabaseUnavailable, SettingsError) as error:
            _fail(str(error))
        except OSError as error:
            # A file the user named (export target, backup, import source) is unusable.
            where = f" {error.filename}" if error.filename else ""
            _fail(f"The file{where} could not be used ({error.strerror or error}).")
        except OperationalError as error:
            detail = str(error.orig).strip().splitlines()[0] if error.orig else str(error)
            _fail(f"The database could not be used ({detail}); check --db or RECIPROCITY_DB.")
        if not standalone_mode:
            return result
        sys.exit(result if isinstance(result, int) else 0)


def _fail(message: str) -> None:
    typer.echo(f"Error: {message}", err=True)
    sys.exit(1)


app = typer.Typer(
    cls=_Cli,
    help="Reciprocity: log referrals, help and introductions; see who gives and who takes.",
    no_args_is_help=False,
    invoke_without_command=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"]},
)


@dataclass
class State:
    """What one run of the command line works with: a database and who is acting."""

    url: str
    acting_name: str | None = None
    demo: bool = False
    default_location: bool = False
    acting_given: bool = False
    _engine: Engine | None = field(default=None, repr=False)
    _acting_id: int | None = field(default=None, repr=False)

    def engine(self) -> Engine:
        """The migrated engine, opened on first use (and seeded on first use of ``--demo``).

        A mistyped ``--as`` stops every command here, not only those that record a writer.
        (A member named in the settings is checked only where it is used, so a new, empty
        database can still be filled.)
        """
        if self._engine is None:
            engine = make_engine(self.url, create_folder=self.default_location)
            with Session(engine) as session:
                if self.demo:
                    from reciprocity.ledger.demo import ensure_demo_data

                    ensure_demo_data(session=session)
                if self.acting_name and self.acting_given:
                    from reciprocity.ledger.members import resolve_member

                    self._acting_id = resolve_member(session=session, name=self.acting_name).id
            self._engine = engine
        return self._engine

    @contextmanager
    def session(self) -> Iterator[Session]:
        """One unit of work."""
        with Session(self.engine(), expire_on_commit=False) as session:
            yield session

    def acting_member_id(self, session: Session) -> int | None:
        """The member the command acts as: ``--as`` (or the settings), else the demo organiser."""
        from reciprocity.ledger.members import resolve_member

        if self._acting_id is not None:
            return self._acting_id
        if self.acting_name:
            try:
                return resolve_member(session=session, name=self.acting_name).id
            except LedgerError as error:
                if self.acting_given:
                    raise
                raise LedgerError(
                    f"The acting member '{self.acting_name}' set in RECIPROCITY_AS or "
                    f"{config_file()} is not in this ledger ({error.message.rstrip('.')}); "
                    "fix the setting or pass --as."
                ) from None
        if self.demo:
            from reciprocity.ledger.demo import demo_organiser

            organiser = demo_organiser(session=session)
            return organiser.id if organiser else None
        return None


def state(ctx: typer.Context) -> State:
    """The run's state, set by the global callback."""
    obj = ctx.find_root().obj
    assert isinstance(obj, State)
    return obj


@app.callback()
def _global_options(
    ctx: typer.Context,
    db: str | None = typer.Option(
        None,
        "--db",
        help="Database URL (sqlite:///… or postgresql+psycopg://…); env RECIPROCITY_DB.",
    ),
    acting_as: str | None = typer.Option(
        None, "--as", help="Act as this member; env RECIPROCITY_AS."
    ),
    demo: bool = typer.Option(
        False,
        "--demo",
        help="Use the demo database (seeded on first use) as the referral club's organiser.",
    ),
    version: bool = typer.Option(False, "--version", help="Print the version and exit."),
) -> None:
    """Reciprocity: log referrals, help and introductions; see who gives and who takes."""
    if version:
        typer.echo(f"reciprocity {__version__}")
        raise typer.Exit()
    if demo:
        # The demo never touches a configured database, and acts as its organiser
        # unless --as says otherwise: settings from the environment or file do not apply.
        if db:
            _fail("--demo uses its own database; leave out --db.")
        ctx.obj = State(
            url=demo_database_url(),
            acting_name=acting_as,
            acting_given=acting_as is not None,
            demo=True,
            default_location=True,
        )
    else:
        overrides: dict[str, Any] = {}
        if db:
            overrides["db"] = db
        if acting_as:
            overrides["acting_member"] = acting_as
        settings = load_settings(**overrides)
        ctx.obj = State(
            url=settings.database_url(),
            acting_name=settings.acting_member,
            acting_given=acting_as is not None,
            default_location=settings.db is None,
        )
    if ctx.invoked_subcommand is None:
        if not _has_terminal():
            # No terminal to draw on (a pipe, a script, a test): help and how to open the TUI.
            typer.echo(ctx.get_help())
            typer.echo("\nRun `reciprocity` in a terminal to open the interactive app.")
            raise typer.Exit()
        from reciprocity.tui import run_app

        run_app(ctx.obj)
        raise typer.Exit()


def _has_terminal() -> bool:
    """Whether bare ``reciprocity`` can draw the TUI: both ends are a terminal."""
    return sys.stdin.isatty() and sys.stdout.isatty()


def _json_default(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    raise TypeError(f"{type(value).__name__} is not JSON serialisable")


def as_dict(record: SQLModel | dict[str, Any]) -> dict[str, Any]:
    """A row as a plain dict of its columns, in the table's column order."""
    if isinstance(record, dict):
        return record
    columns = table_of(type(record)).columns.keys()
    return {column: getattr(record, column) for column in columns}


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
        return "yes" if value else "no"
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, float):
        return f"{value:,.2f}"
    if isinstance(value, dict):
        return ", ".join(f"{k} {v}" for k, v in value.items())
    return str(value)


_HEADERS = {"occurred_on": "date", "held_on": "date", "answered_by": "by exchange"}
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
        table.add_column(_HEADERS.get(column, column.replace("_", " ")), no_wrap=column in _WHOLE)
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


JSON_OPTION = typer.Option(False, "--json", help="Print JSON instead of a table.")


def _valid_id(value: int | None) -> int | None:
    if value is not None and not 1 <= value <= MAX_ID:
        raise typer.BadParameter(f"{value} is not an id; ids run from 1 to {MAX_ID:,}")
    return value


def id_argument(help: str = "The id, as the lists show it.") -> Any:
    """A positional row id."""
    return typer.Argument(..., metavar="ID", help=help, callback=_valid_id)


def id_option(flag: str, help: str) -> Any:
    """An optional row id given as ``flag``."""
    return typer.Option(None, flag, metavar="ID", help=help, callback=_valid_id)


def main() -> None:
    """Console-script entry point."""
    app()
