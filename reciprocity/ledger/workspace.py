"""The workspace: one database and who acts on it, the same object under every face.

The command line builds one per run from its global options; the terminal app is handed
that very object; a served session builds one whose acting member is whoever signed in.
It opens the engine lazily (``--help`` never touches a database), hands out one session
per unit of work, and answers "who is acting?":

1. ``--owner``: the ledger's owner, explicitly, whatever is saved;
2. ``--as NAME`` (or ``RECIPROCITY_AS``): that member;
3. ``--demo``: the demo referral club's organiser;
4. the member saved for this database by the app's "who are you?";
5. a top-level ``acting_member`` in ``config.toml`` (every database);
6. nobody: the ledger's owner. (The terminal app asks instead; a served app never acts
   as the owner, it signs a member in.)

It never holds a session: each unit of work opens one and closes it.
"""

import shlex
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING

from reciprocity.ledger.errors import LedgerError

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine
    from sqlmodel import Session

    from reciprocity.store.types import StoredValueError


class ActingSource(StrEnum):
    """Where the acting member's name came from; it decides how a bad name is explained."""

    OPTION = "option"
    ENVIRONMENT = "environment"
    SAVED = "saved"
    SETTING = "setting"
    OWNER = "owner"
    DEMO = "demo"
    SIGNED_IN = "signed in"
    NONE = "none"


@dataclass
class Workspace:
    """A database URL and who acts on it.

    ``acting_name`` is the name to act as (``None``: see the module's order); ``source``
    says where it came from. ``default_location`` is true for the embedded database in the
    user data folder, whose folder is created on first use (a mistyped ``--db`` path's
    folder is not).
    """

    url: str
    acting_name: str | None = None
    source: ActingSource = ActingSource.NONE
    demo: bool = False
    default_location: bool = False
    served: bool = False
    _engine: "Engine | None" = field(default=None, repr=False)
    _reader: "Engine | None" = field(default=None, repr=False)
    _acting_id: int | None = field(default=None, repr=False)

    # -- the database ---------------------------------------------------------------------

    def engine(self) -> "Engine":
        """The migrated engine, opened on first use (and seeded on first use of the demo).

        A mistyped ``--as`` stops every command here, not only those that record a writer.
        (A member saved or named in the settings is checked only where it is used, so a
        new, empty database can still be filled.)
        """
        if self._engine is None:
            self._engine = self._open(read_only=False)
        return self._engine

    def reader(self) -> "Engine":
        """An engine that only reads, for commands that only read.

        It never writes to the database, never creates one, and works on read-only media
        (see :func:`~reciprocity.store.engine.make_engine`). The demo database is ours
        and made on first use, so it is opened as usual.
        """
        if self.demo or self._engine is not None:
            return self.engine()
        if self._reader is None:
            self._reader = self._open(read_only=True)
        return self._reader

    def _open(self, *, read_only: bool) -> "Engine":
        from sqlmodel import Session

        from reciprocity.store.engine import make_engine

        engine = make_engine(
            self.url,
            create_folder=self.default_location,
            read_only=read_only,
            init_command=self.command("init"),
        )
        with Session(engine) as session:
            if self.demo:
                from reciprocity.ledger.demo import ensure_demo_data

                ensure_demo_data(session=session)
            if self.acting_name and self.source in {ActingSource.OPTION, ActingSource.SIGNED_IN}:
                from reciprocity.ledger.members import resolve_member

                try:
                    self._acting_id = resolve_member(session=session, name=self.acting_name).id
                except BaseException:
                    engine.dispose()
                    raise
        return engine

    @contextmanager
    def session(self) -> "Iterator[Session]":
        """One unit of work."""
        from sqlmodel import Session

        with self._one_sentence(), Session(self.engine(), expire_on_commit=False) as session:
            yield session

    @contextmanager
    def reading(self) -> "Iterator[Session]":
        """One unit of work that only reads (:meth:`reader`)."""
        from sqlmodel import Session

        with self._one_sentence(), Session(self.reader(), expire_on_commit=False) as session:
            yield session

    @contextmanager
    def _one_sentence(self) -> "Iterator[None]":
        """A database that fails during the work (a damaged file, a full disk, a server
        that went away) ends it with one sentence naming the database, not a traceback.
        A constraint the database enforces is the use case's to explain, so it passes."""
        import sqlalchemy as sa

        from reciprocity.store.engine import DatabaseUnavailable, database_error_sentence
        from reciprocity.store.types import StoredValueError

        try:
            yield
        except sa.exc.IntegrityError:
            raise
        except sa.exc.DBAPIError as error:
            raise DatabaseUnavailable(database_error_sentence(self.location, error)) from None
        except StoredValueError as error:
            raise self._edited_outside(error) from None

    def _edited_outside(self, error: "StoredValueError") -> LedgerError:
        """A value a reader could not read, named by its row: it was written outside
        Reciprocity (SQL on the file), and ``db check`` lists every such row."""
        from reciprocity.store.tables import locate_stored_value

        engine = self._engine or self._reader
        assert engine is not None
        with engine.connect() as connection:
            where = locate_stored_value(connection, error)
        if where is None:
            return LedgerError(
                "stored.unreadable",
                "The database holds '{value}', which is not a {kind}; it was changed outside "
                "Reciprocity: run reciprocity db check to find the row.",
                value=str(error.raw),
                kind=error.kind,
            )
        table, column, row_id = where
        return LedgerError(
            "stored.unreadable_row",
            "{table} #{id} holds '{value}' in {column}, which is not a {kind}; it was changed "
            "outside Reciprocity: correct that row (reciprocity db check lists every such row).",
            table=table.capitalize().replace("_", " "),
            id=row_id,
            value=str(error.raw),
            column=column,
            kind=error.kind,
        )

    def dispose(self) -> None:
        """Close the engines' connections."""
        for engine in (self._engine, self._reader):
            if engine is not None:
                engine.dispose()

    # -- who is acting --------------------------------------------------------------------

    @property
    def owner(self) -> bool:
        """Whether the owner acts explicitly (``--owner``)."""
        return self.source == ActingSource.OWNER

    def act_as(self, member_id: int | None, name: str | None, source: ActingSource) -> None:
        """Act as this member from now on (the app's "who are you?" or a sign-in)."""
        self._acting_id = member_id
        self.acting_name = name
        self.source = source

    def acting_member_id(self, session: "Session") -> int | None:
        """The member this run acts as; ``None`` is the ledger's owner."""
        if self.source == ActingSource.OWNER:
            return None
        if self._acting_id is not None:
            return self._acting_id
        if self.acting_name:
            from reciprocity.ledger.members import resolve_member

            try:
                return resolve_member(session=session, name=self.acting_name).id
            except LedgerError:
                if self.source in {ActingSource.OPTION, ActingSource.SIGNED_IN}:
                    raise
                raise self._stale_name_error() from None
        if self.served:
            raise LedgerError(
                "serve.signed_out",
                "Nobody is signed in; sign in with your name and password.",
            )
        if self.demo:
            from reciprocity.ledger.demo import demo_organiser

            organiser = demo_organiser(session=session)
            return organiser.id if organiser else None
        return None

    def _stale_name_error(self) -> LedgerError:
        from reciprocity.config import config_file

        if self.source == ActingSource.SAVED:
            return LedgerError(
                "acting.saved_unknown",
                "The member '{name}' saved for this database in {file} is not in this ledger; "
                "pass --as NAME to act as someone else, or --owner to act as the owner.",
                name=self.acting_name,
                file=str(config_file()),
            )
        return LedgerError(
            "acting.setting_unknown",
            "The acting member '{name}' set in RECIPROCITY_AS or {file} is not in this "
            "ledger; fix the setting, pass --as NAME, or pass --owner to act as the owner.",
            name=self.acting_name,
            file=str(config_file()),
        )

    def remember(self, name: str) -> Path | None:
        """Save ``name`` as who acts on this database next time (not for the demo)."""
        if self.demo or self.served:
            return None
        from reciprocity.config import save_acting_member

        return save_acting_member(name, database=self.url)

    # -- words for people -----------------------------------------------------------------

    @property
    def location(self) -> str:
        """The database as a person may read it: a file's path, a URL without password."""
        from reciprocity.config import database_key

        key = database_key(self.url)
        return key.removeprefix("sqlite:///") if key.startswith("sqlite:///") else key

    def command(self, arguments: str) -> str:
        """A command line to suggest, with the global options that reach this database:
        ``command('network add "Club"')`` → ``reciprocity --db sqlite:///x network add "Club"``.

        A password in the URL is shown masked: the user knows it, a screen need not.
        """
        if self.demo:
            prefix = "reciprocity --demo"
        elif self.default_location:
            prefix = "reciprocity"
        else:
            from reciprocity.config import database_key

            shown = self.url if self.url.startswith("sqlite") else database_key(self.url)
            prefix = f"reciprocity --db {shlex.quote(shown)}"
        return f"{prefix} {arguments}"
