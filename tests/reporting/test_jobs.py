"""A report's side jobs give the same result, and the same errors, forked or in place, and
no child outlives the job that made it or the process that started it."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from reciprocity.ledger.errors import LedgerError
from reciprocity.reporting.jobs import Inbox, Job, can_fork


def _doubled(inbox: Inbox) -> list[int]:
    first, second = inbox.get(), inbox.get()
    return [2 * first, 2 * second]


def _refused(_inbox: Inbox) -> None:
    raise LedgerError("report.folder_not_writable", "The folder cannot be written.", field="folder")


@pytest.mark.parametrize("fork", [True, False])
def test_a_job_hears_what_is_sent_and_hands_back_its_result(fork: bool) -> None:
    job: Job[list[int]] = Job(_doubled, fork=fork)
    assert job.forked == (fork and can_fork())
    job.send(3)
    job.send(5)
    assert job.result() == [6, 10]


@pytest.mark.parametrize("fork", [True, False])
def test_a_job_s_error_is_raised_by_result(fork: bool) -> None:
    job: Job[None] = Job(_refused, fork=fork)
    with pytest.raises(LedgerError, match="cannot be written"):
        job.result()


def _sleeps(_inbox: Inbox) -> None:
    time.sleep(600)


def _gone(pid: int) -> bool:
    """No such process, or only its exit status waiting for a parent (a zombie)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except FileNotFoundError:
        return True
    return stat.rsplit(")", 1)[1].split()[0] == "Z"


needs_fork = pytest.mark.skipif(
    not can_fork() or not Path("/proc/self/stat").exists(), reason="forks on Linux only"
)


@needs_fork
def test_a_stopped_job_leaves_no_child() -> None:
    job: Job[None] = Job(_sleeps)
    pid = job.pid
    assert pid is not None and not _gone(pid)
    job.stop()
    # Ended and reaped: not even a zombie is left.
    assert not Path(f"/proc/{pid}").exists()
    assert not job.forked


CHILD_OF_A_KILLED_PARENT = """
import sys, time
from reciprocity.reporting.jobs import Job

def sleeps(_inbox):
    time.sleep(600)

job = Job(sleeps)
print(job.pid, flush=True)
time.sleep(600)
"""


@needs_fork
@pytest.mark.parametrize("how", [signal.SIGKILL, signal.SIGTERM], ids=["SIGKILL", "SIGTERM"])
def test_a_child_dies_with_its_parent(how: signal.Signals) -> None:
    parent = subprocess.Popen(
        [sys.executable, "-c", CHILD_OF_A_KILLED_PARENT], stdout=subprocess.PIPE, text=True
    )
    assert parent.stdout is not None
    child = int(parent.stdout.readline())
    assert not _gone(child)
    parent.send_signal(how)
    parent.wait(timeout=10)
    deadline = time.monotonic() + 10
    while not _gone(child) and time.monotonic() < deadline:
        time.sleep(0.05)
    alive = not _gone(child)
    if alive:
        os.kill(child, signal.SIGKILL)
    assert not alive, "the job's child outlived its parent"
