"""What every screen of the app shares: ledger work in thread workers, errors as notices.

:meth:`LedgerWork.ledger_call` runs a function of a session in a thread worker and hands
its result back on the UI thread, so a slow query never freezes a key press. A
``LedgerError`` goes to ``refused`` (a sentence next to a field) or becomes a warning
notification; any database failure (locked, gone, broken) becomes an error notification.
Nothing raised in a worker reaches Textual, so the app never dies of it.
"""

from collections.abc import Callable
from typing import TYPE_CHECKING, TypeVar, cast

from sqlmodel import Session
from textual.dom import DOMNode
from textual.message import Message
from textual.screen import ModalScreen, Screen
from textual.worker import get_current_worker

from reciprocity.i18n import _
from reciprocity.ledger.errors import LedgerError

if TYPE_CHECKING:
    from textual.widgets import Label

    from reciprocity.tui.app import ReciprocityApp

T = TypeVar("T")


def describe_failure(error: BaseException) -> str:
    """One sentence for a failure that is not the user's mistake."""
    from sqlalchemy.exc import OperationalError, SQLAlchemyError

    from reciprocity.config import SettingsError
    from reciprocity.store.engine import DatabaseUnavailable, SchemaError

    if isinstance(error, DatabaseUnavailable | SchemaError | SettingsError):
        return str(error)
    if isinstance(error, OperationalError):
        detail = str(error.orig).strip().splitlines()[0] if error.orig else str(error)
        if "locked" in detail or "busy" in detail:
            return _("The database is busy with another program's write; try again in a moment.")
        return _("The database could not be used ({detail}).").format(detail=detail)
    if isinstance(error, SQLAlchemyError):
        return _("The database refused the request ({kind}).").format(kind=type(error).__name__)
    return _("Something went wrong ({kind}: {error}); nothing was lost.").format(
        kind=type(error).__name__, error=error
    )


def shown_in(label: "Label") -> Callable[[LedgerError], None]:
    """A ``refused`` callback that puts the ledger's sentence in ``label``."""

    def show(refusal: LedgerError) -> None:
        label.update(str(refusal))

    return show


class LedgerWork(DOMNode):
    """A mixin for screens: ledger calls in thread workers, results on the UI thread."""

    @property
    def rapp(self) -> "ReciprocityApp":
        """The app, typed."""
        return cast("ReciprocityApp", self.app)

    def ledger_call(
        self,
        job: Callable[[Session], T],
        done: Callable[[T], None],
        *,
        group: str = "load",
        refused: Callable[[LedgerError], None] | None = None,
        failed: Callable[[], None] | None = None,
        exclusive: bool = True,
    ) -> None:
        """Run ``job(session)`` in a thread; then ``done(result)`` or a notice, never a crash.

        A ledger refusal goes to ``refused`` (default: a warning); any other failure
        becomes an error notice, after which ``failed`` runs (to undo a busy state)."""
        app = self.rapp

        def deliver(result: T) -> None:
            if self.is_attached:
                done(result)

        def run() -> None:
            worker = get_current_worker()
            try:
                with app.workspace.session() as session:
                    result = job(session)
            except LedgerError as error:
                if not worker.is_cancelled:
                    app.call_from_thread(refused or app.notify_refused, error)
                return
            except Exception as error:  # any failure becomes a notice, never a crash
                failure = describe_failure(error)
                if not worker.is_cancelled:
                    app.call_from_thread(app.notify_failure, failure)
                    if failed is not None:
                        app.call_from_thread(failed)
                return
            if not worker.is_cancelled:
                app.call_from_thread(deliver, result)

        self.run_worker(run, thread=True, group=group, exclusive=exclusive, exit_on_error=False)


class LedgerChanged(Message):
    """Something was written to the ledger; posted by whatever wrote it, it bubbles to the
    app, which tells every main screen (see :class:`LedgerScreen.Refresh`)."""


class LedgerScreen(Screen[None], LedgerWork):
    """A main screen: it reloads its data when the ledger changed while it was hidden."""

    stale = False

    class Refresh(Message, bubble=False):
        """The ledger changed: reload now if showing, else on return."""

    def reload(self) -> None:
        """Read this screen's data again (in workers)."""

    def forget(self) -> None:
        """Another member acts now: clear what the last one could see (before the reload)."""

    def on_mount(self) -> None:
        self.rapp.register(self)
        self.reload()

    def on_ledger_screen_refresh(self, _event: "LedgerScreen.Refresh") -> None:
        if self.is_current:
            self.reload()
        else:
            self.stale = True

    def on_screen_resume(self) -> None:
        if self.stale:
            self.stale = False
            self.reload()


class LedgerModal(ModalScreen[T], LedgerWork):
    """A dialog that may read or write the ledger."""
