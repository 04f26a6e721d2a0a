"""A report's side jobs give the same result, and the same errors, forked or in place."""

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


def test_a_stopped_job_leaves_no_child() -> None:
    job: Job[list[int]] = Job(_doubled)
    job.stop()
    assert not job.forked
