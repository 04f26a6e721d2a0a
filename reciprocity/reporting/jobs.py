"""A report's independent parts, side by side: each in a forked process where that is safe.

Drawing the chart PNGs and writing the workbook need nothing from the database and
nothing from each other or from the PDF, and each keeps one core busy for seconds at
national size. :class:`Job` runs such a part in a child process made by ``fork`` (the
child shares the gathered numbers without copying them) and hands back its result, or
re-raises its error, when asked. It forks only where forking is safe: on a platform that
has it and in a single-threaded process (the command line). Anywhere else (the TUI's
worker threads, Windows) the part runs in place when its result is asked for, so the
files are the same either way.

A child never outlives the report that started it. On Linux it asks the kernel for
``SIGKILL`` when its parent dies (``prctl(PR_SET_PDEATHSIG)``), so a report killed with
``SIGKILL`` or ``SIGTERM`` leaves no worker writing files; it closes the ends of the pipes
that belong to the parent, so a parent that goes away is seen as the end of its input
rather than a wait for ever; and it takes the default ``SIGTERM`` back, so
:meth:`Job.stop` ends it at once. Every file a child writes lies in the report's
temporary folder, which the parent removes (see :mod:`reciprocity.reporting.folders`).
"""

import contextlib
import ctypes
import multiprocessing
import os
import signal
import sys
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


STOPPING = {signal.SIGINT, signal.SIGTERM}
"""Held back while a child is forked, so a handler never runs half-way through a fork."""
PR_SET_PDEATHSIG = 1
"""``prctl`` option: the signal a process gets when its parent dies (linux/prctl.h)."""


def _die_with_parent(parent: int) -> None:
    """Ask Linux to kill this child when its parent dies; end now if it already has."""
    if sys.platform.startswith("linux"):
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    if os.getppid() != parent:  # the parent died before the request was made
        os._exit(1)


def _run(
    work: Callable[[Inbox], Any],
    inbox: Inbox,
    answer: Connection,
    parent: int,
    parents_ends: tuple[Connection, ...],
    nice: int,
) -> None:
    _die_with_parent(parent)
    if nice:
        os.nice(nice)
    # The parent answers ctrl+c and ends its children itself; SIGTERM ends a child at once.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.pthread_sigmask(signal.SIG_UNBLOCK, STOPPING)
    for connection in parents_ends:
        connection.close()
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
    later, so a child can start before all of its input is at hand. A child with a
    ``nice`` increment yields the processor to the report's other parts while they want
    it, and takes what they leave."""

    def __init__(self, work: Callable[[Inbox], T], *, fork: bool = True, nice: int = 0) -> None:
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
                args=(
                    work,
                    Inbox(feed, []),
                    answering,
                    os.getpid(),
                    (self._answer, self._feed),
                    nice,
                ),
                name="reciprocity-report",
                daemon=True,
            )
            held = signal.pthread_sigmask(signal.SIG_BLOCK, STOPPING)
            try:
                self._process.start()
            finally:
                signal.pthread_sigmask(signal.SIG_SETMASK, held)
            answering.close()
            feed.close()

    @property
    def forked(self) -> bool:
        """Whether the work runs in a child process."""
        return self._process is not None

    @property
    def pid(self) -> int | None:
        """The child's process id (``None`` when the work runs in place)."""
        return None if self._process is None else int(self._process.pid)

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
        self._process.join(timeout=5)
        if self._process.is_alive():  # it blocks SIGTERM somehow: it cannot block this
            self._process.kill()
            self._process.join()
        self._process = None
