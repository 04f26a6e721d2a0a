"""Files appear whole or not at all, and never through a link someone planted.

Every file Reciprocity writes for a person (an export, a backup, a folder of exports) is
written under a new hidden name beside its target, ``.NAME.<random>.part``, created with
``O_EXCL | O_NOFOLLOW``, and only moved to its name once complete:

- a failure (a full disk, a database error, a kill) leaves the target as it was, at most a
  hidden ``.part`` file or folder beside it, and a rerun is never refused because of it;
- a planted ``x.csv.part → victim`` is never written through: the temporary name is new
  and random, and ``O_NOFOLLOW`` refuses a link even if one were guessed;
- without ``--force`` the file is linked to its name, which fails if anything (a file or
  a link) took the name meanwhile; with it, ``rename`` replaces the name itself, never
  the file a link at that name points to.

Errors become one sentence that names the file.
"""

import errno
import os
import secrets
from pathlib import Path

from reciprocity.ledger.errors import LedgerError

_NEW_FILE = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0)


def sibling(target: Path) -> Path:
    """A new hidden name beside ``target`` for writing it: ``.x.csv.3f9a….part``."""
    return target.with_name(f".{target.name}.{secrets.token_hex(6)}.part")


def create(path: Path) -> int:
    """Create ``path`` for writing, new: never an existing file, never through a link."""
    return os.open(path, _NEW_FILE, 0o666)


def make_folder(path: Path) -> None:
    """Create the folder ``path``, new (permissions as the user's umask allows)."""
    path.mkdir(0o777)


def exists_error(path: Path) -> LedgerError:
    """'x.csv already exists; …'."""
    return LedgerError(
        "export.exists",
        "{path} already exists; choose a new file name or pass --force.",
        field="file",
        path=str(path),
    )


def place(temporary: Path, target: Path, *, overwrite: bool) -> None:
    """Give the complete ``temporary`` its name: a file (or link) there stays unless
    ``overwrite``, and a link there is replaced, never followed."""
    if overwrite:
        os.replace(temporary, target)
        return
    try:
        os.link(temporary, target, follow_symlinks=False)
    except FileExistsError:
        raise exists_error(target) from None
    except OSError as error:
        if error.errno not in (errno.EPERM, errno.EOPNOTSUPP, errno.EXDEV):
            raise
        # A file system without hard links: check, then rename (a narrow race, no link).
        if os.path.lexists(target):
            raise exists_error(target) from None
        os.replace(temporary, target)


def write_failed(path: Path, error: OSError) -> LedgerError:
    """'The file x.csv could not be written (No space left on device); …'."""
    return LedgerError(
        "file.write_failed",
        "The file {path} could not be written ({reason}); nothing was written to it.",
        field="file",
        path=str(path),
        reason=error.strerror or str(error),
    )
