"""How the TUI reaches the ledger: a session per unit of work and who is acting.

The command line's ``State`` already knows the database URL, the acting member and
whether this is the demo; it satisfies :class:`LedgerAccess` as it is, so the TUI opens
exactly what the CLI would. Tests and benchmarks use :class:`EngineAccess` on a file.
This module never holds a session: each worker opens one and closes it.
"""

from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass, field
from typing import Protocol

from sqlalchemy.engine import Engine
from sqlmodel import Session

from reciprocity.store.engine import make_engine


class LedgerAccess(Protocol):
    """What the TUI needs from its face: sessions, and the configured acting member."""

    acting_name: str | None
    demo: bool

    def session(self) -> AbstractContextManager[Session]:
        """One unit of work on the migrated database."""
        ...

    def acting_member_id(self, session: Session) -> int | None:
        """The member named by ``--as``/settings (or the demo organiser); ``None`` is the owner."""
        ...


@dataclass
class EngineAccess:
    """A :class:`LedgerAccess` on a database URL, acting as a member named ``acting_name``."""

    url: str
    acting_name: str | None = None
    demo: bool = False
    _engine: Engine | None = field(default=None, repr=False)

    def engine(self) -> Engine:
        """The migrated engine, opened on first use."""
        if self._engine is None:
            self._engine = make_engine(self.url)
        return self._engine

    @contextmanager
    def session(self) -> Iterator[Session]:
        """One unit of work."""
        with Session(self.engine(), expire_on_commit=False) as session:
            yield session

    def acting_member_id(self, session: Session) -> int | None:
        """The named member's id; unnamed, the demo's organiser or ``None`` (the owner)."""
        if not self.acting_name:
            if self.demo:
                from reciprocity.ledger.demo import demo_organiser

                organiser = demo_organiser(session=session)
                return organiser.id if organiser else None
            return None
        from reciprocity.ledger.members import resolve_member

        return resolve_member(session=session, name=self.acting_name).id

    def dispose(self) -> None:
        """Close the engine's connections."""
        if self._engine is not None:
            self._engine.dispose()
