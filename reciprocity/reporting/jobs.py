"""A report's independent parts, side by side: each in a forked process where that is safe.

Drawing the chart PNGs and writing the workbook need nothing from the database and
nothing from each other or from the PDF, and each keeps one core busy for seconds at
national size. :class:`Job` runs such a part in a child process made by ``fork`` (the
child shares the gathered numbers without copying them) and hands back its result, or
re-raises its error, when asked. It forks only where forking is safe: on a platform that
has it and in a single-threaded process (the command line). Anywhere else (the TUI's
worker threads, Windows) the part runs in place when its result is asked for, so the
files are the same either way.
"""

import contextlib
import multiprocessing
import threading
import traceback
from collections.abc import Callable
from multiprocessing.connection import Connection
from typing import Any, Generic, TypeVar

T = TypeVar("T")


def can_fork() -> bool:
    """Fork only a single-threaded process: a lock held by another thread would stay
    locked in the child for ever."""
    return "fork" in multiprocessing.get_all_start_methods() and threading.active_count() == 1


class Inbox:
    """What a job is handed after it started (:meth:`Job.send`), in order."""

    def __init__(self, connection: Connection | None, waiting: list[Any]) -> None:
        self._connection = connection
        self._waiting = waiting

    def get(self) -> Any:
        """The next value sent to the job, waiting for it when in a child."""
        if self._connection is None:
            return self._waiting.pop(0)
        return self._connection.recv()


def _run(work: Callable[[Inbox], Any], inbox: Inbox, answer: Connection) -> None:
    try:
        result: tuple[bool, Any] = (True, work(inbox))
    except BaseException as error:  # noqa: BLE001 - handed to the parent, which raises it
        result = (False, error)
    try:
        answer.send(result)
    except Exception:  # noqa: BLE001 - an error that does not pickle: send its text
        answer.send((False, RuntimeError("".join(traceback.format_exception(result[1])))))
    finally:
        answer.close()


class Job(Generic[T]):
    """``work`` started now in a forked child (where :func:`can_fork`), else run by
    :meth:`result`. ``work`` is given an :class:`Inbox` of what is :meth:`send` to it
    later, so a child can start before all of its input is at hand."""

    def __init__(self, work: Callable[[Inbox], T], *, fork: bool = True) -> None:
        self._work = work
        self._waiting: list[Any] = []
        self._answer: Connection | None = None
        self._feed: Connection | None = None
        self._process: Any = None
        if fork and can_fork():
            context = multiprocessing.get_context("fork")
            self._answer, answering = context.Pipe(duplex=False)
            feed, self._feed = context.Pipe(duplex=False)
            self._process = context.Process(
                target=_run,
                args=(work, Inbox(feed, []), answering),
                name="reciprocity-report",
                daemon=True,
            )
            self._process.start()
            answering.close()
            feed.close()

    @property
    def forked(self) -> bool:
        """Whether the work runs in a child process."""
        return self._process is not None

    def send(self, value: Any) -> None:
        """Hand the job its next input (pickled to the child, if it is in one)."""
        if self._feed is None:
            self._waiting.append(value)
            return
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):
            self._feed.send(value)  # if the child has stopped, result() says why

    def result(self) -> T:
        """The work's result (waiting for the child); its error is raised here."""
        if self._answer is None:
            return self._work(Inbox(None, self._waiting))
        try:
            ok, value = self._answer.recv()
        except EOFError:
            ok, value = False, RuntimeError("A report step ended without finishing its file.")
        finally:
            self._answer.close()
            if self._feed is not None:
                self._feed.close()
            self._process.join()
        if not ok:
            raise value
        result: T = value
        return result

    def stop(self) -> None:
        """Give up on the work: end the child, if there is one (its file stays unwritten)."""
        if self._process is None:
            return
        for connection in (self._answer, self._feed):
            if connection is not None:
                connection.close()
        self._answer = self._feed = None
        self._process.terminate()
        self._process.join()
        self._process = None
