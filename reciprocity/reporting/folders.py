"""Report folders that appear whole or not at all, and never write through a planted link.

A report is many files (PDF, HTML, XLSX, CSV, PNG). Written one by one into the folder
the user named, a report stopped half-way would leave October's HTML beside September's
PDF. So every report is built in a fresh temporary folder *beside* the target (same file
system, so the last step is a rename) and swapped in whole when every file is written:

- :func:`check_out_dir` refuses, before anything is computed, an empty name, a file, a
  symbolic link, and a folder that is not empty (unless ``force``). With ``force`` a
  folder is replaced only when it holds nothing but files a report writes: ``--force``
  on the wrong folder can never delete someone's documents.
- :func:`building` makes the temporary folder (``mkdtemp``: new, private, so no link can
  be planted in it), hands it to the writers, and on success renames it into place; the
  replaced report goes aside and is removed after the swap. On any error the temporary
  folder is removed and the target is as it was.
- A process killed with ``SIGKILL`` cannot clean up; its temporary folder (named
  ``.<target>.part-<pid>-…``) is removed by the next report written beside it, once no
  process of that id is alive.

It never follows a symbolic link: the target itself may not be one, and the files are
written only inside the folder :func:`building` created.
"""

import contextlib
import os
import shutil
import tempfile
from collections.abc import Collection, Iterator
from pathlib import Path

from reciprocity.ledger.errors import LedgerError

PART = ".part-"
"""Between the target's name and the process id in a temporary folder's name."""


def check_out_dir(out_dir: str | Path, *, force: bool, names: Collection[str]) -> Path:
    """The folder a report goes in, refused with one sentence when it cannot be.

    ``names`` are the file names a report of this kind writes: with ``force``, a folder
    holding only such files is replaced; anything else in it is refused.
    """
    if not str(out_dir).strip():
        raise LedgerError(
            "report.folder_empty_name",
            "Name the folder for the report; an empty name is not a folder.",
            field="folder",
        )
    path = Path(out_dir).expanduser().absolute()
    if path.is_symlink():
        raise LedgerError(
            "report.folder_is_link",
            "{path} is a symbolic link; name the folder itself.",
            field="folder",
            path=str(path),
        )
    if path.exists() and not path.is_dir():
        raise LedgerError(
            "report.folder_is_file",
            "{path} is a file; name a folder for the report.",
            field="folder",
            path=str(path),
        )
    if not path.exists():
        return path
    entries = sorted(os.scandir(path), key=lambda entry: entry.name)
    if entries and not force:
        raise LedgerError(
            "report.folder_not_empty",
            "{path} is not empty; choose an empty folder, or add --force to replace "
            "the report in it.",
            field="folder",
            path=str(path),
        )
    for entry in entries:
        if entry.name not in names or not entry.is_file(follow_symlinks=False):
            raise LedgerError(
                "report.folder_holds_other_files",
                "{path} holds {name}, which is not part of a report; choose an empty folder.",
                field="folder",
                path=str(path),
                name=entry.name,
            )
    return path


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's process: alive
        return True
    return True


def _remove_stale(target: Path) -> None:
    """Temporary folders beside ``target`` left by reports that were killed."""
    prefix = f".{target.name}{PART}"
    with contextlib.suppress(OSError):
        for entry in os.scandir(target.parent):
            if not entry.name.startswith(prefix) or not entry.is_dir(follow_symlinks=False):
                continue
            pid = entry.name[len(prefix) :].split("-", 1)[0]
            if pid.isdigit() and not _alive(int(pid)):
                shutil.rmtree(entry.path, ignore_errors=True)


def _temporary(target: Path) -> Path:
    prefix = f".{target.name}{PART}{os.getpid()}-"
    return Path(tempfile.mkdtemp(prefix=prefix, dir=target.parent))


def _umask() -> int:
    """The process's umask, read without changing it where Linux tells it."""
    with contextlib.suppress(OSError, ValueError):
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("Umask:"):
                return int(line.split()[1], 8)
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


@contextlib.contextmanager
def building(target: Path, *, force: bool, names: Collection[str]) -> Iterator[Path]:
    """A new private folder beside ``target`` to write the report in; swapped in whole
    as ``target`` when the block ends without an error, removed when it raises.

    ``force`` and ``names`` are those :func:`check_out_dir` was given: the target is
    checked again just before the swap, in case something was put there meanwhile.
    """
    target.parent.mkdir(parents=True, exist_ok=True)
    _remove_stale(target)
    scratch = _temporary(target)
    try:
        yield scratch
        check_out_dir(target, force=force, names=names)
        # Private while it is built; a folder like any other once it is the report.
        scratch.chmod(0o777 & ~_umask())
        _swap_in(scratch, target)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def _swap_in(scratch: Path, target: Path) -> None:
    """Rename ``scratch`` to ``target``; a report already there goes aside first and is
    removed once the new one is in place."""
    if not target.exists():
        scratch.rename(target)
        return
    aside = _temporary(target)
    aside.rmdir()
    target.rename(aside)
    try:
        scratch.rename(target)
    except BaseException:
        aside.rename(target)
        raise
    shutil.rmtree(aside, ignore_errors=True)
